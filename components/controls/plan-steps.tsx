import type { Step } from "@/lib/domain/plan";
import { AwsCallBlock } from "./aws-call-block";
import { describeWait } from "@/lib/domain/wait-words";
import { ClockIcon } from "@/components/ui/clock-icon";

/** The ordered steps of a plan as they will run: each call exactly as sent, each wait condition. */
export function PlanSteps({ steps }: { steps: readonly Step[] }) {
  if (steps.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">Nothing to do: the plan has no steps.</p>;
  return (
    <ol className="space-y-3" aria-label="Plan steps">
      {steps.map((step, index) => (
        <li key={step.id} className="flex gap-3">
          <span className="mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold tabular-nums text-slate-700 ring-1 ring-slate-300 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-600">
            {index + 1}
          </span>
          <div className="min-w-0 flex-1">
            <p className="text-sm font-medium text-slate-900 dark:text-slate-100">{step.title}</p>
            {step.call ? <AwsCallBlock call={step.call} /> : null}
            {step.wait ? (
              <p className="mt-1.5 flex items-center gap-1.5 text-xs text-slate-600 dark:text-slate-400">
                <ClockIcon />
                {describeWait(step.wait)}
              </p>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  );
}
