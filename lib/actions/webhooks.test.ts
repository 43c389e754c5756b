/**
 * The webhook actions and their route, as an admin and as others: bad input is refused with a
 * 4xx code and changes nothing; a viewer (or an operator) can neither list nor add one; an admin's
 * webhook is audited with its URL redacted, its secret is given once and signs the test event a
 * real local receiver gets. The session comes through the session seam; the store and the
 * runtime are real (a SQLite file, the demo configuration) and installed as the server's own.
 */
import type { Session } from "next-auth";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setSessionSourceForTests } from "@/lib/auth/session";
import { createClients } from "@/lib/aws/clients";
import { loadTealConfig } from "@/lib/config/load";
import type { Role } from "@/lib/domain/basics";
import type { CreatedWebhook, DeliveryInfo, WebhookInfo } from "@/lib/domain/webhook";
import { ERROR_STATUS } from "@/lib/http/route";
import { createNotifier } from "@/lib/notify/notifier";
import { verifySignature } from "@/lib/notify/signature";
import type { Runtime } from "@/lib/runtime/runtime";
import type { Store } from "@/lib/store/store";
import { testRuntime } from "@/test/support/runtime";
import { openTestStore, type TestStore } from "@/test/support/store";
import { startWebhookReceiver, type WebhookReceiver } from "@/test/support/webhook-receiver";
import { GET } from "@/app/api/webhooks/route";
import { createWebhook } from "./create-webhook";
import { removeWebhook } from "./remove-webhook";
import { sendTestWebhook } from "./send-test-webhook";
import type { ActionResult } from "./result";

const singletons = globalThis as typeof globalThis & { __tealStore?: Promise<Store>; __tealRuntime?: Promise<Runtime> };

let t: TestStore;
let receiver: WebhookReceiver;
let role: Role | null = "admin";

const session = (r: Role): Session => ({ expires: "2099-01-01T00:00:00.000Z", user: { id: `demo:${r}`, email: `${r}@example.com`, role: r } });

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  setSessionSourceForTests(async () => (role === null ? null : session(role)));
});

afterAll(async () => {
  setSessionSourceForTests(undefined);
  await receiver.close();
});

beforeEach(async () => {
  t = await openTestStore("sqlite");
  role = "admin";
  const config = loadTealConfig("teal.config.yaml");
  // No AWS call is made here: the clients point nowhere.
  const rt = testRuntime({ config, store: t.store, clients: createClients({ region: "us-east-1", endpoint: "http://127.0.0.1:9", maxAttempts: 1 }) });
  singletons.__tealStore = Promise.resolve(t.store);
  singletons.__tealRuntime = Promise.resolve(rt);
});

afterEach(async () => {
  singletons.__tealStore = undefined;
  singletons.__tealRuntime = undefined;
  await t.cleanup();
});

const GOOD = {
  name: "chat",
  url: "https://hooks.example.com/services/T0/B0/s3cr3t-token",
  format: "slack",
  events: ["started", "completed"],
  apps: ["shop"],
};

function refused<T>(result: ActionResult<T>): { code: string; message: string } {
  if (result.ok) throw new Error("the action was not refused");
  return result;
}

function created(result: ActionResult<CreatedWebhook>): CreatedWebhook {
  if (!result.ok) throw new Error(`refused: ${result.message}`);
  return result.data;
}

/** What a refused call must leave as it was: the webhooks, the deliveries, and the audit log but for refusal records. */
async function state(): Promise<string> {
  const audit = (await t.store.listAudit({ limit: 1000 })).filter((r) => r.action !== "action.refused").map((r) => r.seq);
  return JSON.stringify([await t.store.webhooks.listWebhooks(), await t.store.webhooks.listDeliveries(), audit]);
}

