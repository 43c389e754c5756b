// The progressive planner on hand-built states: the steps per traffic step, the gates, the bake,
// the snapping, the refusals.
import { describe, expect, it } from "vitest";
import type { AppState, DnsRecordView } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { Intent } from "@/lib/domain/intent";
import type { Plan } from "@/lib/domain/plan";
import { planningFor } from "./catalog";
import { progressiveMetricsOf } from "./progressive";

function record(color: Color, weight: number): DnsRecordView {
  return {
    color,
    name: "shop.example.com.",
    type: "CNAME",
    setIdentifier: color,
    weight,
    ttl: 60,
    target: `shop-${color}.elb.example`,
    record: {
      name: "shop.example.com.",
      type: "CNAME",
      setIdentifier: color,
      weight,
      ttl: 60,
      values: [`shop-${color}.elb.example`],
      aliasTarget: null,
      healthCheckId: null,
    },
  };
}

function dnsState(greenPercent = 0): AppState {
  const env = (color: Color) => ({
    color,
    version: color === "blue" ? "v41" : "v42",
    loadBalancer: { kind: "classic" as const, name: `shop-${color}` },
    healthy: 3,
    unhealthy: 0,
    instances: [],
  });
  return {
    appId: "shop",
    pattern: "dns-weighted",
    observedAt: "2026-01-01T12:00:00.000Z",
    environments: { blue: env("blue"), green: env("green") },
    configured: { greenPercent },
    observed: { greenPercent, blueRequests: 0, greenRequests: 0 },
    dns: {
      hostedZoneId: "Z1",
      records: [record("blue", 100 - greenPercent), record("green", greenPercent)],
      changeStatus: null,
      reactionSeconds: 180,
    },
    granularityPercent: 1,
    version: "v1",
  };
}

function plan(state: AppState, intent: Intent, ctx: Parameters<NonNullable<ReturnType<typeof planningFor>>["plan"]>[2] = { waitScale: 1 }) {
  const planning = planningFor(state.pattern);
  if (!planning) throw new Error("no planning");
  return planning.plan(state, intent, ctx);
}

function ok(result: ReturnType<typeof plan>): Plan {
  if (!result.ok) throw new Error(result.reason);
  return result.plan;
}

