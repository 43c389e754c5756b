"use client";

import { useEffect, useId, useState } from "react";
import { usePathname, useSearchParams } from "next/navigation";
import type { PatternId } from "@/lib/domain/basics";
import type { AppSummary } from "@/lib/domain/snapshot";
import { useApps } from "@/components/hooks/use-apps";
import { useNow } from "@/components/hooks/use-now";
import { POLL_MS } from "@/components/hooks/poll-interval";
import { FreshnessFrame } from "@/components/freshness/freshness-frame";
import { isAppReadStale } from "@/components/freshness/freshness";
import { pageLateByMs } from "@/components/wall/wall-freshness";
import { HttpError } from "@/components/api/http-error";
import { Notice } from "@/components/ui/notice";
import { Skeleton } from "@/components/ui/skeleton";
import { buttonClass } from "@/components/ui/button-styles";
import { AppCard } from "./app-card";
import { OverviewFilters } from "./overview-filters";
import { filterApps, type OverviewFilter } from "./app-conditions";
import {
  groupApps,
  matchesSearch,
  overviewQueryString,
  pageSlice,
  readOverviewQuery,
  type OverviewGroup,
  type OverviewQuery,
  type PageSlice,
} from "./overview-groups";

const GRID = "grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3 2xl:grid-cols-4";

const GROUP_LOOK: Record<OverviewGroup["id"], string> = {
  attention: "bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-100",
  running: "bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-100",
  healthy: "bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-100",
};

function Cards({ apps, label, nowMs }: { apps: readonly AppSummary[]; label: string; nowMs: number }) {
  return (
    <ul className={GRID} aria-label={label}>
      {apps.map((app) => (
        <li key={app.id} className="flex">
          <div className="flex w-full flex-col [&>article]:flex-1">
            <AppCard app={app} nowMs={nowMs} stale={isAppReadStale(app, POLL_MS)} />
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Previous, "Page 2 of 5", next: for the healthy group only, problems are never behind a page. */
function Pager({
  slice,
  total,
  onPage,
  end = false,
}: {
  slice: PageSlice<AppSummary>;
  total: number;
  onPage: (page: number) => void;
  /** The copy under the cards: a landmark name of its own, and not announced twice. */
  end?: boolean;
}) {
  if (slice.pages <= 1) return null;
  return (
    <nav
      aria-label={end ? "Pages of healthy applications, below the cards" : "Pages of healthy applications"}
      className="flex flex-wrap items-center gap-3 text-sm text-slate-700 dark:text-slate-300"
    >
      <button type="button" className={buttonClass("secondary", "sm")} disabled={slice.page <= 1} onClick={() => onPage(slice.page - 1)}>
        <span aria-hidden="true">←</span> Previous
      </button>
      <span className="tabular-nums" aria-live={end ? undefined : "polite"}>
        Page {slice.page} of {slice.pages}
        <span className="text-slate-500 dark:text-slate-400">
          {" "}
          · {slice.first}–{slice.last} of {total}
        </span>
      </span>
      <button type="button" className={buttonClass("secondary", "sm")} disabled={slice.page >= slice.pages} onClick={() => onPage(slice.page + 1)}>
        Next <span aria-hidden="true">→</span>
      </button>
    </nav>
  );
}

function GroupSection({
  group,
  nowMs,
  query,
  onPage,
}: {
  group: OverviewGroup;
  nowMs: number;
  query: OverviewQuery;
  onPage: (page: number) => void;
}) {
  const headingId = useId();
  // Problems and running operations are always all on screen; only the healthy rest is paged.
  const slice = group.id === "healthy" ? pageSlice(group.apps, query.page, query.perPage) : null;
  return (
    <section aria-labelledby={headingId} data-group={group.id} className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id={headingId} className="flex items-center gap-2 text-base font-semibold text-slate-900 dark:text-slate-100">
          {group.heading}
          <span className={`rounded-full px-2 py-0.5 text-xs font-semibold tabular-nums ${GROUP_LOOK[group.id]}`}>
            {group.apps.length}
            <span className="sr-only"> applications</span>
          </span>
        </h2>
        {slice ? <Pager slice={slice} total={group.apps.length} onPage={onPage} /> : null}
      </div>
      <Cards apps={slice ? slice.items : group.apps} label={group.heading} nowMs={nowMs} />
      {slice && slice.pages > 1 ? (
        <div className="flex justify-end">
          <Pager slice={slice} total={group.apps.length} onPage={onPage} end />
        </div>
      ) : null}
    </section>
  );
}

/**
 * Every application as a card, polled every 5 s, under the stale banner when the data is old: found
 * by a search, in three groups (needs attention, running, healthy; overview-groups.ts), the healthy
 * ones in pages. The URL keeps the search, the filters and the page, so a link shows the same.
 */
export function OverviewGrid() {
  const apps = useApps();
  const now = useNow(5000);
  const [openedAt] = useState(() => Date.now());
  const params = useSearchParams();
  const pathname = usePathname();
  const [query, setQuery] = useState<OverviewQuery>(() => readOverviewQuery(params));
  const list = apps.data ?? [];
  const freshnessInput = {
    lastSuccessMs: apps.dataUpdatedAt,
    dataAgeMs: pageLateByMs(list, POLL_MS),
    awsError: list.find((a) => a.error !== null)?.error ?? null,
    // While retrying, react-query keeps the failure in failureReason before it becomes the error.
    error: apps.error ?? apps.failureReason ?? null,
    pollMs: POLL_MS,
    sinceMs: openedAt,
  };

  // The URL follows the view without a navigation (Next keeps its router in step with replaceState).
  const search = overviewQueryString(query);
  useEffect(() => {
    if (window.location.search !== search) window.history.replaceState(window.history.state, "", `${pathname}${search}`);
  }, [pathname, search]);

  if (apps.isPending) {
    return (
      <FreshnessFrame input={freshnessInput} className="space-y-3">
        <div className={GRID} aria-busy="true" aria-label="Loading applications">
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
  const filter: OverviewFilter = { pattern: query.pattern, condition: query.condition };
  const shown = filterApps(apps.data, filter).filter((a) => matchesSearch(a, query.q));
  const groups = groupApps(shown, POLL_MS);
  const narrowed = shown.length !== apps.data.length;
  const attention = groups.find((g) => g.id === "attention");
  return (
    <FreshnessFrame
      input={freshnessInput}
      freshNote
      className="space-y-3"
      bodyClassName="space-y-6"
      header={
        <OverviewFilters
          value={filter}
          patterns={patterns}
          // A new search or filter starts again at the first page.
          onChange={(f) => setQuery((q) => ({ ...q, ...f, page: 1 }))}
          query={query.q}
          onQuery={(q) => setQuery((prev) => ({ ...prev, q, page: 1 }))}
          shown={shown.length}
          total={apps.data.length}
        />
      }
    >
      <section aria-label="Applications" className="space-y-6">
        {!narrowed && attention?.apps.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            <span aria-hidden="true" className="mr-1 text-emerald-700 dark:text-emerald-400">
              ✓
            </span>
            Nothing needs attention.
          </p>
        ) : null}
        {groups
          .filter((g) => g.apps.length > 0)
          .map((g) => (
            <GroupSection key={g.id} group={g} nowMs={now} query={query} onPage={(page) => setQuery((q) => ({ ...q, page }))} />
          ))}
      </section>
      {shown.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No application matches this search and these filters.</p>
      ) : null}
    </FreshnessFrame>
  );
}
