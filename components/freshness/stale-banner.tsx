import { freshnessBanner, type Freshness } from "./freshness";

interface StaleBannerProps {
  freshness: Freshness;
  nowMs: number;
}

/**
 * The page-wide warning that what is on screen is old: the wall's banner in the console's size.
 * Amber while AWS (or Teal's server) is late, red when the session no longer reads.
 */
export function StaleBanner({ freshness, nowMs }: StaleBannerProps) {
  const words = freshnessBanner(freshness, nowMs);
  if (!words) return null;
  // An alert, not a status: the application page's status region announces operations (and tests read it).
  return (
    <div
      role="alert"
      data-testid="stale-banner"
      className={`flex items-start gap-3 rounded-lg border-2 px-4 py-3 ${
        freshness.kind === "unauthorized"
          ? "border-rose-500 bg-rose-50 text-rose-950 dark:border-rose-500 dark:bg-rose-950/70 dark:text-rose-50"
          : "border-amber-500 bg-amber-100 text-amber-950 dark:border-amber-400 dark:bg-amber-950 dark:text-amber-50"
      }`}
    >
      <span aria-hidden="true" className="mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full bg-current text-sm font-bold">
        <span className={freshness.kind === "unauthorized" ? "text-rose-50" : "text-amber-100 dark:text-amber-950"}>!</span>
      </span>
      <div className="min-w-0">
        <p className="text-base font-semibold tabular-nums" suppressHydrationWarning>
          {words.title}
        </p>
        {words.detail ? <p className="mt-0.5 text-sm">{words.detail}</p> : null}
        {freshness.kind !== "unauthorized" ? (
          <p className="mt-0.5 text-sm">Figures below are shown in grey and their statuses as stale until fresh data arrives.</p>
        ) : null}
      </div>
    </div>
  );
}
