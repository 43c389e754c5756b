import { describe, expect, it } from "vitest";
import type { AppState, DnsRecordView, EcsDeploymentView, EcsServiceView, RecordSet } from "@/lib/domain/app-state";
import type { Color, JsonObject } from "@/lib/domain/basics";
import type { Intent } from "@/lib/domain/intent";
import type { Plan } from "@/lib/domain/plan";
import { configuredGreenPercent, greenCapacityFor, normaliseDnsName, planEcsDnsSwap } from "./ecs-dns-swap";
import { ALREADY_ON_BLUE } from "./nothing-to-do";

const ZONE = "Z35SXDOTRQ7X7K";
const lbDns = (c: Color) => `profile-${c}-1234567890.us-east-1.elb.amazonaws.com`;

function aliasRecord(color: Color, weight: number, extra: Partial<RecordSet> = {}): DnsRecordView {
  const rec: RecordSet = {
    name: "profile.example.com.",
    type: "A",
    setIdentifier: color,
    weight,
    ttl: null,
    values: [],
    aliasTarget: { hostedZoneId: ZONE, dnsName: `dualstack.${lbDns(color)}.`, evaluateTargetHealth: color === "blue" },
    healthCheckId: null,
    ...extra,
  };
  return { color, name: rec.name, type: rec.type, setIdentifier: color, weight, ttl: null, target: rec.aliasTarget?.dnsName ?? "", record: rec };
}

function deployment(
  status: string,
  td: string,
  n: { desired: number; running: number; pending?: number },
  rolloutState: string | null = "COMPLETED",
  reason: string | null = null,
): EcsDeploymentView {
  return {
    id: `ecs-svc/${status}-${td}`,
    status,
    taskDefinition: `arn:aws:ecs:us-east-1:123456789012:task-definition/${td}`,
    desired: n.desired,
    pending: n.pending ?? 0,
    running: n.running,
    failed: 0,
    rolloutState,
    rolloutStateReason: reason,
    createdAt: "2026-01-01T12:00:00.000Z",
    updatedAt: "2026-01-01T12:00:00.000Z",
  };
}

function service(color: Color, desired: number, running = desired, deployments?: EcsDeploymentView[]): EcsServiceView {
  const td = color === "blue" ? "profile:41" : "profile:42";
  return {
    cluster: "prod",
    service: `profile-${color}`,
    taskDefinition: td,
    desired,
    running,
    pending: 0,
    deployments: deployments ?? [deployment("PRIMARY", td, { desired, running })],
    events: [],
    circuitBreaker: { enabled: true, rollback: true },
  };
}

interface Fixture {
  weights: [number, number];
  blue?: EcsServiceView | null;
  green?: EcsServiceView | null;
  records?: DnsRecordView[];
}

function state(f: Fixture): AppState {
  const [bw, gw] = f.weights;
  const blue = f.blue === undefined ? service("blue", 4) : f.blue;
  const green = f.green === undefined ? service("green", 0) : f.green;
  const env = (color: Color, svc: EcsServiceView | null) => ({
    color,
    version: svc?.taskDefinition ?? "unknown",
    loadBalancer: { kind: "alb" as const, name: `profile-${color}`, dnsName: lbDns(color) },
    healthy: svc?.running ?? 0,
    unhealthy: 0,
    instances: [],
    ...(svc ? { ecs: svc } : {}),
  });
  return {
    appId: "profile-service",
    pattern: "ecs-dns-swap",
    observedAt: "2026-01-01T12:00:00.000Z",
    environments: { blue: env("blue", blue), green: env("green", green) },
    configured: { greenPercent: configuredGreenPercent(bw, gw) },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    dns: {
      hostedZoneId: "ZDEMO",
      records: f.records ?? [aliasRecord("blue", bw), aliasRecord("green", gw)],
      changeStatus: null,
      reactionSeconds: 180,
    },
    granularityPercent: 1,
    version: "v",
  };
}

const ctx = { waitScale: 1 };
/** Plans every step even when AWS already is the end state (a rollback preempting an operation). */
const reassert = { waitScale: 1, reassert: true };

function plan(result: ReturnType<typeof planEcsDnsSwap>): Plan {
  if (!result.ok) throw new Error(`expected a plan, got: ${result.reason}`);
  return result.plan;
}

