import "server-only";
import { ConfigError } from "@/lib/config/load";
import type { Engine } from "@/lib/engine";
import { getRuntime } from "./runtime";

/** How often a server looks for operations whose server died (their lease has lapsed). */
export const RECOVERY_INTERVAL_MS = 30_000;

const holder = globalThis as typeof globalThis & { __tealRecovery?: ReturnType<typeof setInterval> };

async function recover(engine: Engine, atStartUp: boolean): Promise<void> {
  const recovered = await engine.recoverInterrupted();
  if (recovered.length > 0) {
    const why = atStartUp ? "by a restart" : "(their server stopped renewing its lease)";
    console.warn(`[teal] ${recovered.length} operation(s) were interrupted ${why}: resume or roll back from the console.`);
  }
}

/**
 * Server start-up: fail fast on bad configuration, recover operations a crash left running, then
 * keep looking every 30 s, so an operation whose server died (here or on another server sharing
 * the database) becomes `interrupted` once its lease lapses. Live leases are left alone.
 */
export async function startRuntime(): Promise<void> {
  try {
    const rt = await getRuntime();
    await recover(rt.engine, true);
    // One timer per process, even if start-up runs again (dev-mode reloads); it never holds the process open.
    if (!holder.__tealRecovery) {
      holder.__tealRecovery = setInterval(() => {
        recover(rt.engine, false).catch((err: unknown) => console.error("[teal] periodic recovery failed:", err));
      }, RECOVERY_INTERVAL_MS);
      holder.__tealRecovery.unref();
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`[teal] ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
