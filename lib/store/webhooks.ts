/**
 * Webhooks (0010): the webhooks an admin configured, the notifier's cursor in the audit log, the
 * outbox of deliveries and the log of their attempts.
 *
 * The notifier turns audit records into deliveries in one transaction with its cursor's advance
 * (`enqueueFromAudit`): the cursor row is locked first, so two servers never turn the same records
 * into deliveries, and a crash leaves both or neither. Senders claim due deliveries with a lease
 * (`claimDueDeliveries`; on PostgreSQL `FOR UPDATE SKIP LOCKED`, so two servers never claim the same
 * row) and record each attempt with its outcome (`recordAttempt`) only while they hold the lease.
 */
import { randomUUID } from "node:crypto";
import { sql, type Selectable } from "kysely";
import type { JsonValue } from "@/lib/domain/basics";
import type { Actor } from "@/lib/domain/operation";
import {
  ATTEMPT_ERROR_KINDS,
  DELIVERY_STATUSES,
  NOTIFIED_AUDIT_ACTIONS,
  WEBHOOK_EVENTS,
  WEBHOOK_FORMATS,
  redactWebhookUrl,
  type AttemptErrorKind,
  type DeliveryAttempt,
  type DeliveryEvent,
  type DeliveryInfo,
  type DeliveryStatus,
  type WebhookEvent,
  type WebhookFormat,
  type WebhookInfo,
} from "@/lib/domain/webhook";
import { AUDIT_HEAD } from "./chains";
import { isoNow, type StoreCore } from "./core";
import { checkedStatus, clampLimit, parseJson, parseNullableJson, toJsonText } from "./rows";
import type { WebhookDeliveriesTable, WebhooksTable } from "./webhook-schema";

export interface CreateWebhookInput {
  name: string;
  url: string;
  format: WebhookFormat;
  events: readonly WebhookEvent[];
  apps: readonly string[] | null;
  secret: string;
  createdBy: Actor;
}

/** What a notifier needs of a webhook to choose its records and build its bodies (no URL, no secret). */
export interface WebhookSubscription {
  id: string;
  name: string;
  format: WebhookFormat;
  events: readonly WebhookEvent[];
  apps: readonly string[] | null;
  /** Only records after this audit seq are delivered to it. */
  fromSeq: number;
}

/** An audit record the notifier reads, with what it needs of the record's operation. */
export interface NotifiableRecord {
  seq: number;
  at: string;
  action: string;
  actor: Actor | null;
  appId: string | null;
  operationId: string | null;
  reason: string | null;
  after: JsonValue | null;
  /** The operation the record belongs to (its intent's kind and summary), when there is one. */
  operation: { kind: string; summary: string; pattern: string } | null;
}

/** A delivery to write into the outbox. */
export interface DeliveryDraft {
  webhookId: string;
  event: DeliveryEvent;
  appId: string | null;
  operationId: string | null;
  /** The JSON body, as it will be sent and signed. */
  body: string;
}

/** A delivery a sender holds the lease of, with where and how to send it. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  event: DeliveryEvent;
  body: string;
  /** Attempts made before this one. */
  attempts: number;
  url: string;
  secret: string;
}

export interface EnqueueResult {
  /** The cursor after this pass. */
  cursor: number;
  /** Records read (the notified actions only). */
  records: number;
  /** Deliveries written. */
  deliveries: number;
}

export interface AttemptRecord {
  attempt: number;
  atMs: number;
  statusCode: number | null;
  errorKind: AttemptErrorKind | null;
  durationMs: number;
}

/** What becomes of a delivery after an attempt. */
export type AttemptOutcome = { status: "delivered" } | { status: "given_up" } | { status: "pending"; nextAttemptAtMs: number };

const CURSOR_ID = 1;
const iso = (ms: number): string => new Date(ms).toISOString();

export class WebhookTable {
  constructor(private readonly core: StoreCore) {}

  private get db() {
    return this.core.db;
  }

  /** Records a webhook; it is told about audit records written after this moment only. */
  async createWebhook(input: CreateWebhookInput): Promise<WebhookInfo> {
    return this.db.transaction().execute(async (trx) => {
      const head = await trx.selectFrom("audit_head").select("seq").where("id", "=", AUDIT_HEAD).executeTakeFirst();
      const row: WebhooksTable = {
        id: randomUUID(),
        name: input.name,
        url: input.url,
        format: input.format,
        events: toJsonText([...input.events]),
        apps: input.apps === null ? null : toJsonText([...input.apps]),
        secret: input.secret,
        from_seq: head?.seq ?? 0,
        created_by: toJsonText({ id: input.createdBy.id, email: input.createdBy.email }),
        created_at: isoNow(this.core),
        removed_at: null,
      };
      await trx.insertInto("webhooks").values(row).execute();
      return toWebhookInfo(row);
    });
  }

