/**
 * The Teal database: operations journal, per-application locks and the hash-chained audit log,
 * over Kysely on SQLite (better-sqlite3) or PostgreSQL (pg). The audit log and the journal are
 * chained with a key that is not in the database (see audit-hash.ts and audit-key.ts); every
 * journal write appends its chain entry in the same transaction.
 */

import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type Expression,
  type KyselyPlugin,
  type Selectable,
  type SqlBool,
  type Transaction,
} from "kysely";
import type { KioskTokenInfo } from "@/lib/domain/kiosk";
import {
  AppError,
  ROLES,
  type Actor,
  type AuditAction,
  type AuditEntryInput,
  type AuditRecord,
  type AwsCall,
  type Intent,
  type IntentKind,
  type JsonValue,
  type Operation,
  type OperationStatus,
  type OperationStep,
  type PatternId,
  type PlanEnds,
  type Role,
  type Step,
  type StepProgress,
  type StepStatus,
  type WaitCondition,
} from "@/lib/domain/types";
import {
  AUDIT_KEY_MIN_BYTES,
  auditHash,
  canonicalJson,
  exportedHeadMac,
  GENESIS_HASH,
  journalDigest,
  journalEntryHash,
  keyedAuditHash,
  type AuditHashedFields,
  type AuditKey,
  type ExportedHead,
} from "./audit-hash";
import { resolveAuditSettings, type AuditSettings, type HeadSinkTarget } from "./audit-key";
import { writeExportedHead, type SignedHead } from "./audit-export";
import { migrationProvider } from "./migrations";
import type { SessionInfo } from "@/lib/domain/session";
import type { AuditTable, Database, KioskTokensTable, OperationStepsTable, OperationsTable, SessionsTable } from "./schema";
import { ACTIVE_STATUSES, OPERATION_STATUSES, STEP_STATUSES } from "@/lib/domain/operation-status";

export type DialectName = "sqlite" | "postgres";

export interface CreateOperationInput {
  /** Chosen by the caller so it can take the lock in the operation's name first; random if omitted. */
  id?: string;
  appId: string;
  pattern: PatternId;
  intent: Intent;
  summary: string;
  actor: Actor;
  reason: string;
  steps: Step[];
  /** Defaults to the store's clock. */
  createdAt?: string;
  /** The plan's before/after, kept for the audit of a resumed run. */
  before?: PlanEnds;
  after?: PlanEnds;
  /**
   * The operation's first audit records (`operation.started`, …), appended in the same
   * transaction as the operation: a crash leaves both or neither.
   */
  audit?: readonly AuditEntryInput[];
}

export interface OperationPatch {
  status?: OperationStatus;
  startedAt?: string | null;
  finishedAt?: string | null;
  error?: string | null;
}

export interface StepPatch {
  status?: StepStatus;
  startedAt?: string | null;
  finishedAt?: string | null;
  output?: JsonValue | null;
  error?: string | null;
  progress?: StepProgress | null;
}

export interface OperationFilter {
  appId?: string;
  status?: OperationStatus | readonly OperationStatus[];
  /** Only operations started by the actor with this email (exact match). */
  actorEmail?: string;
  /** Only these intent kinds (shift, rollback, …). */
  intentKind?: IntentKind | readonly IntentKind[];
  /** Created at or after this ISO time. */
  since?: string;
  /** Created strictly before this ISO time. */
  until?: string;
  /** Default 50, at most 500. */
  limit?: number;
}

export interface LockInfo {
  appId: string;
  /** The id of the operation holding the lock. */
  holder: string;
  acquiredAt: string;
  leaseExpiresAt: string;
}

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

export interface Store {
  readonly dialect: DialectName;

