import type { AppState, AsgGroupView, AsgView, InstanceView, LaunchSpecView } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { Intent } from "@/lib/domain/intent";
import type { PlanResult, Step } from "@/lib/domain/plan";
import {
  attachStep,
  chooseNamed,
  describeLaunch,
  enterStandbySteps,
  exitStandbySteps,
  inServiceWait,
  isAttached,
  isInService,
  isLive,
  isServingAttachment,
  isStandby,
  launchInput,
  launchKey,
  lbHealthyWait,
  lbInstancesHealthyWait,
  lbLabel,
  percentOf,
  pickForRemoval,
  pickForReturn,
  sameLaunch,
  setDesiredStep,
  snapShare,
  terminateSteps,
} from "./asg-common";
import { nothingToDoPlan } from "./nothing-to-do";
import type { PatternDescription, PlanContext } from "./types";

export const launchSwapDescription: PatternDescription = {
  id: "launch-swap",
  name: "Swap the launch configuration or launch template version in one Auto Scaling group",
  slider:
    "Share of the group's serving instances that run the new launch configuration or template version: new ones launch first, then old ones go to Standby (one instance per step)",
  granularityPercent: 25,
  intents: ["shift", "promote", "rollback", "standby-enter", "standby-exit"],
  risks: {
    applicationIssues: "Good: new instances take a share of real traffic one at a time; old ones wait in Standby.",
    performance: "Good: one load balancer; new instances launch before old ones leave, so capacity never dips.",
    peopleProcess:
      "Fair: the group launches from the new configuration from the first shift on; replacements launched meanwhile (health, rebalancing) are new ones.",
    infrastructureFailure:
      "Fair: the group grows by up to its own size during a step (MaxSize must allow it); an AZ imbalance can surprise scale-in, so Teal names each instance it removes.",
    rollback:
      "Good until promote: old instances leave Standby and new ones are terminated. After promote the old ones are gone and a roll back launches them again (slower).",
    cost: "Fair: old instances keep running in Standby until promote; the group briefly runs more instances during each step.",
  },
};

interface View {
  asg: AsgView;
  group: AsgGroupView;
  launches: Record<Color, LaunchSpecView>;
  total: number;
  attached: boolean;
  servingNow: boolean;
  old: Split;
  neu: Split;
}

interface Split {
  instances: InstanceView[];
  live: InstanceView[];
  inService: InstanceView[];
  standby: InstanceView[];
  healthyServing: number;
  serving: number;
}

function split(instances: InstanceView[], servingNow: boolean): Split {
  const inService = instances.filter(isInService);
  return {
    instances,
    live: instances.filter(isLive),
    inService,
    standby: instances.filter(isStandby),
    healthyServing: servingNow ? inService.filter((i) => i.health === "healthy").length : 0,
    serving: servingNow ? inService.length : 0,
  };
}

function view(state: AppState): View | string {
  const asg = state.asg;
  if (!asg || !asg.launches) return "No Auto Scaling group was read for this application.";
  const group = asg.groups.green;
  const servingNow = isServingAttachment(group.attachment);
  return {
    asg,
    group,
    launches: asg.launches,
    total: group.desired,
    attached: isAttached(group.attachment),
    servingNow,
    old: split(state.environments.blue.instances, servingNow),
    neu: split(state.environments.green.instances, servingNow),
  };
}

/** Share of serving instances (InService in the attached group) that run the new launch. */
export function launchSwapConfiguredPercent(state: Pick<AppState, "environments" | "asg">): number {
  const group = state.asg?.groups.green;
  if (!group || !isServingAttachment(group.attachment)) return 0;
  const g = state.environments.green.instances.filter(isInService).length;
  const b = state.environments.blue.instances.filter(isInService).length;
  return percentOf(g, g + b);
}

