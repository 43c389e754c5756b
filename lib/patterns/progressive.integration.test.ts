// A progressive delivery end to end over HTTP against the practice range, with the real SDK
// clients, the real engine and a real SQLite journal: the engine's clock is the range's clock, and
// each of the engine's pauses moves it, so minutes of traffic, DNS caching and bakes pass in seconds.
// A healthy green reaches 100 %; a green with a high error rate is halted by the release judge and
// rolled back by itself.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { Actor, Operation } from "@/lib/domain/operation";
import type { ProgressiveStepState } from "@/lib/domain/progressive";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import type { DnsWeightedAppConfig } from "@/lib/config/schema";
import { createEngine, type Engine } from "@/lib/engine/engine";
import type { Store } from "@/lib/store/store";
import { seedDemoWorld } from "@/range/demo/seed";
import { startTestRange, type TestRange } from "@/test/support/range";
import { openTestStore, type TestStore } from "@/test/support/store";
import { planningFor } from "./catalog";
import { observeDnsWeighted } from "./dns-weighted-observe";

const operator: Actor = { id: "u-op", email: "operator@example.com", role: "operator" };
const judgeActor: Actor = { id: "judge", email: "judge@example.com", role: "responder" };

const app: DnsWeightedAppConfig = {
  id: "shop",
  name: "Shop",
  pattern: "dns-weighted",
  region: "us-east-1",
  dns: { hostedZone: "example.com.", recordName: "shop.example.com.", recordType: "CNAME" },
  blue: { setIdentifier: "blue", loadBalancer: "shop-blue" },
  green: { setIdentifier: "green", loadBalancer: "shop-green" },
};

let range: TestRange;
let clients: AwsClients;
let t: TestStore;
let store: Store;
let engine: Engine;

/** Moves the range's clock in steps of at most 10 s, letting the world tick after each. */
async function advance(ms: number): Promise<void> {
  for (let done = 0; done < ms; done += 10_000) {
    range.tick(Math.min(10_000, ms - done));
    await fetch(`${range.url}/_sim/health`);
  }
}

async function planProgressive(intent: Record<string, unknown>) {
  const planning = planningFor("dns-weighted");
  if (!planning) throw new Error("no planning");
  const state = await observeDnsWeighted(clients, app);
  const result = planning.plan(state, { kind: "progressive", ...intent } as Parameters<typeof planning.plan>[1], { waitScale: 1 });
  if (!result.ok) throw new Error(result.reason);
  return result.plan;
}

async function rollbackToBlue(): Promise<void> {
  const planning = planningFor("dns-weighted");
  if (!planning) throw new Error("no planning");
  const state = await observeDnsWeighted(clients, app);
  const result = planning.plan(state, { kind: "rollback" }, { waitScale: 1, reassert: true });
  if (!result.ok) throw new Error(result.reason);
  const { operationId } = await engine.start({ plan: result.plan, actor: operator, reason: "reset", preempt: true });
  await engine.whenIdle(operationId);
}

function progressiveOf(op: Operation | null, stepId: string): ProgressiveStepState | undefined {
  return op?.steps.find((s) => s.id === stepId)?.progress?.progressive;
}

beforeAll(async () => {
  range = await startTestRange({});
  await seedDemoWorld(range.url);
  clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  await advance(120_000); // boot + HealthyThreshold × Interval
  t = await openTestStore("sqlite", { now: () => range.nowMs() });
  store = t.store;
  engine = createEngine({
    store,
    gateway: createAwsGateway(clients),
    now: () => range.nowMs(),
    // Each pause of the engine is time passing on the range.
    sleep: (ms) => advance(ms),
    every: () => () => undefined,
    leaseMs: 3_600_000,
    logError: (message, error) => console.error(message, error),
    onJudgeFail: async (halt) => {
      const planning = planningFor("dns-weighted");
      if (!planning) throw new Error("no planning");
      const state = await observeDnsWeighted(clients, app);
      const result = planning.plan(state, { kind: "rollback" }, { waitScale: 1, reassert: true });
      if (!result.ok) throw new Error(result.reason);
      return engine.start({ plan: result.plan, actor: judgeActor, reason: `judge failed green at ${halt.greenPercent} %`, preempt: true });
    },
  });
}, 60_000);

