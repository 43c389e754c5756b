/** ecs-rolling on a card: no traffic split, only how far the rollout got (running tasks on the primary revision). */
export function RolloutLine({ percent, primary }: { percent: number | null; primary?: string }) {
  const known = percent !== null && Number.isFinite(percent);
  const value = known ? Math.max(0, Math.min(100, Math.round(percent))) : 0;
  return (
    <div className="grid grid-cols-[5.5rem_1fr_auto] items-center gap-3 text-sm">
      <span className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">Rollout</span>
      <div
        role="progressbar"
        aria-label="Rollout: running tasks on the primary revision"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={known ? value : undefined}
        aria-valuetext={known ? `${value} % of running tasks on ${primary ?? "the primary revision"}` : "unknown"}
        className="h-2.5 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        <div className="h-full rounded-full bg-greenenv dark:bg-emerald-500" style={{ width: `${value}%` }} />
      </div>
      <span className="w-36 truncate text-right text-xs font-medium text-slate-700 tabular-nums dark:text-slate-300" title={primary}>
        {known ? `${value} % on ${primary ?? "primary"}` : "unknown"}
      </span>
    </div>
  );
}