/** The peak desired capacity of a shift to k, and why it cannot be reached (or null). */
function blockedFor(v: View, k: number): string | null {
  const g = v.neu.live.length;
  const b = v.old.live.length;
  if (k > g) {
    const peak = v.group.desired + (k - g);
    if (peak > v.group.max) {
      return `new instances launch before old ones leave, so the group needs MaxSize ≥ ${peak}; ${v.group.name} has MaxSize ${v.group.max} (2× its size, ${2 * v.total}, allows every step)`;
    }
    return null;
  }
  const needOld = v.total - k - b;
  if (needOld > v.old.standby.length) {
    return `only ${v.old.standby.length} old instance(s) are in Standby and ${needOld} would have to come back; roll back to launch old ones again`;
  }
  if (needOld > 0 && v.group.desired + needOld > v.group.max) {
    return `bringing ${needOld} old instance(s) back needs MaxSize ≥ ${v.group.desired + needOld}; ${v.group.name} has MaxSize ${v.group.max}`;
  }
  return null;
}

export function launchSwapReachable(state: AppState): { total: number; reachable: number[]; blocked: (k: number) => string | null } {
  const v = view(state);
  if (typeof v === "string" || v.total === 0) return { total: 0, reachable: [], blocked: () => "the group has no instances" };
  const reachable: number[] = [];
  for (let k = 0; k <= v.total; k++) if (blockedFor(v, k) === null) reachable.push(k);
  return { total: v.total, reachable, blocked: (k) => blockedFor(v, k) };
}

function result(state: AppState, intent: Intent, summary: string, after: number, steps: Step[]): PlanResult {
  return {
    ok: true,
    plan: {
      appId: state.appId,
      pattern: "launch-swap",
      intent,
      summary,
      before: { greenPercent: state.configured.greenPercent },
      after: { greenPercent: after },
      steps,
    },
  };
}

function setLaunchStep(id: string, group: AsgGroupView, spec: LaunchSpecView, why: string): Step {
  return {
    id,
    title: `Make ${group.name} launch new instances from ${describeLaunch(spec)} (${why}); running instances keep theirs`,
    call: { service: "autoscaling", operation: "UpdateAutoScalingGroup", input: { AutoScalingGroupName: group.name, ...launchInput(spec) } },
  };
}

/**
 * New instances up to k: the group launches from the new configuration, green Standby instances come
 * back first, the rest launch (desired capacity grows), and the plan waits until they are healthy.
 */
function growNew(v: View, k: number, ctx: PlanContext, steps: Step[]): void {
  const g = v.neu.live.length;
  if (!sameLaunch(v.group.launch, v.launches.green)) steps.push(setLaunchStep("launch-new", v.group, v.launches.green, "the new version"));
  if (k <= g) return;
  const exits = pickForReturn(v.neu.standby, v.neu.live, Math.min(v.neu.standby.length, k - g));
  steps.push(...exitStandbySteps("new-exit-standby", v.group.name, exits, ctx, "new"));
  const desired = v.group.desired + exits.length;
  const launches = k - g - exits.length;
  if (launches > 0)
    steps.push(setDesiredStep("grow", { ...v.group, desired }, desired + launches, `launch ${launches} new instance${launches === 1 ? "" : "s"}`));
  const key = launchKey(v.launches.green);
  steps.push({
    id: "new-in-service",
    title: `Wait until ${k} instance${k === 1 ? "" : "s"} on ${describeLaunch(v.launches.green)} are InService`,
    wait: inServiceWait(v.group.name, k, ctx, key),
  });
  const min = v.old.healthyServing + k;
  steps.push({
    id: "new-healthy",
    title: `Wait until the ${lbLabel(v.asg.loadBalancer)} has ${min} healthy instances (${v.old.healthyServing} old + ${k} new)`,
    wait: lbHealthyWait(v.asg.loadBalancer, min, ctx, [v.group.name]),
  });
}

