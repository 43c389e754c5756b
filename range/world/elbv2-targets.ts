/**
 * ALB target groups at world level: registration, deregistration with the deregistration delay,
 * health checks run by the world tick and the TargetHealth view (docs/aws-behaviour.md §3.3, §11 ALB). The ELBv2
 * API (elbv2.ts), Auto Scaling and ECS all go through these functions, so a target registered by any
 * of them behaves the same.
 *
 * Health checks: the first check runs one interval after registration; a newly registered target
 * needs ONE passing check to become healthy (current AWS doc), later transitions follow
 * HealthyThresholdCount / UnhealthyThresholdCount. Targets of a group no listener forwards to are
 * `unused` / `Target.NotInUse` and are not checked, as on AWS.
 */
import { SimApiError } from "@/range/protocols/errors";
import { DEFAULT_VPC_ID, subnetById, subnetOf } from "./network";
import type { SimApplicationLoadBalancer, SimListenerAction, SimRule, SimTarget, SimTargetGroup, SimTargetState, SimWorld } from "./state";

/** Default of SimConfig.albActionDelayMs: listener/rule changes reach traffic after 2 s. */
export const DEFAULT_ALB_ACTION_DELAY_MS = 2_000;
/** Default of SimConfig.albProvisioningMs. */
export const DEFAULT_ALB_PROVISIONING_MS = 30_000;

/** TargetHealth Reason → Description, as AWS words them. */
export const TARGET_DESCRIPTIONS: Readonly<Record<string, string>> = {
  "Elb.RegistrationInProgress": "Target registration is in progress",
  "Elb.InitialHealthChecking": "Initial health checks in progress",
  "Target.FailedHealthChecks": "Health checks failed",
  "Target.Timeout": "Request timed out",
  "Target.ResponseCodeMismatch": "Health checks failed with these codes: [500]",
  "Target.NotRegistered": "Target is not registered to the target group",
  "Target.NotInUse": "Target group is not configured to receive traffic from the load balancer",
  "Target.DeregistrationInProgress": "Target deregistration is in progress",
  "Target.InvalidState": "Target is in the stopped state",
};

/** One row of the TargetHealth view. */
export interface TargetHealthRow {
  id: string;
  port: number;
  state: SimTargetState;
  reason?: string;
  description?: string;
}

function targetGroupsOf(world: SimWorld): Map<string, SimTargetGroup> {
  if (world.targetGroups === undefined) world.targetGroups = new Map();
  return world.targetGroups;
}

function albsOf(world: SimWorld): Map<string, SimApplicationLoadBalancer> {
  if (world.albs === undefined) world.albs = new Map();
  return world.albs;
}

function scaledMs(world: SimWorld, virtualMs: number): number {
  return Math.max(1, virtualMs / world.config.speed);
}

function intervalMs(world: SimWorld, group: SimTargetGroup): number {
  return scaledMs(world, group.healthCheck.intervalS * 1000);
}

/** A target group by ARN or by name; undefined when there is none. */
export function findTargetGroup(world: SimWorld, arnOrName: string): SimTargetGroup | undefined {
  const groups = targetGroupsOf(world);
  const byArn = groups.get(arnOrName);
  if (byArn !== undefined) return byArn;
  for (const group of groups.values()) if (group.name === arnOrName) return group;
  return undefined;
}

/** Like findTargetGroup, but an unknown group is the API's TargetGroupNotFound error. */
export function requireTargetGroup(world: SimWorld, arnOrName: string): SimTargetGroup {
  const group = findTargetGroup(world, arnOrName);
  if (group === undefined) throw new SimApiError("TargetGroupNotFound", `Target groups '${arnOrName}' not found`, 400);
  return group;
}

function forwardsTo(actions: SimListenerAction[], arn: string): boolean {
  return actions.some((a) => a.type === "forward" && a.targetGroups.some((tg) => tg.targetGroupArn === arn));
}

/** Rules (of every listener of every ALB) whose configured or in-flight actions forward to the group. */
export function rulesForwardingTo(world: SimWorld, targetGroupArn: string): { alb: SimApplicationLoadBalancer; rule: SimRule }[] {
  const out: { alb: SimApplicationLoadBalancer; rule: SimRule }[] = [];
  for (const alb of albsOf(world).values()) {
    for (const listener of alb.listeners) {
      for (const rule of listener.rules) {
        if (forwardsTo(rule.actions, targetGroupArn) || forwardsTo(rule.trafficActions, targetGroupArn)) out.push({ alb, rule });
      }
    }
  }
  return out;
}

