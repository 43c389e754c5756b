import type { OperationMarker } from "@/lib/domain/snapshot";
import type { ChartSpec } from "./chart-catalog";
import { shapeOf, strokeOf, type ChartPalette } from "./chart-palette";
import type { ChartRow } from "./merge-series";
import { formatClock, formatCount, formatLatency } from "@/components/format/format";

interface ChartTooltipProps {
  spec: ChartSpec;
  row: ChartRow | undefined;
  markers: readonly OperationMarker[];
  palette: ChartPalette;
}

function formatValue(value: number, unit: ChartSpec["unit"]): string {
  if (unit === "Percent") return `${Math.round(value * 10) / 10} %`;
  return unit === "Seconds" ? formatLatency(value) : formatCount(value);
}

/** Values of every line at the hovered minute, and any operation that happened then. */
export function ChartTooltip({ spec, row, markers, palette }: ChartTooltipProps) {
  if (!row) return null;
  return (
    <div className="min-w-40 rounded-md border border-slate-200 bg-white/95 px-2.5 py-2 text-xs shadow-lg dark:border-slate-700 dark:bg-slate-900/95">
      <p className="mb-1 font-medium tabular-nums text-slate-900 dark:text-slate-100">{formatClock(row.t)}</p>
      <table className="w-full">
        <tbody>
          {spec.lines.map((line) => {
            const v = row[line.key];
            return (
              <tr key={line.key}>
                <td className="pr-3 text-slate-600 dark:text-slate-400">
                  <span style={{ color: strokeOf(palette, line.color) }}>{shapeOf(line.color)}</span> {line.label}
                </td>
                <td className="text-right font-medium tabular-nums text-slate-900 dark:text-slate-100">
                  {v === undefined || v === null ? "no data" : formatValue(v, spec.unit)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {markers.map((m) => (
        <div key={m.id} className="mt-1.5 border-t border-slate-200 pt-1.5 dark:border-slate-700">
          <p className="font-medium text-teal-700 dark:text-teal-300">⚑ {m.summary}</p>
          <p className="text-slate-600 dark:text-slate-400">
            {m.actor} · {formatClock(m.at)}
          </p>
          {m.reason ? <p className="text-slate-600 italic dark:text-slate-400">“{m.reason}”</p> : null}
        </div>
      ))}
    </div>
  );
}
