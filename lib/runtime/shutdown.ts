/**
 * Graceful stop on SIGTERM or SIGINT (a deploy, a scale-in, Ctrl+C): readiness answers 503 at once
 * so load balancers stop sending new work, the engine refuses new operations and stops its runs
 * (each lets its AWS call on the wire answer, journals it, marks the operation `interrupted` and
 * releases its lock), the store is closed (the audit head is exported once more), then the process
 * exits 0. A second signal exits at once (1).
 *
 * Next's own signal handler exits as soon as its HTTP server has closed, which would cut this
 * short: `npm start` sets NEXT_MANUAL_SIG_HANDLE=1 so that this is the only one; set it too when
 * starting `next start` another way.
 */
import type { Engine } from "@/lib/engine";
import { logger } from "@/lib/telemetry/log";

export interface ShutdownParts {
  engine: Pick<Engine, "shutdown">;
  store: { close(): Promise<void> };
  /** Timers to stop first (the recovery loop). */
  stop?: (() => void)[];
}

export interface ShutdownOptions {
  signals?: readonly NodeJS.Signals[];
  /** How long each run may take to stop before its AWS call is cancelled (see Engine.shutdown). */
  graceMs?: number;
  exit?: (code: number) => void;
}

interface ShutdownState {
  started: boolean;
  installed: boolean;
}

// One per process, whichever bundle of the server installs or reads it.
const KEY = Symbol.for("teal.runtime.shutdown");
const holder = globalThis as typeof globalThis & { [KEY]?: ShutdownState };
function state(): ShutdownState {
  holder[KEY] ??= { started: false, installed: false };
  return holder[KEY];
}

/** Whether this server has begun to shut down (readiness then fails). */
export function isShuttingDown(): boolean {
  return state().started;
}

/** Stops `parts` in order; resolves with the exit code (0 when every run stopped cleanly). */
export async function shutDown(parts: ShutdownParts, options: Pick<ShutdownOptions, "graceMs"> = {}, signal = "shutdown"): Promise<number> {
  const s = state();
  s.started = true;
  logger.info("server.shutdown_started", { signal });
  for (const stop of parts.stop ?? []) stop();
  let code = 0;
  try {
    const { stopped, unfinished } = await parts.engine.shutdown(options.graceMs === undefined ? {} : { graceMs: options.graceMs });
    if (unfinished.length > 0) {
      code = 1;
      logger.error("server.shutdown_runs_unfinished", { unfinished, note: "their leases will lapse and recovery marks them interrupted" });
    }
    logger.info("server.operations_stopped", { stopped });
  } catch (error) {
    code = 1;
    logger.error("server.shutdown_failed", { error });
  }
  try {
    await parts.store.close();
  } catch (error) {
    code = 1;
    logger.error("server.store_close_failed", { error });
  }
  logger.info("server.shutdown_done", { exitCode: code });
  return code;
}

/** Installs the signal handlers once per process. */
export function installShutdown(parts: ShutdownParts, options: ShutdownOptions = {}): void {
  const s = state();
  if (s.installed) return;
  s.installed = true;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const onSignal = (signal: NodeJS.Signals) => {
    if (s.started) {
      logger.warn("server.shutdown_forced", { signal });
      exit(1);
      return;
    }
    void shutDown(parts, options, signal).then(exit, () => exit(1));
  };
  for (const signal of options.signals ?? ["SIGTERM", "SIGINT"]) process.on(signal, onSignal);
}