/** The ALBs that route to the group through some listener rule (TargetGroup.LoadBalancerArns). */
export function loadBalancerArnsOf(world: SimWorld, targetGroupArn: string): string[] {
  return [...new Set(rulesForwardingTo(world, targetGroupArn).map((r) => r.alb.arn))];
}

function inUse(world: SimWorld, group: SimTargetGroup): boolean {
  return rulesForwardingTo(world, group.arn).length > 0;
}

/**
 * The groups some rule's configured or in-flight actions forward to: one pass over the rules, where
 * asking `rulesForwardingTo` per group would pass over them once per group (a fleet of ALBs makes
 * that the tick's whole cost).
 */
function groupsInUse(world: SimWorld): Set<string> {
  const used = new Set<string>();
  for (const alb of albsOf(world).values()) {
    for (const listener of alb.listeners) {
      for (const rule of listener.rules) {
        for (const action of [...rule.actions, ...rule.trafficActions]) {
          if (action.type === "forward") for (const tg of action.targetGroups) used.add(tg.targetGroupArn);
        }
      }
    }
  }
  return used;
}

function validateTarget(world: SimWorld, group: SimTargetGroup, target: { id: string; port?: number }): void {
  if (target.port !== undefined && (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535)) {
    throw new SimApiError("ValidationError", `Port ${String(target.port)} is not valid; it must be between 1 and 65535`, 400);
  }
  if (group.targetType === "instance") {
    const instance = world.instances.get(target.id);
    if (instance === undefined) {
      throw new SimApiError("InvalidTarget", `The following targets are not valid instances: '${target.id}'`, 400);
    }
    if (instance.state === "terminated" || instance.state === "shutting-down") {
      throw new SimApiError("InvalidTarget", `The following targets are not in a running state and cannot be registered: '${target.id}'`, 400);
    }
    // An instance target must be in the target group's VPC (docs/aws-behaviour.md §16.5).
    const vpcId = subnetById(world, instance.subnetId ?? subnetOf(instance.availabilityZone))?.vpcId ?? DEFAULT_VPC_ID;
    if (vpcId !== group.vpcId) {
      throw new SimApiError("InvalidTarget", `The following targets are not in the target group VPC '${group.vpcId}': '${target.id}'`, 400);
    }
  } else if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(target.id)) {
    throw new SimApiError("InvalidTarget", `The IP address '${target.id}' is not a valid IPv4 address`, 400);
  }
}

function resetToInitial(world: SimWorld, group: SimTargetGroup, target: SimTarget, fromMs: number): void {
  target.state = "initial";
  target.reason = "Elb.RegistrationInProgress";
  target.description = TARGET_DESCRIPTIONS["Elb.RegistrationInProgress"];
  target.consecutiveOk = 0;
  target.consecutiveFail = 0;
  target.everHealthy = false;
  target.nextCheckAtMs = fromMs + intervalMs(world, group);
}

/**
 * Registers targets (instance ids for target type `instance`, IPs for `ip`; port defaults to the
 * group's). They start `initial` / `Elb.RegistrationInProgress`. Registering a registered target is a
 * no-op; registering a draining one cancels the deregistration and starts its checks again.
 * Unknown group → SimApiError TargetGroupNotFound; an invalid target → InvalidTarget (nothing registered).
 */
export function registerTargets(world: SimWorld, targetGroupArn: string, targets: { id: string; port?: number }[]): void {
  const group = requireTargetGroup(world, targetGroupArn);
  for (const t of targets) validateTarget(world, group, t);
  for (const t of targets) {
    const port = t.port ?? group.port;
    const existing = group.targets.find((x) => x.id === t.id && x.port === port);
    if (existing !== undefined) {
      if (existing.drainingUntilMs !== undefined) {
        existing.drainingUntilMs = undefined;
        resetToInitial(world, group, existing, world.nowMs);
      }
      continue;
    }
    const target: SimTarget = {
      id: t.id,
      port,
      registeredAtMs: world.nowMs,
      state: "initial",
      consecutiveOk: 0,
      consecutiveFail: 0,
      everHealthy: false,
      nextCheckAtMs: 0,
    };
    resetToInitial(world, group, target, world.nowMs);
    group.targets.push(target);
  }
}

function startDeregistration(world: SimWorld, group: SimTargetGroup, target: SimTarget): void {
  if (target.drainingUntilMs !== undefined) return;
  const delayS = group.attributes.deregistrationDelayS;
  // A target that never became healthy has no connections to finish: AWS removes it at once.
  if (delayS <= 0 || !target.everHealthy || !inUse(world, group)) {
    group.targets = group.targets.filter((x) => x !== target);
    return;
  }
  target.state = "draining";
  target.reason = "Target.DeregistrationInProgress";
  target.description = TARGET_DESCRIPTIONS["Target.DeregistrationInProgress"];
  target.drainingUntilMs = world.nowMs + scaledMs(world, delayS * 1000);
}

