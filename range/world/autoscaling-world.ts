/**
 * EC2 Auto Scaling in the practice range's world: groups launch and terminate EC2 instances to match
 * their desired capacity, register them with their classic ELBs and target groups, replace unhealthy
 * ones, move instances in and out of standby, rebalance zones and run instance refreshes
 * (docs/aws-behaviour.md §4). The API handlers (range/protocols/autoscaling.ts) change group settings; `tickAutoScaling`,
 * called by the world's `advance`, carries every change out over virtual time.
 *
 * Timing: an instance is Pending while EC2 boots it (`instanceBootMs`), then InService and registered
 * with the group's load balancers, whose own health checks decide when it gets traffic. Terminating
 * instances are deregistered and wait for connection draining before EC2 terminates them. The group
 * reacts once per world step (at most 10 s of virtual time), like AWS reacting within seconds.
 *
 * Which application version an instance runs (`SimInstance.version`): the launch template version's
 * instance tag `teal:version`, else a `teal:version=<name>` line in the template's or launch
 * configuration's UserData, else the group's `teal:version` tag propagated at launch, else "v1".
 *
 * ELB health type: an instance counts as unhealthy once a load balancer has seen it fail the
 * UnhealthyThreshold number of checks in a row (classic ELB) or reports it `unhealthy` (target
 * groups), after the health-check grace period. An instance still in its first checks is not
 * unhealthy, so a grace period of 0 does not kill instances that are merely slow to pass.
 */
import { findTargetGroup, registerTargets, deregisterTargets, targetHealth } from "./elbv2-targets";
import { instanceId as newInstanceId, requestId, reservationId as newReservationId } from "./ids";
import { findLaunchTemplate, instanceTagsOf, resolveTemplateVersion, versionFromUserData } from "@/range/protocols/launch-templates";
import { createPrng, seedFromString, type Prng } from "./prng";
import type {
  SimAsgInstance,
  SimAsgLaunchSource,
  SimAsgTrafficSource,
  SimAutoScalingGroup,
  SimInstanceRefresh,
  SimLaunchConfiguration,
  SimScalingActivity,
  SimWorld,
} from "./state";
import { deregisterInstance, launchInstance, registerInstance, scaled, terminateInstance } from "./world";
import { healthyZones } from "./zone-faults";
import { DEFAULT_VPC_ID, subnetById, subnetOf, vpcDefaultGroup } from "./network";

/** Traffic source Adding → Added (virtual ms). */
export const TRAFFIC_SOURCE_ADD_MS = 5_000;
/** How long a Removed traffic source stays visible in DescribeTrafficSources (virtual ms). */
export const TRAFFIC_SOURCE_REMOVED_VISIBLE_MS = 5 * 60_000;
/** After a failed launch, the group retries after this long (virtual ms). */
export const LAUNCH_RETRY_MS = 60_000;
/** ExitStandby: Pending for this long before InService again (virtual ms). */
export const EXIT_STANDBY_PENDING_MS = 5_000;
/** Activities kept per group (AWS keeps six weeks; the range keeps the newest ones). */
const MAX_ACTIVITIES = 500;

export const SCALING_PROCESSES = [
  "Launch",
  "Terminate",
  "AddToLoadBalancer",
  "AlarmNotification",
  "AZRebalance",
  "HealthCheck",
  "InstanceRefresh",
  "ReplaceUnhealthy",
  "ScheduledActions",
] as const;

export function autoScalingGroups(world: SimWorld): Map<string, SimAutoScalingGroup> {
  world.autoScalingGroups ??= new Map();
  return world.autoScalingGroups;
}

export function launchConfigurations(world: SimWorld): Map<string, SimLaunchConfiguration> {
  world.launchConfigurations ??= new Map();
  return world.launchConfigurations;
}

/** AWS-style timestamp in activity causes: seconds precision, "Z". */
export function causeTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.[0-9]{3}Z$/, "Z");
}

/** A generator for the group's next ids, seeded by its ARN and its own counter (reproducible). */
export function groupPrng(group: SimAutoScalingGroup): Prng {
  group.idSeq += 1;
  return createPrng(seedFromString(`${group.arn}:${group.idSeq}`));
}

export function isSuspended(group: SimAutoScalingGroup, process: string): boolean {
  return group.suspendedProcesses.some((p) => p.name === process);
}

/** Instances that count toward the desired capacity. */
function isActive(inst: SimAsgInstance): boolean {
  return inst.lifecycleState === "Pending" || inst.lifecycleState === "InService";
}

export function activeInstances(group: SimAutoScalingGroup): SimAsgInstance[] {
  return group.instances.filter(isActive);
}

// ---------------------------------------------------------------------------------------------
// Activities

export function recordActivity(
  group: SimAutoScalingGroup,
  nowMs: number,
  fields: {
    description: string;
    cause: string;
    statusCode: SimScalingActivity["statusCode"];
    progress?: number;
    details?: Record<string, string>;
    statusMessage?: string;
  },
): SimScalingActivity {
  const activity: SimScalingActivity = {
    id: requestId(groupPrng(group)),
    groupName: group.name,
    groupArn: group.arn,
    description: fields.description,
    cause: fields.cause,
    startMs: nowMs,
    statusCode: fields.statusCode,
    statusMessage: fields.statusMessage,
    progress: fields.progress ?? 0,
    details: JSON.stringify(fields.details ?? {}),
  };
  if (fields.statusCode === "Successful" || fields.statusCode === "Failed" || fields.statusCode === "Cancelled") {
    activity.endMs = nowMs;
    activity.progress = 100;
  }
  group.activities.push(activity);
  if (group.activities.length > MAX_ACTIVITIES) group.activities.splice(0, group.activities.length - MAX_ACTIVITIES);
  return activity;
}

