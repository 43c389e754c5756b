import { describe, expect, it } from "vitest";
import type { AppState, EcsServiceView, EnvironmentState } from "@/lib/domain/app-state";
import type { Color, PatternId } from "@/lib/domain/basics";
import type { Operation } from "@/lib/domain/operation";
import { baseState, CLASSIC_LB, group, inst } from "@/test/support/asg-common";
import { detectDrift, driftAgainst, planReaches, reassertIntents } from "./drift";

function weighted(pattern: PatternId, greenPercent: number): AppState {
  const env = (color: Color): EnvironmentState => ({
    color,
    version: color,
    loadBalancer: { kind: "classic", name: `lb-${color}` },
    healthy: 2,
    unhealthy: 0,
    instances: [],
  });
  return {
    appId: "shop",
    pattern,
    observedAt: "2026-12-05T00:00:00.000Z",
    environments: { blue: env("blue"), green: env("green") },
    configured: { greenPercent },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    granularityPercent: 1,
    version: "v",
  };
}

/** asg-swap, four instances of blue's size: `green` serving green instances, the rest of blue in Standby. */
function asgSwap(green: number, opts: { greenDesired?: number } = {}): AppState {
  const blueIn = Array.from({ length: 4 - green }, (_, i) => inst(`i-b${i}@a`));
  const blueStandby = Array.from({ length: green }, (_, i) => inst(`i-bs${i}@a:Standby`));
  const greenIn = Array.from({ length: green }, (_, i) => inst(`i-g${i}@a`));
  const greenDesired = opts.greenDesired ?? green;
  const asg = {
    loadBalancer: CLASSIC_LB,
    groups: {
      blue: group("payments-blue", 4 - green, "InService"),
      green: group("payments-green", greenDesired, green > 0 || greenDesired > 0 ? "InService" : null),
    },
  };
  const configured = (green / 4) * 100;
  return baseState("payments-api", "asg-swap", asg, { blue: [...blueIn, ...blueStandby], green: greenIn }, configured, 25);
}

function ecsService(color: Color, desired: number, running: number): EcsServiceView {
  return {
    cluster: "main",
    service: `orders-${color}`,
    taskDefinition: `orders-${color}:1`,
    desired,
    running,
    pending: Math.max(0, desired - running),
    deployments: [],
    events: [],
    circuitBreaker: null,
  };
}

function ecsElb(blue: [number, number], green: [number, number]): AppState {
  const s = weighted("ecs-elb-swap", 0);
  const env = (color: Color, [desired, running]: [number, number]): EnvironmentState => ({
    ...s.environments[color],
    instances: Array.from({ length: running }, (_, i) => ({ id: `t-${color}${i}`, health: "healthy", state: "RUNNING", kind: "task" })),
    ecs: ecsService(color, desired, running),
  });
  const b = env("blue", blue);
  const g = env("green", green);
  return { ...s, environments: { blue: b, green: g }, configured: { greenPercent: (green[1] / (blue[1] + green[1])) * 100 } };
}

function rolling(primary: string): AppState {
  return {
    ...weighted("ecs-rolling", 100),
    rollout: { state: "COMPLETED", progressPercent: 100, primaryTaskDefinition: primary, previousTaskDefinition: null },
  };
}

function op(overrides: Partial<Operation> = {}): Operation {
  return {
    id: "op-1",
    appId: "shop",
    pattern: "dns-weighted",
    intent: { kind: "shift", greenPercent: 25 },
    summary: "Shift shop: green from 0 % to 25 %",
    status: "succeeded",
    actor: { id: "demo:operator", email: "operator@example.com", role: "operator" },
    reason: "canary",
    createdAt: "2026-12-05T10:00:00.000Z",
    startedAt: "2026-12-05T10:00:00.000Z",
    finishedAt: "2026-12-05T10:01:00.000Z",
    error: null,
    steps: [],
    before: { greenPercent: 0 },
    after: { greenPercent: 25 },
    ...overrides,
  };
}

