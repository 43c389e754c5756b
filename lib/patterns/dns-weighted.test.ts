import { describe, expect, it } from "vitest";
import type { AppState, DnsRecordView, RecordSet } from "@/lib/domain/app-state";
import type { JsonObject } from "@/lib/domain/basics";
import type { Plan } from "@/lib/domain/plan";
import { dnsReactionSeconds, greenShareOf, planDnsWeighted, weightsFor } from "./dns-weighted";
import { ALREADY_ON_BLUE } from "./nothing-to-do";

function record(color: "blue" | "green", weight: number, extra: Partial<RecordSet> = {}): DnsRecordView {
  const rec: RecordSet = {
    name: "shop.example.com.",
    type: "CNAME",
    setIdentifier: color,
    weight,
    ttl: 60,
    values: [`shop-${color}-1.us-east-1.elb.amazonaws.com`],
    aliasTarget: null,
    healthCheckId: null,
    ...extra,
  };
  return { color, name: rec.name, type: rec.type, setIdentifier: color, weight, ttl: rec.ttl, target: rec.values[0] ?? "", record: rec };
}

function state(blueWeight: number, greenWeight: number, greenHealthy = 3, records?: DnsRecordView[]): AppState {
  const env = (color: "blue" | "green", healthy: number) => ({
    color,
    version: color === "blue" ? "v41" : "v42",
    loadBalancer: { kind: "classic" as const, name: `shop-${color}` },
    healthy,
    unhealthy: 0,
    instances: [],
  });
  return {
    appId: "shop",
    pattern: "dns-weighted",
    observedAt: "2026-11-26T00:00:00.000Z",
    environments: { blue: env("blue", 3), green: env("green", greenHealthy) },
    configured: { greenPercent: greenShareOf(blueWeight, greenWeight) },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    dns: {
      hostedZoneId: "ZTEST",
      records: records ?? [record("blue", blueWeight), record("green", greenWeight)],
      changeStatus: "INSYNC",
      reactionSeconds: 180,
    },
    granularityPercent: 1,
    version: "v",
  };
}

const ctx = { waitScale: 1 };
/** Plans every step even when AWS already is the end state (a rollback preempting an operation). */
const reassert = { waitScale: 1, reassert: true };

function plan(result: ReturnType<typeof planDnsWeighted>): Plan {
  if (!result.ok) throw new Error(`expected a plan, got: ${result.reason}`);
  return result.plan;
}

function changes(p: Plan): JsonObject[] {
  const step = p.steps.find((s) => s.id === "change-weights");
  const batch = step?.call?.input.ChangeBatch as JsonObject;
  return batch.Changes as JsonObject[];
}

function weightOf(p: Plan, setId: string): number {
  const change = changes(p).find((c) => (c.ResourceRecordSet as JsonObject).SetIdentifier === setId);
  return (change?.ResourceRecordSet as JsonObject).Weight as number;
}

describe("weightsFor / greenShareOf", () => {
  it.each([
    [0, 100, 0],
    [1, 99, 1],
    [25, 75, 25],
    [33, 67, 33],
    [50, 50, 50],
    [99, 1, 99],
    [100, 0, 100],
  ])("green %i %% gives blue %i and green %i, and back exactly", (pct, blue, green) => {
    expect(weightsFor(pct)).toEqual({ blue, green });
    expect(greenShareOf(blue, green)).toBe(pct);
  });

  it("never yields all-zero weights for any whole percent", () => {
    for (let pct = 0; pct <= 100; pct++) {
      const w = weightsFor(pct);
      expect(w.blue + w.green).toBe(100);
    }
  });

  it("treats all-zero weights as an equal split, as Route 53 does", () => {
    expect(greenShareOf(0, 0)).toBe(50);
    expect(greenShareOf(1, 255)).toBeCloseTo((255 / 256) * 100);
  });

  it("estimates DNS reaction time from TTL", () => {
    expect(dnsReactionSeconds(60)).toBe(180);
    expect(dnsReactionSeconds(300)).toBe(660);
  });
});

