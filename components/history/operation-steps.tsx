import type { OperationStep } from "@/lib/domain/operation";
import { waitProbe } from "@/lib/domain/wait-words";
import { formatElapsed } from "@/components/format/format";
import { stepLookIn } from "@/components/operation/operation-status";
import { StatusIcon } from "@/components/operation/status-icon";
import { formatUtc } from "./format-utc";

/**
 * One operation's steps as journaled: title, AWS call, status, timing and error. A step journaled
 * running shows as interrupted (or stopped) once its operation is no longer running.
 */
export function OperationSteps({ steps, operationStatus }: { steps: readonly OperationStep[]; operationStatus: string }) {
  if (steps.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">This plan had no steps.</p>;
  return (
    <table className="w-full table-fixed text-left text-xs">
      <caption className="sr-only">Steps</caption>
      <thead className="text-slate-500 dark:text-slate-400">
        <tr className="border-b border-slate-200 dark:border-slate-800">
          <th scope="col" className="w-8 py-1.5 font-medium">
            #
          </th>
          <th scope="col" className="w-[32%] py-1.5 font-medium">
            Step
          </th>
          <th scope="col" className="w-[24%] py-1.5 font-medium">
            AWS call
          </th>
          <th scope="col" className="w-28 py-1.5 font-medium">
            Status
          </th>
          <th scope="col" className="w-44 py-1.5 font-medium">
            Started
          </th>
          <th scope="col" className="w-20 py-1.5 font-medium">
            Took
          </th>
          <th scope="col" className="py-1.5 font-medium">
            Error
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800/70">
        {steps.map((step) => {
          const { look } = stepLookIn(operationStatus, step.status);
          return (
            <tr key={step.index} className="align-top">
              <td className="py-1.5 text-slate-500 tabular-nums dark:text-slate-400">{step.index + 1}</td>
              <td className="py-1.5 pr-3 text-slate-800 dark:text-slate-200">{step.title}</td>
              <td className="py-1.5 pr-3 font-mono text-[11px] break-words text-slate-600 dark:text-slate-400">
                {step.call ? `${step.call.service} · ${step.call.operation}` : step.wait ? `wait · ${waitProbe(step.wait)}` : "—"}
              </td>
              <td className="py-1.5">
                <span className="flex items-center gap-1.5 text-slate-700 dark:text-slate-300">
                  <StatusIcon look={look} />
                  <span aria-hidden="true">{look.label}</span>
                </span>
              </td>
              <td className="py-1.5 text-slate-600 tabular-nums dark:text-slate-400">{formatUtc(step.startedAt)}</td>
              <td className="py-1.5 text-slate-600 tabular-nums dark:text-slate-400">
                {step.startedAt && step.finishedAt ? formatElapsed(step.startedAt, step.finishedAt, step.finishedAt) : "—"}
              </td>
              <td className="py-1.5 break-words text-rose-700 dark:text-rose-300">{step.error ?? ""}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
