import { AppError, isAppError, type AppErrorCode } from "@/lib/domain/app-error";
import { iamActionOf } from "./operations";

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "RequestThrottled",
  "RequestThrottledException",
]);
const NOT_FOUND = new Set([
  "NoSuchHostedZone",
  "NoSuchChange",
  "LoadBalancerNotFound",
  "AccessPointNotFound",
  "AccessPointNotFoundException",
  "InvalidInstance",
  "InvalidInstanceID.NotFound",
  "ResourceNotFoundException",
]);
const INVALID = new Set([
  "InvalidChangeBatch",
  "InvalidInput",
  "ValidationError",
  "ValidationException",
  "InvalidParameterValue",
  "InvalidParameterValueException",
  "InvalidParameterCombination",
  "InvalidParameterCombinationException",
  "InvalidConfigurationRequest",
]);
/**
 * Refusals that say the request was not applied because the resource is busy with an earlier one
 * (Route 53 still processing a change, an Auto Scaling activity under way, a contended resource):
 * the same request may be sent again later.
 */
export const BUSY_REFUSALS: ReadonlySet<string> = new Set([
  // Route 53 (the SDK names the error by its code).
  "PriorRequestNotComplete",
  // ELBv2's modelled exception.
  "PriorRequestNotCompleteException",
  // Auto Scaling: the SDK's modelled exceptions are named `…Fault`; the bare codes are what an
  // unmodelled answer carries.
  "ScalingActivityInProgressFault",
  "ScalingActivityInProgress",
  "ResourceContentionFault",
  "ResourceContention",
]);
const CONFLICT = new Set([...BUSY_REFUSALS, "ResourceInUse", "ResourceInUseFault", "ResourceInUseException"]);
/** Errors of the connection itself: the request got no AWS answer. */
const NETWORK = new Set(["TimeoutError", "ETIMEDOUT", "ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EPIPE"]);
const DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  // An assumed role's session that lapsed (docs/aws-behaviour.md §15.1).
  "ExpiredToken",
  "ExpiredTokenException",
]);

/** Removes ARNs and account ids from AWS error text before anyone sees it. */
export function redactAwsText(text: string): string {
  return text
    .replace(/arn:aws[a-z-]*:[^\s"',)\]]+/g, "[arn]")
    .replace(/\b\d{12}\b/g, "[account]")
    .slice(0, 400);
}

function errorName(err: unknown): string {
  if (err && typeof err === "object") {
    const named = err as { name?: unknown; Code?: unknown; code?: unknown };
    for (const candidate of [named.name, named.Code, named.code]) {
      if (typeof candidate === "string" && candidate && candidate !== "Error") return candidate;
    }
  }
  return "Error";
}

function httpStatus(err: unknown): number | undefined {
  if (err && typeof err === "object" && "$metadata" in err) {
    const meta = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
    return typeof meta?.httpStatusCode === "number" ? meta.httpStatusCode : undefined;
  }
  return undefined;
}

/**
 * The SDK failed to parse the answer: its deserializer attaches the raw response as `$response`,
 * while an error AWS answered (a ServiceException) says whose fault it was in `$fault`.
 */
function unreadableAnswer(err: unknown): boolean {
  return typeof err === "object" && err !== null && "$response" in err && !("$fault" in err);
}

/**
 * What a refusal says: never AWS's text (it names the caller's ARN and the account), but the IAM
 * action the policy lacks when Teal's table of operations knows it (docs/aws-behaviour.md §10.2).
 */
function deniedDetail(name: string, operation: string): string {
  const action = name === "InvalidClientTokenId" || name === "SignatureDoesNotMatch" ? null : iamActionOf(operation);
  const base = "Teal's AWS credentials are not allowed to do this";
  return action === null ? base : `${base} (IAM action ${action}; teal iam-policy prints the policy Teal needs)`;
}

/**
 * Maps any error thrown by an AWS SDK call to an AppError with a user-safe message:
 * the operation, the AWS error code, and the AWS message with ARNs and account ids removed.
 */
export function toAppError(err: unknown, operation: string): AppError {
  if (isAppError(err)) return err;
  const name = errorName(err);
  const raw = err instanceof Error ? err.message : String(err);
  let code: AppErrorCode = "aws_error";
  if (THROTTLING.has(name)) code = "throttled";
  else if (NOT_FOUND.has(name)) code = "not_found";
  else if (INVALID.has(name)) code = "invalid";
  else if (CONFLICT.has(name)) code = "conflict";
  else if (DENIED.has(name)) code = "forbidden";
  const status = httpStatus(err);
  if (NETWORK.has(name)) {
    // No AWS answer at all: say so plainly rather than pass on the HTTP library's wording.
    const what =
      name === "TimeoutError" || name === "ETIMEDOUT" ? "the AWS endpoint did not answer in time" : "the AWS endpoint could not be reached";
    return new AppError("aws_error", `${operation} failed: ${what} (network or endpoint down; safe to retry)`, `${operation}: ${name}: ${raw}`, {
      transient: true,
    });
  }
  if (unreadableAnswer(err)) {
    // The SDK could not parse what came back (an HTML error page from a proxy, a truncated body, an
    // endpoint that is not AWS): its parser's words mean nothing to the person reading the page.
    return new AppError(
      "aws_error",
      `${operation} failed: the answer was not one AWS gives (a proxy or a failing endpoint answered; safe to retry)`,
      `${operation}: ${name}: ${raw}`,
      { transient: true },
    );
  }
  const detail = code === "forbidden" ? deniedDetail(name, operation) : redactAwsText(raw);
  const suffix = status && status >= 500 ? " (AWS service error; safe to retry)" : "";
  return new AppError(code, `${operation} failed: ${name}: ${detail}${suffix}`, `${operation}: ${name}: ${raw}`, {
    transient: suffix !== "",
    ...(name !== "Error" ? { awsName: name } : {}),
  });
}

/**
 * Whether AWS refused the request because the resource is busy with an earlier one (it was not
 * applied and may be sent again later), judged by the AWS error's name the error carries.
 */
export function isBusyRefusal(error: unknown): boolean {
  return isAppError(error) && error.code === "conflict" && error.awsName !== null && BUSY_REFUSALS.has(error.awsName);
}
