/**
 * The plan of a progressive delivery: for each traffic step the pattern's own shift steps, then the
 * traffic-verified wait, then the bake with the release judge; a manual gate before a step that asks
 * for one. One plan, so the whole delivery is one journaled, resumable operation. Pure (like every
 * planner): the share after each step is projected onto the state the next step is planned from.
 * See docs/progressive.md.
 */
import type { AppState } from "@/lib/domain/app-state";
import type { Color, PatternId } from "@/lib/domain/basics";
import type { Intent } from "@/lib/domain/intent";
import type { PlanResult, Step } from "@/lib/domain/plan";
import {
  judgeConfigFor,
  resolveProgressive,
  snapSteps,
  type ProgressiveIntent,
  type ProgressiveMetrics,
  type MetricRef,
} from "@/lib/domain/progressive";
import { drainCauseOf, SETTLE_DNS_CACHE_LAYERS } from "@/lib/domain/traffic-settle";
import { spokenDuration } from "@/lib/domain/wait-words";
import { loadBalancerDimensionOf } from "./alb-weighted-observe";
import { targetGroupDimension } from "@/lib/aws/elbv2";
import type { PlanContext, Planner } from "./types";

/** The patterns whose shifts are absolute weights, so each step can be planned from the projected share. */
const WEIGHT_PATTERNS: ReadonlySet<PatternId> = new Set(["dns-weighted", "ecs-dns-swap", "alb-weighted"]);

/** Patterns a progressive delivery is refused for, with the reason. */
const REFUSED: Partial<Record<PatternId, string>> = {
  "ecs-rolling":
    "An ECS rolling update has no traffic control, so it cannot be delivered progressively: ECS replaces tasks at its own pace. Deploy a revision instead.",
};

const PERIOD_S = 60;
/** Minutes a bake leaves to CloudWatch before judging one (docs/aws-behaviour.md §6.5: late datapoints). */
export const JUDGE_LAG_PERIODS = 2;
/** The longest a manual gate waits for an approval before the run fails. */
const GATE_TIMEOUT_MS = 24 * 3_600_000;
/** The least time a step's traffic is given to show, in CloudWatch periods, however short the wait scale. */
export const MIN_TRAFFIC_PERIODS = 3;
/** How long beyond its bake a bake may stand held before the run fails. */
const HOLD_ALLOWANCE_MS = 24 * 3_600_000;

function perColour(make: (c: Color) => MetricRef): Record<Color, MetricRef> {
  return { blue: make("blue"), green: make("green") };
}

/**
 * Each colour's request count, errors and mean latency, from the load balancers the observer read:
 * a classic ELB per colour (AWS/ELB, docs/aws-behaviour.md §2.4) or a target group per colour
 * (AWS/ApplicationELB, §3.4). Null when the colours share one, so their requests cannot be told apart.
 */
export function progressiveMetricsOf(state: AppState): ProgressiveMetrics | null {
  const lb = { blue: state.environments.blue.loadBalancer, green: state.environments.green.loadBalancer };
  const cw = { blue: lb.blue.cloudWatch, green: lb.green.cloudWatch };
  let alb: Record<Color, { loadBalancer: string; targetGroup: string }> | null = null;
  if (cw.blue?.targetGroup && cw.green?.targetGroup) {
    alb = {
      blue: { loadBalancer: cw.blue.loadBalancer, targetGroup: cw.blue.targetGroup },
      green: { loadBalancer: cw.green.loadBalancer, targetGroup: cw.green.targetGroup },
    };
  } else if (state.alb && lb.blue.arn && lb.green.arn) {
    const dim = loadBalancerDimensionOf(state.alb.listenerArn);
    alb = {
      blue: { loadBalancer: dim, targetGroup: targetGroupDimension(lb.blue.arn) },
      green: { loadBalancer: dim, targetGroup: targetGroupDimension(lb.green.arn) },
    };
  }
  if (alb) {
    const dims = alb;
    if (dims.blue.targetGroup === dims.green.targetGroup) return null;
    const ref = (metricName: string, stat: string) => (c: Color) => ({
      namespace: "AWS/ApplicationELB",
      metricName,
      dimensions: { TargetGroup: dims[c].targetGroup, LoadBalancer: dims[c].loadBalancer },
      stat,
    });
    return {
      periodS: PERIOD_S,
      requests: perColour(ref("RequestCount", "Sum")),
      errors: perColour(ref("HTTPCode_Target_5XX_Count", "Sum")),
      latency: { ...perColour(ref("TargetResponseTime", "Average")), scaleToMs: 1000 },
    };
  }
  if (lb.blue.kind === "classic" && lb.green.kind === "classic" && lb.blue.name !== lb.green.name) {
    const ref = (metricName: string, stat: string) => (c: Color) => ({
      namespace: "AWS/ELB",
      metricName,
      dimensions: { LoadBalancerName: lb[c].name },
      stat,
    });
    return {
      periodS: PERIOD_S,
      requests: perColour(ref("RequestCount", "Sum")),
      errors: perColour(ref("HTTPCode_Backend_5XX", "Sum")),
      latency: { ...perColour(ref("Latency", "Average")), scaleToMs: 1000 },
    };
  }
  return null;
}

/** The state as it will be once green has `greenPercent` of the weights (the next step is planned from it). */
function projected(state: AppState, greenPercent: number): AppState {
  const weights = { blue: 100 - greenPercent, green: greenPercent };
  return {
    ...state,
    configured: { greenPercent },
    ...(state.dns
      ? {
          dns: {
            ...state.dns,
            records: state.dns.records.map((r) => ({ ...r, weight: weights[r.color], record: { ...r.record, weight: weights[r.color] } })),
          },
        }
      : {}),
    ...(state.alb ? { alb: { ...state.alb, weights } } : {}),
  };
}

