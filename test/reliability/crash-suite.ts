/**
 * The crash suite of one pattern (tests only): one practice range on a manual clock with the demo
 * world, one SQLite database, one bundled worker. For every kill point of the scenario's plan the
 * worker runs the plan and SIGKILLs itself there, twice:
 *   1. a fresh engine on the same database finds the operation interrupted once the dead lease
 *      lapses, with the audit chain intact and every record written before the crash present;
 *      resume finishes it to the planned state; a rollback brings blue back (the next case starts
 *      from the same state);
 *   2. a rollback started at once takes over the dead process's still-live lease, preempts the
 *      operation and brings blue back; nothing is left locked or resumable.
 */
import { changeAuditAction } from "@/lib/domain/audit-actions";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "@/lib/domain/operation";
import type { AwsGateway } from "@/lib/domain/gateway";
import type { Plan } from "@/lib/domain/plan";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import { seedDemoWorld } from "@/range/demo/seed";
import type { SimConfig } from "@/range/world/state";
import { startTestRange, type TestRange } from "@/test/support/range";
import { openStore, type Store } from "@/lib/store/store";
import { createEngine, type Engine } from "@/lib/engine/engine";
import {
  bundleWorker,
  describeKillPoint,
  killPointsOf,
  runWorkerUntilKilled,
  stepsDoneAt,
  type CrashScenario,
  type KillPoint,
} from "@/test/support/engine/crash-harness";

export const CRASH_LEASE_MS = 60_000;
const operator: Actor = { id: "u-op", email: "operator@example.com", role: "operator" };
const responder: Actor = { id: "u-resp", email: "responder@example.com", role: "responder" };

export interface CrashSuiteContext {
  range: TestRange;
  clients: AwsClients;
}

export interface CrashSuiteOptions {
  /** The practice range's configuration for this pattern. */
  rangeConfig?: Partial<SimConfig>;
  /** Range time to let the demo world settle (boots, health checks, steady services). */
  settleMs: number;
  /** The plan's step ids (a guard that the scenario covers the plan it means to). */
  expectedSteps: string[];
  scenario(ctx: CrashSuiteContext): CrashScenario;
}

/** Moves the range's clock in 10 s steps, letting the world follow each one. */
export async function advanceRange(range: TestRange, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10_000) {
    range.tick(Math.min(10_000, ms - t));
    await fetch(`${range.url}/_sim/health`);
  }
}

/**
 * A practice range on a manual clock with the demo world seeded through the API and settled for
 * `settleMs` of range time, and SDK clients for it with the product's settings (standard retries).
 * `seed` seeds the range's ids and fault dice (startTestRange's default when absent).
 */
export async function startDemoRange(rangeConfig: Partial<SimConfig>, settleMs: number, seed?: string): Promise<CrashSuiteContext> {
  const range = await startTestRange(rangeConfig, undefined, seed);
  try {
    await seedDemoWorld(range.url);
    const clients = createClients({ region: "us-east-1", endpoint: range.url });
    await advanceRange(range, settleMs);
    return { range, clients };
  } catch (err) {
    await range.close();
    throw err;
  }
}