describe("detectDrift", () => {
  it.each(["dns-weighted", "alb-weighted", "ecs-dns-swap"] as const)("%s: weights that moved are drift, at once and with the figures", (pattern) => {
    expect(detectDrift({ greenPercent: 0 }, weighted(pattern, 40))).toEqual({
      kind: "share",
      actualGreenPercent: 40,
      expectedGreenPercent: 0,
      text: "green 40 %, expected 0 %",
    });
    expect(detectDrift({ greenPercent: 25 }, weighted(pattern, 25))).toBeNull();
  });

  it("weights within half a percent are the same configuration (a 1-of-3 share re-asserted as 33 %)", () => {
    expect(detectDrift({ greenPercent: 33.33 }, weighted("alb-weighted", 33))).toBeNull();
    expect(detectDrift({ greenPercent: 33.33 }, weighted("alb-weighted", 34))?.text).toBe("green 34 %, expected 33.33 %");
  });

  it("asg-swap: a settled group whose serving share moved is drift", () => {
    expect(detectDrift({ greenPercent: 50 }, asgSwap(2))).toBeNull();
    expect(detectDrift({ greenPercent: 0 }, asgSwap(1))?.text).toBe("green 25 %, expected 0 %");
  });

  it("asg-swap: a group replacing an instance is not drift, a desired count changed by hand is", () => {
    // Blue replaces an unhealthy instance (one Terminating, one Pending): the share asked for is still 25 %.
    const replacing = asgSwap(1);
    replacing.environments.blue.instances = [
      inst("i-b0@a"),
      inst("i-b1@a:Terminating"),
      inst("i-b2@a"),
      inst("i-bnew@a:Pending"),
      inst("i-bs0@a:Standby"),
    ];
    expect(detectDrift({ greenPercent: 25 }, { ...replacing, configured: { greenPercent: 33.33 } })).toBeNull();
    // Someone set green's desired count from 1 to 3 in the console: green is launching, the ask is 50 %.
    const scaled = asgSwap(1, { greenDesired: 3 });
    scaled.environments.green.instances.push(inst("i-g8@a:Pending"), inst("i-g9@a:Pending"));
    expect(detectDrift({ greenPercent: 25 }, scaled)?.text).toBe("green 50 %, expected 25 %");
  });

  it("launch-swap: compared only when the group is settled", () => {
    const settled = baseState(
      "checkout-web",
      "launch-swap",
      { loadBalancer: CLASSIC_LB, groups: { blue: group("checkout", 4, "InService"), green: group("checkout", 4, "InService") } },
      { blue: [inst("i-1@a"), inst("i-2@a")], green: [inst("i-3@a"), inst("i-4@a")] },
      50,
      25,
    );
    expect(detectDrift({ greenPercent: 0 }, settled)?.text).toBe("green 50 %, expected 0 %");
    settled.environments.green.instances.push(inst("i-5@a:Pending"));
    expect(detectDrift({ greenPercent: 0 }, settled)).toBeNull();
  });

  it("ecs-elb-swap: running tasks when settled, desired counts while tasks start or stop", () => {
    expect(detectDrift({ greenPercent: 0 }, ecsElb([4, 4], [0, 0]))).toBeNull();
    expect(detectDrift({ greenPercent: 0 }, ecsElb([3, 3], [1, 1]))?.text).toBe("green 25 %, expected 0 %");
    // A blue task crashed and ECS is starting another: desired counts still ask for 0 % green.
    expect(detectDrift({ greenPercent: 0 }, ecsElb([4, 3], [0, 0]))).toBeNull();
    // Someone raised green's desired count to 2: drift before the tasks even run.
    expect(detectDrift({ greenPercent: 0 }, ecsElb([4, 4], [2, 0]))?.text).toBe("green 33.33 %, expected 0 %");
  });

  it("ecs-rolling: the revision the service runs, not a share", () => {
    expect(detectDrift({ greenPercent: 100, taskDefinition: "notifications:41" }, rolling("notifications:41"))).toBeNull();
    expect(detectDrift({ greenPercent: 100, taskDefinition: "notifications:41" }, rolling("notifications:42"))).toEqual({
      kind: "revision",
      actualTaskDefinition: "notifications:42",
      expectedTaskDefinition: "notifications:41",
      text: "runs notifications:42, expected notifications:41",
    });
    expect(detectDrift({ greenPercent: 100 }, rolling("notifications:42"))).toBeNull();
  });
});