describe("planning a progressive delivery (dns-weighted)", () => {
  it("plans each step's shift, the traffic-verified wait and the bake, with the weights of each step", () => {
    const p = ok(
      plan(
        dnsState(),
        { kind: "progressive", steps: [10, 50, 100], bakeSeconds: 300, gates: ["auto", "auto", "manual"] },
        { waitScale: 1, region: "eu-west-1" },
      ),
    );
    expect(p.steps.map((s) => s.id)).toEqual([
      "step1-check-green-healthy",
      "step1-change-weights",
      "step1-traffic",
      "step1-bake",
      "step2-check-green-healthy",
      "step2-change-weights",
      "step2-traffic",
      "step2-bake",
      "step3-gate",
      "step3-check-green-healthy",
      "step3-change-weights",
      "step3-traffic",
    ]);
    const weights = p.steps
      .filter((s) => s.id.endsWith("change-weights"))
      .map((s) =>
        JSON.stringify(s.call?.input)
          .match(/"Weight":(\d+)/g)
          ?.join(" "),
      );
    expect(weights).toEqual(['"Weight":90 "Weight":10', '"Weight":50 "Weight":50', '"Weight":0 "Weight":100']);
    const bake = p.steps.find((s) => s.id === "step1-bake")?.wait;
    expect(bake).toMatchObject({ kind: "progressive-bake", greenPercent: 10, bakeMs: 300_000, region: "eu-west-1" });
    const traffic = p.steps.find((s) => s.id === "step2-traffic")?.wait;
    expect(traffic).toMatchObject({ kind: "traffic-share", greenPercent: 50, tolerancePoints: 5, timeoutMs: 900_000 });
    expect(p).toMatchObject({ before: { greenPercent: 0 }, after: { greenPercent: 100 } });
    expect(p.summary).toBe("Deliver shop progressively: green 0 % → 10 % → 50 % → 100 %, bake 5 min per step");
  });

  it("never gives a step's traffic less than three CloudWatch periods to show, however short the wait scale", () => {
    const p = ok(plan(dnsState(), { kind: "progressive", steps: [10, 100], bakeSeconds: 300 }, { waitScale: 0.1 }));
    const traffic = p.steps.find((s) => s.id === "step1-traffic")?.wait;
    // 900 s × 0.1 would be 90 s: shorter than a whole minute after the change plus its publication.
    expect(traffic).toMatchObject({ kind: "traffic-share", timeoutMs: 180_000 });
    // The bake is the person's choice and scales as every wait does.
    expect(p.steps.find((s) => s.id === "step1-bake")?.wait).toMatchObject({ kind: "progressive-bake", bakeMs: 30_000 });
  });

  it("reads each colour's classic ELB metrics, and the run's and application's settings", () => {
    expect(progressiveMetricsOf(dnsState())?.errors?.green).toEqual({
      namespace: "AWS/ELB",
      metricName: "HTTPCode_Backend_5XX",
      dimensions: { LoadBalancerName: "shop-green" },
      stat: "Sum",
    });
    const p = ok(
      plan(
        dnsState(),
        { kind: "progressive", tolerancePoints: 2 },
        { waitScale: 0.1, progressive: { preset: "canary10Percent5Minutes", judge: { errorTolerance: 0.5 } } },
      ),
    );
    expect(p.steps.filter((s) => s.wait?.kind === "progressive-bake").map((s) => s.wait)).toEqual([
      expect.objectContaining({
        bakeMs: 30_000,
        judge: { alpha: 0.01, metrics: [expect.objectContaining({ name: "errors", tolerance: 0.5 }), expect.objectContaining({ name: "latency" })] },
      }),
    ]);
    expect(p.steps.find((s) => s.wait?.kind === "traffic-share")?.wait).toMatchObject({ tolerancePoints: 2 });
  });

  it("starts from green's current share and leaves out the steps already behind it", () => {
    const p = ok(plan(dnsState(10), { kind: "progressive", steps: [10, 50, 100] }));
    expect(p.steps.map((s) => s.id)[0]).toBe("step1-check-green-healthy");
    expect(p.steps.filter((s) => s.wait?.kind === "traffic-share").map((s) => s.wait?.kind === "traffic-share" && s.wait.greenPercent)).toEqual([
      50, 100,
    ]);
    expect(plan(dnsState(100), { kind: "progressive" })).toEqual({
      ok: false,
      reason: "Green already receives 100 %: there is no step left to deliver.",
    });
  });

  it("refuses ecs-rolling, patterns that shift instances, shared load balancers, and a step the pattern refuses", () => {
    const rolling = plan({ ...dnsState(), pattern: "ecs-rolling" }, { kind: "progressive" });
    expect(rolling).toMatchObject({ ok: false, reason: expect.stringMatching(/no traffic control/) });
    expect(plan({ ...dnsState(), pattern: "asg-swap" }, { kind: "progressive" })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not available for the asg-swap pattern/),
    });
    const shared = dnsState();
    shared.environments.green.loadBalancer = { kind: "classic", name: "shop-blue" };
    expect(plan(shared, { kind: "progressive" })).toMatchObject({ ok: false, reason: expect.stringMatching(/serve behind one load balancer/) });
    expect(plan({ ...shared, pattern: "launch-swap" }, { kind: "progressive" })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/serve behind one load balancer/),
    });
    const sick = dnsState();
    sick.environments.green.healthy = 0;
    expect(plan(sick, { kind: "progressive" })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^Step 1 of 3 \(10 %\): .*no healthy instance/),
    });
  });
});
