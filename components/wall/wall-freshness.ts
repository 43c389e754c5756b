import { isAuthError } from "@/components/api/http-error";

/** How much to trust what the wall shows right now. */
export type WallFreshness =
  | { kind: "loading" }
  | { kind: "fresh"; ageMs: number }
  /** No successful poll for longer than two refresh intervals. */
  | { kind: "stale"; ageMs: number }
  /** The last poll failed; `ageMs` is the age of the data still on screen (null: none yet). */
  | { kind: "unreachable"; ageMs: number | null }
  /** 401/403: the kiosk token was revoked or the session ended. */
  | { kind: "unauthorized"; message: string };

export interface FreshnessInput {
  /** When the oldest of the polled sources last succeeded (ms), 0 when never. */
  lastSuccessMs: number;
  nowMs: number;
  /** The latest failure of any polled source (retries included), or null. */
  error: unknown;
  pollMs: number;
}

/** Pure: decides the wall's banner from poll times and errors. */
export function wallFreshness({ lastSuccessMs, nowMs, error, pollMs }: FreshnessInput): WallFreshness {
  if (error && isAuthError(error)) return { kind: "unauthorized", message: error instanceof Error ? error.message : "Not authorized" };
  const ageMs = lastSuccessMs > 0 ? Math.max(0, nowMs - lastSuccessMs) : null;
  if (error) return { kind: "unreachable", ageMs };
  if (ageMs === null) return { kind: "loading" };
  return ageMs > 2 * pollMs ? { kind: "stale", ageMs } : { kind: "fresh", ageMs };
}
