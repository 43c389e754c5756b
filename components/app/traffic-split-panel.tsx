import type { AppState } from "@/lib/domain/app-state";
import { trafficFigure } from "@/lib/domain/figures";
import { Panel } from "@/components/ui/panel";
import { SplitBar } from "@/components/env/split-bar";
import { ColorShape } from "@/components/env/color-shape";
import { formatCount } from "@/components/format/format";

/**
 * Configured (weights) versus observed split: the gap is DNS caching at work where DNS moves the
 * traffic, and elsewhere the minutes the observed share sums, some from before the change. The
 * figures come from the one derivation the overview and the wall use (lib/domain/figures), so the
 * three agree; where the observation is made of instances in service (one shared load balancer),
 * no request counts are shown, because none are measured per colour.
 */
export function TrafficSplitPanel({ state }: { state: AppState }) {
  const figure = trafficFigure(state);
  if (figure.kind !== "split") return null;
  const observed = figure.observedGreenPercent;
  const windowText = state.observed.windowMinutes !== undefined ? `last ${state.observed.windowMinutes} min` : "last minutes";
  const gap = observed === null ? null : Math.abs(observed - figure.configuredGreenPercent);
  return (
    <Panel
      title="Traffic split"
      headingId="split-heading"
      meta={
        gap !== null && gap >= 5 && figure.observedFrom === "requests"
          ? state.dns
            ? `Observed trails configured by ${Math.round(gap)} points — clients still cache old answers`
            : `Observed trails configured by ${Math.round(gap)} points — the ${windowText} include requests from before the change`
          : undefined
      }
    >
      <div className="space-y-2.5">
        <SplitBar label="Configured" greenPercent={figure.configuredGreenPercent} />
        <SplitBar label="Observed" greenPercent={observed} {...(figure.observedFrom === "none" ? { emptyText: "not measured" } : {})} />
      </div>
      {figure.requests ? (
        <p data-testid="observed-requests" className="mt-3 flex gap-4 text-xs text-slate-500 tabular-nums dark:text-slate-400">
          <span>Observed, requests in the {windowText}:</span>
          <span>
            <ColorShape color="blue" /> Blue {formatCount(figure.requests.blue)}
          </span>
          <span>
            <ColorShape color="green" /> Green {formatCount(figure.requests.green)}
          </span>
        </p>
      ) : (
        <p data-testid="observed-source" className="mt-3 text-xs text-slate-500 dark:text-slate-400">
          Observed: {figure.observedText}.
        </p>
      )}
    </Panel>
  );
}