function changes(p: Plan): JsonObject[] {
  const batch = p.steps.find((s) => s.id === "change-weights")?.call?.input.ChangeBatch as JsonObject;
  return batch.Changes as JsonObject[];
}

function weightOf(p: Plan, setId: string): number | undefined {
  const rrs = changes(p).map((c) => c.ResourceRecordSet as JsonObject);
  return rrs.find((r) => r.SetIdentifier === setId)?.Weight as number | undefined;
}

// Starting states: all blue (green idle at 0 tasks or already sized), mid-shift, all green,
// green mid-rollout, green's rollout failed with a circuit-breaker rollback.
const ALL_BLUE_IDLE: Fixture = { weights: [100, 0] };
const ALL_BLUE_SIZED: Fixture = { weights: [100, 0], green: service("green", 4) };
const MID_SHIFT: Fixture = { weights: [50, 50], green: service("green", 4) };
const ALL_GREEN: Fixture = { weights: [0, 100], green: service("green", 4) };
const GREEN_ROLLING: Fixture = {
  weights: [100, 0],
  green: service("green", 4, 4, [
    deployment("PRIMARY", "profile:43", { desired: 4, running: 1, pending: 2 }, "IN_PROGRESS"),
    deployment("ACTIVE", "profile:42", { desired: 4, running: 3 }),
  ]),
};
const GREEN_FAILED: Fixture = {
  weights: [100, 0],
  green: service("green", 4, 4, [
    deployment("PRIMARY", "profile:43", { desired: 4, running: 0 }, "FAILED", "ECS deployment circuit breaker: tasks failed to start."),
  ]),
};
const GREEN_BREAKER_ROLLBACK: Fixture = {
  weights: [100, 0],
  green: service("green", 4, 2, [
    deployment(
      "PRIMARY",
      "profile:42",
      { desired: 4, running: 2, pending: 2 },
      "IN_PROGRESS",
      "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.",
    ),
    deployment("ACTIVE", "profile:43", { desired: 4, running: 0 }, "FAILED", "ECS deployment circuit breaker: tasks failed to start."),
  ]),
};

