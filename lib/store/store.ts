/**
 * The Teal database: operations journal, per-application locks and the hash-chained audit log,
 * over Kysely on SQLite (better-sqlite3) or PostgreSQL (pg). The audit log and the journal are
 * chained with a key that is not in the database (see audit-hash.ts and audit-key.ts); every
 * journal write appends its chain entry in the same transaction.
 *
 * The Store composes one part per job: the journal of operations and steps (journal.ts), the locks
 * (locks.ts), the audit log (audit-log.ts) over the hash chains (chains.ts), kiosk tokens
 * (kiosk-tokens.ts), sessions (sessions.ts), the pages' refresh shared by the servers (refresh.ts), and
 * the REST API's tokens (api-tokens.ts) and idempotency keys (idempotency.ts), and local users
 * (local-users.ts).
 */

import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type KyselyPlugin } from "kysely";
import type { ApiTokenInfo } from "@/lib/domain/api-token";
import type { KioskTokenInfo } from "@/lib/domain/kiosk";
import type { CreateLocalUserInput, LocalUserCredentials, LocalUserInfo } from "@/lib/domain/local-user";
import type { SessionInfo } from "@/lib/domain/session";
import { AppError } from "@/lib/domain/app-error";
import type { AuditEntryInput, AuditRecord, Operation } from "@/lib/domain/operation";
import type { OperationStatus } from "@/lib/domain/operation-status";
import { logger } from "@/lib/telemetry/log";
import { AUDIT_KEY_MIN_BYTES, type AuditKey } from "./audit-hash";
import { resolveAuditSettings, type AuditSettings, type HeadSinkTarget } from "./audit-key";
import type { SignedHead } from "./audit-export";
import { ApiTokens, type CreateApiTokenInput } from "./api-tokens";
import { AuditLog, type AuditChainInfo, type AuditFilter, type AuditVerification } from "./audit-log";
import { AuditChains, type AuditConfig } from "./chains";
import type { DialectName, StoreCore } from "./core";
import {
  OperationsJournal,
  type CreateOperationInput,
  type InterruptOptions,
  type OperationFilter,
  type OperationPatch,
  type OperationWriteOptions,
  type StepPatch,
  type StepWriteOptions,
} from "./journal";
import { IdempotencyKeys, type ClaimIdempotencyKey, type IdempotencyClaim } from "./idempotency";
import { KioskTokens, type CreateKioskTokenInput } from "./kiosk-tokens";
import { LocalUsers } from "./local-users";
import { LockTable, type LockInfo } from "./locks";
import { migrationProvider } from "./migrations";
import { RefreshTable, type RefreshLease, type RefreshResult, type StoredObservation, type TakeRefreshLease } from "./refresh";
import { Sessions, type CreateSessionInput } from "./sessions";
import type { Database } from "./schema";
import { WebhookTable } from "./webhooks";

export type { AuditChainInfo, AuditFilter, AuditVerification } from "./audit-log";
export type { DialectName } from "./core";
export type {
  CreateOperationInput,
  InterruptOptions,
  OperationFilter,
  OperationPatch,
  OperationWriteOptions,
  StepPatch,
  StepWriteOptions,
} from "./journal";
export type { CreateKioskTokenInput } from "./kiosk-tokens";
export type { CreateApiTokenInput } from "./api-tokens";
export type { ClaimIdempotencyKey, IdempotencyClaim } from "./idempotency";
export type { LockInfo } from "./locks";
export type { CreateSessionInput } from "./sessions";
export type { RefreshLease, RefreshResult, StoredObservation, TakeRefreshLease } from "./refresh";
export { canonicalFieldNeedle } from "./rows";
export type { WebhookTable } from "./webhooks";

export interface Store {
  readonly dialect: DialectName;

