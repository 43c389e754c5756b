import type { PatternDescription, PatternId } from "@/lib/domain/types";
import type { Planner } from "./types";
import { dnsWeightedDescription, planDnsWeighted } from "./dns-weighted";
import { ecsDnsSwapDescription, planEcsDnsSwap } from "./ecs-dns-swap";
import { ecsRollingDescription, planEcsRolling } from "./ecs-rolling";

/** The pure half of each pattern: what it is and its planner. Safe to import anywhere. */
export interface PatternPlanning {
  description: PatternDescription;
  plan: Planner;
}

const PLANNING: Partial<Record<PatternId, PatternPlanning>> = {
  "dns-weighted": { description: dnsWeightedDescription, plan: planDnsWeighted },
  "ecs-dns-swap": { description: ecsDnsSwapDescription, plan: planEcsDnsSwap },
  "ecs-rolling": { description: ecsRollingDescription, plan: planEcsRolling },
};

export function planningFor(pattern: PatternId): PatternPlanning | undefined {
  return PLANNING[pattern];
}
