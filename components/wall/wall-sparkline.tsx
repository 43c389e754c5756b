import type { Color } from "@/lib/domain/basics";
import type { WallErrorRates } from "@/lib/domain/wall";
import { formatRate } from "@/lib/domain/green-verdict";
import { COLOR_NAME, COLOR_SHAPE } from "@/components/env/color-shape";

const W = 100;
const H = 30;

/** Polyline segments of a series, broken where a minute had no requests (a gap, not a zero). */
function segments(values: (number | null)[], top: number): string[] {
  const out: string[] = [];
  let current: string[] = [];
  const step = values.length > 1 ? W / (values.length - 1) : W;
  values.forEach((v, k) => {
    if (v === null) {
      if (current.length) out.push(current.join(" "));
      current = [];
      return;
    }
    const x = values.length > 1 ? k * step : W / 2;
    const y = H - 2 - (v / top) * (H - 4);
    current.push(`${x.toFixed(2)},${y.toFixed(2)}`);
  });
  if (current.length) out.push(current.join(" "));
  // A lone minute is drawn as a dot: a zero-length segment with round caps.
  return out.map((s) => (s.includes(" ") ? s : `${s} ${s}`));
}

function latest(values: (number | null)[]): number | null {
  for (let k = values.length - 1; k >= 0; k -= 1) {
    const v = values[k];
    if (v !== undefined && v !== null) return v;
  }
  return null;
}

function Row({ color, values, top, alarm }: { color: Color; values: (number | null)[]; top: number; alarm: boolean }) {
  const last = latest(values);
  const tone = alarm ? "text-rose-700 dark:text-rose-300" : "text-slate-800 dark:text-slate-100";
  const label = last === null ? `${COLOR_NAME[color]}: no requests` : `${COLOR_NAME[color]}: 5xx ${formatRate(last)} in the last minute`;
  return (
    <div role="img" aria-label={label} className="flex items-center gap-3 text-[32px] leading-tight">
      <span aria-hidden="true" className="w-7 shrink-0 font-bold">
        {COLOR_SHAPE[color]}
      </span>
      {last === null ? (
        <span aria-hidden="true" className="text-slate-700 dark:text-slate-300">
          no traffic
        </span>
      ) : (
        <>
          <svg aria-hidden="true" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" className={`h-9 min-w-0 flex-1 ${tone}`}>
            <line
              x1="0"
              x2={W}
              y1={H - 2}
              y2={H - 2}
              className="stroke-slate-300 dark:stroke-slate-600"
              strokeWidth="1"
              vectorEffect="non-scaling-stroke"
            />
            {segments(values, top).map((points) => (
              <polyline
                key={points}
                points={points}
                fill="none"
                stroke="currentColor"
                strokeWidth={alarm ? 4 : 3}
                strokeLinecap="round"
                strokeLinejoin="round"
                vectorEffect="non-scaling-stroke"
              />
            ))}
          </svg>
          <span aria-hidden="true" className={`shrink-0 font-bold tabular-nums ${tone}`}>
            {formatRate(last)}
          </span>
        </>
      )}
    </div>
  );
}

/**
 * Each colour's 5xx rate over the last minutes, one row per colour (its shape, its line, its last
 * minute): colour means status, so a line is red only when that colour is judged failing. Where
 * CloudWatch has no per-colour reading, the words say so instead of a line.
 */
export function WallSparkline({ errors, greenFailing }: { errors: WallErrorRates; greenFailing: boolean }) {
  if (errors.kind === "none") {
    return <p className="text-[32px] leading-tight text-slate-700 dark:text-slate-300">{errors.text}</p>;
  }
  const peak = Math.max(0, ...errors.blue.map((v) => v ?? 0), ...errors.green.map((v) => v ?? 0));
  // A common scale for both rows, at least 2 %, so a 0.1 % blip does not fill the row.
  const top = Math.max(0.02, peak * 1.1);
  return (
    <div className="flex gap-3 text-[32px] leading-tight">
      {/* What and over how long, beside the two rows rather than above them: one line less per tile. */}
      <p className="shrink-0 font-semibold text-slate-700 dark:text-slate-300">
        5xx
        <span className="block">{errors.minutes} min</span>
      </p>
      <div className="min-w-0 flex-1">
        <Row color="blue" values={errors.blue} top={top} alarm={false} />
        <Row color="green" values={errors.green} top={top} alarm={greenFailing} />
      </div>
    </div>
  );
}
