import Link from "next/link";
import type { AppSummary } from "@/lib/domain/snapshot";
import type { Color } from "@/lib/domain/basics";
import type { HealthFigure } from "@/lib/domain/figures";
import { Badge } from "@/components/ui/badge";
import { SplitBar } from "@/components/env/split-bar";
import { COLOR_NAME, ColorShape } from "@/components/env/color-shape";
import { environmentHealth } from "@/components/env/health-look";
import { operationStatusLook } from "@/components/operation/operation-status";
import { isActiveStatus } from "@/lib/domain/operation-status";
import { formatAgo, formatDurationSeconds, patternLabel } from "@/components/format/format";
import { RolloutLine } from "./rollout-line";
import { GreenVerdictLine } from "@/components/verdict/green-verdict-line";
import { SettleBadge } from "@/components/operation/settle-section";
import { settleLook } from "@/components/operation/settle-look";
import { StaleAwareBadge } from "@/components/freshness/stale-badge";
import { STALE_DIM } from "@/components/freshness/freshness-frame";

interface AppCardProps {
  app: AppSummary;
  nowMs: number;
  /** This application's AWS read is old or failed: its figures turn grey and its badges read "Stale". */
  stale?: boolean;
}

function HealthLine({
  color,
  counts,
  figure,
  stale,
}: {
  color: Color;
  counts: { healthy: number; unhealthy: number };
  figure?: HealthFigure;
  stale: boolean;
}) {
  // The shared derivation (lib/domain/figures) when the summary carries it: the app page and the wall show the same.
  const look = figure ?? environmentHealth(counts.healthy, counts.unhealthy);
  return (
    <div className="flex items-center justify-between gap-2 text-xs">
      <span className="flex items-center gap-1.5 font-medium text-slate-700 dark:text-slate-300">
        <ColorShape color={color} />
        {COLOR_NAME[color]}
      </span>
      <span className="flex items-center gap-2 tabular-nums">
        <span className="text-slate-600 dark:text-slate-400">
          {figure ? figure.text : `${counts.healthy}/${counts.healthy + counts.unhealthy} healthy`}
        </span>
        <StaleAwareBadge tone={look.tone} icon={look.icon} label={look.label} stale={stale} />
      </span>
    </div>
  );
}

