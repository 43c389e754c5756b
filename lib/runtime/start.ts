import "server-only";
import { ConfigError } from "@/lib/config/load";
import type { Operation } from "@/lib/domain/operation";
import { startRecoveryLoop } from "@/lib/engine/recovery";
import { startWebhookNotifier } from "@/lib/notify/start";
import { logger } from "@/lib/telemetry/log";
import { getRuntime } from "./runtime";
import { installShutdown } from "./shutdown";

const holder = globalThis as typeof globalThis & { __tealRecovery?: () => void };

function warnRecovered(recovered: Operation[], atStartUp: boolean): void {
  if (recovered.length === 0) return;
  logger.warn("operations.interrupted", {
    count: recovered.length,
    operationIds: recovered.map((op) => op.id),
    cause: atStartUp ? "restart" : "lease lapsed (their server stopped renewing it)",
    note: "resume or roll back from the console",
  });
}

/**
 * Server start-up: fail fast on bad configuration, recover operations a crash left running, then
 * keep looking every `RECOVERY_INTERVAL_MS` (2 s), so an operation whose server died (here or on
 * another server sharing the database) becomes `interrupted` soon after its lease lapses. Live
 * leases are left alone. SIGTERM and SIGINT stop the server gracefully (lib/runtime/shutdown.ts).
 */
export async function startRuntime(): Promise<void> {
  try {
    const rt = await getRuntime();
    warnRecovered(await rt.engine.recoverInterrupted(), true);
    // One loop per process, even if start-up runs again (dev-mode reloads); it never holds the process open.
    holder.__tealRecovery ??= startRecoveryLoop(rt.engine, {
      onRecovered: (recovered) => warnRecovered(recovered, false),
      onError: (error) => logger.error("recovery.failed", { error }),
    });
    // Webhooks follow the audit log from here on (docs/notifications.md).
    const stopNotifier = startWebhookNotifier(rt);
    installShutdown({ engine: rt.engine, store: rt.store, stop: [holder.__tealRecovery, stopNotifier] });
    logger.info("server.started", { applications: rt.config.applications.length, database: rt.store.dialect });
  } catch (err) {
    if (err instanceof ConfigError) {
      logger.error("config.invalid", { message: err.message });
      process.exit(1);
    }
    throw err;
  }
}
