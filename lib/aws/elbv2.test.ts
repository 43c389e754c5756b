import { describe, expect, it } from "vitest";
import { loadBalancerDimension, mapTargetHealth, targetGroupDimension } from "./elbv2";

describe("CloudWatch dimensions from ARNs", () => {
  it("takes the app/… and targetgroup/… suffixes", () => {
    expect(loadBalancerDimension("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/profile-blue/50dc6c495c0c9188")).toBe(
      "app/profile-blue/50dc6c495c0c9188",
    );
    expect(targetGroupDimension("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/profile-blue/6d0ecf831eec9f09")).toBe(
      "targetgroup/profile-blue/6d0ecf831eec9f09",
    );
  });
});

describe("mapTargetHealth", () => {
  it.each([
    ["healthy", "healthy"],
    ["unhealthy", "unhealthy"],
    ["draining", "draining"],
    ["initial", "unknown"],
    ["unused", "unknown"],
  ])("%s → %s", (state, health) => {
    const info = mapTargetHealth({
      Target: { Id: "10.0.1.17", Port: 8080 },
      TargetHealth: { State: state as "healthy", Description: state === "initial" ? "Initial health checks in progress" : undefined },
    });
    expect(info).toMatchObject({ id: "10.0.1.17", port: 8080, state, health });
  });

  it("keeps the reason when there is no description", () => {
    expect(mapTargetHealth({ Target: { Id: "10.0.1.18" }, TargetHealth: { State: "draining", Reason: "Target.DeregistrationInProgress" } })).toEqual({
      id: "10.0.1.18",
      port: null,
      state: "draining",
      health: "draining",
      description: "Target.DeregistrationInProgress",
    });
  });
});
