import type { LineSpec } from "./chart-catalog";
import { lineStyle, shapeOf, strokeOf, type ChartPalette } from "./chart-palette";

/** Legend drawn in HTML: a sample of each line's stroke and dash, its shape and its label. */
export function ChartLegend({ lines, palette }: { lines: readonly LineSpec[]; palette: ChartPalette }) {
  return (
    <ul className="flex flex-wrap gap-x-3 gap-y-1 text-[11px] text-slate-600 dark:text-slate-400" aria-label="Legend">
      {lines.map((line) => {
        const style = lineStyle(line);
        return (
          <li key={line.key} className="flex items-center gap-1.5 whitespace-nowrap">
            <svg width="22" height="8" aria-hidden="true" className="shrink-0">
              <line
                x1="1"
                y1="4"
                x2="21"
                y2="4"
                stroke={strokeOf(palette, line.color)}
                strokeWidth={style.width}
                strokeOpacity={style.opacity}
                strokeDasharray={style.dash}
              />
            </svg>
            <span aria-hidden="true" style={{ color: strokeOf(palette, line.color), opacity: style.opacity }}>
              {shapeOf(line.color)}
            </span>
            {line.label}
          </li>
        );
      })}
    </ul>
  );
}
