import type { AppState, AsgGroupView, AsgView, InstanceView } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { Intent } from "@/lib/domain/intent";
import type { PlanResult, Step } from "@/lib/domain/plan";
import {
  attachStep,
  chooseNamed,
  detachStep,
  enterStandbySteps,
  exitStandbySteps,
  inServiceWait,
  isAttached,
  isInService,
  isLive,
  isServingAttachment,
  isStandby,
  lbHealthyWait,
  lbInstancesHealthyWait,
  lbLabel,
  percentOf,
  pickForRemoval,
  pickForReturn,
  setDesiredStep,
  snapShare,
  terminateSteps,
} from "./asg-common";
import { nothingToDoPlan } from "./nothing-to-do";
import type { PatternDescription, PlanContext } from "./types";

export const asgSwapDescription: PatternDescription = {
  id: "asg-swap",
  name: "Swap Auto Scaling groups behind one load balancer",
  slider:
    "Green's share of the instances in service behind the load balancer: green instances attached, blue instances put into Standby (one instance per step)",
  granularityPercent: 25,
  intents: ["shift", "promote", "rollback", "standby-enter", "standby-exit", "scale-green"],
  risks: {
    applicationIssues: "Good: green takes a share of real traffic, one instance at a time, before blue leaves.",
    performance: "Good: one load balancer, already warm; the number of serving instances stays the same at every step (blue's size).",
    peopleProcess: "Fair: several calls per step (scale, attach, standby); Teal shows each one and waits between them.",
    infrastructureFailure: "Good: blue's instances stay in the group (in Standby, or detached at 100 %), so they can come back without a launch.",
    rollback:
      "Good: blue's instances leave Standby and the group is re-attached; traffic returns once they pass the health check (HealthyThreshold × Interval).",
    cost: "Fair: blue's instances keep running in Standby while green serves; green is scaled to its idle size after a roll back.",
  },
};

interface Side {
  color: Color;
  group: AsgGroupView;
  instances: InstanceView[];
  attached: boolean;
  inService: InstanceView[];
  live: InstanceView[];
  standby: InstanceView[];
  /** InService, attached and passing the load balancer's health check now. */
  healthyServing: number;
  serving: number;
}

function side(state: AppState, asg: AsgView, color: Color): Side {
  const group = asg.groups[color];
  const instances = state.environments[color].instances;
  const attached = isAttached(group.attachment);
  const inService = instances.filter(isInService);
  const servingNow = isServingAttachment(group.attachment);
  return {
    color,
    group,
    instances,
    attached,
    inService,
    live: instances.filter(isLive),
    standby: instances.filter(isStandby),
    healthyServing: servingNow ? inService.filter((i) => i.health === "healthy").length : 0,
    serving: servingNow ? inService.length : 0,
  };
}

/** Blue's full size: the instances serving when all traffic is on blue (desired + Standby). */
export function asgSwapTotal(state: AppState): number {
  const asg = state.asg;
  if (!asg) return 0;
  return asg.groups.blue.desired + state.environments.blue.instances.filter(isStandby).length;
}

/** Green's share of the instances serving behind the load balancer (InService in an attached group). */
export function asgSwapConfiguredPercent(state: Pick<AppState, "environments" | "asg">): number {
  const asg = state.asg;
  if (!asg) return 0;
  const serving = (c: Color) => (isServingAttachment(asg.groups[c].attachment) ? state.environments[c].instances.filter(isInService).length : 0);
  return percentOf(serving("green"), serving("blue") + serving("green"));
}