describe("planEcsDnsSwap: shift, promote, roll back", () => {
  it.each([
    {
      name: "all blue, green idle → 50 %",
      from: ALL_BLUE_IDLE,
      intent: { kind: "shift", greenPercent: 50 } as Intent,
      w: [50, 50],
      steps: ["scale-green", "change-weights"],
      scaleTo: 4,
    },
    {
      name: "all blue, green idle → 1 %",
      from: ALL_BLUE_IDLE,
      intent: { kind: "shift", greenPercent: 1 } as Intent,
      w: [99, 1],
      steps: ["scale-green", "change-weights"],
      scaleTo: 4,
    },
    {
      name: "all blue, green sized → 25 %",
      from: ALL_BLUE_SIZED,
      intent: { kind: "shift", greenPercent: 25 } as Intent,
      w: [75, 25],
      steps: ["check-green-steady", "change-weights"],
    },
    {
      name: "mid-shift → 100 %",
      from: MID_SHIFT,
      intent: { kind: "shift", greenPercent: 100 } as Intent,
      w: [0, 100],
      steps: ["check-green-steady", "change-weights"],
    },
    {
      name: "mid-shift → 0 % (shift)",
      from: MID_SHIFT,
      intent: { kind: "shift", greenPercent: 0 } as Intent,
      w: [100, 0],
      steps: ["change-weights"],
    },
    {
      name: "mid-shift promote",
      from: MID_SHIFT,
      intent: { kind: "promote" } as Intent,
      w: [0, 100],
      steps: ["check-green-steady", "change-weights"],
    },
    {
      name: "all blue promote scales green",
      from: ALL_BLUE_IDLE,
      intent: { kind: "promote" } as Intent,
      w: [0, 100],
      steps: ["scale-green", "change-weights"],
      scaleTo: 4,
    },
    {
      name: "all green → 50 %",
      from: ALL_GREEN,
      intent: { kind: "shift", greenPercent: 50 } as Intent,
      w: [50, 50],
      steps: ["check-green-steady", "change-weights"],
    },
    { name: "all green rollback", from: ALL_GREEN, intent: { kind: "rollback" } as Intent, w: [100, 0], steps: ["change-weights"] },
    { name: "mid-shift rollback", from: MID_SHIFT, intent: { kind: "rollback" } as Intent, w: [100, 0], steps: ["change-weights"] },
    {
      name: "all blue rollback re-asserts blue",
      from: ALL_BLUE_IDLE,
      intent: { kind: "rollback" } as Intent,
      w: [100, 0],
      steps: ["change-weights"],
    },
    {
      name: "green mid-rollout → 10 % waits for steady",
      from: GREEN_ROLLING,
      intent: { kind: "shift", greenPercent: 10 } as Intent,
      w: [90, 10],
      steps: ["check-green-steady", "change-weights"],
    },
    {
      name: "green rolled back by the breaker → rollback",
      from: GREEN_BREAKER_ROLLBACK,
      intent: { kind: "rollback" } as Intent,
      w: [100, 0],
      steps: ["change-weights"],
    },
    { name: "green failed → rollback", from: GREEN_FAILED, intent: { kind: "rollback" } as Intent, w: [100, 0], steps: ["change-weights"] },
  ])("$name", ({ from, intent, w, steps, scaleTo }) => {
    const p = plan(planEcsDnsSwap(state(from), intent, reassert));
    expect(p.steps.map((s) => s.id)).toEqual(steps);
    expect(changes(p)).toHaveLength(2);
    expect(changes(p).every((c) => c.Action === "UPSERT")).toBe(true);
    expect(weightOf(p, "blue")).toBe(w[0]);
    expect(weightOf(p, "green")).toBe(w[1]);
    expect(p.after.greenPercent).toBe(w[1]);
    expect(p.steps.at(-1)?.wait?.kind).toBe("route53-change-insync");
    const scale = p.steps.find((s) => s.id === "scale-green");
    if (scaleTo !== undefined) {
      expect(scale?.call).toEqual({
        service: "ecs",
        operation: "UpdateService",
        input: { cluster: "prod", service: "profile-green", desiredCount: scaleTo },
      });
      expect(scale?.wait).toMatchObject({ kind: "ecs-steady", cluster: "prod", service: "profile-green" });
    } else {
      expect(scale).toBeUndefined();
    }
    const check = p.steps.find((s) => s.id === "check-green-steady");
    if (check) {
      expect(check.call).toBeUndefined();
      expect(check.wait).toMatchObject({ kind: "ecs-steady", service: "profile-green" });
    }
  });

  it("rewrites alias records with the weight only: no TTL, target and EvaluateTargetHealth as configured", () => {
    const p = plan(planEcsDnsSwap(state(ALL_BLUE_SIZED), { kind: "shift", greenPercent: 30 }, ctx));
    expect(changes(p).map((c) => c.ResourceRecordSet)).toEqual([
      {
        Name: "profile.example.com.",
        Type: "A",
        SetIdentifier: "blue",
        Weight: 70,
        AliasTarget: { HostedZoneId: ZONE, DNSName: `dualstack.${lbDns("blue")}.`, EvaluateTargetHealth: true },
      },
      {
        Name: "profile.example.com.",
        Type: "A",
        SetIdentifier: "green",
        Weight: 30,
        AliasTarget: { HostedZoneId: ZONE, DNSName: `dualstack.${lbDns("green")}.`, EvaluateTargetHealth: false },
      },
    ]);
    const input = p.steps.at(-1)?.call?.input as JsonObject;
    expect(input.HostedZoneId).toBe("ZDEMO");
  });

  it("weights are exact to 1 % for every whole percent", () => {
    for (let pct = 1; pct <= 100; pct++) {
      const p = plan(planEcsDnsSwap(state(ALL_BLUE_SIZED), { kind: "shift", greenPercent: pct }, ctx));
      expect([weightOf(p, "blue"), weightOf(p, "green")]).toEqual([100 - pct, pct]);
    }
  });

  it("scales blue back up before a rollback when blue was scaled to 0 after a promote", () => {
    const p = plan(planEcsDnsSwap(state({ weights: [0, 100], blue: service("blue", 0), green: service("green", 4) }), { kind: "rollback" }, ctx));
    expect(p.steps.map((s) => s.id)).toEqual(["scale-blue", "change-weights"]);
    expect(p.steps[0]?.call?.input).toEqual({ cluster: "prod", service: "profile-blue", desiredCount: 4 });
  });

  it("rolls back even when the services could not be read (only the records are needed)", () => {
    const p = plan(planEcsDnsSwap(state({ weights: [50, 50], blue: null, green: null }), { kind: "rollback" }, ctx));
    expect(p.steps.map((s) => s.id)).toEqual(["change-weights"]);
  });

  it("keeps green's smaller explicit size when it covers the share, and sizes it like blue when it does not", () => {
    const small = state({ weights: [100, 0], green: service("green", 1) });
    expect(greenCapacityFor(small, 25)).toEqual({ needed: 1, scaleTo: null });
    expect(greenCapacityFor(small, 26)).toEqual({ needed: 2, scaleTo: 4 });
    expect(greenCapacityFor(small, 0)).toEqual({ needed: 0, scaleTo: null });
    expect(plan(planEcsDnsSwap(small, { kind: "shift", greenPercent: 20 }, ctx)).steps[0]?.id).toBe("check-green-steady");
  });

  it("scales waits for a fast clock", () => {
    const p = plan(planEcsDnsSwap(state(ALL_BLUE_IDLE), { kind: "shift", greenPercent: 10 }, { waitScale: 0.1 }));
    expect(p.steps[0]?.wait).toMatchObject({ timeoutMs: 60_000, pollMs: 1_000 });
    expect(p.steps[1]?.wait).toMatchObject({ timeoutMs: 30_000, pollMs: 500 });
  });

  it("is pure: the same input gives the same plan", () => {
    const s = state(MID_SHIFT);
    expect(planEcsDnsSwap(s, { kind: "shift", greenPercent: 70 }, ctx)).toEqual(planEcsDnsSwap(s, { kind: "shift", greenPercent: 70 }, ctx));
  });
});

