import { windowLabel, type GreenVerdict } from "@/lib/domain/green-verdict";
import type { Tone } from "@/components/operation/operation-status";
import { VERDICT_LOOK } from "@/components/verdict/verdict-look";

const TONE_TEXT: Record<Tone, string> = {
  neutral: "text-slate-300",
  info: "text-sky-300",
  success: "text-teal-200",
  warning: "text-amber-300",
  danger: "text-rose-300",
};

const TONE_BOX: Record<Tone, string> = {
  neutral: "border-slate-700",
  info: "border-sky-700",
  success: "border-slate-700",
  warning: "border-amber-500 bg-amber-950/40",
  danger: "border-rose-500 bg-rose-950/50",
};

/** Green against blue in wall size: the status word big, both figures and the window beside it. */
export function WallVerdictLine({ verdict }: { verdict: GreenVerdict }) {
  const look = VERDICT_LOOK[verdict.status];
  const window = windowLabel(verdict);
  return (
    <div data-verdict={verdict.status} className={`rounded-lg border-2 px-3 py-1.5 ${TONE_BOX[look.tone]}`}>
      <p className="flex items-baseline justify-between gap-3">
        <span className={`text-2xl font-bold ${TONE_TEXT[look.tone]}`}>
          <span aria-hidden="true">{look.icon}</span> {verdict.label}
        </span>
        {window ? <span className="shrink-0 text-lg text-slate-400">{window}</span> : null}
      </p>
      {verdict.figures ? <p className="text-xl tabular-nums text-slate-200">{verdict.figures}</p> : null}
    </div>
  );
}
