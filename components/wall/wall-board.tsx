"use client";

import { useEffect, useMemo, useRef, useState, type RefObject } from "react";
import type { AppSummary } from "@/lib/domain/snapshot";
import type { WallAppDetail } from "@/lib/domain/wall";
import { useApps } from "@/components/hooks/use-apps";
import { useNow } from "@/components/hooks/use-now";
import { useViewport } from "@/components/hooks/use-viewport";
import { useWall } from "@/components/hooks/use-wall";
import { POLL_MS } from "@/components/hooks/poll-interval";
import { WallCard } from "./wall-card";
import { WallChip } from "./wall-chip";
import { pinRank, planWall, CHIP_GAP, CHIP_HEIGHT, CHROME_Y, type TurnMemory } from "./wall-fleet";
import { pageLateByMs, wallFreshness } from "./wall-freshness";
import { fitGrid, wallGrid } from "./wall-grid";
import { WallStatusBar } from "./wall-status-bar";
import { wallStatus, type WallStatus } from "./wall-status";

/** The page's vertical padding and the gap under the status bar (px). */
const AROUND_BAR_Y = 48;

/** The height of an element, followed as it changes (the status bar grows while its banner wraps). */
function useHeight<E extends HTMLElement>(): [RefObject<E | null>, number | null] {
  const ref = useRef<E>(null);
  const [height, setHeight] = useState<number | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => setHeight(el.getBoundingClientRect().height));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, height];
}

interface Entry {
  app: AppSummary;
  detail: WallAppDetail | null;
  status: WallStatus;
}

function Tile({ entry }: { entry: Entry }) {
  return (
    <li data-app-id={entry.app.id} className="flex min-h-0 [&>article]:flex-1">
      <WallCard app={entry.app} detail={entry.detail} status={entry.status} />
    </li>
  );
}

function Chip({ entry }: { entry: Entry }) {
  return (
    <li data-app-id={entry.app.id} className="min-w-0">
      <WallChip app={entry.app} word={entry.status.word} />
    </li>
  );
}

/**
 * The wall: every application in a grid with one large status word each, with a loud banner when
 * the data is old and STALE on the tiles it concerns. When they do not all fit as tiles
 * (wall-grid.ts), those in trouble or in an operation stay as tiles and the rest turn as chips in
 * pages, every application on screen within the minute (wall-fleet.ts).
 */
