/**
 * EC2 Auto Scaling (API 2011-01-01, query protocol, signing name `autoscaling`) as
 * `@aws-sdk/client-auto-scaling` sends and parses it: groups, launch configurations, traffic
 * sources, standby, scale-in protection, suspended processes, instance refresh and scaling
 * activities (docs/aws-behaviour.md §4). Requests change settings; range/world/autoscaling-world.ts carries the
 * changes out over virtual time.
 *
 * Not emulated (refused with a ValidationError that says so): MixedInstancesPolicy, the
 * ReplaceRootVolume refresh strategy, vpc-lattice traffic sources, warm pools, lifecycle hooks.
 */
import {
  activeRefresh,
  attachedSources,
  attachTrafficSource,
  autoScalingGroups,
  beginTermination,
  causeTime,
  detachTrafficSource,
  enterStandby,
  exitStandby,
  groupPrng,
  launchConfigurations,
  refreshCandidates,
  SCALING_PROCESSES,
  startRollback,
  trafficSourceExists,
} from "@/range/world/autoscaling-world";
import { SimApiError } from "./errors";
import type { SimHttpRequest, SimHttpResponse } from "./http";
import { requestId } from "@/range/world/ids";
import { regionZones, subnetById } from "@/range/world/network";
import { findLaunchTemplate, resolveTemplateVersion } from "./launch-templates";
import {
  isoTime,
  queryBool,
  queryInt,
  queryListItems,
  queryListValues,
  queryStruct,
  xmlList,
  type XmlFields,
  type XmlValue,
  handleQueryAction,
} from "./query";
import type {
  SimAsgInstance,
  SimAsgLaunchSource,
  SimAutoScalingGroup,
  SimInstanceRefresh,
  SimInstanceRefreshPreferences,
  SimLaunchConfiguration,
  SimScalingActivity,
} from "@/range/world/state";
import { drawPrng, type RangeWorld } from "@/range/world/world";

export const AUTOSCALING_NAMESPACE = "http://autoscaling.amazonaws.com/doc/2011-01-01/";
export const AUTOSCALING_VERSION = "2011-01-01";

type Handler = (world: RangeWorld, params: URLSearchParams) => XmlFields;

const OPERATIONS: Readonly<Record<string, Handler>> = {
  CreateAutoScalingGroup: createGroup,
  DeleteAutoScalingGroup: deleteGroup,
  DescribeAutoScalingGroups: describeGroups,
  DescribeAutoScalingInstances: describeInstances,
  SetDesiredCapacity: setDesiredCapacity,
  UpdateAutoScalingGroup: updateGroup,
  AttachLoadBalancers: (w, p) => attach(w, p, "elb", queryListValues(p, "LoadBalancerNames.member")),
  DetachLoadBalancers: (w, p) => detach(w, p, "elb", queryListValues(p, "LoadBalancerNames.member")),
  DescribeLoadBalancers: describeLoadBalancers,
  AttachLoadBalancerTargetGroups: (w, p) => attach(w, p, "elbv2", queryListValues(p, "TargetGroupARNs.member")),
  DetachLoadBalancerTargetGroups: (w, p) => detach(w, p, "elbv2", queryListValues(p, "TargetGroupARNs.member")),
  DescribeLoadBalancerTargetGroups: describeTargetGroups,
  AttachTrafficSources: (w, p) => attachSources(w, p, true),
  DetachTrafficSources: (w, p) => attachSources(w, p, false),
  DescribeTrafficSources: describeTrafficSources,
  EnterStandby: enterStandbyOp,
  ExitStandby: exitStandbyOp,
  TerminateInstanceInAutoScalingGroup: terminateInstanceOp,
  SetInstanceProtection: setInstanceProtection,
  CreateLaunchConfiguration: createLaunchConfiguration,
  DeleteLaunchConfiguration: deleteLaunchConfiguration,
  DescribeLaunchConfigurations: describeLaunchConfigurations,
  SuspendProcesses: (w, p) => suspendOrResume(w, p, true),
  ResumeProcesses: (w, p) => suspendOrResume(w, p, false),
  DescribeScalingProcessTypes: () => ({
    Processes: xmlList(
      "member",
      SCALING_PROCESSES.map((name): XmlValue => ({ ProcessName: name })),
    ),
  }),
  StartInstanceRefresh: startInstanceRefresh,
  DescribeInstanceRefreshes: describeInstanceRefreshes,
  CancelInstanceRefresh: cancelInstanceRefresh,
  RollbackInstanceRefresh: rollbackInstanceRefresh,
  DescribeScalingActivities: describeScalingActivities,
  CreateOrUpdateTags: createOrUpdateTags,
};

/** Handles one Auto Scaling query request: `<Action>Response><Action>Result>` or an `ErrorResponse`. */
export function handleAutoScaling(world: RangeWorld, req: SimHttpRequest): SimHttpResponse {
  return handleQueryAction({ namespace: AUTOSCALING_NAMESPACE, operations: OPERATIONS }, world, req, requestId(drawPrng(world)));
}

// ---------------------------------------------------------------------------------------------
// Parameter readers

