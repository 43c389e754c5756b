"use client";

import { useRef } from "react";
import type { AppSummary } from "@/lib/domain/snapshot";
import type { Color } from "@/lib/domain/basics";
import type { WallAppDetail, WallColorHealth } from "@/lib/domain/wall";
import { useFitTile } from "./wall-fit";
import { healthAgeShown, WallHealthLine } from "./wall-health-line";
import { WallReasons } from "./wall-reasons";
import { WallSparkline } from "./wall-sparkline";
import { WallSplitBar } from "./wall-split-bar";
import type { WallStatus } from "./wall-status";
import { WallStatusWordBlock, WORD_LOOK } from "./wall-status-word";

interface WallCardProps {
  app: AppSummary;
  /** Step progress, alarms, health and 5xx; null until the wall route has answered once. */
  detail: WallAppDetail | null;
  status: WallStatus;
}

/**
 * Drop order of the details when a tile is short (wall-fit.ts; the highest number goes first):
 * the sparkline and the health line, then reasons beyond the first, then the split, then the first
 * reason. The name and the status word always stay. When green is judged worse, its 5xx line is
 * what says how much worse: then the health line goes before it. While an operation runs, each
 * colour's capacity (starting, draining) is what moves: then it stays before the step's details.
 */
const FIT = { split: 30, health: 62, healthWhileShifting: 45, spark: 64, sparkWhenGreenWorse: 60 } as const;

/** The overview summary's counts, until the wall route has sent the per-instance derivation. */
function healthFromSummary(app: AppSummary): Record<Color, WallColorHealth> | null {
  if (!app.health) return null;
  const one = (c: { healthy: number; unhealthy: number }): WallColorHealth => {
    const total = c.healthy + c.unhealthy;
    const word = total === 0 ? "none" : c.unhealthy === 0 ? "healthy" : c.healthy === 0 ? "down" : "degraded";
    return { word, healthy: c.healthy, total, starting: 0, leaving: 0, standby: 0, unhealthy: c.unhealthy };
  };
  return { blue: one(app.health.blue), green: one(app.health.green) };
}

/** One application on the wall: its name, one large status word, why, the split, health and 5xx. */
export function WallCard({ app, detail, status }: WallCardProps) {
  const ref = useRef<HTMLElement>(null);
  useFitTile(ref);
  const look = WORD_LOOK[status.word];
  const greenWorse = status.verdict !== null;
  const quietVerdict = app.greenVerdict && app.greenVerdict.status !== "unavailable" && !greenWorse ? app.greenVerdict : null;
  const health = detail?.health !== undefined ? detail.health : healthFromSummary(app);
  const traffic = app.figures?.traffic;
  return (
    <article
      ref={ref}
      aria-label={app.name}
      data-status={status.word}
      className={`flex min-h-0 flex-col gap-2 overflow-hidden rounded-2xl bg-white px-4 py-3 text-slate-900 dark:bg-slate-900 dark:text-white ${look.border}`}
    >
      <h2 className="text-[40px] leading-[1.1] font-bold break-words">{app.name}</h2>
      <WallStatusWordBlock word={status.word} />
      <WallReasons status={status} quietVerdict={quietVerdict} />
      <div className={`mt-auto space-y-2 ${status.stale ? "opacity-70" : ""}`}>
        <div data-fit={FIT.split}>
          {traffic?.kind === "rollout" ? (
            // An ECS rolling update has no split: the rollout's share, as on the overview and the app page.
            <p data-testid="wall-rollout" className="text-[32px] leading-tight break-words">
              <span className="font-semibold uppercase">Rollout</span> <span className="font-bold tabular-nums">{traffic.percent} %</span> on{" "}
              <span className="font-mono">{traffic.primary}</span>
            </p>
          ) : (
            <WallSplitBar label="Configured" greenPercent={traffic?.configuredGreenPercent ?? app.configuredGreenPercent} emptyText="unknown" />
          )}
        </div>
        <div
          data-fit={status.word === "SHIFTING" ? FIT.healthWhileShifting : FIT.health}
          className="border-t-2 border-slate-200 pt-1 dark:border-slate-700"
        >
          <WallHealthLine health={health} ageMs={healthAgeShown(app) ?? undefined} />
        </div>
        {detail?.errors ? (
          <div data-fit={greenWorse ? FIT.sparkWhenGreenWorse : FIT.spark}>
            <WallSparkline errors={detail.errors} greenFailing={app.greenVerdict?.status === "failing"} />
          </div>
        ) : detail?.metricsUnavailable ? (
          <p data-fit={FIT.spark} className="text-[32px] leading-tight font-semibold text-amber-900 dark:text-amber-200">
            <span aria-hidden="true">! </span>Metrics unavailable
          </p>
        ) : null}
      </div>
    </article>
  );
}
