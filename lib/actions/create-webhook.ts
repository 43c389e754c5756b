"use server";

import type { CreatedWebhook } from "@/lib/domain/webhook";
import { createWebhookAs } from "@/lib/notify/admin";
import { getRuntime } from "@/lib/runtime/runtime";
import { getStore } from "@/lib/store";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { createWebhookSchema } from "./webhook-schemas";

// Add a webhook (admins only): its signing secret is returned this once; the URL is never shown again in full.
export async function createWebhook(input: unknown): Promise<ActionResult<CreatedWebhook>> {
  return runAction("admin", createWebhookSchema, input, async (actor, data) => {
    const rt = await getRuntime();
    return createWebhookAs(await getStore(), actor, data, (id) => rt.app(id) !== undefined);
  });
}
