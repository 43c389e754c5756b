/**
 * The periodic look for operations whose server died: each server sharing the database runs it,
 * so a dead server's operation is reported `interrupted` by the others within
 * `DEFAULT_LEASE_MS + RECOVERY_INTERVAL_MS` of its last renewal (12 s with the defaults).
 */
import type { Operation } from "@/lib/domain/types";
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
