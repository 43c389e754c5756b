import { COLOR_SHAPE } from "@/components/env/color-shape";

interface WallSplitBarProps {
  label: string;
  /** Green share 0..100, null when unknown. */
  greenPercent: number | null;
  emptyText: string;
}

/** Diagonal hatch on green, so the split reads without colour too. */
const GREEN_HATCH = "repeating-linear-gradient(135deg, rgba(0,0,0,0.28) 0 4px, transparent 4px 11px)";

/** The blue/green split in wall size: label, both shares with their shapes, and the bar. */
export function WallSplitBar({ label, greenPercent, emptyText }: WallSplitBarProps) {
  const known = greenPercent !== null && Number.isFinite(greenPercent);
  const green = known ? Math.min(100, Math.max(0, Math.round(greenPercent))) : 0;
  const blue = 100 - green;
  return (
    <div role="img" aria-label={known ? `${label} split: blue ${blue} %, green ${green} %` : `${label} split: ${emptyText}`}>
      <div className="flex items-baseline justify-between gap-3" aria-hidden="true">
        <span className="text-lg font-semibold tracking-wider text-slate-300 uppercase">{label}</span>
        {known ? (
          <span className="flex gap-5 text-3xl font-bold tabular-nums">
            <span className="text-blue-300">
              {COLOR_SHAPE.blue} {blue} %
            </span>
            <span className="text-emerald-300">
              {COLOR_SHAPE.green} {green} %
            </span>
          </span>
        ) : (
          <span className="text-2xl font-semibold text-slate-400">{emptyText}</span>
        )}
      </div>
      <div className="mt-1.5 flex h-5 overflow-hidden rounded-full bg-slate-700" aria-hidden="true">
        {known ? (
          <>
            <div className="h-full bg-blue-500" style={{ width: `${blue}%` }} />
            <div
              className={`h-full bg-emerald-400 ${green > 0 && blue > 0 ? "border-l-4 border-slate-950" : ""}`}
              style={{ width: `${green}%`, backgroundImage: GREEN_HATCH }}
            />
          </>
        ) : null}
      </div>
    </div>
  );
}