describe("driftAgainst", () => {
  const state = weighted("dns-weighted", 40);
  const read = Date.parse("2026-12-05T10:02:00.000Z");

  it("names the reference operation", () => {
    const ref = op();
    expect(driftAgainst({ reference: ref, current: ref, state, readAtMs: read })).toMatchObject({
      text: "green 40 %, expected 25 %",
      operation: { id: "op-1", summary: ref.summary, finishedAt: ref.finishedAt },
    });
  });

  it("gives no verdict while an operation is in flight, on a read older than the reference, or without an end state", () => {
    const ref = op();
    for (const status of ["pending", "running", "interrupted"] as const) {
      expect(driftAgainst({ reference: ref, current: op({ id: "op-2", status }), state, readAtMs: read })).toBeNull();
    }
    expect(driftAgainst({ reference: ref, current: ref, state, readAtMs: Date.parse("2026-12-05T10:00:30.000Z") })).toBeNull();
    expect(driftAgainst({ reference: op({ after: undefined }), current: null, state, readAtMs: read })).toBeNull();
    expect(driftAgainst({ reference: op({ status: "failed" }), current: null, state, readAtMs: read })).toBeNull();
    expect(driftAgainst({ reference: null, current: null, state, readAtMs: read })).toBeNull();
  });

  it("still compares after a later operation failed or was aborted (AWS differs from the last good end state)", () => {
    expect(driftAgainst({ reference: op(), current: op({ id: "op-2", status: "failed" }), state, readAtMs: read })?.text).toBe(
      "green 40 %, expected 25 %",
    );
  });
});

describe("reassertIntents and planReaches", () => {
  it("repeats a rollback and a promote, shifts to any other end share", () => {
    expect(reassertIntents("dns-weighted", { intent: { kind: "rollback" }, after: { greenPercent: 0 } })).toEqual([{ kind: "rollback" }]);
    expect(reassertIntents("launch-swap", { intent: { kind: "promote" }, after: { greenPercent: 100 } })).toEqual([{ kind: "promote" }]);
    expect(reassertIntents("asg-swap", { intent: { kind: "shift", greenPercent: 33 }, after: { greenPercent: 33.33 } })).toEqual([
      { kind: "shift", greenPercent: 33 },
    ]);
    expect(reassertIntents("asg-swap", { intent: { kind: "scale-green", capacity: 2 }, after: { greenPercent: 0 } })).toEqual([
      { kind: "shift", greenPercent: 0 },
      { kind: "rollback" },
    ]);
  });

  it("ecs-rolling deploys the end revision (a rollback first after a rollback)", () => {
    const after = { greenPercent: 100, taskDefinition: "notifications:41" };
    expect(reassertIntents("ecs-rolling", { intent: { kind: "deploy-revision", taskDefinition: "notifications:41" }, after })).toEqual([
      { kind: "deploy-revision", taskDefinition: "notifications:41" },
      { kind: "rollback" },
    ]);
    expect(reassertIntents("ecs-rolling", { intent: { kind: "rollback" }, after })[0]).toEqual({ kind: "rollback" });
    expect(reassertIntents("ecs-rolling", { intent: { kind: "rollback" }, after: { greenPercent: 100 } })).toEqual([]);
  });

  it("accepts only a plan that ends where the reference ended", () => {
    expect(planReaches({ pattern: "asg-swap", after: { greenPercent: 33.33 } }, { greenPercent: 33.33 })).toBe(true);
    expect(planReaches({ pattern: "asg-swap", after: { greenPercent: 25 } }, { greenPercent: 33.33 })).toBe(false);
    expect(
      planReaches({ pattern: "ecs-rolling", after: { greenPercent: 100, taskDefinition: "n:40" } }, { greenPercent: 100, taskDefinition: "n:41" }),
    ).toBe(false);
    expect(
      planReaches({ pattern: "ecs-rolling", after: { greenPercent: 100, taskDefinition: "n:41" } }, { greenPercent: 100, taskDefinition: "n:41" }),
    ).toBe(true);
  });
});
