/**
 * ecs-elb-swap: two ECS services (blue, green) behind ONE load balancer, with green's share of the
 * traffic = green's share of the running tasks.
 *
 * Topology. Both services register their tasks into the SAME target group (the config names it for
 * both colours). An ALB spreads a target group's requests evenly over its healthy targets, so green
 * with k of T tasks gets k/T of the requests. Two target groups behind one forward action do not
 * work: the ALB first splits by the groups' weights (equal weights = 50/50 whatever the task
 * counts, and a group with no task answers 503), so "share = tasks" would be false; the planner
 * refuses that topology (alb-weighted is the pattern for weighted groups).
 *
 * Capacity. Blue and green together keep a fixed budget of T tasks (blue's desired count before
 * the first shift; config `totalTasks`, observed as `capacity.max`). Green k tasks = k/T, so the
 * slider snaps to 100/T %. A shift raises the growing side first, waits until its tasks run and are
 * healthy in the target group, and only then lowers the other side, so capacity never dips.
 */
import type { AppState, EnvironmentState } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { Intent } from "@/lib/domain/intent";
import type { PlanResult, Step } from "@/lib/domain/plan";
import { ecsSteadyWait, primaryDeployment, updateServiceCall } from "./ecs-common";
import { nothingToDoPlan } from "./nothing-to-do";
import type { PatternDescription, PlanContext } from "./types";

export const ecsElbSwapDescription: PatternDescription = {
  id: "ecs-elb-swap",
  name: "ECS service swap behind one load balancer (task counts)",
  slider: "Green's share of the running tasks behind the shared target group (blue + green keep a fixed task budget)",
  // One task of a 100-task budget at best; the live value is 100 / budget (state.granularityPercent).
  granularityPercent: 1,
  intents: ["shift", "promote", "rollback", "scale-green"],
  risks: {
    applicationIssues: "Good: green serves a share of real requests, one task at a time, before promotion.",
    performance: "Good: one load balancer and one target group; the growing side is healthy before the other shrinks, so capacity never dips.",
    peopleProcess: "Fair: a shift is two desired-count changes with waits; the share moves in whole tasks (100 / total %).",
    infrastructureFailure: "Good: blue's service stays defined on its task definition and can be scaled back at any time; ECS replaces failed tasks.",
    rollback:
      "Fair: blue must start its tasks again (tens of seconds to minutes) before green is scaled to 0; requests in flight to green drain for the target group's deregistration delay.",
    cost: "Good: the task budget is fixed, so the swap runs no extra capacity beyond the one task being replaced.",
  },
};

const SCALE_TIMEOUT_MS = 900_000;

/** The pair's task budget: the observed `capacity.max`, else what both colours ask for now. */
export function taskBudget(state: AppState): number {
  const blue = state.environments.blue;
  const green = state.environments.green;
  return blue.capacity?.max ?? (blue.ecs?.desired ?? 0) + (green.ecs?.desired ?? 0);
}

/** Share of `k` of `total` tasks, rounded to 0.01 %. */
export function taskShare(k: number, total: number): number {
  return total > 0 ? Math.round((k / total) * 10_000) / 100 : 0;
}

/** The slider's step for a budget of `total` tasks. */
export function ecsElbGranularity(total: number): number {
  return total > 0 ? Math.round((100 / total) * 100) / 100 : 100;
}

/**
 * Green tasks for a share, or a refusal naming the nearest reachable shares. A whole percent
 * counts as reachable when it is the rounded share of some task count (33 % with 3 tasks = 1 task).
 */
export function greenTasksFor(greenPercent: number, total: number): number | string {
  const exact = (greenPercent * total) / 100;
  const k = Math.round(exact);
  if (Math.round((k * 100) / total) === greenPercent) return k;
  const lo = Math.floor(exact);
  const hi = Math.ceil(exact);
  const tasks = (n: number) => `${n} task${n === 1 ? "" : "s"}`;
  return `Green ${greenPercent} % is not reachable with ${total} tasks (one task = ${ecsElbGranularity(total)} %): the nearest are ${taskShare(lo, total)} % (${tasks(lo)}) and ${taskShare(hi, total)} % (${tasks(hi)}).`;
}