  /** The webhooks not removed, newest first. */
  async listWebhooks(): Promise<WebhookInfo[]> {
    const rows = await this.db
      .selectFrom("webhooks")
      .selectAll()
      .where("removed_at", "is", null)
      .orderBy("created_at", "desc")
      .orderBy("id")
      .execute();
    return rows.map(toWebhookInfo);
  }

  async getWebhook(id: string): Promise<WebhookInfo | null> {
    const row = await this.db.selectFrom("webhooks").selectAll().where("id", "=", id).where("removed_at", "is", null).executeTakeFirst();
    return row ? toWebhookInfo(row) : null;
  }

  /**
   * Removes a webhook (the row stays, so the delivery log can still name it) and gives up its
   * deliveries not yet made, in one transaction. Null when it is unknown or already removed.
   */
  async removeWebhook(id: string): Promise<WebhookInfo | null> {
    return this.db.transaction().execute(async (trx) => {
      const now = isoNow(this.core);
      const row = await trx
        .updateTable("webhooks")
        .set({ removed_at: now })
        .where("id", "=", id)
        .where("removed_at", "is", null)
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      await trx
        .updateTable("webhook_deliveries")
        .set({ status: "given_up", finished_at: now, lease_holder: null, lease_expires_at: null })
        .where("webhook_id", "=", id)
        .where("status", "=", "pending")
        .execute();
      return toWebhookInfo(row);
    });
  }

  /** The last audit seq turned into deliveries. */
  async getCursor(): Promise<number> {
    const row = await this.db.selectFrom("webhook_cursor").select("seq").where("id", "=", CURSOR_ID).executeTakeFirst();
    return row?.seq ?? 0;
  }

  /**
   * Reads up to `batch` notified audit records after the cursor, asks `build` for their deliveries
   * (given the webhooks not removed), writes them and advances the cursor, in one transaction.
   * The cursor row is locked first: a second notifier waits, then starts where this one ended.
   * Records are read only up to the audit head as committed when the pass began, and appends are
   * serialised by that head, so no record below it can still appear later.
   */
  async enqueueFromAudit(
    build: (record: NotifiableRecord, webhooks: readonly WebhookSubscription[]) => DeliveryDraft[],
    batch = 200,
  ): Promise<EnqueueResult> {
    // Most passes find nothing new: say so from two reads, without taking the cursor's lock (a write).
    const [seen, written] = await Promise.all([
      this.getCursor(),
      this.db.selectFrom("audit_head").select("seq").where("id", "=", AUDIT_HEAD).executeTakeFirst(),
    ]);
    if ((written?.seq ?? 0) <= seen) return { cursor: seen, records: 0, deliveries: 0 };
    return this.db.transaction().execute(async (trx) => {
      const cursor = await trx
        .updateTable("webhook_cursor")
        .set((eb) => ({ seq: eb("seq", "+", 0) }))
        .where("id", "=", CURSOR_ID)
        .returning("seq")
        .executeTakeFirstOrThrow();
      const head = await trx.selectFrom("audit_head").select("seq").where("id", "=", AUDIT_HEAD).executeTakeFirstOrThrow();
      if (head.seq <= cursor.seq) return { cursor: cursor.seq, records: 0, deliveries: 0 };
      const rows = await trx
        .selectFrom("audit")
        .leftJoin("operations", "operations.id", "audit.operation_id")
        .select([
          "audit.seq",
          "audit.at",
          "audit.action",
          "audit.actor",
          "audit.app_id",
          "audit.operation_id",
          "audit.reason",
          "audit.after",
          "operations.intent",
          "operations.summary",
          "operations.pattern",
        ])
        .where("audit.seq", ">", cursor.seq)
        .where("audit.seq", "<=", head.seq)
        .where("audit.action", "in", [...NOTIFIED_AUDIT_ACTIONS])
        .orderBy("audit.seq")
        .limit(Math.max(1, batch))
        .execute();
      const next = rows.length >= Math.max(1, batch) ? (rows[rows.length - 1]?.seq ?? head.seq) : head.seq;
      const hooks =
        rows.length === 0 ? [] : (await trx.selectFrom("webhooks").selectAll().where("removed_at", "is", null).execute()).map(toSubscription);
      const now = isoNow(this.core);
      const drafts: Selectable<WebhookDeliveriesTable>[] = [];
      for (const row of rows) {
        const record: NotifiableRecord = {
          seq: row.seq,
          at: row.at,
          action: row.action,
          actor: parseNullableJson<Actor>(row.actor),
          appId: row.app_id,
          operationId: row.operation_id,
          reason: row.reason,
          after: parseNullableJson<JsonValue>(row.after),
          operation:
            row.intent !== null && row.summary !== null && row.pattern !== null
              ? { kind: kindOf(row.intent), summary: row.summary, pattern: row.pattern }
              : null,
        };
        const eligible = hooks.filter((h) => h.fromSeq < row.seq);
        if (eligible.length === 0) continue;
        for (const draft of build(record, eligible)) drafts.push(deliveryRow(draft, row.seq, now));
      }
      for (let i = 0; i < drafts.length; i += 200) {
        await trx
          .insertInto("webhook_deliveries")
          .values(drafts.slice(i, i + 200))
          .onConflict((oc) => oc.columns(["webhook_id", "audit_seq"]).doNothing())
          .execute();
      }
      await trx.updateTable("webhook_cursor").set({ seq: next }).where("id", "=", CURSOR_ID).execute();
      return { cursor: next, records: rows.length, deliveries: drafts.length };
    });
  }