  /**
   * Writes the operation (status `pending`), all its steps (`pending`) and `input.audit` in one
   * transaction.
   */
  createOperation(input: CreateOperationInput): Promise<Operation>;
  /**
   * Updates an operation. With `ifStatusIn`, only when its current status is one of those (a
   * compare-and-set, so two writers cannot both finish it). Returns whether a row changed.
   */
  updateOperation(id: string, patch: OperationPatch, options?: { ifStatusIn?: readonly OperationStatus[] }): Promise<boolean>;
  updateStep(operationId: string, index: number, patch: StepPatch): Promise<void>;
  /**
   * Records when a succeeded operation's traffic settled, once: only while its status is
   * `succeeded` and no moment is recorded yet (a compare-and-set, journaled in the same
   * transaction). Returns whether it was written.
   */
  recordSettled(id: string, settledAt: string): Promise<boolean>;
  getOperation(id: string): Promise<Operation | null>;
  /** Just the status (cheap: the engine asks before every step and poll). */
  getOperationStatus(id: string): Promise<OperationStatus | null>;
  /** Newest first. */
  listOperations(filter?: OperationFilter): Promise<Operation[]>;
  /**
   * At start-up: every `running` or `pending` operation becomes `interrupted`; returns them.
   * With `nowMs`, operations whose lock lease is still live at that time are left alone: they
   * belong to another server sharing the database.
   */
  markRunningInterrupted(options?: { nowMs?: number }): Promise<Operation[]>;

  /**
   * Takes the application's lock for `holder` if it is free, its lease has expired, `holder`
   * already holds it, or it is held by `options.replaceHolder` (preemption). One atomic statement.
   */
  tryAcquireLock(appId: string, holder: string, leaseMs: number, nowMs: number, options?: { replaceHolder?: string }): Promise<boolean>;
  /** Extends the lease; false when `holder` no longer holds the lock. */
  renewLock(appId: string, holder: string, leaseMs: number, nowMs: number): Promise<boolean>;
  /** Releases the lock if `holder` holds it; false otherwise. */
  releaseLock(appId: string, holder: string): Promise<boolean>;
  getLock(appId: string): Promise<LockInfo | null>;

  /** Appends one audit row to the hash chain. Appends are serialised: the chain never forks. */
  appendAudit(entry: AuditEntryInput): Promise<AuditRecord>;
  /** Newest first. */
  listAudit(filter?: AuditFilter): Promise<AuditRecord[]>;
  /**
   * Recomputes both chains with the key: detects an edited, inserted or deleted audit record, and
   * an operation or step edited, added or deleted outside the store. With `exported` (the heads
   * exported outside the database, oldest first), also a truncation back to before any of them.
   */
  verifyAudit(options?: { exported?: SignedHead | readonly SignedHead[] | null }): Promise<AuditVerification>;
  /** Writes the chains' current head to the head sink now; null when there is no sink or no key. */
  exportAuditHead(): Promise<SignedHead | null>;
  auditChainInfo(): Promise<AuditChainInfo>;

  /** Records a kiosk token by the SHA-256 (hex) of its secret; the secret itself never reaches the store. */
  createKioskToken(input: CreateKioskTokenInput): Promise<KioskTokenInfo>;
  /** Newest first, revoked ones included. */
  listKioskTokens(): Promise<KioskTokenInfo[]>;
  /** The token whose secret hashes to `tokenHash`, revoked or not (the caller decides), or null. */
  findKioskTokenByHash(tokenHash: string): Promise<KioskTokenInfo | null>;
  /**
   * Notes a use of the token. Written at most once per `minIntervalMs` per token, so a wall
   * polling every few seconds does not turn every read into a write.
   */
  touchKioskToken(id: string, options?: { minIntervalMs?: number }): Promise<void>;
  /** Revokes the token (idempotent: an already revoked one keeps its first revocation time); null if unknown. */
  revokeKioskToken(id: string): Promise<KioskTokenInfo | null>;

  /** Records a new sign-in session (random id) and returns it. */
  createSession(input: CreateSessionInput): Promise<SessionInfo>;
  /** The session, revoked or expired included (the caller decides), or null. */
  getSession(id: string): Promise<SessionInfo | null>;
  /** Sessions neither revoked nor expired at `nowIso`, newest first (at most 500). */
  listActiveSessions(nowIso: string): Promise<SessionInfo[]>;
  /** Revokes one session; false when it is unknown or already revoked. */
  revokeSession(id: string): Promise<boolean>;
  /** Revokes every live session of the user; returns how many. */
  revokeUserSessions(userId: string): Promise<number>;

