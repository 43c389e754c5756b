/**
 * The audit log: appending a record to the hash chain, reading it, and verifying both chains (the
 * audit records and the journal) with the key, and against the heads exported outside the database.
 */
import type { Selectable } from "kysely";
import type { Actor, AuditEntryInput, AuditRecord } from "@/lib/domain/operation";
import type { AuditAction } from "@/lib/domain/audit-actions";
import type { JsonValue } from "@/lib/domain/basics";
import { auditHash, exportedHeadMac, GENESIS_HASH, journalEntryHash, keyedAuditHash, type AuditHashedFields, type ExportedHead } from "./audit-hash";
import type { SignedHead } from "./audit-export";
import { AUDIT_HEAD, JOURNAL_HEAD, journalRowName, operationWrite, stepWrite, type AuditChains, type JournalWrite } from "./chains";
import type { StoreCore } from "./core";
import { canonicalFieldNeedle, clampLimit, contains, parseNullableJson } from "./rows";
import type { AuditTable } from "./schema";

export interface AuditFilter {
  appId?: string;
  operationId?: string;
  action?: AuditAction | readonly AuditAction[];
  /** Only rows with a smaller seq (for paging backwards). */
  beforeSeq?: number;
  /** Only rows whose actor has this email (exact match). */
  actorEmail?: string;
  /** Recorded at or after this ISO time. */
  since?: string;
  /** Recorded strictly before this ISO time. */
  until?: string;
  /** Default 100, at most 1000. */
  limit?: number;
}

/**
 * `count` is the number of audit records. On a failure, `chain` says where: an audit record
 * (`brokenAtSeq` is its seq), the journal chain (`brokenAtSeq` is a journal chain entry), or the
 * comparison with the last exported head.
 */
export type AuditVerification =
  { ok: true; count: number } | { ok: false; brokenAtSeq: number; problem: string; chain?: "audit" | "journal" | "export" };

export interface AuditChainInfo {
  /** The first audit seq of the keyed chain; records before it are legacy (unkeyed SHA-256). */
  keyedFrom: number;
  auditSeq: number;
  journalSeq: number;
  /** Whether this store holds the key (it cannot append or verify keyed records without it). */
  keyed: boolean;
}

export class AuditLog {
  constructor(
    private readonly core: StoreCore,
    private readonly chains: AuditChains,
  ) {}

  private get db() {
    return this.core.db;
  }

  async appendAudit(entry: AuditEntryInput): Promise<AuditRecord> {
    const record = await this.db.transaction().execute((trx) => this.chains.appendIn(trx, entry));
    this.chains.afterWrite();
    return record;
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    let query = this.db.selectFrom("audit").selectAll();
    if (filter.appId !== undefined) query = query.where("app_id", "=", filter.appId);
    if (filter.operationId !== undefined) query = query.where("operation_id", "=", filter.operationId);
    if (filter.action !== undefined) {
      const actions: AuditAction[] = typeof filter.action === "string" ? [filter.action] : [...filter.action];
      if (actions.length === 0) return [];
      query = query.where("action", "in", actions);
    }
    if (filter.beforeSeq !== undefined) query = query.where("seq", "<", filter.beforeSeq);
    if (filter.actorEmail !== undefined) query = query.where(contains(this.core.dialect, "actor", canonicalFieldNeedle("email", filter.actorEmail)));
    if (filter.since !== undefined) query = query.where("at", ">=", filter.since);
    if (filter.until !== undefined) query = query.where("at", "<", filter.until);
    const rows = await query
      .orderBy("seq", "desc")
      .limit(clampLimit(filter.limit, 100, 1000))
      .execute();
    return rows.map(toAuditRecord);
  }