/**
 * Deregisters every registration of the given ids (any port). Healthy-once targets drain for the
 * group's deregistration delay (divided by speed), then disappear; targets that never became healthy,
 * or any target when the delay is 0, go at once. Unknown ids are ignored, as on AWS.
 */
export function deregisterTargets(world: SimWorld, targetGroupArn: string, ids: string[]): void {
  const group = requireTargetGroup(world, targetGroupArn);
  const wanted = new Set(ids);
  for (const target of [...group.targets]) if (wanted.has(target.id)) startDeregistration(world, group, target);
}

/**
 * Deregisters targets the way the API names them: id plus port, where an omitted port means the
 * group's port (a target registered with a port override needs that port, docs/aws-behaviour.md §3.1).
 */
export function deregisterTargetsByPort(world: SimWorld, targetGroupArn: string, targets: { id: string; port?: number }[]): void {
  const group = requireTargetGroup(world, targetGroupArn);
  for (const t of targets) {
    const port = t.port ?? group.port;
    const target = group.targets.find((x) => x.id === t.id && x.port === port);
    if (target !== undefined) startDeregistration(world, group, target);
  }
}

function rowOf(target: SimTarget, used: boolean): TargetHealthRow {
  if (target.state !== "draining" && !used) {
    return { id: target.id, port: target.port, state: "unused", reason: "Target.NotInUse", description: TARGET_DESCRIPTIONS["Target.NotInUse"] };
  }
  if (target.state === "healthy") return { id: target.id, port: target.port, state: "healthy" };
  const row: TargetHealthRow = { id: target.id, port: target.port, state: target.state };
  if (target.reason !== undefined) row.reason = target.reason;
  if (target.description !== undefined) row.description = target.description;
  return row;
}

/** The TargetHealth of every registered target (draining ones included), in registration order. */
export function targetHealth(world: SimWorld, targetGroupArn: string): TargetHealthRow[] {
  const group = requireTargetGroup(world, targetGroupArn);
  const used = inUse(world, group);
  return group.targets.map((t) => rowOf(t, used));
}

/**
 * Targets the load balancer sends new requests to: healthy, not draining; when every registered
 * (non-draining) target is unhealthy, all of them (fail-open, docs/aws-behaviour.md §3.3). Initial targets get
 * nothing unless fail-open applies to them too (AWS routes to all when none is healthy).
 */
export function routableTargets(group: SimTargetGroup): SimTarget[] {
  const live = group.targets.filter((t) => t.drainingUntilMs === undefined);
  const healthy = live.filter((t) => t.state === "healthy");
  if (healthy.length > 0) return healthy;
  return live.filter((t) => t.state === "unhealthy").length === live.length ? live : [];
}

// ---------------------------------------------------------------------------------------------
// Health checks

interface CheckResult {
  pass: boolean;
  reason?: string;
}

/** What one health check of `target` at time `atMs` sees. */
function checkTarget(world: SimWorld, group: SimTargetGroup, target: SimTarget, atMs: number): CheckResult {
  let version: string;
  if (group.targetType === "instance") {
    const instance = world.instances.get(target.id);
    if (instance === undefined || instance.state !== "running" || instance.readyAtMs > atMs || instance.failing) {
      return { pass: false, reason: "Target.FailedHealthChecks" };
    }
    version = instance.version;
  } else {
    const task = [...(world.tasks?.values() ?? [])].find(
      (t) => t.ip === target.id && t.lastStatus === "RUNNING" && (t.startedAtMs ?? t.createdAtMs) <= atMs,
    );
    if (task === undefined || task.failing) return { pass: false, reason: "Target.FailedHealthChecks" };
    version = task.version;
  }
  const profile = world.versions.get(version);
  if (profile === undefined) return { pass: true };
  if (profile.baseLatencyMs >= group.healthCheck.timeoutS * 1000) return { pass: false, reason: "Target.Timeout" };
  if (!profile.healthy) return { pass: false, reason: "Target.ResponseCodeMismatch" };
  return { pass: true };
}

