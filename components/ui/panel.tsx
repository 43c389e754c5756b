import type { ReactNode } from "react";

interface PanelProps {
  title: ReactNode;
  /** Short text after the title, e.g. a count or a status. */
  meta?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  /** Id of the heading, so landmarks can be labelled by it. */
  headingId?: string;
  bodyClassName?: string;
}

/** A titled section of the console. */
export function Panel({ title, meta, actions, children, className = "", headingId, bodyClassName = "p-4" }: PanelProps) {
  return (
    <section
      aria-labelledby={headingId}
      className={`rounded-lg border border-slate-200 bg-white shadow-xs dark:border-slate-800 dark:bg-slate-900 ${className}`}
    >
      <header className="flex min-h-11 items-center justify-between gap-3 border-b border-slate-200 px-4 py-2 dark:border-slate-800">
        <div className="flex min-w-0 items-baseline gap-2">
          <h2 id={headingId} className="shrink-0 text-sm font-semibold whitespace-nowrap text-slate-900 dark:text-slate-100">
            {title}
          </h2>
          {meta ? <span className="truncate text-xs text-slate-500 dark:text-slate-400">{meta}</span> : null}
        </div>
        {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
      </header>
      <div className={bodyClassName}>{children}</div>
    </section>
  );
}
