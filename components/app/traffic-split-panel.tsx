import type { AppState } from "@/lib/domain/types";
import { Panel } from "@/components/ui/panel";
import { SplitBar } from "@/components/env/split-bar";
import { ColorShape } from "@/components/env/color-shape";
import { formatCount } from "@/components/format/format";

/** Configured (weights) versus observed (requests) split: the gap is DNS caching at work. */
export function TrafficSplitPanel({ state }: { state: AppState }) {
  const { configured, observed } = state;
  const windowText = observed.windowMinutes !== undefined ? `last ${observed.windowMinutes} min` : "last minutes";
  const gap = observed.greenPercent === null ? null : Math.abs(observed.greenPercent - configured.greenPercent);
  return (
    <Panel
      title="Traffic split"
      headingId="split-heading"
      meta={gap !== null && gap >= 5 ? `Observed trails configured by ${Math.round(gap)} points — clients still cache old answers` : undefined}
    >
      <div className="space-y-2.5">
        <SplitBar label="Configured" greenPercent={configured.greenPercent} />
        <SplitBar label="Observed" greenPercent={observed.greenPercent} />
      </div>
      <p className="mt-3 flex gap-4 text-xs text-slate-500 tabular-nums dark:text-slate-400">
        <span>Observed, requests in the {windowText}:</span>
        <span>
          <ColorShape color="blue" /> Blue {formatCount(observed.blueRequests)}
        </span>
        <span>
          <ColorShape color="green" /> Green {formatCount(observed.greenRequests)}
        </span>
      </p>
    </Panel>
  );
}