afterAll(async () => {
  await t?.cleanup();
  await range?.close();
});

beforeEach(async () => {
  await fetch(`${range.url}/_sim/versions/v42`, { method: "PUT", body: JSON.stringify({ errorRate: 0 }) });
  if ((await observeDnsWeighted(clients, app)).configured.greenPercent !== 0) await rollbackToBlue();
});

describe("progressive delivery on the practice range", () => {
  it("takes a healthy green through verified, baked steps to 100 %", async () => {
    const plan = await planProgressive({ steps: [10, 50, 100], bakeSeconds: 180 });
    expect(plan.steps.map((s) => s.id)).toEqual([
      "step1-check-green-healthy",
      "step1-change-weights",
      "step1-traffic",
      "step1-bake",
      "step2-check-green-healthy",
      "step2-change-weights",
      "step2-traffic",
      "step2-bake",
      "step3-check-green-healthy",
      "step3-change-weights",
      "step3-traffic",
    ]);
    const { operationId } = await engine.start({ plan, actor: operator, reason: "release v42" });
    await engine.whenIdle(operationId);
    const op = await store.getOperation(operationId);
    expect(op?.error ?? null).toBeNull();
    expect(op?.status).toBe("succeeded");

    const state = await observeDnsWeighted(clients, app);
    expect(state.configured.greenPercent).toBe(100);

    // Each step's share was measured within 5 points; each bake ran its judge on minutes of both colours.
    for (const [id, share] of [
      ["step1-traffic", 10],
      ["step2-traffic", 50],
      ["step3-traffic", 100],
    ] as const) {
      const measured = progressiveOf(op, id)?.lastShare?.greenPercent ?? -1;
      expect(Math.abs(measured - share), `${id} measured ${measured}`).toBeLessThanOrEqual(5);
    }
    const bake = progressiveOf(op, "step1-bake");
    expect(bake?.endedBy === "baked" || bake?.endedBy === "pass").toBe(true);
    expect(bake?.evidence?.periods ?? 0).toBeGreaterThan(0);
    expect(bake?.verdict).not.toBe("fail");
    const actions = (await store.listAudit({ operationId })).map((r) => r.action).reverse();
    expect(actions.filter((a) => a === "progressive.step")).toHaveLength(3);
    expect(actions.filter((a) => a === "progressive.judged")).toHaveLength(2);
    expect(actions).toContain("progressive.completed");
  }, 60_000);

  it("halts a green with a high error rate and rolls it back by itself, with the judge's evidence", async () => {
    await fetch(`${range.url}/_sim/versions/v42`, { method: "PUT", body: JSON.stringify({ errorRate: 0.3 }) });
    const plan = await planProgressive({ steps: [10, 50, 100], bakeSeconds: 600 });
    const { operationId } = await engine.start({ plan, actor: operator, reason: "release a bad v42" });
    await engine.whenIdle(operationId);
    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("failed");
    expect(op?.error).toMatch(/release judge failed green at 10 % on errors/);
    // Never went past the first step.
    expect(op?.steps.find((s) => s.id === "step2-change-weights")?.status).toBe("skipped");
    const bake = progressiveOf(op, "step1-bake");
    expect(bake?.verdict).toBe("fail");
    const errors = bake?.evidence?.metrics.find((m) => m.name === "errors");
    expect(errors?.verdict).toBe("fail");
    expect(errors && "green" in errors ? (errors.green.rate ?? 0) : 0).toBeGreaterThan(0.1);

    const halted = await store.listAudit({ operationId, action: "progressive.halted" });
    expect(halted).toHaveLength(1);
    const started = await store.listAudit({ operationId, action: "progressive.rollback_started" });
    expect(started).toHaveLength(1);
    const after = started[0]?.after as { started: boolean; rollbackOperationId: string };
    expect(after.started).toBe(true);
    await engine.whenIdle(after.rollbackOperationId);
    const rollback = await store.getOperation(after.rollbackOperationId);
    expect(rollback?.status).toBe("succeeded");
    expect(rollback?.intent.kind).toBe("rollback");
    expect((await observeDnsWeighted(clients, app)).configured.greenPercent).toBe(0);
  }, 60_000);
});
