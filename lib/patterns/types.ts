import type { AppState } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import type { PlanResult } from "@/lib/domain/plan";
import type { ProgressiveFields } from "@/lib/domain/progressive";

export type { PatternDescription, RiskReview } from "@/lib/domain/snapshot";

/** Inputs a planner needs besides state and intent; passed in so planners stay pure. */
export interface PlanContext {
  /** Multiplier on wait timeouts and poll intervals (the practice range's fast clock uses < 1). */
  waitScale: number;
  /**
   * Plan every step even when AWS already is the intent's end state. A rollback that preempts a
   * running (or interrupted) operation sets it: that operation's call may still land, so the
   * rollback re-asserts blue instead of answering "nothing to do".
   */
  reassert?: boolean;
  /**
   * The application's AWS region: every call and wait of the plan carries it, so the engine sends
   * each to that region (see `planningFor`). Absent: the gateway's default region.
   */
  region?: string;
  /**
   * The application's id when its config names a role to assume: every call and wait carries it, so
   * the engine signs them with that role's credentials. Absent: the server's own credentials.
   */
  assumeRoleOf?: string;
  /** The application's defaults for a progressive delivery (its `progressive:` block), under the intent's own fields. */
  progressive?: ProgressiveFields;
}

export type Planner = (state: AppState, intent: Intent, ctx: PlanContext) => PlanResult;
