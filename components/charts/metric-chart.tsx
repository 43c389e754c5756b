"use client";

import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { OperationMarker } from "@/lib/domain/snapshot";
import type { ChartSpec } from "./chart-catalog";
import { lineStyle, strokeOf, type ChartPalette } from "./chart-palette";
import { hasAnyPoint, isIsolated, markersNear, maxValue, type ChartRow } from "./merge-series";
import { formatAxisValue } from "./time-axis";
import { formatAxisTime } from "@/components/format/format";
import { ChartLegend } from "./chart-legend";
import { ChartTooltip } from "./chart-tooltip";
import { FLAG_HEIGHT, MarkerFlag } from "./marker-flag";

/**
 * How a line joins its points: a count per period (requests, 5xx, hosts) holds its value for the
 * whole period, so it is a step, never a curve through values no minute had (1.5 requests);
 * averages and percentiles are joined straight, without smoothing.
 */
export function curveOf(unit: ChartSpec["unit"]): "stepAfter" | "linear" {
  return unit === "Count" ? "stepAfter" : "linear";
}

interface MetricChartProps {
  spec: ChartSpec;
  rows: readonly ChartRow[];
  markers: readonly OperationMarker[];
  domain: { from: number; to: number };
  ticks: readonly number[];
  palette: ChartPalette;
  height?: number;
}

/**
 * One metric, blue and green, over the chosen window, with a line at each operation. Renders props
 * only. Missing periods are gaps; operation flags sit above the plot so they hide no data point.
 */
export function MetricChart({ spec, rows, markers, domain, ticks, palette, height = 168 }: MetricChartProps) {
  const empty = !hasAnyPoint(rows, spec.lines);
  const top = maxValue(rows, spec.lines);
  const headingId = `chart-${spec.id}`;
  return (
    <figure
      aria-labelledby={headingId}
      className="flex min-w-0 flex-col rounded-lg border border-slate-200 bg-white px-3 pt-2.5 pb-1 shadow-xs dark:border-slate-800 dark:bg-slate-900"
    >
      <figcaption className="mb-1 space-y-1">
        <span className="flex items-baseline gap-2">
          <span id={headingId} className="text-sm font-semibold text-slate-900 dark:text-slate-100">
            {spec.title}
          </span>
          <span className="truncate text-[11px] text-slate-500 dark:text-slate-400">{spec.hint}</span>
          <span className="ml-auto shrink-0 text-[10px] text-slate-500 dark:text-slate-400" data-testid="chart-time-zone">
            times UTC
          </span>
        </span>
        <ChartLegend lines={spec.lines} palette={palette} />
        {spec.note ? (
          <p className="text-[11px] font-medium text-slate-600 dark:text-slate-300" data-testid="chart-shared-note">
            {spec.note}
          </p>
        ) : null}
      </figcaption>
      <div style={{ height }} className="relative">
        {empty ? (
          <p className="absolute inset-0 flex items-center justify-center text-xs text-slate-500 dark:text-slate-400">No data points in this range</p>
        ) : null}
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={[...rows]} margin={{ top: FLAG_HEIGHT + 4, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={palette.grid} vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={[domain.from, domain.to]}
              ticks={[...ticks]}
              tickFormatter={(t: number) => formatAxisTime(t)}
              stroke={palette.axis}
              tick={{ fontSize: 11, fill: palette.axis }}
              tickLine={false}
              axisLine={{ stroke: palette.grid }}
              allowDataOverflow
            />
            <YAxis
              width={spec.unit === "Seconds" ? 60 : 44}
              domain={[0, top > 0 ? "auto" : 1]}
              tickFormatter={(v: number) => formatAxisValue(v, spec.unit)}
              stroke={palette.axis}
              tick={{ fontSize: 11, fill: palette.axis }}
              tickLine={false}
              axisLine={false}
              allowDecimals={spec.unit === "Seconds"}
            />
            <Tooltip
              isAnimationActive={false}
              cursor={{ stroke: palette.axis, strokeDasharray: "2 2" }}
              content={({ label }) => {
                const t = typeof label === "number" ? label : Number(label);
                const row = rows.find((r) => r.t === t);
                return <ChartTooltip spec={spec} row={row} markers={markersNear(markers, t, 60_000)} palette={palette} />;
              }}
            />
            {markers.map((marker) => (
              <ReferenceLine
                key={marker.id}
                x={marker.at}
                stroke={palette.marker}
                strokeDasharray="3 3"
                strokeWidth={1}
                strokeOpacity={0.7}
                ifOverflow="hidden"
                label={(props: { viewBox?: { x?: number; y?: number } }) => (
                  <MarkerFlag marker={marker} color={palette.marker} viewBox={props.viewBox} />
                )}
              />
            ))}
            {spec.lines.map((line) => {
              const style = lineStyle(line);
              return (
                <Line
                  key={line.key}
                  dataKey={line.key}
                  name={line.label}
                  type={curveOf(spec.unit)}
                  stroke={strokeOf(palette, line.color)}
                  strokeWidth={style.width}
                  strokeOpacity={style.opacity}
                  strokeDasharray={style.dash}
                  dot={(props: { cx?: number; cy?: number; index: number }) =>
                    props.cx !== undefined && props.cy !== undefined && isIsolated(rows, line.key, props.index) ? (
                      <circle key={`${line.key}-${props.index}`} cx={props.cx} cy={props.cy} r={2} fill={strokeOf(palette, line.color)} />
                    ) : (
                      <g key={`${line.key}-${props.index}`} />
                    )
                  }
                  activeDot={{ r: 3 }}
                  connectNulls={false}
                  isAnimationActive={false}
                />
              );
            })}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
