/** A grey placeholder block while data loads. */
export function Skeleton({ className = "" }: { className?: string }) {
  return <div aria-hidden="true" className={`motion-safe:animate-pulse rounded bg-slate-200 dark:bg-slate-800 ${className}`} />;
}