  /**
   * Writes the operation (status `pending`), all its steps (`pending`) and `input.audit` in one
   * transaction.
   */
  createOperation(input: CreateOperationInput): Promise<Operation>;
  /**
   * Updates an operation. With `ifStatusIn`, only when its current status is one of those (a
   * compare-and-set, so two writers cannot both finish it); `audit` is written in the same
   * transaction when the row changed. Returns whether a row changed.
   */
  updateOperation(id: string, patch: OperationPatch, options?: OperationWriteOptions): Promise<boolean>;
  /** Updates a step; `audit` is written in the same transaction. */
  updateStep(operationId: string, index: number, patch: StepPatch, options?: StepWriteOptions): Promise<void>;
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
   * belong to another server sharing the database. `audit` gives each one's audit record, written
   * in the same transaction.
   */
  markRunningInterrupted(options?: InterruptOptions): Promise<Operation[]>;

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

  /**
   * Records an API token by the SHA-256 (hex) of its secret. Refused (conflict) when a token that is
   * neither revoked nor expired has the same name.
   */
  createApiToken(input: CreateApiTokenInput): Promise<ApiTokenInfo>;
  /** Newest first, revoked and expired ones included. */
  listApiTokens(): Promise<ApiTokenInfo[]>;
  /** The token whose secret hashes to `tokenHash`, revoked or expired or not (the caller decides), or null. */
  findApiTokenByHash(tokenHash: string): Promise<ApiTokenInfo | null>;
  /** Notes a use of the token, at most once per `minIntervalMs` (default a minute). */
  touchApiToken(id: string, options?: { minIntervalMs?: number }): Promise<void>;
  /** Revokes the token (idempotent: the first revocation time is kept); null if unknown. */
  revokeApiToken(id: string): Promise<ApiTokenInfo | null>;

  /**
   * Claims an idempotency key for a request before it runs, or says it was answered (the answer),
   * used for another request, or is running now. Forgets expired keys first.
   */
  claimIdempotencyKey(input: ClaimIdempotencyKey): Promise<IdempotencyClaim>;
  /** Keeps the answer of a claimed key's request. */
  completeIdempotencyKey(caller: string, key: string, status: number, body: string): Promise<void>;
  /** Gives a claimed key back unanswered (its request failed: a retry runs it again). */
  releaseIdempotencyKey(caller: string, key: string): Promise<void>;

  /** Records a local user (email normalised by the caller, password as a scrypt hash). Refused (conflict) when the email is taken. */
  createLocalUser(input: CreateLocalUserInput): Promise<LocalUserInfo>;
  /** Every local user by email, disabled ones included; never a password hash. */
  listLocalUsers(): Promise<LocalUserInfo[]>;
  /** The user with this normalised email and their password hash, disabled or not, or null. */
  findLocalUserByEmail(email: string): Promise<LocalUserCredentials | null>;
  getLocalUser(id: string): Promise<LocalUserInfo | null>;
  /** Disables a user (idempotent: the first time is kept); null if unknown. */
  disableLocalUser(id: string): Promise<LocalUserInfo | null>;

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

  /**
   * Takes or renews a scope's (an AWS Region's) refresh lease: which server reads its applications
   * from AWS for the pages. Taken when free, lapsed, already `holder`'s, or `force`; one atomic
   * statement, so of two servers asking at once one gets it.
   */
  tryTakeRefreshLease(scope: string, holder: string, take: TakeRefreshLease): Promise<boolean>;
  getRefreshLeases(scopes: readonly string[]): Promise<RefreshLease[]>;
  /** When each stored observation of `appIds` was read (ms), without the payloads. */
  getObservationTimes(appIds: readonly string[]): Promise<Map<string, number>>;
  /** The observation a server stored for the application, or null. */
  getObservation(appId: string): Promise<StoredObservation | null>;
  /**
   * Stores a refresh's read or failure unless a later refresh is stored; `holderIntervalMs` from the
   * lease holder only. Returns whether it was written.
   */
  saveObservation(appId: string, writer: string, refreshedAtMs: number, result: RefreshResult, holderIntervalMs: number | null): Promise<boolean>;

  /** Webhooks, the notifier's cursor, the outbox of deliveries and their attempts (webhooks.ts). */
  readonly webhooks: WebhookTable;

  /** One trivial query (`select 1`): whether the database answers (the readiness check). */
  ping(): Promise<void>;

