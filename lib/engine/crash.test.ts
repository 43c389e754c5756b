// Crash safety end to end: the engine runs in a child process against the practice range and is
// killed with SIGKILL at every step of a plan; a fresh engine on the same SQLite database then
// finds the operation interrupted with its audit intact, and either resumes it to the planned
// state or rolls back to blue 100 % (taking over the dead process's still-live lease).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor, Plan } from "@/lib/domain/types";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import type { DnsWeightedAppConfig } from "@/lib/config/schema";
import { planDnsWeighted } from "@/lib/patterns/dns-weighted";
import { observeDnsWeighted } from "@/lib/patterns/dns-weighted-observe";
import { seedDemoWorld } from "@/lib/sim/seed";
import { startTestRange, type TestRange } from "@/lib/sim/testing";
import { openStore, type Store } from "@/lib/store/store";
import { createEngine, type Engine } from "./engine";
import { describeKillPoint, killPointsOf, startWorker, type CrashScenario, type KillPoint } from "./testing/crash-harness";

const LEASE_MS = 1_500;
const operator: Actor = { id: "u-op", email: "operator@example.com", role: "operator" };
const responder: Actor = { id: "u-resp", email: "responder@example.com", role: "responder" };

let range: TestRange;
let clients: AwsClients;
let dir: string;
let ticker: ReturnType<typeof setInterval>;

const shop: DnsWeightedAppConfig = {
  id: "shop",
  name: "Shop",
  pattern: "dns-weighted",
  region: "us-east-1",
  dns: { hostedZone: "example.com.", recordName: "shop.example.com.", recordType: "CNAME" },
  blue: { setIdentifier: "blue", loadBalancer: "shop-blue" },
  green: { setIdentifier: "green", loadBalancer: "shop-green" },
};

/** Fast waits: polls every 100 ms, time-outs of a few seconds of real time. */
const WAIT_SCALE = 0.02;

function planned(result: ReturnType<typeof planDnsWeighted>): Plan {
  if (!result.ok) throw new Error(result.reason);
  return result.plan;
}

/** dns-weighted: shift green up by 25 points; done means the weights say so; rolled back means blue 100. */
const dnsWeighted: CrashScenario = {
  name: "dns-weighted shift",
  async plan() {
    const state = await observeDnsWeighted(clients, shop);
    return planned(planDnsWeighted(state, { kind: "shift", greenPercent: Math.min(100, state.configured.greenPercent + 25) }, { waitScale: WAIT_SCALE }));
  },
  async rollbackPlan() {
    return planned(planDnsWeighted(await observeDnsWeighted(clients, shop), { kind: "rollback" }, { waitScale: WAIT_SCALE }));
  },
  async expectDone(plan) {
    const state = await observeDnsWeighted(clients, shop);
    expect(state.configured.greenPercent).toBe(plan.after.greenPercent);
    expect(state.dns?.records.map((r) => [r.color, r.weight])).toEqual([
      ["blue", 100 - plan.after.greenPercent],
      ["green", plan.after.greenPercent],
    ]);
  },
  async expectRolledBack() {
    const state = await observeDnsWeighted(clients, shop);
    expect(state.configured.greenPercent).toBe(0);
    expect(state.dns?.records.map((r) => [r.color, r.weight])).toEqual([
      ["blue", 100],
      ["green", 0],
    ]);
  },
};

/** Add a pattern's scenario here when it lands (asg-swap, launch-swap, alb-weighted, ecs-*). */
const SCENARIOS: CrashScenario[] = [dnsWeighted];

beforeAll(async () => {
  range = await startTestRange({ route53PropagationMs: 10_000, route53ProcessingMs: 1_000 });
  await seedDemoWorld(range.url);
  clients = createClients({ region: "us-east-1", endpoint: range.url });
  // Boot + HealthyThreshold × Interval, then keep the range's clock moving (1 s per 20 ms) so
  // Route 53 changes reach INSYNC while the engines poll.
  for (let t = 0; t < 120_000; t += 10_000) {
    range.tick(10_000);
    await fetch(`${range.url}/_sim/health`);
  }
  ticker = setInterval(() => range.tick(1_000), 20);
  dir = mkdtempSync(join(tmpdir(), "teal-crash-"));
});