function activityOf(group: SimAutoScalingGroup, inst: SimAsgInstance): SimScalingActivity | undefined {
  return inst.activityId === undefined ? undefined : group.activities.find((a) => a.id === inst.activityId);
}

function finishActivity(
  group: SimAutoScalingGroup,
  inst: SimAsgInstance,
  nowMs: number,
  statusCode: "Successful" | "Failed" | "Cancelled" = "Successful",
): void {
  const activity = activityOf(group, inst);
  if (activity !== undefined && activity.endMs === undefined) {
    activity.statusCode = statusCode;
    activity.progress = 100;
    activity.endMs = nowMs;
  }
  inst.activityId = undefined;
}

// ---------------------------------------------------------------------------------------------
// Launch sources

/** The source new instances launch from: the running refresh's target, else the group's own. */
export function currentLaunchSource(group: SimAutoScalingGroup): SimAsgLaunchSource {
  const refresh = activeRefresh(group);
  return refresh?.targetSource ?? group.source;
}

/** The template version number a group source resolves to now, or undefined. */
function resolvedVersion(world: SimWorld, source: SimAsgLaunchSource): number | undefined {
  const lt = source.launchTemplate;
  if (lt === undefined) return undefined;
  const template = findLaunchTemplate(world, { id: lt.id });
  return template === undefined ? undefined : resolveTemplateVersion(template, lt.version)?.versionNumber;
}

/** Whether an instance was launched from what `source` launches now. */
export function matchesSource(world: SimWorld, inst: SimAsgInstance, source: SimAsgLaunchSource): boolean {
  if (source.launchConfigurationName !== undefined) return inst.source.launchConfigurationName === source.launchConfigurationName;
  const lt = source.launchTemplate;
  if (lt === undefined || inst.source.launchTemplate === undefined || inst.source.launchTemplate.id !== lt.id) return false;
  return inst.source.launchTemplate.version === String(resolvedVersion(world, source) ?? lt.version);
}

interface ResolvedLaunch {
  imageId: string;
  instanceType: string;
  tags: Record<string, string>;
  version: string;
  /** What the instance records (template version resolved to its number). */
  source: SimAsgLaunchSource;
  /** The launch template version's security groups (none: the subnet VPC's default group). */
  securityGroupIds: string[];
  /** Base64 user data of the template version or launch configuration. */
  userData?: string;
}

function vpcGroupIds(world: SimWorld, vpcId: string | undefined): string[] {
  const group = vpcId === undefined ? undefined : vpcDefaultGroup(world, vpcId);
  return group === undefined ? [] : [group.id];
}

function resolveLaunch(world: SimWorld, group: SimAutoScalingGroup, source: SimAsgLaunchSource): ResolvedLaunch | string {
  const groupTags: Record<string, string> = {};
  for (const tag of group.tags) if (tag.propagateAtLaunch) groupTags[tag.key] = tag.value;
  const fallbackVersion = groupTags["teal:version"] ?? "v1";
  if (source.launchConfigurationName !== undefined) {
    const lc = launchConfigurations(world).get(source.launchConfigurationName);
    if (lc === undefined) return `Launch configuration name not found - Launch configuration ${source.launchConfigurationName} not found`;
    return {
      imageId: lc.imageId,
      instanceType: lc.instanceType,
      tags: { ...groupTags, "aws:autoscaling:groupName": group.name },
      version: versionFromUserData(lc.userData) ?? fallbackVersion,
      source: { launchConfigurationName: lc.name },
      securityGroupIds: lc.securityGroups.filter((g) => g.startsWith("sg-")),
      userData: lc.userData,
    };
  }
  const lt = source.launchTemplate;
  if (lt === undefined) return "The group has no launch configuration or launch template.";
  const template = findLaunchTemplate(world, { id: lt.id });
  if (template === undefined) return `The specified launch template, with template ID ${lt.id}, does not exist.`;
  const version = resolveTemplateVersion(template, lt.version);
  if (version === undefined) return `The specified launch template version ${lt.version} of template ${template.id} does not exist.`;
  if (version.imageId === undefined) return "The request must contain the parameter ImageId";
  const templateTags = instanceTagsOf(version);
  return {
    imageId: version.imageId,
    instanceType: version.instanceType ?? "t3.micro",
    tags: { ...groupTags, ...templateTags, "aws:autoscaling:groupName": group.name },
    version: templateTags["teal:version"] ?? versionFromUserData(version.userData) ?? fallbackVersion,
    source: { launchTemplate: { id: template.id, name: template.name, version: String(version.versionNumber) } },
    securityGroupIds: [...version.securityGroupIds],
    userData: version.userData,
  };
}

/**
 * The zone of the group with the fewest live instances (ties: the zone listed first), among the
 * zones that have not failed: Auto Scaling launches in the other zones when one cannot launch.
 */
function smallestZone(world: SimWorld, group: SimAutoScalingGroup): string | undefined {
  const counts = zoneCounts(group, (i) => i.lifecycleState !== "Terminating" && i.lifecycleState !== "Terminated");
  let best: string | undefined;
  for (const zone of healthyZones(world, group.availabilityZones))
    if (best === undefined || (counts.get(zone) ?? 0) < (counts.get(best) ?? 0)) best = zone;
  return best;
}

function zoneCounts(group: SimAutoScalingGroup, include: (i: SimAsgInstance) => boolean): Map<string, number> {
  const counts = new Map<string, number>(group.availabilityZones.map((z) => [z, 0]));
  for (const inst of group.instances) if (include(inst)) counts.set(inst.availabilityZone, (counts.get(inst.availabilityZone) ?? 0) + 1);
  return counts;
}