function planShift(state: AppState, intent: Intent, v: View, k: number, ctx: PlanContext): PlanResult {
  const steps: Step[] = [];
  const g = v.neu.live.length;
  const b = v.old.live.length;
  const after = percentOf(k, v.total);
  const current = state.configured.greenPercent;
  if (k >= g) {
    growNew(v, k, ctx, steps);
    const surplus = b - (v.total - k);
    if (intent.kind === "promote") {
      // Finally shrink: every old instance goes, the serving ones with a decrement (nothing replaces them).
      const oldAll = [...pickForRemoval(v.old.live, v.old.live.length), ...v.old.standby];
      steps.push(...terminateSteps("remove-old", v.group.name, oldAll, ctx, "old"));
    } else if (surplus > 0) {
      const chosen = pickForRemoval(v.old.live, surplus, isInService);
      if (chosen.length < surplus)
        return { ok: false, reason: `Old instances of ${v.group.name} are still launching; try again when they are InService.` };
      steps.push(
        ...enterStandbySteps(
          "old-standby",
          v.group.name,
          chosen.map((i) => i.id),
          true,
          ctx,
          "old",
        ),
      );
    }
  } else {
    // Back towards old: Standby old instances return first, then new ones are terminated.
    if (k === 0 && !sameLaunch(v.group.launch, v.launches.blue)) steps.push(setLaunchStep("launch-old", v.group, v.launches.blue, "the old version"));
    const needOld = v.total - k - b;
    const exits = needOld > 0 ? pickForReturn(v.old.standby, v.old.live, needOld) : [];
    steps.push(...exitStandbySteps("old-exit-standby", v.group.name, exits, ctx, "old"));
    if (exits.length > 0 || v.old.healthyServing < v.total - k) {
      const ids = [...v.old.live, ...exits].map((i) => i.id);
      steps.push({
        id: "old-healthy",
        title: `Wait until the old instances are healthy behind the ${lbLabel(v.asg.loadBalancer)}`,
        wait: lbInstancesHealthyWait(v.asg.loadBalancer, ids, ctx),
      });
    }
    const extra = pickForRemoval(v.neu.live, g - k);
    steps.push(...terminateSteps("remove-new", v.group.name, extra, ctx, "new"));
  }
  if (steps.length === 0) return { ok: false, reason: `New instances already serve ${after} % (${k} of ${v.total}).` };
  const verb = intent.kind === "promote" ? "Promote" : "Shift";
  return result(
    state,
    intent,
    `${verb} ${state.appId}: new instances from ${current} % to ${after} % (${k} of ${v.total})${intent.kind === "promote" ? ", old instances terminated" : ""}`,
    after,
    steps,
  );
}

/**
 * Roll back: never refused because it looks done; it re-asserts the old launch, brings old
 * instances back (out of Standby first, launching the rest), waits for them, and terminates every
 * new instance. When old and new instances must run side by side above MaxSize, the plan raises
 * MaxSize in a step of its own and restores it at the end.
 */
