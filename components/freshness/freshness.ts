import { lateByMs, wallFreshness, type FreshnessInput, type WallFreshness } from "@/components/wall/wall-freshness";
import { formatClock, formatDurationSeconds } from "@/components/format/format";
import { HttpError } from "@/components/api/http-error";

/**
 * How much to trust what a page shows right now: one derivation for the overview, the application
 * page and the wall. The wall's rule (`wallFreshness`) decides fresh, stale, unreachable and
 * unauthorized; a page that has nothing on screen yet is `waiting` once the first answer is late.
 */
export type Freshness = WallFreshness | { kind: "waiting"; waitedMs: number };

export interface PageFreshnessInput extends FreshnessInput {
  /** When the page started waiting for its first answer (ms); with no data yet, `waiting` after two intervals. */
  sinceMs?: number;
}

/** Pure: the freshness of a polled page. */
export function pageFreshness(input: PageFreshnessInput): Freshness {
  const base = wallFreshness(input);
  const waitedMs = input.sinceMs === undefined ? 0 : Math.max(0, input.nowMs - input.sinceMs);
  // Teal's server answered, saying AWS did not (502/503): AWS is late, not Teal's server.
  if (base.kind === "unreachable" && input.error instanceof HttpError && (input.error.status === 502 || input.error.status === 503)) {
    return base.ageMs === null ? { kind: "waiting", waitedMs } : { kind: "stale", ageMs: base.ageMs, cause: input.error.message };
  }
  if (base.kind !== "loading") return base;
  return waitedMs > 2 * input.pollMs ? { kind: "waiting", waitedMs } : base;
}

/** The data on screen cannot be trusted as current: banner, dimming, badges shown as stale. */
export function isDegraded(f: Freshness): boolean {
  return f.kind === "stale" || f.kind === "unreachable" || f.kind === "waiting";
}

/** One application's own read, as the overview lists it: stale when its AWS data is late or failed. */
export function isAppReadStale(app: { dataAgeMs: number | null; refreshMs?: number; error: string | null }, pollMs: number): boolean {
  return app.error !== null || app.dataAgeMs === null || lateByMs(app, pollMs) > 2 * pollMs;
}

/** The banner's words; null while everything is fresh or still loading quickly. */
export function freshnessBanner(f: Freshness, nowMs: number): { title: string; detail: string | null } | null {
  const since = (ageMs: number) => formatDurationSeconds(ageMs / 1000);
  const from = (ageMs: number) => formatClock(nowMs - ageMs);
  switch (f.kind) {
    case "stale":
      return {
        title: `AWS has not answered for ${since(f.ageMs)} — showing data from ${from(f.ageMs)}`,
        detail: f.cause,
      };
    case "unreachable":
      return f.ageMs === null
        ? { title: "Teal's server is not answering — nothing to show yet", detail: "Retrying every few seconds." }
        : {
            title: `Teal's server is not answering — showing data from ${from(f.ageMs)} (${since(f.ageMs)} old)`,
            detail: "Retrying every few seconds.",
          };
    case "waiting":
      return { title: `AWS has not answered for ${since(f.waitedMs)} — nothing to show yet`, detail: "The page fills in as soon as it answers." };
    case "unauthorized":
      return { title: "Not authorized", detail: f.message };
    case "fresh":
    case "loading":
      return null;
  }
}
