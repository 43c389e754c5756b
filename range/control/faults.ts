/**
 * API fault injection of the practice range: which throttle / error / latency rates apply to one
 * request (global rates plus per-operation rules), and token-bucket throttling per service with the
 * documented defaults (docs/aws-behaviour.md §0.1, §6.4, §8.1).
 *
 * Token buckets run on the range's clock (the wall clock, or the manual clock in tests) and are NOT
 * divided by the time-compression speed: API rate limits are about how fast a client calls, which
 * speed does not change.
 */
import type { SimBucketSpec, SimConfig, SimFaultRule, SimFaults, SimLatencyClock } from "@/range/world/state";

/** The rates one request is subject to. */
export interface ResolvedFaults {
  throttleRate: number;
  errorRate: number;
  latencyMs: number;
  latencyClock: SimLatencyClock;
}

function specificity(rule: SimFaultRule): number {
  if (rule.service !== undefined && rule.operation !== undefined) return 3;
  if (rule.operation !== undefined) return 2;
  return rule.service !== undefined ? 1 : 0;
}

function matches(rule: SimFaultRule, service: string, operation: string): boolean {
  return (rule.service === undefined || rule.service === service) && (rule.operation === undefined || rule.operation === operation);
}

/**
 * The rates for `service`/`operation`: per field, the most specific matching rule that sets it
 * (service + operation, then operation alone, then service alone; the later rule wins a tie, so a
 * rule added to the end of the list overrides), else the global rate.
 */
export function resolveFaults(faults: SimFaults, service: string, operation: string): ResolvedFaults {
  const resolved: ResolvedFaults = {
    throttleRate: faults.throttleRate,
    errorRate: faults.errorRate,
    latencyMs: faults.latencyMs,
    latencyClock: faults.latencyClock ?? "real",
  };
  const rules = (faults.rules ?? []).filter((r) => matches(r, service, operation));
  if (rules.length === 0) return resolved;
  // Stable sort by specificity ascending, so assigning in order leaves the most specific value.
  const ordered = rules.map((rule, index) => ({ rule, index })).sort((a, b) => specificity(a.rule) - specificity(b.rule) || a.index - b.index);
  for (const { rule } of ordered) {
    if (rule.throttleRate !== undefined) resolved.throttleRate = rule.throttleRate;
    if (rule.errorRate !== undefined) resolved.errorRate = rule.errorRate;
    if (rule.latencyMs !== undefined) resolved.latencyMs = rule.latencyMs;
    if (rule.latencyClock !== undefined) resolved.latencyClock = rule.latencyClock;
  }
  return resolved;
}

// ---------------------------------------------------------------------------------------------
// Token buckets

/**
 * Default buckets in "aws" mode. [V] values are from docs/aws-behaviour.md; [U] ones are assumptions (AWS does
 * not publish them, or docs/aws-behaviour.md does not carry them) and can be overridden with
 * `config.throttleBuckets`.
 */
export const THROTTLE_BUCKETS: Readonly<Record<string, SimBucketSpec>> = {
  // Route 53: one account-level bucket for all calls, and a per-operation bucket (§0.1 [V]).
  route53: { burst: 50, refillPerSecond: 10 },
  "route53:operation": { burst: 50, refillPerSecond: 10 },
  "route53:CreateHealthCheck": { burst: 50, refillPerSecond: 0.5 },
  "route53:DeleteHealthCheck": { burst: 15, refillPerSecond: 3 },
  "route53:GetHealthCheckStatus": { burst: 4, refillPerSecond: 1 },
  "route53:CreateHostedZone": { burst: 40, refillPerSecond: 2 },
  // Classic ELB and ELBv2 have separate buckets; Describe* 40 / 10 per s [V], mutating [U].
  "elb:describe": { burst: 40, refillPerSecond: 10 },
  "elb:mutating": { burst: 20, refillPerSecond: 5 },
  "elbv2:describe": { burst: 40, refillPerSecond: 10 },
  "elbv2:mutating": { burst: 20, refillPerSecond: 5 },
  // ECS: cluster reads bucket 50 [V], service reads sustain about 20 rps [V2].
  ecs: { burst: 50, refillPerSecond: 20 },
  // EC2 Auto Scaling: one shared bucket, numbers not published [U].
  autoscaling: { burst: 40, refillPerSecond: 10 },
  // EC2 request-rate defaults [U: not in docs/aws-behaviour.md].
  "ec2:describe": { burst: 100, refillPerSecond: 20 },
  "ec2:mutating": { burst: 200, refillPerSecond: 5 },
  // CloudWatch: GetMetricData 50 TPS (§6.4 [V]); the other operations share a bucket here [U].
  "cloudwatch:GetMetricData": { burst: 50, refillPerSecond: 50 },
  cloudwatch: { burst: 50, refillPerSecond: 50 },
};

