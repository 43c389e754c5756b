/**
 * Notifications by webhook: the events a webhook may subscribe to, the audit actions each one is
 * made of, and what Teal shows of a webhook and its deliveries. A webhook's URL and signing secret
 * stay on the server: pages see the URL redacted, and the secret once, when it is created.
 */

/** What a webhook can be told about, in the order the settings panel lists them. */
export const WEBHOOK_EVENTS = [
  "started",
  "step",
  "held",
  "approval-needed",
  "halted",
  "rollback-automatic",
  "completed",
  "failed",
  "aborted",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A delivery's event: a subscribed one, or the test event an admin sends from the settings page. */
export type DeliveryEvent = WebhookEvent | "test";

export const WEBHOOK_EVENT_WORDS: Readonly<Record<WebhookEvent, string>> = {
  started: "Operation started",
  step: "Step finished",
  held: "Rollout held",
  "approval-needed": "Approval needed",
  halted: "Rollout halted",
  "rollback-automatic": "Automatic rollback",
  completed: "Operation completed",
  failed: "Operation failed",
  aborted: "Operation aborted",
};

/**
 * The audit actions that make each event, by name. The `progressive.*` ones are written by
 * progressive deliveries (docs/progressive.md): a gate that waits, a hold, a halt, and the rollback
 * the release judge starts.
 */
export const EVENT_OF_AUDIT_ACTION: Readonly<Record<string, WebhookEvent>> = {
  "operation.started": "started",
  "operation.resumed": "started",
  "step.succeeded": "step",
  "step.failed": "step",
  "step.skipped": "step",
  "progressive.step": "step",
  "progressive.held": "held",
  "progressive.approval_needed": "approval-needed",
  "progressive.halted": "halted",
  "progressive.rollback_started": "rollback-automatic",
  "operation.succeeded": "completed",
  "operation.failed": "failed",
  "operation.interrupted": "failed",
  "operation.aborted": "aborted",
  "operation.preempted": "aborted",
};

/** The audit actions a notifier reads (every other record only moves its cursor). */
export const NOTIFIED_AUDIT_ACTIONS: readonly string[] = Object.keys(EVENT_OF_AUDIT_ACTION);

export function webhookEventOf(action: string): WebhookEvent | null {
  return Object.hasOwn(EVENT_OF_AUDIT_ACTION, action) ? (EVENT_OF_AUDIT_ACTION[action] ?? null) : null;
}

export const WEBHOOK_FORMATS = ["generic", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** A webhook as pages and the settings panel see it: never its full URL or its secret. */
export interface WebhookInfo {
  id: string;
  name: string;
  /** Scheme and host only (`https://hooks.slack.com/…`): the path and query often carry a token. */
  urlRedacted: string;
  format: WebhookFormat;
  events: WebhookEvent[];
  /** The application ids it is told about, or null for every application. */
  apps: string[] | null;
  createdBy: { id: string; email: string };
  createdAt: string;
}

/** What the create action returns: the only moment the signing secret leaves the server. */
export interface CreatedWebhook {
  webhook: WebhookInfo;
  /** The HMAC-SHA256 key of the `X-Teal-Signature` header, `whsec_` + 43 base64url characters. */
  secret: string;
}

export const DELIVERY_STATUSES = ["pending", "delivered", "given_up"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Why an attempt did not get an HTTP answer. */
export const ATTEMPT_ERROR_KINDS = ["timeout", "connection", "error"] as const;
export type AttemptErrorKind = (typeof ATTEMPT_ERROR_KINDS)[number];

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  /** The receiver's HTTP status, or null when it did not answer (see `errorKind`). */
  statusCode: number | null;
  errorKind: AttemptErrorKind | null;
  durationMs: number;
}

/** One delivery of one audit record (or a test event) to one webhook, with its attempts. */
export interface DeliveryInfo {
  id: string;
  webhookId: string;
  /** The audit record it tells about; null for a test event. */
  auditSeq: number | null;
  event: DeliveryEvent;
  appId: string | null;
  operationId: string | null;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  createdAt: string;
  finishedAt: string | null;
}

/** `https://hooks.example.com/services/T0/B0/secret` → `https://hooks.example.com/…`. */
export function redactWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return "(unreadable URL)";
  }
}
