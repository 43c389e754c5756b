import Link from "next/link";
import type { ReactNode } from "react";
import type { AppSnapshot } from "@/lib/domain/types";
import { formatAgo, patternLabel } from "@/components/format/format";

interface AppTitleBarProps {
  app: AppSnapshot["app"];
  generatedAt: string;
  nowMs: number;
  refreshing: boolean;
  /** Connection trouble: the data shown is older than it looks. */
  stale: boolean;
  /** The rollback button lives here, top right, on every state of the page. */
  actions?: ReactNode;
}

/** Breadcrumb, name, pattern and freshness of the page's data. */
export function AppTitleBar({ app, generatedAt, nowMs, refreshing, stale, actions }: AppTitleBarProps) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <nav aria-label="Breadcrumb" className="text-xs text-slate-500 dark:text-slate-400">
          <Link href="/overview" className="hover:text-slate-900 hover:underline dark:hover:text-slate-100">
            Overview
          </Link>
          <span aria-hidden="true"> / </span>
          <span aria-current="page">{app.name}</span>
        </nav>
        <div className="mt-1 flex flex-wrap items-center gap-2.5">
          <h1 className="text-xl font-semibold tracking-tight text-slate-900 dark:text-slate-100">{app.name}</h1>
          <span className="rounded-md bg-teal-50 px-2 py-0.5 text-xs font-medium text-teal-800 ring-1 ring-teal-200 ring-inset dark:bg-teal-950 dark:text-teal-200 dark:ring-teal-800">
            {patternLabel(app.pattern)}
          </span>
          <span className="font-mono text-xs text-slate-500 dark:text-slate-400">{app.region}</span>
          <span
            className={`flex items-center gap-1.5 text-xs tabular-nums ${stale ? "font-medium text-amber-700 dark:text-amber-400" : "text-slate-500 dark:text-slate-400"}`}
          >
            <span
              aria-hidden="true"
              className={`size-1.5 rounded-full ${stale ? "bg-amber-500" : refreshing ? "bg-teal-500" : "bg-emerald-500"}`}
            />
            {stale ? "Connection problem — data from " : "Updated "}
            {formatAgo(generatedAt, nowMs)}
          </span>
        </div>
      </div>
      {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
    </div>
  );
}
