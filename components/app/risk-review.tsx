import type { PatternDescription, RiskReview as RiskReviewData } from "@/lib/domain/snapshot";
import type { GreenVerdict } from "@/lib/domain/green-verdict";
import { applicationIssuesRisk } from "@/components/verdict/verdict-look";
import { Badge } from "@/components/ui/badge";
import type { Tone } from "@/components/operation/operation-status";
import { splitRating } from "@/components/ecs/ecs-look";

const ROWS: { key: keyof RiskReviewData; label: string }[] = [
  { key: "applicationIssues", label: "Application issues" },
  { key: "performance", label: "Performance" },
  { key: "peopleProcess", label: "People and process" },
  { key: "infrastructureFailure", label: "Infrastructure failure" },
  { key: "rollback", label: "Rollback" },
  { key: "cost", label: "Cost" },
];

const RATING_LOOK: Record<"Good" | "Fair" | "Poor", { tone: Tone; icon: string }> = {
  Good: { tone: "success", icon: "✓" },
  Fair: { tone: "warning", icon: "~" },
  Poor: { tone: "danger", icon: "✕" },
};

/**
 * The pattern's risk review, folded away until asked for: what can go wrong and how rollback
 * behaves. "Application issues" says what green is doing now (the verdict) before what the pattern
 * offers in general.
 */
export function RiskReview({ pattern, verdict }: { pattern: PatternDescription; verdict?: GreenVerdict }) {
  return (
    <details className="group rounded-lg border border-slate-200 bg-white shadow-xs dark:border-slate-800 dark:bg-slate-900">
      <summary className="flex min-h-11 cursor-pointer list-none items-center justify-between gap-3 rounded-lg px-4 py-2 text-sm font-semibold text-slate-900 outline-none focus-visible:ring-2 focus-visible:ring-teal-600 dark:text-slate-100">
        <span>
          Risk review
          <span className="ml-2 text-xs font-normal text-slate-500 dark:text-slate-400">{pattern.name}</span>
        </span>
        <span aria-hidden="true" className="text-slate-500 transition-transform group-open:rotate-90">
          ▸
        </span>
      </summary>
      <dl className="space-y-2 border-t border-slate-200 px-4 py-3 text-xs dark:border-slate-800">
        {ROWS.map((row) => {
          const text = row.key === "applicationIssues" ? applicationIssuesRisk(pattern.risks.applicationIssues, verdict) : pattern.risks[row.key];
          const { rating, detail } = splitRating(text);
          return (
            <div key={row.key}>
              <dt className="flex items-center gap-2 font-medium text-slate-800 dark:text-slate-200">
                {row.label}
                {rating ? (
                  <Badge tone={RATING_LOOK[rating].tone}>
                    <span aria-hidden="true">{RATING_LOOK[rating].icon}</span>
                    {rating}
                  </Badge>
                ) : null}
              </dt>
              <dd className="mt-0.5 text-slate-600 dark:text-slate-400">{detail}</dd>
            </div>
          );
        })}
      </dl>
    </details>
  );
}
