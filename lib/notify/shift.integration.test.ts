// A real shift, run by the engine against the practice range over HTTP with the real SDK clients,
// is told to a real local receiver by the notifier: its start, steps and completion, in the
// generic body and Slack's, each signed with its webhook's secret, with no ARN or account id.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTealConfig, parseEnv } from "@/lib/config/load";
import type { AppConfig } from "@/lib/config/schema";
import { createEngine } from "@/lib/engine/engine";
import { planIntent } from "@/lib/runtime/plan-service";
import { createAwsAccess, type Runtime } from "@/lib/runtime/runtime";
import { openStore, type Store } from "@/lib/store/store";
import { seedAlb } from "@/range/demo/seed-alb";
import { runToEnd } from "@/test/support/budget";
import { startTestRange, type TestRange } from "@/test/support/range";
import { startWebhookReceiver, type WebhookReceiver } from "@/test/support/webhook-receiver";
import type { GenericBody, SlackBody } from "./bodies";
import { createNotifier } from "./notifier";
import { generateWebhookSecret, verifySignature } from "./signature";

const OPERATOR = { id: "u-op", email: "op@example.com", role: "operator" as const };
const ADMIN = { id: "u-admin", email: "admin@example.com", role: "admin" as const };

let range: TestRange;
let receiver: WebhookReceiver;
let dir = "";
let store: Store;
let rt: Runtime;
let app: AppConfig;

beforeAll(async () => {
  range = await startTestRange({}, Date.now());
  await seedAlb(range.url);
  receiver = await startWebhookReceiver();
  const found = loadTealConfig("teal.config.yaml").applications.find((a) => a.pattern === "alb-weighted");
  if (!found) throw new Error("teal.config.yaml has no alb-weighted application");
  app = found;
  const env = parseEnv({ AWS_ENDPOINT_URL: range.url, TEAL_READ_BUDGET: "off", TEAL_WAIT_SCALE: "0.1" });
  const access = createAwsAccess(env);
  dir = mkdtempSync(path.join(os.tmpdir(), "teal-notify-shift-"));
  store = await openStore(`file:${path.join(dir, "teal.db")}`);
  rt = {
    env,
    config: { applications: [app] },
    store,
    engine: createEngine({ store, gateway: access.gateway }),
    ...access,
    app: (id) => (id === app.id ? app : undefined),
  };
  // Green's targets boot and pass their health checks on the range's clock.
  for (let i = 0; i < 60; i++) {
    range.tick(10_000);
    await fetch(`${range.url}/_sim/health`);
  }
}, 60_000);

afterAll(async () => {
  await store?.close();
  await receiver?.close();
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a shift told by webhook", () => {
  it("delivers its start and completion as generic and Slack bodies with a valid signature", async () => {
    const generic = generateWebhookSecret();
    const slack = generateWebhookSecret();
    await store.webhooks.createWebhook({
      name: "pipeline",
      url: `${receiver.url}/generic`,
      format: "generic",
      events: ["started", "step", "completed"],
      apps: [app.id],
      secret: generic,
      createdBy: ADMIN,
    });
    await store.webhooks.createWebhook({
      name: "chat",
      url: `${receiver.url}/slack/T000/B000/token`,
      format: "slack",
      events: ["started", "completed"],
      apps: null,
      secret: slack,
      createdBy: ADMIN,
    });
    const notifier = createNotifier({
      store,
      appName: (id) => rt.app(id)?.name,
      publicUrl: "https://teal.example.com",
      timeoutMs: 2_000,
      maxAttempts: 3,
      backoffMs: 5,
      maxBackoffMs: 20,
      pollMs: 10,
      keepMs: 86_400_000,
    });

    const { result } = await planIntent(rt, app, { kind: "shift", greenPercent: 10 });
    if (!result.ok) throw new Error(result.reason);
    const { operationId } = await rt.engine.start({ plan: result.plan, actor: OPERATOR, reason: "canary 10 %" });
    expect(await runToEnd(store, operationId)).toBe("succeeded");
    await notifier.tick();
    await notifier.tick();

    const bodies = receiver.on("/generic").map((r) => {
      expect(verifySignature(generic, r.headers["x-teal-timestamp"] ?? "", r.body, r.headers["x-teal-signature"] ?? "")).toBe(true);
      expect(r.headers["content-type"]).toBe("application/json");
      return JSON.parse(r.body) as GenericBody;
    });
    // One webhook's deliveries arrive in the audit log's order.
    expect(bodies.map((b) => b.seq)).toEqual([...bodies.map((b) => b.seq)].sort((a, b) => (a ?? 0) - (b ?? 0)));
    const events = bodies.map((b) => b.event);
    expect(events[0]).toBe("started");
    expect(events[events.length - 1]).toBe("completed");
    const steps = bodies.filter((b) => b.event === "step");
    expect(steps.length).toBe(result.plan.steps.length);
    expect(steps.map((s) => s.step?.title)).toEqual(result.plan.steps.map((s) => s.title));
    const [started] = bodies;
    const completed = bodies[bodies.length - 1];
    expect(started).toMatchObject({
      event: "started",
      action: "operation.started",
      application: { id: app.id, name: app.name },
      operation: { id: operationId, kind: "shift", summary: result.plan.summary },
      actor: OPERATOR.email,
      reason: "canary 10 %",
      status: "running",
      links: { operation: `https://teal.example.com/apps/${app.id}?operation=${operationId}` },
    });
    expect(completed).toMatchObject({ event: "completed", action: "operation.succeeded", status: "succeeded", operation: { id: operationId } });
    expect(Date.parse(completed?.time ?? "")).toBeGreaterThanOrEqual(Date.parse(started?.time ?? ""));

    const chat = receiver.on("/slack/T000/B000/token");
    expect(chat).toHaveLength(2);
    const slackBodies = chat.map((r) => {
      expect(verifySignature(slack, r.headers["x-teal-timestamp"] ?? "", r.body, r.headers["x-teal-signature"] ?? "")).toBe(true);
      // The other webhook's secret does not verify it.
      expect(verifySignature(generic, r.headers["x-teal-timestamp"] ?? "", r.body, r.headers["x-teal-signature"] ?? "")).toBe(false);
      return JSON.parse(r.body) as SlackBody;
    });
    expect(slackBodies.map((b) => b.text.split(" — ")[0])).toEqual([`Operation started: ${app.name}`, `Operation completed: ${app.name}`]);
    for (const b of slackBodies) {
      expect(b.blocks[0]).toMatchObject({ type: "section", text: { type: "mrkdwn" } });
      expect(b.blocks[1]).toMatchObject({
        type: "actions",
        elements: [
          {
            type: "button",
            text: { type: "plain_text", text: "Open in Teal" },
            url: `https://teal.example.com/apps/${app.id}?operation=${operationId}`,
          },
        ],
      });
    }
    // The plan's calls name load balancers and target groups by ARN; no body does.
    expect(JSON.stringify(result.plan)).toMatch(/arn:aws/);
    for (const r of receiver.received) expect(r.body).not.toMatch(/arn:aws|\d{12}/);
  }, 60_000);
});
