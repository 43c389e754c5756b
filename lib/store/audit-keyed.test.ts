// The audit chain against a writer who knows its format and can write the database (but does not
// hold the audit key): rewritten records with recomputed hashes, the newest records deleted with
// the head moved back, journal rows edited. On SQLite and PostgreSQL.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import SqliteDatabase from "better-sqlite3";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Actor, AuditEntryInput, AuditRecord } from "@/lib/domain/operation";
import type { Step } from "@/lib/domain/plan";
import { verifyAuditAt, verifyAuditReport } from "../../scripts/verify-audit";
import { auditHash, GENESIS_HASH, keyedAuditHash, type AuditHashedFields } from "./audit-hash";
import { parseExportedHead, readLastExportedHead } from "./audit-export";
import { MIGRATIONS } from "./migrations";
import { openStore } from "./store";
import { DIALECTS, openTestStore, rawExec, stopTestCluster, type TestStore } from "@/test/support/store";

const KEY = "test-audit-key-0123456789abcdef-0123456789";
const WRONG_KEY = "another-key-that-is-not-the-audit-key-0123";
const alice: Actor = { id: "u-alice", email: "alice@example.com", role: "operator" };

const steps: Step[] = [
  {
    id: "change-weights",
    title: "Set weights blue 75 / green 25",
    call: { service: "route53", operation: "ChangeResourceRecordSets", input: { HostedZoneId: "Z1" } },
  },
  {
    id: "wait-healthy",
    title: "Wait for green",
    wait: { kind: "elb-in-service", loadBalancerName: "green-elb", minInService: 2, timeoutMs: 60_000, pollMs: 1_000 },
  },
];

function entry(i: number): AuditEntryInput {
  return {
    action: "traffic.shifted",
    actor: alice,
    appId: "shop",
    operationId: null,
    reason: `step ${i}`,
    before: { greenPercent: i - 1 },
    after: { greenPercent: i },
  };
}

