/**
 * Database migrations, defined in code (not read from disk) so they survive bundling.
 * Append new migrations; never edit one that has shipped.
 */

import { sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { GENESIS_HASH } from "./audit-hash";

// Migrations run against whatever the schema is at that point in history, so they take an untyped handle.
type AnyDb = Kysely<Record<string, never>>;

const initial: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("operations")
      .addColumn("id", "varchar(64)", (c) => c.primaryKey())
      .addColumn("app_id", "varchar(200)", (c) => c.notNull())
      .addColumn("pattern", "varchar(64)", (c) => c.notNull())
      .addColumn("intent", "text", (c) => c.notNull())
      .addColumn("summary", "text", (c) => c.notNull())
      .addColumn("status", "varchar(32)", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("created_at", "varchar(32)", (c) => c.notNull())
      .addColumn("started_at", "varchar(32)")
      .addColumn("finished_at", "varchar(32)")
      .addColumn("error", "text")
      .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("operations_app_created").on("operations").columns(["app_id", "created_at"]).execute();
    await db.schema.createIndex("operations_status").on("operations").column("status").execute();
    await db.schema.createIndex("operations_created").on("operations").column("created_at").execute();

    await db.schema
      .createTable("operation_steps")
      .addColumn("operation_id", "varchar(64)", (c) => c.notNull().references("operations.id").onDelete("cascade"))
      .addColumn("idx", "integer", (c) => c.notNull())
      .addColumn("step_id", "varchar(200)", (c) => c.notNull())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("call", "text")
      .addColumn("wait", "text")
      .addColumn("status", "varchar(32)", (c) => c.notNull())
      .addColumn("started_at", "varchar(32)")
      .addColumn("finished_at", "varchar(32)")
      .addColumn("output", "text")
      .addColumn("error", "text")
      .addPrimaryKeyConstraint("operation_steps_pk", ["operation_id", "idx"])
      .execute();

    await db.schema
      .createTable("locks")
      .addColumn("app_id", "varchar(200)", (c) => c.primaryKey())
      .addColumn("holder", "varchar(200)", (c) => c.notNull())
      .addColumn("acquired_at", "varchar(32)", (c) => c.notNull())
      .addColumn("lease_expires_at", "varchar(32)", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("audit")
      .addColumn("seq", "integer", (c) => c.primaryKey())
      .addColumn("at", "varchar(32)", (c) => c.notNull())
      .addColumn("action", "varchar(64)", (c) => c.notNull())
      .addColumn("actor", "text")
      .addColumn("app_id", "varchar(200)")
      .addColumn("operation_id", "varchar(64)")
      .addColumn("reason", "text")
      .addColumn("before", "text")
      .addColumn("after", "text")
      .addColumn("prev_hash", "char(64)", (c) => c.notNull())
      .addColumn("hash", "char(64)", (c) => c.notNull().unique())
      .execute();
    await db.schema.createIndex("audit_app").on("audit").columns(["app_id", "seq"]).execute();
    await db.schema.createIndex("audit_operation").on("audit").columns(["operation_id", "seq"]).execute();

    await db.schema
      .createTable("audit_head")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("hash", "char(64)", (c) => c.notNull())
      .execute();
    await sql`insert into audit_head (id, seq, hash) values (1, 0, ${GENESIS_HASH})`.execute(db);
  },
  async down(db: AnyDb) {
    for (const table of ["audit_head", "audit", "locks", "operation_steps", "operations"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};

/**
 * Resume support: each step keeps its `skipIf` condition and its progress counters (calls, SDK
 * attempts, polls, last error, note) as JSON; each operation keeps its plan's before/after so a
 * resumed run audits what it changes. All nullable: rows written before read back without them.
 */
const stepProgress: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable("operation_steps").addColumn("skip_if", "text").execute();
    await db.schema.alterTable("operation_steps").addColumn("progress", "text").execute();
    await db.schema.alterTable("operations").addColumn("plan_before", "text").execute();
    await db.schema.alterTable("operations").addColumn("plan_after", "text").execute();
  },
  async down(db: AnyDb) {
    await db.schema.alterTable("operations").dropColumn("plan_after").execute();
    await db.schema.alterTable("operations").dropColumn("plan_before").execute();
    await db.schema.alterTable("operation_steps").dropColumn("progress").execute();
    await db.schema.alterTable("operation_steps").dropColumn("skip_if").execute();
  },
};

/**
 * Kiosk tokens for wall monitors: only the SHA-256 of each secret is kept (the secret is shown
 * once), with its label, creator and lifecycle timestamps. Revoking sets `revoked_at`; rows are
 * kept so the settings page and the audit log can still name them.
 */
const kioskTokens: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("kiosk_tokens")
      .addColumn("id", "varchar(64)", (c) => c.primaryKey())
      .addColumn("label", "varchar(200)", (c) => c.notNull())
      .addColumn("token_hash", "char(64)", (c) => c.notNull().unique())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "varchar(32)", (c) => c.notNull())
      .addColumn("last_used_at", "varchar(32)")
      .addColumn("revoked_at", "varchar(32)")
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable("kiosk_tokens").execute();
  },
};

