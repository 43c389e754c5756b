import "server-only";
import type { Runtime } from "@/lib/runtime/runtime";
import { logger } from "@/lib/telemetry/log";
import { createNotifier } from "./notifier";
import { notifySettingsFrom } from "./settings";

// One notifier per process, whichever bundle of the server starts it.
const KEY = Symbol.for("teal.notify.notifier");
const holder = globalThis as typeof globalThis & { [KEY]?: () => void };

/**
 * Starts this server's webhook notifier (settings from the environment: lib/notify/settings.ts)
 * and returns its stop. Every server runs one: on a shared PostgreSQL database the cursor's lock
 * and the deliveries' leases keep each record and each delivery to one server.
 */
export function startWebhookNotifier(rt: Pick<Runtime, "store" | "app">): () => void {
  const existing = holder[KEY];
  if (existing) return existing;
  const settings = notifySettingsFrom(process.env);
  const notifier = createNotifier({ ...settings, store: rt.store, appName: (id) => rt.app(id)?.name });
  notifier.start();
  logger.info("webhook.notifier_started", { publicUrl: settings.publicUrl !== null, pollMs: settings.pollMs, maxAttempts: settings.maxAttempts });
  const stop = () => {
    void notifier.stop();
  };
  holder[KEY] = stop;
  return stop;
}