describe("planDnsWeighted", () => {
  it.each([
    { from: [100, 0], intent: { kind: "shift" as const, greenPercent: 25 }, blue: 75, green: 25 },
    { from: [100, 0], intent: { kind: "shift" as const, greenPercent: 1 }, blue: 99, green: 1 },
    { from: [75, 25], intent: { kind: "shift" as const, greenPercent: 0 }, blue: 100, green: 0 },
    { from: [75, 25], intent: { kind: "promote" as const }, blue: 0, green: 100 },
    { from: [0, 100], intent: { kind: "rollback" as const }, blue: 100, green: 0 },
    { from: [100, 0], intent: { kind: "rollback" as const }, blue: 100, green: 0 },
    { from: [1, 255], intent: { kind: "shift" as const, greenPercent: 50 }, blue: 50, green: 50 },
  ])("$intent.kind from $from sets blue $blue / green $green in one atomic batch", ({ from, intent, blue, green }) => {
    const p = plan(planDnsWeighted(state(from[0] ?? 0, from[1] ?? 0), intent, reassert));
    expect(changes(p)).toHaveLength(2);
    expect(changes(p).every((c) => c.Action === "UPSERT")).toBe(true);
    expect(weightOf(p, "blue")).toBe(blue);
    expect(weightOf(p, "green")).toBe(green);
    expect(p.after.greenPercent).toBe(green);
    const last = p.steps.at(-1);
    expect(last?.call?.operation).toBe("ChangeResourceRecordSets");
    expect(last?.wait?.kind).toBe("route53-change-insync");
  });

  it("checks green's health before sending it traffic, but not when rolling back", () => {
    const shift = plan(planDnsWeighted(state(100, 0), { kind: "shift", greenPercent: 10 }, ctx));
    expect(shift.steps[0]?.wait).toMatchObject({ kind: "elb-in-service", loadBalancerName: "shop-green" });
    const back = plan(planDnsWeighted(state(50, 50), { kind: "rollback" }, ctx));
    expect(back.steps.map((s) => s.id)).toEqual(["change-weights"]);
  });

  it("keeps the record exactly as it is apart from the weight (values, TTL, health check)", () => {
    const recs = [record("blue", 100, { ttl: 30, healthCheckId: "hc-1" }), record("green", 0, { ttl: 30 })];
    const p = plan(planDnsWeighted(state(100, 0, 3, recs), { kind: "shift", greenPercent: 5 }, ctx));
    const blue = changes(p)[0]?.ResourceRecordSet as JsonObject;
    expect(blue).toEqual({
      Name: "shop.example.com.",
      Type: "CNAME",
      Weight: 95,
      SetIdentifier: "blue",
      TTL: 30,
      ResourceRecords: [{ Value: "shop-blue-1.us-east-1.elb.amazonaws.com" }],
      HealthCheckId: "hc-1",
    });
  });

  it("writes alias records without a TTL", () => {
    const alias = { hostedZoneId: "Z35SXDOTRQ7X7K", dnsName: "shop-green.elb.amazonaws.com.", evaluateTargetHealth: true };
    const recs = [
      record("blue", 100, { aliasTarget: { ...alias, dnsName: "b." }, ttl: null, values: [] }),
      record("green", 0, { aliasTarget: alias, ttl: null, values: [] }),
    ];
    const p = plan(planDnsWeighted(state(100, 0, 3, recs), { kind: "promote" }, ctx));
    const green = changes(p)[1]?.ResourceRecordSet as JsonObject;
    expect(green.TTL).toBeUndefined();
    expect(green.AliasTarget).toEqual({ HostedZoneId: "Z35SXDOTRQ7X7K", DNSName: "shop-green.elb.amazonaws.com.", EvaluateTargetHealth: true });
  });

  it.each([
    [{ kind: "shift" as const, greenPercent: 101 }, /whole number of percent/],
    [{ kind: "shift" as const, greenPercent: -1 }, /whole number of percent/],
    [{ kind: "shift" as const, greenPercent: 12.5 }, /whole number of percent/],
    [{ kind: "shift" as const, greenPercent: Number.NaN }, /whole number of percent/],
    [{ kind: "shift" as const, greenPercent: 0 }, /already receives 0 %/],
  ])("refuses %o", (intent, reason) => {
    const result = planDnsWeighted(state(100, 0), intent, ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it("refuses to send traffic to a green without healthy instances", () => {
    const result = planDnsWeighted(state(100, 0, 0), { kind: "shift", greenPercent: 10 }, ctx);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/no healthy instance/) });
  });

  it("refuses when a colour's record is missing", () => {
    const result = planDnsWeighted(state(100, 0, 3, [record("blue", 100)]), { kind: "shift", greenPercent: 10 }, ctx);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/no weighted record for green/) });
  });

  it("scales waits for a fast clock", () => {
    const p = plan(planDnsWeighted(state(100, 0), { kind: "shift", greenPercent: 10 }, { waitScale: 0.1 }));
    expect(p.steps.at(-1)?.wait).toMatchObject({ timeoutMs: 30_000, pollMs: 500 });
  });

  it("is pure: the same input gives the same plan", () => {
    const s = state(100, 0);
    expect(planDnsWeighted(s, { kind: "shift", greenPercent: 40 }, ctx)).toEqual(planDnsWeighted(s, { kind: "shift", greenPercent: 40 }, ctx));
  });
});

describe("planDnsWeighted: rollback with every answer already on blue", () => {
  it("plans no step and says so; a preempting rollback still re-asserts the weights", () => {
    const p = plan(planDnsWeighted(state(100, 0), { kind: "rollback" }, ctx));
    expect(p.steps).toEqual([]);
    expect(p.nothingToDo).toEqual({ headline: ALREADY_ON_BLUE, detail: expect.stringMatching(/blue 100 \/ green 0/) });
    expect(p.summary).toMatch(/^Roll back shop: already on blue — nothing to do/);
    expect(p.after.greenPercent).toBe(0);
    expect(plan(planDnsWeighted(state(100, 0), { kind: "rollback" }, reassert)).steps.map((s) => s.id)).toEqual(["change-weights"]);
  });

  it("plans the calls when green still has a weight, however small", () => {
    const p = plan(planDnsWeighted(state(99, 1), { kind: "rollback" }, ctx));
    expect(p.nothingToDo).toBeUndefined();
    expect(p.steps.map((s) => s.id)).toEqual(["change-weights"]);
  });
});
