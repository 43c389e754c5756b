import { describe, expect, it } from "vitest";
import { bucketsFor, bucketSpec, resolveFaults, TokenBuckets } from "./faults";
import type { SimConfig, SimFaults } from "@/range/world/state";
import { DEFAULT_CONFIG } from "@/range/world/world";

const none: SimFaults = { throttleRate: 0, errorRate: 0, latencyMs: 0 };

describe("resolveFaults", () => {
  it("uses the global rates when no rule matches", () => {
    const faults: SimFaults = { throttleRate: 0.1, errorRate: 0.2, latencyMs: 5, rules: [{ service: "ecs", errorRate: 1 }] };
    expect(resolveFaults(faults, "elbv2", "DescribeTargetHealth")).toEqual({ throttleRate: 0.1, errorRate: 0.2, latencyMs: 5, latencyClock: "real" });
  });

  it("picks the most specific rule per field: service + operation, then operation, then service", () => {
    const faults: SimFaults = {
      ...none,
      errorRate: 0.5,
      rules: [
        { service: "elbv2", operation: "DescribeTargetHealth", throttleRate: 0.9 },
        { service: "elbv2", errorRate: 1, latencyMs: 100 },
        { operation: "DescribeTargetHealth", errorRate: 0, latencyMs: 20 },
      ],
    };
    // throttle from the exact rule, error and latency from the operation rule (more specific than the service rule).
    expect(resolveFaults(faults, "elbv2", "DescribeTargetHealth")).toEqual({ throttleRate: 0.9, errorRate: 0, latencyMs: 20, latencyClock: "real" });
    // Another ELBv2 operation: only the service rule applies.
    expect(resolveFaults(faults, "elbv2", "DescribeLoadBalancers")).toEqual({ throttleRate: 0, errorRate: 1, latencyMs: 100, latencyClock: "real" });
    // Another service: global rates.
    expect(resolveFaults(faults, "ecs", "DescribeServices")).toEqual({ throttleRate: 0, errorRate: 0.5, latencyMs: 0, latencyClock: "real" });
  });

  it("measures a rule's latency on the range's clock when the rule says so, on real time otherwise", () => {
    const faults: SimFaults = {
      ...none,
      rules: [{ service: "route53", operation: "ChangeResourceRecordSets", latencyMs: 40_000, latencyClock: "range" }],
    };
    expect(resolveFaults(faults, "route53", "ChangeResourceRecordSets")).toMatchObject({ latencyMs: 40_000, latencyClock: "range" });
    expect(resolveFaults(faults, "route53", "GetChange")).toMatchObject({ latencyMs: 0, latencyClock: "real" });
  });

  it("lets the later of two equally specific rules win", () => {
    const faults: SimFaults = {
      ...none,
      rules: [
        { service: "ecs", errorRate: 1 },
        { service: "ecs", errorRate: 0.25 },
      ],
    };
    expect(resolveFaults(faults, "ecs", "ListServices").errorRate).toBe(0.25);
  });
});

describe("throttle buckets", () => {
  it("maps requests to the documented buckets", () => {
    expect(bucketsFor("route53", "ChangeResourceRecordSets")).toEqual(["route53", "route53:operation"]);
    expect(bucketsFor("route53", "CreateHostedZone")).toEqual(["route53", "route53:CreateHostedZone"]);
    expect(bucketsFor("elb", "DescribeInstanceHealth")).toEqual(["elb:describe"]);
    expect(bucketsFor("elbv2", "ModifyListener")).toEqual(["elbv2:mutating"]);
    expect(bucketsFor("cloudwatch", "GetMetricData")).toEqual(["cloudwatch:GetMetricData"]);
    expect(bucketsFor("autoscaling", "SetDesiredCapacity")).toEqual(["autoscaling"]);
    const aws: SimConfig = { ...DEFAULT_CONFIG, throttling: "aws" };
    expect(bucketSpec(aws, "route53")).toEqual({ burst: 50, refillPerSecond: 10 });
    expect(bucketSpec({ ...aws, throttling: "legacy" }, "route53")).toEqual({ burst: 5, refillPerSecond: 5 });
    expect(bucketSpec(aws, "elb:describe")).toEqual({ burst: 40, refillPerSecond: 10 });
    expect(bucketSpec({ ...aws, throttleBuckets: { ecs: { burst: 3, refillPerSecond: 1 } } }, "ecs")).toEqual({ burst: 3, refillPerSecond: 1 });
  });

  it("is off unless configured", () => {
    const buckets = new TokenBuckets();
    for (let i = 0; i < 1_000; i++) expect(buckets.take(DEFAULT_CONFIG, "route53", "ListHostedZones", 0).allowed).toBe(true);
  });

  it("allows the burst, throttles, refills at the documented rate and never beyond the burst", () => {
    const config: SimConfig = { ...DEFAULT_CONFIG, throttling: "aws" };
    const buckets = new TokenBuckets();
    let allowed = 0;
    for (let i = 0; i < 45; i++) if (buckets.take(config, "elbv2", "DescribeTargetHealth", 1_000).allowed) allowed += 1;
    expect(allowed).toBe(40);
    expect(buckets.take(config, "elbv2", "DescribeTargetHealth", 1_000)).toEqual({ allowed: false, retryAfterMs: 100 });
    // Mutating calls have their own bucket, untouched.
    expect(buckets.take(config, "elbv2", "ModifyListener", 1_000).allowed).toBe(true);
    // 0.5 s refills 5 tokens.
    allowed = 0;
    for (let i = 0; i < 10; i++) if (buckets.take(config, "elbv2", "DescribeTargetHealth", 1_500).allowed) allowed += 1;
    expect(allowed).toBe(5);
    // An hour refills to the burst, not more.
    allowed = 0;
    for (let i = 0; i < 100; i++) if (buckets.take(config, "elbv2", "DescribeTargetHealth", 3_601_500).allowed) allowed += 1;
    expect(allowed).toBe(40);
  });

  it("takes no token when one of the request's buckets is empty (Route 53 account and operation buckets)", () => {
    const config: SimConfig = { ...DEFAULT_CONFIG, throttling: "aws" };
    const buckets = new TokenBuckets();
    let created = 0;
    for (let i = 0; i < 45; i++) if (buckets.take(config, "route53", "CreateHostedZone", 0).allowed) created += 1;
    expect(created).toBe(40); // CreateHostedZone's own bucket is 40
    // The account bucket still has 10 tokens for other operations.
    let listed = 0;
    for (let i = 0; i < 20; i++) if (buckets.take(config, "route53", "ListHostedZones", 0).allowed) listed += 1;
    expect(listed).toBe(10);
    buckets.clear();
    expect(buckets.take(config, "route53", "CreateHostedZone", 0).allowed).toBe(true);
  });
});
