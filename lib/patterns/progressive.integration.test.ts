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
import { signalProgressive } from "@/lib/runtime/progressive-signals";
import { planningFor } from "./catalog";
import { observeDnsWeighted } from "./dns-weighted-observe";
import { observeAlbWeighted } from "./alb-weighted-observe";
import { observeEcsDnsSwap } from "./ecs-dns-swap-observe";
import type { AlbWeightedAppConfig, EcsDnsSwapAppConfig } from "@/lib/config/schema";

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

/**
 * An engine whose clock is the range's and whose every pause moves the range's clock. `pauseWhen`
 * (optional) is asked after each pause: while it answers true the run waits for `release` (a
 * point the test acts at); "crash" stops the run there for good, as a dead server's would.
 */
function makeEngine(opts: { leaseMs?: number; pauseWhen?: () => Promise<"pause" | "crash" | null> } = {}): Engine {
  const created: Engine = createEngine({
    store,
    gateway: createAwsGateway(clients),
    now: () => range.nowMs(),
    sleep: async (ms) => {
      await advance(ms);
      const what = opts.pauseWhen ? await opts.pauseWhen() : null;
      if (what === "crash") await new Promise<never>(() => undefined);
      if (what === "pause") await new Promise<void>((resolve) => (release = resolve));
    },
    every: () => () => undefined,
    leaseMs: opts.leaseMs ?? 3_600_000,
    logError: (message, error) => console.error(message, error),
    onJudgeFail: async (halt) => {
      const planning = planningFor("dns-weighted");
      if (!planning) throw new Error("no planning");
      const state = await observeDnsWeighted(clients, app);
      const result = planning.plan(state, { kind: "rollback" }, { waitScale: 1, reassert: true });
      if (!result.ok) throw new Error(result.reason);
      return created.start({ plan: result.plan, actor: judgeActor, reason: `judge failed green at ${halt.greenPercent} %`, preempt: true });
    },
  });
  return created;
}

let release: (() => void) | null = null;

/** Lets a run paused by `pauseWhen` go on. */
function releaseNow(): void {
  const r = release;
  release = null;
  r?.();
}