function sameTargetGroup(state: AppState): boolean {
  const b = state.environments.blue.loadBalancer;
  const g = state.environments.green.loadBalancer;
  return (b.arn ?? b.name) === (g.arn ?? g.name);
}

interface Side {
  color: Color;
  env: EnvironmentState;
  cluster: string;
  service: string;
  desired: number;
  running: number;
  target: number;
}

function side(env: EnvironmentState, target: number): Side | string {
  const ecs = env.ecs;
  if (!ecs) return `No ECS service was read for ${env.color}.`;
  return { color: env.color, env, cluster: ecs.cluster, service: ecs.service, desired: ecs.desired, running: ecs.running, target };
}

/** Pure planner for ecs-elb-swap: shift, promote, roll back, scale-green (green runs k of the budget's tasks). */
export function planEcsElbSwap(state: AppState, intent: Intent, ctx: PlanContext): PlanResult {
  const total = taskBudget(state);
  if (!sameTargetGroup(state)) {
    return {
      ok: false,
      reason:
        "Blue and green register into different target groups: the load balancer splits traffic by the groups' weights, not by tasks. Point both services at one target group (or use the alb-weighted pattern).",
    };
  }
  let k: number;
  switch (intent.kind) {
    case "shift": {
      if (!Number.isInteger(intent.greenPercent) || intent.greenPercent < 0 || intent.greenPercent > 100) {
        return { ok: false, reason: "The green share must be a whole number of percent from 0 to 100." };
      }
      if (total === 0) return { ok: false, reason: "Blue and green have no task budget (both run 0 tasks): scale blue first." };
      const tasks = greenTasksFor(intent.greenPercent, total);
      if (typeof tasks === "string") return { ok: false, reason: tasks };
      k = tasks;
      break;
    }
    case "promote":
      k = total;
      break;
    case "rollback":
      k = 0;
      break;
    case "scale-green":
      if (!Number.isInteger(intent.capacity) || intent.capacity < 0) {
        return { ok: false, reason: "Green's task count must be a whole number, 0 or more." };
      }
      if (intent.capacity > total) {
        return {
          ok: false,
          reason: `Green can run at most ${total} tasks: blue and green share a budget of ${total} tasks behind the one target group.`,
        };
      }
      k = intent.capacity;
      break;
    default:
      return { ok: false, reason: `The ${intent.kind} does not apply to an ECS swap behind one load balancer.` };
  }
  if (total === 0) return { ok: false, reason: "Blue and green have no task budget (both run 0 tasks): scale blue first." };

  const blue = side(state.environments.blue, total - k);
  const green = side(state.environments.green, k);
  if (typeof blue === "string") return { ok: false, reason: blue };
  if (typeof green === "string") return { ok: false, reason: green };
  const current = state.configured.greenPercent;
  const target = taskShare(k, total);
  const settled = blue.desired === blue.target && green.desired === green.target && blue.running === blue.target && green.running === green.target;
  if (intent.kind === "rollback" && settled) {
    const done = nothingToDoPlan(
      state,
      "ecs-elb-swap",
      intent,
      ctx,
      `blue's service ${blue.service} runs ${blue.running} of ${total} tasks, green's ${green.service} none`,
    );
    if (done) return done;
  }
  if (intent.kind !== "rollback" && settled) {
    return { ok: false, reason: `Green already runs ${k} of ${total} tasks (${target} %).` };
  }
  if (green.target > green.desired) {
    const failed = state.environments.green.ecs ? primaryDeployment(state.environments.green.ecs) : undefined;
    if (failed?.rolloutState === "FAILED") {
      return {
        ok: false,
        reason: `Green's deployment of ${failed.taskDefinition} failed (${failed.rolloutStateReason ?? "no reason given"}): fix green's service before giving it tasks.`,
      };
    }
  }

  const scale = ctx.waitScale;
  const tg = state.environments.blue.loadBalancer;
  // Raise first, lower last: the growing side is running and healthy before the other shrinks.
  // Rollback grows blue even when it already has its tasks (it re-asserts blue's count).
  const growing = [blue, green].filter((s) => s.target > s.desired || (s.target === s.desired && s.running < s.target));
  const lowering = [blue, green].filter((s) => s.target < s.desired);
  const steady = [blue, green].filter((s) => !growing.includes(s) && !lowering.includes(s));
  if (intent.kind === "rollback" && !growing.includes(blue)) {
    growing.unshift(blue);
    steady.splice(steady.indexOf(blue), 1);
  }
  const steps: Step[] = [];
  for (const s of growing) {
    const reassert = s.target === s.desired;
    steps.push({
      id: `raise-${s.color}`,
      title: reassert
        ? `Keep ${s.color}'s service ${s.service} at ${s.target} tasks and wait until they all run`
        : `Raise ${s.color}'s service ${s.service} from ${s.desired} to ${s.target} tasks and wait until they run`,
      call: updateServiceCall(s.cluster, s.service, { desiredCount: s.target }),
      wait: ecsSteadyWait(s.cluster, s.service, undefined, scale, SCALE_TIMEOUT_MS),
    });
  }
  if (tg.arn && (growing.length > 0 || lowering.length > 0)) {
    // One target group holds both colours: count the healthy targets the next step relies on —
    // the grown sides' new totals plus the healthy tasks of the sides about to shrink.
    const need =
      growing.reduce((n, s) => n + s.target, 0) +
      steady.reduce((n, s) => n + s.target, 0) +
      lowering.reduce((n, s) => n + Math.min(s.env.healthy, s.desired), 0);
    if (need > 0) {
      steps.push({
        id: "check-healthy",
        title: `Wait until ${need} tasks are healthy in the target group ${tg.name}`,
        wait: {
          kind: "tg-healthy",
          targetGroupArn: tg.arn,
          minHealthy: need,
          timeoutMs: Math.round(SCALE_TIMEOUT_MS * scale),
          pollMs: Math.max(100, Math.round(5_000 * scale)),
        },
      });
    }
  }
  for (const s of lowering) {
    steps.push({
      id: `lower-${s.color}`,
      title: `Lower ${s.color}'s service ${s.service} from ${s.desired} to ${s.target} tasks (its tasks drain from the target group)`,
      call: updateServiceCall(s.cluster, s.service, { desiredCount: s.target }),
      wait: ecsSteadyWait(s.cluster, s.service, undefined, scale, SCALE_TIMEOUT_MS),
    });
  }
  if (intent.kind === "rollback" && lowering.length === 0 && green.desired === 0) {
    // Already blue: still re-assert green's 0 so a half-finished shift cannot leave a task behind.
    steps.push({
      id: "lower-green",
      title: `Keep green's service ${green.service} at 0 tasks`,
      call: updateServiceCall(green.cluster, green.service, { desiredCount: 0 }),
      wait: ecsSteadyWait(green.cluster, green.service, undefined, scale, SCALE_TIMEOUT_MS),
    });
  }

  const tasks = `${total - k} blue / ${k} green tasks`;
  const summary =
    intent.kind === "rollback"
      ? `Roll back ${state.appId}: blue 100 % (${tasks}; green from ${current} % to 0 %)`
      : intent.kind === "promote"
        ? `Promote ${state.appId}: green from ${current} % to 100 % (${tasks})`
        : intent.kind === "scale-green"
          ? `Scale green of ${state.appId} to ${k} of ${total} tasks: green from ${current} % to ${target} % (${tasks})`
          : `Shift ${state.appId}: green from ${current} % to ${target} % (${tasks})`;
  return {
    ok: true,
    plan: {
      appId: state.appId,
      pattern: "ecs-elb-swap",
      intent,
      summary,
      before: { greenPercent: current },
      after: { greenPercent: target },
      steps,
    },
  };
}
