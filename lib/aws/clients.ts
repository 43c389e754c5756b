import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECSClient } from "@aws-sdk/client-ecs";
import { ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";
import type { CredentialSource } from "./assume-role";
import { attachBatcher, createReadBatcher, type ReadBatcher } from "./batched-reads";
import { toAppError } from "./errors";
import { budgetMiddleware, type BudgetPriority, type BudgetService, type ReadBudget } from "./read-budget";
import { telemetryMiddleware } from "./telemetry";

export interface AwsClientOptions {
  region: string;
  /** Practice range, LocalStack, or undefined for real AWS. */
  endpoint?: string;
  /** HTTP attempts per call, retries included (default: 3 standard, 4 adaptive). */
  maxAttempts?: number;
  /**
   * The SDK's retry mode (docs/aws-behaviour.md §8.2). Both retry throttling codes and transient 5xx/timeouts
   * with full-jitter backoff under a retry quota. `standard` (default) never delays a first
   * attempt: use it for plan calls (mutations), so a rollback is sent at once. `adaptive` adds a
   * client-side rate limiter that slows every request after throttling: use it only for a
   * separate set of clients that poll (wait conditions), where backing off is what we want and
   * a delayed poll costs nothing. Throttling is per account and Region, so one adaptive set per
   * Region mirrors the limit it adapts to.
   */
  retryMode?: "standard" | "adaptive";
  /**
   * Per-attempt limits (ms): connecting, and waiting for an answer. An endpoint that accepts
   * connections but never answers (a black-holed network, a frozen emulator) must fail the call,
   * so the retries and the journal see it, instead of hanging the dashboard and the engine.
   */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * For clients that only read: a call that failed in a way a later one may not (throttled, 5xx, no
   * answer), after the SDK's own retries, is made again after a pause, doubling from
   * `firstPauseMs` up to `maxPauseMs`, `attempts` times in all; as a wait's polls ride out an AWS
   * hiccup. Never give it to clients that send mutations.
   */
  readRetry?: ReadRetry;
  /**
   * The AWS budget the set's calls count against (docs/aws-behaviour.md §8.3): `background` for the
   * pages' reads (they wait for a token, or fail fast), `operation` for everything an operation
   * sends (counted, never held). Without it the calls are not counted.
   */
  budget?: { budget: ReadBudget; priority: BudgetPriority };
  /**
   * Appended to the SDK's User-Agent, so AWS's records (CloudTrail's `userAgent`, the practice
   * range's request log) tell which of Teal's client sets made a call, e.g. `teal/page`.
   */
  userAgent?: string;
  /**
   * For the pages' reads only: merge the Describe* calls of many applications made within this
   * window (ms; 0 = the same macrotask) into few AWS calls, and keep immutable answers for good
   * (lib/aws/batched-reads.ts, docs/aws-behaviour.md §8.4). Never for an operation's reads.
   */
  batchWindowMs?: number;
  /**
   * The credentials the set signs with, e.g. an assumed role's (lib/aws/assume-role.ts); absent:
   * the server's own (`serverCredentials`).
   */
  credentials?: CredentialSource;
}

export interface ReadRetry {
  attempts: number;
  firstPauseMs: number;
  maxPauseMs: number;
}

export const DEFAULT_TIMEOUTS_MS = { connection: 3_000, request: 15_000 } as const;

/** Default attempts per mode: mutations fail fast to the journal; polls are cheap to retry a little more. */
export const DEFAULT_MAX_ATTEMPTS = { standard: 3, adaptive: 4 } as const;

/**
 * The backoff of the installed SDK's retry strategies between two attempts of one call
 * (@smithy/core retry, "2026" settings): full jitter under min(base × 2^retry, 20 s), the base
 * being 1 s after throttling (50 ms after other errors), and an `x-amz-retry-after` hint may add
 * up to 5 s more. Checked against the SDK in clients.test.ts.
 */
export const SDK_BACKOFF_MS = { throttlingBase: 1_000, ceiling: 20_000, retryAfterExtra: 5_000 } as const;

/** What bounds one call of a client: its attempts, each attempt's limits, its retry mode. */
export interface CallLimits {
  maxAttempts: number;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  retryMode: "standard" | "adaptive";
}

/** The limits `createClients(opts)` gives its clients. */
export function callLimitsOf(opts: Pick<AwsClientOptions, "maxAttempts" | "retryMode" | "connectionTimeoutMs" | "requestTimeoutMs">): CallLimits {
  const retryMode = opts.retryMode ?? "standard";
  return {
    retryMode,
    maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS[retryMode],
    connectionTimeoutMs: opts.connectionTimeoutMs ?? DEFAULT_TIMEOUTS_MS.connection,
    requestTimeoutMs: opts.requestTimeoutMs ?? DEFAULT_TIMEOUTS_MS.request,
  };
}

/**
 * The longest one call can stay in flight (ms): every attempt at its limits (the answer timer
 * runs from the moment the attempt is handed to the HTTP handler, the connection included; the
 * connection limit is added on top as a margin for what comes before), plus the longest backoff
 * before each retry. Past it the SDK has either had an answer or given up, so no attempt of the
 * call can be sent any more, and none that was sent is still waited for. The adaptive mode's rate
 * limiter may hold a request back before it is sent: only standard clients (plan calls) are bounded.
 */
export function callBoundMs(limits: CallLimits): number {
  let total = limits.maxAttempts * (limits.connectionTimeoutMs + limits.requestTimeoutMs);
  for (let retry = 0; retry < limits.maxAttempts - 1; retry++) {
    total += Math.min(SDK_BACKOFF_MS.throttlingBase * 2 ** retry, SDK_BACKOFF_MS.ceiling) + SDK_BACKOFF_MS.retryAfterExtra;
  }
  return total;
}

/** `callBoundMs` in words, e.g. "3 attempts × (3 s + 15 s) + 13 s of backoff". */
export function describeCallBound(limits: CallLimits): string {
  const backoff = callBoundMs(limits) - limits.maxAttempts * (limits.connectionTimeoutMs + limits.requestTimeoutMs);
  const s = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  return `${limits.maxAttempts} SDK attempts × (${s(limits.connectionTimeoutMs)} connection + ${s(limits.requestTimeoutMs)} answer) + ${s(backoff)} of backoff`;
}

export interface AwsClients {
  region: string;
  /** The limits of every client of the set (see callBoundMs). */
  limits: CallLimits;
  route53: Route53Client;
  elb: ElasticLoadBalancingClient;
  elbv2: ElasticLoadBalancingV2Client;
  autoscaling: AutoScalingClient;
  ecs: ECSClient;
  ec2: EC2Client;
  cloudwatch: CloudWatchClient;
  /** The set's read batcher (page clients only), for its counters; absent when calls go alone. */
  batcher?: ReadBatcher;
}

/** Whether an SDK error says a later try may succeed: throttled, a 5xx, or no answer at all. */
function mayPassLater(err: unknown): boolean {
  const mapped = toAppError(err, "read");
  return mapped.code === "throttled" || mapped.transient;
}

/** The `readRetry` middleware: the whole call (SDK retries included) again, after a pause. */
function readRetryMiddleware<A, R>(retry: ReadRetry): (next: (args: A) => Promise<R>) => (args: A) => Promise<R> {
  return (next) => async (args) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(args);
      } catch (err) {
        if (attempt >= retry.attempts || !mayPassLater(err)) throw err;
      }
      const pause = Math.min(retry.maxPauseMs, retry.firstPauseMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  };
}

