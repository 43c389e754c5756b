import type { AppState, Intent, IntentKind, PatternId, PlanResult } from "@/lib/domain/types";

export interface RiskReview {
  applicationIssues: string;
  performance: string;
  peopleProcess: string;
  infrastructureFailure: string;
  rollback: string;
  cost: string;
}

export interface PatternDescription {
  id: PatternId;
  name: string;
  /** What the traffic slider moves, in the user's words. */
  slider: string;
  /** The slider snaps to multiples of this many percent. */
  granularityPercent: number;
  intents: IntentKind[];
  risks: RiskReview;
}

/** Inputs a planner needs besides state and intent; passed in so planners stay pure. */
export interface PlanContext {
  /** Multiplier on wait timeouts and poll intervals (the practice range's fast clock uses < 1). */
  waitScale: number;
}

export type Planner = (state: AppState, intent: Intent, ctx: PlanContext) => PlanResult;