/**
 * The subnet of the group's zone an instance launches in: the group's subnet in that zone
 * (`VPCZoneIdentifier`), else the zone's default subnet (docs/aws-behaviour.md §16.6).
 */
function subnetIn(world: SimWorld, group: SimAutoScalingGroup, zone: string): string {
  for (const id of (group.vpcZoneIdentifier ?? "").split(",")) {
    const subnet = subnetById(world, id.trim());
    if (subnet?.availabilityZone === zone) return subnet.id;
  }
  return subnetOf(zone);
}

/**
 * Launches one instance for the group in its smallest zone. Returns undefined (and records a Failed
 * activity, with a retry delay) when the launch source cannot be resolved.
 */
function launchOne(world: SimWorld, group: SimAutoScalingGroup, cause: string): SimAsgInstance | undefined {
  const resolved = resolveLaunch(world, group, currentLaunchSource(group));
  const zone = smallestZone(world, group) ?? `${world.config.region}a`;
  if (typeof resolved === "string") {
    recordActivity(group, world.nowMs, {
      description: "Launching a new EC2 instance.  Status Reason: " + resolved + " Launching EC2 instance failed.",
      cause,
      statusCode: "Failed",
      statusMessage: `${resolved} Launching EC2 instance failed.`,
      details: { "Subnet ID": subnetIn(world, group, zone), "Availability Zone": zone },
    });
    group.launchRetryAtMs = world.nowMs + scaled(world, LAUNCH_RETRY_MS);
    return undefined;
  }
  const prng = groupPrng(group);
  const id = newInstanceId(prng);
  const subnet = subnetIn(world, group, zone);
  const vpcId = subnetById(world, subnet)?.vpcId;
  const ec2 = launchInstance(world, {
    id,
    imageId: resolved.imageId,
    instanceType: resolved.instanceType,
    availabilityZone: zone,
    tags: resolved.tags,
    reservationId: newReservationId(prng),
    userData: resolved.userData,
    // Only a group in subnets of its own records them: the demo's default-subnet groups stay as they were.
    ...(group.vpcZoneIdentifier !== undefined && vpcId !== DEFAULT_VPC_ID
      ? { subnetId: subnet, securityGroupIds: resolved.securityGroupIds.length > 0 ? resolved.securityGroupIds : vpcGroupIds(world, vpcId) }
      : {}),
  });
  ec2.version = resolved.version;
  const activity = recordActivity(group, world.nowMs, {
    description: `Launching a new EC2 instance: ${id}`,
    cause,
    statusCode: "PreInService",
    progress: 30,
    details: { "Subnet ID": subnet, "Availability Zone": zone },
  });
  const inst: SimAsgInstance = {
    instanceId: id,
    instanceType: resolved.instanceType,
    availabilityZone: zone,
    lifecycleState: "Pending",
    healthStatus: "Healthy",
    source: resolved.source,
    protectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
    launchedAtMs: world.nowMs,
    activityId: activity.id,
  };
  group.instances.push(inst);
  return inst;
}

// ---------------------------------------------------------------------------------------------
// Traffic sources

type SourceHealth = "healthy" | "unhealthy" | "unknown";

/** Sources the group's instances are (being) registered with. */
function registeringSources(group: SimAutoScalingGroup): SimAsgTrafficSource[] {
  return group.trafficSources.filter((s) => s.state === "Added" || s.state === "InService");
}

function registerWith(world: SimWorld, source: SimAsgTrafficSource, instanceId: string): void {
  if (source.type === "elb") {
    const lb = world.loadBalancers.get(source.identifier);
    if (lb !== undefined) registerInstance(world, lb, instanceId);
    return;
  }
  const tg = findTargetGroup(world, source.identifier);
  const ec2 = world.instances.get(instanceId);
  if (tg !== undefined && ec2 !== undefined && ec2.state !== "shutting-down" && ec2.state !== "terminated") {
    registerTargets(world, tg.arn, [{ id: instanceId }]);
  }
}

function deregisterFrom(world: SimWorld, source: SimAsgTrafficSource, instanceId: string): void {
  if (source.type === "elb") {
    const lb = world.loadBalancers.get(source.identifier);
    if (lb !== undefined) deregisterInstance(world, lb, instanceId);
    return;
  }
  const tg = findTargetGroup(world, source.identifier);
  if (tg !== undefined) deregisterTargets(world, tg.arn, [instanceId]);
}

/** Whether the instance is still registered with the source, draining included. */
function stillAttached(world: SimWorld, source: SimAsgTrafficSource, instanceId: string): boolean {
  if (source.type === "elb") return world.loadBalancers.get(source.identifier)?.registrations.some((r) => r.instanceId === instanceId) ?? false;
  return findTargetGroup(world, source.identifier)?.targets.some((t) => t.id === instanceId) ?? false;
}

function healthOn(world: SimWorld, source: SimAsgTrafficSource, instanceId: string): SourceHealth {
  if (source.type === "elb") {
    const lb = world.loadBalancers.get(source.identifier);
    const reg = lb?.registrations.find((r) => r.instanceId === instanceId && r.drainingUntilMs === undefined);
    if (lb === undefined || reg === undefined) return "unknown";
    if (reg.state === "InService") return "healthy";
    return reg.consecutiveFail >= lb.healthCheck.unhealthyThreshold ? "unhealthy" : "unknown";
  }
  const tg = findTargetGroup(world, source.identifier);
  if (tg === undefined) return "unknown";
  const row = targetHealth(world, tg.arn).find((r) => r.id === instanceId);
  if (row?.state === "healthy") return "healthy";
  return row?.state === "unhealthy" ? "unhealthy" : "unknown";
}

