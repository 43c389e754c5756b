import { COLOR_SHAPE } from "./color-shape";

interface SplitBarProps {
  label: string;
  /** Green share 0..100; null when unknown (e.g. no traffic observed). */
  greenPercent: number | null;
  /** Shown instead of numbers when greenPercent is null. */
  emptyText?: string;
  size?: "md" | "sm";
}

/** Green gets a faint diagonal hatch so the split reads without colour, too. */
const GREEN_HATCH = "repeating-linear-gradient(135deg, rgba(255,255,255,0.22) 0 2px, transparent 2px 6px)";

/** A horizontal blue/green split: blue on the left, green on the right, with the numbers beside it. */
export function SplitBar({ label, greenPercent, emptyText = "no traffic", size = "md" }: SplitBarProps) {
  const known = greenPercent !== null && Number.isFinite(greenPercent);
  const green = known ? Math.min(100, Math.max(0, Math.round(greenPercent))) : 0;
  const blue = 100 - green;
  const description = known ? `${label} split: blue ${blue} %, green ${green} %` : `${label} split: ${emptyText}`;
  const height = size === "md" ? "h-3.5" : "h-2.5";

  return (
    <div role="img" aria-label={description} className="grid grid-cols-[5.5rem_1fr_auto] items-center gap-3 text-sm">
      <span className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">{label}</span>
      <div className={`flex ${height} overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800`}>
        {known ? (
          <>
            <div className="h-full bg-blueenv transition-[width] duration-500" style={{ width: `${blue}%` }} />
            <div
              className={`h-full bg-greenenv transition-[width] duration-500 ${green > 0 && blue > 0 ? "border-l-2 border-white dark:border-slate-900" : ""}`}
              style={{ width: `${green}%`, backgroundImage: GREEN_HATCH }}
            />
          </>
        ) : null}
      </div>
      <span className="flex w-36 justify-end gap-3 text-xs font-medium tabular-nums text-slate-700 dark:text-slate-300" aria-hidden="true">
        {known ? (
          <>
            <span className="whitespace-nowrap">
              <span className="text-blueenv dark:text-blue-400">{COLOR_SHAPE.blue}</span> {blue} %
            </span>
            <span className="whitespace-nowrap">
              <span className="text-greenenv dark:text-emerald-400">{COLOR_SHAPE.green}</span> {green} %
            </span>
          </>
        ) : (
          <span className="text-slate-500 dark:text-slate-400">{emptyText}</span>
        )}
      </span>
    </div>
  );
}
