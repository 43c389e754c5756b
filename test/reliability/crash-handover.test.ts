/**
 * A real server death, handed over: the bundled engine worker (the product's default lease and
 * heartbeat) shifts the demo shop on the practice range and SIGKILLs itself right after its Route 53
 * change was journaled, the change's wait still to come. The other server (an engine and the
 * recovery loop of the product, in this process, on the same database) reports the operation
 * `interrupted` within 20 s of the death, with the change's step in flight, and can roll back.
 * Time is the range's hand-driven clock, so the test takes seconds, not the 20 s it measures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "@/lib/domain/operation";
import { createAwsGateway } from "@/lib/aws/gateway";
import { openStore } from "@/lib/store/store";
import { createEngine, DEFAULT_LEASE_MS } from "@/lib/engine/engine";
import { RECOVERY_INTERVAL_MS, startRecoveryLoop } from "@/lib/engine/recovery";
import { bundleWorker, runWorkerUntilKilled } from "@/test/support/engine/crash-harness";
import { HandClock } from "@/test/support/engine/hand-clock";
import { startDemoRange, type CrashSuiteContext } from "./crash-suite";
import { DNS_WEIGHTED_CRASH } from "./crash-scenarios";

const operator: Actor = { id: "u-op", email: "operator@example.com", role: "operator" };
const responder: Actor = { id: "u-resp", email: "responder@example.com", role: "responder" };
const HANDOVER_GOAL_MS = 20_000;

describe("a SIGKILLed server's operation is handed over", () => {
  let ctx: CrashSuiteContext;
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    const [started, built] = await Promise.all([
      startDemoRange(DNS_WEIGHTED_CRASH.rangeConfig ?? {}, DNS_WEIGHTED_CRASH.settleMs),
      bundleWorker(join(process.cwd(), "node_modules", ".cache", "teal-crash")),
    ]);
    ctx = started;
    bundle = built;
    dir = mkdtempSync(join(tmpdir(), "teal-handover-"));
  }, 120_000);

  afterAll(async () => {
    await ctx?.range.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the other server reports it interrupted within 20 s of the kill, then rolls back", { timeout: 60_000 }, async () => {
    const { range, clients } = ctx;
    const scenario = DNS_WEIGHTED_CRASH.scenario(ctx);
    const plan = await scenario.plan();
    const databaseUrl = `file:${join(dir, "teal.db")}`;
    const operationId = await runWorkerUntilKilled(bundle, dir, {
      databaseUrl,
      endpoint: range.url,
      region: "us-east-1",
      plan,
      actor: operator,
      reason: "release 42",
      kill: { kind: "after-call", step: plan.steps.findIndex((s) => s.id === "change-weights") },
    });
    const diedAt = range.nowMs();

    const clock = new HandClock(range.nowMs, (ms) => range.tick(ms - range.nowMs()));
    const store = await openStore(databaseUrl);
    try {
      const engine = createEngine({
        store,
        gateway: createAwsGateway(clients),
        now: clock.now,
        sleep: clock.sleep,
        every: clock.every,
        stopWaitMs: 2_000,
      });
      let reportedAt: number | null = null;
      const stop = startRecoveryLoop(engine, {
        every: clock.every,
        onRecovered: (ops) => {
          if (ops.some((o) => o.id === operationId)) reportedAt ??= clock.now();
        },
      });
      expect(await store.getOperationStatus(operationId)).toBe("running");
      expect((await store.getLock(plan.appId))?.holder).toBe(operationId);
      for (let elapsed = 0; elapsed < 120_000 && reportedAt === null; elapsed += 250) await clock.advance(250);
      stop();

      const after = reportedAt === null ? null : reportedAt - diedAt;
      expect(
        after,
        `interrupted ${after === null ? "never" : `after ${after} ms`} (lease ${DEFAULT_LEASE_MS} ms, recovery every ${RECOVERY_INTERVAL_MS} ms)`,
      ).not.toBeNull();
      expect(after).toBeLessThanOrEqual(HANDOVER_GOAL_MS);
      console.info(`[handover] a SIGKILLed worker's operation was reported interrupted ${after} ms after its death`);
      const op = await store.getOperation(operationId);
      expect(op?.status).toBe("interrupted");
      expect(op?.steps.find((s) => s.id === "change-weights")?.status).toBe("running");
      expect(await store.getLock(plan.appId)).toBeNull();
      expect(await store.verifyAudit()).toMatchObject({ ok: true });

      // The application is free: a rollback from the other server brings blue back.
      const rollback = await engine.start({ plan: await scenario.rollbackPlan(op), actor: responder, reason: "back to blue", preempt: true });
      let finished = false;
      const idle = engine.whenIdle(rollback.operationId).then(() => {
        finished = true;
      });
      for (let i = 0; i < 2_000 && !finished; i++) await clock.advance(1_000);
      await idle;
      expect((await store.getOperation(rollback.operationId))?.status).toBe("succeeded");
      await scenario.expectRolledBack();
    } finally {
      await store.close();
    }
  });
});