/** One application on the overview: split, health and what is running. The whole card links to it. */
export function AppCard({ app, nowMs, stale = false }: AppCardProps) {
  const op = app.operation;
  const opLook = op ? operationStatusLook(op.status) : null;
  const active = isActiveStatus(op?.status);
  // After the calls: draining until the observed split follows the configured one, then settled.
  const settle = !active && op && app.settle ? app.settle : null;
  const settleText = settle ? settleLook(settle, nowMs) : null;
  const traffic = app.figures?.traffic;
  return (
    <article
      data-stale={stale ? "true" : undefined}
      className="group relative flex flex-col rounded-lg border border-slate-200 data-[stale=true]:border-dashed data-[stale=true]:border-slate-500 dark:data-[stale=true]:border-slate-400 bg-white shadow-xs transition-colors hover:border-teal-500/60 focus-within:ring-2 focus-within:ring-teal-600 dark:border-slate-800 dark:bg-slate-900 dark:hover:border-teal-500/50"
    >
      <header className="flex items-start justify-between gap-3 px-4 pt-3.5 pb-2">
        <div className="min-w-0">
          <h3 className="truncate text-[15px] font-semibold text-slate-900 dark:text-slate-100">
            <Link href={`/apps/${encodeURIComponent(app.id)}`} className="outline-none after:absolute after:inset-0 after:rounded-lg">
              {app.name}
            </Link>
          </h3>
          <p className="mt-0.5 flex items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
            <span className="font-medium text-teal-700 dark:text-teal-300">{patternLabel(app.pattern)}</span>
            <span aria-hidden="true">·</span>
            <span className="font-mono">{app.region}</span>
          </p>
        </div>
        {active && opLook ? (
          <Badge tone={opLook.tone}>
            <span aria-hidden="true" className="inline-block motion-safe:animate-spin">
              {opLook.icon}
            </span>
            {opLook.label}
          </Badge>
        ) : settle?.phase === "draining" ? (
          <SettleBadge settle={settle} nowIso={new Date(nowMs).toISOString()} />
        ) : null}
      </header>

      <div className="flex-1 space-y-3 px-4 pb-3">
        {app.error ? (
          <p className="rounded border border-amber-200 bg-amber-50 px-2 py-1.5 text-xs text-amber-900 dark:border-amber-900 dark:bg-amber-950/50 dark:text-amber-200">
            {app.error}
            {app.dataAgeMs !== null ? (
              <span className="block">Showing the last good read, {formatDurationSeconds(app.dataAgeMs / 1000)} old.</span>
            ) : null}
          </p>
        ) : null}
        {app.drift ? (
          <p
            data-testid="drift-marker"
            className="rounded border border-amber-300 bg-amber-50 px-2 py-1.5 text-xs font-medium text-amber-950 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-100"
          >
            <span aria-hidden="true" className="mr-1 font-bold">
              !
            </span>
            AWS differs from Teal&apos;s last operation: {app.drift.text}
          </p>
        ) : null}
        {/* Read from AWS: grey while stale (the card's own read, or the whole page's). */}
        <div className={`space-y-3 ${STALE_DIM} ${stale ? "grayscale" : ""}`}>
          {traffic?.kind === "rollout" ? (
            <RolloutLine percent={traffic.percent} primary={traffic.primary} />
          ) : app.pattern === "ecs-rolling" ? (
            <RolloutLine percent={app.configuredGreenPercent} />
          ) : (
            <div className="space-y-1.5">
              <SplitBar
                label="Configured"
                greenPercent={traffic?.configuredGreenPercent ?? app.configuredGreenPercent}
                emptyText="unknown"
                size="sm"
              />
              <SplitBar
                label="Observed"
                greenPercent={traffic ? traffic.observedGreenPercent : app.observedGreenPercent}
                size="sm"
                {...(traffic?.observedFrom === "none" ? { emptyText: "not measured" } : {})}
              />
              {app.observedWindowMinutes !== undefined && (traffic === undefined || traffic.observedFrom === "requests") ? (
                <p className="text-right text-[11px] text-slate-500 dark:text-slate-400">
                  observed: requests of the last {app.observedWindowMinutes} min
                </p>
              ) : null}
            </div>
          )}
          {app.health ? (
            <div className="space-y-1 border-t border-slate-100 pt-2.5 dark:border-slate-800">
              <HealthLine color="blue" counts={app.health.blue} figure={app.figures?.health.blue} stale={stale} />
              <HealthLine color="green" counts={app.health.green} figure={app.figures?.health.green} stale={stale} />
              {app.healthAgeMs !== undefined ? (
                // Idle applications' load balancer health is read every few refreshes: say how old it is.
                <p className="text-right text-[11px] text-slate-500 dark:text-slate-400">
                  health: read {formatDurationSeconds(app.healthAgeMs / 1000)} ago
                </p>
              ) : null}
            </div>
          ) : null}
          {app.greenVerdict ? <GreenVerdictLine verdict={app.greenVerdict} size="sm" /> : null}
        </div>
      </div>

      <footer className="border-t border-slate-100 px-4 py-2 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
        {op && opLook ? (
          <p className="truncate">
            <span className="font-medium text-slate-700 dark:text-slate-300">
              {active ? "Running: " : `Last: ${opLook.label.toLowerCase()}${settleText ? `, ${settleText.look.label.toLowerCase()}` : ""} · `}
            </span>
            {op.summary}{" "}
            <span className="text-slate-400 dark:text-slate-500">
              · {op.actor.email} · {formatAgo(op.createdAt, nowMs)}
            </span>
          </p>
        ) : (
          <p>No operations yet</p>
        )}
      </footer>
    </article>
  );
}
