import { describe, expect, it } from "vitest";
import { describeWait } from "./wait-text";

describe("describeWait", () => {
  it("describes a Route 53 INSYNC wait with its polling and timeout", () => {
    expect(describeWait({ kind: "route53-change-insync", timeoutMs: 300_000, pollMs: 5_000 })).toBe(
      "Wait until Route 53 reports the change INSYNC (GetChange every 5 s, timeout 5 min)",
    );
  });
  it("describes an ELB in-service wait for one instance", () => {
    expect(
      describeWait({ kind: "elb-in-service", loadBalancerName: "shop-green", minInService: 1, timeoutMs: 60_000, pollMs: 5_000 }),
    ).toBe("Wait until 1 instance is InService on shop-green (every 5 s, timeout 1 min)");
  });
  it("describes an ELB in-service wait", () => {
    expect(
      describeWait({ kind: "elb-in-service", loadBalancerName: "shop-green", minInService: 2, timeoutMs: 600_000, pollMs: 10_000 }),
    ).toBe("Wait until 2 instances are InService on shop-green (every 10 s, timeout 10 min)");
  });
});