/**
 * Server-side sessions: the session cookie names one of these rows, and a row revoked (sign-out,
 * an admin) or expired ends the session whatever the cookie says.
 */
const sessions: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("sessions")
      .addColumn("id", "varchar(64)", (c) => c.primaryKey())
      .addColumn("user_id", "varchar(200)", (c) => c.notNull())
      .addColumn("email", "varchar(320)", (c) => c.notNull())
      .addColumn("role", "varchar(32)", (c) => c.notNull())
      .addColumn("provider", "varchar(64)", (c) => c.notNull())
      .addColumn("created_at", "varchar(32)", (c) => c.notNull())
      .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
      .addColumn("revoked_at", "varchar(32)")
      .execute();
    await db.schema.createIndex("sessions_user").on("sessions").columns(["user_id", "revoked_at"]).execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable("sessions").execute();
  },
};

/**
 * The keyed audit chain: records from the next seq on are hashed with the audit key (those before
 * stay verifiable by the legacy unkeyed formula, up to `keyed_from`), and the journal gets its own
 * keyed chain of row digests, headed by audit_head row 2.
 */
const auditKeyed: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable("audit_head").addColumn("keyed_from", "integer").execute();
    await sql`update audit_head set keyed_from = seq + 1 where id = 1`.execute(db);
    await sql`insert into audit_head (id, seq, hash, keyed_from) values (2, 0, ${GENESIS_HASH}, 1)`.execute(db);
    await db.schema
      .createTable("journal_chain")
      .addColumn("seq", "integer", (c) => c.primaryKey())
      .addColumn("at", "varchar(32)", (c) => c.notNull())
      .addColumn("operation_id", "varchar(64)", (c) => c.notNull())
      .addColumn("idx", "integer", (c) => c.notNull())
      .addColumn("digest", "char(64)", (c) => c.notNull())
      .addColumn("prev_hash", "char(64)", (c) => c.notNull())
      .addColumn("hash", "char(64)", (c) => c.notNull())
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable("journal_chain").execute();
    await sql`delete from audit_head where id = 2`.execute(db);
    await db.schema.alterTable("audit_head").dropColumn("keyed_from").execute();
  },
};

/**
 * The moment an operation's traffic settled (the observed split came within tolerance of the split
 * it configured), written once when a server first sees it. Nullable: older rows, and operations
 * that never moved traffic, have none; a null column is left out of the journal digest, so the
 * chained digests of existing rows do not change.
 */
const operationSettled: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable("operations").addColumn("settled_at", "varchar(32)").execute();
  },
  async down(db: AnyDb) {
    await db.schema.alterTable("operations").dropColumn("settled_at").execute();
  },
};

/**
 * The pages' refresh shared by the servers on one database: a lease per AWS Region says which
 * server reads its applications from AWS, and each observation read is kept for the others to serve. Neither
 * is journaled or audited: both are a cache of AWS, rewritten at every refresh.
 */
const sharedRefresh: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("refresh_leases")
      .addColumn("scope", "varchar(200)", (c) => c.primaryKey())
      .addColumn("holder", "varchar(200)", (c) => c.notNull())
      .addColumn("lease_expires_at", "varchar(32)", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("observations")
      .addColumn("app_id", "varchar(200)", (c) => c.primaryKey())
      .addColumn("refreshed_at", "varchar(32)", (c) => c.notNull())
      .addColumn("writer", "varchar(200)", (c) => c.notNull())
      .addColumn("payload", "text")
      .addColumn("error", "text")
      .addColumn("holder_interval_ms", "integer")
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable("observations").execute();
    await db.schema.dropTable("refresh_leases").execute();
  },
};

/**
 * The REST API: tokens for machines (only the SHA-256 of each secret, with its name, role, the
 * applications it may act on, expiry and lifecycle), and the answers to POSTs sent with an
 * `Idempotency-Key`, kept per caller and key until they expire, so a retried request is answered
 * with the first answer instead of running again.
 */
const apiTokens: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("api_tokens")
      .addColumn("id", "varchar(64)", (c) => c.primaryKey())
      .addColumn("name", "varchar(64)", (c) => c.notNull())
      .addColumn("role", "varchar(32)", (c) => c.notNull())
      .addColumn("apps", "text")
      .addColumn("token_hash", "char(64)", (c) => c.notNull().unique())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "varchar(32)", (c) => c.notNull())
      .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
      .addColumn("last_used_at", "varchar(32)")
      .addColumn("revoked_at", "varchar(32)")
      .execute();
    await db.schema
      .createTable("idempotency_keys")
      .addColumn("caller", "varchar(200)", (c) => c.notNull())
      .addColumn("key", "varchar(200)", (c) => c.notNull())
      .addColumn("request_hash", "char(64)", (c) => c.notNull())
      .addColumn("status", "integer")
      .addColumn("response", "text")
      .addColumn("created_at", "varchar(32)", (c) => c.notNull())
      .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
      .addPrimaryKeyConstraint("idempotency_keys_pk", ["caller", "key"])
      .execute();
    await db.schema.createIndex("idempotency_keys_expires").on("idempotency_keys").column("expires_at").execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable("idempotency_keys").execute();
    await db.schema.dropTable("api_tokens").execute();
  },
};

