import type { Color } from "@/lib/domain/basics";
import type { LineSpec } from "./chart-catalog";
import { COLOR_SHAPE } from "@/components/env/color-shape";

/** Colours a chart draws with; the grid passes the one for the current theme. */
export interface ChartPalette {
  env: Record<Color, string>;
  /** A load balancer both colours share (series with colour null): neutral, neither blue nor green. */
  shared: string;
  grid: string;
  axis: string;
  marker: string;
}

export const LIGHT_PALETTE: ChartPalette = {
  env: { blue: "#2563eb", green: "#059669" },
  shared: "#475569",
  grid: "#e2e8f0",
  axis: "#64748b",
  marker: "#0d9488",
};

export const DARK_PALETTE: ChartPalette = {
  env: { blue: "#60a5fa", green: "#34d399" },
  shared: "#cbd5e1",
  grid: "#1e293b",
  axis: "#94a3b8",
  marker: "#2dd4bf",
};

/** The stroke of a line: its environment's colour, or the neutral one for a shared load balancer. */
export function strokeOf(palette: ChartPalette, color: Color | null): string {
  return color === null ? palette.shared : palette.env[color];
}

/** Blue is solid, green is dashed, a shared load balancer dash-dotted; secondary (p99) lines are thinner and faded. */
export function lineStyle(line: Pick<LineSpec, "color" | "emphasis">): { dash: string | undefined; width: number; opacity: number } {
  return {
    dash: line.color === "green" ? "6 3" : line.color === null ? "8 3 2 3" : undefined,
    width: line.emphasis === "main" ? 2 : 1.25,
    opacity: line.emphasis === "main" ? 1 : 0.55,
  };
}

/** The glyph beside a line's label: the environment's shape, or a square for a shared load balancer. */
export function shapeOf(color: Color | null): string {
  return color === null ? "■" : COLOR_SHAPE[color];
}
