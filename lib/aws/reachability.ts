/**
 * The readiness check's AWS read: one cheap call per Region (Auto Scaling's
 * DescribeAutoScalingGroups for one group), to learn whether AWS, or the practice range, answers.
 * An answer of any kind but a refusal of the credentials counts: throttled, or not allowed to
 * describe groups, AWS still answered, and a server taken out of service for that would not help.
 */
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { toAppError } from "./errors";
import type { AwsClients } from "./clients";

/** Why AWS counts as not reachable, in words safe for anyone (no AWS text, ARN or account id). */
export type Unreachable = "no answer in time" | "endpoint unreachable" | "credentials refused" | "error answer";

/** Error names that say the credentials themselves were refused, not a permission. */
const CREDENTIALS_REFUSED = new Set([
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "UnrecognizedClientException",
]);

/** null when AWS answered; else why not. */
export async function awsUnreachable(clients: Pick<AwsClients, "autoscaling">, signal: AbortSignal): Promise<Unreachable | null> {
  try {
    await clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1 }), { abortSignal: signal });
    return null;
  } catch (err) {
    if (signal.aborted) return "no answer in time";
    const name = err && typeof err === "object" && "name" in err && typeof err.name === "string" ? err.name : "";
    if (CREDENTIALS_REFUSED.has(name)) return "credentials refused";
    const mapped = toAppError(err, "DescribeAutoScalingGroups");
    if (mapped.code === "throttled" || mapped.code === "forbidden") return null;
    if (mapped.transient && mapped.awsName === null) return name === "TimeoutError" ? "no answer in time" : "endpoint unreachable";
    return "error answer";
  }
}
