import type { Color } from "@/lib/domain/types";
import type { LineSpec } from "./chart-catalog";

/** Colours a chart draws with; the grid passes the one for the current theme. */
export interface ChartPalette {
  env: Record<Color, string>;
  grid: string;
  axis: string;
  marker: string;
}

export const LIGHT_PALETTE: ChartPalette = {
  env: { blue: "#2563eb", green: "#059669" },
  grid: "#e2e8f0",
  axis: "#64748b",
  marker: "#0d9488",
};

export const DARK_PALETTE: ChartPalette = {
  env: { blue: "#60a5fa", green: "#34d399" },
  grid: "#1e293b",
  axis: "#94a3b8",
  marker: "#2dd4bf",
};

/** Blue is solid, green is dashed; secondary (p99) lines are thinner and faded. */
export function lineStyle(line: Pick<LineSpec, "color" | "emphasis">): { dash: string | undefined; width: number; opacity: number } {
  return {
    dash: line.color === "green" ? "6 3" : undefined,
    width: line.emphasis === "main" ? 2 : 1.25,
    opacity: line.emphasis === "main" ? 1 : 0.55,
  };
}
