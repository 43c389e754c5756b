/**
 * Pure building blocks shared by the two Auto Scaling patterns (asg-swap, launch-swap): lifecycle
 * classification, the share grid of an instance-granular slider, deterministic instance choice,
 * and plan steps for the Auto Scaling calls. No I/O, no clock.
 */
import type { AsgGroupView, AsgView, InstanceView, LaunchSpecView } from "@/lib/domain/app-state";
import type { JsonObject } from "@/lib/domain/basics";
import type { Step, WaitCondition } from "@/lib/domain/plan";
import type { PlanContext } from "./types";

/** EnterStandby / ExitStandby take at most 20 instance ids per call. */
export const STANDBY_BATCH = 20;

const MINUTE = 60_000;

/** Counted in the group's desired capacity: launching or in service. */
export function isLive(i: InstanceView): boolean {
  const lc = i.lifecycle ?? "";
  return lc === "InService" || lc === "Pending" || lc.startsWith("Pending:");
}

export function isInService(i: InstanceView): boolean {
  return i.lifecycle === "InService";
}

/** In Standby or on the way there (desired capacity was already decremented). */
export function isStandby(i: InstanceView): boolean {
  return i.lifecycle === "Standby" || i.lifecycle === "EnteringStandby";
}

/** The group's instances are (being) registered with the load balancer. */
export function isAttached(attachment: string | null): boolean {
  return attachment === "Adding" || attachment === "Added" || attachment === "InService";
}

/** Registered and past Adding: the group's InService instances take traffic once healthy. */
export function isServingAttachment(attachment: string | null): boolean {
  return attachment === "Added" || attachment === "InService";
}

/** "lc-name" or "lt-id:version" as lib/aws formats an instance's launch (the resolved version number). */
export function launchKey(spec: LaunchSpecView): string {
  return spec.kind === "launch-configuration" ? spec.name : `${spec.id}:${spec.resolvedVersion}`;
}

export function describeLaunch(spec: LaunchSpecView): string {
  if (spec.kind === "launch-configuration") return `launch configuration ${spec.name}`;
  const resolved = spec.version === spec.resolvedVersion ? "" : ` (${spec.resolvedVersion})`;
  return `launch template ${spec.name || spec.id} version ${spec.version}${resolved}`;
}

export function sameLaunch(a: LaunchSpecView | null, b: LaunchSpecView): boolean {
  if (!a) return false;
  if (a.kind === "launch-configuration" || b.kind === "launch-configuration") {
    return a.kind === b.kind && a.name === b.name;
  }
  return a.id === b.id && a.version === b.version;
}

