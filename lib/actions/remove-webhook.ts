"use server";

import type { WebhookInfo } from "@/lib/domain/webhook";
import { removeWebhookAs } from "@/lib/notify/admin";
import { getStore } from "@/lib/store";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { webhookIdSchema } from "./webhook-schemas";

// Remove a webhook (admins only): nothing more is sent to it, and its deliveries not yet made are given up.
export async function removeWebhook(input: unknown): Promise<ActionResult<{ webhook: WebhookInfo }>> {
  return runAction("admin", webhookIdSchema, input, async (actor, data) => ({
    webhook: await removeWebhookAs(await getStore(), actor, data.webhookId),
  }));
}