  close(): Promise<void>;
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
    pool.on("error", (error) => logger.error("store.postgres_idle_client_error", { error: error.message }));
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

class KyselyStore implements Store {
  private readonly chains: AuditChains;
  private readonly journal: OperationsJournal;
  private readonly locks: LockTable;
  private readonly auditLog: AuditLog;
  private readonly kioskTokens: KioskTokens;
  private readonly sessions: Sessions;
  private readonly refresh: RefreshTable;
  private readonly apiTokens: ApiTokens;
  private readonly idempotency: IdempotencyKeys;
  private readonly localUsers: LocalUsers;
  readonly webhooks: WebhookTable;

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    now: () => number,
    audit: AuditConfig,
  ) {
    const core: StoreCore = { db, dialect, now };
    this.chains = new AuditChains(core, audit);
    this.journal = new OperationsJournal(core, this.chains);
    this.locks = new LockTable(core);
    this.auditLog = new AuditLog(core, this.chains);
    this.kioskTokens = new KioskTokens(core);
    this.sessions = new Sessions(core);
    this.refresh = new RefreshTable(core);
    this.apiTokens = new ApiTokens(core);
    this.idempotency = new IdempotencyKeys(core);
    this.localUsers = new LocalUsers(core);
    this.webhooks = new WebhookTable(core);
  }

  /**
   * Once, on a database journaled before the journal chain existed: chains every operation and
   * step as they are now.
   */
  sealLegacyJournal(): Promise<void> {
    return this.chains.sealLegacyJournal();
  }

  createOperation(input: CreateOperationInput): Promise<Operation> {
    return this.journal.createOperation(input);
  }
  updateOperation(id: string, patch: OperationPatch, options?: OperationWriteOptions): Promise<boolean> {
    return this.journal.updateOperation(id, patch, options);
  }
  updateStep(operationId: string, index: number, patch: StepPatch, options?: StepWriteOptions): Promise<void> {
    return this.journal.updateStep(operationId, index, patch, options);
  }
  recordSettled(id: string, settledAt: string): Promise<boolean> {
    return this.journal.recordSettled(id, settledAt);
  }
  getOperation(id: string): Promise<Operation | null> {
    return this.journal.getOperation(id);
  }
  getOperationStatus(id: string): Promise<OperationStatus | null> {
    return this.journal.getOperationStatus(id);
  }
  listOperations(filter?: OperationFilter): Promise<Operation[]> {
    return this.journal.listOperations(filter);
  }
  markRunningInterrupted(options?: InterruptOptions): Promise<Operation[]> {
    return this.journal.markRunningInterrupted(options);
  }

  tryAcquireLock(appId: string, holder: string, leaseMs: number, nowMs: number, options?: { replaceHolder?: string }): Promise<boolean> {
    return this.locks.tryAcquireLock(appId, holder, leaseMs, nowMs, options);
  }
  renewLock(appId: string, holder: string, leaseMs: number, nowMs: number): Promise<boolean> {
    return this.locks.renewLock(appId, holder, leaseMs, nowMs);
  }
  releaseLock(appId: string, holder: string): Promise<boolean> {
    return this.locks.releaseLock(appId, holder);
  }
  getLock(appId: string): Promise<LockInfo | null> {
    return this.locks.getLock(appId);
  }

  appendAudit(entry: AuditEntryInput): Promise<AuditRecord> {
    return this.auditLog.appendAudit(entry);
  }
  listAudit(filter?: AuditFilter): Promise<AuditRecord[]> {
    return this.auditLog.listAudit(filter);
  }
  verifyAudit(options?: { exported?: SignedHead | readonly SignedHead[] | null }): Promise<AuditVerification> {
    return this.auditLog.verifyAudit(options);
  }
  exportAuditHead(): Promise<SignedHead | null> {
    return this.chains.exportAuditHead();
  }
  auditChainInfo(): Promise<AuditChainInfo> {
    return this.auditLog.auditChainInfo();
  }