  /** Writes one delivery that belongs to no audit record (the settings page's test event). */
  async enqueueDelivery(draft: DeliveryDraft): Promise<string> {
    const row = deliveryRow(draft, null, isoNow(this.core));
    await this.db.insertInto("webhook_deliveries").values(row).execute();
    return row.id;
  }

  /**
   * Takes the lease of up to `limit` deliveries due at `nowMs` (pending, not leased or lease
   * lapsed, of a webhook not removed), oldest due first. A webhook's deliveries go in the order of
   * the audit log, one at a time: one is due only once every earlier one of the same webhook has
   * ended (delivered or given up), so a receiver hears of a start before the completion. Test
   * events are outside that order. On PostgreSQL the rows are picked with `FOR UPDATE SKIP LOCKED`,
   * so two servers claiming at once get different rows; SQLite has one writer at a time.
   */
  async claimDueDeliveries(holder: string, nowMs: number, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
    const now = iso(nowMs);
    const expires = iso(nowMs + leaseMs);
    const lockClause = this.core.dialect === "postgres" ? sql`for update skip locked` : sql``;
    const n = Math.max(1, Math.floor(limit));
    const claimed = await sql<{ id: string }>`
      update webhook_deliveries set lease_holder = ${holder}, lease_expires_at = ${expires}
      where id in (
        select d.id from webhook_deliveries d
        where d.status = 'pending' and d.next_attempt_at <= ${now} and (d.lease_expires_at is null or d.lease_expires_at <= ${now})
          and (d.audit_seq is null or not exists (
            select 1 from webhook_deliveries e
            where e.webhook_id = d.webhook_id and e.status = 'pending' and e.audit_seq < d.audit_seq
          ))
        order by d.next_attempt_at, d.id
        limit ${n}
        ${lockClause}
      )
      and status = 'pending' and (lease_expires_at is null or lease_expires_at <= ${now})
      returning id`.execute(this.db);
    const ids = claimed.rows.map((r) => r.id);
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom("webhook_deliveries")
      .innerJoin("webhooks", "webhooks.id", "webhook_deliveries.webhook_id")
      .select([
        "webhook_deliveries.id",
        "webhook_deliveries.webhook_id",
        "webhook_deliveries.event",
        "webhook_deliveries.body",
        "webhook_deliveries.attempts",
        "webhook_deliveries.lease_holder",
        "webhooks.url",
        "webhooks.secret",
        "webhooks.removed_at",
      ])
      .where("webhook_deliveries.id", "in", ids)
      .orderBy("webhook_deliveries.next_attempt_at")
      .execute();
    return rows
      .filter((r) => r.lease_holder === holder && r.removed_at === null)
      .map((r) => ({
        id: r.id,
        webhookId: r.webhook_id,
        event: deliveryEventOf(r.event),
        body: r.body,
        attempts: r.attempts,
        url: r.url,
        secret: r.secret,
      }));
  }