function validation(message: string): SimApiError {
  return new SimApiError("ValidationError", message, 400);
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function nullError(name: string): SimApiError {
  return validation(`1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
}

function requireString(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === "") throw nullError(name);
  return value;
}

function optionalInt(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const value = queryInt(params, name);
  if (value === undefined) return undefined;
  if (value === "invalid" || value < min || value > max) {
    throw validation(
      `1 validation error detected: Value '${params.get(name) ?? ""}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return value;
}

function requireInt(params: URLSearchParams, name: string, min: number, max: number): number {
  const value = optionalInt(params, name, min, max);
  if (value === undefined) throw nullError(name);
  return value;
}

function optionalBool(params: URLSearchParams, name: string): boolean | undefined {
  const value = queryBool(params, name);
  if (value === "invalid") throw validation(`Value '${params.get(name) ?? ""}' at '${lowerFirst(name)}' must be true or false.`);
  return value;
}

function requireBool(params: URLSearchParams, name: string): boolean {
  const value = optionalBool(params, name);
  if (value === undefined) throw nullError(name);
  return value;
}

function groupNotFound(name: string): SimApiError {
  return validation(`AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
}

function requireGroup(world: RangeWorld, params: URLSearchParams): SimAutoScalingGroup {
  const name = requireString(params, "AutoScalingGroupName");
  const group = autoScalingGroups(world).get(name);
  if (group === undefined || group.deleting) throw groupNotFound(name);
  return group;
}

/** Offset paging with an opaque NextToken (MaxRecords bounded as AWS bounds it). */
function page<T>(items: T[], params: URLSearchParams, defaultMax: number, maxMax: number): { items: T[]; nextToken?: string } {
  const max = optionalInt(params, "MaxRecords", 1, maxMax) ?? defaultMax;
  const token = params.get("NextToken");
  let start = 0;
  if (token !== null && token !== "") {
    const decoded = Buffer.from(token, "base64").toString("utf8");
    if (!/^offset:[0-9]+$/.test(decoded)) throw new SimApiError("InvalidNextToken", `The token '${token}' is invalid.`, 400);
    start = Number(decoded.slice(7));
  }
  const slice = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(`offset:${start + max}`, "utf8").toString("base64") : undefined;
  return { items: slice, nextToken: next };
}

const TEMPLATE_VERSION = /^(\$Latest|\$Default|[0-9]+)$/;

/** Reads a `LaunchTemplate` structure (LaunchTemplateId | LaunchTemplateName, Version) into a group source. */
function readLaunchTemplate(world: RangeWorld, params: URLSearchParams, prefix: string): SimAsgLaunchSource | undefined {
  const spec = queryStruct(params, prefix);
  if ([...spec.keys()].length === 0) return undefined;
  const id = spec.get("LaunchTemplateId") ?? "";
  const name = spec.get("LaunchTemplateName") ?? "";
  if (id !== "" && name !== "") throw validation("You must specify either LaunchTemplateId or LaunchTemplateName, not both.");
  if (id === "" && name === "") throw validation("You must specify either LaunchTemplateId or LaunchTemplateName.");
  const version = spec.get("Version") ?? "$Default";
  if (!TEMPLATE_VERSION.test(version))
    throw validation(
      `You must use a valid fully-formed launch template. Invalid launch template version: ${version}. Specify a version number, $Latest or $Default.`,
    );
  const template = findLaunchTemplate(world, { id, name });
  if (template === undefined) {
    throw validation(
      `You must use a valid fully-formed launch template. The specified launch template, with template ${id !== "" ? `ID ${id}` : `name ${name}`}, does not exist.`,
    );
  }
  const resolved = resolveTemplateVersion(template, version);
  if (resolved === undefined) {
    throw validation(
      `You must use a valid fully-formed launch template. The specified launch template version ${version} of template ${template.id} does not exist.`,
    );
  }
  if (resolved.imageId === undefined)
    throw validation("You must use a valid fully-formed launch template. The request must contain the parameter ImageId");
  return { launchTemplate: { id: template.id, name: template.name, version } };
}

/** The launch source a Create/Update request names: exactly one of LC, LT (MixedInstancesPolicy is refused). */
function readLaunchSource(world: RangeWorld, params: URLSearchParams, required: boolean): SimAsgLaunchSource | undefined {
  const hasMixed = [...params.keys()].some((k) => k.startsWith("MixedInstancesPolicy."));
  if (hasMixed) throw validation("MixedInstancesPolicy is not supported by the practice range; use LaunchTemplate or LaunchConfigurationName.");
  if ((params.get("InstanceId") ?? "") !== "")
    throw validation("Creating a group from an InstanceId is not supported by the practice range; use LaunchTemplate or LaunchConfigurationName.");
  const lcName = params.get("LaunchConfigurationName") ?? "";
  const lt = readLaunchTemplate(world, params, "LaunchTemplate");
  if ((lcName !== "" && lt !== undefined) || (required && lcName === "" && lt === undefined)) {
    throw validation("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.");
  }
  if (lcName !== "") {
    if (!launchConfigurations(world).has(lcName)) throw validation(`Launch configuration name not found - Launch configuration ${lcName} not found`);
    return { launchConfigurationName: lcName };
  }
  return lt;
}

/**
 * The zones a request names, directly or through its subnets (`VPCZoneIdentifier`, every subnet in
 * one VPC; docs/aws-behaviour.md §16.6).
 */
function readZones(world: RangeWorld, params: URLSearchParams): { zones: string[]; vpcZoneIdentifier?: string } | undefined {
  const zones = queryListValues(params, "AvailabilityZones.member");
  const subnets = (params.get("VPCZoneIdentifier") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const valid = new Set(regionZones(world));
  for (const zone of zones) if (!valid.has(zone)) throw validation(`Invalid Availability Zone: ${zone}`);
  if (subnets.length > 0) {
    const found = subnets.map((id) => {
      const subnet = subnetById(world, id);
      if (subnet === undefined) throw validation(`The subnet ID '${id}' does not exist`);
      return subnet;
    });
    if (new Set(found.map((s) => s.vpcId)).size > 1) throw validation("The subnets of an Auto Scaling group must all be in the same VPC.");
    return { zones: [...new Set(found.map((s) => s.availabilityZone))], vpcZoneIdentifier: subnets.join(",") };
  }
  if (zones.length > 0) return { zones: [...new Set(zones)] };
  return undefined;
}

const HEALTH_CHECK_TYPES = new Set(["EC2", "ELB", "VPC_LATTICE", "EBS"]);
const TERMINATION_POLICIES = new Set([
  "Default",
  "AllocationStrategy",
  "OldestLaunchTemplate",
  "OldestLaunchConfiguration",
  "ClosestToNextInstanceHour",
  "NewestInstance",
  "OldestInstance",
]);

function readHealthCheckType(params: URLSearchParams): string | undefined {
  const value = params.get("HealthCheckType");
  if (value === null || value === "") return undefined;
  for (const part of value.split(",")) {
    if (!HEALTH_CHECK_TYPES.has(part.trim())) throw validation(`Invalid health check type: ${part}. Valid values are EC2, ELB, VPC_LATTICE and EBS.`);
  }
  return value;
}

function readTerminationPolicies(params: URLSearchParams): string[] | undefined {
  const values = queryListValues(params, "TerminationPolicies.member");
  if (values.length === 0) return undefined;
  for (const v of values)
    if (!TERMINATION_POLICIES.has(v) && !v.startsWith("arn:aws:lambda:")) throw validation(`Termination policy ${v} is not valid.`);
  return values;
}

function capacityError(desired: number, min: number, max: number): SimApiError {
  return validation(`Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
}

// ---------------------------------------------------------------------------------------------
// XML

function sourceXml(source: SimAsgLaunchSource): XmlFields {
  const lt = source.launchTemplate;
  return {
    LaunchConfigurationName: source.launchConfigurationName,
    LaunchTemplate: lt === undefined ? undefined : { LaunchTemplateId: lt.id, LaunchTemplateName: lt.name, Version: lt.version },
  };
}

function instanceXml(inst: SimAsgInstance, group?: SimAutoScalingGroup): XmlFields {
  return {
    InstanceId: inst.instanceId,
    InstanceType: inst.instanceType,
    AutoScalingGroupName: group?.name,
    AvailabilityZone: inst.availabilityZone,
    LifecycleState: inst.lifecycleState,
    HealthStatus: inst.healthStatus,
    ...sourceXml(inst.source),
    ProtectedFromScaleIn: inst.protectedFromScaleIn,
  };
}

function groupXml(world: RangeWorld, group: SimAutoScalingGroup): XmlFields {
  return {
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    ...sourceXml(group.source),
    MinSize: group.minSize,
    MaxSize: group.maxSize,
    DesiredCapacity: group.desiredCapacity,
    DefaultCooldown: group.defaultCooldownS,
    AvailabilityZones: xmlList("member", group.availabilityZones),
    LoadBalancerNames: xmlList(
      "member",
      attachedSources(group, "elb").map((s) => s.identifier),
    ),
    TargetGroupARNs: xmlList(
      "member",
      attachedSources(group, "elbv2").map((s) => s.identifier),
    ),
    HealthCheckType: group.healthCheckType,
    HealthCheckGracePeriod: group.healthCheckGracePeriodS,
    Instances: xmlList(
      "member",
      group.instances.map((i) => instanceXml(i)),
    ),
    CreatedTime: isoTime(group.createdAtMs),
    SuspendedProcesses: xmlList(
      "member",
      group.suspendedProcesses.map((p): XmlValue => ({ ProcessName: p.name, SuspensionReason: p.reason })),
    ),
    VPCZoneIdentifier: group.vpcZoneIdentifier,
    Status: group.deleting ? "Delete in progress" : undefined,
    Tags: xmlList(
      "member",
      group.tags.map((t): XmlValue => ({
        ResourceId: group.name,
        ResourceType: "auto-scaling-group",
        Key: t.key,
        Value: t.value,
        PropagateAtLaunch: t.propagateAtLaunch,
      })),
    ),
    TerminationPolicies: xmlList("member", group.terminationPolicies),
    NewInstancesProtectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
    ServiceLinkedRoleARN: `arn:aws:iam::${world.config.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    DefaultInstanceWarmup: group.defaultInstanceWarmupS,
    TrafficSources: xmlList(
      "member",
      attachedSources(group).map((s): XmlValue => ({ Identifier: s.identifier, Type: s.type })),
    ),
  };
}

function activityXml(a: SimScalingActivity): XmlFields {
  return {
    ActivityId: a.id,
    AutoScalingGroupName: a.groupName,
    Description: a.description,
    Cause: a.cause,
    StartTime: isoTime(a.startMs),
    EndTime: a.endMs === undefined ? undefined : isoTime(a.endMs),
    StatusCode: a.statusCode,
    StatusMessage: a.statusMessage,
    Progress: a.progress,
    Details: a.details,
    AutoScalingGroupARN: a.groupArn,
  };
}

function launchConfigurationXml(lc: SimLaunchConfiguration): XmlFields {
  return {
    LaunchConfigurationName: lc.name,
    LaunchConfigurationARN: lc.arn,
    ImageId: lc.imageId,
    KeyName: "",
    SecurityGroups: xmlList("member", lc.securityGroups),
    UserData: lc.userData ?? "",
    InstanceType: lc.instanceType,
    KernelId: "",
    RamdiskId: "",
    BlockDeviceMappings: xmlList("member", []),
    InstanceMonitoring: { Enabled: true },
    CreatedTime: isoTime(lc.createdAtMs),
    EbsOptimized: false,
  };
}

function refreshXml(r: SimInstanceRefresh): XmlFields {
  const p = r.preferences;
  const lt = r.desiredConfiguration?.launchTemplate;
  return {
    InstanceRefreshId: r.id,
    AutoScalingGroupName: r.groupName,
    Status: r.status,
    StatusReason: r.statusReason,
    StartTime: isoTime(r.startMs),
    EndTime: r.endMs === undefined ? undefined : isoTime(r.endMs),
    PercentageComplete: r.percentageComplete,
    InstancesToUpdate: r.instancesToUpdate,
    ProgressDetails: { LivePoolProgress: { PercentageComplete: r.percentageComplete, InstancesToUpdate: r.instancesToUpdate } },
    Preferences: {
      MinHealthyPercentage: p.minHealthyPercentage,
      InstanceWarmup: p.instanceWarmupS,
      CheckpointPercentages: p.checkpointPercentages.length === 0 ? undefined : xmlList("member", p.checkpointPercentages),
      CheckpointDelay: p.checkpointPercentages.length === 0 ? undefined : p.checkpointDelayS,
      SkipMatching: p.skipMatching,
      AutoRollback: p.autoRollback,
      ScaleInProtectedInstances: p.scaleInProtectedInstances,
      StandbyInstances: p.standbyInstances,
      AlarmSpecification: p.alarms.length === 0 ? undefined : { Alarms: xmlList("member", p.alarms) },
      MaxHealthyPercentage: p.maxHealthyPercentage,
      BakeTime: p.bakeTimeS,
    },
    DesiredConfiguration:
      lt === undefined ? undefined : { LaunchTemplate: { LaunchTemplateId: lt.id, LaunchTemplateName: lt.name, Version: lt.version } },
    RollbackDetails:
      r.rollback === undefined
        ? undefined
        : {
            RollbackReason: r.rollback.reason,
            RollbackStartTime: isoTime(r.rollback.startMs),
            PercentageCompleteOnRollback: r.rollback.percentageCompleteOnRollback,
            InstancesToUpdateOnRollback: r.rollback.instancesToUpdateOnRollback,
            ProgressDetailsOnRollback: {
              LivePoolProgress: {
                PercentageComplete: r.rollback.percentageCompleteOnRollback,
                InstancesToUpdate: r.rollback.instancesToUpdateOnRollback,
              },
            },
          },
    Strategy: "Rolling",
  };
}

// ---------------------------------------------------------------------------------------------
// Groups

function readTrafficSourceList(params: URLSearchParams, prefix: string): { type: "elb" | "elbv2"; identifier: string }[] {
  return queryListItems(params, prefix).map((item) => {
    const identifier = item.get("Identifier") ?? "";
    if (identifier === "") throw nullError("Identifier");
    const type = item.get("Type") ?? (identifier.startsWith("arn:") ? "elbv2" : "elb");
    if (type === "vpc-lattice") throw validation("vpc-lattice traffic sources are not supported by the practice range.");
    if (type !== "elb" && type !== "elbv2") throw validation(`Invalid traffic source type: ${type}. Valid values are elb, elbv2 and vpc-lattice.`);
    return { type, identifier };
  });
}

function checkSourcesExist(world: RangeWorld, sources: { type: "elb" | "elbv2"; identifier: string }[], vpcZoneIdentifier?: string): void {
  if (sources.length > 10) throw validation("You can attach at most 10 traffic sources in one call.");
  // The group's instances must be able to join each target group: same VPC (docs/aws-behaviour.md §16.6).
  const firstSubnet = (vpcZoneIdentifier ?? "").split(",")[0]?.trim() ?? "";
  const groupVpc = firstSubnet === "" ? undefined : subnetById(world, firstSubnet)?.vpcId;
  for (const s of sources) {
    if (!trafficSourceExists(world, s.type, s.identifier)) {
      throw validation(
        s.type === "elb"
          ? "Provided Load Balancers may not be valid. Please ensure they exist and try again."
          : "Provided Target Groups may not be valid. Please ensure they exist and try again.",
      );
    }
    const tgVpc = s.type === "elbv2" ? world.targetGroups?.get(s.identifier)?.vpcId : undefined;
    if (groupVpc !== undefined && tgVpc !== undefined && tgVpc !== groupVpc) {
      throw validation(`Target group ${s.identifier} is in VPC ${tgVpc}, not in the group's VPC ${groupVpc}.`);
    }
  }
}

/** CreateOrUpdateTags: tags on groups (ResourceType auto-scaling-group), a key given again takes the new value. */
function createOrUpdateTags(world: RangeWorld, params: URLSearchParams): XmlFields {
  const items = queryListItems(params, "Tags.member");
  if (items.length === 0) throw validation("Tags must name at least one tag.");
  for (const item of items) {
    const group = item.get("ResourceId") ?? "";
    if ((item.get("ResourceType") ?? "auto-scaling-group") !== "auto-scaling-group") throw validation("ResourceType must be auto-scaling-group.");
    const found = autoScalingGroups(world).get(group);
    if (found === undefined) throw validation(`AutoScalingGroup name not found - AutoScalingGroup ${group} not found`);
    const key = item.get("Key") ?? "";
    if (key === "") throw nullError("Key");
    const tag = { key, value: item.get("Value") ?? "", propagateAtLaunch: item.get("PropagateAtLaunch") === "true" };
    const at = found.tags.findIndex((t) => t.key === key);
    if (at >= 0) found.tags[at] = tag;
    else if (found.tags.length >= 50) throw new SimApiError("LimitExceeded", "The number of tags on the group exceeds the limit of 50.", 400);
    else found.tags.push(tag);
  }
  return {};
}

function readGroupTags(params: URLSearchParams): SimAutoScalingGroup["tags"] {
  return queryListItems(params, "Tags.member").map((item) => {
    const key = item.get("Key") ?? "";
    if (key === "") throw nullError("Key");
    return { key, value: item.get("Value") ?? "", propagateAtLaunch: item.get("PropagateAtLaunch") === "true" };
  });
}

function createGroup(world: RangeWorld, params: URLSearchParams): XmlFields {
  const name = requireString(params, "AutoScalingGroupName");
  if (name.length > 255) throw validation("AutoScalingGroupName must be at most 255 characters.");
  const groups = autoScalingGroups(world);
  if (groups.has(name))
    throw new SimApiError("AlreadyExists", `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`, 400);
  const source = readLaunchSource(world, params, true) ?? {};
  const minSize = requireInt(params, "MinSize", 0, 10_000);
  const maxSize = requireInt(params, "MaxSize", 0, 10_000);
  if (maxSize < minSize) throw validation(`Max bound, ${maxSize}, must be greater than or equal to min bound, ${minSize}`);
  const desired = optionalInt(params, "DesiredCapacity", 0, 10_000) ?? minSize;
  if (desired < minSize || desired > maxSize) throw capacityError(desired, minSize, maxSize);
  const zones = readZones(world, params);
  if (zones === undefined) throw validation("At least one Availability Zone or VPC Subnet is required.");
  const sources = [
    ...queryListValues(params, "LoadBalancerNames.member").map((identifier) => ({ type: "elb" as const, identifier })),
    ...queryListValues(params, "TargetGroupARNs.member").map((identifier) => ({ type: "elbv2" as const, identifier })),
    ...readTrafficSourceList(params, "TrafficSources.member"),
  ];
  checkSourcesExist(world, sources, zones.vpcZoneIdentifier);
  const at = causeTime(world.nowMs);
  const group: SimAutoScalingGroup = {
    name,
    arn: "",
    createdAtMs: world.nowMs,
    source,
    minSize,
    maxSize,
    desiredCapacity: desired,
    defaultCooldownS: optionalInt(params, "DefaultCooldown", 0, 86_400) ?? 300,
    availabilityZones: zones.zones,
    vpcZoneIdentifier: zones.vpcZoneIdentifier,
    trafficSources: [],
    healthCheckType: readHealthCheckType(params) ?? "EC2",
    // The API's default is 0 (the console's is 300), docs/aws-behaviour.md §4.2.
    healthCheckGracePeriodS: optionalInt(params, "HealthCheckGracePeriod", 0, 86_400) ?? 0,
    defaultInstanceWarmupS: optionalInt(params, "DefaultInstanceWarmup", 0, 86_400),
    terminationPolicies: readTerminationPolicies(params) ?? ["Default"],
    newInstancesProtectedFromScaleIn: optionalBool(params, "NewInstancesProtectedFromScaleIn") ?? false,
    suspendedProcesses: [],
    tags: readGroupTags(params),
    instances: [],
    deleting: false,
    capacityCause: `At ${at} a user request created an AutoScalingGroup changing the desired capacity from 0 to ${desired}.`,
    activities: [],
    instanceRefreshes: [],
    rebalanceExtra: 0,
    idSeq: 0,
  };
  group.arn = `arn:aws:autoscaling:${world.config.region}:${world.config.accountId}:autoScalingGroup:${requestId(drawPrng(world))}:autoScalingGroupName/${name}`;
  for (const s of sources) attachTrafficSource(world, group, s.type, s.identifier);
  groups.set(name, group);
  return {};
}

function deleteGroup(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requireGroup(world, params);
  const force = optionalBool(params, "ForceDelete") ?? false;
  if (!force) {
    if (group.instances.length > 0) {
      throw new SimApiError(
        "ResourceInUse",
        "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.",
        400,
      );
    }
    if (group.activities.some((a) => a.endMs === undefined)) {
      throw new SimApiError(
        "ScalingActivityInProgress",
        "You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.",
        400,
      );
    }
    autoScalingGroups(world).delete(group.name);
    return {};
  }
  // A forced delete terminates every instance (the world tick does it) and then removes the group.
  group.deleting = true;
  group.desiredCapacity = 0;
  group.minSize = 0;
  group.maxSize = 0;
  if (group.instances.length === 0) autoScalingGroups(world).delete(group.name);
  return {};
}

function describeGroups(world: RangeWorld, params: URLSearchParams): XmlFields {
  const names = queryListValues(params, "AutoScalingGroupNames.member");
  // Up to 50 names, or up to MaxRecords (≤ 100) when it is given (docs/aws-behaviour.md §8.4): more
  // would be cut off by the page, so the range refuses them rather than answering part of them.
  const namesMax = optionalInt(params, "MaxRecords", 1, 100) ?? 50;
  if (names.length > namesMax) throw validation(`At most ${namesMax} Auto Scaling group names can be specified (MaxRecords).`);
  let groups = [...autoScalingGroups(world).values()];
  if (names.length > 0) groups = groups.filter((g) => names.includes(g.name));
  for (const filter of queryListItems(params, "Filters.member")) {
    const name = filter.get("Name") ?? "";
    const values = queryListValues(filter, "Values.member");
    if (name === "tag-key") groups = groups.filter((g) => g.tags.some((t) => values.includes(t.key)));
    else if (name === "tag-value") groups = groups.filter((g) => g.tags.some((t) => values.includes(t.value)));
    else if (name.startsWith("tag:")) groups = groups.filter((g) => g.tags.some((t) => t.key === name.slice(4) && values.includes(t.value)));
    else throw validation(`Filter name ${name} is not valid. Valid filter names are tag-key, tag-value and tag:<key>.`);
  }
  const { items, nextToken } = page(groups, params, 50, 100);
  return {
    AutoScalingGroups: xmlList(
      "member",
      items.map((g) => groupXml(world, g)),
    ),
    NextToken: nextToken,
  };
}

function describeInstances(world: RangeWorld, params: URLSearchParams): XmlFields {
  const ids = queryListValues(params, "InstanceIds.member");
  const rows: XmlFields[] = [];
  for (const group of autoScalingGroups(world).values()) {
    for (const inst of group.instances) if (ids.length === 0 || ids.includes(inst.instanceId)) rows.push(instanceXml(inst, group));
  }
  const { items, nextToken } = page(rows, params, 50, 50);
  return { AutoScalingInstances: xmlList("member", items), NextToken: nextToken };
}

function setDesiredCapacity(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requireGroup(world, params);
  const desired = requireInt(params, "DesiredCapacity", 0, 10_000);
  optionalBool(params, "HonorCooldown");
  if (desired > group.maxSize)
    throw validation(`New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`);
  if (desired < group.minSize)
    throw validation(`New SetDesiredCapacity value ${desired} is below min value ${group.minSize} for the AutoScalingGroup.`);
  if (desired !== group.desiredCapacity) {
    group.capacityCause = `At ${causeTime(world.nowMs)} a user request explicitly set group desired capacity changing the desired capacity from ${group.desiredCapacity} to ${desired}.`;
    group.desiredCapacity = desired;
  }
  return {};
}

function updateGroup(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requireGroup(world, params);
  // Existing instances keep the configuration they were launched with; only new launches use the new one.
  const source = readLaunchSource(world, params, false);
  const min = optionalInt(params, "MinSize", 0, 10_000);
  const max = optionalInt(params, "MaxSize", 0, 10_000);
  const desiredIn = optionalInt(params, "DesiredCapacity", 0, 10_000);
  const newMin = min ?? group.minSize;
  const newMax = max ?? group.maxSize;
  if (newMax < newMin) throw validation(`Max bound, ${newMax}, must be greater than or equal to min bound, ${newMin}`);
  let desired = desiredIn ?? group.desiredCapacity;
  if (desiredIn !== undefined && (desiredIn < newMin || desiredIn > newMax)) throw capacityError(desiredIn, newMin, newMax);
  // Without an explicit desired capacity, new bounds pull the current one inside them.
  desired = Math.min(Math.max(desired, newMin), newMax);
  const zones = readZones(world, params);
  const healthCheckType = readHealthCheckType(params);
  const grace = optionalInt(params, "HealthCheckGracePeriod", 0, 86_400);
  const policies = readTerminationPolicies(params);
  const cooldown = optionalInt(params, "DefaultCooldown", 0, 86_400);
  const warmup = optionalInt(params, "DefaultInstanceWarmup", -1, 86_400);
  const protect = optionalBool(params, "NewInstancesProtectedFromScaleIn");

  if (source !== undefined) group.source = source;
  if (min !== undefined || max !== undefined || desiredIn !== undefined) {
    if (desired !== group.desiredCapacity) {
      group.capacityCause = `At ${causeTime(world.nowMs)} a user request update of AutoScalingGroup constraints to min: ${newMin}, max: ${newMax}, desired: ${desired} changing the desired capacity from ${group.desiredCapacity} to ${desired}.`;
    }
    group.minSize = newMin;
    group.maxSize = newMax;
    group.desiredCapacity = desired;
  }
  if (zones !== undefined) {
    group.availabilityZones = zones.zones;
    group.vpcZoneIdentifier = zones.vpcZoneIdentifier;
  }
  if (healthCheckType !== undefined) group.healthCheckType = healthCheckType;
  if (grace !== undefined) group.healthCheckGracePeriodS = grace;
  if (policies !== undefined) group.terminationPolicies = policies;
  if (cooldown !== undefined) group.defaultCooldownS = cooldown;
  if (warmup !== undefined) group.defaultInstanceWarmupS = warmup < 0 ? undefined : warmup;
  if (protect !== undefined) group.newInstancesProtectedFromScaleIn = protect;
  return {};
}

// ---------------------------------------------------------------------------------------------
// Traffic sources

function attach(world: RangeWorld, params: URLSearchParams, type: "elb" | "elbv2", identifiers: string[]): XmlFields {
  const group = requireGroup(world, params);
  if (identifiers.length === 0) throw nullError(type === "elb" ? "LoadBalancerNames" : "TargetGroupARNs");
  const sources = identifiers.map((identifier) => ({ type, identifier }));
  checkSourcesExist(world, sources, group.vpcZoneIdentifier);
  for (const s of sources) attachTrafficSource(world, group, s.type, s.identifier);
  return {};
}

function detach(world: RangeWorld, params: URLSearchParams, type: "elb" | "elbv2", identifiers: string[]): XmlFields {
  const group = requireGroup(world, params);
  if (identifiers.length === 0) throw nullError(type === "elb" ? "LoadBalancerNames" : "TargetGroupARNs");
  if (identifiers.length > 10) throw validation("You can detach at most 10 traffic sources in one call.");
  for (const identifier of identifiers) detachTrafficSource(world, group, type, identifier);
  return {};
}

function attachSources(world: RangeWorld, params: URLSearchParams, attaching: boolean): XmlFields {
  const group = requireGroup(world, params);
  const sources = readTrafficSourceList(params, "TrafficSources.member");
  if (sources.length === 0) throw nullError("TrafficSources");
  if (attaching) {
    checkSourcesExist(world, sources, group.vpcZoneIdentifier);
    for (const s of sources) attachTrafficSource(world, group, s.type, s.identifier);
  } else {
    if (sources.length > 10) throw validation("You can detach at most 10 traffic sources in one call.");
    for (const s of sources) detachTrafficSource(world, group, s.type, s.identifier);
  }
  return {};
}

function describeTrafficSources(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requireGroup(world, params);
  const type = params.get("TrafficSourceType");
  const rows = group.trafficSources
    .filter((s) => type === null || type === "" || s.type === type)
    .map((s): XmlFields => ({ TrafficSource: s.identifier, State: s.state, Identifier: s.identifier, Type: s.type }));
  const { items, nextToken } = page(rows, params, 50, 100);
  return { TrafficSources: xmlList("member", items), NextToken: nextToken };
}

function describeLoadBalancers(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requireGroup(world, params);
  const rows = group.trafficSources.filter((s) => s.type === "elb").map((s): XmlFields => ({ LoadBalancerName: s.identifier, State: s.state }));
  const { items, nextToken } = page(rows, params, 100, 100);
  return { LoadBalancers: xmlList("member", items), NextToken: nextToken };
}

function describeTargetGroups(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requireGroup(world, params);
  const rows = group.trafficSources
    .filter((s) => s.type === "elbv2")
    .map((s): XmlFields => ({ LoadBalancerTargetGroupARN: s.identifier, State: s.state }));
  const { items, nextToken } = page(rows, params, 100, 100);
  return { LoadBalancerTargetGroups: xmlList("member", items), NextToken: nextToken };
}

// ---------------------------------------------------------------------------------------------
// Instances: standby, termination, protection

function groupInstances(group: SimAutoScalingGroup, ids: string[]): SimAsgInstance[] {
  return ids.map((id) => {
    const inst = group.instances.find((i) => i.instanceId === id);
    if (inst === undefined) throw validation(`The instance ${id} is not part of Auto Scaling group ${group.name}.`);
    return inst;
  });
}

function requireInstanceIds(params: URLSearchParams): string[] {
  const ids = queryListValues(params, "InstanceIds.member");
  if (ids.length === 0) throw nullError("InstanceIds");
  if (ids.length > 20) throw validation("You can specify at most 20 instance IDs.");
  return ids;
}

function sizesError(group: SimAutoScalingGroup, what: string, count: number): SimApiError {
  return validation(
    `AutoScalingGroup ${group.name} has min-size=${group.minSize}, max-size=${group.maxSize}, and desired-size=${group.desiredCapacity}. ${what.replace("{n}", String(count))}, please update the AutoScalingGroup sizes appropriately.`,
  );
}

function enterStandbyOp(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requireGroup(world, params);
  const ids = requireInstanceIds(params);
  const decrement = requireBool(params, "ShouldDecrementDesiredCapacity");
  const instances = groupInstances(group, ids);
  for (const inst of instances) if (inst.lifecycleState !== "InService") throw validation(`The instance ${inst.instanceId} is not in InService.`);
  if (decrement && group.desiredCapacity - instances.length < group.minSize)
    throw sizesError(group, "To place into standby {n} instances", instances.length);
  const activities = instances.map((inst) => enterStandby(world, group, inst, decrement));
  return { Activities: xmlList("member", activities.map(activityXml)) };
}

function exitStandbyOp(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requireGroup(world, params);
  const instances = groupInstances(group, requireInstanceIds(params));
  for (const inst of instances) if (inst.lifecycleState !== "Standby") throw validation(`The instance ${inst.instanceId} is not in Standby.`);
  if (group.desiredCapacity + instances.length > group.maxSize) throw sizesError(group, "To move {n} instances out of standby", instances.length);
  const activities = instances.map((inst) => exitStandby(world, group, inst));
  return { Activities: xmlList("member", activities.map(activityXml)) };
}

function terminateInstanceOp(world: RangeWorld, params: URLSearchParams): XmlFields {
  const id = requireString(params, "InstanceId");
  const decrement = requireBool(params, "ShouldDecrementDesiredCapacity");
  const group = [...autoScalingGroups(world).values()].find((g) => g.instances.some((i) => i.instanceId === id));
  const inst = group?.instances.find((i) => i.instanceId === id);
  if (group === undefined || inst === undefined) throw validation(`Instance Id not found - No managed instance found for instance ID: ${id}`);
  if (inst.lifecycleState === "Terminating" || inst.lifecycleState === "Terminated") {
    const current = group.activities.find((a) => a.id === inst.activityId) ?? group.activities[group.activities.length - 1];
    if (current !== undefined) return { Activity: activityXml(current) };
  }
  const counted = inst.lifecycleState === "Pending" || inst.lifecycleState === "InService";
  const before = group.desiredCapacity;
  if (decrement && counted) {
    if (before - 1 < group.minSize) {
      throw validation(
        `Currently, desiredSize equals minSize (${group.minSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
      );
    }
    group.desiredCapacity -= 1;
  }
  const at = causeTime(world.nowMs);
  const cause =
    decrement && counted
      ? `At ${at} instance ${id} was taken out of service in response to a user request, shrinking the capacity from ${before} to ${group.desiredCapacity}.`
      : `At ${at} instance ${id} was taken out of service in response to a user request.`;
  return { Activity: activityXml(beginTermination(world, group, inst, cause)) };
}

function setInstanceProtection(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requireGroup(world, params);
  const ids = queryListValues(params, "InstanceIds.member");
  if (ids.length === 0) throw nullError("InstanceIds");
  const protect = requireBool(params, "ProtectedFromScaleIn");
  const instances = groupInstances(group, ids);
  for (const inst of instances) inst.protectedFromScaleIn = protect;
  return {};
}

// ---------------------------------------------------------------------------------------------
// Launch configurations

function createLaunchConfiguration(world: RangeWorld, params: URLSearchParams): XmlFields {
  const name = requireString(params, "LaunchConfigurationName");
  if (world.config.launchConfigurationsDisabled === true) {
    // Accounts created on or after 1 October 2024 cannot create launch configurations (docs/aws-behaviour.md §0.4).
    throw new SimApiError(
      "UnsupportedOperation",
      "The Launch Configuration creation operation is not available in your account. Use launch templates to create configuration templates for your Auto Scaling groups.",
      400,
    );
  }
  const configs = launchConfigurations(world);
  if (configs.has(name))
    throw new SimApiError(
      "AlreadyExists",
      `Launch Configuration by this name already exists - A launch configuration already exists with the name ${name}`,
      400,
    );
  const imageId = requireString(params, "ImageId");
  if (!/^ami-[0-9a-f]+$/.test(imageId)) throw validation(`Invalid AMI ID: ${imageId}`);
  const instanceType = requireString(params, "InstanceType");
  const lc: SimLaunchConfiguration = {
    name,
    arn: `arn:aws:autoscaling:${world.config.region}:${world.config.accountId}:launchConfiguration:${requestId(drawPrng(world))}:launchConfigurationName/${name}`,
    imageId,
    instanceType,
    userData: params.get("UserData") ?? undefined,
    securityGroups: queryListValues(params, "SecurityGroups.member"),
    createdAtMs: world.nowMs,
  };
  configs.set(name, lc);
  return {};
}

function deleteLaunchConfiguration(world: RangeWorld, params: URLSearchParams): XmlFields {
  const name = requireString(params, "LaunchConfigurationName");
  const configs = launchConfigurations(world);
  if (!configs.has(name)) throw validation(`Launch configuration name not found - Launch configuration ${name} not found`);
  const user = [...autoScalingGroups(world).values()].find((g) => g.source.launchConfigurationName === name);
  if (user !== undefined)
    throw new SimApiError("ResourceInUse", `Cannot delete launch configuration ${name} because it is attached to AutoScalingGroup ${user.name}`, 400);
  configs.delete(name);
  return {};
}

function describeLaunchConfigurations(world: RangeWorld, params: URLSearchParams): XmlFields {
  const names = queryListValues(params, "LaunchConfigurationNames.member");
  let configs = [...launchConfigurations(world).values()];
  if (names.length > 0) configs = configs.filter((c) => names.includes(c.name));
  const { items, nextToken } = page(configs, params, 50, 100);
  return { LaunchConfigurations: xmlList("member", items.map(launchConfigurationXml)), NextToken: nextToken };
}

// ---------------------------------------------------------------------------------------------
// Processes

function suspendOrResume(world: RangeWorld, params: URLSearchParams, suspend: boolean): XmlFields {
  const group = requireGroup(world, params);
  const requested = queryListValues(params, "ScalingProcesses.member");
  const known = new Set<string>(SCALING_PROCESSES);
  const bad = requested.filter((p) => !known.has(p));
  if (bad.length > 0) throw validation(`Invalid processes: [${bad.join(", ")}]`);
  const names = requested.length === 0 ? [...SCALING_PROCESSES] : requested;
  if (suspend) {
    const reason = `User suspended at ${causeTime(world.nowMs)}`;
    for (const name of names) if (!group.suspendedProcesses.some((p) => p.name === name)) group.suspendedProcesses.push({ name, reason });
  } else {
    group.suspendedProcesses = group.suspendedProcesses.filter((p) => !names.includes(p.name));
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Instance refresh (docs/aws-behaviour.md §4.6)

function noActiveRefresh(group: SimAutoScalingGroup): SimApiError {
  return new SimApiError(
    "ActiveInstanceRefreshNotFound",
    `No in progress or pending Instance Refresh found for Auto Scaling group ${group.name}`,
    400,
  );
}

function readPreferences(group: SimAutoScalingGroup, params: URLSearchParams): SimInstanceRefreshPreferences {
  const p = queryStruct(params, "Preferences");
  const min = optionalInt(p, "MinHealthyPercentage", 0, 100) ?? 90;
  const max = optionalInt(p, "MaxHealthyPercentage", 100, 200) ?? 100;
  if (max - min > 100) throw validation("The difference between MaxHealthyPercentage and MinHealthyPercentage must be 100 or less.");
  const checkpoints = queryListValues(p, "CheckpointPercentages.member").map((v) => Number(v));
  for (let i = 0; i < checkpoints.length; i++) {
    const c = checkpoints[i] ?? NaN;
    if (!Number.isInteger(c) || c < 1 || c > 100 || (i > 0 && c <= (checkpoints[i - 1] ?? 0))) {
      throw validation("CheckpointPercentages must be integers between 1 and 100 in ascending order.");
    }
  }
  const scaleIn = p.get("ScaleInProtectedInstances") ?? "Wait";
  if (scaleIn !== "Refresh" && scaleIn !== "Ignore" && scaleIn !== "Wait") throw validation(`Invalid ScaleInProtectedInstances: ${scaleIn}`);
  const standby = p.get("StandbyInstances") ?? "Wait";
  if (standby !== "Terminate" && standby !== "Ignore" && standby !== "Wait") throw validation(`Invalid StandbyInstances: ${standby}`);
  const alarms = queryListValues(p, "AlarmSpecification.Alarms.member");
  if (alarms.length > 10) throw validation("You can specify at most 10 alarms.");
  return {
    minHealthyPercentage: min,
    maxHealthyPercentage: max,
    instanceWarmupS: optionalInt(p, "InstanceWarmup", 0, 86_400) ?? group.defaultInstanceWarmupS ?? group.healthCheckGracePeriodS,
    checkpointPercentages: checkpoints,
    checkpointDelayS: optionalInt(p, "CheckpointDelay", 0, 172_800) ?? 3_600,
    skipMatching: optionalBool(p, "SkipMatching") ?? false,
    autoRollback: optionalBool(p, "AutoRollback") ?? false,
    scaleInProtectedInstances: scaleIn,
    standbyInstances: standby,
    alarms,
    bakeTimeS: optionalInt(p, "BakeTime", 0, 172_800) ?? 0,
  };
}

/** Rollback needs a desired configuration and a previous configuration pinned to a version number. */
function irreversibleReason(refresh: Pick<SimInstanceRefresh, "desiredConfiguration" | "previousSource">): string | undefined {
  if (refresh.desiredConfiguration === undefined)
    return "The instance refresh cannot be rolled back because it was started without a desired configuration.";
  const prev = refresh.previousSource.launchTemplate;
  if (prev === undefined) return "The instance refresh cannot be rolled back because the group used a launch configuration before it started.";
  if (!/^[0-9]+$/.test(prev.version))
    return `The instance refresh cannot be rolled back because the group's launch template version was ${prev.version}.`;
  return undefined;
}

function startInstanceRefresh(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requireGroup(world, params);
  const strategy = params.get("Strategy") ?? "Rolling";
  if (strategy === "ReplaceRootVolume") throw validation("The ReplaceRootVolume strategy is not supported by the practice range; use Rolling.");
  if (strategy !== "Rolling") throw validation(`Invalid strategy: ${strategy}`);
  if ([...params.keys()].some((k) => k.startsWith("DesiredConfiguration.MixedInstancesPolicy."))) {
    throw validation("MixedInstancesPolicy is not supported by the practice range; use DesiredConfiguration.LaunchTemplate.");
  }
  const desired = readLaunchTemplate(world, params, "DesiredConfiguration.LaunchTemplate");
  if (activeRefresh(group) !== undefined) {
    throw new SimApiError(
      "InstanceRefreshInProgress",
      "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.",
      400,
    );
  }
  const preferences = readPreferences(group, params);
  const previousSource = group.source;
  if (preferences.autoRollback) {
    const reason = irreversibleReason({ desiredConfiguration: desired, previousSource });
    if (reason !== undefined) throw validation(`AutoRollback is not supported for this instance refresh. ${reason}`);
  }
  const targetSource = desired ?? group.source;
  const toReplace = refreshCandidates(world, group, targetSource, { preferences });
  const refresh: SimInstanceRefresh = {
    id: requestId(groupPrng(group)),
    groupName: group.name,
    status: "Pending",
    startMs: world.nowMs,
    preferences,
    desiredConfiguration: desired,
    previousSource,
    targetSource,
    toReplace,
    total: toReplace.length,
    percentageComplete: 0,
    instancesToUpdate: toReplace.length,
    nextCheckpoint: 0,
  };
  group.instanceRefreshes.push(refresh);
  return { InstanceRefreshId: refresh.id };
}

function describeInstanceRefreshes(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requireGroup(world, params);
  const ids = queryListValues(params, "InstanceRefreshIds.member");
  const refreshes = [...group.instanceRefreshes].reverse().filter((r) => ids.length === 0 || ids.includes(r.id));
  const { items, nextToken } = page(refreshes, params, 50, 100);
  return { InstanceRefreshes: xmlList("member", items.map(refreshXml)), NextToken: nextToken };
}

function cancelInstanceRefresh(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requireGroup(world, params);
  const refresh = activeRefresh(group);
  if (refresh === undefined || (refresh.status !== "Pending" && refresh.status !== "InProgress" && refresh.status !== "Baking"))
    throw noActiveRefresh(group);
  refresh.status = "Cancelling";
  refresh.statusReason = "Cancellation requested by the user.";
  return { InstanceRefreshId: refresh.id };
}

function rollbackInstanceRefresh(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requireGroup(world, params);
  const refresh = activeRefresh(group);
  if (refresh === undefined || (refresh.status !== "Pending" && refresh.status !== "InProgress" && refresh.status !== "Baking"))
    throw noActiveRefresh(group);
  const reason = irreversibleReason(refresh);
  if (reason !== undefined) throw new SimApiError("IrreversibleInstanceRefresh", reason, 400);
  startRollback(world, group, refresh, "Rollback requested by the user.");
  return { InstanceRefreshId: refresh.id };
}

// ---------------------------------------------------------------------------------------------
// Activities

function describeScalingActivities(world: RangeWorld, params: URLSearchParams): XmlFields {
  const name = params.get("AutoScalingGroupName");
  let activities: SimScalingActivity[];
  if (name !== null && name !== "") {
    const group = autoScalingGroups(world).get(name);
    activities = group === undefined ? [] : [...group.activities];
  } else {
    activities = [...autoScalingGroups(world).values()].flatMap((g) => g.activities);
  }
  const ids = queryListValues(params, "ActivityIds.member");
  if (ids.length > 0) activities = activities.filter((a) => ids.includes(a.id));
  // Newest first; within one instant, the one recorded last first.
  activities = activities
    .map((a, i) => ({ a, i }))
    .sort((x, y) => y.a.startMs - x.a.startMs || y.i - x.i)
    .map((x) => x.a);
  const { items, nextToken } = page(activities, params, 100, 100);
  return { Activities: xmlList("member", items.map(activityXml)), NextToken: nextToken };
}
