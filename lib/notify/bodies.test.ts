// The bodies and the mapping from audit actions to events (pure).
import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS, type AuditAction } from "@/lib/domain/audit-actions";
import { EVENT_OF_AUDIT_ACTION, WEBHOOK_EVENTS, webhookEventOf } from "@/lib/domain/webhook";
import type { NotifiableRecord, WebhookSubscription } from "@/lib/store/webhooks";
import { deliveriesOf, genericBody, renderBody, slackBody, testBody, type BodyContext, type GenericBody } from "./bodies";

const ctx: BodyContext = { appName: (id) => (id === "shop" ? "Shop <storefront>" : undefined), publicUrl: "https://teal.example.com" };

function rec(action: string, extra: Partial<NotifiableRecord> = {}): NotifiableRecord {
  return {
    seq: 7,
    at: "2026-01-02T03:04:05.000Z",
    action,
    actor: { id: "u-op", email: "op@example.com", role: "operator" },
    appId: "shop",
    operationId: "op-1",
    reason: "release 42",
    after: null,
    operation: { kind: "shift", summary: "Shift green from 0 % to 10 %", pattern: "alb-weighted" },
    ...extra,
  };
}

const hook = (over: Partial<WebhookSubscription> = {}): WebhookSubscription => ({
  id: "w1",
  name: "w",
  format: "generic",
  events: [...WEBHOOK_EVENTS],
  apps: null,
  fromSeq: 0,
  ...over,
});

describe("the mapping from audit actions to events", () => {
  it("maps every record an operation or a progressive delivery writes to its event, and leaves every other record alone", () => {
    const today = (Object.keys(EVENT_OF_AUDIT_ACTION) as string[]).filter((a) => (AUDIT_ACTIONS as readonly string[]).includes(a));
    expect(today.map((a) => [a, webhookEventOf(a)])).toEqual([
      ["operation.started", "started"],
      ["operation.resumed", "started"],
      ["step.succeeded", "step"],
      ["step.failed", "step"],
      ["step.skipped", "step"],
      ["progressive.step", "step"],
      ["progressive.held", "held"],
      ["progressive.approval_needed", "approval-needed"],
      ["progressive.halted", "halted"],
      ["progressive.rollback_started", "rollback-automatic"],
      ["operation.succeeded", "completed"],
      ["operation.failed", "failed"],
      ["operation.interrupted", "failed"],
      ["operation.aborted", "aborted"],
      ["operation.preempted", "aborted"],
    ]);
    const unmapped: AuditAction[] = AUDIT_ACTIONS.filter((a) => !today.includes(a));
    for (const action of unmapped) expect(deliveriesOf(rec(action), [hook()], ctx)).toEqual([]);
    // Every mapped name is one a record can carry.
    expect(today).toHaveLength(Object.keys(EVENT_OF_AUDIT_ACTION).length);
    expect(webhookEventOf("toString")).toBeNull();
  });

  it("delivers to the webhooks subscribed to the event and the application only", () => {
    const hooks = [
      hook({ id: "all" }),
      hook({ id: "starts", events: ["started"] }),
      hook({ id: "shop", apps: ["shop"] }),
      hook({ id: "other", apps: ["payments-api"] }),
      hook({ id: "slack", format: "slack", events: ["completed"] }),
    ];
    expect(deliveriesOf(rec("operation.started"), hooks, ctx).map((d) => d.webhookId)).toEqual(["all", "starts", "shop"]);
    const done = deliveriesOf(rec("operation.succeeded"), hooks, ctx);
    expect(done.map((d) => d.webhookId)).toEqual(["all", "shop", "slack"]);
    expect(JSON.parse(done[2]?.body ?? "{}")).toHaveProperty("blocks");
    expect(deliveriesOf(rec("operation.started", { appId: null }), hooks, ctx)).toEqual([]);
  });
});

describe("the bodies", () => {
  it("give an approval-needed event the approve and rollback links, and no other event", () => {
    const approval = genericBody("approval-needed", rec("progressive.approval_needed"), ctx);
    expect(approval.links).toEqual({
      operation: "https://teal.example.com/apps/shop?operation=op-1",
      approve: "https://teal.example.com/apps/shop?operation=op-1&approve=1",
      rollback: "https://teal.example.com/apps/shop?rollback=1",
    });
    expect(approval.status).toBe("awaiting-approval");
    const buttons = slackBody(approval).blocks[1];
    expect(buttons).toMatchObject({
      type: "actions",
      elements: [
        { text: { text: "Open in Teal" } },
        { text: { text: "Approve" }, url: approval.links?.approve, style: "primary" },
        { text: { text: "Roll back" }, url: approval.links?.rollback, style: "danger" },
      ],
    });
    expect(genericBody("started", rec("operation.started"), ctx).links).toEqual({ operation: "https://teal.example.com/apps/shop?operation=op-1" });
    expect(genericBody("started", rec("operation.started"), { ...ctx, publicUrl: null }).links).toBeNull();
    expect(slackBody(genericBody("started", rec("operation.started"), { ...ctx, publicUrl: null })).blocks).toHaveLength(1);
  });

  it("carry no ARN or account id, and escape Slack's markup", () => {
    const arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-green/73e2d6bc24d8a067";
    const failed = rec("operation.failed", { after: { status: "failed", error: `ModifyListener failed on ${arn}` } });
    const body = genericBody("failed", failed, ctx);
    expect(body.message).toBe("ModifyListener failed on targetgroup/shop-green/73e2d6bc24d8a067");
    expect(body.status).toBe("failed");
    const step = genericBody("step", rec("step.failed", { after: { step: "weights", index: 1, title: `Set weights on ${arn}` } }), ctx);
    expect(step.step).toEqual({ index: 1, title: "Set weights on targetgroup/shop-green/73e2d6bc24d8a067", result: "failed" });
    for (const format of ["generic", "slack"] as const) {
      for (const b of [body, step]) expect(renderBody(format, b)).not.toMatch(/arn:aws|123456789012/);
    }
    const section = slackBody(body).blocks[0] as { text: { text: string } };
    expect(section.text.text).toContain("Shop &lt;storefront&gt;");
    expect(section.text.text).not.toContain("<storefront>");
  });

  it("make a test event of its own", () => {
    const body: GenericBody = testBody("chat", "2026-01-02T03:04:05.000Z");
    expect(body).toMatchObject({ event: "test", application: null, status: "test" });
    expect(slackBody(body).text).toContain("Test notification");
  });
});
