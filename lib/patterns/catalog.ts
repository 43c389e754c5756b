import type { PatternDescription, PatternId } from "@/lib/domain/types";
import type { Planner } from "./types";
import { albWeightedDescription, planAlbWeighted } from "./alb-weighted";
import { asgSwapDescription, planAsgSwap } from "./asg-swap";
import { dnsWeightedDescription, planDnsWeighted } from "./dns-weighted";
import { ecsDnsSwapDescription, planEcsDnsSwap } from "./ecs-dns-swap";
import { ecsElbSwapDescription, planEcsElbSwap } from "./ecs-elb-swap";
import { ecsRollingDescription, planEcsRolling } from "./ecs-rolling";
import { launchSwapDescription, planLaunchSwap } from "./launch-swap";

/** The pure half of each pattern: what it is and its planner. Safe to import anywhere. */
export interface PatternPlanning {
  description: PatternDescription;
  plan: Planner;
}

const PLANNING: Partial<Record<PatternId, PatternPlanning>> = {
  "dns-weighted": { description: dnsWeightedDescription, plan: planDnsWeighted },
  "alb-weighted": { description: albWeightedDescription, plan: planAlbWeighted },
  "ecs-elb-swap": { description: ecsElbSwapDescription, plan: planEcsElbSwap },
  "ecs-dns-swap": { description: ecsDnsSwapDescription, plan: planEcsDnsSwap },
  "ecs-rolling": { description: ecsRollingDescription, plan: planEcsRolling },
  "asg-swap": { description: asgSwapDescription, plan: planAsgSwap },
  "launch-swap": { description: launchSwapDescription, plan: planLaunchSwap },
};

export function planningFor(pattern: PatternId): PatternPlanning | undefined {
  return PLANNING[pattern];
}
