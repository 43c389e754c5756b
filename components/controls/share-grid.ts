import { SLIDER_PRESETS, clampPercent } from "./slider-keys";

/**
 * The green shares a pattern can reach: whole percentages at multiples of its granularity
 * (25 with four instances, 33.3 with three tasks), always with 0 and 100. Granularity 1 or less
 * (weights) gives every whole percentage.
 */
export function shareGrid(granularityPercent: number): number[] {
  const g = Number.isFinite(granularityPercent) && granularityPercent > 1 ? Math.min(granularityPercent, 100) : 1;
  const points = new Set<number>([0, 100]);
  for (let k = 1; k * g < 100 - 1e-9; k += 1) points.add(clampPercent(k * g));
  return [...points].sort((a, b) => a - b);
}

/** The reachable share nearest to `value` (ties go down: the smaller change of traffic). */
export function snapToGrid(value: number, grid: readonly number[]): number {
  let best = grid[0] ?? 0;
  for (const point of grid) {
    if (Math.abs(point - value) < Math.abs(best - value)) best = point;
  }
  return best;
}

/** The presets as the pattern can reach them: each snapped, duplicates dropped, in order. */
export function snappedPresets(grid: readonly number[]): number[] {
  return [...new Set(SLIDER_PRESETS.map((p) => snapToGrid(p, grid)))].sort((a, b) => a - b);
}

/**
 * The value a key moves a snapped slider to, or null when the key does not move it. Arrows go to
 * the next reachable share; Page Up/Down to the first one at least ten points away.
 */
export function gridValueForKey(key: string, value: number, grid: readonly number[]): number | null {
  const last = grid[grid.length - 1] ?? 100;
  const first = grid[0] ?? 0;
  const above = (min: number) => grid.find((p) => p >= min) ?? last;
  const below = (max: number) => [...grid].reverse().find((p) => p <= max) ?? first;
  switch (key) {
    case "ArrowRight":
    case "ArrowUp":
      return above(value + 1);
    case "ArrowLeft":
    case "ArrowDown":
      return below(value - 1);
    case "PageUp":
      return above(value + 10);
    case "PageDown":
      return below(value - 10);
    case "Home":
      return first;
    case "End":
      return last;
    default:
      return null;
  }
}
