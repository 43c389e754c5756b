// The notifier and its sender against a real HTTP receiver on this machine, over a real store
// (SQLite; PostgreSQL too for two servers sharing one database when TEST_PG_URL is set): retries
// with their log, giving up, a restart, and one delivery per row across two servers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditAction } from "@/lib/domain/audit-actions";
import type { Actor } from "@/lib/domain/operation";
import type { DeliveryInfo, WebhookEvent, WebhookFormat } from "@/lib/domain/webhook";
import { MIGRATIONS } from "@/lib/store/migrations";
import { openStore, type Store } from "@/lib/store/store";
import { webhookAttempts, webhookDeliveries } from "@/lib/telemetry/teal-metrics";
import { openTestStore, rawExec, stopTestCluster } from "@/test/support/store";
import { startWebhookReceiver, type WebhookReceiver } from "@/test/support/webhook-receiver";
import { createNotifier, type Notifier } from "./notifier";
import type { NotifySettings } from "./settings";
import { generateWebhookSecret, verifySignature } from "./signature";

const ADMIN: Actor = { id: "u-admin", email: "admin@example.com", role: "admin" };
const OPERATOR: Actor = { id: "u-op", email: "op@example.com", role: "operator" };

/** Retries in milliseconds: the whole file runs in a few seconds. */
const FAST: NotifySettings = {
  publicUrl: "https://teal.example.com",
  timeoutMs: 2_000,
  maxAttempts: 3,
  backoffMs: 5,
  maxBackoffMs: 20,
  pollMs: 10,
  keepMs: 86_400_000,
};

let receiver: WebhookReceiver;
let dir: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  dir = mkdtempSync(join(tmpdir(), "teal-notify-"));
});

afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
  await stopTestCluster();
});

let dbCount = 0;
async function freshStore(): Promise<{ store: Store; url: string }> {
  dbCount += 1;
  const url = `file:${join(dir, `teal-${dbCount}.db`)}`;
  return { store: await openStore(url), url };
}

function notifierOf(store: Store, settings: Partial<NotifySettings> & { now?: () => number } = {}, holder?: string): Notifier {
  return createNotifier({
    ...FAST,
    ...settings,
    store,
    appName: (id) => (id === "shop" ? "Shop storefront" : undefined),
    ...(holder ? { holder } : {}),
  });
}

async function addWebhook(store: Store, path: string, events: WebhookEvent[], format: WebhookFormat = "generic", apps: string[] | null = null) {
  const secret = generateWebhookSecret();
  const webhook = await store.webhooks.createWebhook({ name: path, url: `${receiver.url}${path}`, format, events, apps, secret, createdBy: ADMIN });
  return { webhook, secret };
}

function record(action: AuditAction, operationId: string, appId = "shop", after: Record<string, string> | null = null) {
  return { action, actor: OPERATOR, appId, operationId, reason: "release 42", before: null, after };
}

/** Ticks the notifiers (with a short pause for the backoff) at least once and until `done` holds; fails after `limitMs`. */
async function tickUntil(notifiers: readonly Notifier[], done: () => Promise<boolean>, limitMs = 5_000): Promise<void> {
  const until = Date.now() + limitMs;
  do {
    if (Date.now() > until) throw new Error("the deliveries did not settle in time");
    await Promise.all(notifiers.map((n) => n.tick()));
    await new Promise((resolve) => setTimeout(resolve, 5));
  } while (!(await done()));
}

const settled = (store: Store) => async () => (await store.webhooks.listDeliveries({ limit: 500 })).every((d) => d.status !== "pending");

function only(deliveries: DeliveryInfo[]): DeliveryInfo {
  expect(deliveries).toHaveLength(1);
  const [d] = deliveries;
  if (!d) throw new Error("no delivery");
  return d;
}

