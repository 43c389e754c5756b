/** Tick spacing per visible range: about six to eight labelled ticks on any range. */
export function tickStepMs(rangeMinutes: number): number {
  const minute = 60_000;
  if (rangeMinutes <= 60) return 10 * minute;
  if (rangeMinutes <= 180) return 30 * minute;
  if (rangeMinutes <= 720) return 2 * 60 * minute;
  return 4 * 60 * minute;
}

/** Tick positions aligned to whole steps (in UTC, which for steps ≤ 4 h lines up with local whole hours in most zones). */
export function timeTicks(from: number, to: number, stepMs: number): number[] {
  if (!(stepMs > 0) || to < from) return [];
  const ticks: number[] = [];
  for (let t = Math.ceil(from / stepMs) * stepMs; t <= to; t += stepMs) ticks.push(t);
  return ticks;
}

/**
 * The visible window: `rangeMinutes` up to the end of the snapshot's current minute. Metrics are
 * per minute, so the window only moves once a minute and the charts need not redraw on every poll.
 */
export function timeWindow(generatedAtIso: string, rangeMinutes: number): { from: number; to: number } {
  const to = Math.ceil(Date.parse(generatedAtIso) / 60_000) * 60_000;
  return { from: to - rangeMinutes * 60_000, to };
}

/** Compact y-axis label: 1.2k, 3.4M; latency in ms. */
export function formatAxisValue(value: number, unit: "Seconds" | "Count" | "Percent"): string {
  if (!Number.isFinite(value)) return "";
  if (unit === "Seconds") return value < 1 ? `${Math.round(value * 1000)} ms` : `${Math.round(value * 10) / 10} s`;
  if (unit === "Percent") return `${Math.round(value)} %`;
  const abs = Math.abs(value);
  if (abs >= 1_000_000) return `${Math.round(value / 100_000) / 10}M`;
  if (abs >= 1_000) return `${Math.round(value / 100) / 10}k`;
  return String(Math.round(value * 10) / 10);
}
