import type { Color } from "@/lib/domain/types";
import type { HealthFigure } from "@/lib/domain/figures";
import { COLOR_NAME, COLOR_SHAPE } from "@/components/env/color-shape";
import { environmentHealth } from "@/components/env/health-look";
import type { Tone } from "@/components/operation/operation-status";

const TONE_TEXT: Record<Tone, string> = {
  neutral: "text-slate-300",
  info: "text-sky-300",
  success: "text-emerald-300",
  warning: "text-amber-300",
  danger: "text-rose-300",
};

const SHAPE_TEXT: Record<Color, string> = { blue: "text-blue-300", green: "text-emerald-300" };

/** One colour's health in wall size: shape and name, healthy count, and a glyph with a word. */
export function WallHealthLine({ color, counts, figure }: { color: Color; counts: { healthy: number; unhealthy: number } | null; figure?: HealthFigure }) {
  // The shared derivation (lib/domain/figures) when the summary carries it: the app page and the overview show the same.
  const look = figure ?? (counts ? environmentHealth(counts.healthy, counts.unhealthy) : { label: "Unknown", tone: "neutral" as const, icon: "?" });
  return (
    <div className="flex items-baseline justify-between gap-3 text-2xl">
      <span className="flex items-baseline gap-2 font-semibold text-white">
        <span aria-hidden="true" className={SHAPE_TEXT[color]}>
          {COLOR_SHAPE[color]}
        </span>
        {COLOR_NAME[color]}
      </span>
      <span className="flex items-baseline gap-3 tabular-nums">
        {counts ? (
          <span className="text-slate-200">
            {figure ? `${figure.healthy}/${figure.of}` : `${counts.healthy}/${counts.healthy + counts.unhealthy}`}
          </span>
        ) : null}
        <span className={`font-bold ${TONE_TEXT[look.tone]}`}>
          <span aria-hidden="true">{look.icon}</span> {look.label}
        </span>
      </span>
    </div>
  );
}