/** Whether the source exists in the world (a classic ELB by name, a target group by ARN). */
export function trafficSourceExists(world: SimWorld, type: "elb" | "elbv2", identifier: string): boolean {
  return type === "elb" ? world.loadBalancers.has(identifier) : findTargetGroup(world, identifier)?.arn === identifier;
}

/** Starts attaching a source (Adding); re-attaching a source being removed starts over. */
export function attachTrafficSource(world: SimWorld, group: SimAutoScalingGroup, type: "elb" | "elbv2", identifier: string): void {
  const existing = group.trafficSources.find((s) => s.identifier === identifier && s.type === type);
  if (existing !== undefined && existing.state !== "Removing" && existing.state !== "Removed") return;
  group.trafficSources = group.trafficSources.filter((s) => s !== existing);
  group.trafficSources.push({ identifier, type, state: "Adding", changedAtMs: world.nowMs });
}

/** Starts detaching a source (Removing): the group's instances are deregistered (with draining). */
export function detachTrafficSource(world: SimWorld, group: SimAutoScalingGroup, type: "elb" | "elbv2", identifier: string): void {
  const source = group.trafficSources.find((s) => s.identifier === identifier && s.type === type);
  if (source === undefined || source.state === "Removing" || source.state === "Removed") return;
  source.state = "Removing";
  source.changedAtMs = world.nowMs;
  for (const inst of group.instances) deregisterFrom(world, source, inst.instanceId);
}

/** Traffic sources as DescribeAutoScalingGroups lists them (not being removed). */
export function attachedSources(group: SimAutoScalingGroup, type?: "elb" | "elbv2"): SimAsgTrafficSource[] {
  return group.trafficSources.filter((s) => s.state !== "Removing" && s.state !== "Removed" && (type === undefined || s.type === type));
}

function tickTrafficSources(world: SimWorld, group: SimAutoScalingGroup): void {
  const now = world.nowMs;
  for (const source of group.trafficSources) {
    if (source.state === "Adding" && now >= source.changedAtMs + scaled(world, TRAFFIC_SOURCE_ADD_MS)) {
      source.state = "Added";
      source.changedAtMs = now;
      if (!isSuspended(group, "AddToLoadBalancer")) {
        for (const inst of group.instances) if (inst.lifecycleState === "InService") registerWith(world, source, inst.instanceId);
      }
    }
    if (source.state === "Added" && group.healthCheckType.includes("ELB")) {
      // AWS: InService only when the group uses ELB health checks and an instance passed one.
      if (group.instances.some((i) => i.lifecycleState === "InService" && healthOn(world, source, i.instanceId) === "healthy")) {
        source.state = "InService";
        source.changedAtMs = now;
      }
    }
    if (source.state === "Removing" && !group.instances.some((i) => stillAttached(world, source, i.instanceId))) {
      source.state = "Removed";
      source.changedAtMs = now;
    }
  }
  group.trafficSources = group.trafficSources.filter(
    (s) => s.state !== "Removed" || now < s.changedAtMs + scaled(world, TRAFFIC_SOURCE_REMOVED_VISIBLE_MS),
  );
}

function attachedAnywhere(world: SimWorld, group: SimAutoScalingGroup, instanceId: string): boolean {
  return group.trafficSources.some((s) => s.state !== "Removed" && stillAttached(world, s, instanceId));
}

// ---------------------------------------------------------------------------------------------
// Instance transitions

/**
 * Takes an instance out of service for termination: deregistered from the group's load balancers
 * (EC2 terminates it once draining is over), with a "Terminating EC2 instance" activity.
 */
export function beginTermination(world: SimWorld, group: SimAutoScalingGroup, inst: SimAsgInstance, cause: string): SimScalingActivity {
  if (inst.activityId !== undefined) finishActivity(group, inst, world.nowMs);
  inst.lifecycleState = "Terminating";
  for (const source of group.trafficSources) if (source.state !== "Removed") deregisterFrom(world, source, inst.instanceId);
  const draining = attachedAnywhere(world, group, inst.instanceId);
  const activity = recordActivity(group, world.nowMs, {
    description: `Terminating EC2 instance: ${inst.instanceId}`,
    cause,
    statusCode: draining ? "WaitingForELBConnectionDraining" : "InProgress",
    progress: draining ? 50 : 80,
    details: {
      "Subnet ID": world.instances.get(inst.instanceId)?.subnetId ?? subnetIn(world, group, inst.availabilityZone),
      "Availability Zone": inst.availabilityZone,
    },
  });
  inst.activityId = activity.id;
  if (!draining) requestEc2Termination(world, inst);
  return activity;
}

function requestEc2Termination(world: SimWorld, inst: SimAsgInstance): void {
  const ec2 = world.instances.get(inst.instanceId);
  if (ec2 !== undefined) terminateInstance(world, ec2);
  inst.ec2TerminateRequested = true;
}

/** EnterStandby for one instance: EnteringStandby, deregistered with draining, then Standby. */
export function enterStandby(world: SimWorld, group: SimAutoScalingGroup, inst: SimAsgInstance, decrement: boolean): SimScalingActivity {
  const before = group.desiredCapacity;
  if (decrement) group.desiredCapacity -= 1;
  if (inst.activityId !== undefined) finishActivity(group, inst, world.nowMs);
  inst.lifecycleState = "EnteringStandby";
  for (const source of group.trafficSources) if (source.state !== "Removed") deregisterFrom(world, source, inst.instanceId);
  const at = causeTime(world.nowMs);
  const activity = recordActivity(group, world.nowMs, {
    description: `Moving EC2 instance to Standby: ${inst.instanceId}`,
    cause: decrement
      ? `At ${at} instance ${inst.instanceId} was moved to standby in response to a user request, shrinking the capacity from ${before} to ${group.desiredCapacity}.`
      : `At ${at} instance ${inst.instanceId} was moved to standby in response to a user request.`,
    statusCode: "InProgress",
    progress: 50,
  });
  inst.activityId = activity.id;
  return activity;
}