/**
 * Local users for teams without an identity provider: email (normalised, unique), role, the scrypt
 * hash of the password, who created them and when; disabling sets `disabled_at` (the row stays so
 * the audit log can still name them).
 */
const localUsers: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("local_users")
      .addColumn("id", "varchar(64)", (c) => c.primaryKey())
      .addColumn("email", "varchar(320)", (c) => c.notNull().unique())
      .addColumn("role", "varchar(32)", (c) => c.notNull())
      .addColumn("password_hash", "varchar(256)", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "varchar(32)", (c) => c.notNull())
      .addColumn("disabled_at", "varchar(32)")
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable("local_users").execute();
  },
};

/**
 * Notifications by webhook: the webhooks an admin configured (URL and signing secret kept here,
 * never shown again), the notifier's cursor in the audit log (the last seq it turned into
 * deliveries, so a restart neither loses nor repeats one), the outbox of deliveries (one per
 * webhook and audit record, each with its lease, next attempt and outcome) and every attempt made.
 * A new database starts its cursor at the audit head: history written before is not sent.
 */
const webhooks: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("webhooks")
      .addColumn("id", "varchar(64)", (c) => c.primaryKey())
      .addColumn("name", "varchar(200)", (c) => c.notNull())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("format", "varchar(32)", (c) => c.notNull())
      .addColumn("events", "text", (c) => c.notNull())
      .addColumn("apps", "text")
      .addColumn("secret", "varchar(200)", (c) => c.notNull())
      .addColumn("from_seq", "integer", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "varchar(32)", (c) => c.notNull())
      .addColumn("removed_at", "varchar(32)")
      .execute();
    await db.schema
      .createTable("webhook_cursor")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("seq", "integer", (c) => c.notNull())
      .execute();
    await sql`insert into webhook_cursor (id, seq) select 1, seq from audit_head where id = 1`.execute(db);
    await db.schema
      .createTable("webhook_deliveries")
      .addColumn("id", "varchar(64)", (c) => c.primaryKey())
      .addColumn("webhook_id", "varchar(64)", (c) => c.notNull().references("webhooks.id"))
      .addColumn("audit_seq", "integer")
      .addColumn("event", "varchar(64)", (c) => c.notNull())
      .addColumn("app_id", "varchar(200)")
      .addColumn("operation_id", "varchar(64)")
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("status", "varchar(32)", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("next_attempt_at", "varchar(32)", (c) => c.notNull())
      .addColumn("lease_holder", "varchar(200)")
      .addColumn("lease_expires_at", "varchar(32)")
      .addColumn("created_at", "varchar(32)", (c) => c.notNull())
      .addColumn("finished_at", "varchar(32)")
      .execute();
    await db.schema.createIndex("webhook_deliveries_record").on("webhook_deliveries").columns(["webhook_id", "audit_seq"]).unique().execute();
    await db.schema.createIndex("webhook_deliveries_due").on("webhook_deliveries").columns(["status", "next_attempt_at"]).execute();
    await db.schema.createIndex("webhook_deliveries_created").on("webhook_deliveries").column("created_at").execute();
    await db.schema
      .createTable("webhook_attempts")
      .addColumn("delivery_id", "varchar(64)", (c) => c.notNull().references("webhook_deliveries.id"))
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("at", "varchar(32)", (c) => c.notNull())
      .addColumn("status_code", "integer")
      .addColumn("error_kind", "varchar(32)")
      .addColumn("duration_ms", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("webhook_attempts_pk", ["delivery_id", "attempt"])
      .execute();
  },
  async down(db: AnyDb) {
    for (const table of ["webhook_attempts", "webhook_deliveries", "webhook_cursor", "webhooks"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};

/**
 * The refresh lease says how often its holder reads now (its idle interval, which its AWS budget may
 * stretch), written with every take and renewal: the other servers judge the holder by it rather
 * than by an interval stored with an application's last read, which may be older than the stretch.
 */
const refreshLeaseInterval: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable("refresh_leases").addColumn("interval_ms", "integer").execute();
  },
  async down(db: AnyDb) {
    await db.schema.alterTable("refresh_leases").dropColumn("interval_ms").execute();
  },
};

export const MIGRATIONS: Record<string, Migration> = {
  "0001_initial": initial,
  "0002_step_progress": stepProgress,
  "0003_kiosk_tokens": kioskTokens,
  "0004_sessions": sessions,
  "0005_audit_keyed": auditKeyed,
  "0006_operation_settled": operationSettled,
  "0007_shared_refresh": sharedRefresh,
  "0008_api_tokens": apiTokens,
  "0009_local_users": localUsers,
  "0010_webhooks": webhooks,
  "0011_refresh_lease_interval": refreshLeaseInterval,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
