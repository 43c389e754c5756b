import { describe, expect, it } from "vitest";
import type { AppState, InstanceView } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import type { Plan, Step } from "@/lib/domain/plan";
import { baseState, CLASSIC_LB, group, inst, planOf } from "@/test/support/asg-common";
import { planAsgSwap } from "./asg-swap";
import { planningFor } from "./catalog";

/** payments (asg-swap) all on blue, green scaled to zero: a shift attaches green, a standby has skip checks. */
function allBlue(): AppState {
  const blue = ["i-b1@a", "i-b2@b", "i-b3@a", "i-b4@b"];
  const instances: Record<"blue" | "green", InstanceView[]> = { blue: blue.map((s) => inst(s)), green: [] };
  const asg = {
    loadBalancer: CLASSIC_LB,
    groups: { blue: group("payments-blue", 4, "InService"), green: group("payments-green", 0, null) },
    greenIdleCapacity: 0,
  };
  return baseState("payments", "asg-swap", asg, instances, 0, 25);
}

const regionsOf = (plan: Plan) => plan.steps.flatMap((s) => [s.call?.region, s.wait?.region, s.skipIf?.region].filter((r) => r !== undefined));

describe("the region of the plan's context", () => {
  const intents: Intent[] = [
    { kind: "shift", greenPercent: 50 },
    { kind: "standby-enter", color: "blue", instanceIds: ["i-b2"] },
    { kind: "rollback" },
  ];
  const planning = planningFor("asg-swap");

  it("goes on every call, wait and skip check of the plan", () => {
    for (const intent of intents.slice(0, 2)) {
      const plan = planOf(planning?.plan(allBlue(), intent, { waitScale: 1, region: "eu-west-1" }) ?? { ok: false, reason: "no planner" });
      expect(plan.steps.length).toBeGreaterThan(0);
      expect(regionsOf(plan).length).toBe(plan.steps.reduce((n, s) => n + (s.call ? 1 : 0) + (s.wait ? 1 : 0) + (s.skipIf ? 1 : 0), 0));
      expect(new Set(regionsOf(plan))).toEqual(new Set(["eu-west-1"]));
    }
  });

  it("is all that changes: without one, the plan is the pattern planner's own", () => {
    const inRegion = (s: Step): Step => ({
      ...s,
      ...(s.call ? { call: { ...s.call, region: "eu-west-1" } } : {}),
      ...(s.wait ? { wait: { ...s.wait, region: "eu-west-1" } } : {}),
      ...(s.skipIf ? { skipIf: { ...s.skipIf, region: "eu-west-1" } } : {}),
    });
    for (const intent of intents) {
      const own = planAsgSwap(allBlue(), intent, { waitScale: 1 });
      expect(planning?.plan(allBlue(), intent, { waitScale: 1 })).toEqual(own);
      const regional = planning?.plan(allBlue(), intent, { waitScale: 1, region: "eu-west-1" });
      expect(regional).toEqual(own.ok ? { ok: true, plan: { ...own.plan, steps: own.plan.steps.map(inRegion) } } : own);
    }
  });
});
