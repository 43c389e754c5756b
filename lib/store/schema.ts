/**
 * Row types of the Teal database, as Kysely sees them. Timestamps are ISO-8601 strings and JSON
 * values are stored as text, so SQLite and PostgreSQL behave the same.
 */

import type { WebhookAttemptsTable, WebhookCursorTable, WebhookDeliveriesTable, WebhooksTable } from "./webhook-schema";

export interface OperationsTable {
  id: string;
  app_id: string;
  pattern: string;
  /** JSON of the Intent. */
  intent: string;
  summary: string;
  status: string;
  /** JSON of the Actor who started it. */
  actor: string;
  reason: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  updated_at: string;
  /** JSON of the plan's `before` (0002), or null. */
  plan_before: string | null;
  /** JSON of the plan's `after` (0002), or null. */
  plan_after: string | null;
  /** (0006) When the operation's traffic settled (ISO), or null. */
  settled_at: string | null;
}

export interface OperationStepsTable {
  operation_id: string;
  idx: number;
  step_id: string;
  title: string;
  /** JSON of the AwsCall, or null. */
  call: string | null;
  /** JSON of the WaitCondition, or null. */
  wait: string | null;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  /** JSON of the call's output, or null. */
  output: string | null;
  error: string | null;
  /** JSON of the step's skipIf WaitCondition (0002), or null. */
  skip_if: string | null;
  /** JSON of the StepProgress counters (0002), or null. */
  progress: string | null;
}

export interface LocksTable {
  app_id: string;
  /** The id of the operation holding the lock. */
  holder: string;
  acquired_at: string;
  lease_expires_at: string;
}

export interface AuditTable {
  seq: number;
  at: string;
  action: string;
  actor: string | null;
  app_id: string | null;
  operation_id: string | null;
  reason: string | null;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
}

/**
 * The last sequence number and hash of a chain: id 1 the audit log, id 2 (0005) the journal
 * chain. Appends lock the row.
 */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  /** (0005, id 1) The first audit seq hashed with the key; the rows before it are legacy, unkeyed. */
  keyed_from: number | null;
}

/**
 * (0005) One entry per journal write: the digest of the operation row (idx -1) or step row as
 * written, chained with the audit key, in the same transaction as the write.
 */
export interface JournalChainTable {
  seq: number;
  at: string;
  operation_id: string;
  idx: number;
  digest: string;
  prev_hash: string;
  hash: string;
}

/** Kiosk tokens (0003): the secret is never stored, only its SHA-256 (hex). */
export interface KioskTokensTable {
  id: string;
  label: string;
  token_hash: string;
  /** JSON of `{id, email}` of the admin who created it. */
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Server-side sessions (0004): the session cookie carries the id; revoked_at ends the session. */
export interface SessionsTable {
  id: string;
  user_id: string;
  email: string;
  role: string;
  provider: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/**
 * (0007) Which server reads a scope's applications (an AWS Region's) from AWS for the pages when
 * several share the database: a lease, renewed by its holder at each refresh.
 */
export interface RefreshLeasesTable {
  scope: string;
  /** The id of the server process holding the lease. */
  holder: string;
  lease_expires_at: string;
  /** (0010) The holder's idle interval when it last took or renewed the lease (ms); null before 0010. */
  interval_ms: number | null;
}

/** (0007) The latest observation of each application a server read for the pages, for the others to serve. */
export interface ObservationsTable {
  app_id: string;
  /** When the refresh that wrote the row began, on the writer's clock (ISO): the refresh window it belongs to. */
  refreshed_at: string;
  /** The id of the server that wrote it. */
  writer: string;
  /** JSON of the observation's stored parts (the last good read); null before one. */
  payload: string | null;
  /** The user-safe text of the latest refresh's failure, or null. */
  error: string | null;
  /** How often the lease holder reads the application (ms), as of its latest read of it; null before one. */
  holder_interval_ms: number | null;
}

/** (0008) API tokens for machines: the secret is never stored, only its SHA-256 (hex). */
export interface ApiTokensTable {
  id: string;
  name: string;
  role: string;
  /** JSON array of the application ids it may act on, or null for every application. */
  apps: string | null;
  token_hash: string;
  /** JSON of `{id, email}` of who created it. */
  created_by: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/**
 * (0008) The first answer to a POST sent with an `Idempotency-Key`, per caller (an actor id) and key.
 * `status` and `response` are null while the first request runs.
 */
export interface IdempotencyKeysTable {
  caller: string;
  key: string;
  /** SHA-256 (hex) of the method, path and body: the same key with another request is refused. */
  request_hash: string;
  status: number | null;
  /** The JSON body of the first answer. */
  response: string | null;
  created_at: string;
  expires_at: string;
}

/** (0009) Local users: people who sign in with a password Teal keeps, as a scrypt hash only. */
export interface LocalUsersTable {
  id: string;
  /** Normalised (trimmed, NFKC, lower case); unique. */
  email: string;
  role: string;
  password_hash: string;
  /** JSON of `{id, email}` of who created it. */
  created_by: string;
  created_at: string;
  disabled_at: string | null;
}

export interface Database {
  operations: OperationsTable;
  operation_steps: OperationStepsTable;
  locks: LocksTable;
  audit: AuditTable;
  audit_head: AuditHeadTable;
  kiosk_tokens: KioskTokensTable;
  journal_chain: JournalChainTable;
  sessions: SessionsTable;
  refresh_leases: RefreshLeasesTable;
  observations: ObservationsTable;
  api_tokens: ApiTokensTable;
  idempotency_keys: IdempotencyKeysTable;
  local_users: LocalUsersTable;
  webhooks: WebhooksTable;
  webhook_cursor: WebhookCursorTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