  close(): Promise<void>;
}

export interface CreateSessionInput {
  userId: string;
  email: string;
  role: Role;
  provider: string;
  expiresAt: string;
}

export interface CreateKioskTokenInput {
  label: string;
  /** SHA-256 of the secret, 64 lowercase hex characters. */
  tokenHash: string;
  createdBy: Actor;
}

export interface OpenStoreOptions {
  /** Clock for timestamps the store sets itself (audit `at`, `updated_at`). */
  now?: () => number;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /**
   * The audit key. Default: from the environment (TEAL_AUDIT_KEY, or outside production a key
   * file beside the database, generated if missing). `null`: no key, for reading and verifying the
   * legacy part of a chain only; appends and journal writes are refused.
   */
  auditKey?: AuditKey | null;
  /** Where the chain head is exported. Default: from the environment. `null`: nowhere. */
  headSink?: HeadSinkTarget | null;
  /** Least time between two automatic exports (default: TEAL_AUDIT_EXPORT_MS, 10 s). */
  exportIntervalMs?: number;
  /** Kysely plugins on every query (tests use one to kill a process in the middle of a transaction). */
  plugins?: readonly KyselyPlugin[];
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** Maps a DATABASE_URL to a SQLite file path: `file:rel/path`, `file:///abs/path`, a plain path, or `:memory:`. */
export function sqlitePathFromUrl(url: string): string {
  if (url === ":memory:" || url === "file::memory:") return ":memory:";
  if (url.startsWith("file://")) return fileURLToPath(url);
  if (url.startsWith("file:")) return url.slice("file:".length);
  return url;
}

/**
 * Opens the database named by `url` (postgres:// or postgresql:// for PostgreSQL, anything else
 * is a SQLite file), runs pending migrations and returns the store.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  let db: Kysely<Database>;
  let dialect: DialectName;
  if (POSTGRES_URL.test(url)) {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
    // An idle client losing its connection must not crash the server; the next query reconnects.
    pool.on("error", (error) => console.error("[store] idle PostgreSQL client error:", error.message));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [...(options.plugins ?? [])] });
    dialect = "postgres";
  } else {
    const { default: SqliteDatabase } = await import("better-sqlite3");
    const path = sqlitePathFromUrl(url);
    if (path !== ":memory:") mkdirSync(dirname(resolve(/*turbopackIgnore: true*/ path)), { recursive: true });
    const sqlite = new SqliteDatabase(path);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("synchronous = NORMAL");
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), plugins: [...(options.plugins ?? [])] });
    dialect = "sqlite";
  }

  let settings: AuditSettings | null = null;
  const fromEnv = (): AuditSettings => (settings ??= resolveAuditSettings(url, process.env, { create: options.auditKey === undefined }));
  let audit: AuditConfig;
  try {
    audit = {
      key: options.auditKey !== undefined ? options.auditKey : (fromEnv().key?.key ?? null),
      sink: options.headSink !== undefined ? options.headSink : fromEnv().sink,
      exportIntervalMs:
        options.exportIntervalMs ?? (options.auditKey !== undefined && options.headSink !== undefined ? 10_000 : fromEnv().exportIntervalMs),
    };
    if (audit.key && audit.key.length < AUDIT_KEY_MIN_BYTES) {
      throw new AppError("internal", "The audit key is unusable.", `the audit key must be at least ${AUDIT_KEY_MIN_BYTES} bytes`);
    }
  } catch (err) {
    await db.destroy();
    throw err;
  }

  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    await db.destroy();
    const detail = error instanceof Error ? error.message : String(error);
    throw new AppError("internal", "The database could not be prepared.", `migration failed: ${detail}`);
  }
  const store = new KyselyStore(db, dialect, options.now ?? Date.now, audit);
  try {
    await store.sealLegacyJournal();
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return store;
}

interface AuditConfig {
  key: AuditKey | null;
  sink: HeadSinkTarget | null;
  exportIntervalMs: number;
}

