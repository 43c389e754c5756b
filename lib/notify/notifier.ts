/**
 * The webhook notifier: follows the audit log, so it knows nothing of the engine and hears every
 * operation event that is written as an audit record, whoever writes it.
 *
 * Two halves, run by one loop:
 * - `pass()` turns the audit records after the cursor into deliveries (one per webhook that
 *   subscribes to the record's event and application) and advances the cursor, in one transaction
 *   (lib/store/webhooks.ts), so a restart neither loses nor repeats a record;
 * - `sendDue()` claims due deliveries with a lease (one server per delivery; a webhook's one at a
 *   time, in the audit log's order) and POSTs each with a timeout and its signature; a failed attempt is retried with exponential backoff and jitter up
 *   to `maxAttempts`, then given up. Every attempt is logged (status code or error kind, time,
 *   attempt number).
 */
import { randomUUID } from "node:crypto";
import type { Store } from "@/lib/store";
import type { ClaimedDelivery } from "@/lib/store/webhooks";
import type { AttemptErrorKind } from "@/lib/domain/webhook";
import { logger } from "@/lib/telemetry/log";
import { webhookAttempts, webhookDeliveries } from "@/lib/telemetry/teal-metrics";
import { deliveriesOf, type BodyContext } from "./bodies";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signatureOf } from "./signature";
import type { NotifySettings } from "./settings";

export interface NotifierOptions extends NotifySettings {
  store: Pick<Store, "webhooks">;
  appName: BodyContext["appName"];
  /** This server's id in the deliveries' leases (default: a new UUID). */
  holder?: string;
  /** Audit records read per pass (default 200). */
  batch?: number;
  /** Deliveries claimed and sent at once (default 10). */
  sendBatch?: number;
  now?: () => number;
  /** In [0, 1): the jitter's draw (default Math.random). */
  random?: () => number;
}

/** Claims per `sendDue` at most (each claim takes up to `sendBatch` deliveries, one per webhook). */
const MAX_SEND_ROUNDS = 100;

/** How often a server forgets the deliveries past the log's keeping time. */
const PRUNE_EVERY_MS = 3_600_000;

export interface Notifier {
  readonly holder: string;
  /** Turns new audit records into deliveries until the cursor reaches the audit head; returns how many were written. */
  pass(): Promise<number>;
  /** Sends the deliveries due now, claiming again while some are; returns how many attempts were made. */
  sendDue(): Promise<number>;
  /** One pass, then the due deliveries; once an hour, forgets the deliveries that ended more than `keepMs` ago. */
  tick(): Promise<void>;
  /** Forgets the deliveries that ended more than `keepMs` ago; returns how many. */
  prune(): Promise<number>;
  /** Runs `tick` every `pollMs` until `stop`; the timer never holds the process open. */
  start(): void;
  /** Stops the loop and waits for the tick under way. */
  stop(): Promise<void>;
}

/** The pause before attempt `attempt + 1`: base × 2^(attempt − 1), capped, with "equal jitter" (half fixed, half random). */
export function backoffMs(attempt: number, settings: Pick<NotifySettings, "backoffMs" | "maxBackoffMs">, random: () => number): number {
  const cap = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

function errorKindOf(error: unknown): AttemptErrorKind {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return "timeout";
  const cause = error instanceof Error ? error.cause : undefined;
  const code = cause instanceof Error && "code" in cause && typeof cause.code === "string" ? cause.code : "";
  if (/^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(code)) return "connection";
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return "timeout";
  return "error";
}

export function createNotifier(options: NotifierOptions): Notifier {
  const table = options.store.webhooks;
  const holder = options.holder ?? randomUUID();
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const batch = options.batch ?? 200;
  const sendBatch = options.sendBatch ?? 10;
  // The lease outlives one attempt with room to spare; a server that dies mid-send leaves the row to another after it.
  const leaseMs = options.timeoutMs + 5_000;
  const ctx: BodyContext = { appName: options.appName, publicUrl: options.publicUrl };

  async function pass(): Promise<number> {
    let written = 0;
    for (;;) {
      const result = await table.enqueueFromAudit((record, webhooks) => deliveriesOf(record, webhooks, ctx), batch);
      written += result.deliveries;
      if (result.records < batch) return written;
    }
  }

  async function send(delivery: ClaimedDelivery): Promise<void> {
    const attempt = delivery.attempts + 1;
    const startedMs = now();
    const timestamp = Math.floor(startedMs / 1000);
    let statusCode: number | null = null;
    let errorKind: AttemptErrorKind | null = null;
    const began = performance.now();
    try {
      const res = await fetch(delivery.url, {
        method: "POST",
        body: delivery.body,
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs),
        headers: {
          "content-type": "application/json",
          "user-agent": "Teal-Webhooks/1",
          [EVENT_HEADER]: delivery.event,
          [DELIVERY_HEADER]: delivery.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signatureOf(delivery.secret, timestamp, delivery.body),
        },
      });
      statusCode = res.status;
      await res.body?.cancel().catch(() => undefined);
    } catch (error) {
      errorKind = errorKindOf(error);
    }
    const durationMs = performance.now() - began;
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const outcome = ok
      ? ({ status: "delivered" } as const)
      : attempt >= options.maxAttempts
        ? ({ status: "given_up" } as const)
        : ({ status: "pending", nextAttemptAtMs: now() + backoffMs(attempt, options, random) } as const);
    webhookAttempts.inc({ outcome: ok ? "ok" : (errorKind ?? "http_error") });
    const kept = await table.recordAttempt(delivery.id, holder, { attempt, atMs: startedMs, statusCode, errorKind, durationMs }, outcome);
    if (kept && outcome.status !== "pending") webhookDeliveries.inc({ status: outcome.status });
    if (!kept) logger.warn("webhook.lease_lost", { deliveryId: delivery.id, attempt });
    else if (outcome.status === "given_up")
      logger.warn("webhook.given_up", { deliveryId: delivery.id, webhookId: delivery.webhookId, attempts: attempt });
  }

  async function sendDue(): Promise<number> {
    // A webhook's deliveries are claimed one at a time, in order: claim again as long as some are
    // due, so an operation's events reach a receiver back to back rather than one per poll.
    let sent = 0;
    for (let round = 0; round < MAX_SEND_ROUNDS; round++) {
      const due = await table.claimDueDeliveries(holder, now(), leaseMs, sendBatch);
      if (due.length === 0) break;
      await Promise.all(due.map((d) => send(d)));
      sent += due.length;
    }
    return sent;
  }

  async function prune(): Promise<number> {
    return table.pruneDeliveries(new Date(now() - options.keepMs).toISOString());
  }

  let lastPruneMs = Number.NEGATIVE_INFINITY;
  async function tick(): Promise<void> {
    await pass();
    await sendDue();
    if (now() - lastPruneMs >= PRUNE_EVERY_MS) {
      lastPruneMs = now();
      await prune();
    }
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((error: unknown) => logger.error("webhook.notifier_failed", { error }))
        .finally(() => {
          running = null;
          schedule();
        });
    }, options.pollMs);
    timer.unref();
  }

  return {
    holder,
    pass,
    sendDue,
    tick,
    prune,
    start() {
      if (timer !== null || stopped) return;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
