import type { AppSummary } from "@/lib/domain/types";
import type { WallAppDetail } from "@/lib/domain/wall";
import { isGreenWorse } from "@/lib/domain/green-verdict";
import { patternLabel } from "@/components/format/format";
import { WallAlarmList } from "./wall-alarm-list";
import { WallHealthLine } from "./wall-health-line";
import { WallOperationLine } from "./wall-operation-line";
import { WallSplitBar } from "./wall-split-bar";
import { WallVerdictLine } from "./wall-verdict-line";

interface WallCardProps {
  app: AppSummary;
  /** Step progress and alarms; null until the wall route has answered once. */
  detail: WallAppDetail | null;
}

/** One application on the wall: name, pattern, both splits, health per colour, operation and alarms. */
export function WallCard({ app, detail }: WallCardProps) {
  const alarms = detail?.alarms ?? (app.error ? [{ id: "unreadable", severity: "critical" as const, text: app.error }] : []);
  // A failing green is as loud as a critical alarm, though every health check still passes.
  const greenWorse = isGreenWorse(app.greenVerdict);
  const critical = alarms.some((a) => a.severity === "critical") || app.greenVerdict?.status === "failing";
  // A tile has a fixed height on the wall: a quiet verdict (OK, not enough traffic, no per-colour
  // metrics) gives its room to a running operation or an alarm, which must never be cut off.
  const busy = Boolean(detail?.operation) || alarms.length > 0;
  const traffic = app.figures?.traffic;
  const showVerdict = app.greenVerdict !== undefined && (greenWorse || !busy);
  return (
    <article
      aria-label={app.name}
      className={`flex min-h-0 flex-col gap-3 overflow-hidden rounded-2xl border-2 bg-slate-900 p-5 ${critical ? "border-rose-500" : "border-slate-700"}`}
    >
      <header className="min-w-0">
        <h2 className="truncate text-4xl leading-tight font-bold text-white">{app.name}</h2>
        <p className="truncate text-xl text-teal-300">
          {patternLabel(app.pattern)} <span className="text-slate-400">· {app.region}</span>
        </p>
      </header>
      {traffic?.kind === "rollout" ? (
        // An ECS rolling update has no split: the rollout's share, as on the overview and the app page.
        <div data-testid="wall-rollout">
          <p className="flex items-baseline justify-between gap-3">
            <span className="text-lg font-semibold tracking-wider text-slate-300 uppercase">Rollout</span>
            <span className="text-3xl font-bold text-emerald-300 tabular-nums">{traffic.percent} %</span>
          </p>
          <p className="truncate text-2xl text-slate-200" title={traffic.text}>
            {" "}on <span className="font-mono">{traffic.primary}</span>
          </p>
        </div>
      ) : (
        <div className="space-y-2.5">
          <WallSplitBar label="Configured" greenPercent={traffic?.configuredGreenPercent ?? app.configuredGreenPercent} emptyText="unknown" />
          <WallSplitBar
            label="Observed"
            greenPercent={traffic ? traffic.observedGreenPercent : app.observedGreenPercent}
            emptyText={traffic?.observedFrom === "none" ? "not measured" : "no traffic"}
          />
        </div>
      )}
      <div className="space-y-1 border-t border-slate-700 pt-2.5">
        <WallHealthLine color="blue" counts={app.health?.blue ?? null} figure={app.figures?.health.blue} />
        <WallHealthLine color="green" counts={app.health?.green ?? null} figure={app.figures?.health.green} />
      </div>
      {showVerdict && app.greenVerdict ? <WallVerdictLine verdict={app.greenVerdict} /> : null}
      <div className="mt-auto space-y-2">
        {detail?.operation ? <WallOperationLine operation={detail.operation} /> : null}
        <WallAlarmList alarms={alarms} />
        {detail && !detail.operation && alarms.length === 0 && !greenWorse ? (
          <p className="text-xl text-slate-400">
            <span aria-hidden="true">✓</span> No alarms · nothing running
          </p>
        ) : null}
      </div>
    </article>
  );
}
