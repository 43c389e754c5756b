/**
 * Every HTTP request Teal sends to AWS passes here (an SDK middleware on every client that
 * `createClients` builds, inside the SDK's retry loop): it is counted by service, operation, Region
 * and outcome, and every throttle and every error is logged, with the operation or request it was
 * made for when there is one (lib/telemetry/log.ts takes those ids from the context).
 *
 * The log line keeps AWS's error code, HTTP status and request id (what AWS support asks for) and
 * its message: the server's log is for the people who run Teal, unlike the user messages of
 * lib/aws/errors.ts, which never carry AWS's text.
 */
import { logger } from "@/lib/telemetry/log";
import { awsRequests, awsThrottles } from "@/lib/telemetry/teal-metrics";
import { toAppError } from "./errors";

/** How one request ended, for the `outcome` label. */
export type AwsOutcome = "ok" | "throttled" | "error";

/** The operation's name as AWS spells it: the SDK's command name without `Command`. */
function operationOf(commandName: string | undefined): string {
  if (!commandName) return "unknown";
  return commandName.endsWith("Command") ? commandName.slice(0, -"Command".length) : commandName;
}

function awsDetails(err: unknown): { awsCode: string; httpStatus: number | null; awsRequestId: string | null; message: string } {
  const e = (err ?? {}) as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown; requestId?: unknown } };
  return {
    awsCode: typeof e.name === "string" ? e.name : "Error",
    httpStatus: typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : null,
    awsRequestId: typeof e.$metadata?.requestId === "string" ? e.$metadata.requestId : null,
    message: typeof e.message === "string" ? e.message.slice(0, 500) : String(err).slice(0, 500),
  };
}

/** Whether the SDK gave up on the request because Teal cancelled it (a preempted or stopped run). */
function cancelled(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { name?: unknown }).name === "AbortError";
}

/**
 * The middleware for one client: `service` as the AWS budget names it (route53, elbv2, …) and the
 * client's Region. Fits the finalizeRequest step (one run per HTTP attempt).
 */
export function telemetryMiddleware(service: string, region: string) {
  return <A, R>(next: (args: A) => Promise<R>, context: { commandName?: string }) =>
    async (args: A): Promise<R> => {
      const operation = operationOf(context.commandName);
      const started = performance.now();
      try {
        const result = await next(args);
        awsRequests.inc({ service, operation, region, outcome: "ok" });
        return result;
      } catch (err) {
        const ms = Math.round(performance.now() - started);
        const details = awsDetails(err);
        if (cancelled(err)) {
          awsRequests.inc({ service, operation, region, outcome: "error" });
          logger.info("aws.cancelled", { service, operation, region, durationMs: ms });
        } else if (toAppError(err, operation).code === "throttled") {
          awsRequests.inc({ service, operation, region, outcome: "throttled" });
          awsThrottles.inc({ service, region });
          logger.warn("aws.throttled", { service, operation, region, durationMs: ms, ...details });
        } else {
          awsRequests.inc({ service, operation, region, outcome: "error" });
          logger.warn("aws.error", { service, operation, region, durationMs: ms, ...details });
        }
        throw err;
      }
    };
}
