/**
 * Adding and removing webhooks, for the settings page's actions and for `teal webhook` on the
 * server's host: the same checks and the same audit records. No server-only code: the command
 * line imports this outside Next.
 */
import { AppError } from "@/lib/domain/app-error";
import type { Actor } from "@/lib/domain/operation";
import { redactWebhookUrl, type CreatedWebhook, type WebhookInfo } from "@/lib/domain/webhook";
import { createWebhookSchema } from "@/lib/actions/webhook-schemas";
import type { Store } from "@/lib/store/store";
import { generateWebhookSecret } from "./signature";

type WebhookStore = Pick<Store, "webhooks" | "appendAudit">;

/**
 * Validates `input` (createWebhookSchema) and adds the webhook, audited as `webhook.created` with its
 * URL redacted; `isApp` says which application ids the configuration knows. Returns the secret
 * this once.
 */
export async function createWebhookAs(store: WebhookStore, actor: Actor, input: unknown, isApp: (id: string) => boolean): Promise<CreatedWebhook> {
  const parsed = createWebhookSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? `${first.path.join(".")}: ` : "";
    throw new AppError("invalid", `Invalid input: ${where}${first?.message ?? "malformed"}`);
  }
  const data = parsed.data;
  const apps = data.apps.length === 0 ? null : [...new Set(data.apps)];
  const unknown = apps?.find((id) => !isApp(id));
  if (unknown !== undefined) throw new AppError("invalid", `There is no application "${unknown}" in Teal's configuration.`);
  const secret = generateWebhookSecret();
  const webhook = await store.webhooks.createWebhook({
    name: data.name,
    url: data.url,
    format: data.format,
    events: data.events,
    apps,
    secret,
    createdBy: actor,
  });
  // The audit record names the webhook with its URL redacted, never the full URL or the secret.
  await store.appendAudit({
    action: "webhook.created",
    actor,
    appId: null,
    operationId: null,
    reason: null,
    before: null,
    after: {
      webhookId: webhook.id,
      name: webhook.name,
      url: redactWebhookUrl(data.url),
      format: webhook.format,
      events: webhook.events,
      apps: webhook.apps,
    },
  });
  return { webhook, secret };
}

/** Removes a webhook, audited as `webhook.removed`; not_found when it is unknown or already removed. */
export async function removeWebhookAs(store: WebhookStore, actor: Actor, webhookId: string): Promise<WebhookInfo> {
  const webhook = await store.webhooks.removeWebhook(webhookId);
  if (!webhook) throw new AppError("not_found", "There is no such webhook.");
  await store.appendAudit({
    action: "webhook.removed",
    actor,
    appId: null,
    operationId: null,
    reason: null,
    before: {
      webhookId: webhook.id,
      name: webhook.name,
      url: webhook.urlRedacted,
      format: webhook.format,
      events: webhook.events,
      apps: webhook.apps,
    },
    after: null,
  });
  return webhook;
}
