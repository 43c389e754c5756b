import type { AppState, DnsRecordView } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import type { JsonObject } from "@/lib/domain/basics";
import type { PlanResult, Step } from "@/lib/domain/plan";
import { greenShareOf, weightsFor } from "./dns-weighted";
import { ecsSteadyWait, primaryDeployment, updateServiceCall } from "./ecs-common";
import { nothingToDoPlan } from "./nothing-to-do";
import type { PatternDescription, PlanContext } from "./types";

export const ecsDnsSwapDescription: PatternDescription = {
  id: "ecs-dns-swap",
  name: "ECS service swap by DNS (Route 53 weighted alias records)",
  slider: "Share of DNS answers that point at green's load balancer (alias record weights)",
  granularityPercent: 1,
  intents: ["shift", "promote", "rollback", "scale-green"],
  risks: {
    applicationIssues: "Good: green's service runs beside blue's and takes a small share of real traffic before promotion.",
    performance:
      "Fair: each service has its own load balancer; green's is cold until traffic arrives, and DNS shares are approximate, so Teal sizes green like blue before it sends traffic.",
    peopleProcess: "Good: one record batch per step; the alias weights say exactly what was asked.",
    infrastructureFailure: "Good: blue's service and load balancer stay untouched until the cutover is complete.",
    rollback:
      "Fair: the weights change at once in Route 53, but clients follow only after their caches expire (alias to a load balancer: fixed 60 s TTL, per cache layer), and some ignore TTL; green keeps running meanwhile.",
    cost: "Fair: two full services and two load balancers run during the cutover.",
  },
};

/** Scaling a service and waiting for steady state: task start plus load balancer health checks. */
const SCALE_TIMEOUT_MS = 600_000;
const INSYNC_TIMEOUT_MS = 300_000;

/** A DNS name compared the way Route 53 answers it: lower case, no trailing dot, no "dualstack.". */
export function normaliseDnsName(name: string): string {
  let n = name.trim().toLowerCase();
  if (n.endsWith(".")) n = n.slice(0, -1);
  if (n.startsWith("dualstack.")) n = n.slice("dualstack.".length);
  return n;
}

/** An alias record rewritten with a new weight: alias records carry no TTL (Route 53 uses the target's). */
function aliasRecordJson(r: DnsRecordView, weight: number): JsonObject {
  const rec = r.record;
  const alias = rec.aliasTarget;
  const out: JsonObject = { Name: rec.name, Type: rec.type, Weight: weight };
  if (rec.setIdentifier !== null) out.SetIdentifier = rec.setIdentifier;
  if (alias) {
    out.AliasTarget = { HostedZoneId: alias.hostedZoneId, DNSName: alias.dnsName, EvaluateTargetHealth: alias.evaluateTargetHealth };
  }
  if (rec.healthCheckId) out.HealthCheckId = rec.healthCheckId;
  return out;
}

/**
 * Green's task count before it receives `percent` % of DNS answers: it must at least cover its share
 * of blue's count, and when it does not Teal sizes it like blue, because DNS shares are approximate
 * (resolver caches, clients that ignore TTL) and green must carry everything after a promote.
 */
export function greenCapacityFor(state: AppState, percent: number): { needed: number; scaleTo: number | null } {
  const blueDesired = state.environments.blue.ecs?.desired ?? 0;
  const greenDesired = state.environments.green.ecs?.desired ?? 0;
  if (percent === 0) return { needed: 0, scaleTo: null };
  const needed = Math.max(1, Math.ceil((blueDesired * percent) / 100));
  if (greenDesired >= needed) return { needed, scaleTo: null };
  return { needed, scaleTo: Math.max(blueDesired, needed) };
}

function targetPercent(intent: Intent): number | string {
  switch (intent.kind) {
    case "shift":
      return intent.greenPercent;
    case "promote":
      return 100;
    case "rollback":
      return 0;
    case "deploy-revision":
      return "deploy-revision does not apply to an ECS DNS swap: deploy the new task definition to green's service, then shift traffic";
    default:
      return `${intent.kind} does not apply to an ECS DNS swap`;
  }
}

/** Why a colour's record cannot be rewritten by this pattern, or null when it can. */
function aliasProblem(state: AppState, color: "blue" | "green", rec: DnsRecordView | undefined): string | null {
  if (!rec) return `Route 53 has no weighted record for ${color}: create it before shifting traffic.`;
  const alias = rec.record.aliasTarget;
  if (!alias) {
    return `${color}'s record ${rec.setIdentifier} is not an alias record: this pattern moves weighted alias records to each service's load balancer (use dns-weighted for CNAME records).`;
  }
  const lb = state.environments[color].loadBalancer;
  if (lb.dnsName && normaliseDnsName(alias.dnsName) !== normaliseDnsName(lb.dnsName)) {
    return `${color}'s alias record points at ${normaliseDnsName(alias.dnsName)}, not at ${color}'s load balancer ${lb.name} (${normaliseDnsName(lb.dnsName)}): fix the record before moving traffic.`;
  }
  return null;
}

