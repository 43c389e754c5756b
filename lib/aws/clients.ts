import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECSClient } from "@aws-sdk/client-ecs";
import { ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";

export interface AwsClientOptions {
  region: string;
  /** Practice range, LocalStack, or undefined for real AWS. */
  endpoint?: string;
  /** HTTP attempts per call, retries included (default: 3 standard, 4 adaptive). */
  maxAttempts?: number;
  /**
   * The SDK's retry mode (AWS-FACTS §8.2). Both retry throttling codes and transient 5xx/timeouts
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
}

export const DEFAULT_TIMEOUTS_MS = { connection: 3_000, request: 15_000 } as const;

/** Default attempts per mode: mutations fail fast to the journal; polls are cheap to retry a little more. */
export const DEFAULT_MAX_ATTEMPTS = { standard: 3, adaptive: 4 } as const;

export interface AwsClients {
  region: string;
  route53: Route53Client;
  elb: ElasticLoadBalancingClient;
  elbv2: ElasticLoadBalancingV2Client;
  autoscaling: AutoScalingClient;
  ecs: ECSClient;
  ec2: EC2Client;
  cloudwatch: CloudWatchClient;
}

/**
 * One set of SDK clients per region. Against a local endpoint without credentials in the
 * environment, static dummy credentials are used (the practice range does not check them);
 * against real AWS the SDK's default credential chain applies.
 */
export function createClients(opts: AwsClientOptions): AwsClients {
  const local = opts.endpoint !== undefined;
  const credentials =
    local && !process.env.AWS_ACCESS_KEY_ID ? { accessKeyId: "teal-local", secretAccessKey: "teal-local" } : undefined;
  const common = {
    region: opts.region,
    endpoint: opts.endpoint,
    credentials,
    retryMode: opts.retryMode ?? "standard",
    maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS[opts.retryMode ?? "standard"],
    requestHandler: {
      connectionTimeout: opts.connectionTimeoutMs ?? DEFAULT_TIMEOUTS_MS.connection,
      requestTimeout: opts.requestTimeoutMs ?? DEFAULT_TIMEOUTS_MS.request,
      // Without it the SDK only logs a warning when the request timeout passes, and keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
  return {
    region: opts.region,
    // Route 53 is global; its control plane lives in us-east-1.
    route53: new Route53Client({ ...common, region: "us-east-1" }),
    elb: new ElasticLoadBalancingClient(common),
    elbv2: new ElasticLoadBalancingV2Client(common),
    autoscaling: new AutoScalingClient(common),
    ecs: new ECSClient(common),
    ec2: new EC2Client(common),
    cloudwatch: new CloudWatchClient(common),
  };
}