describe("the webhook notifier", () => {
  it("retries a receiver that answers 500 twice, then 200: three attempts, all in the delivery log, and a valid signature each time", async () => {
    const { store } = await freshStore();
    const { webhook, secret } = await addWebhook(store, "/flaky", ["started"]);
    receiver.script("/flaky", [500, 500, 200]);
    await store.appendAudit(record("operation.started", "op-flaky"));
    const counted = () => [
      webhookAttempts.get({ outcome: "http_error" }),
      webhookAttempts.get({ outcome: "ok" }),
      webhookDeliveries.get({ status: "delivered" }),
    ];
    const [errorsBefore = 0, okBefore = 0, deliveredBefore = 0] = counted();
    const notifier = notifierOf(store);
    await tickUntil([notifier], settled(store));
    // The metrics count what the log says.
    expect(counted()).toEqual([errorsBefore + 2, okBefore + 1, deliveredBefore + 1]);

    const d = only(await store.webhooks.listDeliveries({ webhookId: webhook.id }));
    expect(d.status).toBe("delivered");
    expect(d.attempts.map((a) => [a.attempt, a.statusCode, a.errorKind])).toEqual([
      [1, 500, null],
      [2, 500, null],
      [3, 200, null],
    ]);
    expect(d.finishedAt).not.toBeNull();
    const sent = receiver.on("/flaky");
    expect(sent).toHaveLength(3);
    // The same delivery each time (one id to drop repeats by), each attempt signed with the secret.
    expect(new Set(sent.map((r) => r.headers["x-teal-delivery"]))).toEqual(new Set([d.id]));
    for (const r of sent) {
      expect(verifySignature(secret, r.headers["x-teal-timestamp"] ?? "", r.body, r.headers["x-teal-signature"] ?? "")).toBe(true);
      expect(verifySignature("whsec_another", r.headers["x-teal-timestamp"] ?? "", r.body, r.headers["x-teal-signature"] ?? "")).toBe(false);
    }
    // The second and third attempts waited for their backoff.
    const [a1, a2, a3] = d.attempts.map((a) => Date.parse(a.at));
    expect((a2 ?? 0) - (a1 ?? 0)).toBeGreaterThanOrEqual(2);
    expect((a3 ?? 0) - (a2 ?? 0)).toBeGreaterThanOrEqual(5);
    await store.close();
  });

  it("gives up a receiver that never answers after the attempt limit, logging each timeout, and one that refuses connections", async () => {
    const { store } = await freshStore();
    const { webhook } = await addWebhook(store, "/silent", ["completed"]);
    receiver.script("/silent", ["hang"]);
    const closed = await startWebhookReceiver();
    const closedUrl = closed.url;
    await closed.close();
    const refused = await store.webhooks.createWebhook({
      name: "gone",
      url: `${closedUrl}/gone`,
      format: "generic",
      events: ["completed"],
      apps: null,
      secret: generateWebhookSecret(),
      createdBy: ADMIN,
    });
    await store.appendAudit(record("operation.succeeded", "op-silent"));
    const notifier = notifierOf(store, { maxAttempts: 2, timeoutMs: 100 });
    await tickUntil([notifier], settled(store));

    const silent = only(await store.webhooks.listDeliveries({ webhookId: webhook.id }));
    expect(silent.status).toBe("given_up");
    expect(silent.attempts.map((a) => [a.attempt, a.statusCode, a.errorKind])).toEqual([
      [1, null, "timeout"],
      [2, null, "timeout"],
    ]);
    expect(silent.attempts.every((a) => a.durationMs >= 90)).toBe(true);
    expect(receiver.on("/silent")).toHaveLength(2);
    const gone = only(await store.webhooks.listDeliveries({ webhookId: refused.id }));
    expect(gone.status).toBe("given_up");
    expect(gone.attempts.map((a) => a.errorKind)).toEqual(["connection", "connection"]);
    // Given up is final: more ticks send nothing.
    await notifier.tick();
    expect(receiver.on("/silent")).toHaveLength(2);
    await store.close();
  });

  it("delivers each record to the webhooks that subscribe to its event and application, and none from before a webhook existed", async () => {
    const { store } = await freshStore();
    await store.appendAudit(record("operation.started", "op-before"));
    const all = await addWebhook(store, "/all", ["started", "step", "completed", "failed", "aborted"]);
    const shopStarts = await addWebhook(store, "/shop-starts", ["started"], "generic", ["shop"]);
    const otherApp = await addWebhook(store, "/other-app", ["started", "completed"], "generic", ["payments-api"]);
    for (const action of ["operation.started", "step.succeeded", "traffic.shifted", "operation.succeeded", "auth.signed_in"] as const)
      await store.appendAudit(record(action, "op-after"));
    await store.appendAudit({ action: "auth.signed_in", actor: OPERATOR, appId: null, operationId: null, reason: null, before: null, after: null });
    const notifier = notifierOf(store);
    await tickUntil([notifier], settled(store));

    const events = async (id: string) => (await store.webhooks.listDeliveries({ webhookId: id })).map((d) => d.event).sort();
    expect(await events(all.webhook.id)).toEqual(["completed", "started", "step"]);
    expect(await events(shopStarts.webhook.id)).toEqual(["started"]);
    expect(await events(otherApp.webhook.id)).toEqual([]);
    expect(receiver.on("/all").map((r) => JSON.parse(r.body).operation.id)).toEqual(["op-after", "op-after", "op-after"]);
    await store.close();
  });

  it("neither loses nor repeats a record across a restart: records written while it was down are delivered once, earlier ones not again", async () => {
    const { store, url } = await freshStore();
    await addWebhook(store, "/restart", ["started", "completed"]);
    await store.appendAudit(record("operation.started", "op-r1"));
    const first = notifierOf(store, {}, "server-a");
    // Written to the outbox, not sent yet: the server stops here.
    expect(await first.pass()).toBe(1);
    await store.appendAudit(record("operation.succeeded", "op-r1"));
    await store.close();

    const reopened = await openStore(url);
    await reopened.appendAudit(record("operation.started", "op-r2"));
    const second = notifierOf(reopened, {}, "server-a-restarted");
    await tickUntil([second], settled(reopened));
    await second.tick();
    const sent = receiver.on("/restart").map((r) => {
      const body = JSON.parse(r.body) as { seq: number; event: string; operation: { id: string } };
      return `${body.operation.id} ${body.event}`;
    });
    expect(sent.sort()).toEqual(["op-r1 completed", "op-r1 started", "op-r2 started"]);
    const deliveries = await reopened.webhooks.listDeliveries();
    expect(deliveries).toHaveLength(3);
    expect(deliveries.every((d) => d.status === "delivered" && d.attempts.length === 1)).toBe(true);
    expect(await reopened.webhooks.getCursor()).toBe((await reopened.auditChainInfo()).auditSeq);
    await reopened.close();
  });

  it("stops delivering to a removed webhook and gives up its pending deliveries", async () => {
    const { store } = await freshStore();
    const { webhook } = await addWebhook(store, "/removed", ["started"]);
    await store.appendAudit(record("operation.started", "op-x"));
    const notifier = notifierOf(store);
    await notifier.pass();
    expect((await store.webhooks.removeWebhook(webhook.id))?.id).toBe(webhook.id);
    expect(await store.webhooks.removeWebhook(webhook.id)).toBeNull();
    await store.appendAudit(record("operation.started", "op-y"));
    await notifier.tick();
    expect(receiver.on("/removed")).toHaveLength(0);
    const d = only(await store.webhooks.listDeliveries({ webhookId: webhook.id }));
    expect(d.status).toBe("given_up");
    expect(await store.webhooks.listWebhooks()).toEqual([]);
    await store.close();
  });

  it("forgets deliveries that ended longer ago than the log keeps them, and never a pending one", async () => {
    const { store } = await freshStore();
    const { webhook } = await addWebhook(store, "/kept", ["started", "completed"]);
    receiver.script("/kept", [200]);
    await store.appendAudit(record("operation.started", "op-old"));
    await tickUntil([notifierOf(store)], settled(store));
    await store.appendAudit(record("operation.succeeded", "op-old"));
    await notifierOf(store).pass();
    // A day and a minute later, with a log kept for a day: the delivered one goes, the pending one stays.
    const later = notifierOf(store, { keepMs: 86_400_000, now: () => Date.now() + 86_460_000 });
    expect(await later.prune()).toBe(1);
    const left = await store.webhooks.listDeliveries({ webhookId: webhook.id });
    expect(left.map((d) => [d.event, d.status])).toEqual([["completed", "pending"]]);
    expect(await notifierOf(store, { keepMs: 86_400_000 }).prune()).toBe(0);
    await store.close();
  });

  it("starts an upgraded database's cursor at its audit head: history from before webhooks existed is never sent", async () => {
    dbCount += 1;
    const url = `file:${join(dir, `teal-${dbCount}.db`)}`;
    const db = new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: new SqliteDatabase(url.slice("file:".length)) }) });
    const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < "0010"));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
    await db.destroy();
    if (error) throw error;
    // A database with 41 audit records already (only the head matters to the migration).
    await rawExec("sqlite", url, "UPDATE audit_head SET seq = 41 WHERE id = 1");
    const store = await openStore(url);
    try {
      expect(await store.webhooks.getCursor()).toBe(41);
      await addWebhook(store, "/upgraded", ["started"]);
      await store.appendAudit(record("operation.started", "op-new"));
      expect(await notifierOf(store).pass()).toBe(1);
      expect((await store.webhooks.listDeliveries()).map((d) => d.auditSeq)).toEqual([42]);
    } finally {
      await store.close();
    }
  });

  it.runIf(process.env.TEST_PG_URL)(
    "with two servers on one PostgreSQL database, delivers every row once",
    async () => {
      const t = await openTestStore("postgres");
      const other = await openStore(t.url);
      try {
        await addWebhook(t.store, "/pg", ["started", "step", "completed"]);
        const slack = await addWebhook(t.store, "/pg-slack", ["completed"], "slack");
        const ops = Array.from({ length: 12 }, (_, i) => `op-pg-${i}`);
        for (const op of ops) {
          await t.store.appendAudit(record("operation.started", op));
          await t.store.appendAudit(record("step.succeeded", op, "shop", { step: "weights", title: "Set weights" }));
          await other.appendAudit(record("operation.succeeded", op));
        }
        const a = notifierOf(t.store, {}, "server-a");
        const b = notifierOf(other, {}, "server-b");
        // Both servers race every pass and every claim.
        await tickUntil([a, b, a, b], settled(t.store), 15_000);

        const deliveries = await t.store.webhooks.listDeliveries({ limit: 500 });
        expect(deliveries).toHaveLength(ops.length * 4);
        expect(deliveries.filter((d) => d.status !== "delivered" || d.attempts.length !== 1)).toEqual([]);
        const ids = [...receiver.on("/pg"), ...receiver.on("/pg-slack")].map((r) => r.headers["x-teal-delivery"]);
        expect(ids).toHaveLength(ops.length * 4);
        expect(new Set(ids).size).toBe(ids.length);
        expect(receiver.on("/pg-slack").every((r) => typeof JSON.parse(r.body).text === "string")).toBe(true);
        expect((await t.store.webhooks.listDeliveries({ webhookId: slack.webhook.id, limit: 500 })).length).toBe(ops.length);
      } finally {
        await other.close();
        await t.cleanup();
      }
    },
    30_000,
  );
});
