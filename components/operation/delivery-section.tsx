import { formatDurationSeconds } from "@/components/format/format";
import type { DeliveryStepView, DeliveryView } from "./delivery-view";
import { metricFigures } from "./delivery-view";

const PHASE_TEXT: Record<DeliveryStepView["phase"], string> = {
  pending: "Not started",
  "awaiting-approval": "Waiting for an operator's approval",
  shifting: "Shifting traffic",
  verifying: "Verifying the measured traffic",
  baking: "Baking, judged a minute at a time",
  done: "Done",
  failed: "Failed",
  skipped: "Not run",
};

const PHASE_TONE: Record<DeliveryStepView["phase"], string> = {
  pending: "text-slate-600 dark:text-slate-400",
  "awaiting-approval": "text-amber-800 dark:text-amber-300",
  shifting: "text-sky-800 dark:text-sky-300",
  verifying: "text-sky-800 dark:text-sky-300",
  baking: "text-sky-800 dark:text-sky-300",
  done: "text-emerald-800 dark:text-emerald-300",
  failed: "text-red-800 dark:text-red-300",
  skipped: "text-slate-600 dark:text-slate-400",
};

const VERDICT_TEXT = { pass: "Pass", fail: "Fail", "not-enough-evidence": "Not enough evidence yet" } as const;
const VERDICT_TONE = {
  pass: "text-emerald-800 dark:text-emerald-300",
  fail: "font-semibold text-red-800 dark:text-red-300",
  "not-enough-evidence": "text-slate-700 dark:text-slate-300",
} as const;

const ENDED_BY = { pass: "the judge passed green", baked: "baked in full", continued: "continued by an operator", approved: "approved" } as const;

function StepLine({ step }: { step: DeliveryStepView }) {
  const details: string[] = [];
  if (step.measuredShare) {
    const s = step.measuredShare;
    details.push(`measured green ${s.greenPercent.toFixed(1)} % (${s.greenRequests} of ${s.blueRequests + s.greenRequests} requests in a minute)`);
  }
  // The bake's clock once the step bakes (or has baked): not while it still shifts or verifies.
  const baking = step.phase === "baking" || step.phase === "done" || (step.phase === "failed" && (step.bake?.bakedMs ?? 0) > 0);
  if (step.bake && baking)
    details.push(`baked ${formatDurationSeconds(step.bake.bakedMs / 1000)} of ${formatDurationSeconds(step.bake.bakeMs / 1000)}`);
  if (step.endedBy) details.push(ENDED_BY[step.endedBy]);
  return (
    <li className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 py-1.5" aria-label={`Step ${step.number}: ${step.greenPercent ?? "?"} % green`}>
      <span className="w-24 shrink-0 font-semibold whitespace-nowrap text-slate-900 tabular-nums dark:text-slate-100">
        {step.greenPercent === null ? "—" : `${step.greenPercent} %`}
        {step.manualGate ? <span className="ml-1 text-xs font-normal text-slate-600 dark:text-slate-400">(gate)</span> : null}
      </span>
      <span className={`text-sm ${PHASE_TONE[step.phase]}`}>
        {PHASE_TEXT[step.phase]}
        {step.held ? " — held by an operator" : ""}
      </span>
      {details.length > 0 ? <span className="text-xs text-slate-600 tabular-nums dark:text-slate-400">{details.join(" · ")}</span> : null}
      {step.error ? <span className="basis-full text-xs text-red-800 dark:text-red-300">{step.error}</span> : null}
    </li>
  );
}

/** A progressive delivery's steps and the release judge's evidence, inside the operation panel. */
export function DeliverySection({ view }: { view: DeliveryView }) {
  const evidence = view.evidence;
  return (
    <section aria-label="Progressive delivery" className="mt-3 rounded-md border border-slate-200 p-3 dark:border-slate-700">
      <h3 className="text-sm font-semibold text-slate-900 dark:text-slate-100">Progressive delivery{view.held ? " (held)" : ""}</h3>
      <ol className="mt-1 divide-y divide-slate-100 dark:divide-slate-800">
        {view.steps.map((s) => (
          <StepLine key={s.number} step={s} />
        ))}
      </ol>
      {evidence ? (
        <div className="mt-3">
          <p className="text-sm text-slate-800 dark:text-slate-200">
            Release judge: <span className={VERDICT_TONE[evidence.verdict]}>{VERDICT_TEXT[evidence.verdict]}</span>
            <span className="text-xs text-slate-600 dark:text-slate-400">
              {" "}
              after {evidence.periods} minute{evidence.periods === 1 ? "" : "s"} judged, α {evidence.alpha} ({evidence.alphaPerMetric.toPrecision(2)}{" "}
              per metric)
            </span>
          </p>
          <div className="mt-2 overflow-x-auto">
            <table className="w-full min-w-[560px] text-left text-xs">
              <caption className="sr-only">Release judge evidence, green against blue</caption>
              <thead className="text-slate-600 dark:text-slate-400">
                <tr>
                  <th scope="col" className="py-1 pr-2 font-medium">
                    Metric
                  </th>
                  <th scope="col" className="px-2 py-1 font-medium">
                    Blue
                  </th>
                  <th scope="col" className="px-2 py-1 font-medium">
                    Green
                  </th>
                  <th scope="col" className="px-2 py-1 font-medium">
                    Green against blue
                  </th>
                  <th scope="col" className="px-2 py-1 font-medium">
                    Anytime-valid p
                  </th>
                  <th scope="col" className="py-1 pl-2 font-medium">
                    Verdict
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 text-slate-800 tabular-nums dark:divide-slate-800 dark:text-slate-200">
                {evidence.metrics.map((m) => {
                  const f = metricFigures(m);
                  return (
                    <tr key={m.name}>
                      <th scope="row" className="py-1 pr-2 font-medium">
                        {f.label}
                      </th>
                      <td className="px-2 py-1">{f.blue}</td>
                      <td className="px-2 py-1">{f.green}</td>
                      <td className="px-2 py-1">{f.comparison}</td>
                      <td className="px-2 py-1">{f.p}</td>
                      <td className={`py-1 pl-2 ${VERDICT_TONE[m.verdict]}`}>{VERDICT_TEXT[m.verdict]}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </section>
  );
}