/** ExitStandby for one instance: desired capacity + 1, Pending (grace period again), then InService. */
export function exitStandby(world: SimWorld, group: SimAutoScalingGroup, inst: SimAsgInstance): SimScalingActivity {
  const before = group.desiredCapacity;
  group.desiredCapacity += 1;
  if (inst.activityId !== undefined) finishActivity(group, inst, world.nowMs);
  inst.lifecycleState = "Pending";
  inst.inServiceAtMs = undefined;
  inst.pendingUntilMs = world.nowMs + scaled(world, EXIT_STANDBY_PENDING_MS);
  const activity = recordActivity(group, world.nowMs, {
    description: `Moving EC2 instance out of Standby: ${inst.instanceId}`,
    cause: `At ${causeTime(world.nowMs)} instance ${inst.instanceId} was moved out of standby in response to a user request, increasing the capacity from ${before} to ${group.desiredCapacity}.`,
    statusCode: "PreInService",
    progress: 30,
  });
  inst.activityId = activity.id;
  return activity;
}

function tickInstances(world: SimWorld, group: SimAutoScalingGroup): void {
  const now = world.nowMs;
  for (const inst of [...group.instances]) {
    const ec2 = world.instances.get(inst.instanceId);
    switch (inst.lifecycleState) {
      case "Pending":
        if (ec2?.state === "running" && (inst.pendingUntilMs === undefined || now >= inst.pendingUntilMs)) {
          inst.lifecycleState = "InService";
          inst.inServiceAtMs = now;
          inst.pendingUntilMs = undefined;
          finishActivity(group, inst, now);
          if (!isSuspended(group, "AddToLoadBalancer")) {
            for (const source of registeringSources(group)) registerWith(world, source, inst.instanceId);
          }
        }
        break;
      case "EnteringStandby":
        if (!attachedAnywhere(world, group, inst.instanceId)) {
          inst.lifecycleState = "Standby";
          finishActivity(group, inst, now);
        }
        break;
      case "Terminating":
        if (!inst.ec2TerminateRequested) {
          if (!attachedAnywhere(world, group, inst.instanceId)) {
            requestEc2Termination(world, inst);
            const activity = activityOf(group, inst);
            if (activity !== undefined) {
              activity.statusCode = "InProgress";
              activity.progress = 80;
            }
          }
        } else if (ec2 === undefined || ec2.state === "terminated") {
          inst.lifecycleState = "Terminated";
          finishActivity(group, inst, now);
          group.instances = group.instances.filter((i) => i !== inst);
        }
        break;
      default:
        break;
    }
  }
}

