import type { AwsCall } from "@/lib/domain/plan";

/** The exact AWS API call a step makes: service · operation, then the JSON input. */
export function AwsCallBlock({ call }: { call: AwsCall }) {
  return (
    <div className="mt-2 overflow-hidden rounded-md border border-slate-200 dark:border-slate-700">
      <div className="flex items-center gap-1.5 border-b border-slate-200 bg-slate-50 px-3 py-1.5 font-mono text-xs dark:border-slate-700 dark:bg-slate-800/60">
        <span className="text-slate-500 dark:text-slate-400">{call.service}</span>
        <span aria-hidden="true" className="text-slate-400">
          ·
        </span>
        <span className="font-semibold text-slate-900 dark:text-slate-100">{call.operation}</span>
      </div>
      {/* Long values wrap instead of running off the right edge (which target group gets which
          weight must be readable); a long body scrolls, so it can take keyboard focus. */}
      <pre
        tabIndex={0}
        role="region"
        aria-label={`${call.operation} request`}
        className="max-h-72 overflow-y-auto bg-white px-3 py-2 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-slate-800 focus-visible:outline-2 focus-visible:outline-teal-600 dark:bg-slate-950 dark:text-slate-200"
      >
        {JSON.stringify(call.input, null, 2)}
      </pre>
    </div>
  );
}
