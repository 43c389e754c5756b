import { LogoMark } from "@/components/shell/logo-mark";
import { formatClock, formatDurationSeconds } from "@/components/format/format";
import type { WallFreshness } from "./wall-freshness";

interface WallStatusBarProps {
  freshness: WallFreshness;
  nowMs: number;
  /** Who the wall reads as: a kiosk token's label or the signed-in person. */
  viewer: string;
}

function age(ms: number | null): string {
  if (ms === null) return "never";
  return ms < 1500 ? "just now" : `${formatDurationSeconds(ms / 1000)} ago`;
}

/** Top line of the wall: name, how fresh the data is (a loud banner when it is not) and clock; 32 px and up. */
export function WallStatusBar({ freshness, nowMs, viewer }: WallStatusBarProps) {
  return (
    <header className="flex items-center gap-6 text-[32px] leading-tight">
      <div className="flex shrink-0 items-center gap-3">
        <LogoMark className="size-11" />
        <span className="font-bold tracking-tight">Teal</span>
        <span className="text-slate-700 dark:text-slate-300">wall</span>
      </div>
      <div className="min-w-0 flex-1" role="status" aria-live="polite">
        {freshness.kind === "fresh" ? (
          <p className="text-emerald-800 dark:text-emerald-300">
            <span aria-hidden="true">●</span> Live · updated {age(freshness.ageMs)}
          </p>
        ) : freshness.kind === "loading" ? (
          <p className="text-slate-700 dark:text-slate-300">Loading…</p>
        ) : freshness.kind === "stale" ? (
          <p className="inline-block rounded-lg bg-amber-300 px-4 py-1 font-bold text-slate-950">
            <span aria-hidden="true">! </span>Data is stale: last update {age(freshness.ageMs)}
            {freshness.cause ? <span className="block font-semibold">{freshness.cause}</span> : null}
          </p>
        ) : freshness.kind === "unreachable" ? (
          <p className="inline-block rounded-lg bg-rose-700 px-4 py-1 font-bold text-white">
            <span aria-hidden="true">✕ </span>Backend unreachable: data is from {age(freshness.ageMs)}
          </p>
        ) : (
          <p className="inline-block rounded-lg bg-rose-700 px-4 py-1 font-bold text-white">
            <span aria-hidden="true">✕ </span>Not authorized
          </p>
        )}
      </div>
      {/* The key to the shapes every tile uses for the two colours. */}
      <p className="shrink-0 font-semibold">
        <span aria-hidden="true">● </span>blue <span aria-hidden="true">◆ </span>green
      </p>
      <p className="max-w-md text-right break-words text-slate-700 dark:text-slate-300">{viewer}</p>
      {/* The server renders its second, the browser hydrates with its own: a known, harmless difference. */}
      <p className="shrink-0 text-[40px] font-semibold tabular-nums" suppressHydrationWarning>
        {formatClock(nowMs)}
      </p>
    </header>
  );
}