/** How long clients may keep the old split after a change (DNS caches), plus two whole minutes measured. */
function drainAllowanceMs(state: AppState): number {
  const cause = drainCauseOf(state);
  const drain =
    cause.kind === "dns" ? cause.ttlSeconds * SETTLE_DNS_CACHE_LAYERS * 1000 : cause.kind === "stickiness" ? cause.durationSeconds * 3000 : 0;
  return drain + 2 * PERIOD_S * 1000;
}

/**
 * A pattern's planner that also plans progressive deliveries: any other intent goes to `base`
 * unchanged. The application's defaults come with the context (`ctx.progressive`).
 */
export function withProgressive(pattern: PatternId, base: Planner): Planner {
  return (state, intent, ctx) => (intent.kind === "progressive" ? planProgressive(pattern, base, state, intent, ctx) : base(state, intent, ctx));
}

export function planProgressive(pattern: PatternId, base: Planner, state: AppState, intent: ProgressiveIntent, ctx: PlanContext): PlanResult {
  const refused = REFUSED[pattern];
  if (refused) return { ok: false, reason: refused };
  const metrics = progressiveMetricsOf(state);
  if (!metrics) {
    return {
      ok: false,
      reason:
        "Progressive delivery needs each colour's own request count, and this application's colours serve behind one load balancer: CloudWatch cannot tell green's requests from blue's, so neither the traffic nor the judge can be measured. Shift step by step instead.",
    };
  }
  if (!WEIGHT_PATTERNS.has(pattern)) {
    return {
      ok: false,
      reason: `Progressive delivery is not available for the ${pattern} pattern yet: its shifts move instances or tasks, and Teal cannot yet plan each step from the one before. Shift step by step instead.`,
    };
  }
  const settings = resolveProgressive(intent, ctx.progressive);
  if ("error" in settings) return { ok: false, reason: settings.error };
  const judge = judgeConfigFor(metrics, settings.judge);
  if (!judge) return { ok: false, reason: "No metric of this application can be judged (errors or latency per colour)." };
  const current = state.configured.greenPercent;
  const grid = snapSteps(settings.steps, settings.gates, state.granularityPercent);
  const todo = grid.steps.map((p, i) => ({ p, gate: grid.gates[i] ?? "auto" })).filter((s) => s.p > current);
  if (todo.length === 0) return { ok: false, reason: `Green already receives ${current} %: there is no step left to deliver.` };

  const scale = ctx.waitScale;
  const pollMs = Math.max(100, Math.round(10_000 * scale));
  // The wait scale shortens AWS's waits on a fast practice range, but CloudWatch's periods are whole
  // minutes of real time there too: a step needs a whole period that began after its change, and that
  // period published, before its share can be measured. Scaled below three periods, every step timed out.
  const trafficTimeoutMs = Math.max(
    Math.round(Math.max(settings.trafficTimeoutSeconds * 1000, drainAllowanceMs(state)) * scale),
    MIN_TRAFFIC_PERIODS * metrics.periodS * 1000,
  );
  const bakeMs = Math.round(settings.bakeSeconds * 1000 * scale);
  const steps: Step[] = [];
  let from = current;
  for (const [i, { p, gate }] of todo.entries()) {
    const n = i + 1;
    const label = `Step ${n} of ${todo.length} (${p} %)`;
    if (gate === "manual") {
      steps.push({
        id: `step${n}-gate`,
        title: `${label}: wait for an operator's approval`,
        wait: { kind: "progressive-gate", trafficStep: i, greenPercent: p, timeoutMs: Math.round(GATE_TIMEOUT_MS * scale), pollMs },
      });
    }
    const shift = base(projected(state, from), { kind: "shift", greenPercent: p }, ctx);
    if (!shift.ok) return { ok: false, reason: `${label}: ${shift.reason}` };
    for (const s of shift.plan.steps) steps.push({ ...s, id: `step${n}-${s.id}`, title: `${label}: ${s.title}` });
    steps.push({
      id: `step${n}-traffic`,
      title: `${label}: verify in the measured traffic that green gets ${p} % (±${settings.tolerancePoints} points)`,
      wait: {
        kind: "traffic-share",
        trafficStep: i,
        greenPercent: p,
        tolerancePoints: settings.tolerancePoints,
        metrics,
        timeoutMs: trafficTimeoutMs,
        pollMs,
      },
    });
    if (p < 100 && bakeMs > 0) {
      steps.push({
        id: `step${n}-bake`,
        title: `${label}: bake ${spokenDuration(bakeMs)} while the release judge compares green with blue`,
        wait: {
          kind: "progressive-bake",
          trafficStep: i,
          greenPercent: p,
          bakeMs,
          judge,
          judgeLagPeriods: JUDGE_LAG_PERIODS,
          metrics,
          timeoutMs: bakeMs + Math.round(HOLD_ALLOWANCE_MS * scale),
          pollMs,
        },
      });
    }
    from = p;
  }
  const snapped = grid.steps.join(", ") !== settings.steps.join(", ") ? ` (snapped to the ${state.granularityPercent} % grid)` : "";
  const shares = todo.map((s) => `${s.p} %`).join(" → ");
  const plan: Intent = { ...intent };
  return {
    ok: true,
    plan: {
      appId: state.appId,
      pattern,
      intent: plan,
      summary: `Deliver ${state.appId} progressively: green ${current} % → ${shares}${snapped}, bake ${spokenDuration(settings.bakeSeconds * 1000)} per step${settings.preset ? ` (${settings.preset})` : ""}`,
      before: { greenPercent: current },
      after: { greenPercent: 100 },
      steps,
    },
  };
}
