import type { MetricSeries, OperationMarker } from "@/lib/domain/snapshot";
import type { LineSpec } from "./chart-catalog";

/**
 * One x position of a chart: the timestamp and the value of each line at it. A line without a
 * datapoint there is null (CloudWatch reported nothing: no traffic, no running task): recharts
 * breaks the line there instead of drawing a false zero or bridging the hole.
 */
export interface ChartRow {
  t: number;
  [lineKey: string]: number | null;
}

/** The series a line draws, matched on metric, statistic and colour. */
export function findSeries(series: readonly MetricSeries[], line: Pick<LineSpec, "metric" | "stat" | "color">): MetricSeries | undefined {
  return series.find((s) => s.metric === line.metric && s.stat === line.stat && s.color === line.color);
}

/**
 * Merge the points of several lines into rows keyed by timestamp, sorted by time. A line without a
 * point at a timestamp has no key in that row (recharts draws a gap rather than a false zero).
 * Non-finite values are dropped for the same reason.
 */
export function mergeByTimestamp(lines: readonly { key: string; points: readonly { t: number; v: number }[] }[]): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const line of lines) {
    for (const point of line.points) {
      if (!Number.isFinite(point.t) || !Number.isFinite(point.v)) continue;
      let row = rows.get(point.t);
      if (!row) {
        row = { t: point.t };
        rows.set(point.t, row);
      }
      row[line.key] = point.v;
    }
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

/**
 * A Sum over a period that has not ended yet is partial: the last minute of RequestCount would read
 * as a sudden drop to near zero. Drop the last point of a Sum series while its period is still open
 * (period taken from the spacing of the last two points). Averages and maxima stay: they are not
 * biased by a short period.
 */
export function withoutOpenPeriod(series: MetricSeries, nowMs: number): MetricSeries["points"] {
  const points = series.points;
  if (series.stat !== "Sum" || points.length < 2) return points;
  const last = points[points.length - 1];
  const previous = points[points.length - 2];
  if (!last || !previous) return points;
  const period = last.t - previous.t;
  return period > 0 && last.t + period > nowMs ? points.slice(0, -1) : points;
}

/**
 * The snapshot's time as the charts need it: the start of its minute. CloudWatch periods are whole
 * minutes and their points sit on minute boundaries, so whether a period is still open
 * (`withoutOpenPeriod`) is the same for the exact time and for the start of its minute. The charts
 * get this instead of the exact time so that a poll within the same minute, with the same series,
 * leaves their props unchanged and they do not redraw (a redraw of every chart costs the browser
 * a few hundred milliseconds of CPU, once a second while an operation runs).
 */
export function chartClock(nowMs: number): number {
  return Math.floor(nowMs / 60_000) * 60_000;
}

/**
 * Every period between the first and the last row gets a row, and every line a value or null in
 * each: a minute CloudWatch has no datapoint for is a gap in the chart, never a zero and never a
 * straight line bridging it. Rows off the period grid are kept as they are.
 */
export function withGaps(rows: readonly ChartRow[], lineKeys: readonly string[], stepMs: number): ChartRow[] {
  const first = rows[0];
  const last = rows[rows.length - 1];
  const complete = (row: ChartRow): ChartRow => {
    const out: ChartRow = { ...row };
    for (const key of lineKeys) if (out[key] === undefined) out[key] = null;
    return out;
  };
  if (!first || !last || !(stepMs > 0)) return rows.map(complete);
  const byT = new Map(rows.map((r) => [r.t, r]));
  const out: ChartRow[] = [];
  // At most one row per period of the window (a day of minutes is 1,440 rows).
  if ((last.t - first.t) / stepMs > 5_000) return rows.map(complete);
  for (let t = first.t; t <= last.t; t += stepMs) out.push(complete(byT.get(t) ?? { t }));
  for (const row of rows) if ((row.t - first.t) % stepMs !== 0) out.push(complete(row));
  return out.sort((a, b) => a.t - b.t);
}

/**
 * Rows for one chart: finds each line's series and merges them; `nowMs` trims open Sum periods;
 * with `stepMs` (the period of the points) a missing period is a row of nulls (see withGaps).
 */
export function chartRows(
  series: readonly MetricSeries[],
  lines: readonly LineSpec[],
  nowMs = Number.POSITIVE_INFINITY,
  stepMs?: number,
): ChartRow[] {
  const rows = mergeByTimestamp(
    lines.map((line) => {
      const found = findSeries(series, line);
      return { key: line.key, points: found ? withoutOpenPeriod(found, nowMs) : [] };
    }),
  );
  return stepMs === undefined
    ? rows
    : withGaps(
        rows,
        lines.map((l) => l.key),
        stepMs,
      );
}

/**
 * Whether the point of a line at `index` stands alone (no value just before or after it): a step
 * line draws nothing for such a point, so the chart marks it with a dot.
 */
export function isIsolated(rows: readonly ChartRow[], key: string, index: number): boolean {
  const has = (i: number): boolean => {
    const v = rows[i]?.[key];
    return v !== undefined && v !== null;
  };
  return has(index) && !has(index - 1) && !has(index + 1);
}

/** Whether any line of a chart has data (an empty chart says so instead of drawing axes only). */
export function hasAnyPoint(rows: readonly ChartRow[], lines: readonly LineSpec[]): boolean {
  return rows.some((row) => lines.some((line) => row[line.key] !== undefined && row[line.key] !== null));
}

/** Markers inside the visible time window, oldest first. */
export function markersInWindow(markers: readonly OperationMarker[], from: number, to: number): OperationMarker[] {
  return markers.filter((m) => m.at >= from && m.at <= to).sort((a, b) => a.at - b.at);
}

/** Markers within `toleranceMs` of a hovered time, for the chart tooltip. */
export function markersNear(markers: readonly OperationMarker[], t: number, toleranceMs: number): OperationMarker[] {
  return markers.filter((m) => Math.abs(m.at - t) <= toleranceMs);
}

/** Largest value across the given lines, for a y-axis that does not collapse on an all-zero series. */
export function maxValue(rows: readonly ChartRow[], lines: readonly LineSpec[]): number {
  let max = 0;
  for (const row of rows) {
    for (const line of lines) {
      const v = row[line.key];
      if (v !== undefined && v !== null && v > max) max = v;
    }
  }
  return max;
}