/** The weighted alias records of both colours, or the reason they cannot be rewritten. */
function aliasRecords(state: AppState): { blue: DnsRecordView; green: DnsRecordView } | string {
  const dns = state.dns;
  if (!dns) return "No Route 53 records were read for this application.";
  const blue = dns.records.find((r) => r.color === "blue");
  const green = dns.records.find((r) => r.color === "green");
  const problem = aliasProblem(state, "blue", blue) ?? aliasProblem(state, "green", green);
  if (problem !== null || !blue || !green) return problem ?? "Route 53 records are missing.";
  return { blue, green };
}

function changeWeightsStep(
  state: AppState,
  records: { blue: DnsRecordView; green: DnsRecordView },
  target: number,
  verb: string,
  scale: number,
): Step {
  const weights = weightsFor(target);
  return {
    id: "change-weights",
    title: `Set alias weights blue ${weights.blue} / green ${weights.green} in one batch and wait until Route 53 is INSYNC`,
    call: {
      service: "route53",
      operation: "ChangeResourceRecordSets",
      input: {
        HostedZoneId: state.dns?.hostedZoneId ?? "",
        ChangeBatch: {
          Comment: `Teal: ${verb} ${state.appId} to green ${target} %`,
          Changes: [
            { Action: "UPSERT", ResourceRecordSet: aliasRecordJson(records.blue, weights.blue) },
            { Action: "UPSERT", ResourceRecordSet: aliasRecordJson(records.green, weights.green) },
          ],
        },
      },
    },
    wait: { kind: "route53-change-insync", timeoutMs: Math.round(INSYNC_TIMEOUT_MS * scale), pollMs: Math.max(100, Math.round(5_000 * scale)) },
    // A rollback that preempted a shift checks this until the shift's call can no longer land.
    ...(verb === "roll back"
      ? {
          holds: {
            kind: "route53-weights" as const,
            hostedZoneId: state.dns?.hostedZoneId ?? "",
            recordName: records.blue.record.name,
            recordType: records.blue.record.type,
            weights: { [records.blue.setIdentifier]: weights.blue, [records.green.setIdentifier]: weights.green },
            timeoutMs: Math.round(60_000 * scale),
            pollMs: Math.max(100, Math.round(5_000 * scale)),
          },
        }
      : {}),
  };
}

function planScaleGreen(state: AppState, capacity: number, ctx: PlanContext): PlanResult {
  const green = state.environments.green.ecs;
  if (!green) return { ok: false, reason: "Green's ECS service was not read: Teal cannot scale it." };
  if (!Number.isInteger(capacity) || capacity < 0) return { ok: false, reason: "Green's task count must be a whole number, 0 or more." };
  if (capacity === green.desired) return { ok: false, reason: `Green's service ${green.service} already wants ${capacity} tasks.` };
  const current = state.configured.greenPercent;
  if (capacity === 0 && current > 0) {
    return { ok: false, reason: `Green receives ${current} % of DNS answers: shift it to 0 % (or roll back) before scaling its service to 0.` };
  }
  const { needed } = greenCapacityFor(state, current);
  if (capacity < needed) {
    return {
      ok: false,
      reason: `Green receives ${current} % of DNS answers and needs at least ${needed} tasks for that share of blue's ${state.environments.blue.ecs?.desired ?? 0}.`,
    };
  }
  return {
    ok: true,
    plan: {
      appId: state.appId,
      pattern: "ecs-dns-swap",
      intent: { kind: "scale-green", capacity },
      summary: `Scale green's service ${green.service} from ${green.desired} to ${capacity} tasks`,
      before: { greenPercent: current },
      after: { greenPercent: current },
      steps: [
        {
          id: "scale-green",
          title: `Set ${green.service}'s desired count to ${capacity} and wait for a steady state`,
          call: updateServiceCall(green.cluster, green.service, { desiredCount: capacity }),
          wait: ecsSteadyWait(green.cluster, green.service, undefined, ctx.waitScale, SCALE_TIMEOUT_MS),
        },
      ],
    },
  };
}

/**
 * Pure planner for ecs-dns-swap. Shift / promote: size green's service (UpdateService desiredCount)
 * and wait for its steady state, then move both alias weights in one atomic batch and wait INSYNC.
 * Rollback: alias weights back to blue (scaling blue back up first only if it was scaled to 0).
 */
