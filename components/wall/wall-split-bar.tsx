import { COLOR_SHAPE } from "@/components/env/color-shape";

interface WallSplitBarProps {
  label: string;
  /** Green share 0..100, null when unknown. */
  greenPercent: number | null;
  emptyText: string;
}

/** Diagonal hatch on green, so the split reads without colour too. */
const GREEN_HATCH = "repeating-linear-gradient(135deg, rgba(0,0,0,0.28) 0 4px, transparent 4px 11px)";

/** The blue/green split in wall size: both shares with their shapes, and the bar. */
export function WallSplitBar({ label, greenPercent, emptyText }: WallSplitBarProps) {
  const known = greenPercent !== null && Number.isFinite(greenPercent);
  const green = known ? Math.min(100, Math.max(0, Math.round(greenPercent))) : 0;
  const blue = 100 - green;
  return (
    <div role="img" aria-label={known ? `${label} split: blue ${blue} %, green ${green} %` : `${label} split: ${emptyText}`}>
      <p className="flex flex-wrap items-baseline justify-between gap-x-4 text-[32px] leading-tight font-bold tabular-nums" aria-hidden="true">
        {known ? (
          <>
            <span>
              {COLOR_SHAPE.blue} {blue} %
            </span>
            <span>
              {COLOR_SHAPE.green} {green} %
            </span>
          </>
        ) : (
          <span className="font-semibold text-slate-700 dark:text-slate-300">Traffic {emptyText}</span>
        )}
      </p>
      <div className="mt-1 flex h-3 rounded-full bg-slate-300 dark:bg-slate-700" aria-hidden="true">
        {known ? (
          <>
            <div className={`h-full bg-blue-600 dark:bg-blue-500 ${green === 0 ? "rounded-full" : "rounded-l-full"}`} style={{ width: `${blue}%` }} />
            <div
              className={`h-full bg-emerald-500 dark:bg-emerald-400 ${blue === 0 ? "rounded-full" : "rounded-r-full"} ${green > 0 && blue > 0 ? "border-l-4 border-white dark:border-slate-900" : ""}`}
              style={{ width: `${green}%`, backgroundImage: GREEN_HATCH }}
            />
          </>
        ) : null}
      </div>
    </div>
  );
}