function fieldsOf(r: AuditRecord): AuditHashedFields {
  return {
    seq: r.seq,
    at: r.at,
    action: r.action,
    actor: r.actor,
    appId: r.appId,
    operationId: r.operationId,
    reason: r.reason,
    before: r.before,
    after: r.after,
  };
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * What a writer with database access and the source code can do: change record `seq`'s reason,
 * recompute its hash and every later one with `hashWith`, and move the chain head along.
 */
async function rewriteFrom(
  dialect: (typeof DIALECTS)[number],
  url: string,
  records: AuditRecord[],
  seq: number,
  hashWith: (prev: string, f: AuditHashedFields) => string,
): Promise<void> {
  const ordered = [...records].sort((a, b) => a.seq - b.seq);
  let prev = ordered.find((r) => r.seq === seq - 1)?.hash ?? GENESIS_HASH;
  const statements: string[] = [];
  for (const r of ordered.filter((x) => x.seq >= seq)) {
    const fields = { ...fieldsOf(r), reason: r.seq === seq ? "nothing happened" : r.reason };
    const hash = hashWith(prev, fields);
    statements.push(`UPDATE audit SET reason = ${quote(fields.reason ?? "")}, prev_hash = '${prev}', hash = '${hash}' WHERE seq = ${r.seq}`);
    prev = hash;
  }
  statements.push(`UPDATE audit_head SET hash = '${prev}' WHERE id = 1`);
  // One row at a time: the hash column is unique, and no intermediate state may collide.
  for (const s of statements) await rawExec(dialect, url, s);
}

afterAll(async () => {
  await stopTestCluster();
});

describe.each(DIALECTS)("the keyed audit chain on %s", (dialect) => {
  let t: TestStore;
  let dir: string;
  let headFile: string;
  const env = { TEAL_AUDIT_KEY: KEY, NODE_ENV: "test" };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "teal-audit-keyed-"));
    headFile = join(dir, "heads.jsonl");
    t = await openTestStore(dialect, { auditKey: Buffer.from(KEY), headSink: { kind: "file", path: headFile }, exportIntervalMs: 60_000 });
  });

  afterEach(async () => {
    await t.cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  async function appendFive(): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    for (let i = 1; i <= 5; i++) records.push(await t.store.appendAudit(entry(i)));
    return records;
  }

  it("detects a record rewritten with the following hashes recomputed by the unkeyed formula", async () => {
    const records = await appendFive();
    expect(await t.store.verifyAudit()).toEqual({ ok: true, count: 5 });
    await rewriteFrom(dialect, t.url, records, 3, auditHash);
    expect(await t.store.verifyAudit()).toMatchObject({ ok: false, brokenAtSeq: 3, chain: "audit" });
    expect(await verifyAuditAt(t.url, { env, headFile })).toMatchObject({ ok: false, brokenAtSeq: 3 });
  });

  it("detects a record rewritten with a wrong key, and a right chain checked with a wrong key", async () => {
    const records = await appendFive();
    const wrong = Buffer.from(WRONG_KEY);
    // The genuine chain does not verify under another key: the key is part of every hash.
    expect(await verifyAuditAt(t.url, { env: { ...env, TEAL_AUDIT_KEY: WRONG_KEY }, headFile: join(dir, "none.jsonl") })).toMatchObject({
      ok: false,
      brokenAtSeq: 1,
    });
    await rewriteFrom(dialect, t.url, records, 2, (prev, f) => keyedAuditHash(wrong, prev, f));
    expect(await t.store.verifyAudit()).toMatchObject({ ok: false, brokenAtSeq: 2, chain: "audit" });
  });

  it("detects the newest records deleted and the head moved back, against the exported head", async () => {
    const records = await appendFive();
    const exported = await t.store.exportAuditHead();
    expect(exported?.head.audit).toEqual({ seq: 5, hash: records[4]?.hash });
    expect(await readLastExportedHead(headFile)).toEqual(exported);
    const third = records[2];
    if (!third) throw new Error("no record 3");
    await rawExec(dialect, t.url, "DELETE FROM audit WHERE seq > 3");
    await rawExec(dialect, t.url, `UPDATE audit_head SET seq = 3, hash = '${third.hash}' WHERE id = 1`);
    // The database alone is consistent again: only the head kept outside it can tell.
    expect(await t.store.verifyAudit()).toEqual({ ok: true, count: 3 });
    const report = await verifyAuditReport(t.url, { env, headFile });
    expect(report.result).toMatchObject({ ok: false, brokenAtSeq: 5, chain: "export" });
    expect(report.result.ok ? "" : report.result.problem).toMatch(/missing: the newest records were deleted/);
  });

  it("still detects the truncation when a newer head matching the cut log is appended to the sink", async () => {
    const records = await appendFive();
    await t.store.exportAuditHead();
    await rawExec(dialect, t.url, "DELETE FROM audit WHERE seq > 3");
    await rawExec(dialect, t.url, `UPDATE audit_head SET seq = 3, hash = '${records[2]?.hash ?? ""}' WHERE id = 1`);
    // Whoever holds the key (or a server still running) exports the cut chain's head after it.
    await t.store.exportAuditHead();
    expect((await readLastExportedHead(headFile))?.head.audit.seq).toBe(3);
    expect((await verifyAuditReport(t.url, { env, headFile })).result).toMatchObject({ ok: false, brokenAtSeq: 5, chain: "export" });
  });

  it("refuses an exported head that does not carry the key's MAC", async () => {
    await appendFive();
    const exported = await t.store.exportAuditHead();
    if (!exported) throw new Error("no export");
    const forged = { ...exported, head: { ...exported.head, audit: { seq: 2, hash: exported.head.audit.hash } } };
    expect(await t.store.verifyAudit({ exported: forged })).toMatchObject({ ok: false, chain: "export" });
    expect(await t.store.verifyAudit({ exported })).toEqual({ ok: true, count: 5 });
  });

  it("exports the head on its own after a write once the interval has passed, and at close", async () => {
    let clock = Date.parse("2025-03-01T10:00:00.000Z");
    const clockStore = await openStore(t.url, {
      now: () => clock,
      auditKey: Buffer.from(KEY),
      headSink: { kind: "file", path: headFile },
      exportIntervalMs: 60_000,
    });
    const lastSeq = async () => (await readLastExportedHead(headFile))?.head.audit.seq;
    await clockStore.appendAudit(entry(1));
    await vi.waitFor(async () => expect(await lastSeq()).toBe(1));
    clock += 1_000;
    await clockStore.appendAudit(entry(2));
    clock += 60_000;
    await clockStore.appendAudit(entry(3));
    await vi.waitFor(async () => expect(await lastSeq()).toBe(3));
    clock += 1_000;
    await clockStore.appendAudit(entry(4));
    await clockStore.close();
    expect(await lastSeq()).toBe(4);
    const seqs = readFileSync(headFile, "utf8")
      .trim()
      .split("\n")
      .map((line) => parseExportedHead(line)?.head.audit.seq);
    expect(seqs).toEqual([1, 3, 4]);
  });

  it("detects journal rows edited, deleted or added outside the store", async () => {
    const op = await t.store.createOperation({
      appId: "shop",
      pattern: "dns-weighted",
      intent: { kind: "shift", greenPercent: 25 },
      summary: "Shift to 25 %",
      actor: alice,
      reason: "release 42",
      steps,
    });
    await t.store.updateOperation(op.id, { status: "running", startedAt: "2025-03-01T10:00:00.000Z" });
    await t.store.updateStep(op.id, 0, { status: "succeeded", output: { ChangeInfo: { Id: "C1", Status: "PENDING" } } });
    await t.store.updateOperation(op.id, { status: "failed", error: "green never became healthy" }, { ifStatusIn: ["running"] });
    expect(await t.store.verifyAudit()).toEqual({ ok: true, count: 0 });

    await rawExec(dialect, t.url, `UPDATE operations SET status = 'succeeded', error = NULL WHERE id = '${op.id}'`);
    const edited = await t.store.verifyAudit();
    expect(edited).toMatchObject({ ok: false, chain: "journal" });
    expect(edited.ok ? "" : edited.problem).toMatch(new RegExp(`operation ${op.id} was modified outside the store`));
    await rawExec(dialect, t.url, `UPDATE operations SET status = 'failed', error = 'green never became healthy' WHERE id = '${op.id}'`);
    expect(await t.store.verifyAudit()).toEqual({ ok: true, count: 0 });

    await rawExec(
      dialect,
      t.url,
      `UPDATE operation_steps SET output = '{"ChangeInfo":{"Id":"C2","Status":"INSYNC"}}' WHERE operation_id = '${op.id}' AND idx = 0`,
    );
    const stepEdited = await t.store.verifyAudit();
    expect(stepEdited).toMatchObject({ ok: false, chain: "journal" });
    expect(stepEdited.ok ? "" : stepEdited.problem).toMatch(/step 0 of operation .* was modified outside the store/);
    await rawExec(
      dialect,
      t.url,
      `UPDATE operation_steps SET output = '{"ChangeInfo":{"Id":"C1","Status":"PENDING"}}' WHERE operation_id = '${op.id}' AND idx = 0`,
    );
    expect(await t.store.verifyAudit()).toEqual({ ok: true, count: 0 });

    await rawExec(dialect, t.url, `DELETE FROM operation_steps WHERE operation_id = '${op.id}' AND idx = 1`);
    expect(await t.store.verifyAudit()).toMatchObject({
      ok: false,
      chain: "journal",
      problem: expect.stringMatching(/step 1 of operation .* was deleted/),
    });
  });

  it("detects an operation inserted outside the store, and the journal's last write undone, against the export", async () => {
    const op = await t.store.createOperation({
      appId: "shop",
      pattern: "dns-weighted",
      intent: { kind: "rollback" },
      summary: "Roll back",
      actor: alice,
      reason: "r",
      steps: [],
    });
    const before = await t.store.exportAuditHead();
    await t.store.updateOperation(op.id, { status: "running" });
    const after = await t.store.exportAuditHead();
    if (!before || !after) throw new Error("no export");
    expect([before.head.journal.seq, after.head.journal.seq]).toEqual([1, 2]);
    await rawExec(
      dialect,
      t.url,
      `INSERT INTO operations (id, app_id, pattern, intent, summary, status, actor, reason, created_at, updated_at) VALUES ('forged', 'shop', 'dns-weighted', '{"kind":"rollback"}', 'Roll back', 'succeeded', '{}', 'r', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`,
    );
    expect(await t.store.verifyAudit()).toMatchObject({
      ok: false,
      chain: "journal",
      problem: expect.stringMatching(/operation forged has no journal chain entry/),
    });
    await rawExec(dialect, t.url, "DELETE FROM operations WHERE id = 'forged'");
    // Undo the last journal write: the row back as it was created, its chain entry gone, the head moved back.
    await rawExec(dialect, t.url, `UPDATE operations SET status = 'pending', updated_at = created_at WHERE id = '${op.id}'`);
    await rawExec(dialect, t.url, "DELETE FROM journal_chain WHERE seq = 2");
    await rawExec(dialect, t.url, `UPDATE audit_head SET seq = 1, hash = '${before.head.journal.hash}' WHERE id = 2`);
    expect(await t.store.verifyAudit()).toEqual({ ok: true, count: 0 });
    // Only a head exported after that write tells: one exported before it cannot.
    expect(await t.store.verifyAudit({ exported: before })).toEqual({ ok: true, count: 0 });
    expect(await t.store.verifyAudit({ exported: after })).toMatchObject({ ok: false, chain: "export", brokenAtSeq: 2 });
  });
});

