import "server-only";
import { DescribeInstancesCommand, type EC2Client, type Instance } from "@aws-sdk/client-ec2";
import { toAppError } from "./errors";

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
  try {
    const out = await client.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    for (const reservation of out.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        if (instance.InstanceId && instance.State?.Name !== "terminated") versions.set(instance.InstanceId, versionOf(instance));
      }
    }
  } catch (err) {
    throw toAppError(err, "DescribeInstances");
  }
  return versions;
}
