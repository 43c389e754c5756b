/**
 * The two hash chains and their head: the audit chain (each audit record links to the one before
 * it, keyed with a key that is not in the database) and the journal chain (one entry per write of
 * an operation or step row, in the same transaction), with the head exported outside the database.
 * See audit-hash.ts and audit-key.ts.
 */
import type { Selectable, Transaction } from "kysely";
import { AppError } from "@/lib/domain/app-error";
import type { Actor, AuditEntryInput, AuditRecord } from "@/lib/domain/operation";
import type { JsonValue } from "@/lib/domain/basics";
import {
  exportedHeadMac,
  journalDigest,
  journalEntryHash,
  keyedAuditHash,
  type AuditHashedFields,
  type AuditKey,
  type ExportedHead,
} from "./audit-hash";
import type { HeadSinkTarget } from "./audit-key";
import { writeExportedHead, type SignedHead } from "./audit-export";
import { isoNow, type StoreCore } from "./core";
import { actorOf, parseNullableJson, toJsonText } from "./rows";
import type { Database, OperationStepsTable, OperationsTable } from "./schema";
import { logger } from "@/lib/telemetry/log";

export interface AuditConfig {
  key: AuditKey | null;
  sink: HeadSinkTarget | null;
  exportIntervalMs: number;
}

/** The audit_head rows: the audit chain's head and the journal chain's head. */
export const AUDIT_HEAD = 1;
export const JOURNAL_HEAD = 2;

/** `idx` of the operation row itself in the journal chain (its steps have 0, 1, …). */
export const OPERATION_ROW = -1;

export interface JournalWrite {
  operationId: string;
  idx: number;
  digest: string;
}

export function operationWrite(row: Selectable<OperationsTable>): JournalWrite {
  return { operationId: row.id, idx: OPERATION_ROW, digest: journalDigest("operations", { ...row }) };
}

export function stepWrite(row: Selectable<OperationStepsTable>): JournalWrite {
  return { operationId: row.operation_id, idx: row.idx, digest: journalDigest("operation_steps", { ...row }) };
}

export function journalRowName(operationId: string, idx: number): string {
  return idx === OPERATION_ROW ? `operation ${operationId}` : `step ${idx} of operation ${operationId}`;
}

const NO_KEY = "The audit key is not available.";