/** Route 53's legacy hard limit of five requests per second per account (§0.1). */
export const ROUTE53_LEGACY_BUCKET: SimBucketSpec = { burst: 5, refillPerSecond: 5 };

function isRead(operation: string): boolean {
  return /^(Describe|List|Get)/.test(operation);
}

/** The buckets one request must take a token from (all of them), by name. */
export function bucketsFor(service: string, operation: string): string[] {
  switch (service) {
    case "route53": {
      const perOperation = `route53:${operation}`;
      return ["route53", perOperation in THROTTLE_BUCKETS ? perOperation : "route53:operation"];
    }
    case "elb":
    case "elbv2":
    case "ec2":
      return [`${service}:${isRead(operation) ? "describe" : "mutating"}`];
    case "cloudwatch":
      return [operation === "GetMetricData" ? "cloudwatch:GetMetricData" : "cloudwatch"];
    default:
      return [service];
  }
}

/** The spec of a bucket under the current configuration (overrides first, then the mode's default). */
export function bucketSpec(config: SimConfig, name: string): SimBucketSpec | undefined {
  const override = config.throttleBuckets?.[name];
  if (override !== undefined) return override;
  if (config.throttling === "legacy" && name === "route53") return ROUTE53_LEGACY_BUCKET;
  return THROTTLE_BUCKETS[name];
}

interface BucketState {
  tokens: number;
  updatedMs: number;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs?: number };

/** The token buckets of one range (per account and region: the range has one of each). */
export class TokenBuckets {
  private readonly state = new Map<string, BucketState>();

  /** Forgets every bucket (they start full again). */
  clear(): void {
    this.state.clear();
  }

  /**
   * Takes one token from each bucket of the request when every one has a token; otherwise takes
   * none and says how long until all have one again.
   */
  take(config: SimConfig, service: string, operation: string, nowMs: number): ThrottleDecision {
    if (config.throttling === undefined || config.throttling === "off") return { allowed: true };
    const buckets: { state: BucketState; spec: SimBucketSpec }[] = [];
    for (const name of bucketsFor(service, operation)) {
      const spec = bucketSpec(config, name);
      if (spec === undefined) continue;
      let state = this.state.get(name);
      if (state === undefined) {
        state = { tokens: spec.burst, updatedMs: nowMs };
        this.state.set(name, state);
      }
      // Refill for the time since the last look; a clock that went backwards refills nothing.
      const elapsedS = Math.max(0, nowMs - state.updatedMs) / 1000;
      state.tokens = Math.min(spec.burst, state.tokens + elapsedS * spec.refillPerSecond);
      state.updatedMs = Math.max(state.updatedMs, nowMs);
      buckets.push({ state, spec });
    }
    const empty = buckets.filter((b) => b.state.tokens < 1);
    if (empty.length === 0) {
      for (const b of buckets) b.state.tokens -= 1;
      return { allowed: true };
    }
    let waitMs = 0;
    for (const b of empty) {
      if (b.spec.refillPerSecond <= 0) return { allowed: false };
      waitMs = Math.max(waitMs, Math.ceil(((1 - b.state.tokens) / b.spec.refillPerSecond) * 1000));
    }
    return { allowed: false, retryAfterMs: waitMs };
  }
}
