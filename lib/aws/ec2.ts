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

/**
 * Version label per instance id (terminated instances are left out).
 *
 * The page reads keep a running instance's label for good (`ReadBatcher.keep`): its AMI never
 * changes, and its version tag is written when it is launched. So an overview that reads the same
 * instances every refresh asks EC2 only about instances it has not seen running yet. An operation's
 * own reads (no batcher) always ask.
 */
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
    if (!batcher) {
      for (const [id, instance] of await fetch(ids)) if (instance.State?.Name !== "terminated") versions.set(id, versionOf(instance));
      return versions;
    }
    const keyOf = (id: string) => `ec2:instance-version:${id}`;
    const missing: string[] = [];
    await Promise.all(
      [...new Set(ids)].map(async (id) => {
        const kept = batcher.peek<string>(keyOf(id));
        if (kept) versions.set(id, await kept);
        else missing.push(id);
      }),
    );
    if (missing.length === 0) return versions;
    const found = await batcher.byIds("ec2:DescribeInstances", missing, INSTANCE_IDS_PER_CALL, fetch);
    for (const [id, instance] of found) {
      if (instance.State?.Name === "terminated") continue;
      const version = versionOf(instance);
      versions.set(id, version);
      if (instance.State?.Name === "running") batcher.keep(keyOf(id), version);
    }
  } catch (err) {
    throw toAppError(err, "DescribeInstances");
  }
  return versions;
}