function planRollback(state: AppState, intent: Intent, v: View, ctx: PlanContext): PlanResult {
  const strayLive = (v.asg.strays ?? []).filter(isLive).length;
  if (
    v.attached &&
    v.servingNow &&
    sameLaunch(v.group.launch, v.launches.blue) &&
    v.neu.instances.length === 0 &&
    strayLive === 0 &&
    v.old.standby.length === 0 &&
    v.old.live.length === v.group.desired &&
    v.old.inService.length === v.group.desired &&
    v.old.healthyServing === v.group.desired
  ) {
    const done = nothingToDoPlan(
      state,
      "launch-swap",
      intent,
      ctx,
      `all ${v.group.desired} instances of ${v.group.name} run ${describeLaunch(v.launches.blue)} and are healthy behind the ${lbLabel(v.asg.loadBalancer)}; none runs ${describeLaunch(v.launches.green)}`,
    );
    if (done) return done;
  }
  const steps: Step[] = [];
  const lb = v.asg.loadBalancer;
  // The application's size is the old instances it keeps (serving or in Standby), not the desired
  // capacity: a shift that stopped between growing the group and shrinking it back (a crash, a
  // failure, an abort) leaves the desired capacity at the surge, and rolling back to that would
  // leave a bigger fleet than the one the shift started from. With no old instance left (after a
  // promote) the group's desired capacity is the size.
  const kept = v.old.live.length + v.old.standby.length;
  const total = kept > 0 ? Math.min(v.group.desired, kept) : v.total;
  steps.push(setLaunchStep("launch-old", v.group, v.launches.blue, "the old version"));
  // Capacity the stopped shift asked for that has no instance yet: drop it before anything else
  // launches (from the old version now) to fill it. New instances that exist are terminated below.
  const surge = v.group.desired - total - v.neu.live.length;
  const desiredNow = surge > 0 ? v.group.desired - surge : v.group.desired;
  if (surge > 0) steps.push(setDesiredStep("drop-surge", v.group, desiredNow, "the stopped shift's capacity that never launched"));
  if (!v.attached) steps.push(attachStep("attach", v.group, lb, ctx, "the"));
  const b = v.old.live.length;
  const need = Math.max(0, total - b);
  const exits = pickForReturn(v.old.standby, v.old.live, Math.min(need, v.old.standby.length));
  const launches = need - exits.length;
  const peak = desiredNow + need;
  const raise = peak > v.group.max;
  if (raise) {
    steps.push({
      id: "raise-max",
      title: `Raise MaxSize of ${v.group.name} from ${v.group.max} to ${peak} so old instances can run beside the new ones (restored at the end)`,
      call: { service: "autoscaling", operation: "UpdateAutoScalingGroup", input: { AutoScalingGroupName: v.group.name, MaxSize: peak } },
    });
  }
  steps.push(...exitStandbySteps("old-exit-standby", v.group.name, exits, ctx, "old"));
  if (launches > 0) {
    const desired = desiredNow + exits.length;
    steps.push(
      setDesiredStep("grow-old", { ...v.group, desired }, desired + launches, `launch ${launches} old instance${launches === 1 ? "" : "s"}`),
    );
  }
  const oldKey = launchKey(v.launches.blue);
  steps.push({
    id: "old-in-service",
    title: `Wait until ${total} instance${total === 1 ? "" : "s"} on ${describeLaunch(v.launches.blue)} are InService`,
    wait: inServiceWait(v.group.name, total, ctx, oldKey),
  });
  if (launches === 0) {
    steps.push({
      id: "old-healthy",
      title: `Wait until the old instances are healthy behind the ${lbLabel(lb)}`,
      wait: lbInstancesHealthyWait(
        lb,
        [...v.old.live, ...exits].map((i) => i.id),
        ctx,
      ),
    });
  }
  const newAll = [...pickForRemoval(v.neu.live, v.neu.live.length), ...v.neu.standby];
  steps.push(...terminateSteps("remove-new", v.group.name, newAll, ctx, "new"));
  if (launches > 0) {
    steps.push({
      id: "old-healthy",
      title: `Wait until the ${lbLabel(lb)} has ${total} healthy instances (old ones only now)`,
      wait: lbHealthyWait(lb, total, ctx, [v.group.name]),
    });
  }
  if (raise) {
    steps.push({
      id: "restore-max",
      title: `Restore MaxSize of ${v.group.name} to ${v.group.max}`,
      call: { service: "autoscaling", operation: "UpdateAutoScalingGroup", input: { AutoScalingGroupName: v.group.name, MaxSize: v.group.max } },
    });
  }
  return result(
    state,
    intent,
    `Roll back ${state.appId}: all ${total} instances on ${describeLaunch(v.launches.blue)} (new from ${state.configured.greenPercent} % to 0 %)`,
    0,
    steps,
  );
}

