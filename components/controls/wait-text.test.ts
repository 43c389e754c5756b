import { describe, expect, it } from "vitest";
import type { WaitCondition } from "@/lib/domain/types";
import { describeWait } from "./wait-text";

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
    const waits: WaitCondition[] = [
      { kind: "route53-change-insync", ...timing },
      { kind: "elb-in-service", loadBalancerName: "lb", minInService: 2, ...timing },
      { kind: "asg-in-service", groupName: "shop-blue", minInService: 4, ...timing },
      { kind: "asg-instances-state", groupName: "shop-blue", instanceIds: ["i-1"], lifecycleState: "Standby", ...timing },
      { kind: "asg-traffic-source", groupName: "shop-blue", identifier: "shop-lb", state: "InService", ...timing },
      { kind: "tg-healthy", targetGroupArn: "arn:aws:elasticloadbalancing:r:1:targetgroup/g/1", minHealthy: 1, ...timing },
      { kind: "ecs-steady", cluster: "c", service: "svc", ...timing },
      { kind: "route53-weights", hostedZoneId: "Z1", recordName: "shop.example.com.", recordType: "A", weights: { blue: 100, green: 0 }, ...timing },
      { kind: "listener-weights", listenerArn: "arn:l", ruleArn: null, weights: {}, ...timing },
      { kind: "preempted-calls-settled", untilMs: 0, boundMs: 67_000, bound: "client timeouts", checks: [], ...timing },
    ];
    for (const wait of waits) {
      const line = describeWait(wait);
      expect(line).not.toContain(wait.kind);
      expect(line).toMatch(/^Wait for .+ \(.+ every 10 s, up to 10 min\)$/);
    }
    expect(describeWait(waits[3]!)).toBe("Wait for 1 instance to be Standby in shop-blue (DescribeAutoScalingGroups every 10 s, up to 10 min)");
  });
});
