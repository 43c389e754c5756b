import { WEBHOOK_EVENT_WORDS, type DeliveryInfo, type DeliveryStatus, type WebhookInfo } from "@/lib/domain/webhook";
import { Badge } from "@/components/ui/badge";
import { formatUtc } from "@/components/history/format-utc";
import { RemoveWebhookButton } from "./remove-webhook-button";
import { SendTestWebhookButton } from "./send-test-webhook-button";

const TH = "py-2 pr-3 font-medium whitespace-nowrap";

/** Every webhook with its redacted URL, body, events and applications; each can be tested or removed. */
export function WebhookTable({ webhooks }: { webhooks: readonly WebhookInfo[] }) {
  if (webhooks.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">No webhooks yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Webhooks</caption>
        <thead className="text-xs text-slate-500 dark:text-slate-400">
          <tr className="border-b border-slate-200 dark:border-slate-800">
            <th scope="col" className={TH}>
              Name
            </th>
            <th scope="col" className={TH}>
              URL
            </th>
            <th scope="col" className={TH}>
              Body
            </th>
            <th scope="col" className={TH}>
              Events
            </th>
            <th scope="col" className={TH}>
              Applications
            </th>
            <th scope="col" className={TH}>
              Added by
            </th>
            <th scope="col" className={TH}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800/70">
          {webhooks.map((w) => (
            <tr key={w.id}>
              <td className="min-w-24 py-2 pr-3 font-medium break-words text-slate-900 dark:text-slate-100">{w.name}</td>
              <td className="py-2 pr-3 font-mono text-xs whitespace-nowrap text-slate-700 dark:text-slate-300">{w.urlRedacted}</td>
              <td className="py-2 pr-3 text-slate-700 dark:text-slate-300">{w.format === "slack" ? "Slack" : "Generic"}</td>
              <td className="py-2 pr-3 text-xs text-slate-700 dark:text-slate-300">{w.events.map((e) => WEBHOOK_EVENT_WORDS[e]).join(", ")}</td>
              <td className="py-2 pr-3 font-mono text-xs text-slate-700 dark:text-slate-300">{w.apps ? w.apps.join(", ") : "all"}</td>
              <td className="py-2 pr-3 whitespace-nowrap text-slate-700 dark:text-slate-300">{w.createdBy.email}</td>
              <td className="py-2 text-right whitespace-nowrap">
                <span className="inline-flex items-start gap-2">
                  <SendTestWebhookButton webhookId={w.id} name={w.name} />
                  <RemoveWebhookButton webhookId={w.id} name={w.name} />
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function statusBadge(status: DeliveryStatus) {
  switch (status) {
    case "delivered":
      return (
        <Badge tone="success">
          <span aria-hidden="true">✓</span>Delivered
        </Badge>
      );
    case "pending":
      return (
        <Badge tone="neutral">
          <span aria-hidden="true">…</span>Retrying
        </Badge>
      );
    case "given_up":
      return (
        <Badge tone="danger">
          <span aria-hidden="true">✕</span>Given up
        </Badge>
      );
  }
}

function lastAttempt(d: DeliveryInfo): string {
  const last = d.attempts[d.attempts.length - 1];
  if (!last) return "not sent yet";
  const answer = last.statusCode !== null ? `HTTP ${last.statusCode}` : (last.errorKind ?? "no answer");
  return `${answer}, ${last.durationMs} ms`;
}

/** The last deliveries, newest first: which webhook, which event, its status and attempts. */
export function DeliveryTable({ deliveries, webhooks }: { deliveries: readonly DeliveryInfo[]; webhooks: readonly WebhookInfo[] }) {
  if (deliveries.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">Nothing delivered yet.</p>;
  const names = new Map(webhooks.map((w) => [w.id, w.name]));
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Last webhook deliveries</caption>
        <thead className="text-xs text-slate-500 dark:text-slate-400">
          <tr className="border-b border-slate-200 dark:border-slate-800">
            <th scope="col" className={TH}>
              Queued
            </th>
            <th scope="col" className={TH}>
              Webhook
            </th>
            <th scope="col" className={TH}>
              Event
            </th>
            <th scope="col" className={TH}>
              Application
            </th>
            <th scope="col" className={TH}>
              Status
            </th>
            <th scope="col" className={TH}>
              Attempts
            </th>
            <th scope="col" className={TH}>
              Last attempt
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800/70">
          {deliveries.map((d) => (
            <tr key={d.id}>
              <td className="py-2 pr-3 text-xs whitespace-nowrap text-slate-600 tabular-nums dark:text-slate-400">{formatUtc(d.createdAt)}</td>
              <td className="py-2 pr-3 break-all text-slate-700 dark:text-slate-300">{names.get(d.webhookId) ?? "(removed)"}</td>
              <td className="py-2 pr-3 text-slate-700 dark:text-slate-300">{d.event === "test" ? "Test" : WEBHOOK_EVENT_WORDS[d.event]}</td>
              <td className="py-2 pr-3 font-mono text-xs text-slate-700 dark:text-slate-300">{d.appId ?? "—"}</td>
              <td className="py-2 pr-3 text-xs whitespace-nowrap">{statusBadge(d.status)}</td>
              <td className="py-2 pr-3 text-slate-700 tabular-nums dark:text-slate-300">{d.attempts.length}</td>
              <td className="py-2 pr-3 text-xs whitespace-nowrap text-slate-600 dark:text-slate-400">{lastAttempt(d)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
