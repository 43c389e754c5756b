/**
 * The notifier's settings from the environment, checked with zod like the rest of Teal's: a bad
 * value stops the server with the variable and the fix.
 */
import { z } from "zod";
import { ConfigError } from "@/lib/config/load";

const ms = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const publicUrl = z
  .url({ protocol: /^https?$/, error: "an http(s) URL such as https://teal.example.com" })
  .transform((u) => u.replace(/\/+$/, ""))
  .optional();

export const notifyEnvSchema = z.object({
  /** Teal's address as people open it: the links in notifications start with it. Unset: NEXTAUTH_URL, else no links. */
  TEAL_PUBLIC_URL: publicUrl,
  NEXTAUTH_URL: z.string().optional(),
  /** How long one attempt may take before it counts as a timeout. */
  TEAL_WEBHOOK_TIMEOUT_MS: ms(50, 60_000, 5_000),
  /** Attempts per delivery before it is given up. */
  TEAL_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  /** The pause before the first retry; each next one doubles, up to TEAL_WEBHOOK_MAX_BACKOFF_MS, with jitter. */
  TEAL_WEBHOOK_BACKOFF_MS: ms(1, 600_000, 2_000),
  TEAL_WEBHOOK_MAX_BACKOFF_MS: ms(1, 3_600_000, 300_000),
  /** How often a server looks for new audit records and due deliveries. */
  TEAL_WEBHOOK_POLL_MS: ms(10, 60_000, 1_000),
  /** How long the delivery log keeps a delivery that ended (delivered or given up). */
  TEAL_WEBHOOK_KEEP_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});

export interface NotifySettings {
  publicUrl: string | null;
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  pollMs: number;
  /** Deliveries that ended longer ago than this are forgotten (ms). */
  keepMs: number;
}

export function notifySettingsFrom(env: Record<string, string | undefined>): NotifySettings {
  const parsed = notifyEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`The environment: ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}`);
  }
  const e = parsed.data;
  const fallback = e.NEXTAUTH_URL !== undefined && /^https?:\/\//i.test(e.NEXTAUTH_URL) ? e.NEXTAUTH_URL.replace(/\/+$/, "") : null;
  return {
    publicUrl: e.TEAL_PUBLIC_URL ?? fallback,
    timeoutMs: e.TEAL_WEBHOOK_TIMEOUT_MS,
    maxAttempts: e.TEAL_WEBHOOK_MAX_ATTEMPTS,
    backoffMs: e.TEAL_WEBHOOK_BACKOFF_MS,
    maxBackoffMs: Math.max(e.TEAL_WEBHOOK_BACKOFF_MS, e.TEAL_WEBHOOK_MAX_BACKOFF_MS),
    pollMs: e.TEAL_WEBHOOK_POLL_MS,
    keepMs: e.TEAL_WEBHOOK_KEEP_DAYS * 86_400_000,
  };
}
