import Link from "next/link";
import type { ReactNode } from "react";
import type { AppSnapshot } from "@/lib/domain/snapshot";
import type { GreenVerdict } from "@/lib/domain/green-verdict";
import { GreenVerdictLine } from "@/components/verdict/green-verdict-line";
import { patternLabel } from "@/components/format/format";
import { STALE_DIM } from "@/components/freshness/freshness-frame";
import { UpdatedAgo } from "./updated-ago";

interface AppTitleBarProps {
  app: AppSnapshot["app"];
  /** When the AWS read shown was made; null before the first snapshot (the bar is drawn from the configuration). */
  generatedAt: string | null;
  refreshing: boolean;
  /** Connection trouble: the data shown is older than it looks. */
  stale: boolean;
  /** The rollback button lives here, top right, on every state of the page. */
  actions?: ReactNode;
  /** Green against blue over the last minutes, under the title. */
  verdict?: GreenVerdict;
}

/** Breadcrumb, name, pattern and freshness of the page's data; name, pattern and actions need no AWS read. */
export function AppTitleBar({ app, generatedAt, refreshing, stale, actions, verdict }: AppTitleBarProps) {
  return (
    // Top-aligned: the verdict line arriving under the title with the first snapshot must not move Roll back.
    <div className="flex flex-wrap items-start justify-between gap-4">
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
          {generatedAt ? <UpdatedAgo iso={generatedAt} stale={stale} refreshing={refreshing} /> : null}
        </div>
        {verdict ? (
          <div className={`mt-1.5 ${STALE_DIM}`}>
            <GreenVerdictLine verdict={verdict} />
          </div>
        ) : null}
      </div>
      {actions ? <div className="flex items-center gap-2 pt-3">{actions}</div> : null}
    </div>
  );
}
