import type { AppState } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import type { JsonObject, JsonValue } from "@/lib/domain/basics";
import type { PlanResult, Step } from "@/lib/domain/plan";
import { nothingToDoPlan } from "./nothing-to-do";
import type { PatternDescription, PlanContext } from "./types";

export const albWeightedDescription: PatternDescription = {
  id: "alb-weighted",
  name: "ALB weighted target groups (one listener, two target groups)",
  slider: "Green's share of the listener's forward weights (target groups weighted 0–999)",
  granularityPercent: 1,
  intents: ["shift", "promote", "rollback"],
  risks: {
    applicationIssues: "Good: green gets an exact share of real requests (to 1 %) before promotion.",
    performance:
      "Good: one load balancer serves both colours, so nothing needs pre-warming; green's target group must have the capacity for its share.",
    peopleProcess: "Good: one ModifyListener (or ModifyRule) per step; the weights say exactly what was asked.",
    infrastructureFailure: "Good: blue's targets stay registered and healthy until green is promoted and blue is retired.",
    rollback:
      "Good: a weight change takes effect within seconds and needs no DNS; with target-group stickiness on, clients already stuck to green stay there until their cookie expires.",
    cost: "Fair: both target groups run full capacity during the shift.",
  },
};

/** ALB forward actions take at most five target groups (docs/aws-behaviour.md §3.2). */
export const MAX_FORWARD_TARGET_GROUPS = 5;
/** ELBv2 target-group weights range from 0 to 999. */
export const MAX_WEIGHT = 999;

export interface ForwardTargetGroup {
  arn: string;
  weight: number;
}

