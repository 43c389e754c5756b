"use server";

import { AppError } from "@/lib/domain/app-error";
import { redactWebhookUrl, type CreatedWebhook } from "@/lib/domain/webhook";
import { generateWebhookSecret } from "@/lib/notify/signature";
import { getRuntime } from "@/lib/runtime/runtime";
import { getStore } from "@/lib/store";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { createWebhookSchema } from "./webhook-schemas";

// Add a webhook (admins only): its signing secret is returned this once; the URL is never shown again in full.
export async function createWebhook(input: unknown): Promise<ActionResult<CreatedWebhook>> {
  return runAction("admin", createWebhookSchema, input, async (actor, data) => {
    const apps = data.apps.length === 0 ? null : [...new Set(data.apps)];
    if (apps) {
      const rt = await getRuntime();
      const unknown = apps.find((id) => rt.app(id) === undefined);
      if (unknown !== undefined) throw new AppError("invalid", `There is no application "${unknown}" in Teal's configuration.`);
    }
    const store = await getStore();
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
  });
}