describe("adding a webhook", () => {
  it("refuses bad input with a 4xx code and changes nothing", async () => {
    const before = await state();
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ["not a URL", { ...GOOD, url: "hooks.example.com/x" }, /url/],
      ["ftp", { ...GOOD, url: "ftp://hooks.example.com/x" }, /url/],
      ["javascript", { ...GOOD, url: "javascript:alert(1)" }, /url/],
      ["file", { ...GOOD, url: "file:///etc/passwd" }, /url/],
      ["an unknown event", { ...GOOD, events: ["started", "exploded"] }, /events/],
      ["no event", { ...GOOD, events: [] }, /events/],
      ["an event twice", { ...GOOD, events: ["started", "started"] }, /events/],
      ["an unknown format", { ...GOOD, format: "teams" }, /format/],
      ["an unknown application", { ...GOOD, apps: ["no-such-app"] }, /no-such-app/],
      ["an extra key", { ...GOOD, secret: "whsec_mine" }, /secret|Unrecognized|unrecognized/],
      ["an empty name", { ...GOOD, name: " " }, /name/],
    ];
    for (const [what, input, mentions] of bad) {
      const r = refused(await createWebhook(input));
      expect(r.code, what).toBe("invalid");
      expect(ERROR_STATUS.invalid).toBe(400);
      expect(r.message, what).toMatch(mentions);
      expect(r.message).not.toContain("s3cr3t-token");
    }
    expect(await state()).toBe(before);
  });

  it("gives the secret once, stores the webhook with its URL redacted everywhere it is shown, and audits it", async () => {
    const { webhook, secret } = created(await createWebhook(GOOD));
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({
      name: "chat",
      urlRedacted: "https://hooks.example.com/…",
      format: "slack",
      events: ["started", "completed"],
      apps: ["shop"],
    });
    const [record] = await t.store.listAudit({ action: "webhook.created" });
    expect(record?.actor?.email).toBe("admin@example.com");
    expect(record?.after).toMatchObject({ webhookId: webhook.id, url: "https://hooks.example.com/…" });

    const res = await GET();
    expect(res.status).toBe(200);
    const text = await res.text();
    const listed = JSON.parse(text) as { webhooks: WebhookInfo[]; deliveries: DeliveryInfo[] };
    expect(listed.webhooks.map((w) => w.id)).toEqual([webhook.id]);
    for (const shown of [text, JSON.stringify(await t.store.listAudit())]) {
      expect(shown).not.toContain("s3cr3t-token");
      expect(shown).not.toContain(secret);
    }
    // An empty application list is every application.
    expect(created(await createWebhook({ ...GOOD, name: "all", apps: [] })).webhook.apps).toBeNull();
  });
});

describe("who may manage webhooks", () => {
  it("refuses a viewer and an operator: they can neither list nor add one", async () => {
    created(await createWebhook(GOOD));
    const before = await state();
    for (const r of ["viewer", "responder", "operator"] as const) {
      role = r;
      const res = await GET();
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain("hooks.example.com");
      expect(refused(await createWebhook({ ...GOOD, name: r })).code).toBe("forbidden");
      const [hook] = await t.store.webhooks.listWebhooks();
      expect(refused(await removeWebhook({ webhookId: hook?.id })).code).toBe("forbidden");
      expect(refused(await sendTestWebhook({ webhookId: hook?.id })).code).toBe("forbidden");
    }
    role = null;
    expect((await GET()).status).toBe(401);
    expect(refused(await createWebhook(GOOD)).code).toBe("unauthenticated");
    expect(await state()).toBe(before);
  });
});

describe("testing and removing a webhook", () => {
  it("sends a signed test event through the outbox, then removes the webhook with an audit record", async () => {
    const { webhook, secret } = created(await createWebhook({ ...GOOD, url: `${receiver.url}/settings-test`, format: "generic" }));
    const sent = await sendTestWebhook({ webhookId: webhook.id });
    if (!sent.ok) throw new Error(sent.message);
    const notifier = createNotifier({
      store: t.store,
      appName: () => undefined,
      publicUrl: null,
      timeoutMs: 2_000,
      maxAttempts: 2,
      backoffMs: 5,
      maxBackoffMs: 10,
      pollMs: 10,
      keepMs: 86_400_000,
    });
    expect(await notifier.sendDue()).toBe(1);
    const [got] = receiver.on("/settings-test");
    expect(got?.headers["x-teal-event"]).toBe("test");
    expect(verifySignature(secret, got?.headers["x-teal-timestamp"] ?? "", got?.body ?? "", got?.headers["x-teal-signature"] ?? "")).toBe(true);
    const [delivery] = (await (await GET()).json()).deliveries as DeliveryInfo[];
    expect(delivery).toMatchObject({ id: sent.data.deliveryId, event: "test", status: "delivered", attempts: [{ attempt: 1, statusCode: 200 }] });

    const removed = await removeWebhook({ webhookId: webhook.id });
    expect(removed.ok).toBe(true);
    expect(refused(await removeWebhook({ webhookId: webhook.id })).code).toBe("not_found");
    expect(refused(await sendTestWebhook({ webhookId: webhook.id })).code).toBe("not_found");
    const [record] = await t.store.listAudit({ action: "webhook.removed" });
    expect(record?.before).toMatchObject({ webhookId: webhook.id, url: `${receiver.url}/…` });
    expect(await t.store.webhooks.listWebhooks()).toEqual([]);
  });
});
