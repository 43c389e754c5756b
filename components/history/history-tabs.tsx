import Link from "next/link";

interface HistoryTabsProps {
  view: HistoryView;
  /** Links to each view with the current filters (built by the page). */
  hrefs: Record<HistoryView, string>;
  counts: Partial<Record<HistoryView, number>>;
}

export type HistoryView = "operations" | "audit" | "outcomes";

const LABELS = { operations: "Operations", audit: "Audit log", outcomes: "Outcomes" } as const;

/** Switches between the operations journal, the audit log and the outcomes, keeping the filters. */
export function HistoryTabs({ view, hrefs, counts }: HistoryTabsProps) {
  return (
    <nav aria-label="History views" className="inline-flex gap-1 rounded-lg bg-slate-100 p-1 dark:bg-slate-800/60">
      {(["operations", "audit", "outcomes"] as const).map((v) => (
        <Link
          key={v}
          href={hrefs[v]}
          aria-current={v === view ? "page" : undefined}
          className={`rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-teal-600 ${
            v === view
              ? "bg-white text-slate-900 shadow-xs dark:bg-slate-900 dark:text-slate-100"
              : "text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100"
          }`}
        >
          {LABELS[v]}
          {counts[v] !== undefined ? <span className="ml-1.5 text-xs text-slate-500 tabular-nums dark:text-slate-400">{counts[v]}</span> : null}
        </Link>
      ))}
    </nav>
  );
}