/** The audit_head rows: the audit chain's head and the journal chain's head. */
const AUDIT_HEAD = 1;
const JOURNAL_HEAD = 2;

/** `idx` of the operation row itself in the journal chain (its steps have 0, 1, …). */
const OPERATION_ROW = -1;

interface JournalWrite {
  operationId: string;
  idx: number;
  digest: string;
}

function operationWrite(row: Selectable<OperationsTable>): JournalWrite {
  return { operationId: row.id, idx: OPERATION_ROW, digest: journalDigest("operations", { ...row }) };
}

function stepWrite(row: Selectable<OperationStepsTable>): JournalWrite {
  return { operationId: row.operation_id, idx: row.idx, digest: journalDigest("operation_steps", { ...row }) };
}

function journalRowName(operationId: string, idx: number): string {
  return idx === OPERATION_ROW ? `operation ${operationId}` : `step ${idx} of operation ${operationId}`;
}

const NO_KEY = "The audit key is not available.";

function checkedStatus<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const found = allowed.find((s) => s === value);
  if (found === undefined) throw new AppError("internal", "The journal holds an unreadable record.", `unknown ${what} status ${value}`);
  return found;
}

/** JSON written by this store; the column types guarantee its shape. */
function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

function parseNullableJson<T>(text: string | null): T | null {
  return text === null ? null : parseJson<T>(text);
}

function toJsonText(value: unknown): string {
  return canonicalJson(value);
}

function statusList(status: OperationStatus | readonly OperationStatus[]): OperationStatus[] {
  return typeof status === "string" ? [status] : [...status];
}

function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.max(1, Math.min(max, Math.floor(limit)));
}

function actorOf(actor: Actor): Actor {
  return { id: actor.id, email: actor.email, role: actor.role };
}

function listOf<T extends string>(value: T | readonly T[]): T[] {
  return typeof value === "string" ? [value] : [...value];
}

/**
 * `"key":"value"` exactly as canonical JSON writes it. JSON columns are stored canonically (sorted
 * keys, no whitespace, quotes inside strings escaped), so this text can only occur as that key
 * holding that value: a substring test on it is an exact field match on both dialects.
 */
export function canonicalFieldNeedle(key: string, value: string): string {
  return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
}