  createKioskToken(input: CreateKioskTokenInput): Promise<KioskTokenInfo> {
    return this.kioskTokens.createKioskToken(input);
  }
  listKioskTokens(): Promise<KioskTokenInfo[]> {
    return this.kioskTokens.listKioskTokens();
  }
  findKioskTokenByHash(tokenHash: string): Promise<KioskTokenInfo | null> {
    return this.kioskTokens.findKioskTokenByHash(tokenHash);
  }
  touchKioskToken(id: string, options?: { minIntervalMs?: number }): Promise<void> {
    return this.kioskTokens.touchKioskToken(id, options);
  }
  revokeKioskToken(id: string): Promise<KioskTokenInfo | null> {
    return this.kioskTokens.revokeKioskToken(id);
  }

  createApiToken(input: CreateApiTokenInput): Promise<ApiTokenInfo> {
    return this.apiTokens.createApiToken(input);
  }
  listApiTokens(): Promise<ApiTokenInfo[]> {
    return this.apiTokens.listApiTokens();
  }
  findApiTokenByHash(tokenHash: string): Promise<ApiTokenInfo | null> {
    return this.apiTokens.findApiTokenByHash(tokenHash);
  }
  touchApiToken(id: string, options?: { minIntervalMs?: number }): Promise<void> {
    return this.apiTokens.touchApiToken(id, options);
  }
  revokeApiToken(id: string): Promise<ApiTokenInfo | null> {
    return this.apiTokens.revokeApiToken(id);
  }

  claimIdempotencyKey(input: ClaimIdempotencyKey): Promise<IdempotencyClaim> {
    return this.idempotency.claimIdempotencyKey(input);
  }
  completeIdempotencyKey(caller: string, key: string, status: number, body: string): Promise<void> {
    return this.idempotency.completeIdempotencyKey(caller, key, status, body);
  }
  releaseIdempotencyKey(caller: string, key: string): Promise<void> {
    return this.idempotency.releaseIdempotencyKey(caller, key);
  }

  createLocalUser(input: CreateLocalUserInput): Promise<LocalUserInfo> {
    return this.localUsers.createLocalUser(input);
  }
  listLocalUsers(): Promise<LocalUserInfo[]> {
    return this.localUsers.listLocalUsers();
  }
  findLocalUserByEmail(email: string): Promise<LocalUserCredentials | null> {
    return this.localUsers.findLocalUserByEmail(email);
  }
  getLocalUser(id: string): Promise<LocalUserInfo | null> {
    return this.localUsers.getLocalUser(id);
  }
  disableLocalUser(id: string): Promise<LocalUserInfo | null> {
    return this.localUsers.disableLocalUser(id);
  }

  createSession(input: CreateSessionInput): Promise<SessionInfo> {
    return this.sessions.createSession(input);
  }
  getSession(id: string): Promise<SessionInfo | null> {
    return this.sessions.getSession(id);
  }
  listActiveSessions(nowIso: string): Promise<SessionInfo[]> {
    return this.sessions.listActiveSessions(nowIso);
  }
  revokeSession(id: string): Promise<boolean> {
    return this.sessions.revokeSession(id);
  }
  revokeUserSessions(userId: string): Promise<number> {
    return this.sessions.revokeUserSessions(userId);
  }

  tryTakeRefreshLease(scope: string, holder: string, take: TakeRefreshLease): Promise<boolean> {
    return this.refresh.tryTakeRefreshLease(scope, holder, take);
  }
  getRefreshLeases(scopes: readonly string[]): Promise<RefreshLease[]> {
    return this.refresh.getRefreshLeases(scopes);
  }
  getObservationTimes(appIds: readonly string[]): Promise<Map<string, number>> {
    return this.refresh.getObservationTimes(appIds);
  }
  getObservation(appId: string): Promise<StoredObservation | null> {
    return this.refresh.getObservation(appId);
  }
  saveObservation(appId: string, writer: string, refreshedAtMs: number, result: RefreshResult, holderIntervalMs: number | null): Promise<boolean> {
    return this.refresh.saveObservation(appId, writer, refreshedAtMs, result, holderIntervalMs);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.chains.exportOnClose();
    await this.db.destroy();
  }
}
