/**
 * The bodies Teal sends to webhooks, built from an audit record when the notifier writes the
 * delivery (pure: no I/O, no clock). Two formats: `generic` (one JSON object a program reads) and
 * `slack` (Slack's incoming-webhook shape: `text` and `blocks`, with link buttons). No ARN or
 * account id reaches either: every string goes through `withoutArns`.
 */
import { withoutArns } from "@/lib/domain/arn";
import type { JsonValue } from "@/lib/domain/basics";
import { WEBHOOK_EVENT_WORDS, webhookEventOf, type DeliveryEvent, type WebhookEvent, type WebhookFormat } from "@/lib/domain/webhook";
import type { DeliveryDraft, NotifiableRecord, WebhookSubscription } from "@/lib/store/webhooks";

export interface BodyContext {
  /** The configured name of an application, or undefined when the configuration no longer has it. */
  appName(appId: string): string | undefined;
  /** Teal's public base URL (`TEAL_PUBLIC_URL`, no trailing slash), or null: the bodies then carry no links. */
  publicUrl: string | null;
}

export interface NotificationLinks {
  /** The application's page, on the operation. */
  operation: string;
  /** Only for approval-needed: where the approval is given (the page's control checks the role). */
  approve?: string;
  /** Only for approval-needed: where the rollback is started (the page's control checks the role). */
  rollback?: string;
}

/** The generic body: what every format is made from. */
export interface GenericBody {
  event: DeliveryEvent;
  /** The audit action the event comes from (`operation.succeeded`, `progressive.held`, …); null for a test. */
  action: string | null;
  /** The audit record's sequence number: receivers may order by it and drop repeats. */
  seq: number | null;
  time: string;
  application: { id: string; name: string } | null;
  operation: { id: string; kind: string | null; summary: string | null } | null;
  /** Who started or did it (an email, or `token <name>`), or null for Teal itself. */
  actor: string | null;
  reason: string | null;
  status: string;
  /** For a step event: which step and how it ended. */
  step: { index: number | null; title: string | null; result: string } | null;
  /** A short user-safe explanation when the record carries one (a failure's message). */
  message: string | null;
  links: NotificationLinks | null;
}

/** The status an event reports, unless its record carries one. */
const EVENT_STATUS: Readonly<Record<WebhookEvent, string>> = {
  started: "running",
  step: "running",
  held: "held",
  "approval-needed": "awaiting-approval",
  halted: "halted",
  "rollback-automatic": "rolling-back",
  completed: "succeeded",
  failed: "failed",
  aborted: "aborted",
};

const STEP_RESULT: Readonly<Record<string, string>> = {
  "step.succeeded": "succeeded",
  "step.failed": "failed",
  "step.skipped": "skipped",
};

function field(value: JsonValue | null, key: string): JsonValue | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value[key] : undefined;
}

function text(value: JsonValue | undefined): string | null {
  return typeof value === "string" ? value : null;
}

function appLink(publicUrl: string, appId: string, query: Record<string, string>): string {
  const params = new URLSearchParams(query).toString();
  return `${publicUrl}/apps/${encodeURIComponent(appId)}${params ? `?${params}` : ""}`;
}

function linksOf(event: WebhookEvent, record: NotifiableRecord, publicUrl: string | null): NotificationLinks | null {
  if (publicUrl === null || record.appId === null) return null;
  const op: Record<string, string> = record.operationId === null ? {} : { operation: record.operationId };
  const links: NotificationLinks = { operation: appLink(publicUrl, record.appId, op) };
  if (event === "approval-needed") {
    links.approve = appLink(publicUrl, record.appId, { ...op, approve: "1" });
    links.rollback = appLink(publicUrl, record.appId, { rollback: "1" });
  }
  return links;
}

