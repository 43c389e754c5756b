import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { InsertQueryNode } from "kysely";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor, AuditEntryInput } from "@/lib/domain/operation";
import type { Step } from "@/lib/domain/plan";
import { openStore, sqlitePathFromUrl, type CreateOperationInput, type Store } from "./store";
import { DIALECTS, openTestStore, rawExec, stopTestCluster, type TestStore } from "@/test/support/store";

const execFileAsync = promisify(execFile);

const alice: Actor = { id: "u-alice", email: "alice@example.com", role: "operator" };

const steps: Step[] = [
  {
    id: "change-weights",
    title: "Set weights blue 75 / green 25",
    call: { service: "route53", operation: "ChangeResourceRecordSets", input: { HostedZoneId: "Z1", ChangeBatch: { Changes: [] } } },
    wait: { kind: "route53-change-insync", timeoutMs: 120_000, pollMs: 2_000 },
  },
  {
    id: "wait-healthy",
    title: "Wait for green to be healthy",
    wait: { kind: "elb-in-service", loadBalancerName: "green-elb", minInService: 2, timeoutMs: 60_000, pollMs: 1_000 },
  },
];

function opInput(overrides: Partial<CreateOperationInput> = {}): CreateOperationInput {
  return {
    appId: "shop",
    pattern: "dns-weighted",
    intent: { kind: "shift", greenPercent: 25 },
    summary: "Shift green from 0 % to 25 %",
    actor: alice,
    reason: "release 42",
    steps,
    ...overrides,
  };
}

function auditInput(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    action: "traffic.shifted",
    actor: alice,
    appId: "shop",
    operationId: "op-1",
    reason: "release 42",
    before: { greenPercent: 0 },
    after: { greenPercent: 25 },
    ...overrides,
  };
}

describe("sqlitePathFromUrl", () => {
  it("accepts file: URLs, file:/// URLs, plain paths and memory", () => {
    expect(sqlitePathFromUrl("file:data/teal.db")).toBe("data/teal.db");
    expect(sqlitePathFromUrl("file:///var/lib/teal/teal.db")).toBe("/var/lib/teal/teal.db");
    expect(sqlitePathFromUrl("data/other.db")).toBe("data/other.db");
    expect(sqlitePathFromUrl(":memory:")).toBe(":memory:");
    expect(sqlitePathFromUrl("file::memory:")).toBe(":memory:");
  });
});