/** Shares reachable within the groups' bounds: green k of T instances, blue T − k (or detached at k = T). */
export function asgSwapReachable(state: AppState): { total: number; reachable: number[]; blocked: (k: number) => string | null } {
  const asg = state.asg;
  const total = asgSwapTotal(state);
  if (!asg || total === 0) return { total, reachable: [], blocked: () => "blue has no instances" };
  const blue = asg.groups.blue;
  const green = asg.groups.green;
  const blocked = (k: number): string | null => {
    if (k === 0) return null;
    if (k > green.max) return `green's group ${green.name} has MaxSize ${green.max}`;
    if (k < green.min) return `green's group ${green.name} has MinSize ${green.min}, so it serves at least ${green.min} instances once attached`;
    if (k < total && total - k < blue.min) {
      return `blue's group ${blue.name} has MinSize ${blue.min}, so at most ${total - blue.min} of its instances can go to Standby`;
    }
    if (k < total && total - k > blue.max) return `blue's group ${blue.name} has MaxSize ${blue.max}`;
    return null;
  };
  const reachable: number[] = [];
  for (let k = 0; k <= total; k++) if (blocked(k) === null) reachable.push(k);
  return { total, reachable, blocked };
}

function result(state: AppState, intent: Intent, summary: string, afterPercent: number, steps: Step[]): PlanResult {
  return {
    ok: true,
    plan: {
      appId: state.appId,
      pattern: "asg-swap",
      intent,
      summary,
      before: { greenPercent: state.configured.greenPercent },
      after: { greenPercent: afterPercent },
      steps,
    },
  };
}

/** Whether the groups already are as a shift to k of total leaves them. */
function atTarget(blue: Side, green: Side, k: number, total: number, idle: number): boolean {
  const greenOk =
    k === 0
      ? !green.attached && green.group.desired === Math.max(idle, green.group.min)
      : green.attached && green.group.desired === k && green.inService.length === k;
  const blueOk = k === total ? !blue.attached : blue.attached && blue.group.desired === total - k && blue.inService.length === total - k;
  return greenOk && blueOk;
}

/**
 * The steps that take the groups to green k of `total` serving instances, from whatever state they
 * are in (a shift, a promote, a roll back, or the remains of a failed operation). Capacity is added
 * before it is removed: green grows and blue returns first, then blue goes to Standby (or is
 * detached at 100 %) and green shrinks (or is detached and scaled to idle at 0 %). With `force`
 * (roll back) the attach/detach steps are planned even when the state says they are done; their
 * `skipIf` makes them no-ops then.
 */
