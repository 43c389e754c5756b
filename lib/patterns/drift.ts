/**
 * Drift: AWS's configuration no longer matches the end state of the application's last successful
 * operation (a late write, another tool, a person in the AWS console). Pure: the snapshot service
 * feeds it the observed state and the journaled operation.
 *
 * What "configured" means per pattern:
 * - dns-weighted, alb-weighted, ecs-dns-swap: green's share of the weights, compared at once;
 * - asg-swap, ecs-elb-swap: green's share of the instances (tasks) serving. An Auto Scaling group
 *   replacing an unhealthy instance, or ECS restarting a task, moves that count by one for a while
 *   with nobody changing anything, so the serving share is compared only once the groups (services)
 *   are settled; while they move, the share their desired counts ask for is compared instead, so a
 *   hand-made change of a desired count shows at the next read;
 * - launch-swap: green's share of the group's instances on the new launch, compared when settled
 *   (one group: its desired count says nothing about colours);
 * - ecs-rolling: the task definition revision of the PRIMARY deployment.
 */

import type { AppState, Drift, DriftFigures, InstanceView } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import type { Operation } from "@/lib/domain/operation";
import type { PatternId } from "@/lib/domain/basics";
import type { Plan, PlanEnds } from "@/lib/domain/plan";
import { isAttached, isInService, percentOf } from "./asg-common";
import { taskShare } from "./ecs-elb-swap";
import { isInFlightStatus } from "@/lib/domain/operation-status";

/**
 * Shares are rounded to 0.01 % on both sides (weights and counts alike); anything within half a
 * percent is the same configuration (a whole-percent shift of a 1-of-3 share is 33 for 33.33).
 */
export const DRIFT_TOLERANCE_PERCENT = 0.5;

/** "40", "33.33", "0": a share as the banner prints it. */
export function formatShare(percent: number): string {
  return String(Math.round(percent * 100) / 100);
}

function shareDrift(actual: number | null, expected: number): DriftFigures | null {
  if (actual === null || Math.abs(actual - expected) <= DRIFT_TOLERANCE_PERCENT) return null;
  return {
    kind: "share",
    actualGreenPercent: actual,
    expectedGreenPercent: expected,
    text: `green ${formatShare(actual)} %, expected ${formatShare(expected)} %`,
  };
}

/** No instance launching, terminating or entering/leaving Standby, no attachment changing, each group at its desired size. */
function asgSettled(state: AppState): boolean {
  const asg = state.asg;
  if (!asg) return false;
  const { blue, green } = state.environments;
  const all = [...blue.instances, ...green.instances, ...(asg.strays ?? [])];
  if (!all.every((i) => i.lifecycle === "InService" || i.lifecycle === "Standby")) return false;
  if ([asg.groups.blue, asg.groups.green].some((g) => g.attachment === "Adding" || g.attachment === "Removing")) return false;
  const inService = (list: InstanceView[]) => list.filter(isInService).length;
  // launch-swap: one group under both colours; asg-swap: one group per colour.
  if (asg.groups.blue.name === asg.groups.green.name) return inService(all) === asg.groups.blue.desired;
  return inService(blue.instances) === asg.groups.blue.desired && inService(green.instances) === asg.groups.green.desired;
}

/** asg-swap: the share the groups' desired counts ask for (attached groups only). */
function asgSwapDesiredShare(state: AppState): number | null {
  const asg = state.asg;
  if (!asg) return null;
  const size = (c: "blue" | "green") => (isAttached(asg.groups[c].attachment) ? asg.groups[c].desired : 0);
  return percentOf(size("green"), size("blue") + size("green"));
}

function ecsSettled(state: AppState): boolean {
  return (["blue", "green"] as const).every((c) => {
    const ecs = state.environments[c].ecs;
    return (
      ecs !== undefined && ecs.running === ecs.desired && ecs.pending === 0 && state.environments[c].instances.every((i) => i.health !== "draining")
    );
  });
}

