"use client";

import { useState } from "react";
import type { PatternId } from "@/lib/domain/basics";
import { useApps } from "@/components/hooks/use-apps";
import { useNow } from "@/components/hooks/use-now";
import { POLL_MS } from "@/components/hooks/poll-interval";
import { FreshnessFrame } from "@/components/freshness/freshness-frame";
import { isAppReadStale } from "@/components/freshness/freshness";
import { lateByMs } from "@/components/wall/wall-freshness";
import { HttpError } from "@/components/api/http-error";
import { Notice } from "@/components/ui/notice";
import { Skeleton } from "@/components/ui/skeleton";
import { AppCard } from "./app-card";
import { OverviewFilters } from "./overview-filters";
import { filterApps, type OverviewFilter } from "./app-conditions";

/** Every application as a card, polled every 5 s, under the stale banner when the data is old. */
export function OverviewGrid() {
  const apps = useApps();
  const now = useNow(5000);
  const [openedAt] = useState(() => Date.now());
  const list = apps.data ?? [];
  const freshnessInput = {
    lastSuccessMs: apps.dataUpdatedAt,
    dataAgeMs: Math.max(0, ...list.map((a) => lateByMs(a, POLL_MS))),
    awsError: list.find((a) => a.error !== null)?.error ?? null,
    // While retrying, react-query keeps the failure in failureReason before it becomes the error.
    error: apps.error ?? apps.failureReason ?? null,
    pollMs: POLL_MS,
    sinceMs: openedAt,
  };
  const [filter, setFilter] = useState<OverviewFilter>({ pattern: "all", condition: "all" });

  if (apps.isPending) {
    return (
      <FreshnessFrame input={freshnessInput} className="space-y-3">
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3 2xl:grid-cols-4" aria-busy="true" aria-label="Loading applications">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-52 w-full" />
          ))}
        </div>
      </FreshnessFrame>
    );
  }
  if (apps.isError && !apps.data) {
    const status = apps.error instanceof HttpError ? apps.error.status : null;
    return (
      <Notice tone="danger" title={status === 403 ? "Permission denied" : "Applications could not be loaded"} live>
        {apps.error.message}
      </Notice>
    );
  }
  if (apps.data.length === 0) {
    return <p className="text-sm text-slate-600 dark:text-slate-400">No applications are configured.</p>;
  }
  const patterns = [...new Set(apps.data.map((a) => a.pattern))].sort() as PatternId[];
  const shown = filterApps(apps.data, filter);
  return (
    <FreshnessFrame
      input={freshnessInput}
      freshNote
      className="space-y-3"
      bodyClassName="space-y-3"
      header={<OverviewFilters value={filter} patterns={patterns} onChange={setFilter} shown={shown.length} total={apps.data.length} />}
    >
      <ul className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3 2xl:grid-cols-4" aria-label="Applications">
        {shown.map((app) => (
          <li key={app.id} className="flex">
            <div className="flex w-full flex-col [&>article]:flex-1">
              <AppCard app={app} nowMs={now} stale={isAppReadStale(app, POLL_MS)} />
            </div>
          </li>
        ))}
      </ul>
      {shown.length === 0 ? <p className="text-sm text-slate-600 dark:text-slate-400">No application matches these filters.</p> : null}
    </FreshnessFrame>
  );
}
