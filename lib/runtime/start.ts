import "server-only";
import { ConfigError } from "@/lib/config/load";
import type { Operation } from "@/lib/domain/operation";
import { startRecoveryLoop } from "@/lib/engine/recovery";
import { getRuntime } from "./runtime";

const holder = globalThis as typeof globalThis & { __tealRecovery?: () => void };

function warnRecovered(recovered: Operation[], atStartUp: boolean): void {
  if (recovered.length === 0) return;
  const why = atStartUp ? "by a restart" : "(their server stopped renewing its lease)";
  console.warn(`[teal] ${recovered.length} operation(s) were interrupted ${why}: resume or roll back from the console.`);
}

/**
 * Server start-up: fail fast on bad configuration, recover operations a crash left running, then
 * keep looking every `RECOVERY_INTERVAL_MS` (2 s), so an operation whose server died (here or on
 * another server sharing the database) becomes `interrupted` soon after its lease lapses. Live
 * leases are left alone.
 */
export async function startRuntime(): Promise<void> {
  try {
    const rt = await getRuntime();
    warnRecovered(await rt.engine.recoverInterrupted(), true);
    // One loop per process, even if start-up runs again (dev-mode reloads); it never holds the process open.
    holder.__tealRecovery ??= startRecoveryLoop(rt.engine, {
      onRecovered: (recovered) => warnRecovered(recovered, false),
      onError: (err) => console.error("[teal] periodic recovery failed:", err),
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`[teal] ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
