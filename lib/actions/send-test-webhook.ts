"use server";

import { AppError } from "@/lib/domain/app-error";
import { testBody, renderBody } from "@/lib/notify/bodies";
import { getStore } from "@/lib/store";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { webhookIdSchema } from "./webhook-schemas";

// Send a test event to a webhook (admins only): it goes through the outbox like any delivery, so its attempts show in the delivery log.
export async function sendTestWebhook(input: unknown): Promise<ActionResult<{ deliveryId: string }>> {
  return runAction("admin", webhookIdSchema, input, async (_actor, data) => {
    const store = await getStore();
    const webhook = await store.webhooks.getWebhook(data.webhookId);
    if (!webhook) throw new AppError("not_found", "There is no such webhook.");
    const body = renderBody(webhook.format, testBody(webhook.name, new Date().toISOString()));
    const deliveryId = await store.webhooks.enqueueDelivery({ webhookId: webhook.id, event: "test", appId: null, operationId: null, body });
    return { deliveryId };
  });
}