export class AuditChains {
  private lastExportMs = Number.NEGATIVE_INFINITY;
  private exporting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly core: StoreCore,
    private readonly audit: AuditConfig,
  ) {}

  /** The audit key; null when the store was opened without it (appends and journal writes are refused). */
  get key(): AuditKey | null {
    return this.audit.key;
  }

  private get db() {
    return this.core.db;
  }

  private iso(): string {
    return isoNow(this.core);
  }

  requireKey(): AuditKey {
    if (!this.audit.key) throw new AppError("internal", NO_KEY, "this store was opened without the audit key");
    return this.audit.key;
  }

  /**
   * Appends one journal chain entry per written row, in the caller's transaction, after the rows
   * were written (row locks first, the chain head last: no lock cycles).
   */
  async chainJournal(trx: Transaction<Database>, writes: readonly JournalWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const key = this.requireKey();
    const head = await trx
      .updateTable("audit_head")
      .set((eb) => ({ seq: eb("seq", "+", writes.length) }))
      .where("id", "=", JOURNAL_HEAD)
      .returning(["seq", "hash"])
      .executeTakeFirstOrThrow();
    const at = this.iso();
    let seq = head.seq - writes.length;
    let prev = head.hash;
    const rows = writes.map((w) => {
      seq += 1;
      const hash = journalEntryHash(key, prev, { seq, at, operationId: w.operationId, idx: w.idx, digest: w.digest });
      const row = { seq, at, operation_id: w.operationId, idx: w.idx, digest: w.digest, prev_hash: prev, hash };
      prev = hash;
      return row;
    });
    for (let i = 0; i < rows.length; i += 200)
      await trx
        .insertInto("journal_chain")
        .values(rows.slice(i, i + 200))
        .execute();
    await trx.updateTable("audit_head").set({ hash: prev }).where("id", "=", JOURNAL_HEAD).execute();
  }

  /**
   * Once, on a database journaled before the journal chain existed: chains every operation and
   * step as they are now. (Their earlier history was never chained; see the README.)
   */
  async sealLegacyJournal(): Promise<void> {
    if (!this.audit.key) return;
    const chained = await this.db.selectFrom("audit_head").select("seq").where("id", "=", JOURNAL_HEAD).executeTakeFirst();
    if (chained && chained.seq > 0) return;
    const anyOperation = await this.db.selectFrom("operations").select("id").limit(1).executeTakeFirst();
    if (!anyOperation) return;
    await this.db.transaction().execute(async (trx) => {
      // Locks the journal head first, so two servers opening the database do not both seal it.
      const head = await trx
        .updateTable("audit_head")
        .set((eb) => ({ seq: eb("seq", "+", 0) }))
        .where("id", "=", JOURNAL_HEAD)
        .returning("seq")
        .executeTakeFirstOrThrow();
      if (head.seq !== 0) return;
      const ops = await trx.selectFrom("operations").selectAll().orderBy("id").execute();
      const steps = await trx.selectFrom("operation_steps").selectAll().orderBy("operation_id").orderBy("idx").execute();
      await this.chainJournal(trx, [...ops.map(operationWrite), ...steps.map(stepWrite)]);
    });
  }

  /** After a committed write: exports the head when the export interval has passed (in the background). */
  afterWrite(): void {
    if (!this.audit.sink || !this.audit.key) return;
    const nowMs = this.core.now();
    if (nowMs - this.lastExportMs < this.audit.exportIntervalMs) return;
    this.lastExportMs = nowMs;
    this.exportAuditHead().catch((error: unknown) => logger.error("audit.head_export_failed", { error }));
  }

  /** Exports one at a time, in order, so the sink's last line is always the newest head. */
  exportAuditHead(): Promise<SignedHead | null> {
    const next = this.exporting.then(
      () => this.writeHead(),
      () => this.writeHead(),
    );
    this.exporting = next.catch(() => undefined);
    return next;
  }

  private async writeHead(): Promise<SignedHead | null> {
    const sink = this.audit.sink;
    const key = this.audit.key;
    if (!sink || !key) return null;
    const rows = await this.db
      .selectFrom("audit_head")
      .select(["id", "seq", "hash", "keyed_from"])
      .where("id", "in", [AUDIT_HEAD, JOURNAL_HEAD])
      .execute();
    const audit = rows.find((r) => r.id === AUDIT_HEAD);
    const journal = rows.find((r) => r.id === JOURNAL_HEAD);
    if (!audit || !journal) throw new AppError("internal", "The audit chain head is missing.", "audit_head rows 1 and 2 are missing");
    const head: ExportedHead = {
      at: this.iso(),
      audit: { seq: audit.seq, hash: audit.hash },
      journal: { seq: journal.seq, hash: journal.hash },
      keyedFrom: audit.keyed_from ?? 1,
    };
    const signed: SignedHead = { head, mac: exportedHeadMac(key, head) };
    await writeExportedHead(sink, signed);
    return signed;
  }

  /**
   * Appends one audit row to the hash chain in the caller's transaction. Appends are serialised
   * by the head's row lock: the chain never forks.
   */
  async appendIn(trx: Transaction<Database>, entry: AuditEntryInput): Promise<AuditRecord> {
    // Store JSON in canonical form and hash exactly what a reader will parse back.
    const actorText = entry.actor ? toJsonText(actorOf(entry.actor)) : null;
    const beforeText = entry.before === null ? null : toJsonText(entry.before);
    const afterText = entry.after === null ? null : toJsonText(entry.after);
    const key = this.requireKey();
    // Bumping the chain head first takes its row lock (PostgreSQL) or the write lock (SQLite)
    // before anything is read, so concurrent appends queue here and each sees the previous
    // append's hash.
    const head = await trx
      .updateTable("audit_head")
      .set((eb) => ({ seq: eb("seq", "+", 1) }))
      .where("id", "=", AUDIT_HEAD)
      .returning(["seq", "hash"])
      .executeTakeFirstOrThrow();
    const fields: AuditHashedFields = {
      seq: head.seq,
      at: this.iso(),
      action: entry.action,
      actor: parseNullableJson<Actor>(actorText),
      appId: entry.appId,
      operationId: entry.operationId,
      reason: entry.reason,
      before: parseNullableJson<JsonValue>(beforeText),
      after: parseNullableJson<JsonValue>(afterText),
    };
    // Migration 0005 set keyed_from to the seq after the last legacy record: every append is keyed.
    const hash = keyedAuditHash(key, head.hash, fields);
    await trx
      .insertInto("audit")
      .values({
        seq: fields.seq,
        at: fields.at,
        action: fields.action,
        actor: actorText,
        app_id: fields.appId,
        operation_id: fields.operationId,
        reason: fields.reason,
        before: beforeText,
        after: afterText,
        prev_hash: head.hash,
        hash,
      })
      .execute();
    await trx.updateTable("audit_head").set({ hash }).where("id", "=", AUDIT_HEAD).execute();
    return { ...fields, prevHash: head.hash, hash };
  }

  /** At shutdown: waits for the export under way, then exports the head once more if exports run at all. */
  async exportOnClose(): Promise<void> {
    await this.exporting;
    // The head at shutdown, so a restart finds the newest records pinned outside the database.
    if (this.lastExportMs !== Number.NEGATIVE_INFINITY) {
      await this.exportAuditHead().catch((error: unknown) => logger.error("audit.head_export_failed", { error }));
    }
  }
}