/** An engine on `store` running on the range's clock: its pauses move that clock instead of waiting. */
export function createRangeEngine(range: TestRange, store: Store, gateway: AwsGateway): Engine {
  return createEngine({
    store,
    gateway,
    leaseMs: CRASH_LEASE_MS,
    stopWaitMs: 2_000,
    now: () => range.nowMs(),
    sleep: async (ms) => {
      range.tick(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
}

async function auditTrail(store: Store, operationId: string): Promise<string[]> {
  return (await store.listAudit({ operationId, limit: 1000 })).reverse().map((r) => r.action);
}

/** Registers the crash suite of one pattern with vitest; returns the number of (pattern, kill point) cases run. */
export function defineCrashSuite(name: string, options: CrashSuiteOptions): void {
  let range: TestRange;
  let clients: AwsClients;
  let dir: string;
  let bundle: string;
  let databaseUrl: string;
  let scenario: CrashScenario;

  beforeAll(async () => {
    // The product's client settings (the SDK's standard retries), as the restarted server has them.
    const [started, built] = await Promise.all([
      startDemoRange(options.rangeConfig ?? {}, options.settleMs),
      bundleWorker(join(process.cwd(), "node_modules", ".cache", "teal-crash")),
    ]);
    ({ range, clients } = started);
    bundle = built;
    dir = mkdtempSync(join(tmpdir(), "teal-crash-"));
    databaseUrl = `file:${join(dir, "teal.db")}`;
    scenario = options.scenario({ range, clients });
  }, 120_000);

  afterAll(async () => {
    await range?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** "The server after a restart": a store and engine in this process on the dead worker's database, on the range's clock. */
  async function freshEngine(): Promise<{ store: Store; engine: Engine }> {
    const store = await openStore(databaseUrl);
    return { store, engine: createRangeEngine(range, store, createAwsGateway(clients)) };
  }

  async function crash(plan: Plan, kill: KillPoint): Promise<string> {
    return runWorkerUntilKilled(bundle, dir, {
      databaseUrl,
      endpoint: range.url,
      region: "us-east-1",
      leaseMs: CRASH_LEASE_MS,
      plan,
      actor: operator,
      reason: "release 42",
      kill,
    });
  }

  async function rollBack(engine: Engine, store: Store, appId: string, label: string): Promise<string> {
    // The operation holding the lock is the one a rollback preempts (the latest by creation time
    // can tie with an older one on the hand-driven clock); without a lock, the latest.
    const lock = await store.getLock(appId);
    const latest = lock ? await store.getOperation(lock.holder) : (await store.listOperations({ appId, limit: 1 }))[0];
    const rollback = await engine.start({
      plan: await scenario.rollbackPlan(latest ?? null),
      actor: responder,
      reason: "back to blue",
      preempt: true,
    });
    await engine.whenIdle(rollback.operationId);
    const op = await store.getOperation(rollback.operationId);
    expect(op?.status, `${label}: rollback ${op?.error ?? ""}`).toBe("succeeded");
    await scenario.expectRolledBack();
    return rollback.operationId;
  }

  describe(`crash safety: ${name}`, () => {
    it("plans the operation the suite covers", async () => {
      const plan = await scenario.plan();
      expect(plan.steps.map((s) => s.id)).toEqual(options.expectedSteps);
    });

    it(
      "at every kill point: interrupted with its audit intact, resume finishes it, a rollback over the dead lease brings blue back",
      { timeout: 900_000 },
      async () => {
        const reference = await scenario.plan();
        const points = killPointsOf(reference);
        for (const point of points) {
          const label = `${name}, ${describeKillPoint(point, reference)}`;
          const done = stepsDoneAt(point);

          // Path 1: crash, restart, recover once the lease has lapsed, resume, then back to blue.
          const plan = await scenario.plan();
          expect(
            plan.steps.map((s) => s.id),
            `${label}: the case starts from blue`,
          ).toEqual(options.expectedSteps);
          const operationId = await crash(plan, point);
          const first = await freshEngine();
          try {
            range.tick(CRASH_LEASE_MS + 1);
            expect(
              (await first.engine.recoverInterrupted()).map((o) => o.id),
              label,
            ).toEqual([operationId]);
            const interrupted = await first.store.getOperation(operationId);
            expect(interrupted?.status, label).toBe("interrupted");
            expect(
              interrupted?.steps.filter((s) => s.status === "succeeded"),
              label,
            ).toHaveLength(done);
            expect(await first.store.verifyAudit(), label).toMatchObject({ ok: true });
            const trail = await auditTrail(first.store, operationId);
            expect(trail[0], label).toBe("operation.started");
            expect(
              trail.filter((a) => a === "step.succeeded"),
              label,
            ).toHaveLength(done);
            expect(trail.at(-1), label).toBe("operation.interrupted");

            const resumed = await first.engine.resume(operationId, operator, "carry on after the crash");
            expect(resumed.fromStep, label).toBe(done);
            await first.engine.whenIdle(operationId);
            const finished = await first.store.getOperation(operationId);
            expect(finished?.status, `${label}: ${finished?.error ?? ""}`).toBe("succeeded");
            expect(
              finished?.steps.every((s) => s.status === "succeeded"),
              label,
            ).toBe(true);
            if (point.kind === "after-call") {
              // The call completed before the crash: it was not sent again.
              expect(finished?.steps[point.step]?.progress, label).toMatchObject({ calls: 1 });
            }
            await scenario.expectDone(plan);
            expect(await first.store.verifyAudit(), label).toMatchObject({ ok: true });
            expect((await auditTrail(first.store, operationId)).slice(-2), label).toEqual([
              changeAuditAction(plan.intent.kind),
              "operation.succeeded",
            ]);
            await rollBack(first.engine, first.store, plan.appId, label);
            expect(await first.store.getLock(plan.appId), label).toBeNull();
          } finally {
            await first.store.close();
          }

          // Path 2: crash again and roll back at once, over the dead process's still-live lease.
          const again = await scenario.plan();
          const secondId = await crash(again, point);
          const second = await freshEngine();
          try {
            expect((await second.store.getLock(again.appId))?.holder, label).toBe(secondId);
            await rollBack(second.engine, second.store, again.appId, label);
            expect((await second.store.getOperation(secondId))?.status, label).toBe("preempted");
            // Nothing is picked up later as interrupted, nothing can be resumed, nothing stays locked.
            range.tick(CRASH_LEASE_MS + 1);
            expect(await second.engine.recoverInterrupted(), label).toEqual([]);
            await expect(second.engine.resume(secondId, operator), label).rejects.toMatchObject({ code: "conflict" });
            expect(await second.store.verifyAudit(), label).toMatchObject({ ok: true });
            const trail = await auditTrail(second.store, secondId);
            expect(trail[0], label).toBe("operation.started");
            expect(
              trail.filter((a) => a === "step.succeeded"),
              label,
            ).toHaveLength(done);
            expect(trail.at(-1), label).toBe("operation.preempted");
            expect(await second.store.getLock(again.appId), label).toBeNull();
          } finally {
            await second.store.close();
          }
        }
        console.info(`[crash] ${name}: ${points.length} kill points × 2 paths`);
      },
    );
  });
}