/** The step the operation is at and what its progressive wait journaled. */
async function at(operationId: string): Promise<{ step: string | null; progressive: ProgressiveStepState | undefined; polls: number }> {
  const op = await store.getOperation(operationId);
  const step = op?.steps.find((s) => s.status === "running");
  return { step: step?.id ?? null, progressive: step?.progress?.progressive, polls: step?.progress?.polls ?? 0 };
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
  engine = makeEngine();
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
    const plan = await planProgressive({ steps: [10, 50, 100], bakeSeconds: 300 });
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
    // A minute goes to the judge only once two more have ended (CloudWatch may still fill it).
    const bakeStep = op?.steps.find((s) => s.id === "step1-bake");
    expect(bake?.judgedToMs ?? Infinity).toBeLessThanOrEqual(Date.parse(bakeStep?.finishedAt ?? "") - 120_000);
    // One judge for the whole delivery: the second bake goes on from the first one's evidence.
    const second = progressiveOf(op, "step2-bake");
    expect(second?.evidence?.periods ?? 0).toBeGreaterThan(bake?.evidence?.periods ?? Infinity);
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

  it("waits at a manual gate for an approval, stops the bake's clock while held, and ends the bake when continued", async () => {
    let operationId = "";
    let pauseAt: ((a: Awaited<ReturnType<typeof at>>) => boolean) | null = (a) => a.step === "step1-gate" && a.polls >= 2;
    const gated = makeEngine({
      pauseWhen: async () => {
        if (!pauseAt || !operationId) return null;
        if (!pauseAt(await at(operationId))) return null;
        pauseAt = null;
        return "pause";
      },
    });
    const go = async (next: typeof pauseAt) => {
      pauseAt = next;
      const r = release;
      release = null;
      r?.();
      if (next) await expect.poll(() => release !== null, { timeout: 20_000 }).toBe(true);
    };
    const plan = await planProgressive({ steps: [10, 100], bakeSeconds: 600, gates: ["manual", "auto"] });
    ({ operationId } = await gated.start({ plan, actor: operator, reason: "release v42 with a gate" }));
    await expect.poll(() => release !== null, { timeout: 20_000 }).toBe(true);

    // At the gate: nothing has moved, and only an approval opens it.
    expect((await observeDnsWeighted(clients, app)).configured.greenPercent).toBe(0);
    await expect(signalProgressive(store, operationId, "continue", operator)).rejects.toMatchObject({ code: "conflict" });
    await signalProgressive(store, operationId, "approve", operator, "canary looks right");
    await go((a) => a.step === "step1-bake" && (a.progressive?.bakedMs ?? 0) >= 60_000);

    // Baking: a hold stops the bake's clock while time passes.
    await expect(signalProgressive(store, operationId, "approve", operator)).rejects.toMatchObject({ code: "conflict" });
    await signalProgressive(store, operationId, "hold", operator, "checking a dashboard");
    await expect(signalProgressive(store, operationId, "hold", operator)).rejects.toMatchObject({ code: "conflict" });
    await go((a) => a.progressive?.held === true);
    const heldAt = await at(operationId);
    const baked = heldAt.progressive?.bakedMs ?? -1;
    const from = range.nowMs();
    await go(() => range.nowMs() >= from + 180_000);
    const later = await at(operationId);
    expect(later.step).toBe("step1-bake");
    expect(later.progressive?.bakedMs).toBe(baked);
    expect((await store.getOperation(operationId))?.steps.find((x) => x.id === "step1-bake")?.progress?.note).toMatch(/Held by an operator/);

    // Continue now: the rest of the bake is skipped and the run goes on to 100 %.
    await signalProgressive(store, operationId, "continue", operator);
    await go(null);
    await gated.whenIdle(operationId);
    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("succeeded");
    const bake = progressiveOf(op, "step1-bake");
    expect(bake?.endedBy).toBe("continued");
    expect(bake?.bakedMs ?? 0).toBeLessThan(600_000);
    expect(progressiveOf(op, "step1-gate")?.endedBy).toBe("approved");
    const actions = (await store.listAudit({ operationId })).map((r) => r.action);
    for (const a of ["progressive.approved", "progressive.held", "progressive.continued"] as const) expect(actions).toContain(a);
    // The gate said once that it waits (what a webhook announces as "approval needed").
    expect(actions.filter((a) => a === "progressive.approval_needed")).toHaveLength(1);
    await expect(signalProgressive(store, operationId, "hold", operator)).rejects.toMatchObject({ code: "conflict" });
  }, 60_000);

  it("does not time out the traffic-verified wait while it is held", async () => {
    let operationId = "";
    let pauseAt: ((a: Awaited<ReturnType<typeof at>>) => boolean) | null = (a) => a.step === "step1-traffic";
    const held = makeEngine({
      pauseWhen: async () => {
        if (!pauseAt || !operationId) return null;
        if (!pauseAt(await at(operationId))) return null;
        pauseAt = null;
        return "pause";
      },
    });
    const plan = await planProgressive({ steps: [10, 100], bakeSeconds: 0 });
    const traffic = plan.steps.find((s) => s.id === "step1-traffic")?.wait;
    const timeoutMs = traffic?.timeoutMs ?? 0;
    ({ operationId } = await held.start({ plan, actor: operator, reason: "release v42" }));
    await expect.poll(() => release !== null, { timeout: 20_000 }).toBe(true);
    await signalProgressive(store, operationId, "hold", operator, "investigating");
    const from = range.nowMs();
    pauseAt = () => range.nowMs() >= from + timeoutMs + 120_000;
    releaseNow();
    await expect.poll(() => release !== null, { timeout: 20_000 }).toBe(true);
    // Held well past the wait's timeout: still waiting, not failed.
    expect((await at(operationId)).step).toBe("step1-traffic");
    await signalProgressive(store, operationId, "continue", operator);
    pauseAt = null;
    releaseNow();
    await held.whenIdle(operationId);
    expect(await store.getOperationStatus(operationId)).toBe("succeeded");
  }, 60_000);

  it("resumes a bake interrupted by a crash with its remaining time and its judge's evidence, not a fresh bake", async () => {
    let operationId = "";
    const crashing = makeEngine({
      leaseMs: 60_000,
      pauseWhen: async () => {
        if (!operationId) return null;
        const a = await at(operationId);
        return a.step === "step1-bake" && (a.progressive?.bakedMs ?? 0) >= 240_000 ? "crash" : null;
      },
    });
    const plan = await planProgressive({ steps: [10, 100], bakeSeconds: 480 });
    ({ operationId } = await crashing.start({ plan, actor: operator, reason: "release v42" }));
    await expect.poll(async () => (await at(operationId)).progressive?.bakedMs ?? 0, { timeout: 20_000 }).toBeGreaterThanOrEqual(240_000);
    const before = (await at(operationId)).progressive;
    const bakedBefore = before?.bakedMs ?? 0;
    expect(before?.judgeState?.periods ?? 0).toBeGreaterThan(0);

    // The server is gone: its lease lapses, another server finds the operation and resumes it.
    await advance(70_000);
    const survivor = makeEngine();
    expect((await survivor.recoverInterrupted()).map((o) => o.id)).toContain(operationId);
    const resumedAt = range.nowMs();
    await survivor.resume(operationId, operator, "the server restarted");
    await survivor.whenIdle(operationId);
    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("succeeded");
    const bakeStep = op?.steps.find((x) => x.id === "step1-bake");
    const bake = bakeStep?.progress?.progressive;
    const afterResume = Date.parse(bakeStep?.finishedAt ?? "") - resumedAt;
    if (bake?.endedBy === "baked") {
      // The bake ran its remaining time (give or take a poll), not another full bake.
      expect(bake.bakedMs ?? 0).toBeGreaterThanOrEqual(480_000);
      expect(bake.bakedMs ?? 0).toBeLessThanOrEqual(480_000 + 20_000);
      expect(afterResume).toBeLessThanOrEqual(480_000 - bakedBefore + 20_000);
    } else {
      expect(bake?.endedBy).toBe("pass");
    }
    // The judge went on from its journaled state.
    expect(bake?.judgeState?.periods ?? 0).toBeGreaterThan(before?.judgeState?.periods ?? 0);
  }, 60_000);

  it("gives way to a responder's rollback, which preempts it as it preempts any operation", async () => {
    const plan = await planProgressive({ steps: [10, 100], bakeSeconds: 60, gates: ["auto", "manual"] });
    const { operationId } = await engine.start({ plan, actor: operator, reason: "release v42" });
    await expect.poll(async () => (await at(operationId)).step, { timeout: 20_000 }).toBe("step2-gate");
    expect((await observeDnsWeighted(clients, app)).configured.greenPercent).toBe(10);
    const state = await observeDnsWeighted(clients, app);
    const rollback = planningFor("dns-weighted")?.plan(state, { kind: "rollback" }, { waitScale: 1, reassert: true });
    if (!rollback?.ok) throw new Error("no rollback plan");
    const { operationId: rollbackId } = await engine.start({
      plan: rollback.plan,
      actor: judgeActor,
      reason: "pager: checkout errors",
      preempt: true,
    });
    await engine.whenIdle(rollbackId);
    await engine.whenIdle(operationId);
    expect(await store.getOperationStatus(operationId)).toBe("preempted");
    expect(await store.getOperationStatus(rollbackId)).toBe("succeeded");
    expect((await observeDnsWeighted(clients, app)).configured.greenPercent).toBe(0);
  }, 60_000);
});