export function planEcsDnsSwap(state: AppState, intent: Intent, ctx: PlanContext): PlanResult {
  if (intent.kind === "scale-green") return planScaleGreen(state, intent.capacity, ctx);
  const target = targetPercent(intent);
  if (typeof target === "string") return { ok: false, reason: `The ${target}.` };
  if (!Number.isInteger(target) || target < 0 || target > 100) {
    return { ok: false, reason: "The green share must be a whole number of percent from 0 to 100." };
  }
  const records = aliasRecords(state);
  if (typeof records === "string") return { ok: false, reason: records };
  const blueSvc = state.environments.blue.ecs;
  const greenSvc = state.environments.green.ecs;
  // Rolling back needs only the records; sending traffic to green needs both services read.
  if (target > 0 && (!blueSvc || !greenSvc)) {
    return { ok: false, reason: `${!blueSvc ? "Blue" : "Green"}'s ECS service was not read: Teal cannot size green without it.` };
  }
  const current = state.configured.greenPercent;
  const bothZero = records.blue.weight + records.green.weight === 0;
  // Blue must also run its tasks: a blue scaled to 0 after a promote is not "on blue".
  if (
    intent.kind === "rollback" &&
    records.green.weight === 0 &&
    records.blue.weight > 0 &&
    blueSvc &&
    blueSvc.desired > 0 &&
    blueSvc.running >= blueSvc.desired
  ) {
    const done = nothingToDoPlan(
      state,
      "ecs-dns-swap",
      intent,
      ctx,
      `alias weights blue ${records.blue.weight} / green 0 and blue's service ${blueSvc.service} runs ${blueSvc.running} of ${blueSvc.desired} tasks`,
    );
    if (done) return done;
  }
  if (intent.kind !== "rollback" && current === target && !bothZero) {
    return { ok: false, reason: `Green already receives ${target} % of DNS answers.` };
  }

  const scale = ctx.waitScale;
  const steps: Step[] = [];
  if (target > 0 && blueSvc && greenSvc) {
    const failed = primaryDeployment(greenSvc);
    if (failed?.rolloutState === "FAILED") {
      return {
        ok: false,
        reason: `Green's deployment of ${failed.taskDefinition} failed (${failed.rolloutStateReason ?? "no reason given"}): fix green's service before sending it traffic.`,
      };
    }
    if (blueSvc.desired === 0 && greenSvc.desired === 0) {
      return { ok: false, reason: "Neither service wants any task: scale green (scale-green) to the size it needs before shifting traffic." };
    }
    const { scaleTo } = greenCapacityFor(state, target);
    if (scaleTo !== null) {
      steps.push({
        id: "scale-green",
        title: `Scale green's service ${greenSvc.service} from ${greenSvc.desired} to ${scaleTo} tasks and wait for a steady state`,
        call: updateServiceCall(greenSvc.cluster, greenSvc.service, { desiredCount: scaleTo }),
        wait: ecsSteadyWait(greenSvc.cluster, greenSvc.service, undefined, scale, SCALE_TIMEOUT_MS),
      });
    } else {
      steps.push({
        id: "check-green-steady",
        title: `Check that green's service ${greenSvc.service} is steady (${greenSvc.desired} tasks running, deployment completed)`,
        wait: ecsSteadyWait(greenSvc.cluster, greenSvc.service, undefined, scale, SCALE_TIMEOUT_MS),
      });
    }
  } else if (target === 0 && blueSvc && blueSvc.desired === 0) {
    // Blue was scaled to nothing after a promote: traffic sent back to it would fail.
    const size = Math.max(1, greenSvc?.desired ?? 0);
    steps.push({
      id: "scale-blue",
      title: `Scale blue's service ${blueSvc.service} from 0 to ${size} tasks and wait for a steady state`,
      call: updateServiceCall(blueSvc.cluster, blueSvc.service, { desiredCount: size }),
      wait: ecsSteadyWait(blueSvc.cluster, blueSvc.service, undefined, scale, SCALE_TIMEOUT_MS),
    });
  }
  const verb = intent.kind === "rollback" ? "roll back" : intent.kind === "promote" ? "promote" : "shift";
  steps.push(changeWeightsStep(state, records, target, verb, scale));

  const summary =
    intent.kind === "rollback"
      ? `Roll back ${state.appId}: blue 100 % (green from ${current} % to 0 %)`
      : `${intent.kind === "promote" ? "Promote" : "Shift"} ${state.appId}: green from ${current} % to ${target} %`;
  return {
    ok: true,
    plan: {
      appId: state.appId,
      pattern: "ecs-dns-swap",
      intent,
      summary,
      before: { greenPercent: current },
      after: { greenPercent: target },
      steps,
    },
  };
}

/** Green's configured share from the two alias weights, rounded to 0.01 % (all zero = equal split). */
export function configuredGreenPercent(blueWeight: number, greenWeight: number): number {
  return Math.round(greenShareOf(blueWeight, greenWeight) * 100) / 100;
}