/** The UpdateAutoScalingGroup fields that make the group launch from `spec`. */
export function launchInput(spec: LaunchSpecView): JsonObject {
  if (spec.kind === "launch-configuration") return { LaunchConfigurationName: spec.name };
  return { LaunchTemplate: { LaunchTemplateId: spec.id, Version: spec.version } };
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Green's share when `k` of `total` serving instances are green. */
export function percentOf(k: number, total: number): number {
  return total > 0 ? round2((k / total) * 100) : 0;
}

function listPercents(ks: number[], total: number): string {
  return ks.map((k) => `${percentOf(k, total)} %`).join(", ");
}

/**
 * Snaps a requested share to the grid of `total` instances: accepted when it rounds to a reachable
 * share (33 → 1 of 3); refused otherwise, naming the nearest reachable shares and, when the grid
 * point exists but a size bound blocks it, the bound (`blocked` explains each blocked k).
 */
export function snapShare(
  requested: number,
  total: number,
  reachable: number[],
  blocked: (k: number) => string | null,
): { ok: true; k: number } | { ok: false; reason: string } {
  let best: number | null = null;
  for (let k = 0; k <= total; k++) {
    const pct = (k / total) * 100;
    if (Math.round(pct) === requested || Math.abs(pct - requested) < 1e-9) {
      if (best === null || Math.abs(pct - requested) < Math.abs((best / total) * 100 - requested)) best = k;
    }
  }
  const step = round2(100 / total);
  if (best !== null && reachable.includes(best)) return { ok: true, k: best };
  if (best !== null) {
    const why = blocked(best) ?? "a size bound of the group blocks it";
    return {
      ok: false,
      reason: `Green ${requested} % (${best} of ${total} instances) cannot be reached: ${why}. Reachable now: ${listPercents(reachable, total)}.`,
    };
  }
  const below = [...reachable].reverse().find((k) => (k / total) * 100 < requested);
  const above = reachable.find((k) => (k / total) * 100 > requested);
  const nearest = [below, above].filter((k): k is number => k !== undefined);
  return {
    ok: false,
    reason: `Green ${requested} % is not reachable: with ${total} instances serving, the share moves in steps of ${step} %. Nearest reachable: ${nearest.length ? listPercents(nearest, total).replace(/, /g, " or ") : "none"}.`,
  };
}

function zoneOf(i: InstanceView): string {
  return i.availabilityZone ?? "";
}

/**
 * Picks `n` instances to take out of service, keeping the remaining ones balanced across zones
 * (Auto Scaling balances zones before anything else): always from the zone that has the most of
 * `pool`; in that zone an unhealthy or launching instance first, then the highest id. Deterministic.
 */
export function pickForRemoval(pool: InstanceView[], n: number, eligible: (i: InstanceView) => boolean = () => true): InstanceView[] {
  const remaining = [...pool];
  const picked: InstanceView[] = [];
  while (picked.length < n) {
    const candidates = remaining.filter(eligible);
    if (candidates.length === 0) break;
    const counts = new Map<string, number>();
    for (const i of remaining) counts.set(zoneOf(i), (counts.get(zoneOf(i)) ?? 0) + 1);
    const rank = (i: InstanceView): [number, number, string, string] => [
      -(counts.get(zoneOf(i)) ?? 0),
      i.health === "healthy" && isInService(i) ? 1 : 0,
      zoneOf(i),
      i.id,
    ];
    candidates.sort((a, b) => {
      const ra = rank(a);
      const rb = rank(b);
      if (ra[0] !== rb[0]) return ra[0] - rb[0];
      if (ra[1] !== rb[1]) return ra[1] - rb[1];
      if (ra[2] !== rb[2]) return ra[2] < rb[2] ? -1 : 1;
      return ra[3] < rb[3] ? 1 : ra[3] > rb[3] ? -1 : 0;
    });
    const chosen = candidates[0];
    if (!chosen) break;
    picked.push(chosen);
    remaining.splice(remaining.indexOf(chosen), 1);
  }
  return picked;
}

/**
 * Picks `n` of `standby` to bring back, filling the zones with the fewest `live` instances first
 * (already in Standby before the ones still entering it; then the lowest id). Deterministic.
 */
export function pickForReturn(standby: InstanceView[], live: InstanceView[], n: number): InstanceView[] {
  const counts = new Map<string, number>();
  for (const i of live) counts.set(zoneOf(i), (counts.get(zoneOf(i)) ?? 0) + 1);
  const remaining = [...standby];
  const picked: InstanceView[] = [];
  while (picked.length < n && remaining.length > 0) {
    remaining.sort((a, b) => {
      const ca = counts.get(zoneOf(a)) ?? 0;
      const cb = counts.get(zoneOf(b)) ?? 0;
      if (ca !== cb) return ca - cb;
      const ea = a.lifecycle === "Standby" ? 0 : 1;
      const eb = b.lifecycle === "Standby" ? 0 : 1;
      if (ea !== eb) return ea - eb;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
    const chosen = remaining.shift();
    if (!chosen) break;
    picked.push(chosen);
    counts.set(zoneOf(chosen), (counts.get(zoneOf(chosen)) ?? 0) + 1);
  }
  return picked;
}

/** Timeout and poll of a wait, scaled for the practice range's fast clock. */
export function timing(ctx: PlanContext, timeoutMs: number, pollMs = 10_000): { timeoutMs: number; pollMs: number } {
  return { timeoutMs: Math.max(1000, Math.round(timeoutMs * ctx.waitScale)), pollMs: Math.max(100, Math.round(pollMs * ctx.waitScale)) };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function idList(ids: string[]): string {
  return ids.length <= 3 ? ids.join(", ") : `${ids.slice(0, 3).join(", ")} and ${ids.length - 3} more`;
}

export function instancesState(group: string, ids: string[], lifecycleState: string, ctx: PlanContext, timeoutMs = 10 * MINUTE): WaitCondition {
  return { kind: "asg-instances-state", groupName: group, instanceIds: ids, lifecycleState, ...timing(ctx, timeoutMs) };
}

export function inServiceWait(group: string, minInService: number, ctx: PlanContext, launch?: string): WaitCondition {
  return { kind: "asg-in-service", groupName: group, minInService, ...(launch ? { launch } : {}), ...timing(ctx, 15 * MINUTE) };
}

/**
 * At least `min` instances healthy behind the application's one load balancer (both colours
 * count: the load balancer is shared, and the plan knows how many of the other colour are healthy).
 */
export function lbHealthyWait(lb: AsgView["loadBalancer"], min: number, ctx: PlanContext, groupNames?: string[]): WaitCondition {
  // The groups named cap the count at their desired capacity on each poll (see lib/aws/waits).
  const groups = groupNames && groupNames.length > 0 ? { groupNames } : {};
  if (lb.kind === "classic") return { kind: "elb-in-service", loadBalancerName: lb.name, minInService: min, ...groups, ...timing(ctx, 15 * MINUTE) };
  return { kind: "tg-healthy", targetGroupArn: lb.arn, minHealthy: min, ...groups, ...timing(ctx, 15 * MINUTE) };
}

/** The given instances healthy behind the load balancer (when their ids are known). */
export function lbInstancesHealthyWait(lb: AsgView["loadBalancer"], ids: string[], ctx: PlanContext): WaitCondition {
  if (lb.kind === "classic") {
    return { kind: "elb-in-service", loadBalancerName: lb.name, minInService: ids.length, instanceIds: ids, ...timing(ctx, 15 * MINUTE) };
  }
  return { kind: "tg-healthy", targetGroupArn: lb.arn, minHealthy: ids.length, targetIds: ids, ...timing(ctx, 15 * MINUTE) };
}

export function lbLabel(lb: AsgView["loadBalancer"]): string {
  return lb.kind === "classic" ? `load balancer ${lb.name}` : `target group ${lb.name}`;
}

function trafficSource(lb: AsgView["loadBalancer"]): { identifier: string; json: JsonObject } {
  const identifier = lb.kind === "classic" ? lb.name : lb.arn;
  return { identifier, json: { Identifier: identifier, Type: lb.kind === "classic" ? "elb" : "elbv2" } };
}

/** Attach the load balancer and wait for the attachment (InService needs ELB health checks on the group). */
export function attachStep(id: string, group: AsgGroupView, lb: AsgView["loadBalancer"], ctx: PlanContext, who: string): Step {
  const src = trafficSource(lb);
  const state = /ELB/.test(group.healthCheckType) ? "InService" : "Added";
  return {
    id,
    title: `Attach ${who}'s group ${group.name} to the ${lbLabel(lb)} and wait until the attachment is ${state}`,
    call: {
      service: "autoscaling",
      operation: "AttachTrafficSources",
      input: { AutoScalingGroupName: group.name, TrafficSources: [src.json] },
    },
    skipIf: { kind: "asg-traffic-source", groupName: group.name, identifier: src.identifier, state, ...timing(ctx, MINUTE) },
    wait: { kind: "asg-traffic-source", groupName: group.name, identifier: src.identifier, state, ...timing(ctx, 10 * MINUTE) },
  };
}

/** Detach the load balancer (its instances drain) and wait until the attachment is Removed. */
export function detachStep(id: string, group: AsgGroupView, lb: AsgView["loadBalancer"], ctx: PlanContext, who: string): Step {
  const src = trafficSource(lb);
  const removed: WaitCondition = {
    kind: "asg-traffic-source",
    groupName: group.name,
    identifier: src.identifier,
    state: "Removed",
    ...timing(ctx, 15 * MINUTE),
  };
  return {
    id,
    title: `Detach ${who}'s group ${group.name} from the ${lbLabel(lb)} and wait until its instances have drained (Removed)`,
    call: {
      service: "autoscaling",
      operation: "DetachTrafficSources",
      input: { AutoScalingGroupName: group.name, TrafficSources: [src.json] },
    },
    skipIf: { ...removed, ...timing(ctx, MINUTE) },
    wait: removed,
  };
}

export function setDesiredStep(id: string, group: AsgGroupView, desired: number, why: string): Step {
  return {
    id,
    title: `Set the desired capacity of ${group.name} from ${group.desired} to ${desired} (${why})`,
    call: {
      service: "autoscaling",
      operation: "SetDesiredCapacity",
      input: { AutoScalingGroupName: group.name, DesiredCapacity: desired, HonorCooldown: false },
    },
  };
}

/** EnterStandby in batches of 20; each batch is skipped on a re-run when its instances are already in Standby. */
export function enterStandbySteps(idPrefix: string, group: string, ids: string[], decrement: boolean, ctx: PlanContext, who: string): Step[] {
  return chunks(ids, STANDBY_BATCH).map((batch, n) => ({
    id: `${idPrefix}${n > 0 ? `-${n + 1}` : ""}`,
    title: `Put ${who} instance${batch.length === 1 ? "" : "s"} ${idList(batch)} into Standby${decrement ? " (desired capacity decremented, no replacement)" : ""} and wait until they have drained`,
    call: {
      service: "autoscaling",
      operation: "EnterStandby",
      input: { AutoScalingGroupName: group, InstanceIds: batch, ShouldDecrementDesiredCapacity: decrement },
    },
    skipIf: instancesState(group, batch, "Standby", ctx, MINUTE),
    wait: instancesState(group, batch, "Standby", ctx),
  }));
}

/**
 * ExitStandby in batches of 20 (desired capacity goes up by one per instance). Instances still
 * entering Standby are waited for first: ExitStandby refuses them.
 */
export function exitStandbySteps(idPrefix: string, group: string, instances: InstanceView[], ctx: PlanContext, who: string): Step[] {
  const steps: Step[] = [];
  const entering = instances.filter((i) => i.lifecycle === "EnteringStandby").map((i) => i.id);
  if (entering.length > 0) {
    steps.push({
      id: `${idPrefix}-settle`,
      title: `Wait until ${who} instance${entering.length === 1 ? "" : "s"} ${idList(entering)} have finished entering Standby`,
      wait: instancesState(group, entering, "Standby", ctx),
    });
  }
  chunks(
    instances.map((i) => i.id),
    STANDBY_BATCH,
  ).forEach((batch, n) => {
    steps.push({
      id: `${idPrefix}${n > 0 ? `-${n + 1}` : ""}`,
      title: `Take ${who} instance${batch.length === 1 ? "" : "s"} ${idList(batch)} out of Standby and wait until they are InService`,
      call: { service: "autoscaling", operation: "ExitStandby", input: { AutoScalingGroupName: group, InstanceIds: batch } },
      skipIf: instancesState(group, batch, "InService", ctx, MINUTE),
      wait: instancesState(group, batch, "InService", ctx),
    });
  });
  return steps;
}

/**
 * TerminateInstanceInAutoScalingGroup for each instance (live ones decrement the desired capacity,
 * so nothing replaces them; Standby ones are not counted in it), then one wait until all are gone.
 */
export function terminateSteps(idPrefix: string, group: string, instances: InstanceView[], ctx: PlanContext, who: string): Step[] {
  if (instances.length === 0) return [];
  const steps: Step[] = instances.map((i) => ({
    id: `${idPrefix}-${i.id}`,
    title: `Terminate ${who} instance ${i.id}${isLive(i) ? " and decrement the desired capacity" : ` (in ${i.lifecycle ?? "Standby"}, not counted in the desired capacity)`}`,
    call: {
      service: "autoscaling",
      operation: "TerminateInstanceInAutoScalingGroup",
      input: { InstanceId: i.id, ShouldDecrementDesiredCapacity: isLive(i) },
    },
    skipIf: instancesState(group, [i.id], "Terminated", ctx, MINUTE),
  }));
  steps.push({
    id: `${idPrefix}-wait`,
    title: `Wait until ${instances.length === 1 ? "it has" : `the ${instances.length} instances have`} drained and terminated`,
    wait: instancesState(
      group,
      instances.map((i) => i.id),
      "Terminated",
      ctx,
      15 * MINUTE,
    ),
  });
  return steps;
}

/** Instance ids named by an intent, checked against a colour's instances. */
export function chooseNamed(
  instances: InstanceView[],
  ids: string[] | undefined,
  eligible: (i: InstanceView) => boolean,
  who: string,
  needState: string,
): { ok: true; chosen: InstanceView[] } | { ok: false; reason: string } {
  if (!ids || ids.length === 0) return { ok: true, chosen: instances.filter(eligible) };
  const chosen: InstanceView[] = [];
  for (const id of new Set(ids)) {
    const inst = instances.find((i) => i.id === id);
    if (!inst) return { ok: false, reason: `Instance ${id} is not one of ${who}'s instances.` };
    if (!eligible(inst)) return { ok: false, reason: `Instance ${id} is ${inst.lifecycle ?? "in an unknown state"}, not ${needState}.` };
    chosen.push(inst);
  }
  return { ok: true, chosen };
}