/** The forward action of a listener or rule, read from the action list as ELBv2 returns it. */
export interface ForwardView {
  /** Position of the forward action in the action list. */
  index: number;
  targetGroups: ForwardTargetGroup[];
  stickiness: { enabled: boolean; durationSeconds: number } | null;
  /** True when the action names a single `TargetGroupArn` without a ForwardConfig (weight 1 implied). */
  simple: boolean;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The forward action of an action list, or null when there is none (redirect, fixed response).
 * A plain `TargetGroupArn` forward counts as that one group at weight 1.
 */
export function forwardOf(actions: readonly JsonObject[]): ForwardView | null {
  const index = actions.findIndex((a) => a.Type === "forward");
  const action = actions[index];
  if (!action) return null;
  const config = action.ForwardConfig;
  if (isObject(config) && Array.isArray(config.TargetGroups) && config.TargetGroups.length > 0) {
    const targetGroups = config.TargetGroups.filter(isObject).map((g) => ({
      arn: typeof g.TargetGroupArn === "string" ? g.TargetGroupArn : "",
      // AWS treats a group listed without a weight as weight 1.
      weight: typeof g.Weight === "number" ? g.Weight : 1,
    }));
    const sticky = config.TargetGroupStickinessConfig;
    const stickiness = isObject(sticky)
      ? { enabled: sticky.Enabled === true, durationSeconds: typeof sticky.DurationSeconds === "number" ? sticky.DurationSeconds : 0 }
      : null;
    return { index, targetGroups, stickiness, simple: false };
  }
  if (typeof action.TargetGroupArn === "string") {
    return { index, targetGroups: [{ arn: action.TargetGroupArn, weight: 1 }], stickiness: null, simple: true };
  }
  return null;
}

/** Green's share between the two colours' weights, to 0.01 % (other target groups are outside the slider). */
export function albGreenShare(blueWeight: number, greenWeight: number): number {
  const total = blueWeight + greenWeight;
  return total > 0 ? Math.round((greenWeight * 10_000) / total) / 100 : 0;
}

/** Weights exact to 1 %: blue 100 − N, green N (never both zero, well inside 0–999). */
export function albWeightsFor(greenPercent: number): { blue: number; green: number } {
  return { blue: 100 - greenPercent, green: greenPercent };
}

/**
 * The action list with only the blue and green weights changed: every other action, every other
 * target group (with its weight) and the stickiness config are carried over exactly, because
 * ModifyListener / ModifyRule replace the list whole. A plain `TargetGroupArn` forward becomes a
 * ForwardConfig (both forms together may name only one group, so the plain form is dropped).
 */
export function withWeights(
  actions: readonly JsonObject[],
  arns: { blue: string; green: string },
  weights: { blue: number; green: number },
): JsonObject[] {
  const forward = forwardOf(actions);
  if (!forward) throw new Error("the action list has no forward action");
  return actions.map((action, i) => {
    if (i !== forward.index) return action;
    const rest: JsonObject = { ...action };
    delete rest.TargetGroupArn;
    const existing = isObject(action.ForwardConfig) ? action.ForwardConfig : {};
    const listed: JsonObject[] = forward.simple
      ? forward.targetGroups.map((g) => ({ TargetGroupArn: g.arn, Weight: g.weight }))
      : Array.isArray(existing.TargetGroups)
        ? existing.TargetGroups.filter(isObject)
        : [];
    const weightFor = (arn: JsonValue | undefined): number | null => (arn === arns.blue ? weights.blue : arn === arns.green ? weights.green : null);
    const groups: JsonObject[] = listed.map((g) => {
      const w = weightFor(g.TargetGroupArn);
      return w === null ? g : { ...g, Weight: w };
    });
    for (const color of ["blue", "green"] as const) {
      if (!listed.some((g) => g.TargetGroupArn === arns[color])) groups.push({ TargetGroupArn: arns[color], Weight: weights[color] });
    }
    return { ...rest, ForwardConfig: { ...existing, TargetGroups: groups } };
  });
}

function targetPercent(intent: Intent): number | string {
  switch (intent.kind) {
    case "shift":
      return intent.greenPercent;
    case "promote":
      return 100;
    case "rollback":
      return 0;
    default:
      return `${intent.kind} does not apply to ALB weighted target groups`;
  }
}

/** Pure planner for alb-weighted: shift, promote, roll back (one ModifyListener or ModifyRule). */
export function planAlbWeighted(state: AppState, intent: Intent, ctx: PlanContext): PlanResult {
  const target = targetPercent(intent);
  if (typeof target === "string") return { ok: false, reason: `The ${target}.` };
  if (!Number.isInteger(target) || target < 0 || target > 100) {
    return { ok: false, reason: "The green share must be a whole number of percent from 0 to 100." };
  }
  const alb = state.alb;
  if (!alb || !alb.actions) return { ok: false, reason: "The listener's forward action was not read for this application." };
  const arns = alb.targetGroupArns;
  if (!arns.blue || !arns.green) {
    const missing = !arns.blue ? "blue" : "green";
    return { ok: false, reason: `The ${missing} target group was not found: create it before shifting traffic.` };
  }
  if (arns.blue === arns.green) {
    return { ok: false, reason: "Blue and green name the same target group: weights cannot split traffic between them." };
  }
  const where = alb.ruleArn ? "rule" : "listener's default action";
  const forward = forwardOf(alb.actions);
  if (!forward) {
    return { ok: false, reason: `The ${where} does not forward to target groups (redirect or fixed response): weights cannot apply.` };
  }
  const others = forward.targetGroups.filter((g) => g.arn !== arns.blue && g.arn !== arns.green);
  if (forward.simple && others.length > 0) {
    return {
      ok: false,
      reason: `The ${where} forwards everything to a target group that is neither blue's nor green's: fix the listener before using the slider.`,
    };
  }
  if (others.length + 2 > MAX_FORWARD_TARGET_GROUPS) {
    return {
      ok: false,
      reason: `The forward action already lists ${forward.targetGroups.length} target groups; an ALB allows at most ${MAX_FORWARD_TARGET_GROUPS}.`,
    };
  }
  const current = state.configured.greenPercent;
  const weights = albWeightsFor(target);
  if (intent.kind === "rollback" && alb.weights.green === 0 && alb.weights.blue > 0) {
    const done = nothingToDoPlan(
      state,
      "alb-weighted",
      intent,
      ctx,
      `the ${where}'s forward weights are blue ${alb.weights.blue} / green 0: every request already goes to blue`,
    );
    if (done) return done;
  }
  if (intent.kind === "shift" && alb.weights.blue === weights.blue && alb.weights.green === weights.green) {
    return { ok: false, reason: `Green already receives ${target} % of the listener's weight.` };
  }
  const green = state.environments.green;
  if (target > 0 && green.healthy === 0) {
    return {
      ok: false,
      reason: `Green's target group ${green.loadBalancer.name} has no healthy target: requests sent there would fail.`,
    };
  }

  const scale = ctx.waitScale;
  const steps: Step[] = [];
  if (target > 0) {
    steps.push({
      id: "check-green-healthy",
      title: `Check that green's target group ${green.loadBalancer.name} has a healthy target`,
      wait: {
        kind: "tg-healthy",
        targetGroupArn: arns.green,
        minHealthy: 1,
        timeoutMs: Math.round(60_000 * scale),
        pollMs: Math.max(100, Math.round(5_000 * scale)),
      },
    });
  }
  const actions = withWeights(alb.actions, arns, weights);
  const sticky = alb.stickiness?.enabled
    ? `; stickiness stays on (${alb.stickiness.durationSeconds} s): clients already stuck keep their target group until the cookie expires`
    : "";
  const kept = others.length > 0 ? `; ${others.length} other target group${others.length > 1 ? "s keep their" : " keeps its"} weight` : "";
  steps.push({
    id: "modify-weights",
    title: `Set the ${where}'s forward weights to blue ${weights.blue} / green ${weights.green}${kept}${sticky}`,
    call: alb.ruleArn
      ? { service: "elbv2", operation: "ModifyRule", input: { RuleArn: alb.ruleArn, Actions: actions } }
      : { service: "elbv2", operation: "ModifyListener", input: { ListenerArn: alb.listenerArn, DefaultActions: actions } },
    // A rollback that preempted a shift checks this until the shift's call can no longer land.
    ...(intent.kind === "rollback"
      ? {
          holds: {
            kind: "listener-weights" as const,
            listenerArn: alb.listenerArn,
            ruleArn: alb.ruleArn,
            weights: { [arns.blue]: weights.blue, [arns.green]: weights.green },
            timeoutMs: Math.round(60_000 * scale),
            pollMs: Math.max(100, Math.round(5_000 * scale)),
          },
        }
      : {}),
  });
  const verb = intent.kind === "rollback" ? "Roll back" : intent.kind === "promote" ? "Promote" : "Shift";
  const summary =
    intent.kind === "rollback"
      ? `Roll back ${state.appId}: blue 100 % (green from ${current} % to 0 %)`
      : `${verb} ${state.appId}: green from ${current} % to ${target} %`;
  return {
    ok: true,
    plan: {
      appId: state.appId,
      pattern: "alb-weighted",
      intent,
      summary,
      before: { greenPercent: current },
      after: { greenPercent: target },
      steps,
    },
  };
}
