import { describe, expect, it } from "vitest";
import type { WaitCondition } from "./plan";
import { describeWait, WAIT_WORDS, waitProbe, waitTarget, type WaitKind } from "./wait-words";

const timing = { timeoutMs: 600_000, pollMs: 10_000 };

describe("describeWait", () => {
  it("describes a Route 53 INSYNC wait with the read, its polling and its timeout", () => {
    expect(describeWait({ kind: "route53-change-insync", timeoutMs: 300_000, pollMs: 5_000 })).toBe(
      "Wait for Route 53 to report the change INSYNC (GetChange every 5 s, up to 5 min)",
    );
  });

  it("counts in words: 1 instance, 2 instances", () => {
    expect(describeWait({ kind: "elb-in-service", loadBalancerName: "shop-green", minInService: 1, timeoutMs: 60_000, pollMs: 5_000 })).toBe(
      "Wait for 1 instance to be InService behind shop-green (DescribeInstanceHealth every 5 s, up to 1 min)",
    );
    expect(describeWait({ kind: "elb-in-service", loadBalancerName: "shop-green", minInService: 2, ...timing })).toBe(
      "Wait for 2 instances to be InService behind shop-green (DescribeInstanceHealth every 10 s, up to 10 min)",
    );
  });

  it("names a target group by its name, never by its ARN, and says which group gets which weight", () => {
    const arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/catalog-green/73e2d6bc24d8a067";
    const blue = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/catalog-blue/0123456789abcdef";
    const healthy = describeWait({ kind: "tg-healthy", targetGroupArn: arn, minHealthy: 3, ...timing });
    expect(healthy).toBe("Wait for 3 targets to be healthy in target group catalog-green (DescribeTargetHealth every 10 s, up to 10 min)");
    const weights = describeWait({ kind: "listener-weights", listenerArn: "arn:x", ruleArn: null, weights: { [blue]: 75, [arn]: 25 }, ...timing });
    expect(weights).toContain("forward catalog-blue 75 / catalog-green 25");
    expect(`${healthy} ${weights}`).not.toMatch(/arn:|123456789012/);
  });

  it("has words of its own for every kind of wait: no raw kind reaches the page", () => {
    const ref = { namespace: "AWS/ELB", metricName: "RequestCount", dimensions: { LoadBalancerName: "lb" }, stat: "Sum" };
    const metrics = { periodS: 60, requests: { blue: ref, green: ref }, errors: null, latency: null };
    // One example per kind: a kind added to WaitCondition without an example here does not compile.
    const examples: { [K in WaitKind]: Extract<WaitCondition, { kind: K }> } = {
      "route53-change-insync": { kind: "route53-change-insync", ...timing },
      "elb-in-service": { kind: "elb-in-service", loadBalancerName: "lb", minInService: 2, ...timing },
      "asg-in-service": { kind: "asg-in-service", groupName: "shop-blue", minInService: 4, ...timing },
      "asg-instances-state": { kind: "asg-instances-state", groupName: "shop-blue", instanceIds: ["i-1"], lifecycleState: "Standby", ...timing },
      "asg-traffic-source": { kind: "asg-traffic-source", groupName: "shop-blue", identifier: "shop-lb", state: "InService", ...timing },
      "tg-healthy": { kind: "tg-healthy", targetGroupArn: "arn:aws:elasticloadbalancing:r:1:targetgroup/g/1", minHealthy: 1, ...timing },
      "ecs-steady": { kind: "ecs-steady", cluster: "c", service: "svc", ...timing },
      "route53-weights": {
        kind: "route53-weights",
        hostedZoneId: "Z1",
        recordName: "shop.example.com.",
        recordType: "A",
        weights: { blue: 100, green: 0 },
        ...timing,
      },
      "listener-weights": { kind: "listener-weights", listenerArn: "arn:l", ruleArn: null, weights: {}, ...timing },
      "traffic-share": { kind: "traffic-share", trafficStep: 0, greenPercent: 10, tolerancePoints: 5, metrics, ...timing },
      "progressive-bake": {
        kind: "progressive-bake",
        trafficStep: 0,
        greenPercent: 10,
        bakeMs: 300_000,
        judge: { alpha: 0.01, metrics: [{ name: "errors", kind: "count", tolerance: 0.2, direction: "higher-is-worse" }] },
        judgeLagPeriods: 2,
        metrics,
        ...timing,
      },
      "progressive-gate": { kind: "progressive-gate", trafficStep: 1, greenPercent: 50, ...timing },
      "preempted-calls-settled": { kind: "preempted-calls-settled", untilMs: 0, boundMs: 67_000, bound: "client timeouts", checks: [], ...timing },
    };
    const kinds = Object.keys(WAIT_WORDS) as WaitKind[];
    expect(kinds.sort()).toEqual(Object.keys(examples).sort());
    const allKinds = new RegExp(kinds.map((k) => `\\b${k}\\b`).join("|"));
    for (const kind of kinds) {
      const wait = examples[kind];
      expect(wait.kind).toBe(kind);
      const line = describeWait(wait);
      expect(line, kind).not.toMatch(allKinds);
      expect(line, kind).toMatch(/^Wait for .+ \(.+ every 10 s, up to 10 min\)$/);
      // The probe is an AWS read (or the engine's own clock), never the kind again.
      expect(waitProbe(wait), kind).toMatch(/^(Describe|Get|List|the engine)/);
      expect(waitTarget(wait), kind).toBe(line.slice("Wait for ".length, line.lastIndexOf(" (")));
    }
    expect(describeWait(examples["asg-instances-state"])).toBe(
      "Wait for 1 instance to be Standby in shop-blue (DescribeAutoScalingGroups every 10 s, up to 10 min)",
    );
    expect(describeWait(examples["asg-in-service"])).toBe(
      "Wait for 4 instances to be InService in shop-blue (DescribeAutoScalingGroups every 10 s, up to 10 min)",
    );
    expect(describeWait(examples["ecs-steady"])).toBe(
      "Wait for ECS service svc to be steady (deployment completed, running = desired) (DescribeServices every 10 s, up to 10 min)",
    );
  });
});