/** Health checks and replacement of unhealthy instances (HealthCheck / ReplaceUnhealthy processes). */
function tickHealth(world: SimWorld, group: SimAutoScalingGroup): void {
  const now = world.nowMs;
  if (!isSuspended(group, "HealthCheck")) {
    for (const inst of group.instances) {
      if (!isActive(inst) || inst.healthStatus === "Unhealthy") continue;
      const ec2 = world.instances.get(inst.instanceId);
      if (ec2 === undefined || ec2.state === "shutting-down" || ec2.state === "terminated") {
        inst.healthStatus = "Unhealthy";
        continue;
      }
      const graceOver = inst.inServiceAtMs !== undefined && now >= inst.inServiceAtMs + scaled(world, group.healthCheckGracePeriodS * 1000);
      if (inst.lifecycleState === "InService" && graceOver && group.healthCheckType.includes("ELB")) {
        if (registeringSources(group).some((s) => healthOn(world, s, inst.instanceId) === "unhealthy")) inst.healthStatus = "Unhealthy";
      }
    }
  }
  if (isSuspended(group, "ReplaceUnhealthy") || isSuspended(group, "Terminate")) return;
  for (const inst of group.instances) {
    if (!isActive(inst) || inst.healthStatus !== "Unhealthy") continue;
    const ec2 = world.instances.get(inst.instanceId);
    const ec2Failed = ec2 === undefined || ec2.state === "shutting-down" || ec2.state === "terminated";
    const at = causeTime(now);
    beginTermination(
      world,
      group,
      inst,
      ec2Failed
        ? `At ${at} an instance was taken out of service in response to an EC2 instance status checks failure.`
        : `At ${at} an instance was taken out of service in response to an ELB system health check failure.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Scale-in choice (docs/aws-behaviour.md §4.5)

function lcCreatedAt(world: SimWorld, name: string | undefined): number {
  return name === undefined ? 0 : (launchConfigurations(world).get(name)?.createdAtMs ?? 0);
}

/** How outdated an instance's launch source is for the group: smaller is older (terminated first). */
function outdatedRank(world: SimWorld, group: SimAutoScalingGroup, inst: SimAsgInstance): [number, number] {
  const src = currentLaunchSource(group);
  if (src.launchTemplate !== undefined) {
    if (inst.source.launchConfigurationName !== undefined) return [0, 0];
    if (inst.source.launchTemplate?.id !== src.launchTemplate.id) return [1, 0];
    return [2, Number(inst.source.launchTemplate.version)];
  }
  if (inst.source.launchTemplate !== undefined) return [0, 0];
  if (inst.source.launchConfigurationName !== src.launchConfigurationName) return [1, lcCreatedAt(world, inst.source.launchConfigurationName)];
  return [2, 0];
}

function keepMin<T>(items: T[], key: (item: T) => number[]): T[] {
  let best: number[] | undefined;
  let out: T[] = [];
  for (const item of items) {
    const k = key(item);
    const cmp = best === undefined ? -1 : compareKeys(k, best);
    if (cmp < 0) {
      best = k;
      out = [item];
    } else if (cmp === 0) out.push(item);
  }
  return out;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const HOUR_MS = 3_600_000;

function applyPolicy(world: SimWorld, group: SimAutoScalingGroup, policy: string, candidates: SimAsgInstance[]): SimAsgInstance[] {
  const now = world.nowMs;
  const toNextHour = (i: SimAsgInstance): number => HOUR_MS - ((now - i.launchedAtMs) % HOUR_MS);
  switch (policy) {
    case "Default":
      return keepMin(
        keepMin(candidates, (i) => outdatedRank(world, group, i)),
        (i) => [toNextHour(i)],
      );
    case "OldestLaunchConfiguration": {
      const withLc = candidates.filter((i) => i.source.launchConfigurationName !== undefined);
      return withLc.length === 0 ? candidates : keepMin(withLc, (i) => [lcCreatedAt(world, i.source.launchConfigurationName)]);
    }
    case "OldestLaunchTemplate":
      return currentLaunchSource(group).launchTemplate === undefined ? candidates : keepMin(candidates, (i) => outdatedRank(world, group, i));
    case "OldestInstance":
      return keepMin(candidates, (i) => [i.launchedAtMs]);
    case "NewestInstance":
      return keepMin(candidates, (i) => [-i.launchedAtMs]);
    case "ClosestToNextInstanceHour":
      return keepMin(candidates, (i) => [toNextHour(i)]);
    default:
      // AllocationStrategy and custom (Lambda) policies do not narrow the choice here.
      return candidates;
  }
}

/**
 * Chooses the instance to terminate on scale-in: an unhealthy one if any; else, in the zone(s) with
 * the most instances that have an unprotected one, by the group's termination policies in order,
 * then the Default policy, then at random. Undefined when every instance is protected.
 */
export function chooseForScaleIn(world: SimWorld, group: SimAutoScalingGroup, exclude: ReadonlySet<string> = new Set()): SimAsgInstance | undefined {
  const active = activeInstances(group).filter((i) => !exclude.has(i.instanceId));
  const unprotected = active.filter((i) => !i.protectedFromScaleIn);
  if (unprotected.length === 0) return undefined;
  const unhealthy = unprotected.find((i) => i.healthStatus === "Unhealthy");
  if (unhealthy !== undefined) return unhealthy;
  const counts = new Map<string, number>();
  for (const i of active) counts.set(i.availabilityZone, (counts.get(i.availabilityZone) ?? 0) + 1);
  const zonesWithCandidates = new Set(unprotected.map((i) => i.availabilityZone));
  const most = Math.max(...[...zonesWithCandidates].map((z) => counts.get(z) ?? 0));
  let candidates = unprotected.filter((i) => (counts.get(i.availabilityZone) ?? 0) === most);
  for (const policy of [...group.terminationPolicies, "Default"]) {
    if (candidates.length <= 1) break;
    candidates = applyPolicy(world, group, policy, candidates);
  }
  if (candidates.length <= 1) return candidates[0];
  return candidates[groupPrng(group).int(candidates.length)];
}

// ---------------------------------------------------------------------------------------------
// Instance refresh

export function activeRefresh(group: SimAutoScalingGroup): SimInstanceRefresh | undefined {
  return group.instanceRefreshes.find(
    (r) =>
      r.status === "Pending" || r.status === "InProgress" || r.status === "Cancelling" || r.status === "RollbackInProgress" || r.status === "Baking",
  );
}

/** Instances a refresh toward `target` has to replace (all live ones, or only mismatched ones with SkipMatching). */
export function refreshCandidates(
  world: SimWorld,
  group: SimAutoScalingGroup,
  target: SimAsgLaunchSource,
  refresh: Pick<SimInstanceRefresh, "preferences">,
): string[] {
  return group.instances
    .filter((i) => {
      if (i.lifecycleState === "Standby" || i.lifecycleState === "EnteringStandby") return refresh.preferences.standbyInstances === "Terminate";
      if (!isActive(i)) return false;
      if (i.protectedFromScaleIn && refresh.preferences.scaleInProtectedInstances === "Ignore") return false;
      return !refresh.preferences.skipMatching || !matchesSource(world, i, target);
    })
    .map((i) => i.instanceId);
}

/** Starts rolling back a refresh: instances launched from its configuration go back to the previous one. */
export function startRollback(world: SimWorld, group: SimAutoScalingGroup, refresh: SimInstanceRefresh, reason: string): void {
  refresh.rollback = {
    reason,
    startMs: world.nowMs,
    percentageCompleteOnRollback: refresh.percentageComplete,
    instancesToUpdateOnRollback: refresh.instancesToUpdate,
  };
  refresh.status = "RollbackInProgress";
  refresh.statusReason = reason;
  refresh.targetSource = refresh.previousSource;
  refresh.toReplace = activeInstances(group)
    .filter((i) => !matchesSource(world, i, refresh.previousSource))
    .map((i) => i.instanceId);
  refresh.total = refresh.toReplace.length;
  refresh.nextCheckpoint = refresh.preferences.checkpointPercentages.length;
  refresh.pausedUntilMs = undefined;
  refresh.bakeUntilMs = undefined;
  refresh.percentageComplete = 0;
  refresh.instancesToUpdate = refresh.total;
}

function finishRefresh(world: SimWorld, refresh: SimInstanceRefresh, status: SimInstanceRefresh["status"], reason?: string): void {
  refresh.status = status;
  refresh.statusReason = reason;
  refresh.endMs = world.nowMs;
  refresh.pausedUntilMs = undefined;
}

function alarmInAlarm(world: SimWorld, refresh: SimInstanceRefresh): string | undefined {
  return refresh.preferences.alarms.find((name) => world.alarms?.get(name)?.state === "ALARM");
}

/** Extra instances the refresh lets the group run above desired capacity (MaxHealthyPercentage > 100). */
function refreshExtra(group: SimAutoScalingGroup, refresh: SimInstanceRefresh | undefined): number {
  if (refresh === undefined || (refresh.status !== "InProgress" && refresh.status !== "RollbackInProgress")) return 0;
  const d = group.desiredCapacity;
  const max = refresh.preferences.maxHealthyPercentage;
  if (max <= 100) return 0;
  const maxTotal = Math.max(d + 1, Math.floor((d * max) / 100));
  return Math.min(refresh.toReplace.length, maxTotal - d);
}

function tickRefresh(world: SimWorld, group: SimAutoScalingGroup, refresh: SimInstanceRefresh): void {
  const now = world.nowMs;
  if (refresh.status === "Pending") {
    refresh.status = "InProgress";
    refresh.statusReason = undefined;
  }
  if (refresh.status === "Cancelling") {
    if (!group.instances.some((i) => i.lifecycleState === "Pending"))
      finishRefresh(world, refresh, "Cancelled", "The instance refresh was cancelled.");
    return;
  }
  if (isSuspended(group, "InstanceRefresh")) return;
  const rollingBack = refresh.status === "RollbackInProgress";
  if (!rollingBack) {
    const alarm = alarmInAlarm(world, refresh);
    if (alarm !== undefined) {
      const reason = `The instance refresh failed because alarm ${alarm} went into ALARM state.`;
      if (refresh.preferences.autoRollback) startRollback(world, group, refresh, reason);
      else finishRefresh(world, refresh, "Failed", reason);
      return;
    }
  }
  if (refresh.status === "Baking") {
    if (refresh.bakeUntilMs !== undefined && now >= refresh.bakeUntilMs) {
      finishRefresh(world, refresh, "Successful");
      if (refresh.desiredConfiguration !== undefined) group.source = refresh.targetSource;
    }
    return;
  }
  if (refresh.pausedUntilMs !== undefined && now < refresh.pausedUntilMs) return;
  refresh.pausedUntilMs = undefined;

  const live = new Set(activeInstances(group).map((i) => i.instanceId));
  const standby = new Set(group.instances.filter((i) => i.lifecycleState === "Standby").map((i) => i.instanceId));
  refresh.toReplace = refresh.toReplace.filter((id) => live.has(id) || standby.has(id));
  const warmupMs = scaled(world, refresh.preferences.instanceWarmupS * 1000);
  const toReplace = new Set(refresh.toReplace);
  const fresh = group.instances.filter((i) => isActive(i) && !toReplace.has(i.instanceId) && matchesSource(world, i, refresh.targetSource));
  const warm = (i: SimAsgInstance): boolean =>
    i.lifecycleState === "InService" && i.healthStatus === "Healthy" && i.inServiceAtMs !== undefined && now >= i.inServiceAtMs + warmupMs;
  const warming = fresh.filter((i) => !warm(i)).length;
  const updated = Math.max(0, Math.min(refresh.total, refresh.total - refresh.toReplace.length - warming));
  refresh.percentageComplete = refresh.total === 0 ? 100 : Math.floor((100 * updated) / refresh.total);
  refresh.instancesToUpdate = refresh.total - updated;

  const checkpoints = refresh.preferences.checkpointPercentages;
  const next = checkpoints[refresh.nextCheckpoint];
  if (!rollingBack && next !== undefined && refresh.percentageComplete >= next) {
    refresh.nextCheckpoint += 1;
    refresh.pausedUntilMs = now + scaled(world, refresh.preferences.checkpointDelayS * 1000);
    refresh.statusReason = `Waiting for checkpoint delay (${refresh.percentageComplete}% complete).`;
    return;
  }
  // Done once every old instance is replaced, the new ones are warm and the old ones are gone.
  if (refresh.toReplace.length === 0 && warming === 0 && !group.instances.some((i) => i.lifecycleState === "Terminating")) {
    if (rollingBack) {
      finishRefresh(world, refresh, "RollbackSuccessful", refresh.rollback?.reason);
    } else if (refresh.preferences.bakeTimeS > 0) {
      refresh.status = "Baking";
      refresh.bakeUntilMs = now + scaled(world, refresh.preferences.bakeTimeS * 1000);
    } else {
      finishRefresh(world, refresh, "Successful");
      if (refresh.desiredConfiguration !== undefined) group.source = refresh.targetSource;
    }
    return;
  }
  refresh.statusReason = rollingBack ? refresh.rollback?.reason : undefined;

  // Replace old instances while healthy capacity stays at or above MinHealthyPercentage.
  const d = group.desiredCapacity;
  const minPct = refresh.preferences.minHealthyPercentage;
  const maxPct = refresh.preferences.maxHealthyPercentage;
  const minHealthy = maxPct <= 100 ? Math.min(Math.ceil((d * minPct) / 100), d - 1) : Math.ceil((d * minPct) / 100);
  const freshIds = new Set(fresh.map((i) => i.instanceId));
  let healthy = activeInstances(group).filter(
    (i) => i.lifecycleState === "InService" && i.healthStatus === "Healthy" && (!freshIds.has(i.instanceId) || warm(i)),
  ).length;
  if (isSuspended(group, "Terminate")) return;
  for (const id of [...refresh.toReplace]) {
    const inst = group.instances.find((i) => i.instanceId === id);
    if (inst === undefined) continue;
    const countsHealthy = inst.lifecycleState === "InService" && inst.healthStatus === "Healthy";
    if (countsHealthy && healthy - 1 < Math.max(0, minHealthy)) break;
    if (countsHealthy) healthy -= 1;
    refresh.toReplace = refresh.toReplace.filter((x) => x !== id);
    const at = causeTime(now);
    if (inst.lifecycleState === "Standby") {
      // A standby instance replaced by the refresh (StandbyInstances=Terminate) does not count toward desired.
      beginTermination(world, group, inst, `At ${at} an instance was taken out of service in response to an instance refresh.`);
      continue;
    }
    beginTermination(
      world,
      group,
      inst,
      `At ${at} an instance was taken out of service in response to an instance refresh.  At ${at} instance ${id} was selected for termination.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Capacity

function reconcile(world: SimWorld, group: SimAutoScalingGroup): void {
  const now = world.nowMs;
  const refresh = activeRefresh(group);
  const target = group.desiredCapacity + group.rebalanceExtra + refreshExtra(group, refresh);
  const active = activeInstances(group);
  if (active.length < target && !isSuspended(group, "Launch") && (group.launchRetryAtMs === undefined || now >= group.launchRetryAtMs)) {
    group.launchRetryAtMs = undefined;
    const at = causeTime(now);
    const reason =
      group.rebalanceExtra > 0 && active.length >= group.desiredCapacity
        ? `At ${at} an instance was launched to aid in balancing the group's zones.`
        : refresh !== undefined && active.length >= group.desiredCapacity
          ? `At ${at} an instance was launched in response to an instance refresh.`
          : `${group.capacityCause}  At ${at} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${active.length} to ${target}.`;
    for (let n = active.length; n < target; n++) {
      if (launchOne(world, group, reason.trim()) === undefined) break;
    }
    return;
  }
  if (active.length > target && !isSuspended(group, "Terminate")) {
    const at = causeTime(now);
    let count = active.length;
    while (count > target) {
      const chosen = chooseForScaleIn(world, group);
      if (chosen === undefined) break;
      const cause = `${group.capacityCause}  At ${at} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${count} to ${target}.  At ${at} instance ${chosen.instanceId} was selected for termination.`;
      beginTermination(world, group, chosen, cause.trim());
      count -= 1;
    }
  }
}

/** AZRebalance: when zones differ by more than one instance, launch in the smallest one first. */
function tickRebalance(world: SimWorld, group: SimAutoScalingGroup): void {
  const active = activeInstances(group);
  if (group.rebalanceExtra > 0) {
    // The extra instance is up: the next scale-in takes one from the largest zone.
    if (!active.some((i) => i.lifecycleState === "Pending") && active.length >= group.desiredCapacity + group.rebalanceExtra) {
      group.rebalanceExtra = 0;
      group.capacityCause = `At ${causeTime(world.nowMs)} an instance was taken out of service in response to a rebalance of the group's zones.`;
    }
    return;
  }
  if (isSuspended(group, "AZRebalance") || isSuspended(group, "Launch") || isSuspended(group, "Terminate")) return;
  if (activeRefresh(group) !== undefined || active.length !== group.desiredCapacity || active.some((i) => i.lifecycleState === "Pending")) return;
  const counts = zoneCounts(group, isActive);
  const values = [...counts.values()];
  if (values.length < 2 || Math.max(...values) - Math.min(...values) <= 1) return;
  // Only rebalance when the largest zone has an instance that may go.
  const largest = Math.max(...values);
  if (!active.some((i) => !i.protectedFromScaleIn && counts.get(i.availabilityZone) === largest)) return;
  group.rebalanceExtra = 1;
}

/** Advances every Auto Scaling group to `world.nowMs` (called by `advance` once per world step). */
export function tickAutoScaling(world: SimWorld, _fromMs: number, _toMs: number): void {
  const groups = world.autoScalingGroups;
  if (groups === undefined) return;
  for (const group of [...groups.values()]) {
    tickTrafficSources(world, group);
    tickInstances(world, group);
    if (group.deleting) {
      for (const inst of group.instances) {
        if (inst.lifecycleState !== "Terminating" && inst.lifecycleState !== "Terminated") {
          beginTermination(
            world,
            group,
            inst,
            `At ${causeTime(world.nowMs)} an instance was taken out of service in response to a user request to delete the group.`,
          );
        }
      }
      if (group.instances.length === 0) groups.delete(group.name);
      continue;
    }
    tickHealth(world, group);
    const refresh = activeRefresh(group);
    if (refresh !== undefined) tickRefresh(world, group, refresh);
    tickRebalance(world, group);
    reconcile(world, group);
  }
}

/**
 * Rescales every pending Auto Scaling deadline after a speed change (see `setSpeed`): traffic
 * sources' Adding and Removed windows count from `changedAtMs`, so those move too.
 */
export function rescaleAutoScaling(world: SimWorld, rescale: (atMs: number) => number): void {
  for (const group of world.autoScalingGroups?.values() ?? []) {
    if (group.launchRetryAtMs !== undefined) group.launchRetryAtMs = rescale(group.launchRetryAtMs);
    for (const inst of group.instances) if (inst.pendingUntilMs !== undefined) inst.pendingUntilMs = rescale(inst.pendingUntilMs);
    for (const refresh of group.instanceRefreshes) {
      if (refresh.pausedUntilMs !== undefined) refresh.pausedUntilMs = rescale(refresh.pausedUntilMs);
      if (refresh.bakeUntilMs !== undefined) refresh.bakeUntilMs = rescale(refresh.bakeUntilMs);
    }
  }
}