  /**
   * Logs an attempt and what becomes of the delivery, and releases the lease, in one transaction;
   * only while `holder` still holds the lease (false otherwise, and nothing is written).
   */
  async recordAttempt(deliveryId: string, holder: string, attempt: AttemptRecord, outcome: AttemptOutcome): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const at = iso(attempt.atMs);
      const finished = outcome.status === "pending" ? null : isoNow(this.core);
      const updated = await trx
        .updateTable("webhook_deliveries")
        .set({
          status: outcome.status,
          attempts: attempt.attempt,
          next_attempt_at: outcome.status === "pending" ? iso(outcome.nextAttemptAtMs) : at,
          lease_holder: null,
          lease_expires_at: null,
          finished_at: finished,
        })
        .where("id", "=", deliveryId)
        .where("lease_holder", "=", holder)
        .where("status", "=", "pending")
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return false;
      await trx
        .insertInto("webhook_attempts")
        .values({
          delivery_id: deliveryId,
          attempt: attempt.attempt,
          at,
          status_code: attempt.statusCode,
          error_kind: attempt.errorKind,
          duration_ms: Math.max(0, Math.round(attempt.durationMs)),
        })
        .execute();
      return true;
    });
  }

  /**
   * Forgets deliveries that ended (delivered or given up) before `beforeIso`, with their attempts;
   * pending ones are kept whatever their age. Returns how many were deleted.
   */
  async pruneDeliveries(beforeIso: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const old = trx.selectFrom("webhook_deliveries").select("id").where("status", "!=", "pending").where("finished_at", "<", beforeIso);
      await trx.deleteFrom("webhook_attempts").where("delivery_id", "in", old).execute();
      const deleted = await trx
        .deleteFrom("webhook_deliveries")
        .where("status", "!=", "pending")
        .where("finished_at", "<", beforeIso)
        .executeTakeFirst();
      return Number(deleted.numDeletedRows);
    });
  }

  /** The newest deliveries (of one webhook, or of all), each with its attempts, oldest attempt first. */
  async listDeliveries(filter: { webhookId?: string; limit?: number } = {}): Promise<DeliveryInfo[]> {
    let query = this.db.selectFrom("webhook_deliveries").selectAll();
    if (filter.webhookId !== undefined) query = query.where("webhook_id", "=", filter.webhookId);
    const rows = await query
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(clampLimit(filter.limit, 50, 500))
      .execute();
    if (rows.length === 0) return [];
    const attempts = await this.db
      .selectFrom("webhook_attempts")
      .selectAll()
      .where(
        "delivery_id",
        "in",
        rows.map((r) => r.id),
      )
      .orderBy("attempt")
      .execute();
    const byDelivery = new Map<string, DeliveryAttempt[]>();
    for (const a of attempts) {
      const list = byDelivery.get(a.delivery_id) ?? [];
      list.push({
        attempt: a.attempt,
        at: a.at,
        statusCode: a.status_code,
        errorKind: a.error_kind === null ? null : checkedStatus(a.error_kind, ATTEMPT_ERROR_KINDS, "attempt error"),
        durationMs: a.duration_ms,
      });
      byDelivery.set(a.delivery_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      webhookId: r.webhook_id,
      auditSeq: r.audit_seq,
      event: deliveryEventOf(r.event),
      appId: r.app_id,
      operationId: r.operation_id,
      status: checkedStatus<DeliveryStatus>(r.status, DELIVERY_STATUSES, "delivery"),
      attempts: byDelivery.get(r.id) ?? [],
      createdAt: r.created_at,
      finishedAt: r.finished_at,
    }));
  }
}

function deliveryRow(draft: DeliveryDraft, auditSeq: number | null, now: string): Selectable<WebhookDeliveriesTable> {
  return {
    id: randomUUID(),
    webhook_id: draft.webhookId,
    audit_seq: auditSeq,
    event: draft.event,
    app_id: draft.appId,
    operation_id: draft.operationId,
    body: draft.body,
    status: "pending",
    attempts: 0,
    next_attempt_at: now,
    lease_holder: null,
    lease_expires_at: null,
    created_at: now,
    finished_at: null,
  };
}

function kindOf(intentText: string): string {
  const intent = parseJson<{ kind?: unknown }>(intentText);
  return typeof intent.kind === "string" ? intent.kind : "unknown";
}

function deliveryEventOf(value: string): DeliveryEvent {
  return value === "test" ? "test" : checkedStatus(value, WEBHOOK_EVENTS, "webhook event");
}

function eventsOf(text: string): WebhookEvent[] {
  return parseJson<string[]>(text).flatMap((e) => WEBHOOK_EVENTS.filter((known) => known === e));
}

function toSubscription(row: Selectable<WebhooksTable>): WebhookSubscription {
  return {
    id: row.id,
    name: row.name,
    format: checkedStatus(row.format, WEBHOOK_FORMATS, "webhook format"),
    events: eventsOf(row.events),
    apps: parseNullableJson<string[]>(row.apps),
    fromSeq: row.from_seq,
  };
}

function toWebhookInfo(row: Selectable<WebhooksTable>): WebhookInfo {
  return {
    id: row.id,
    name: row.name,
    urlRedacted: redactWebhookUrl(row.url),
    format: checkedStatus(row.format, WEBHOOK_FORMATS, "webhook format"),
    events: eventsOf(row.events),
    apps: parseNullableJson<string[]>(row.apps),
    createdBy: parseJson<{ id: string; email: string }>(row.created_by),
    createdAt: row.created_at,
  };
}
