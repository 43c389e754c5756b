"use client";

import { useEffect, useMemo, useState } from "react";
import type { WallAppDetail } from "@/lib/domain/wall";
import { useApps } from "@/components/hooks/use-apps";
import { useNow } from "@/components/hooks/use-now";
import { useViewport } from "@/components/hooks/use-viewport";
import { useWall } from "@/components/hooks/use-wall";
import { POLL_MS } from "@/components/hooks/poll-interval";
import { WallCard } from "./wall-card";
import { lateByMs, wallFreshness } from "./wall-freshness";
import { fitGrid, pageOf, wallGrid } from "./wall-grid";
import { WallStatusBar } from "./wall-status-bar";
import { wallStatus } from "./wall-status";

/** Pages turn this often when the applications do not fit on one screen. */
const PAGE_MS = 15_000;

/**
 * The wall: every application in a grid with one large status word each, paged only when they do
 * not fit (wall-grid.ts), with a loud banner when the data is old and STALE on the tiles it concerns.
 */
export function WallBoard({ viewer }: { viewer: string }) {
  const apps = useApps();
  const wall = useWall();
  const nowMs = useNow(1000);
  const viewport = useViewport();
  const [page, setPage] = useState(0);

  useEffect(() => {
    const id = window.setInterval(() => setPage((p) => p + 1), PAGE_MS);
    return () => window.clearInterval(id);
  }, []);

  const details = useMemo(() => new Map<string, WallAppDetail>((wall.data?.apps ?? []).map((d) => [d.appId, d])), [wall.data]);
  const list = apps.data ?? [];
  const lastSuccessMs = Math.min(apps.dataUpdatedAt, wall.dataUpdatedAt);
  const freshness = wallFreshness({
    lastSuccessMs,
    dataAgeMs: Math.max(0, ...list.map((a) => lateByMs(a, POLL_MS))),
    awsError: list.find((a) => a.error !== null)?.error ?? null,
    nowMs,
    // While retrying, react-query keeps the failure in failureReason before it becomes the error.
    error: apps.error ?? apps.failureReason ?? wall.error ?? wall.failureReason ?? null,
    pollMs: POLL_MS,
  });

  const grid = wallGrid(viewport.width, viewport.height);
  const shown = pageOf(list, page, grid.columns * grid.rows);
  const fitted = fitGrid(grid, shown.items.length);

  return (
    // The page never scrolls: every tile fits its cell (wall-fit.ts), and the grid fits the screen.
    <div className="flex h-screen flex-col gap-4 overflow-hidden bg-slate-100 px-6 py-4 text-slate-900 dark:bg-slate-950 dark:text-white">
      <WallStatusBar freshness={freshness} nowMs={nowMs} page={shown.page} pages={shown.pages} viewer={viewer} />
      {list.length === 0 && freshness.kind !== "loading" && !apps.isError ? (
        <p className="text-[32px] text-slate-700 dark:text-slate-300">No applications are configured.</p>
      ) : null}
      <ul
        aria-label="Applications"
        className="grid min-h-0 flex-1 gap-4"
        style={{ gridTemplateColumns: `repeat(${fitted.columns}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${fitted.rows}, minmax(0, 1fr))` }}
      >
        {shown.items.map((app) => (
          <li key={app.id} className="flex min-h-0 [&>article]:flex-1">
            <WallCard
              app={app}
              detail={details.get(app.id) ?? null}
              status={wallStatus({ app, detail: details.get(app.id) ?? null, wall: freshness, lastSuccessMs, nowMs, pollMs: POLL_MS })}
            />
          </li>
        ))}
      </ul>
      {freshness.kind === "unauthorized" ? (
        <div role="alert" className="fixed inset-0 flex items-center justify-center bg-slate-950/85 p-16">
          <div className="max-w-4xl rounded-2xl border-4 border-rose-500 bg-slate-900 p-12 text-center">
            <p className="text-6xl font-bold text-white">
              <span aria-hidden="true" className="text-rose-400">
                ✕{" "}
              </span>
              This wall is no longer authorized
            </p>
            <p className="mt-6 text-[32px] text-slate-200">{freshness.message}</p>
          </div>
        </div>
      ) : null}
    </div>
  );
}
