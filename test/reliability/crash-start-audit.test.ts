/**
 * A start writes its operation and the operation's first audit records in one transaction. The
 * bundled engine worker starts an operation and SIGKILLs itself at the start's two kill points:
 * inside that write (after the `operation.started` insert, before the commit) and right after it.
 * Afterwards, on SQLite and PostgreSQL, the operation and its started records exist together or
 * not at all: no operation the audit log never saw start, no started record of an operation that
 * does not exist, and the chains verify.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "@/lib/domain/operation";
import type { AuditAction } from "@/lib/domain/audit-actions";
import type { Plan } from "@/lib/domain/plan";
import { startTestRange, type TestRange } from "@/test/support/range";
import { DIALECTS, openTestStore, stopTestCluster } from "@/test/support/store";
import { bundleWorker, describeKillPoint, runWorkerUntilDead, type KillPoint } from "@/test/support/engine/crash-harness";
import { rollbackToBluePlan } from "@/test/support/engine/plans";

const operator: Actor = { id: "u-op", email: "operator@example.com", role: "operator" };

function shiftPlan(): Plan {
  return {
    appId: "shop",
    pattern: "dns-weighted",
    intent: { kind: "shift", greenPercent: 25 },
    summary: "Shift green from 0 % to 25 %",
    before: { greenPercent: 0 },
    after: { greenPercent: 25 },
    steps: [
      {
        id: "change-weights",
        title: "Set weights blue 75 / green 25",
        call: { service: "route53", operation: "ChangeResourceRecordSets", input: { HostedZoneId: "Z1", Comment: "shift" } },
        wait: { kind: "route53-change-insync", timeoutMs: 120_000, pollMs: 2_000 },
      },
    ],
  };
}

/** The records a start writes for each kind of plan. */
function startedActions(plan: Plan): AuditAction[] {
  return plan.intent.kind === "rollback" ? ["operation.started", "rollback.started"] : ["operation.started"];
}

const POINTS: { point: KillPoint; operationLeft: boolean }[] = [
  { point: { kind: "start-uncommitted" }, operationLeft: false },
  { point: { kind: "after-start" }, operationLeft: true },
];

describe("a kill while a start is journaled loses no audit record", () => {
  let range: TestRange;
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    [range, bundle] = await Promise.all([startTestRange(), bundleWorker(join(process.cwd(), "node_modules", ".cache", "teal-crash"))]);
    dir = mkdtempSync(join(tmpdir(), "teal-start-audit-"));
  }, 120_000);

  afterAll(async () => {
    await range?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await stopTestCluster();
  });

  describe.each(DIALECTS)("on %s", (dialect) => {
    it.each(POINTS.flatMap(({ point, operationLeft }) => [shiftPlan(), rollbackToBluePlan()].map((plan) => ({ point, operationLeft, plan }))))(
      "$point.kind, $plan.intent.kind: the operation and its started records exist together or not at all",
      { timeout: 120_000 },
      async ({ point, operationLeft, plan }) => {
        const label = `${dialect}, ${plan.intent.kind}, ${describeKillPoint(point, plan)}`;
        const t = await openTestStore(dialect);
        try {
          const said = await runWorkerUntilDead(bundle, dir, {
            databaseUrl: t.url,
            endpoint: range.url,
            region: "us-east-1",
            plan,
            actor: operator,
            reason: "release 42",
            kill: point,
          });

          const operations = await t.store.listOperations({ appId: plan.appId });
          const records = (await t.store.listAudit({ limit: 1000 })).reverse();
          // Every operation has its started records, and every started record its operation.
          for (const op of operations) {
            expect(
              records.filter((r) => r.operationId === op.id).map((r) => r.action),
              `${label}: operation ${op.id} (${op.status}) without its started records`,
            ).toEqual(startedActions(plan));
          }
          const known = new Set(operations.map((o) => o.id));
          const orphans = records.filter((r) => r.operationId !== null && !known.has(r.operationId));
          expect(orphans, `${label}: audit records of an operation that is not in the journal`).toEqual([]);

          if (operationLeft) {
            expect(said, label).not.toBeNull();
            expect(
              operations.map((o) => ({ id: o.id, status: o.status })),
              label,
            ).toEqual([{ id: said, status: "pending" }]);
            expect((await t.store.getLock(plan.appId))?.holder, label).toBe(said);
          } else {
            expect(said, `${label}: the start's write returned before the kill`).toBeNull();
            expect(operations, label).toEqual([]);
            expect(records, label).toEqual([]);
          }
          expect(await t.store.verifyAudit(), label).toMatchObject({ ok: true });
        } finally {
          await t.cleanup();
        }
      },
    );
  });
});
