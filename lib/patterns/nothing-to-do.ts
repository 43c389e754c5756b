import type { AppState } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import type { PatternId } from "@/lib/domain/basics";
import type { PlanEnds, PlanResult } from "@/lib/domain/plan";
import type { PlanContext } from "./types";

/** What a rollback says when every request already goes to blue and nothing is left to bring back. */
export const ALREADY_ON_BLUE = "Already on blue — nothing to do";

/**
 * The plan of a rollback whose end state AWS already is: no step, no AWS call, and the figures
 * that show it (`detail`), so the confirm dialog can say so instead of re-running real calls.
 * Returns null when the caller asked to re-assert anyway (a rollback preempting an operation).
 */
export function nothingToDoPlan(
  state: AppState,
  pattern: PatternId,
  intent: Intent,
  ctx: PlanContext,
  detail: string,
  opts: { headline?: string; ends?: PlanEnds } = {},
): PlanResult | null {
  if (ctx.reassert === true) return null;
  const headline = opts.headline ?? ALREADY_ON_BLUE;
  const ends = opts.ends ?? { greenPercent: state.configured.greenPercent };
  return {
    ok: true,
    plan: {
      appId: state.appId,
      pattern,
      intent,
      summary: `Roll back ${state.appId}: ${headline.charAt(0).toLowerCase()}${headline.slice(1)} (${detail})`,
      before: ends,
      after: ends,
      steps: [],
      nothingToDo: { headline, detail },
    },
  };
}