export function WallBoard({ viewer, perPage = null }: { viewer: string; perPage?: number | null }) {
  const apps = useApps();
  const wall = useWall();
  const nowMs = useNow(1000);
  const viewport = useViewport();
  const [barRef, barHeight] = useHeight<HTMLDivElement>();

  const details = useMemo(() => new Map<string, WallAppDetail>((wall.data?.apps ?? []).map((d) => [d.appId, d])), [wall.data]);
  const list = apps.data ?? [];
  const lastSuccessMs = Math.min(apps.dataUpdatedAt, wall.dataUpdatedAt);
  const freshness = wallFreshness({
    lastSuccessMs,
    dataAgeMs: pageLateByMs(list, POLL_MS),
    awsError: list.find((a) => a.error !== null)?.error ?? null,
    nowMs,
    // While retrying, react-query keeps the failure in failureReason before it becomes the error.
    error: apps.error ?? apps.failureReason ?? wall.error ?? wall.failureReason ?? null,
    pollMs: POLL_MS,
  });

  const base = { wall: freshness, lastSuccessMs, nowMs, pollMs: POLL_MS };
  const entries: Entry[] = list.map((app) => {
    const detail = details.get(app.id) ?? null;
    return { app, detail, status: wallStatus({ ...base, app, detail }) };
  });
  // Pinned: the most urgent first (failing, then shifting, in configuration order), then the
  // unreadable, those unread longest first.
  const ranked = entries.map((e, index) => ({ e, index, rank: pinRank({ ...base, app: e.app, detail: e.detail }) }));
  const unreadFor = (r: (typeof ranked)[number]) => (r.rank === 2 ? (r.e.app.dataAgeMs ?? Number.POSITIVE_INFINITY) : 0);
  const pinnedRanked = ranked
    .filter((r) => r.rank !== null)
    .sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0) || unreadFor(b) - unreadFor(a) || a.index - b.index);
  const pinned = pinnedRanked.map((r) => r.e);
  const urgent = pinnedRanked.filter((r) => (r.rank ?? 2) < 2).length;
  const rest = ranked.filter((r) => r.rank === null).map((r) => r.e);
  const chromeY = barHeight === null ? CHROME_Y : Math.ceil(barHeight) + AROUND_BAR_Y;
  // The turn's memory lives across renders; planning is pure and gives the same answer for the same
  // memory, so a render React repeats changes nothing.
  const memory = useRef<TurnMemory | null>(null);
  const planned = planWall({
    pinned,
    rest,
    urgent,
    key: (e) => e.app.id,
    width: viewport.width,
    height: viewport.height,
    nowMs,
    memory: memory.current,
    perPage,
    chromeY,
  });
  memory.current = planned.memory;
  const plan = planned.plan;

  return (
    // The page never scrolls: every tile fits its cell (wall-fit.ts), and the grid fits the screen.
    <div className="flex h-screen flex-col gap-4 overflow-hidden bg-slate-100 px-6 py-4 text-slate-900 dark:bg-slate-950 dark:text-white">
      <div ref={barRef}>
        <WallStatusBar freshness={freshness} nowMs={nowMs} viewer={viewer} />
      </div>
      {list.length === 0 && freshness.kind !== "loading" && !apps.isError ? (
        <p className="text-[32px] text-slate-700 dark:text-slate-300">No applications are configured.</p>
      ) : null}
      {plan.mode === "tiles" ? (
        <TileGrid tiles={entries} grid={fitGrid(wallGrid(viewport.width, viewport.height), entries.length)} grow />
      ) : (
        <>
          {plan.tiles.length > 0 ? <TileGrid tiles={plan.tiles} grid={plan.tileGrid} rowPx={plan.tileRowPx} /> : null}
          <section aria-label="The other applications, in turn" className="flex min-h-0 flex-1 flex-col gap-2">
            <p className="text-[32px] leading-tight text-slate-700 tabular-nums dark:text-slate-300" data-testid="wall-turn">
              {plan.pinnedChips.length > 0 ? <span className="font-semibold">{plan.pinnedChips.length} more pinned first · </span> : null}
              {plan.turning === rest.length ? "Healthy" : "The rest"}
              {plan.rotation.pages > 1
                ? ` ${plan.chips.length} of ${plan.turning}, page ${plan.rotation.page} of ${plan.rotation.pages}, next in ${Math.ceil(plan.rotation.nextInMs / 1000)} s`
                : `: all ${plan.turning}`}
            </p>
            <ul
              aria-label="Condensed applications"
              className="grid min-h-0"
              style={{
                gridTemplateColumns: `repeat(${plan.chipGrid.columns}, minmax(0, 1fr))`,
                gridAutoRows: `${CHIP_HEIGHT}px`,
                gap: `${CHIP_GAP}px`,
              }}
            >
              {plan.pinnedChips.map((e) => (
                <Chip key={e.app.id} entry={e} />
              ))}
              {plan.chips.map((e) => (
                <Chip key={e.app.id} entry={e} />
              ))}
            </ul>
          </section>
        </>
      )}
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

/** Full tiles: the whole screen when all fit (`grow`), else rows of a fixed height above the chips. */
function TileGrid({
  tiles,
  grid,
  rowPx,
  grow = false,
}: {
  tiles: readonly Entry[];
  grid: { columns: number; rows: number };
  rowPx?: number;
  grow?: boolean;
}) {
  return (
    <ul
      aria-label="Applications"
      className={`grid gap-4 ${grow ? "min-h-0 flex-1" : "shrink-0"}`}
      style={{
        gridTemplateColumns: `repeat(${grid.columns}, minmax(0, 1fr))`,
        gridTemplateRows: rowPx === undefined ? `repeat(${grid.rows}, minmax(0, 1fr))` : `repeat(${grid.rows}, ${rowPx}px)`,
      }}
    >
      {tiles.map((e) => (
        <Tile key={e.app.id} entry={e} />
      ))}
    </ul>
  );
}
