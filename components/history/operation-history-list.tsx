import type { Operation } from "@/lib/domain/operation";
import { isDoneStep } from "@/lib/domain/operation-status";
import { Badge } from "@/components/ui/badge";
import { ROLE_LABEL } from "@/components/controls/permissions";
import { formatElapsed, patternLabel } from "@/components/format/format";
import { operationStatusLook } from "@/components/operation/operation-status";
import { formatUtc } from "./format-utc";
import { OperationSteps } from "./operation-steps";

interface OperationHistoryListProps {
  operations: readonly Operation[];
  appNames: Readonly<Record<string, string>>;
}

/** Operations newest first; each opens (native disclosure, no script) to its journaled steps. */
export function OperationHistoryList({ operations, appNames }: OperationHistoryListProps) {
  if (operations.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 px-4 py-8 text-center text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400">
        No operations match these filters.
      </p>
    );
  }
  return (
    <ul
      aria-label="Operations"
      className="divide-y divide-slate-200 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-xs dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900"
    >
      {operations.map((op) => {
        const look = operationStatusLook(op.status);
        const done = op.steps.filter((s) => isDoneStep(s.status)).length;
        return (
          <li key={op.id}>
            <details className="group">
              <summary className="grid cursor-pointer list-none grid-cols-[1.25rem_7.5rem_minmax(0,1.1fr)_minmax(0,1.6fr)_minmax(0,1fr)_11rem] items-start gap-x-4 px-4 py-2.5 hover:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-teal-600 dark:hover:bg-slate-800/50 [&::-webkit-details-marker]:hidden">
                <span aria-hidden="true" className="mt-0.5 text-slate-400 transition-transform group-open:rotate-90">
                  ▸
                </span>
                <span>
                  <Badge tone={look.tone}>
                    <span aria-hidden="true">{look.icon}</span>
                    {look.label}
                  </Badge>
                </span>
                <span className="min-w-0">
                  <span className="block truncate text-sm font-medium text-slate-900 dark:text-slate-100">{appNames[op.appId] ?? op.appId}</span>
                  <span className="block truncate text-xs text-slate-500 dark:text-slate-400">
                    {patternLabel(op.pattern)} · <span className="font-mono">{op.intent.kind}</span>
                  </span>
                </span>
                <span className="min-w-0">
                  <span className="block truncate text-sm text-slate-800 dark:text-slate-200">{op.summary}</span>
                  <span className="block truncate text-xs text-slate-500 dark:text-slate-400">
                    <span className="sr-only">Reason: </span>
                    {op.reason ? `“${op.reason}”` : <span className="text-slate-500 italic dark:text-slate-400">no reason given</span>}
                  </span>
                </span>
                <span className="min-w-0">
                  <span className="block truncate text-sm text-slate-700 dark:text-slate-300">{op.actor.email}</span>
                  <span className="block text-xs text-slate-500 dark:text-slate-400">{ROLE_LABEL[op.actor.role]}</span>
                </span>
                <span className="text-right text-xs text-slate-600 tabular-nums dark:text-slate-400">
                  <span className="block">{formatUtc(op.createdAt)}</span>
                  <span className="block text-slate-500">
                    {done}/{op.steps.length} steps
                    {op.startedAt && op.finishedAt ? ` · ${formatElapsed(op.startedAt, op.finishedAt, op.finishedAt)}` : ""}
                  </span>
                </span>
              </summary>
              <div className="space-y-2 border-t border-slate-100 bg-slate-50/60 px-4 py-3 pl-10 dark:border-slate-800 dark:bg-slate-950/40">
                <p className="text-xs text-slate-500 dark:text-slate-400">
                  Operation <span className="font-mono text-slate-700 dark:text-slate-300">{op.id}</span>
                  {op.before && op.after ? ` · green ${op.before.greenPercent} % → ${op.after.greenPercent} %` : ""}
                </p>
                {op.error ? (
                  <p className="rounded border border-rose-200 bg-rose-50 px-2 py-1.5 text-xs text-rose-800 dark:border-rose-900 dark:bg-rose-950/50 dark:text-rose-200">
                    {op.error}
                  </p>
                ) : null}
                <OperationSteps steps={op.steps} operationStatus={op.status} />
              </div>
            </details>
          </li>
        );
      })}
    </ul>
  );
}
