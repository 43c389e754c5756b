"use client";

import { useNow } from "@/components/hooks/use-now";
import { formatAgo } from "@/components/format/format";

/**
 * "Updated 4 s ago", ticking on its own so the rest of the page does not re-render every second.
 * Amber when `stale`, or inside a stale `FreshnessFrame`.
 */
export function UpdatedAgo({ iso, stale, refreshing }: { iso: string; stale: boolean; refreshing: boolean }) {
  const now = useNow();
  return (
    <span
      className={`flex items-center gap-1.5 text-xs tabular-nums ${stale ? "font-medium text-amber-700 dark:text-amber-400" : "text-slate-500 group-data-[stale=true]/fresh:font-medium group-data-[stale=true]/fresh:text-amber-700 dark:text-slate-400 dark:group-data-[stale=true]/fresh:text-amber-400"}`}
    >
      <span
        aria-hidden="true"
        className={`size-1.5 rounded-full ${stale ? "bg-amber-500" : refreshing ? "bg-teal-500 group-data-[stale=true]/fresh:bg-amber-500" : "bg-emerald-500 group-data-[stale=true]/fresh:bg-amber-500"}`}
      />
      {stale ? "Connection problem — data from " : "Updated "}
      {formatAgo(iso, now)}
    </span>
  );
}