function stepsTo(asg: AsgView, blue: Side, green: Side, k: number, total: number, ctx: PlanContext, force: boolean): Step[] | string {
  const lb = asg.loadBalancer;
  const steps: Step[] = [];
  let blueHealthy = blue.healthyServing;
  let greenCount = green.group.desired;

  // 1. Green grows to k and is attached.
  if (k > 0) {
    let changed = false;
    if (greenCount < k) {
      const ready = green.standby;
      const exits = pickForReturn(ready, green.live, Math.min(ready.length, k - greenCount));
      steps.push(...exitStandbySteps("green-exit-standby", green.group.name, exits, ctx, "green"));
      greenCount += exits.length;
      if (greenCount < k) {
        steps.push(setDesiredStep("scale-green", { ...green.group, desired: greenCount }, k, `green serves ${k} of ${total}`));
        greenCount = k;
      }
      changed = true;
    } else if (greenCount > k && !green.attached) {
      // Not serving yet: trim the extra instances before attaching, or they would all register.
      const extra = pickForRemoval(green.live, greenCount - k);
      if (extra.length < greenCount - k) return `Green's group ${green.group.name} is still launching instances; try again when they are InService.`;
      steps.push(...terminateSteps("trim-green", green.group.name, extra, ctx, "green"));
      greenCount = k;
      changed = true;
    }
    if (changed || green.inService.length < Math.min(k, greenCount)) {
      steps.push({
        id: "green-in-service",
        title: `Wait until ${k} green instance${k === 1 ? " is" : "s are"} InService in ${green.group.name}`,
        wait: inServiceWait(green.group.name, k, ctx),
      });
    }
    if (!green.attached || force) {
      steps.push(attachStep("attach-green", green.group, lb, ctx, "green"));
      changed = true;
    }
    if (changed || green.healthyServing < k) {
      steps.push({
        id: "green-healthy",
        title: `Wait until the ${lbLabel(lb)} has ${blueHealthy + k} healthy instances (${blueHealthy} blue + ${k} green)`,
        wait: lbHealthyWait(lb, blueHealthy + k, ctx, [blue.group.name, green.group.name]),
      });
    }
  }
  const greenHealthy = k > 0 ? k : green.healthyServing;

  // 2. Blue returns to total − k (out of Standby first, launches only if Standby is short) and is attached.
  if (k < total) {
    const need = total - k;
    let blueCount = blue.group.desired;
    const knownIds: string[] = blue.live.map((i) => i.id);
    let launched = false;
    let changed = false;
    if (blueCount < need) {
      const exits = pickForReturn(blue.standby, blue.live, Math.min(blue.standby.length, need - blueCount));
      steps.push(...exitStandbySteps("blue-exit-standby", blue.group.name, exits, ctx, "blue"));
      knownIds.push(...exits.map((i) => i.id));
      blueCount += exits.length;
      if (blueCount < need) {
        steps.push(setDesiredStep("scale-blue", { ...blue.group, desired: blueCount }, need, `blue serves ${need} of ${total}`));
        launched = true;
      }
      changed = true;
    }
    if (!blue.attached || force) {
      steps.push(attachStep("attach-blue", blue.group, lb, ctx, "blue"));
      changed = true;
    }
    if (changed || blue.healthyServing < need) {
      if (launched || knownIds.length > need) {
        steps.push({
          id: "blue-in-service",
          title: `Wait until ${need} blue instance${need === 1 ? " is" : "s are"} InService in ${blue.group.name}`,
          wait: inServiceWait(blue.group.name, need, ctx),
        });
      }
      steps.push(
        launched || knownIds.length !== need
          ? {
              id: "blue-healthy",
              title: `Wait until the ${lbLabel(lb)} has ${need + (k > 0 ? greenHealthy : 0)} healthy instances (${need} blue${k > 0 ? ` + ${greenHealthy} green` : ""})`,
              wait: lbHealthyWait(lb, need + (k > 0 ? greenHealthy : 0), ctx, k > 0 ? [blue.group.name, green.group.name] : [blue.group.name]),
            }
          : {
              id: "blue-healthy",
              title: `Wait until blue's ${need} instance${need === 1 ? " is" : "s are"} healthy behind the ${lbLabel(lb)}`,
              wait: lbInstancesHealthyWait(lb, knownIds, ctx),
            },
      );
    }
    blueHealthy = need;
  }

  // 3. Blue leaves: detached at 100 %, else its extra instances go to Standby.
  if (k === total) {
    if (blue.attached || blue.group.attachment === "Removing" || force) steps.push(detachStep("detach-blue", blue.group, lb, ctx, "blue"));
  } else if (blue.group.desired > total - k) {
    const n = blue.group.desired - (total - k);
    const chosen = pickForRemoval(blue.live, n, isInService);
    if (chosen.length < n) return `Blue's group ${blue.group.name} is still launching instances; try again when they are InService.`;
    steps.push(
      ...enterStandbySteps(
        "blue-standby",
        blue.group.name,
        chosen.map((i) => i.id),
        true,
        ctx,
        "blue",
      ),
    );
  }

  // 4. Green leaves: detached and scaled to its idle size at 0 %, else its extra instances terminate.
  if (k === 0) {
    if (green.attached || green.group.attachment === "Removing" || force) steps.push(detachStep("detach-green", green.group, lb, ctx, "green"));
    const idle = Math.max(asg.greenIdleCapacity ?? 0, green.group.min);
    if (green.group.desired !== idle || force) {
      steps.push(setDesiredStep("green-idle", green.group, idle, "green's idle size"));
    }
  } else if (greenCount > k) {
    const extra = pickForRemoval(green.live, greenCount - k);
    steps.push(...terminateSteps("shrink-green", green.group.name, extra, ctx, "green"));
  }
  return steps;
}

function targetOf(intent: Intent): number | null | string {
  switch (intent.kind) {
    case "shift":
      return intent.greenPercent;
    case "promote":
      return 100;
    case "rollback":
      return 0;
    default:
      return null;
  }
}

function sides(state: AppState): { asg: AsgView; blue: Side; green: Side } | string {
  const asg = state.asg;
  if (!asg) return "No Auto Scaling groups were read for this application.";
  return { asg, blue: side(state, asg, "blue"), green: side(state, asg, "green") };
}

