import type { Plan } from "@/lib/domain/plan";
import type { PatternDescription } from "@/lib/domain/snapshot";
import type { PatternId } from "@/lib/domain/basics";
import type { Planner } from "./types";
import { withProgressive } from "./progressive";
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

/**
 * The region of the plan's context (and the application whose role signs, if any) on every call and
 * wait of the plan (each planner writes region-free steps).
 */
export function inRegion(plan: Plan, region: string, assumeRoleOf?: string): Plan {
  const where = { region, ...(assumeRoleOf !== undefined ? { assumeRoleOf } : {}) };
  return {
    ...plan,
    steps: plan.steps.map((s) => ({
      ...s,
      ...(s.call ? { call: { ...s.call, ...where } } : {}),
      ...(s.wait ? { wait: { ...s.wait, ...where } } : {}),
      ...(s.skipIf ? { skipIf: { ...s.skipIf, ...where } } : {}),
    })),
  };
}

/** A pattern's planner whose plans carry the region (and role) of their context. */
function regional(plan: Planner): Planner {
  return (state, intent, ctx) => {
    const result = plan(state, intent, ctx);
    return result.ok && ctx.region !== undefined ? { ok: true, plan: inRegion(result.plan, ctx.region, ctx.assumeRoleOf) } : result;
  };
}

const PLANNING: Partial<Record<PatternId, PatternPlanning>> = {
  "dns-weighted": { description: dnsWeightedDescription, plan: regional(withProgressive("dns-weighted", planDnsWeighted)) },
  "alb-weighted": { description: albWeightedDescription, plan: regional(withProgressive("alb-weighted", planAlbWeighted)) },
  "ecs-elb-swap": { description: ecsElbSwapDescription, plan: regional(withProgressive("ecs-elb-swap", planEcsElbSwap)) },
  "ecs-dns-swap": { description: ecsDnsSwapDescription, plan: regional(withProgressive("ecs-dns-swap", planEcsDnsSwap)) },
  "ecs-rolling": { description: ecsRollingDescription, plan: regional(withProgressive("ecs-rolling", planEcsRolling)) },
  "asg-swap": { description: asgSwapDescription, plan: regional(withProgressive("asg-swap", planAsgSwap)) },
  "launch-swap": { description: launchSwapDescription, plan: regional(withProgressive("launch-swap", planLaunchSwap)) },
};

export function planningFor(pattern: PatternId): PatternPlanning | undefined {
  return PLANNING[pattern];
}
