import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/domain/operation";
import type { Step } from "@/lib/domain/plan";
import type { Store } from "./store";
import { DIALECTS, openTestStore, rawExec, stopTestCluster, type TestStore } from "@/test/support/store";

const KEY = "test-audit-key-0123456789abcdef-0123456789";
const alice: Actor = { id: "u-alice", email: "alice@example.com", role: "operator" };
const steps: Step[] = [
  {
    id: "change-weights",
    title: "Set weights blue 100 / green 0",
    call: { service: "route53", operation: "ChangeResourceRecordSets", input: { HostedZoneId: "Z1" } },
  },
];

afterAll(async () => {
  await stopTestCluster();
});

describe.each(DIALECTS)("the moment traffic settled, journaled on %s", (dialect) => {
  let t: TestStore;
  let store: Store;

  beforeEach(async () => {
    t = await openTestStore(dialect, { auditKey: Buffer.from(KEY), headSink: null });
    store = t.store;
  });

  afterEach(async () => {
    await t.cleanup();
  });

  async function rollback(status: "succeeded" | "failed" | "running"): Promise<string> {
    const op = await store.createOperation({
      appId: "shop",
      pattern: "dns-weighted",
      intent: { kind: "rollback" },
      summary: "Roll back to blue",
      actor: alice,
      reason: "green 5xx",
      steps,
      before: { greenPercent: 50 },
      after: { greenPercent: 0 },
    });
    await store.updateOperation(op.id, { status: "running", startedAt: "2026-12-06T12:10:00.000Z" });
    if (status !== "running") await store.updateOperation(op.id, { status, finishedAt: "2026-12-06T12:10:20.000Z" });
    return op.id;
  }

  it("records it once on a succeeded operation, reads it back, and chains the write", async () => {
    const id = await rollback("succeeded");
    expect((await store.getOperation(id))?.settledAt).toBeUndefined();
    expect(await store.recordSettled(id, "2026-12-06T12:12:00.000Z")).toBe(true);
    // Once: a second server seeing it later does not move it.
    expect(await store.recordSettled(id, "2026-12-06T12:13:00.000Z")).toBe(false);
    const read = await store.getOperation(id);
    expect(read).toMatchObject({ status: "succeeded", finishedAt: "2026-12-06T12:10:20.000Z", settledAt: "2026-12-06T12:12:00.000Z" });
    expect((await store.listOperations({ appId: "shop" }))[0]?.settledAt).toBe("2026-12-06T12:12:00.000Z");
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
  });

  it("never records it on an operation that did not succeed", async () => {
    for (const status of ["failed", "running"] as const) {
      const id = await rollback(status);
      expect(await store.recordSettled(id, "2026-12-06T12:12:00.000Z"), status).toBe(false);
      expect((await store.getOperation(id))?.settledAt, status).toBeUndefined();
    }
    expect(await store.recordSettled("missing", "2026-12-06T12:12:00.000Z")).toBe(false);
    await expect(store.recordSettled("missing", "not a time")).rejects.toMatchObject({ code: "invalid" });
  });

  it("is covered by the journal chain: the moment edited outside the store is found", async () => {
    const id = await rollback("succeeded");
    await store.recordSettled(id, "2026-12-06T12:12:00.000Z");
    await rawExec(dialect, t.url, `UPDATE operations SET settled_at = '2026-12-06T12:10:21.000Z' WHERE id = '${id}'`);
    const edited = await store.verifyAudit();
    expect(edited).toMatchObject({ ok: false, chain: "journal" });
    expect(edited.ok ? "" : edited.problem).toMatch(new RegExp(`operation ${id} was modified outside the store`));
  });
});
