import { isAuthError } from "@/components/api/http-error";

/** How much to trust what the wall shows right now. */
export type WallFreshness =
  | { kind: "loading" }
  | { kind: "fresh"; ageMs: number }
  /**
   * The data is older than two refresh intervals: no successful poll for that long, or the server
   * answers but could not read AWS (`cause` then says why).
   */
  | { kind: "stale"; ageMs: number; cause: string | null }
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
  /** How old the server's AWS data already was in that answer (its oldest application), ms. */
  dataAgeMs?: number;
  /** Why the server could not refresh its AWS data (the first application's error), if it could not. */
  awsError?: string | null;
}

/**
 * How much older an application's AWS data is than its own refresh interval explains (ms). The
 * server reads an application nobody has open less often (its `refreshMs`): 25 s is on time for
 * one read every 30 s, and late for one read every 5 s. The freshness rules judge this lateness
 * against the page's poll interval, so both cadences go stale after the same delay.
 */
export function lateByMs(app: { dataAgeMs: number | null; refreshMs?: number }, pollMs: number): number {
  const explained = Math.max(0, (app.refreshMs ?? pollMs) - pollMs);
  return Math.max(0, (app.dataAgeMs ?? 0) - explained);
}

/**
 * How late a whole page's AWS data is (ms): the lateness of its freshest application. When no
 * application has been read on time, AWS (or the server's way to it) is not answering and the page
 * says so; when only some are late (one application's reads fail, or the budget holds a large
 * fleet's reads back), those cards and tiles say so themselves and the rest stay bright. The oldest
 * read used to decide it, and one stale application greyed out all 200.
 */
export function pageLateByMs(apps: readonly { dataAgeMs: number | null; refreshMs?: number; error: string | null }[], pollMs: number): number {
  let freshest = Infinity;
  for (const app of apps) {
    // An application never read, or whose last read failed, is not a fresh read at any age.
    if (app.dataAgeMs === null || app.error !== null) continue;
    freshest = Math.min(freshest, lateByMs(app, pollMs));
  }
  if (freshest !== Infinity) return freshest;
  // No good read: the page is as late as the least late read it has (none read yet: not late, loading).
  const ages = apps.filter((a) => a.dataAgeMs !== null).map((a) => lateByMs(a, pollMs));
  return ages.length === 0 ? 0 : Math.min(...ages);
}

/** Pure: decides the wall's banner from poll times and errors. */
export function wallFreshness({ lastSuccessMs, nowMs, error, pollMs, dataAgeMs = 0, awsError = null }: FreshnessInput): WallFreshness {
  if (error && isAuthError(error)) return { kind: "unauthorized", message: error instanceof Error ? error.message : "Not authorized" };
  // Two ages, each a difference on one clock (a wall whose clock is off does not turn stale by
  // itself): the browser's since its last successful poll, and the server's AWS data age in that
  // answer. Either beyond two intervals is stale; the age shown is what is on screen, both added.
  const pollAgeMs = lastSuccessMs > 0 ? Math.max(0, nowMs - lastSuccessMs) : null;
  const serverAgeMs = Math.max(0, dataAgeMs);
  const ageMs = pollAgeMs === null ? null : pollAgeMs + serverAgeMs;
  if (error) return { kind: "unreachable", ageMs };
  if (pollAgeMs === null || ageMs === null) return { kind: "loading" };
  if (pollAgeMs > 2 * pollMs) return { kind: "stale", ageMs, cause: null };
  if (serverAgeMs > 2 * pollMs) return { kind: "stale", ageMs, cause: awsError };
  return { kind: "fresh", ageMs };
}