class KyselyStore implements Store {
  private lastExportMs = Number.NEGATIVE_INFINITY;
  private exporting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    private readonly now: () => number,
    private readonly audit: AuditConfig,
  ) {}

  private requireKey(): AuditKey {
    if (!this.audit.key) throw new AppError("internal", NO_KEY, "this store was opened without the audit key");
    return this.audit.key;
  }

  /**
   * Appends one journal chain entry per written row, in the caller's transaction, after the rows
   * were written (row locks first, the chain head last: no lock cycles).
   */
  private async chainJournal(trx: Transaction<Database>, writes: readonly JournalWrite[]): Promise<void> {
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
  private afterWrite(): void {
    if (!this.audit.sink || !this.audit.key) return;
    const nowMs = this.now();
    if (nowMs - this.lastExportMs < this.audit.exportIntervalMs) return;
    this.lastExportMs = nowMs;
    this.exportAuditHead().catch((error: unknown) =>
      console.error("[store] exporting the audit head failed:", error instanceof Error ? error.message : error),
    );
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

  async auditChainInfo(): Promise<AuditChainInfo> {
    const rows = await this.db.selectFrom("audit_head").select(["id", "seq", "keyed_from"]).where("id", "in", [AUDIT_HEAD, JOURNAL_HEAD]).execute();
    const audit = rows.find((r) => r.id === AUDIT_HEAD);
    return {
      keyedFrom: audit?.keyed_from ?? 1,
      auditSeq: audit?.seq ?? 0,
      journalSeq: rows.find((r) => r.id === JOURNAL_HEAD)?.seq ?? 0,
      keyed: this.audit.key !== null,
    };
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  async createOperation(input: CreateOperationInput): Promise<Operation> {
    const id = input.id ?? randomUUID();
    const createdAt = input.createdAt ?? this.iso();
    await this.db.transaction().execute(async (trx) => {
      const opRow = await trx
        .insertInto("operations")
        .values({
          id,
          app_id: input.appId,
          pattern: input.pattern,
          intent: toJsonText(input.intent),
          summary: input.summary,
          status: "pending",
          actor: toJsonText(actorOf(input.actor)),
          reason: input.reason,
          created_at: createdAt,
          started_at: null,
          finished_at: null,
          error: null,
          updated_at: createdAt,
          plan_before: input.before ? toJsonText(input.before) : null,
          plan_after: input.after ? toJsonText(input.after) : null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const writes = [operationWrite(opRow)];
      if (input.steps.length > 0) {
        const stepRows = await trx
          .insertInto("operation_steps")
          .values(
            input.steps.map((step, idx) => ({
              operation_id: id,
              idx,
              step_id: step.id,
              title: step.title,
              call: step.call ? toJsonText(step.call) : null,
              wait: step.wait ? toJsonText(step.wait) : null,
              status: "pending",
              started_at: null,
              finished_at: null,
              output: null,
              error: null,
              skip_if: step.skipIf ? toJsonText(step.skipIf) : null,
              progress: null,
            })),
          )
          .returningAll()
          .execute();
        writes.push(...stepRows.map(stepWrite));
      }
      await this.chainJournal(trx, writes);
      // The journal head first, then the audit head: no transaction takes them the other way round.
      for (const entry of input.audit ?? []) await this.appendAuditIn(trx, entry);
    });
    this.afterWrite();
    const created = await this.getOperation(id);
    if (!created) throw new AppError("internal", "The operation could not be recorded.", `operation ${id} vanished after insert`);
    return created;
  }

  async updateOperation(id: string, patch: OperationPatch, options: { ifStatusIn?: readonly OperationStatus[] } = {}): Promise<boolean> {
    if (options.ifStatusIn && options.ifStatusIn.length === 0) return false;
    const changed = await this.db.transaction().execute(async (trx) => {
      let query = trx
        .updateTable("operations")
        .set({
          updated_at: this.iso(),
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          ...(patch.startedAt !== undefined ? { started_at: patch.startedAt } : {}),
          ...(patch.finishedAt !== undefined ? { finished_at: patch.finishedAt } : {}),
          ...(patch.error !== undefined ? { error: patch.error } : {}),
        })
        .where("id", "=", id);
      if (options.ifStatusIn) query = query.where("status", "in", [...options.ifStatusIn]);
      const row = await query.returningAll().executeTakeFirst();
      if (row) await this.chainJournal(trx, [operationWrite(row)]);
      return row !== undefined;
    });
    if (changed) this.afterWrite();
    return changed;
  }

  async updateStep(operationId: string, index: number, patch: StepPatch): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable("operation_steps")
        .set({
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          ...(patch.startedAt !== undefined ? { started_at: patch.startedAt } : {}),
          ...(patch.finishedAt !== undefined ? { finished_at: patch.finishedAt } : {}),
          ...(patch.output !== undefined ? { output: patch.output === null ? null : toJsonText(patch.output) } : {}),
          ...(patch.error !== undefined ? { error: patch.error } : {}),
          ...(patch.progress !== undefined ? { progress: patch.progress === null ? null : toJsonText(patch.progress) } : {}),
        })
        .where("operation_id", "=", operationId)
        .where("idx", "=", index)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new AppError("not_found", "No such operation step.", `step ${index} of operation ${operationId} not found`);
      await this.chainJournal(trx, [stepWrite(row)]);
    });
    this.afterWrite();
  }

  async recordSettled(id: string, settledAt: string): Promise<boolean> {
    if (Number.isNaN(Date.parse(settledAt))) throw new AppError("invalid", "Not a time.", `settledAt ${settledAt}`);
    const changed = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable("operations")
        .set({ settled_at: new Date(settledAt).toISOString(), updated_at: this.iso() })
        .where("id", "=", id)
        .where("status", "=", "succeeded")
        .where("settled_at", "is", null)
        .returningAll()
        .executeTakeFirst();
      if (row) await this.chainJournal(trx, [operationWrite(row)]);
      return row !== undefined;
    });
    if (changed) this.afterWrite();
    return changed;
  }

  async getOperation(id: string): Promise<Operation | null> {
    const row = await this.db.selectFrom("operations").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) return null;
    const steps = await this.db.selectFrom("operation_steps").selectAll().where("operation_id", "=", id).orderBy("idx").execute();
    return toOperation(row, steps);
  }

  async getOperationStatus(id: string): Promise<OperationStatus | null> {
    const row = await this.db.selectFrom("operations").select("status").where("id", "=", id).executeTakeFirst();
    return row ? checkedStatus(row.status, OPERATION_STATUSES, "operation") : null;
  }

  async listOperations(filter: OperationFilter = {}): Promise<Operation[]> {
    let query = this.db.selectFrom("operations").selectAll();
    if (filter.appId !== undefined) query = query.where("app_id", "=", filter.appId);
    if (filter.status !== undefined) {
      const statuses = statusList(filter.status);
      if (statuses.length === 0) return [];
      query = query.where("status", "in", statuses);
    }
    if (filter.actorEmail !== undefined) query = query.where(this.contains("actor", canonicalFieldNeedle("email", filter.actorEmail)));
    if (filter.intentKind !== undefined) {
      const kinds = listOf(filter.intentKind);
      if (kinds.length === 0) return [];
      query = query.where((eb) => eb.or(kinds.map((kind) => this.contains("intent", canonicalFieldNeedle("kind", kind)))));
    }
    if (filter.since !== undefined) query = query.where("created_at", ">=", filter.since);
    if (filter.until !== undefined) query = query.where("created_at", "<", filter.until);
    const rows = await query
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(clampLimit(filter.limit, 50, 500))
      .execute();
    return this.withSteps(rows);
  }

  private async withSteps(rows: Selectable<OperationsTable>[]): Promise<Operation[]> {
    if (rows.length === 0) return [];
    const steps = await this.db
      .selectFrom("operation_steps")
      .selectAll()
      .where(
        "operation_id",
        "in",
        rows.map((r) => r.id),
      )
      .orderBy("operation_id")
      .orderBy("idx")
      .execute();
    const byOperation = new Map<string, Selectable<OperationStepsTable>[]>();
    for (const step of steps) {
      const list = byOperation.get(step.operation_id) ?? [];
      list.push(step);
      byOperation.set(step.operation_id, list);
    }
    return rows.map((row) => toOperation(row, byOperation.get(row.id) ?? []));
  }

  async markRunningInterrupted(options: { nowMs?: number } = {}): Promise<Operation[]> {
    const liveAt = options.nowMs === undefined ? null : new Date(options.nowMs).toISOString();
    const changed = await this.db.transaction().execute(async (trx) => {
      let query = trx
        .updateTable("operations")
        .set({
          status: "interrupted",
          updated_at: this.iso(),
          error: "The server stopped while this operation was running.",
        })
        .where("status", "in", [...ACTIVE_STATUSES]);
      if (liveAt !== null) {
        query = query.where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("locks").select("locks.app_id").whereRef("locks.holder", "=", "operations.id").where("locks.lease_expires_at", ">", liveAt),
            ),
          ),
        );
      }
      const rows = await query.returningAll().execute();
      await this.chainJournal(trx, rows.map(operationWrite));
      return rows;
    });
    if (changed.length === 0) return [];
    this.afterWrite();
    const rows = await this.db
      .selectFrom("operations")
      .selectAll()
      .where(
        "id",
        "in",
        changed.map((r) => r.id),
      )
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .execute();
    return this.withSteps(rows);
  }

  async tryAcquireLock(appId: string, holder: string, leaseMs: number, nowMs: number, options: { replaceHolder?: string } = {}): Promise<boolean> {
    const now = new Date(nowMs).toISOString();
    const expires = new Date(nowMs + leaseMs).toISOString();
    const replaceable = [holder, ...(options.replaceHolder !== undefined ? [options.replaceHolder] : [])];
    // Insert, or take over only when the lease has expired or the holder may be replaced. The
    // conflict check and the update are one statement, so concurrent callers cannot both win;
    // RETURNING yields a row only when this statement wrote it.
    const written = await this.db
      .insertInto("locks")
      .values({ app_id: appId, holder, acquired_at: now, lease_expires_at: expires })
      .onConflict((oc) =>
        oc
          .column("app_id")
          .doUpdateSet({ holder, acquired_at: now, lease_expires_at: expires })
          .where((eb) => eb.or([eb("locks.lease_expires_at", "<=", now), eb("locks.holder", "in", replaceable)])),
      )
      .returning("holder")
      .executeTakeFirst();
    return written?.holder === holder;
  }

  async renewLock(appId: string, holder: string, leaseMs: number, nowMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable("locks")
      .set({ lease_expires_at: new Date(nowMs + leaseMs).toISOString() })
      .where("app_id", "=", appId)
      .where("holder", "=", holder)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async releaseLock(appId: string, holder: string): Promise<boolean> {
    const result = await this.db.deleteFrom("locks").where("app_id", "=", appId).where("holder", "=", holder).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async getLock(appId: string): Promise<LockInfo | null> {
    const row = await this.db.selectFrom("locks").selectAll().where("app_id", "=", appId).executeTakeFirst();
    return row ? { appId: row.app_id, holder: row.holder, acquiredAt: row.acquired_at, leaseExpiresAt: row.lease_expires_at } : null;
  }

  async appendAudit(entry: AuditEntryInput): Promise<AuditRecord> {
    const record = await this.db.transaction().execute((trx) => this.appendAuditIn(trx, entry));
    this.afterWrite();
    return record;
  }

  /** Appends one audit row to the hash chain in the caller's transaction. */
  private async appendAuditIn(trx: Transaction<Database>, entry: AuditEntryInput): Promise<AuditRecord> {
    // Store JSON in canonical form and hash exactly what a reader will parse back.
    const actorText = entry.actor ? toJsonText(actorOf(entry.actor)) : null;
    const beforeText = entry.before === null ? null : toJsonText(entry.before);
    const afterText = entry.after === null ? null : toJsonText(entry.after);
    const key = this.requireKey();
    {
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
    if (filter.actorEmail !== undefined) query = query.where(this.contains("actor", canonicalFieldNeedle("email", filter.actorEmail)));
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
    const key = this.audit.key;
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
    const key = this.audit.key;
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
    const key = this.audit.key;
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

  /** Case-sensitive substring test on a text column, in each dialect's own spelling. */
  private contains(column: "actor" | "intent", needle: string): Expression<SqlBool> {
    return this.dialect === "postgres"
      ? sql<SqlBool>`strpos(${sql.ref(column)}, ${needle}) > 0`
      : sql<SqlBool>`instr(${sql.ref(column)}, ${needle}) > 0`;
  }

  async createKioskToken(input: CreateKioskTokenInput): Promise<KioskTokenInfo> {
    if (!/^[0-9a-f]{64}$/.test(input.tokenHash)) {
      throw new AppError("internal", "The token could not be recorded.", "kiosk token hash must be 64 lowercase hex characters");
    }
    const row: KioskTokensTable = {
      id: randomUUID(),
      label: input.label,
      token_hash: input.tokenHash,
      created_by: toJsonText({ id: input.createdBy.id, email: input.createdBy.email }),
      created_at: this.iso(),
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.insertInto("kiosk_tokens").values(row).execute();
    return toKioskToken(row);
  }

  async listKioskTokens(): Promise<KioskTokenInfo[]> {
    const rows = await this.db.selectFrom("kiosk_tokens").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").execute();
    return rows.map(toKioskToken);
  }

  async findKioskTokenByHash(tokenHash: string): Promise<KioskTokenInfo | null> {
    const row = await this.db.selectFrom("kiosk_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
    return row ? toKioskToken(row) : null;
  }

  async touchKioskToken(id: string, options: { minIntervalMs?: number } = {}): Promise<void> {
    const nowMs = this.now();
    const threshold = new Date(nowMs - (options.minIntervalMs ?? 60_000)).toISOString();
    await this.db
      .updateTable("kiosk_tokens")
      .set({ last_used_at: new Date(nowMs).toISOString() })
      .where("id", "=", id)
      .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<=", threshold)]))
      .execute();
  }

  async revokeKioskToken(id: string): Promise<KioskTokenInfo | null> {
    await this.db.updateTable("kiosk_tokens").set({ revoked_at: this.iso() }).where("id", "=", id).where("revoked_at", "is", null).execute();
    const row = await this.db.selectFrom("kiosk_tokens").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toKioskToken(row) : null;
  }

  async createSession(input: CreateSessionInput): Promise<SessionInfo> {
    const row: SessionsTable = {
      id: randomUUID(),
      user_id: input.userId,
      email: input.email,
      role: input.role,
      provider: input.provider,
      created_at: this.iso(),
      expires_at: input.expiresAt,
      revoked_at: null,
    };
    await this.db.insertInto("sessions").values(row).execute();
    return toSession(row);
  }

  async getSession(id: string): Promise<SessionInfo | null> {
    const row = await this.db.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toSession(row) : null;
  }

  async listActiveSessions(nowIso: string): Promise<SessionInfo[]> {
    const rows = await this.db
      .selectFrom("sessions")
      .selectAll()
      .where("revoked_at", "is", null)
      .where("expires_at", ">", nowIso)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(500)
      .execute();
    return rows.map(toSession);
  }

  async revokeSession(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable("sessions")
      .set({ revoked_at: this.iso() })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async revokeUserSessions(userId: string): Promise<number> {
    const result = await this.db
      .updateTable("sessions")
      .set({ revoked_at: this.iso() })
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async close(): Promise<void> {
    await this.exporting;
    // The head at shutdown, so a restart finds the newest records pinned outside the database.
    if (this.lastExportMs !== Number.NEGATIVE_INFINITY) {
      await this.exportAuditHead().catch((error: unknown) =>
        console.error("[store] exporting the audit head failed:", error instanceof Error ? error.message : error),
      );
    }
    await this.db.destroy();
  }
}

function toSession(row: Selectable<SessionsTable>): SessionInfo {
  return {
    id: row.id,
    userId: row.user_id,
    email: row.email,
    role: checkedStatus(row.role, ROLES, "session role"),
    provider: row.provider,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

function toKioskToken(row: Selectable<KioskTokensTable>): KioskTokenInfo {
  const creator = parseJson<{ id: string; email: string }>(row.created_by);
  return {
    id: row.id,
    label: row.label,
    createdBy: { id: creator.id, email: creator.email },
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

function toOperation(row: Selectable<OperationsTable>, steps: Selectable<OperationStepsTable>[]): Operation {
  return {
    id: row.id,
    appId: row.app_id,
    pattern: row.pattern as PatternId,
    intent: parseJson<Intent>(row.intent),
    summary: row.summary,
    status: checkedStatus(row.status, OPERATION_STATUSES, "operation"),
    actor: parseJson<Actor>(row.actor),
    reason: row.reason,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    steps: steps.map(toStep),
    ...(row.plan_before !== null ? { before: parseJson<PlanEnds>(row.plan_before) } : {}),
    ...(row.plan_after !== null ? { after: parseJson<PlanEnds>(row.plan_after) } : {}),
    ...(row.settled_at !== null ? { settledAt: row.settled_at } : {}),
  };
}

function toStep(row: Selectable<OperationStepsTable>): OperationStep {
  return {
    index: row.idx,
    id: row.step_id,
    title: row.title,
    ...(row.call !== null ? { call: parseJson<AwsCall>(row.call) } : {}),
    ...(row.wait !== null ? { wait: parseJson<WaitCondition>(row.wait) } : {}),
    status: checkedStatus(row.status, STEP_STATUSES, "step"),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    output: parseNullableJson<JsonValue>(row.output),
    error: row.error,
    ...(row.skip_if !== null ? { skipIf: parseJson<WaitCondition>(row.skip_if) } : {}),
    ...(row.progress !== null ? { progress: parseJson<StepProgress>(row.progress) } : {}),
  };
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