describe("openStore on SQLite", () => {
  it("creates the database file's directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "teal-open-"));
    try {
      const store = await openStore(`file:${join(dir, "nested", "deeper", "teal.db")}`);
      expect(store.dialect).toBe("sqlite");
      await store.close();
      expect(existsSync(join(dir, "nested", "deeper", "teal.db"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

afterAll(async () => {
  await stopTestCluster();
});

describe.each(DIALECTS)("store on %s", (dialect) => {
  let t: TestStore;
  let store: Store;
  let clock: number;

  beforeEach(async () => {
    clock = Date.parse("2025-03-01T10:00:00.000Z");
    t = await openTestStore(dialect, { now: () => clock });
    store = t.store;
  });

  afterEach(async () => {
    await t.cleanup();
  });

  describe("migrations", () => {
    it("reopening a migrated database is a no-op that keeps the data", async () => {
      const op = await store.createOperation(opInput());
      const again = await openStore(t.url);
      try {
        expect(again.dialect).toBe(dialect);
        expect((await again.getOperation(op.id))?.summary).toBe(op.summary);
      } finally {
        await again.close();
      }
    });
  });

  describe("operations journal", () => {
    it("writes an operation and its first audit records in one transaction: a failed audit insert leaves neither", async () => {
      const started = (operationId: string): AuditEntryInput[] => [
        { action: "operation.started", actor: alice, appId: "shop", operationId, reason: "release 42", before: null, after: null },
        { action: "rollback.started", actor: alice, appId: "shop", operationId, reason: "release 42", before: null, after: null },
      ];
      const op = await store.createOperation(opInput({ id: "op-audited", audit: started("op-audited") }));
      expect(op.status).toBe("pending");
      expect((await store.listAudit({ operationId: "op-audited" })).map((r) => r.action).reverse()).toEqual([
        "operation.started",
        "rollback.started",
      ]);

      // A store whose second audit insert fails, on the same database.
      let auditInserts = 0;
      const failing = await openStore(t.url, {
        plugins: [
          {
            transformQuery: (args) => {
              if (InsertQueryNode.is(args.node) && args.node.into?.table.identifier.name === "audit" && ++auditInserts === 2) {
                throw new Error("the database went away");
              }
              return args.node;
            },
            transformResult: async (args) => args.result,
          },
        ],
      });
      try {
        await expect(failing.createOperation(opInput({ id: "op-lost", audit: started("op-lost") }))).rejects.toThrow("the database went away");
      } finally {
        await failing.close();
      }
      expect(await store.getOperation("op-lost")).toBeNull();
      expect(await store.listAudit({ operationId: "op-lost" })).toEqual([]);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 2 });
    });

    it("writes a status change, a step's end and an interruption with their audit records in one transaction: a failed audit insert leaves neither", async () => {
      const record = (action: AuditEntryInput["action"], operationId: string): AuditEntryInput => ({
        action,
        actor: alice,
        appId: "shop",
        operationId,
        reason: "release 42",
        before: null,
        after: null,
      });
      await store.createOperation(opInput({ id: "op-a" }));
      // Written together when the row changes; nothing when the compare-and-set misses.
      expect(
        await store.updateOperation("op-a", { status: "running" }, { ifStatusIn: ["pending"], audit: [record("operation.resumed", "op-a")] }),
      ).toBe(true);
      expect(
        await store.updateOperation("op-a", { status: "aborted" }, { ifStatusIn: ["pending"], audit: [record("operation.aborted", "op-a")] }),
      ).toBe(false);
      await store.updateStep("op-a", 0, { status: "succeeded" }, { audit: [record("step.succeeded", "op-a")] });
      expect((await store.listAudit({ operationId: "op-a" })).map((r) => r.action).reverse()).toEqual(["operation.resumed", "step.succeeded"]);

      // A store whose every audit insert fails, on the same database.
      const failing = await openStore(t.url, {
        plugins: [
          {
            transformQuery: (args) => {
              if (InsertQueryNode.is(args.node) && args.node.into?.table.identifier.name === "audit") throw new Error("the database went away");
              return args.node;
            },
            transformResult: async (args) => args.result,
          },
        ],
      });
      try {
        await expect(
          failing.updateOperation("op-a", { status: "succeeded" }, { ifStatusIn: ["running"], audit: [record("operation.succeeded", "op-a")] }),
        ).rejects.toThrow("the database went away");
        await expect(failing.updateStep("op-a", 1, { status: "succeeded" }, { audit: [record("step.succeeded", "op-a")] })).rejects.toThrow(
          "the database went away",
        );
        await expect(failing.markRunningInterrupted({ audit: (op) => record("operation.interrupted", op.id) })).rejects.toThrow(
          "the database went away",
        );
      } finally {
        await failing.close();
      }
      const after = await store.getOperation("op-a");
      expect(after?.status).toBe("running");
      expect(after?.steps.map((s) => s.status)).toEqual(["succeeded", "pending"]);
      expect((await store.listAudit({ operationId: "op-a" })).map((r) => r.action).reverse()).toEqual(["operation.resumed", "step.succeeded"]);

      // The interruption and its record, together, with the operation's steps as they were.
      const interrupted = await store.markRunningInterrupted({
        audit: (op) => ({
          ...record("operation.interrupted", op.id),
          after: { stepsSucceeded: op.steps.filter((s) => s.status === "succeeded").length },
        }),
      });
      expect(interrupted.map((o) => o.id)).toEqual(["op-a"]);
      const trail = await store.listAudit({ operationId: "op-a" });
      expect(trail[0]).toMatchObject({ action: "operation.interrupted", after: { stepsSucceeded: 1 } });
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 3 });
    });

    it("creates an operation with all its steps pending and reads it back", async () => {
      const op = await store.createOperation(opInput({ id: "op-fixed" }));
      expect(op).toMatchObject({
        id: "op-fixed",
        appId: "shop",
        pattern: "dns-weighted",
        intent: { kind: "shift", greenPercent: 25 },
        status: "pending",
        actor: alice,
        reason: "release 42",
        createdAt: "2025-03-01T10:00:00.000Z",
        startedAt: null,
        finishedAt: null,
        error: null,
      });
      expect(op.steps).toHaveLength(2);
      expect(op.steps[0]).toEqual({
        index: 0,
        id: "change-weights",
        title: "Set weights blue 75 / green 25",
        call: steps[0]?.call,
        wait: steps[0]?.wait,
        status: "pending",
        startedAt: null,
        finishedAt: null,
        output: null,
        error: null,
      });
      expect(op.steps[1]?.call).toBeUndefined();
      expect(await store.getOperation("op-fixed")).toEqual(op);
      expect(await store.getOperation("nope")).toBeNull();
    });

    it("writes the operation and its steps atomically", async () => {
      const duplicateSteps: Step[] = [
        { id: "a", title: "A" },
        { id: "b", title: "B" },
      ];
      await store.createOperation(opInput({ id: "dup" }));
      // A second insert with the same id fails as a whole: no extra steps appear.
      await expect(store.createOperation(opInput({ id: "dup", steps: duplicateSteps }))).rejects.toThrow();
      const op = await store.getOperation("dup");
      expect(op?.steps.map((s) => s.id)).toEqual(["change-weights", "wait-healthy"]);
    });

    it("updates status, timestamps, error and steps", async () => {
      const op = await store.createOperation(opInput());
      expect(await store.updateOperation(op.id, { status: "running", startedAt: "2025-03-01T10:00:01.000Z" })).toBe(true);
      await store.updateStep(op.id, 0, { status: "running", startedAt: "2025-03-01T10:00:01.000Z" });
      await store.updateStep(op.id, 0, { output: { ChangeInfo: { Id: "/change/C1", Status: "PENDING" } } });
      await store.updateStep(op.id, 0, { status: "failed", finishedAt: "2025-03-01T10:00:09.000Z", error: "Throttled" });
      await store.updateOperation(op.id, { status: "failed", finishedAt: "2025-03-01T10:00:09.000Z", error: "Throttled" });
      const read = await store.getOperation(op.id);
      expect(read).toMatchObject({
        status: "failed",
        startedAt: "2025-03-01T10:00:01.000Z",
        finishedAt: "2025-03-01T10:00:09.000Z",
        error: "Throttled",
      });
      expect(read?.steps[0]).toMatchObject({
        status: "failed",
        startedAt: "2025-03-01T10:00:01.000Z",
        finishedAt: "2025-03-01T10:00:09.000Z",
        output: { ChangeInfo: { Id: "/change/C1", Status: "PENDING" } },
        error: "Throttled",
      });
      expect(read?.steps[1]?.status).toBe("pending");
      await expect(store.updateStep(op.id, 7, { status: "running" })).rejects.toMatchObject({ code: "not_found" });
    });

    it("updates conditionally on the current status (compare-and-set)", async () => {
      const op = await store.createOperation(opInput());
      await store.updateOperation(op.id, { status: "running" });
      expect(await store.updateOperation(op.id, { status: "aborted" }, { ifStatusIn: ["pending"] })).toBe(false);
      expect(await store.updateOperation(op.id, { status: "preempted" }, { ifStatusIn: ["running", "pending"] })).toBe(true);
      expect(await store.updateOperation(op.id, { status: "succeeded" }, { ifStatusIn: ["running"] })).toBe(false);
      expect((await store.getOperation(op.id))?.status).toBe("preempted");
      expect(await store.getOperationStatus(op.id)).toBe("preempted");
      expect(await store.getOperationStatus("missing")).toBeNull();
      expect(await store.updateOperation("missing", { status: "failed" })).toBe(false);
    });

    it("lists newest first, filtered by application and status, limited", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        clock += 1_000;
        const op = await store.createOperation(opInput({ appId: i % 2 === 0 ? "shop" : "blog", summary: `op ${i}` }));
        ids.push(op.id);
      }
      await store.updateOperation(ids[4] ?? "", { status: "running" });
      const all = await store.listOperations();
      expect(all.map((o) => o.summary)).toEqual(["op 4", "op 3", "op 2", "op 1", "op 0"]);
      expect(all[0]?.steps).toHaveLength(2);
      expect((await store.listOperations({ appId: "shop" })).map((o) => o.summary)).toEqual(["op 4", "op 2", "op 0"]);
      expect((await store.listOperations({ appId: "shop", status: "pending" })).map((o) => o.summary)).toEqual(["op 2", "op 0"]);
      expect((await store.listOperations({ status: ["running", "failed"] })).map((o) => o.summary)).toEqual(["op 4"]);
      expect((await store.listOperations({ limit: 2 })).map((o) => o.summary)).toEqual(["op 4", "op 3"]);
      expect(await store.listOperations({ status: [] })).toEqual([]);
    });

    it("marks running and pending operations interrupted at start-up", async () => {
      const running = await store.createOperation(opInput({ summary: "running" }));
      await store.updateOperation(running.id, { status: "running" });
      await store.updateStep(running.id, 0, { status: "running", output: { ChangeInfo: { Id: "/change/C9" } } });
      const pending = await store.createOperation(opInput({ appId: "blog", summary: "pending" }));
      const done = await store.createOperation(opInput({ appId: "api", summary: "done" }));
      await store.updateOperation(done.id, { status: "succeeded" });

      const interrupted = await store.markRunningInterrupted();
      expect(interrupted.map((o) => o.id).sort()).toEqual([running.id, pending.id].sort());
      expect(interrupted.every((o) => o.status === "interrupted")).toBe(true);
      const read = await store.getOperation(running.id);
      expect(read?.status).toBe("interrupted");
      expect(read?.error).toMatch(/stopped/);
      // The journal keeps what a resume needs: which step was in flight and its output.
      expect(read?.steps[0]).toMatchObject({ status: "running", output: { ChangeInfo: { Id: "/change/C9" } } });
      expect((await store.getOperation(done.id))?.status).toBe("succeeded");
      expect(await store.markRunningInterrupted()).toEqual([]);
    });

    it("leaves operations with a live lock lease alone when asked (another server runs them)", async () => {
      const now = Date.parse("2025-03-01T10:00:00.000Z");
      const live = await store.createOperation(opInput({ appId: "shop" }));
      const dead = await store.createOperation(opInput({ appId: "blog" }));
      await store.updateOperation(live.id, { status: "running" });
      await store.updateOperation(dead.id, { status: "running" });
      expect(await store.tryAcquireLock("shop", live.id, 30_000, now)).toBe(true);
      expect(await store.tryAcquireLock("blog", dead.id, 30_000, now - 60_000)).toBe(true);

      const interrupted = await store.markRunningInterrupted({ nowMs: now });
      expect(interrupted.map((o) => o.id)).toEqual([dead.id]);
      expect((await store.getOperation(live.id))?.status).toBe("running");
    });
  });

  describe("locks", () => {
    const t0 = Date.parse("2025-03-01T10:00:00.000Z");

    it("grants a free lock, refuses a held one, and hands it over after the lease expires", async () => {
      expect(await store.getLock("shop")).toBeNull();
      expect(await store.tryAcquireLock("shop", "op-a", 30_000, t0)).toBe(true);
      expect(await store.getLock("shop")).toEqual({
        appId: "shop",
        holder: "op-a",
        acquiredAt: "2025-03-01T10:00:00.000Z",
        leaseExpiresAt: "2025-03-01T10:00:30.000Z",
      });
      expect(await store.tryAcquireLock("shop", "op-b", 30_000, t0 + 29_999)).toBe(false);
      expect((await store.getLock("shop"))?.holder).toBe("op-a");
      // The holder may re-acquire (idempotent).
      expect(await store.tryAcquireLock("shop", "op-a", 30_000, t0 + 1_000)).toBe(true);
      // Another application's lock is independent.
      expect(await store.tryAcquireLock("blog", "op-b", 30_000, t0)).toBe(true);
      // Lease (renewed to t0 + 31 s) expired: op-b takes over.
      expect(await store.tryAcquireLock("shop", "op-b", 30_000, t0 + 31_000)).toBe(true);
      expect((await store.getLock("shop"))?.holder).toBe("op-b");
    });

    it("replaces a named holder for preemption, and only that holder", async () => {
      await store.tryAcquireLock("shop", "op-a", 30_000, t0);
      expect(await store.tryAcquireLock("shop", "op-r", 30_000, t0 + 1, { replaceHolder: "op-x" })).toBe(false);
      expect(await store.tryAcquireLock("shop", "op-r", 30_000, t0 + 1, { replaceHolder: "op-a" })).toBe(true);
      expect((await store.getLock("shop"))?.holder).toBe("op-r");
    });

    it("renews and releases only for the holder", async () => {
      await store.tryAcquireLock("shop", "op-a", 30_000, t0);
      expect(await store.renewLock("shop", "op-b", 30_000, t0 + 10_000)).toBe(false);
      expect(await store.renewLock("shop", "op-a", 30_000, t0 + 10_000)).toBe(true);
      expect((await store.getLock("shop"))?.leaseExpiresAt).toBe("2025-03-01T10:00:40.000Z");
      expect(await store.tryAcquireLock("shop", "op-b", 30_000, t0 + 35_000)).toBe(false);
      expect(await store.releaseLock("shop", "op-b")).toBe(false);
      expect(await store.releaseLock("shop", "op-a")).toBe(true);
      expect(await store.getLock("shop")).toBeNull();
      expect(await store.renewLock("shop", "op-a", 30_000, t0)).toBe(false);
      expect(await store.tryAcquireLock("shop", "op-b", 30_000, t0 + 36_000)).toBe(true);
    });

    it("gives the lock to exactly one of 20 concurrent callers", async () => {
      const other = await openStore(t.url);
      try {
        const attempts = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : other).tryAcquireLock("shop", `op-${i}`, 30_000, t0));
        const results = await Promise.all(attempts);
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect((await store.getLock("shop"))?.holder).toBe(`op-${winner}`);
      } finally {
        await other.close();
      }
    });

    it("gives an expired lock to exactly one of 20 concurrent callers", async () => {
      await store.tryAcquireLock("shop", "op-old", 1_000, t0);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.tryAcquireLock("shop", `op-${i}`, 30_000, t0 + 5_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.getLock("shop"))?.holder).toBe(`op-${results.indexOf(true)}`);
    });
  });

  describe("audit log", () => {
    it("appends hash-chained records and lists them newest first", async () => {
      const first = await store.appendAudit(auditInput({ action: "operation.started" }));
      clock += 500;
      const second = await store.appendAudit(auditInput({ action: "traffic.shifted", appId: "blog", operationId: "op-2" }));
      const third = await store.appendAudit(
        auditInput({ action: "auth.signed_in", actor: null, appId: null, operationId: null, reason: null, before: null, after: null }),
      );

      expect(first).toMatchObject({ seq: 1, at: "2025-03-01T10:00:00.000Z", prevHash: "0".repeat(64), action: "operation.started", actor: alice });
      expect(second).toMatchObject({ seq: 2, at: "2025-03-01T10:00:00.500Z", prevHash: first.hash });
      expect(third).toMatchObject({ seq: 3, prevHash: second.hash, actor: null, before: null });
      expect(new Set([first.hash, second.hash, third.hash]).size).toBe(3);

      expect(await store.listAudit()).toEqual([third, second, first]);
      expect(await store.listAudit({ appId: "blog" })).toEqual([second]);
      expect(await store.listAudit({ operationId: "op-1" })).toEqual([first]);
      expect(await store.listAudit({ action: ["operation.started", "auth.signed_in"] })).toEqual([third, first]);
      expect(await store.listAudit({ beforeSeq: 3, limit: 1 })).toEqual([second]);
      expect(await store.verifyAudit()).toEqual({ ok: true, count: 3 });
    });

    it("verifies an empty log", async () => {
      expect(await store.verifyAudit()).toEqual({ ok: true, count: 0 });
    });

    it("keeps JSON values exactly, whatever the key order", async () => {
      const record = await store.appendAudit(auditInput({ before: { z: 1, a: [1, "two", { y: null, x: true }] }, after: 3.5 }));
      const [read] = await store.listAudit();
      expect(read).toEqual(record);
      expect(read?.before).toEqual({ a: [1, "two", { x: true, y: null }], z: 1 });
      expect(read?.after).toBe(3.5);
    });

    it("detects an edited row", async () => {
      for (let i = 0; i < 4; i++) await store.appendAudit(auditInput({ reason: `r${i}` }));
      await rawExec(dialect, t.url, "UPDATE audit SET reason = 'nothing to see' WHERE seq = 2");
      const result = await store.verifyAudit();
      expect(result).toMatchObject({ ok: false, brokenAtSeq: 2 });
      expect(result.ok ? "" : result.problem).toMatch(/modified/);
    });

    it("detects a deleted row in the middle", async () => {
      for (let i = 0; i < 4; i++) await store.appendAudit(auditInput({ reason: `r${i}` }));
      await rawExec(dialect, t.url, "DELETE FROM audit WHERE seq = 3");
      const result = await store.verifyAudit();
      expect(result).toMatchObject({ ok: false, brokenAtSeq: 3 });
      expect(result.ok ? "" : result.problem).toMatch(/missing/);
    });

    it("detects a deleted last row", async () => {
      for (let i = 0; i < 3; i++) await store.appendAudit(auditInput({ reason: `r${i}` }));
      await rawExec(dialect, t.url, "DELETE FROM audit WHERE seq = 3");
      expect(await store.verifyAudit()).toMatchObject({ ok: false, brokenAtSeq: 3 });
    });

    it("detects a row re-hashed without relinking the rest", async () => {
      for (let i = 0; i < 3; i++) await store.appendAudit(auditInput({ reason: `r${i}` }));
      await rawExec(dialect, t.url, `UPDATE audit SET hash = '${"f".repeat(64)}' WHERE seq = 1`);
      expect(await store.verifyAudit()).toMatchObject({ ok: false, brokenAtSeq: 1 });
    });

    it("keeps one chain under 50 concurrent appends", async () => {
      // PostgreSQL: two pools, as two servers would. SQLite: one connection per process (a second
      // connection in the same process would block the event loop on the file lock).
      const other = dialect === "postgres" ? await openStore(t.url) : store;
      try {
        const appends = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? store : other).appendAudit(auditInput({ reason: `append ${i}` })));
        const records = await Promise.all(appends);
        expect(new Set(records.map((r) => r.seq))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => i + 1)));
        expect(await store.verifyAudit()).toEqual({ ok: true, count: 50 });
        const bySeq = [...records].sort((a, b) => a.seq - b.seq);
        bySeq.forEach((r, i) => expect(r.prevHash).toBe(i === 0 ? "0".repeat(64) : bySeq[i - 1]?.hash));
      } finally {
        if (other !== store) await other.close();
      }
    });

    it("keeps one chain when several processes append at once", async () => {
      const child = (label: string) =>
        execFileAsync(process.execPath, [
          "--import",
          "tsx",
          fileURLToPath(new URL("./fixtures/append-audit.ts", import.meta.url)),
          t.url,
          "20",
          label,
        ]);
      const own = Array.from({ length: 20 }, (_, i) => store.appendAudit(auditInput({ reason: `parent ${i}` })));
      await Promise.all([child("a"), child("b"), ...own]);
      expect(await store.verifyAudit()).toEqual({ ok: true, count: 60 });
      const reasons = (await store.listAudit({ limit: 100 })).map((r) => r.reason ?? "");
      expect(reasons.filter((r) => r.startsWith("a ")).length).toBe(20);
      expect(reasons.filter((r) => r.startsWith("b ")).length).toBe(20);
    });

    it("verifies chains longer than one page", async () => {
      for (let i = 0; i < 520; i++) await store.appendAudit(auditInput({ reason: `r${i}` }));
      expect(await store.verifyAudit()).toEqual({ ok: true, count: 520 });
      await rawExec(dialect, t.url, "UPDATE audit SET after = '{\"greenPercent\":99}' WHERE seq = 510");
      expect(await store.verifyAudit()).toMatchObject({ ok: false, brokenAtSeq: 510 });
    });
  });
});