afterAll(async () => {
  clearInterval(ticker);
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A store and engine in this process, on the dead worker's database: "the server after a restart". */
async function freshEngine(databaseUrl: string): Promise<{ store: Store; engine: Engine }> {
  const store = await openStore(databaseUrl);
  const engine = createEngine({ store, gateway: createAwsGateway(clients), leaseMs: LEASE_MS, stopWaitMs: 2_000 });
  return { store, engine };
}

/** Runs the scenario's plan in a worker, parks it at `point`, kills it; returns the operation id. */
async function crashAt(scenario: CrashScenario, databaseUrl: string, point: KillPoint): Promise<{ operationId: string; plan: Plan }> {
  const plan = await scenario.plan();
  const worker = startWorker(dir, { databaseUrl, endpoint: range.url, region: "us-east-1", leaseMs: LEASE_MS, plan, actor: operator, reason: "release 42", park: point });
  try {
    const operationId = await worker.operationId;
    await worker.parked;
    return { operationId, plan };
  } finally {
    await worker.kill();
  }
}

/** Polls recovery until the dead worker's lease lapses and its operation becomes interrupted. */
async function recoverAfterLease(engine: Engine, operationId: string): Promise<void> {
  const deadline = Date.now() + 10 * LEASE_MS;
  while (Date.now() < deadline) {
    const recovered = await engine.recoverInterrupted();
    if (recovered.some((o) => o.id === operationId)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`operation ${operationId} was never recovered`);
}

async function auditTrail(store: Store, operationId: string): Promise<string[]> {
  return (await store.listAudit({ operationId, limit: 1000 })).reverse().map((r) => r.action);
}

for (const scenario of SCENARIOS) {
  describe(`crash safety: ${scenario.name}`, () => {
    // Kill points come from the plan the scenario makes from the range's starting state.
    let points: { point: KillPoint; label: string }[] = [];
    beforeAll(async () => {
      const plan = await scenario.plan();
      points = killPointsOf(plan).map((point) => ({ point, label: describeKillPoint(point, plan) }));
      expect(points.length).toBeGreaterThan(0);
    });

    it("covers every step of the plan", async () => {
      const plan = await scenario.plan();
      expect(points.map((p) => p.label)).toEqual(killPointsOf(plan).map((p) => describeKillPoint(p, plan)));
      // dns-weighted shift: check green, then change weights (call + wait) → three kill points.
      if (scenario === dnsWeighted) expect(points).toHaveLength(3);
    });

    it("at every kill point: a fresh engine finds it interrupted, resume finishes it; a second crash is rolled back", { timeout: 600_000 }, async () => {
      for (const { point, label } of points) {
        const databaseUrl = `file:${join(dir, `teal-${point.kind}-${"steps" in point ? point.steps : point.step}.db`)}`;

        // Run 1: crash, recover after the lease lapses, resume.
        const first = await crashAt(scenario, databaseUrl, point);
        const { store, engine } = await freshEngine(databaseUrl);
        try {
          await recoverAfterLease(engine, first.operationId);
          const interrupted = await store.getOperation(first.operationId);
          expect(interrupted?.status, label).toBe("interrupted");
          expect(await store.verifyAudit(), label).toMatchObject({ ok: true });
          const trail = await auditTrail(store, first.operationId);
          expect(trail[0], label).toBe("operation.started");
          expect(trail.at(-1), label).toBe("operation.interrupted");
          const expectedDone = point.kind === "after-steps" ? point.steps : point.step;
          expect(trail.filter((a) => a === "step.succeeded"), label).toHaveLength(expectedDone);

          const resumed = await engine.resume(first.operationId, operator, "carry on after the crash");
          expect(resumed.fromStep, label).toBe(expectedDone);
          await engine.whenIdle(first.operationId);
          const done = await store.getOperation(first.operationId);
          expect(done?.status, `${label}: ${done?.error ?? ""}`).toBe("succeeded");
          expect(done?.steps.every((s) => s.status === "succeeded"), label).toBe(true);
          if (point.kind === "during-wait") {
            // The call had completed before the crash: it was not sent again.
            expect(done?.steps[point.step]?.progress, label).toMatchObject({ calls: 1 });
          }
          await scenario.expectDone(first.plan);
          expect(await store.verifyAudit(), label).toMatchObject({ ok: true });
          expect((await auditTrail(store, first.operationId)).slice(-3), label).toEqual(["step.succeeded", "traffic.shifted", "operation.succeeded"]);
        } finally {
          await store.close();
        }

        // Run 2: crash again, and roll back at once: the dead worker's lease is still live.
        const second = await crashAt(scenario, databaseUrl, point);
        const restarted = await freshEngine(databaseUrl);
        try {
          expect((await restarted.store.getLock(second.plan.appId))?.holder, label).toBe(second.operationId);
          const rollback = await restarted.engine.start({ plan: await scenario.rollbackPlan(), actor: responder, reason: "crash during the shift", preempt: true });
          await restarted.engine.whenIdle(rollback.operationId);
          const rolledBack = await restarted.store.getOperation(rollback.operationId);
          expect(rolledBack?.status, `${label}: ${rolledBack?.error ?? ""}`).toBe("succeeded");
          expect((await restarted.store.getOperation(second.operationId))?.status, label).toBe("preempted");
          await scenario.expectRolledBack();
          // The preempted operation is not picked up later as interrupted, and cannot be resumed.
          await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 200));
          expect((await restarted.engine.recoverInterrupted()).map((o) => o.id), label).toEqual([]);
          await expect(restarted.engine.resume(second.operationId, operator), label).rejects.toMatchObject({ code: "conflict" });
          expect(await restarted.store.verifyAudit(), label).toMatchObject({ ok: true });
          expect(await restarted.store.getLock(second.plan.appId), label).toBeNull();
        } finally {
          await restarted.store.close();
        }
      }
    });
  });
}
