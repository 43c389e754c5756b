"use client";

import { memo } from "react";
import type { MetricSeries, OperationMarker } from "@/lib/domain/snapshot";
import { chartsForSeries } from "./chart-catalog";
import type { ChartPalette } from "./chart-palette";
import { chartRows, markersInWindow } from "./merge-series";
import { tickStepMs, timeTicks } from "./time-axis";
import { MetricChart } from "./metric-chart";
import { periodFor } from "@/lib/domain/metric-period";

interface MetricsGridProps {
  series: readonly MetricSeries[];
  markers: readonly OperationMarker[];
  domain: { from: number; to: number };
  rangeMinutes: number;
  /** Time of the snapshot: Sum points of a period still open are left out. */
  nowMs: number;
  palette: ChartPalette;
}

/**
 * One chart per metric the snapshot carries (classic ELB, ALB or ECS; see `chartsForSeries`), in a
 * responsive grid. Memoized: polls that bring the same
 * series (react-query keeps unchanged data by reference) and the same window do not redraw charts.
 */
export const MetricsGrid = memo(function MetricsGrid({ series, markers, domain, rangeMinutes, nowMs, palette }: MetricsGridProps) {
  const ticks = timeTicks(domain.from, domain.to, tickStepMs(rangeMinutes));
  const visibleMarkers = markersInWindow(markers, domain.from, domain.to);
  const charts = chartsForSeries(series);
  // The period of the points: each one missing is drawn as a gap.
  const stepMs = periodFor(rangeMinutes) * 1000;
  if (charts.length === 0) {
    return <p className="text-sm text-slate-500 dark:text-slate-400">No metrics are read for this application.</p>;
  }
  return (
    <div className="grid grid-cols-1 gap-3 lg:grid-cols-2 xl:grid-cols-3">
      {charts.map((spec) => (
        <div key={spec.id} className={spec.span === 2 ? "xl:col-span-2" : ""}>
          <MetricChart
            spec={spec}
            rows={chartRows(series, spec.lines, nowMs, stepMs)}
            markers={visibleMarkers}
            domain={domain}
            ticks={ticks}
            palette={palette}
          />
        </div>
      ))}
    </div>
  );
});