function ecsDesiredShare(state: AppState): number | null {
  const blue = state.environments.blue.ecs;
  const green = state.environments.green.ecs;
  if (!blue || !green) return null;
  return taskShare(green.desired, blue.desired + green.desired);
}

/**
 * How the observed state differs from an operation's end state, or null when it matches (or when
 * the state says too little to tell: a launch-swap group still moving, no ECS service read).
 */
export function detectDrift(expected: PlanEnds, state: AppState): DriftFigures | null {
  switch (state.pattern) {
    case "dns-weighted":
    case "alb-weighted":
    case "ecs-dns-swap":
      return shareDrift(state.configured.greenPercent, expected.greenPercent);
    case "asg-swap":
      return shareDrift(asgSettled(state) ? state.configured.greenPercent : asgSwapDesiredShare(state), expected.greenPercent);
    case "launch-swap":
      return shareDrift(asgSettled(state) ? state.configured.greenPercent : null, expected.greenPercent);
    case "ecs-elb-swap":
      return shareDrift(ecsSettled(state) ? state.configured.greenPercent : ecsDesiredShare(state), expected.greenPercent);
    case "ecs-rolling": {
      const want = expected.taskDefinition;
      const runs = state.rollout?.primaryTaskDefinition;
      if (!want || !runs || runs === want) return null;
      return { kind: "revision", actualTaskDefinition: runs, expectedTaskDefinition: want, text: `runs ${runs}, expected ${want}` };
    }
  }
}

/**
 * Drift against the last successful operation `reference`, given the application's current (or
 * latest) operation and when the state was read. No verdict (null) while an operation is in flight
 * (its own panel tells), when the state was read before the reference finished (an older cached
 * read), or when the reference journaled no end state.
 */
export function driftAgainst(input: {
  reference: Operation | null | undefined;
  current: Operation | null | undefined;
  state: AppState;
  readAtMs: number;
}): Drift | null {
  const { reference, current, state, readAtMs } = input;
  if (current && isInFlightStatus(current.status)) return null;
  if (!reference || reference.status !== "succeeded" || !reference.after || reference.appId !== state.appId) return null;
  const finished = reference.finishedAt === null ? Number.NaN : Date.parse(reference.finishedAt);
  if (!Number.isFinite(finished) || readAtMs < finished) return null;
  const figures = detectDrift(reference.after, state);
  if (!figures) return null;
  return { ...figures, operation: { id: reference.id, summary: reference.summary, finishedAt: reference.finishedAt } };
}

/**
 * The intents that bring an application back to an operation's end state, best first: a rollback
 * again after a rollback, a promote after a promote (or at 100 %), else a shift to the end share;
 * ecs-rolling deploys the end revision (a rollback first when the operation was one: it also cuts
 * short a rollout in progress, which a deploy waits for).
 */
export function reassertIntents(pattern: PatternId, reference: Pick<Operation, "intent"> & { after: PlanEnds }): Intent[] {
  if (pattern === "ecs-rolling") {
    const td = reference.after.taskDefinition;
    if (!td) return [];
    const deploy: Intent = { kind: "deploy-revision", taskDefinition: td };
    return reference.intent.kind === "rollback" ? [{ kind: "rollback" }, deploy] : [deploy, { kind: "rollback" }];
  }
  if (reference.intent.kind === "rollback") return [{ kind: "rollback" }];
  if (reference.intent.kind === "promote" || reference.after.greenPercent >= 100) return [{ kind: "promote" }];
  const percent = Math.round(reference.after.greenPercent);
  return percent === 0 ? [{ kind: "shift", greenPercent: 0 }, { kind: "rollback" }] : [{ kind: "shift", greenPercent: percent }];
}

/** Whether a plan ends where the reference operation ended (the check before a re-assert runs). */
export function planReaches(plan: Pick<Plan, "pattern" | "after">, expected: PlanEnds): boolean {
  if (plan.pattern === "ecs-rolling") return expected.taskDefinition !== undefined && plan.after.taskDefinition === expected.taskDefinition;
  return Math.abs(plan.after.greenPercent - expected.greenPercent) <= DRIFT_TOLERANCE_PERCENT;
}