  async verifyAudit(options: { exported?: SignedHead | readonly SignedHead[] | null } = {}): Promise<AuditVerification> {
    const heads = await this.db.selectFrom("audit_head").select(["id", "seq", "hash", "keyed_from"]).execute();
    const head = heads.find((h) => h.id === AUDIT_HEAD);
    if (!head) return { ok: false, brokenAtSeq: 0, problem: "The audit chain head is missing.", chain: "audit" };
    const keyedFrom = head.keyed_from ?? 1;
    const key = this.chains.key;
    const pageSize = 500;
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    for (;;) {
      const rows = await this.db.selectFrom("audit").selectAll().where("seq", ">=", expectedSeq).orderBy("seq").limit(pageSize).execute();
      for (const row of rows) {
        if (row.seq !== expectedSeq) {
          return { ok: false, brokenAtSeq: expectedSeq, problem: `Audit row ${expectedSeq} is missing (next row is ${row.seq}).`, chain: "audit" };
        }
        if (row.prev_hash !== prevHash) {
          return { ok: false, brokenAtSeq: row.seq, problem: `Audit row ${row.seq} does not link to the row before it.`, chain: "audit" };
        }
        if (row.seq >= keyedFrom && !key) {
          return {
            ok: false,
            brokenAtSeq: row.seq,
            problem: `Audit row ${row.seq} is keyed: verifying it needs the audit key (TEAL_AUDIT_KEY, or the key file beside the database).`,
            chain: "audit",
          };
        }
        let recomputed: string;
        try {
          recomputed =
            row.seq >= keyedFrom && key ? keyedAuditHash(key, row.prev_hash, hashedFieldsOf(row)) : auditHash(row.prev_hash, hashedFieldsOf(row));
        } catch {
          recomputed = "";
        }
        if (recomputed !== row.hash) {
          return {
            ok: false,
            brokenAtSeq: row.seq,
            problem: `Audit row ${row.seq} was modified: its hash does not match its content.`,
            chain: "audit",
          };
        }
        prevHash = row.hash;
        expectedSeq = row.seq + 1;
      }
      if (rows.length < pageSize) break;
    }
    const lastSeq = expectedSeq - 1;
    if (head.seq !== lastSeq) {
      return head.seq > lastSeq
        ? { ok: false, brokenAtSeq: lastSeq + 1, problem: `Audit rows ${lastSeq + 1} to ${head.seq} are missing.`, chain: "audit" }
        : { ok: false, brokenAtSeq: head.seq + 1, problem: `Audit rows after ${head.seq} were added outside the log.`, chain: "audit" };
    }
    if (head.hash !== prevHash) {
      return { ok: false, brokenAtSeq: lastSeq, problem: `The last audit row ${lastSeq} does not match the chain head.`, chain: "audit" };
    }
    const journal = await this.verifyJournal(heads.find((h) => h.id === JOURNAL_HEAD));
    if (journal) return journal;
    if (options.exported) {
      const exported = await this.compareWithExported(Array.isArray(options.exported) ? options.exported : [options.exported], keyedFrom);
      if (exported) return exported;
    }
    return { ok: true, count: lastSeq };
  }