describe("progressive delivery of an ALB's weighted target groups on the practice range", () => {
  const catalog: AlbWeightedAppConfig = {
    id: "catalog-api",
    name: "Catalog API",
    pattern: "alb-weighted",
    region: "us-east-1",
    loadBalancer: "catalog-alb",
    listenerPort: 80,
    blue: { targetGroup: "catalog-blue" },
    green: { targetGroup: "catalog-green" },
  };

  it("measures each target group's requests (AWS/ApplicationELB) and takes green to 100 %", async () => {
    const planning = planningFor("alb-weighted");
    if (!planning) throw new Error("no planning");
    const state = await observeAlbWeighted(clients, catalog);
    const result = planning.plan(state, { kind: "progressive", steps: [25, 100], bakeSeconds: 300 }, { waitScale: 1 });
    if (!result.ok) throw new Error(result.reason);
    const traffic = result.plan.steps.find((x) => x.id === "step1-traffic")?.wait;
    expect(traffic?.kind === "traffic-share" && traffic.metrics.requests.green.dimensions).toEqual({
      TargetGroup: expect.stringMatching(/^targetgroup\/catalog-green\//),
      LoadBalancer: expect.stringMatching(/^app\/catalog-alb\//),
    });
    const { operationId } = await engine.start({ plan: result.plan, actor: operator, reason: "release catalog v42" });
    await engine.whenIdle(operationId);
    const op = await store.getOperation(operationId);
    expect(op?.error ?? null).toBeNull();
    expect(op?.status).toBe("succeeded");
    const measured = progressiveOf(op, "step1-traffic")?.lastShare?.greenPercent ?? -1;
    expect(Math.abs(measured - 25)).toBeLessThanOrEqual(5);
    expect(progressiveOf(op, "step1-bake")?.evidence?.metrics.map((m) => m.name)).toEqual(["errors", "latency"]);
    expect((await observeAlbWeighted(clients, catalog)).alb?.weights).toEqual({ blue: 0, green: 100 });
  }, 60_000);

  it("does the same for ECS services behind their own ALBs, weighted in Route 53 (ecs-dns-swap)", async () => {
    const profile: EcsDnsSwapAppConfig = {
      id: "profile-service",
      name: "Profile service",
      pattern: "ecs-dns-swap",
      region: "us-east-1",
      cluster: "prod",
      dns: { hostedZone: "example.com.", recordName: "profile.example.com.", recordType: "A" },
      blue: { service: "profile-blue", setIdentifier: "blue", loadBalancer: "profile-blue", targetGroup: "profile-blue-tg" },
      green: { service: "profile-green", setIdentifier: "green", loadBalancer: "profile-green", targetGroup: "profile-green-tg" },
    };
    const planning = planningFor("ecs-dns-swap");
    if (!planning) throw new Error("no planning");
    const result = planning.plan(
      await observeEcsDnsSwap(clients, profile),
      { kind: "progressive", steps: [50, 100], bakeSeconds: 60 },
      { waitScale: 1 },
    );
    if (!result.ok) throw new Error(result.reason);
    const { operationId } = await engine.start({ plan: result.plan, actor: operator, reason: "release profile v42" });
    await engine.whenIdle(operationId);
    const op = await store.getOperation(operationId);
    expect(op?.error ?? null).toBeNull();
    expect(op?.status).toBe("succeeded");
    expect(Math.abs((progressiveOf(op, "step1-traffic")?.lastShare?.greenPercent ?? -1) - 50)).toBeLessThanOrEqual(5);
    expect((await observeEcsDnsSwap(clients, profile)).configured.greenPercent).toBe(100);
  }, 60_000);
});
