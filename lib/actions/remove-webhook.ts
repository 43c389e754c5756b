"use server";

import { AppError } from "@/lib/domain/app-error";
import type { WebhookInfo } from "@/lib/domain/webhook";
import { getStore } from "@/lib/store";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { webhookIdSchema } from "./webhook-schemas";

// Remove a webhook (admins only): nothing more is sent to it, and its deliveries not yet made are given up.
export async function removeWebhook(input: unknown): Promise<ActionResult<{ webhook: WebhookInfo }>> {
  return runAction("admin", webhookIdSchema, input, async (actor, data) => {
    const store = await getStore();
    const webhook = await store.webhooks.removeWebhook(data.webhookId);
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
    return { webhook };
  });
}