/** The generic body of an audit record's event. */
export function genericBody(event: WebhookEvent, record: NotifiableRecord, ctx: BodyContext): GenericBody {
  const stepResult = STEP_RESULT[record.action] ?? (event === "step" ? (text(field(record.after, "result")) ?? "succeeded") : null);
  const indexValue = field(record.after, "index");
  const body: GenericBody = {
    event,
    action: record.action,
    seq: record.seq,
    time: record.at,
    application: record.appId === null ? null : { id: record.appId, name: ctx.appName(record.appId) ?? record.appId },
    operation:
      record.operationId === null
        ? null
        : { id: record.operationId, kind: record.operation?.kind ?? null, summary: record.operation?.summary ?? null },
    actor: record.actor?.email ?? null,
    reason: record.reason === "" ? null : record.reason,
    status: text(field(record.after, "status")) ?? EVENT_STATUS[event],
    step:
      stepResult === null
        ? null
        : {
            index: typeof indexValue === "number" ? indexValue : null,
            title: text(field(record.after, "title")) ?? text(field(record.after, "step")),
            result: stepResult,
          },
    message: text(field(record.after, "error")) ?? text(field(record.after, "message")),
    links: linksOf(event, record, ctx.publicUrl),
  };
  return withoutArns(body);
}

/** The body of the settings page's test event. */
export function testBody(webhookName: string, atIso: string): GenericBody {
  return withoutArns({
    event: "test",
    action: null,
    seq: null,
    time: atIso,
    application: null,
    operation: null,
    actor: null,
    reason: null,
    status: "test",
    step: null,
    message: `A test notification from Teal to the webhook "${webhookName}".`,
    links: null,
  });
}

/** Slack's mrkdwn treats &, < and > as markup. */
function escapeSlack(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export interface SlackBody {
  text: string;
  blocks: JsonValue[];
}

/** Slack's incoming-webhook shape, made from the generic body. */
export function slackBody(body: GenericBody): SlackBody {
  const title = body.event === "test" ? "Test notification" : WEBHOOK_EVENT_WORDS[body.event];
  const app = body.application?.name ?? null;
  const headline = app === null ? title : `${title}: ${app}`;
  const lines: string[] = [`*${escapeSlack(headline)}*`];
  if (body.operation?.summary) lines.push(escapeSlack(body.operation.summary));
  if (body.step)
    lines.push(`Step ${body.step.index === null ? "" : `${body.step.index + 1} `}${body.step.result}: ${escapeSlack(body.step.title ?? "")}`.trim());
  if (body.message) lines.push(escapeSlack(body.message));
  const facts = [`Status: ${escapeSlack(body.status)}`];
  if (body.actor) facts.push(`By: ${escapeSlack(body.actor)}`);
  if (body.reason) facts.push(`Reason: ${escapeSlack(body.reason)}`);
  lines.push(facts.join(" · "));
  const blocks: JsonValue[] = [{ type: "section", text: { type: "mrkdwn", text: lines.join("\n") } }];
  const links = body.links;
  if (links) {
    const button = (label: string, url: string, style?: "primary" | "danger"): JsonValue => ({
      type: "button",
      text: { type: "plain_text", text: label },
      url,
      ...(style ? { style } : {}),
    });
    const elements: JsonValue[] = [button("Open in Teal", links.operation)];
    if (links.approve) elements.push(button("Approve", links.approve, "primary"));
    if (links.rollback) elements.push(button("Roll back", links.rollback, "danger"));
    blocks.push({ type: "actions", elements });
  }
  const plain = [headline, body.operation?.summary, body.message].filter((s): s is string => typeof s === "string" && s !== "").join(" — ");
  return withoutArns({ text: plain, blocks });
}

/** The JSON text sent to a webhook of `format`. */
export function renderBody(format: WebhookFormat, body: GenericBody): string {
  return JSON.stringify(format === "slack" ? slackBody(body) : body);
}

/**
 * The deliveries of one audit record: one per webhook that subscribes to its event and to its
 * application (a webhook with no application list hears of every application). Records of no
 * event, or of no application, are delivered to nobody.
 */
export function deliveriesOf(record: NotifiableRecord, webhooks: readonly WebhookSubscription[], ctx: BodyContext): DeliveryDraft[] {
  const event = webhookEventOf(record.action);
  if (event === null || record.appId === null) return [];
  const appId = record.appId;
  const listening = webhooks.filter((w) => w.events.includes(event) && (w.apps === null || w.apps.includes(appId)));
  if (listening.length === 0) return [];
  const body = genericBody(event, record, ctx);
  return listening.map((w) => ({ webhookId: w.id, event, appId, operationId: record.operationId, body: renderBody(w.format, body) }));
}