describe("a database written with the old unkeyed chain", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "teal-audit-legacy-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** A SQLite database at migration 0003 with three audit records chained the old way and one operation. */
  async function legacyDatabase(): Promise<{ url: string; legacy: string[] }> {
    const path = join(dir, "teal.db");
    const db = new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: new SqliteDatabase(path) }) });
    const upTo3 = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < "0004"));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => upTo3 } }).migrateToLatest();
    if (error) throw error;
    await db.destroy();
    let prev = GENESIS_HASH;
    const legacy: string[] = [];
    for (let seq = 1; seq <= 3; seq++) {
      const fields: AuditHashedFields = {
        seq,
        at: `2025-01-0${seq}T00:00:00.000Z`,
        action: "traffic.shifted",
        actor: null,
        appId: "shop",
        operationId: null,
        reason: `legacy ${seq}`,
        before: null,
        after: null,
      };
      const hash = auditHash(prev, fields);
      legacy.push(
        `INSERT INTO audit (seq, at, action, actor, app_id, operation_id, reason, before, after, prev_hash, hash) VALUES (${seq}, '${fields.at}', 'traffic.shifted', NULL, 'shop', NULL, 'legacy ${seq}', NULL, NULL, '${prev}', '${hash}')`,
        `UPDATE audit_head SET seq = ${seq}, hash = '${hash}' WHERE id = 1`,
      );
      prev = hash;
    }
    legacy.push(
      `INSERT INTO operations (id, app_id, pattern, intent, summary, status, actor, reason, created_at, updated_at) VALUES ('old-op', 'shop', 'dns-weighted', '{"kind":"rollback"}', 'Roll back', 'succeeded', '{}', 'r', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`,
    );
    const url = `file:${path}`;
    for (const s of legacy) await rawExec("sqlite", url, s);
    return { url, legacy };
  }

  it("verifies up to where the keyed chain begins, then keyed, and says where that is", async () => {
    const { url } = await legacyDatabase();
    const store = await openStore(url, { auditKey: Buffer.from(KEY), headSink: null });
    try {
      const fourth = await store.appendAudit(entry(4));
      expect(fourth.seq).toBe(4);
      expect(await store.auditChainInfo()).toMatchObject({ keyedFrom: 4, auditSeq: 4, journalSeq: 1 });
      expect(await store.verifyAudit()).toEqual({ ok: true, count: 4 });
      const report = await verifyAuditReport(url, { env: { TEAL_AUDIT_KEY: KEY }, headFile: join(dir, "none.jsonl") });
      expect(report.result).toEqual({ ok: true, count: 4 });
      expect(report.info.keyedFrom).toBe(4);
      // A legacy record edited is still caught by the unkeyed chain.
      await rawExec("sqlite", url, "UPDATE audit SET reason = 'edited' WHERE seq = 2");
      expect(await store.verifyAudit()).toMatchObject({ ok: false, brokenAtSeq: 2 });
      // The operation journaled before the chain existed was sealed as it was at the first keyed open.
      await rawExec("sqlite", url, "UPDATE audit SET reason = 'legacy 2' WHERE seq = 2");
      await rawExec("sqlite", url, "UPDATE operations SET status = 'failed' WHERE id = 'old-op'");
      expect(await store.verifyAudit()).toMatchObject({ ok: false, chain: "journal" });
    } finally {
      await store.close();
    }
  });
});