describe("planEcsDnsSwap: scale-green", () => {
  it.each([
    { from: ALL_BLUE_IDLE, capacity: 4 },
    { from: ALL_BLUE_SIZED, capacity: 0 },
    { from: MID_SHIFT, capacity: 6 },
    { from: GREEN_ROLLING, capacity: 2 },
  ])("sets green's desired count to $capacity and waits for a steady state", ({ from, capacity }) => {
    const p = plan(planEcsDnsSwap(state(from), { kind: "scale-green", capacity }, ctx));
    expect(p.steps).toHaveLength(1);
    expect(p.steps[0]?.call).toEqual({
      service: "ecs",
      operation: "UpdateService",
      input: { cluster: "prod", service: "profile-green", desiredCount: capacity },
    });
    expect(p.steps[0]?.wait).toMatchObject({ kind: "ecs-steady", service: "profile-green" });
    expect(p.after.greenPercent).toBe(p.before.greenPercent);
  });

  it.each([
    { name: "same size", from: ALL_BLUE_SIZED, capacity: 4, reason: /already wants 4 tasks/ },
    { name: "to 0 while green has traffic", from: MID_SHIFT, capacity: 0, reason: /receives 50 % .* before scaling its service to 0/ },
    { name: "below green's share", from: MID_SHIFT, capacity: 1, reason: /needs at least 2 tasks/ },
    { name: "all green, below its share", from: ALL_GREEN, capacity: 3, reason: /needs at least 4 tasks/ },
    { name: "negative", from: ALL_BLUE_IDLE, capacity: -1, reason: /whole number/ },
    { name: "fractional", from: ALL_BLUE_IDLE, capacity: 1.5, reason: /whole number/ },
    { name: "green not read", from: { weights: [100, 0], green: null } as Fixture, capacity: 2, reason: /was not read/ },
  ])("refuses $name", ({ from, capacity, reason }) => {
    const result = planEcsDnsSwap(state(from), { kind: "scale-green", capacity }, ctx);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });
});

