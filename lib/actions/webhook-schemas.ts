/**
 * The input of the webhook actions (admins only). A webhook's URL is http(s) only, with a host,
 * and no longer than 2 000 characters; its events are among WEBHOOK_EVENTS; its applications are
 * checked against the configuration by the action.
 */
import { z } from "zod";
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS } from "@/lib/domain/webhook";
import { appIdSchema } from "./schemas";

const noControl = /^[^\u0000-\u001f\u007f]+$/;

export const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, "give the receiver's URL")
  .max(2000, "at most 2000 characters")
  .regex(noControl, "no control characters")
  .pipe(z.url({ protocol: /^https?$/, hostname: /^[^\s]+$/, error: "an http:// or https:// URL" }));

export const createWebhookSchema = z
  .object({
    name: z.string().trim().min(1, "name the webhook").max(80, "at most 80 characters").regex(noControl, "no control characters"),
    url: webhookUrlSchema,
    format: z.enum(WEBHOOK_FORMATS),
    events: z
      .array(z.enum(WEBHOOK_EVENTS))
      .min(1, "choose at least one event")
      .max(WEBHOOK_EVENTS.length)
      .refine((events) => new Set(events).size === events.length, "each event once"),
    /** Application ids; an empty list for every application. */
    apps: z.array(appIdSchema).max(500),
  })
  .strict();

export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;

export const webhookIdSchema = z.object({ webhookId: z.uuid("not a webhook id") }).strict();