  /**
   * The journal chain: every entry links and carries the key's MAC, and every operation and step
   * row is exactly what its last chain entry says (null when intact).
   */
  private async verifyJournal(head: { seq: number; hash: string } | undefined): Promise<AuditVerification | null> {
    const broken = (brokenAtSeq: number, problem: string): AuditVerification => ({ ok: false, brokenAtSeq, problem, chain: "journal" });
    if (!head) return broken(0, "The journal chain head is missing.");
    const key = this.chains.key;
    const latest = new Map<string, { seq: number; digest: string; operationId: string; idx: number }>();
    const pageSize = 1000;
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    for (;;) {
      const rows = await this.db.selectFrom("journal_chain").selectAll().where("seq", ">=", expectedSeq).orderBy("seq").limit(pageSize).execute();
      for (const row of rows) {
        if (!key)
          return broken(
            row.seq,
            "The journal chain is keyed: verifying it needs the audit key (TEAL_AUDIT_KEY, or the key file beside the database).",
          );
        if (row.seq !== expectedSeq) return broken(expectedSeq, `Journal chain entry ${expectedSeq} is missing (next entry is ${row.seq}).`);
        if (row.prev_hash !== prevHash) return broken(row.seq, `Journal chain entry ${row.seq} does not link to the entry before it.`);
        const recomputed = journalEntryHash(key, row.prev_hash, {
          seq: row.seq,
          at: row.at,
          operationId: row.operation_id,
          idx: row.idx,
          digest: row.digest,
        });
        if (recomputed !== row.hash) return broken(row.seq, `Journal chain entry ${row.seq} was modified: its hash does not match its content.`);
        latest.set(`${row.operation_id}\u0000${row.idx}`, { seq: row.seq, digest: row.digest, operationId: row.operation_id, idx: row.idx });
        prevHash = row.hash;
        expectedSeq = row.seq + 1;
      }
      if (rows.length < pageSize) break;
    }
    const lastSeq = expectedSeq - 1;
    if (head.seq !== lastSeq) {
      return head.seq > lastSeq
        ? broken(lastSeq + 1, `Journal chain entries ${lastSeq + 1} to ${head.seq} are missing.`)
        : broken(head.seq + 1, `Journal chain entries after ${head.seq} were added outside the store.`);
    }
    if (head.hash !== prevHash) return broken(lastSeq, `The last journal chain entry ${lastSeq} does not match the chain head.`);

    const check = (write: JournalWrite): AuditVerification | null => {
      const id = `${write.operationId}\u0000${write.idx}`;
      const entry = latest.get(id);
      const name = journalRowName(write.operationId, write.idx);
      if (!entry) return broken(lastSeq + 1, `The journal's ${name} has no journal chain entry: it was written outside the store.`);
      latest.delete(id);
      return entry.digest === write.digest
        ? null
        : broken(entry.seq, `The journal's ${name} was modified outside the store: it differs from its last chained write (entry ${entry.seq}).`);
    };
    let afterId: string | null = null;
    for (;;) {
      let query = this.db.selectFrom("operations").selectAll().orderBy("id").limit(200);
      if (afterId !== null) query = query.where("id", ">", afterId);
      const ops = await query.execute();
      if (ops.length === 0) break;
      const steps = await this.db
        .selectFrom("operation_steps")
        .selectAll()
        .where(
          "operation_id",
          "in",
          ops.map((o) => o.id),
        )
        .execute();
      for (const write of [...ops.map(operationWrite), ...steps.map(stepWrite)]) {
        const problem = check(write);
        if (problem) return problem;
      }
      afterId = ops[ops.length - 1]?.id ?? null;
    }
    // Steps whose operation row is gone are caught here too: they were never read above.
    const orphan = await this.db
      .selectFrom("operation_steps")
      .select(["operation_id", "idx"])
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom("operations").select("operations.id").whereRef("operations.id", "=", "operation_steps.operation_id"))),
      )
      .executeTakeFirst();
    if (orphan)
      return broken(
        lastSeq + 1,
        `The journal's ${journalRowName(orphan.operation_id, orphan.idx)} has no operation: it was written outside the store.`,
      );
    const [gone] = [...latest.values()].sort((a, b) => a.seq - b.seq);
    if (gone)
      return broken(
        gone.seq,
        `The journal's ${journalRowName(gone.operationId, gone.idx)} was deleted outside the store (last chained in entry ${gone.seq}).`,
      );
    return null;
  }

  /**
   * The database against the heads exported outside it: none may carry another key's MAC, none
   * may point at a record that is gone or different, and none may be older than the one before it
   * (all are checked, so a head appended to the sink later cannot hide an earlier one).
   */
  private async compareWithExported(exported: readonly SignedHead[], keyedFrom: number): Promise<AuditVerification | null> {
    const broken = (brokenAtSeq: number, problem: string): AuditVerification => ({ ok: false, brokenAtSeq, problem, chain: "export" });
    const key = this.chains.key;
    const auditHashes = await this.hashesAt(
      "audit",
      exported.map((e) => e.head.audit.seq),
    );
    const journalHashes = await this.hashesAt(
      "journal_chain",
      exported.map((e) => e.head.journal.seq),
    );
    let previous: ExportedHead | null = null;
    for (const { head, mac } of exported) {
      if (!key || exportedHeadMac(key, head) !== mac) {
        return broken(head.audit.seq, `The head exported at ${head.at} does not carry this key's MAC: it was not written by Teal with this key.`);
      }
      if (head.keyedFrom !== keyedFrom) {
        return broken(
          Math.min(head.keyedFrom, keyedFrom),
          `The keyed chain begins at seq ${keyedFrom} in the database but at seq ${head.keyedFrom} in the head exported at ${head.at}: records were rewritten.`,
        );
      }
      if (previous && (head.audit.seq < previous.audit.seq || head.journal.seq < previous.journal.seq)) {
        return broken(head.audit.seq, `The head exported at ${head.at} is older than the one exported before it: the chain was cut back.`);
      }
      previous = head;
      if (head.audit.seq > 0) {
        const hash = auditHashes.get(head.audit.seq);
        if (hash === undefined)
          return broken(
            head.audit.seq,
            `Audit row ${head.audit.seq}, in the head exported at ${head.at}, is missing: the newest records were deleted.`,
          );
        if (hash !== head.audit.hash)
          return broken(head.audit.seq, `Audit row ${head.audit.seq} differs from the head exported at ${head.at}: the log was rewritten.`);
      }
      if (head.journal.seq > 0) {
        const hash = journalHashes.get(head.journal.seq);
        if (hash === undefined)
          return broken(
            head.journal.seq,
            `Journal chain entry ${head.journal.seq}, in the head exported at ${head.at}, is missing: the newest entries were deleted.`,
          );
        if (hash !== head.journal.hash)
          return broken(
            head.journal.seq,
            `Journal chain entry ${head.journal.seq} differs from the head exported at ${head.at}: the chain was rewritten.`,
          );
      }
    }
    return null;
  }

  /** The hashes of the given seqs of a chain table (absent seqs are missing from the map). */
  private async hashesAt(table: "audit" | "journal_chain", seqs: readonly number[]): Promise<Map<number, string>> {
    const wanted = [...new Set(seqs.filter((n) => n > 0))];
    const found = new Map<number, string>();
    for (let i = 0; i < wanted.length; i += 500) {
      const rows = await this.db
        .selectFrom(table)
        .select(["seq", "hash"])
        .where("seq", "in", wanted.slice(i, i + 500))
        .execute();
      for (const row of rows) found.set(row.seq, row.hash);
    }
    return found;
  }

  async auditChainInfo(): Promise<AuditChainInfo> {
    const rows = await this.db.selectFrom("audit_head").select(["id", "seq", "keyed_from"]).where("id", "in", [AUDIT_HEAD, JOURNAL_HEAD]).execute();
    const audit = rows.find((r) => r.id === AUDIT_HEAD);
    return {
      keyedFrom: audit?.keyed_from ?? 1,
      auditSeq: audit?.seq ?? 0,
      journalSeq: rows.find((r) => r.id === JOURNAL_HEAD)?.seq ?? 0,
      keyed: this.chains.key !== null,
    };
  }
}

function hashedFieldsOf(row: Selectable<AuditTable>): AuditHashedFields {
  return {
    seq: row.seq,
    at: row.at,
    action: row.action as AuditAction,
    actor: parseNullableJson<Actor>(row.actor),
    appId: row.app_id,
    operationId: row.operation_id,
    reason: row.reason,
    before: parseNullableJson<JsonValue>(row.before),
    after: parseNullableJson<JsonValue>(row.after),
  };
}

function toAuditRecord(row: Selectable<AuditTable>): AuditRecord {
  return { ...hashedFieldsOf(row), prevHash: row.prev_hash, hash: row.hash };
}
