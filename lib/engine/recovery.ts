/**
 * Crash recovery: the engine's look for operations whose server died (`createRecovery`), and the
 * loop that repeats it. Each server sharing the database runs the loop,
 * so a dead server's operation is reported `interrupted` by the others within
 * `DEFAULT_LEASE_MS + RECOVERY_INTERVAL_MS` of its last renewal (12 s with the defaults).
 */
import type { Operation } from "@/lib/domain/operation";
import type { EngineContext } from "./context";
import type { Engine } from "./engine";

/** How often a server looks for operations whose lease has lapsed. One cheap UPDATE per look. */
export const RECOVERY_INTERVAL_MS = 2_000;

export interface RecoveryLoopOptions {
  intervalMs?: number;
  /** Like EngineOptions.every (default: an unref'd setInterval). */
  every?: (ms: number, tick: () => void) => () => void;
  /** Told of every operation a look marked interrupted. */
  onRecovered?: (operations: Operation[]) => void;
  onError?: (error: unknown) => void;
}

/**
 * Calls `engine.recoverInterrupted()` every interval, one look at a time (a look still running when
 * the next is due makes that one skip). Returns a function that stops the loop.
 */
export function startRecoveryLoop(engine: Pick<Engine, "recoverInterrupted">, options: RecoveryLoopOptions = {}): () => void {
  const intervalMs = options.intervalMs ?? RECOVERY_INTERVAL_MS;
  const every =
    options.every ??
    ((ms: number, tick: () => void) => {
      const timer = setInterval(tick, ms);
      timer.unref();
      return () => clearInterval(timer);
    });
  let looking = false;
  return every(intervalMs, () => {
    if (looking) return;
    looking = true;
    engine
      .recoverInterrupted()
      .then((recovered) => {
        if (recovered.length > 0) options.onRecovered?.(recovered);
      })
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        looking = false;
      });
  });
}

/**
 * The engine's `recoverInterrupted`: operations left running or pending by a dead server (their
 * lease lapsed) become `interrupted`, their locks are released and each is audited.
 */
export function createRecovery(ctx: EngineContext): () => Promise<Operation[]> {
  const { journal, now } = ctx;
  return async function recoverInterrupted(): Promise<Operation[]> {
    // A run of this process whose lease lapsed is included: it sees the new status and stops.
    // Each operation's status and its audit record in one transaction.
    const interrupted = await journal.markRunningInterrupted({
      nowMs: now(),
      audit: (op) => {
        const inFlight = op.steps.find((s) => s.status === "running");
        return {
          action: "operation.interrupted",
          actor: null,
          appId: op.appId,
          operationId: op.id,
          reason: op.reason,
          before: null,
          after: {
            status: "interrupted",
            stepsSucceeded: op.steps.filter((s) => s.status === "succeeded").length,
            inFlightStep: inFlight ? inFlight.id : null,
          },
        };
      },
    });
    for (const op of interrupted) await journal.releaseLock(op.appId, op.id);
    return interrupted;
  };
}
