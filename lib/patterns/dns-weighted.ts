import type { AppState, DnsRecordView } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import type { JsonObject } from "@/lib/domain/basics";
import type { PlanResult, Step } from "@/lib/domain/plan";
import { nothingToDoPlan } from "./nothing-to-do";
import type { PatternDescription, PlanContext } from "./types";

export const dnsWeightedDescription: PatternDescription = {
  id: "dns-weighted",
  name: "Classic DNS cutover (Route 53 weighted records)",
  slider: "Share of DNS answers that point at green's load balancer (record weights)",
  granularityPercent: 1,
  intents: ["shift", "promote", "rollback"],
  risks: {
    applicationIssues: "Good: green is tested with a small share of real traffic before promotion.",
    performance: "Fair: each environment has its own load balancer, which must be pre-warmed for the traffic it will get.",
    peopleProcess: "Good: one record change per step; the weights say exactly what was asked.",
    infrastructureFailure: "Good: blue stays untouched and serving until the cutover is complete.",
    rollback: "Fair: instant in Route 53, but clients follow only after their caches expire (TTL × cache layers), and some ignore TTL.",
    cost: "Fair: two full environments run during the cutover.",
  },
};

/** Route 53 says a change "generally propagates within 60 s"; each caching layer adds one TTL. */
export const DNS_PROPAGATION_S = 60;
export const DNS_CACHE_LAYERS = 2;

/** Heuristic DNS reaction time (docs/aws-behaviour.md §9): propagation + TTL × caching layers. */
export function dnsReactionSeconds(ttl: number | null): number {
  return DNS_PROPAGATION_S + (ttl ?? 60) * DNS_CACHE_LAYERS;
}

/** Green's share of DNS answers for the given weights, as Route 53 answers them (all zero = equal). */
export function greenShareOf(blueWeight: number, greenWeight: number): number {
  const total = blueWeight + greenWeight;
  if (total === 0) return 50;
  return (greenWeight / total) * 100;
}

/**
 * Weights for an exact share to 1 %: they sum to 100, so green N % is weight N and blue 100 − N.
 * Never both zero (Route 53 would then split evenly).
 */
export function weightsFor(greenPercent: number): { blue: number; green: number } {
  return { blue: 100 - greenPercent, green: greenPercent };
}

function recordJson(r: DnsRecordView, weight: number): JsonObject {
  const rec = r.record;
  const base: JsonObject = { Name: rec.name, Type: rec.type, Weight: weight };
  if (rec.setIdentifier !== null) base.SetIdentifier = rec.setIdentifier;
  if (rec.aliasTarget) {
    base.AliasTarget = {
      HostedZoneId: rec.aliasTarget.hostedZoneId,
      DNSName: rec.aliasTarget.dnsName,
      EvaluateTargetHealth: rec.aliasTarget.evaluateTargetHealth,
    };
  } else {
    base.TTL = rec.ttl ?? 60;
    base.ResourceRecords = rec.values.map((Value) => ({ Value }));
  }
  if (rec.healthCheckId) base.HealthCheckId = rec.healthCheckId;
  return base;
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
      return `${intent.kind} does not apply to a DNS cutover`;
  }
}

/** Pure planner for dns-weighted: shift, promote, roll back. */
export function planDnsWeighted(state: AppState, intent: Intent, ctx: PlanContext): PlanResult {
  const target = targetPercent(intent);
  if (typeof target === "string") return { ok: false, reason: `The ${target}.` };
  if (!Number.isInteger(target) || target < 0 || target > 100) {
    return { ok: false, reason: "The green share must be a whole number of percent from 0 to 100." };
  }
  const dns = state.dns;
  if (!dns) return { ok: false, reason: "No Route 53 records were read for this application." };
  const blue = dns.records.find((r) => r.color === "blue");
  const green = dns.records.find((r) => r.color === "green");
  if (!blue || !green) {
    const missing = !blue ? "blue" : "green";
    return { ok: false, reason: `Route 53 has no weighted record for ${missing}: create it before shifting traffic.` };
  }
  const current = state.configured.greenPercent;
  if (intent.kind === "rollback" && green.weight === 0 && blue.weight > 0) {
    const done = nothingToDoPlan(
      state,
      "dns-weighted",
      intent,
      ctx,
      `record weights blue ${blue.weight} / green 0: every DNS answer already points at blue`,
    );
    if (done) return done;
  }
  if (intent.kind === "shift" && current === target && blue.weight + green.weight > 0) {
    return { ok: false, reason: `Green already receives ${target} % of DNS answers.` };
  }
  if (target > 0 && state.environments.green.healthy === 0) {
    return {
      ok: false,
      reason: `Green's load balancer ${state.environments.green.loadBalancer.name} has no healthy instance: traffic sent there would fail.`,
    };
  }
  const weights = weightsFor(target);
  const scale = ctx.waitScale;
  const steps: Step[] = [];
  if (target > 0) {
    steps.push({
      id: "check-green-healthy",
      title: `Check that green's load balancer ${state.environments.green.loadBalancer.name} has an InService instance`,
      wait: {
        kind: "elb-in-service",
        loadBalancerName: state.environments.green.loadBalancer.name,
        minInService: 1,
        timeoutMs: Math.round(60_000 * scale),
        pollMs: Math.max(100, Math.round(5_000 * scale)),
      },
    });
  }
  const verb = intent.kind === "rollback" ? "Roll back" : intent.kind === "promote" ? "Promote" : "Shift";
  steps.push({
    id: "change-weights",
    title: `Set record weights blue ${weights.blue} / green ${weights.green} in one batch and wait until Route 53 is INSYNC`,
    call: {
      service: "route53",
      operation: "ChangeResourceRecordSets",
      input: {
        HostedZoneId: dns.hostedZoneId,
        ChangeBatch: {
          Comment: `Teal: ${verb.toLowerCase()} ${state.appId} to green ${target} %`,
          Changes: [
            { Action: "UPSERT", ResourceRecordSet: recordJson(blue, weights.blue) },
            { Action: "UPSERT", ResourceRecordSet: recordJson(green, weights.green) },
          ],
        },
      },
    },
    wait: {
      kind: "route53-change-insync",
      timeoutMs: Math.round(300_000 * scale),
      pollMs: Math.max(100, Math.round(5_000 * scale)),
    },
    // A rollback that preempted a shift checks this until the shift's call can no longer land.
    ...(intent.kind === "rollback"
      ? {
          holds: {
            kind: "route53-weights" as const,
            hostedZoneId: dns.hostedZoneId,
            recordName: blue.record.name,
            recordType: blue.record.type,
            weights: { [blue.setIdentifier]: weights.blue, [green.setIdentifier]: weights.green },
            timeoutMs: Math.round(60_000 * scale),
            pollMs: Math.max(100, Math.round(5_000 * scale)),
          },
        }
      : {}),
  });
  const summary =
    intent.kind === "rollback"
      ? `Roll back ${state.appId}: blue 100 % (green from ${current} % to 0 %)`
      : `${verb} ${state.appId}: green from ${current} % to ${target} %`;
  return {
    ok: true,
    plan: {
      appId: state.appId,
      pattern: "dns-weighted",
      intent,
      summary,
      before: { greenPercent: current },
      after: { greenPercent: target },
      steps,
    },
  };
}