function runCheck(world: SimWorld, group: SimTargetGroup, target: SimTarget, atMs: number): void {
  const result = checkTarget(world, group, target, atMs);
  const hc = group.healthCheck;
  if (result.pass) {
    target.consecutiveOk += 1;
    target.consecutiveFail = 0;
    // A newly registered target needs one pass; a target that went unhealthy needs the threshold.
    if (target.state === "initial" || (target.state === "unhealthy" && target.consecutiveOk >= hc.healthyThreshold)) {
      target.state = "healthy";
      target.everHealthy = true;
      target.reason = undefined;
      target.description = undefined;
    }
  } else {
    target.consecutiveFail += 1;
    target.consecutiveOk = 0;
    const reason = result.reason ?? "Target.FailedHealthChecks";
    if (target.consecutiveFail >= hc.unhealthyThreshold) {
      target.state = "unhealthy";
      target.reason = reason;
      target.description = TARGET_DESCRIPTIONS[reason];
    } else if (target.state === "initial") {
      target.reason = "Elb.InitialHealthChecking";
      target.description = TARGET_DESCRIPTIONS["Elb.InitialHealthChecking"];
    } else if (target.state === "unhealthy") {
      target.reason = reason;
      target.description = TARGET_DESCRIPTIONS[reason];
    }
  }
  target.nextCheckAtMs = atMs + intervalMs(world, group);
}

interface ElbEvent {
  atMs: number;
  run: () => void;
  /** The event changes what rules forward to (the groups in use must be found again). */
  routing: boolean;
}

/** The earliest ELBv2 event in (.., toMs], with the action performing it; `used` is groupsInUse. */
function nextEvent(world: SimWorld, toMs: number, used: Set<string>): ElbEvent | undefined {
  let best: ElbEvent | undefined;
  const consider = (atMs: number, run: () => void, routing = false): void => {
    if (atMs <= toMs && (best === undefined || atMs < best.atMs)) best = { atMs, run, routing };
  };
  for (const alb of albsOf(world).values()) {
    if (alb.state === "provisioning") {
      consider(alb.activeAtMs, () => {
        alb.state = "active";
      });
    }
    for (const listener of alb.listeners) {
      for (const rule of listener.rules) {
        const at = rule.pendingAtMs;
        if (at !== undefined) {
          consider(
            at,
            () => {
              rule.trafficActions = rule.actions;
              rule.pendingAtMs = undefined;
            },
            true,
          );
        }
      }
    }
  }
  for (const group of targetGroupsOf(world).values()) {
    const inUse = used.has(group.arn);
    for (const target of group.targets) {
      if (target.drainingUntilMs !== undefined) {
        consider(target.drainingUntilMs, () => {
          group.targets = group.targets.filter((x) => x !== target);
        });
      } else if (inUse && group.healthCheck.enabled) {
        const at = target.nextCheckAtMs;
        consider(at, () => runCheck(world, group, target, at));
      }
    }
  }
  return best;
}

/**
 * Runs ELBv2's scheduled events from `fromMs` up to `toMs` in time order: ALB provisioning → active,
 * delayed listener/rule action changes, target health checks, end of draining. Targets of a group
 * that is not in use restart as freshly registered (checks begin once a listener forwards to it);
 * targets whose instance is terminated are deregistered, as ELB does by itself.
 */
export function tickTargetGroups(world: SimWorld, fromMs: number, toMs: number): void {
  let used = groupsInUse(world);
  for (const group of targetGroupsOf(world).values()) {
    if (group.targetType === "instance") {
      group.targets = group.targets.filter((t) => {
        const instance = world.instances.get(t.id);
        return instance !== undefined && instance.state !== "terminated";
      });
    }
    if (!used.has(group.arn)) {
      // Checks start one interval after the group comes into use (at the earliest, this step's end).
      for (const t of group.targets) if (t.drainingUntilMs === undefined) resetToInitial(world, group, t, toMs);
    }
  }
  const savedNow = world.nowMs;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const event = nextEvent(world, toMs, used);
    if (event === undefined) break;
    world.nowMs = Math.max(fromMs, event.atMs);
    event.run();
    if (event.routing) used = groupsInUse(world);
  }
  world.nowMs = Math.max(savedNow, world.nowMs);
}

/**
 * Rescales every scheduled ELBv2 time when the speed changes (see world.ts setSpeed): `rescale`
 * maps a future time under the old speed to the new one.
 */
export function rescaleElbv2(world: SimWorld, rescale: (atMs: number) => number): void {
  for (const group of targetGroupsOf(world).values()) {
    for (const t of group.targets) {
      t.nextCheckAtMs = rescale(t.nextCheckAtMs);
      if (t.drainingUntilMs !== undefined) t.drainingUntilMs = rescale(t.drainingUntilMs);
    }
  }
  for (const alb of albsOf(world).values()) {
    alb.activeAtMs = rescale(alb.activeAtMs);
    for (const listener of alb.listeners) {
      for (const rule of listener.rules) if (rule.pendingAtMs !== undefined) rule.pendingAtMs = rescale(rule.pendingAtMs);
    }
  }
}