describe("planEcsDnsSwap: refusals", () => {
  it.each([
    { name: "101 %", from: ALL_BLUE_IDLE, intent: { kind: "shift", greenPercent: 101 } as Intent, reason: /whole number of percent/ },
    { name: "12.5 %", from: ALL_BLUE_IDLE, intent: { kind: "shift", greenPercent: 12.5 } as Intent, reason: /whole number of percent/ },
    { name: "already at 0 %", from: ALL_BLUE_IDLE, intent: { kind: "shift", greenPercent: 0 } as Intent, reason: /already receives 0 %/ },
    { name: "already at 50 %", from: MID_SHIFT, intent: { kind: "shift", greenPercent: 50 } as Intent, reason: /already receives 50 %/ },
    { name: "promote when all green", from: ALL_GREEN, intent: { kind: "promote" } as Intent, reason: /already receives 100 %/ },
    {
      name: "green's rollout failed",
      from: GREEN_FAILED,
      intent: { kind: "shift", greenPercent: 10 } as Intent,
      reason: /profile:43 failed .*tasks failed to start/,
    },
    {
      name: "deploy-revision",
      from: ALL_BLUE_IDLE,
      intent: { kind: "deploy-revision", taskDefinition: "profile:43" } as Intent,
      reason: /deploy-revision does not apply/,
    },
    { name: "standby", from: ALL_BLUE_IDLE, intent: { kind: "standby-enter", color: "blue" } as Intent, reason: /standby-enter does not apply/ },
    {
      name: "no capacity anywhere",
      from: { weights: [100, 0], blue: service("blue", 0), green: service("green", 0) } as Fixture,
      intent: { kind: "shift", greenPercent: 10 } as Intent,
      reason: /Neither service wants any task/,
    },
    {
      name: "green service not read",
      from: { weights: [100, 0], green: null } as Fixture,
      intent: { kind: "shift", greenPercent: 10 } as Intent,
      reason: /Green's ECS service was not read/,
    },
  ])("refuses $name", ({ from, intent, reason }) => {
    expect(planEcsDnsSwap(state(from), intent, ctx)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it("refuses records that are not alias records, even for a rollback", () => {
    const cname = aliasRecord("green", 0, { aliasTarget: null, ttl: 60, values: [lbDns("green")] });
    const s = state({ weights: [100, 0], records: [aliasRecord("blue", 100), cname] });
    for (const intent of [{ kind: "shift", greenPercent: 5 }, { kind: "rollback" }] as Intent[]) {
      expect(planEcsDnsSwap(s, intent, ctx)).toEqual({ ok: false, reason: expect.stringMatching(/green's record green is not an alias record/) });
    }
  });

  it("refuses an alias that points at another load balancer than the colour's", () => {
    const wrong = aliasRecord("green", 0, { aliasTarget: { hostedZoneId: ZONE, dnsName: lbDns("blue"), evaluateTargetHealth: false } });
    const result = planEcsDnsSwap(state({ weights: [100, 0], records: [aliasRecord("blue", 100), wrong] }), { kind: "shift", greenPercent: 5 }, ctx);
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/green's alias record points at profile-blue-.*not at green's load balancer profile-green/),
    });
  });

  it("refuses when a colour's record is missing", () => {
    const result = planEcsDnsSwap(state({ weights: [100, 0], records: [aliasRecord("blue", 100)] }), { kind: "rollback" }, ctx);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/no weighted record for green/) });
  });
});

describe("helpers", () => {
  it("normalises DNS names as Route 53 answers them", () => {
    expect(normaliseDnsName("DualStack.Profile-Blue.ELB.amazonaws.com.")).toBe("profile-blue.elb.amazonaws.com");
  });
  it("reads the configured share from the weights", () => {
    expect(configuredGreenPercent(100, 0)).toBe(0);
    expect(configuredGreenPercent(0, 0)).toBe(50);
    expect(configuredGreenPercent(2, 1)).toBe(33.33);
  });
});

describe("planEcsDnsSwap: rollback with every answer already on blue", () => {
  it("plans no step and says so; a preempting rollback still re-asserts the weights", () => {
    const p = plan(planEcsDnsSwap(state(ALL_BLUE_IDLE), { kind: "rollback" }, ctx));
    expect(p.steps).toEqual([]);
    expect(p.nothingToDo?.headline).toBe(ALREADY_ON_BLUE);
    expect(p.nothingToDo?.detail).toMatch(/blue 100 \/ green 0 and blue's service profile-blue runs 4 of 4 tasks/);
    expect(plan(planEcsDnsSwap(state(ALL_BLUE_IDLE), { kind: "rollback" }, reassert)).steps.map((s) => s.id)).toEqual(["change-weights"]);
  });

  it("is not 'on blue' while blue's service runs fewer tasks than it wants, or green keeps a weight", () => {
    expect(plan(planEcsDnsSwap(state({ weights: [100, 0], blue: service("blue", 4, 2) }), { kind: "rollback" }, ctx)).steps).not.toEqual([]);
    expect(plan(planEcsDnsSwap(state(MID_SHIFT), { kind: "rollback" }, ctx)).nothingToDo).toBeUndefined();
  });
});