function planStandby(state: AppState, intent: Extract<Intent, { kind: "standby-enter" | "standby-exit" }>, ctx: PlanContext): PlanResult {
  const s = sides(state);
  if (typeof s === "string") return { ok: false, reason: s };
  const target = s[intent.color];
  const other = s[intent.color === "blue" ? "green" : "blue"];
  const group = target.group;
  const who = intent.color;
  if (intent.kind === "standby-enter") {
    const chosen = chooseNamed(target.instances, intent.instanceIds, isInService, who, "InService");
    if (!chosen.ok) return chosen;
    const n = chosen.chosen.length;
    if (n === 0) return { ok: false, reason: `${cap(who)} has no InService instance to put into Standby.` };
    if (group.desired - n < group.min) {
      return {
        ok: false,
        reason: `${cap(who)}'s group ${group.name} has MinSize ${group.min} and desired ${group.desired}: at most ${Math.max(0, group.desired - group.min)} instance(s) can enter Standby without a replacement.`,
      };
    }
    const servingAfter = target.serving - (isServingAttachment(group.attachment) ? n : 0) + other.serving;
    if (servingAfter === 0 && target.serving + other.serving > 0) {
      return { ok: false, reason: `That would leave the ${lbLabel(s.asg.loadBalancer)} with no instance in service.` };
    }
    const greenAfter = intent.color === "green" ? s.green.serving - (isServingAttachment(group.attachment) ? n : 0) : s.green.serving;
    const blueAfter = intent.color === "blue" ? s.blue.serving - (isServingAttachment(group.attachment) ? n : 0) : s.blue.serving;
    const steps = enterStandbySteps(
      `${who}-standby`,
      group.name,
      chosen.chosen.map((i) => i.id),
      true,
      ctx,
      who,
    );
    return result(
      state,
      intent,
      `Put ${n} ${who} instance${n === 1 ? "" : "s"} of ${state.appId} into Standby`,
      percentOf(greenAfter, greenAfter + blueAfter),
      steps,
    );
  }
  const chosen = chooseNamed(target.instances, intent.instanceIds, isStandby, who, "in Standby");
  if (!chosen.ok) return chosen;
  const n = chosen.chosen.length;
  if (n === 0) return { ok: false, reason: `${cap(who)} has no instance in Standby.` };
  if (group.desired + n > group.max) {
    return {
      ok: false,
      reason: `${cap(who)}'s group ${group.name} has MaxSize ${group.max} and desired ${group.desired}: only ${Math.max(0, group.max - group.desired)} instance(s) can leave Standby.`,
    };
  }
  const steps = exitStandbySteps(`${who}-exit-standby`, group.name, chosen.chosen, ctx, who);
  const serving = isServingAttachment(group.attachment);
  if (serving) {
    steps.push({
      id: `${who}-healthy`,
      title: `Wait until they are healthy behind the ${lbLabel(s.asg.loadBalancer)}`,
      wait: lbInstancesHealthyWait(
        s.asg.loadBalancer,
        chosen.chosen.map((i) => i.id),
        ctx,
      ),
    });
  }
  const greenAfter = s.green.serving + (intent.color === "green" && serving ? n : 0);
  const blueAfter = s.blue.serving + (intent.color === "blue" && serving ? n : 0);
  return result(
    state,
    intent,
    `Take ${n} ${who} instance${n === 1 ? "" : "s"} of ${state.appId} out of Standby`,
    percentOf(greenAfter, greenAfter + blueAfter),
    steps,
  );
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function planScaleGreen(state: AppState, intent: Extract<Intent, { kind: "scale-green" }>, ctx: PlanContext): PlanResult {
  const s = sides(state);
  if (typeof s === "string") return { ok: false, reason: s };
  const g = s.green.group;
  const n = intent.capacity;
  if (!Number.isInteger(n) || n < 0) return { ok: false, reason: "The capacity must be a whole number of instances, 0 or more." };
  if (s.green.attached) {
    return {
      ok: false,
      reason: `Green's group ${g.name} serves traffic behind the ${lbLabel(s.asg.loadBalancer)}: change its share with a shift instead.`,
    };
  }
  if (n < g.min || n > g.max)
    return { ok: false, reason: `Green's group ${g.name} allows ${g.min} to ${g.max} instances (MinSize/MaxSize); ${n} is outside.` };
  if (n === g.desired) return { ok: false, reason: `Green's group ${g.name} already has a desired capacity of ${n}.` };
  const steps: Step[] = [setDesiredStep("scale-green", g, n, "before a shift")];
  if (n > 0) {
    steps.push({ id: "green-in-service", title: `Wait until ${n} green instances are InService in ${g.name}`, wait: inServiceWait(g.name, n, ctx) });
  }
  return result(
    state,
    intent,
    `Scale green of ${state.appId} from ${g.desired} to ${n} instances (not attached)`,
    state.configured.greenPercent,
    steps,
  );
}

/** Pure planner for asg-swap: shift, promote, roll back, standby in/out, scale green. */
export function planAsgSwap(state: AppState, intent: Intent, ctx: PlanContext): PlanResult {
  if (intent.kind === "standby-enter" || intent.kind === "standby-exit") return planStandby(state, intent, ctx);
  if (intent.kind === "scale-green") return planScaleGreen(state, intent, ctx);
  const requested = targetOf(intent);
  if (requested === null) return { ok: false, reason: `The ${intent.kind} intent does not apply to an Auto Scaling group swap.` };
  if (typeof requested !== "number" || !Number.isInteger(requested) || requested < 0 || requested > 100) {
    return { ok: false, reason: "The green share must be a whole number of percent from 0 to 100." };
  }
  const s = sides(state);
  if (typeof s === "string") return { ok: false, reason: s };
  const { asg, blue, green } = s;
  const { total, reachable, blocked } = asgSwapReachable(state);
  if (total === 0) {
    return {
      ok: false,
      reason: `Blue's group ${blue.group.name} has no instances (desired 0, none in Standby): there is no capacity to ${intent.kind === "rollback" ? "roll back to" : "shift from"}. Scale blue first.`,
    };
  }
  let k: number;
  if (intent.kind === "rollback") k = 0;
  else {
    const snapped = snapShare(requested, total, reachable, blocked);
    if (!snapped.ok) return snapped;
    k = snapped.k;
  }
  const idle = asg.greenIdleCapacity ?? 0;
  const current = state.configured.greenPercent;
  const after = percentOf(k, total);
  if (
    intent.kind === "rollback" &&
    atTarget(blue, green, 0, total, idle) &&
    green.group.attachment === null &&
    blue.standby.length === 0 &&
    blue.healthyServing === total &&
    green.live.length === green.group.desired
  ) {
    const done = nothingToDoPlan(
      state,
      "asg-swap",
      intent,
      ctx,
      `blue's group ${blue.group.name} serves all ${total} instances, healthy behind the ${lbLabel(asg.loadBalancer)}; green's ${green.group.name} is detached at its idle size ${green.group.desired}`,
    );
    if (done) return done;
  }
  if (intent.kind !== "rollback" && atTarget(blue, green, k, total, idle)) {
    return { ok: false, reason: `Green already serves ${after} % (${k} of ${total} instances).` };
  }
  if (k > 0 && green.group.max < k) {
    return { ok: false, reason: `Green's group ${green.group.name} has MaxSize ${green.group.max}; it cannot serve ${k} instances.` };
  }
  const steps = stepsTo(asg, blue, green, k, total, ctx, intent.kind === "rollback");
  if (typeof steps === "string") return { ok: false, reason: steps };
  if (steps.length === 0) return { ok: false, reason: `Green already serves ${after} % (${k} of ${total} instances).` };
  const summary =
    intent.kind === "rollback"
      ? `Roll back ${state.appId}: blue serves all ${total} instances (green from ${current} % to 0 %)`
      : `${intent.kind === "promote" ? "Promote" : "Shift"} ${state.appId}: green from ${current} % to ${after} % (${k} of ${total} instances)`;
  return result(state, intent, summary, after, steps);
}
