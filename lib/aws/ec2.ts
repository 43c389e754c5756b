import "server-only";
import { DescribeInstancesCommand, type EC2Client, type Instance } from "@aws-sdk/client-ec2";
import { batcherOf } from "./batched-reads";
import { toAppError } from "./errors";

/**
 * Instance ids per DescribeInstances call when merging the reads of several applications. The API
 * reference states no maximum for `InstanceIds` (docs/aws-behaviour.md §8.4); 1,000 is the most
 * `MaxResults` allows for one page, and an id list is answered in one page.
 */
export const INSTANCE_IDS_PER_CALL = 1_000;

/** The tag that names an instance's application version; the AMI id stands in when it is absent. */
export const VERSION_TAG = "teal:version";

export function versionOf(instance: Instance): string {
  const tag = instance.Tags?.find((t) => t.Key === VERSION_TAG)?.Value;
  return tag ?? instance.ImageId ?? "unknown";
}

/** Version label per instance id (terminated instances are left out). */
export async function describeInstanceVersions(client: EC2Client, ids: string[]): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  if (ids.length === 0) return versions;
  const fetch = async (some: string[]): Promise<Map<string, Instance>> => {
    const found = new Map<string, Instance>();
    const out = await client.send(new DescribeInstancesCommand({ InstanceIds: some }));
    for (const reservation of out.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) if (instance.InstanceId) found.set(instance.InstanceId, instance);
    }
    return found;
  };
  try {
    const batcher = batcherOf(client);
    const found = batcher ? await batcher.byIds("ec2:DescribeInstances", ids, INSTANCE_IDS_PER_CALL, fetch) : await fetch(ids);
    for (const [id, instance] of found) {
      if (instance.State?.Name !== "terminated") versions.set(id, versionOf(instance));
    }
  } catch (err) {
    throw toAppError(err, "DescribeInstances");
  }
  return versions;
}
