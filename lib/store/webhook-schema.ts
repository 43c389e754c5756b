/** Row types of the webhook tables (0010), as Kysely sees them. */

/** A webhook an admin configured. The URL and the secret never leave the server once written. */
export interface WebhooksTable {
  id: string;
  name: string;
  url: string;
  /** `generic` or `slack`. */
  format: string;
  /** JSON array of the events it subscribes to. */
  events: string;
  /** JSON array of the application ids it is told about, or null for every application. */
  apps: string | null;
  /** The HMAC-SHA256 key its bodies are signed with. */
  secret: string;
  /** The audit head when it was created: only records after it are delivered to it. */
  from_seq: number;
  /** JSON of `{id, email}` of the admin who created it. */
  created_by: string;
  created_at: string;
  removed_at: string | null;
}

/** One row (id 1): the last audit seq the notifiers turned into deliveries. */
export interface WebhookCursorTable {
  id: number;
  seq: number;
}

/** The outbox: one delivery per (webhook, audit record), or per test event. */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  /** The audit record it tells about; null for a test event. */
  audit_seq: number | null;
  event: string;
  app_id: string | null;
  operation_id: string | null;
  /** The JSON body, built when the delivery was written. */
  body: string;
  /** `pending`, `delivered` or `given_up`. */
  status: string;
  /** Attempts made so far. */
  attempts: number;
  /** Not sent before this time (ISO): the backoff after a failed attempt. */
  next_attempt_at: string;
  /** The server sending it now, until `lease_expires_at`; null when nobody is. */
  lease_holder: string | null;
  lease_expires_at: string | null;
  created_at: string;
  finished_at: string | null;
}

/** The delivery log: every attempt of every delivery. */
export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  at: string;
  /** The receiver's HTTP status, or null when it did not answer. */
  status_code: number | null;
  /** `timeout`, `connection` or `error` when there was no answer. */
  error_kind: string | null;
  duration_ms: number;
}