/**
 * The server's own credentials: against a local endpoint without credentials in the environment,
 * static dummy ones (the practice range does not check them); otherwise undefined, for the SDK's
 * default credential chain.
 */
export function serverCredentials(endpoint: string | undefined): CredentialSource | undefined {
  return endpoint !== undefined && !process.env.AWS_ACCESS_KEY_ID ? { accessKeyId: "teal-local", secretAccessKey: "teal-local" } : undefined;
}

/** One set of SDK clients per region, signing with `opts.credentials` or the server's own. */
export function createClients(opts: AwsClientOptions): AwsClients {
  const credentials = opts.credentials ?? serverCredentials(opts.endpoint);
  const limits = callLimitsOf(opts);
  const common = {
    region: opts.region,
    endpoint: opts.endpoint,
    credentials,
    retryMode: limits.retryMode,
    maxAttempts: limits.maxAttempts,
    ...(opts.userAgent !== undefined ? { customUserAgent: opts.userAgent } : {}),
    requestHandler: {
      connectionTimeout: limits.connectionTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Without it the SDK only logs a warning when the request timeout passes, and keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
  const clients: AwsClients = {
    region: opts.region,
    limits,
    // Route 53 is global; its control plane lives in us-east-1.
    route53: new Route53Client({ ...common, region: "us-east-1" }),
    elb: new ElasticLoadBalancingClient(common),
    elbv2: new ElasticLoadBalancingV2Client(common),
    autoscaling: new AutoScalingClient(common),
    ecs: new ECSClient(common),
    ec2: new EC2Client(common),
    cloudwatch: new CloudWatchClient(common),
  };
  if (opts.batchWindowMs !== undefined) {
    const batcher = createReadBatcher({ windowMs: opts.batchWindowMs });
    clients.batcher = batcher;
    for (const client of [clients.route53, clients.elb, clients.elbv2, clients.autoscaling, clients.ecs, clients.ec2]) attachBatcher(client, batcher);
  }
  const retry = opts.readRetry;
  if (retry) {
    const step = { step: "initialize", name: "tealReadRetry" } as const;
    clients.route53.middlewareStack.add(readRetryMiddleware(retry), step);
    clients.elb.middlewareStack.add(readRetryMiddleware(retry), step);
    clients.elbv2.middlewareStack.add(readRetryMiddleware(retry), step);
    clients.autoscaling.middlewareStack.add(readRetryMiddleware(retry), step);
    clients.ecs.middlewareStack.add(readRetryMiddleware(retry), step);
    clients.ec2.middlewareStack.add(readRetryMiddleware(retry), step);
    clients.cloudwatch.middlewareStack.add(readRetryMiddleware(retry), step);
  }
  const budget = opts.budget;
  if (budget) {
    // Inside the SDK's retry loop (it is the finalize step's high-priority middleware): every HTTP
    // attempt is counted, as AWS counts it.
    const place = { step: "finalizeRequest", priority: "low", name: "tealReadBudget" } as const;
    const { priority } = budget;
    const bucket = (service: BudgetService, region: string) => budget.budget.bucket(service, region);
    clients.route53.middlewareStack.add(budgetMiddleware(bucket("route53", "us-east-1"), priority), place);
    clients.elb.middlewareStack.add(budgetMiddleware(bucket("elb", opts.region), priority), place);
    clients.elbv2.middlewareStack.add(budgetMiddleware(bucket("elbv2", opts.region), priority), place);
    clients.autoscaling.middlewareStack.add(budgetMiddleware(bucket("autoscaling", opts.region), priority), place);
    clients.ecs.middlewareStack.add(budgetMiddleware(bucket("ecs", opts.region), priority), place);
    clients.ec2.middlewareStack.add(budgetMiddleware(bucket("ec2", opts.region), priority), place);
    clients.cloudwatch.middlewareStack.add(budgetMiddleware(bucket("cloudwatch", opts.region), priority), place);
  }
  // Added after the budget's, at the same place, so it runs inside it: what it counts and logs are
  // the HTTP requests that reached AWS (each SDK attempt), not a read the budget refused to send.
  const counted = { step: "finalizeRequest", priority: "low", name: "tealTelemetry" } as const;
  clients.route53.middlewareStack.add(telemetryMiddleware("route53", "us-east-1"), counted);
  clients.elb.middlewareStack.add(telemetryMiddleware("elb", opts.region), counted);
  clients.elbv2.middlewareStack.add(telemetryMiddleware("elbv2", opts.region), counted);
  clients.autoscaling.middlewareStack.add(telemetryMiddleware("autoscaling", opts.region), counted);
  clients.ecs.middlewareStack.add(telemetryMiddleware("ecs", opts.region), counted);
  clients.ec2.middlewareStack.add(telemetryMiddleware("ec2", opts.region), counted);
  clients.cloudwatch.middlewareStack.add(telemetryMiddleware("cloudwatch", opts.region), counted);
  return clients;
}