function planStandby(state: AppState, intent: Extract<Intent, { kind: "standby-enter" | "standby-exit" }>, v: View, ctx: PlanContext): PlanResult {
  const who = intent.color === "blue" ? "old" : "new";
  const part = intent.color === "blue" ? v.old : v.neu;
  const other = intent.color === "blue" ? v.neu : v.old;
  const group = v.group;
  if (intent.kind === "standby-enter") {
    const chosen = chooseNamed(part.instances, intent.instanceIds, isInService, who, "InService");
    if (!chosen.ok) return chosen;
    const n = chosen.chosen.length;
    if (n === 0) return { ok: false, reason: `No ${who} instance is InService.` };
    if (group.desired - n < group.min) {
      return {
        ok: false,
        reason: `${group.name} has MinSize ${group.min} and desired ${group.desired}: at most ${Math.max(0, group.desired - group.min)} instance(s) can enter Standby without a replacement.`,
      };
    }
    const leaving = v.servingNow ? n : 0;
    if (part.serving - leaving + other.serving === 0 && part.serving + other.serving > 0) {
      return { ok: false, reason: `That would leave the ${lbLabel(v.asg.loadBalancer)} with no instance in service.` };
    }
    const g = v.neu.serving - (intent.color === "green" ? leaving : 0);
    const b = v.old.serving - (intent.color === "blue" ? leaving : 0);
    const steps = enterStandbySteps(
      `${who}-standby`,
      group.name,
      chosen.chosen.map((i) => i.id),
      true,
      ctx,
      who,
    );
    return result(state, intent, `Put ${n} ${who} instance${n === 1 ? "" : "s"} of ${state.appId} into Standby`, percentOf(g, g + b), steps);
  }
  const chosen = chooseNamed(part.instances, intent.instanceIds, isStandby, who, "in Standby");
  if (!chosen.ok) return chosen;
  const n = chosen.chosen.length;
  if (n === 0) return { ok: false, reason: `No ${who} instance is in Standby.` };
  if (group.desired + n > group.max) {
    return {
      ok: false,
      reason: `${group.name} has MaxSize ${group.max} and desired ${group.desired}: only ${Math.max(0, group.max - group.desired)} instance(s) can leave Standby.`,
    };
  }
  const steps = exitStandbySteps(`${who}-exit-standby`, group.name, chosen.chosen, ctx, who);
  if (v.servingNow) {
    steps.push({
      id: `${who}-healthy`,
      title: `Wait until they are healthy behind the ${lbLabel(v.asg.loadBalancer)}`,
      wait: lbInstancesHealthyWait(
        v.asg.loadBalancer,
        chosen.chosen.map((i) => i.id),
        ctx,
      ),
    });
  }
  const back = v.servingNow ? n : 0;
  const g = v.neu.serving + (intent.color === "green" ? back : 0);
  const b = v.old.serving + (intent.color === "blue" ? back : 0);
  return result(state, intent, `Take ${n} ${who} instance${n === 1 ? "" : "s"} of ${state.appId} out of Standby`, percentOf(g, g + b), steps);
}

/** Pure planner for launch-swap: shift, promote, roll back, standby in/out. */
export function planLaunchSwap(state: AppState, intent: Intent, ctx: PlanContext): PlanResult {
  const v = view(state);
  if (typeof v === "string") return { ok: false, reason: v };
  if (intent.kind === "standby-enter" || intent.kind === "standby-exit") return planStandby(state, intent, v, ctx);
  if (intent.kind !== "shift" && intent.kind !== "promote" && intent.kind !== "rollback") {
    return { ok: false, reason: `The ${intent.kind} intent does not apply to a launch configuration swap: there is one group.` };
  }
  if (v.total === 0) {
    return {
      ok: false,
      reason: `The group ${v.group.name} has a desired capacity of 0: there are no instances to ${intent.kind === "rollback" ? "roll back" : "shift"}.`,
    };
  }
  if (intent.kind === "rollback") return planRollback(state, intent, v, ctx);
  const requested = intent.kind === "promote" ? 100 : intent.greenPercent;
  if (!Number.isInteger(requested) || requested < 0 || requested > 100) {
    return { ok: false, reason: "The green share must be a whole number of percent from 0 to 100." };
  }
  if (!v.attached) {
    return { ok: false, reason: `The group ${v.group.name} is not attached to the ${lbLabel(v.asg.loadBalancer)}; roll back to re-attach it.` };
  }
  const strays = (v.asg.strays ?? []).filter(isLive);
  if (strays.length > 0) {
    return {
      ok: false,
      reason: `${strays.length} instance(s) of ${v.group.name} (${strays.map((i) => i.id).join(", ")}) run neither the old nor the new launch; roll back or terminate them first.`,
    };
  }
  const { reachable, blocked } = launchSwapReachable(state);
  const snapped = snapShare(requested, v.total, reachable, blocked);
  if (!snapped.ok) return snapped;
  const k = snapped.k;
  const g = v.neu.live.length;
  const atTarget =
    g === k &&
    v.neu.inService.length === k &&
    v.old.live.length === v.total - k &&
    sameLaunch(v.group.launch, k === 0 ? v.launches.blue : v.launches.green) &&
    (intent.kind !== "promote" || v.old.instances.length === 0);
  if (atTarget) return { ok: false, reason: `New instances already serve ${percentOf(k, v.total)} % (${k} of ${v.total}).` };
  return planShift(state, intent, v, k, ctx);
}
