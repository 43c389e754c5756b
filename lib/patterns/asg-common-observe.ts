import "server-only";
import { createHash } from "node:crypto";
import { AppError } from "@/lib/domain/app-error";
import type { AppState, AsgGroupView, AsgView, EnvironmentState, InstanceView, LaunchSpecView } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { AwsClients } from "@/lib/aws/clients";
import { describeAsgGroups, describeTrafficSourceState, resolveLaunchSpec, type AsgGroupInfo, type AsgInstanceInfo } from "@/lib/aws/autoscaling";
import { describeInstanceVersions } from "@/lib/aws/ec2";
import { describeClassicLoadBalancer, describeInstanceHealth } from "@/lib/aws/elb";
import { keptWarmOf } from "@/lib/domain/kept-warm";
import { describeTargetGroup, describeTargetHealth } from "@/lib/aws/elbv2";
import type { AsgSwapAppConfig, LaunchSwapAppConfig } from "@/lib/config/schema";
import {
  emptyPlan,
  groupCpuPlan,
  instanceCpuPlan,
  mergePlans,
  sharedClassicElbPlan,
  sharedTargetGroupPlan,
  type ColourPlan,
} from "@/lib/metrics/per-colour";
import { isInService, launchKey, percentOf } from "./asg-common";
import { asgSwapConfiguredPercent, asgSwapTotal } from "./asg-swap";
import { launchSwapConfiguredPercent } from "./launch-swap";
import type { MetricPlan, ObserveOptions, PatternObserver } from "./observer";

type LbConfig = AsgSwapAppConfig["loadBalancer"];
type LbHealth = { id: string; health: InstanceView["health"]; state: string; description?: string };

type HealthCheck = NonNullable<AsgView["healthCheck"]>;

async function resolveLoadBalancer(clients: AwsClients, lb: LbConfig): Promise<AsgView["loadBalancer"] & { healthCheck?: HealthCheck | null }> {
  if (lb.kind === "classic") return { kind: "classic", name: lb.name };
  const tg = await describeTargetGroup(clients.elbv2, lb.targetGroup);
  return { kind: "target-group", name: tg.name, arn: tg.arn, healthCheck: tg.healthCheck ?? null };
}

/**
 * Adds the load balancer's health check to `state.asg` when a colour keeps instances warm (the
 * time a rollback needs to bring them back); one DescribeLoadBalancers for a classic ELB, only then.
 */
async function withHealthCheck(clients: AwsClients, state: AppState, resolved: { healthCheck?: HealthCheck | null }): Promise<AppState> {
  const asg = state.asg;
  if (!asg || (keptWarmOf(state, "blue") === null && keptWarmOf(state, "green") === null)) return state;
  const check =
    asg.loadBalancer.kind === "classic" ? (await describeClassicLoadBalancer(clients.elb, asg.loadBalancer.name)).healthCheck : resolved.healthCheck;
  return check ? { ...state, asg: { ...asg, healthCheck: check } } : state;
}

/** The load balancer's own view of its instances: classic DescribeInstanceHealth or target health. */
async function loadBalancerHealth(clients: AwsClients, lb: AsgView["loadBalancer"]): Promise<Map<string, LbHealth>> {
  const rows: LbHealth[] =
    lb.kind === "classic"
      ? await describeInstanceHealth(clients.elb, lb.name)
      : (await describeTargetHealth(clients.elbv2, lb.arn)).map((t) => ({ id: t.id, health: t.health, state: t.state, description: t.description }));
  return new Map(rows.map((r) => [r.id, r]));
}

/** An Auto Scaling instance with the load balancer's health of it (unregistered ones are "unknown"). */
function instanceView(i: AsgInstanceInfo, health: Map<string, LbHealth>): InstanceView {
  const lb = health.get(i.id);
  const unhealthyInGroup = i.healthStatus === "Unhealthy";
  return {
    id: i.id,
    health: unhealthyInGroup ? "unhealthy" : (lb?.health ?? "unknown"),
    state: lb?.state ?? "not registered",
    ...(lb?.description ? { description: lb.description } : {}),
    lifecycle: i.lifecycle,
    launch: i.launch,
    availabilityZone: i.availabilityZone,
  };
}

/** The versions a colour's instances run, most common first (tag teal:version, else the AMI). */
function versionLabel(instances: InstanceView[], versions: Map<string, string>): string {
  const counts = new Map<string, number>();
  for (const i of instances) {
    const v = versions.get(i.id);
    if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return sorted.length ? sorted.map(([v]) => v).join(" + ") : "unknown";
}

function capacityOf(group: AsgGroupView, instances: InstanceView[]): EnvironmentState["capacity"] {
  const count = (pred: (lc: string) => boolean) => instances.filter((i) => pred(i.lifecycle ?? "")).length;
  return {
    desired: group.desired,
    inService: count((lc) => lc === "InService"),
    pending: count((lc) => lc === "Pending" || lc.startsWith("Pending:")),
    standby: count((lc) => lc === "Standby" || lc === "EnteringStandby"),
    min: group.min,
    max: group.max,
  };
}

function environment(
  color: Color,
  group: AsgGroupView,
  lb: AsgView["loadBalancer"],
  instances: InstanceView[],
  versions: Map<string, string>,
): EnvironmentState {
  return {
    color,
    version: versionLabel(instances, versions),
    loadBalancer: { kind: lb.kind, name: lb.name },
    healthy: instances.filter((i) => i.health === "healthy").length,
    unhealthy: instances.filter((i) => i.health === "unhealthy").length,
    instances,
    capacity: capacityOf(group, instances),
  };
}

/** Optimistic-concurrency version over everything a shift changes: sizes, launches, attachments, lifecycles. */
export function asgStateVersion(asg: AsgView, instances: InstanceView[]): string {
  const groups = (["blue", "green"] as const).map((c) => {
    const g = asg.groups[c];
    const launch = g.launch ? launchKey(g.launch) : "";
    return `${c}:${g.name}:${g.desired}:${g.min}:${g.max}:${launch}:${g.attachment ?? ""}`;
  });
  const inst = instances.map((i) => `${i.id}:${i.lifecycle ?? ""}:${i.launch ?? ""}`).sort();
  return createHash("sha256")
    .update([...groups, ...inst].join("|"))
    .digest("hex")
    .slice(0, 16);
}

/**
 * Observed share from the load balancer itself: green's instances InService (healthy) behind it
 * against all of them. CloudWatch has no per-group request count on a shared classic ELB.
 */
function observedFromHealth(blue: InstanceView[], green: InstanceView[]): AppState["observed"] {
  const serving = (xs: InstanceView[]) => xs.filter((i) => isInService(i) && i.health === "healthy").length;
  const b = serving(blue);
  const g = serving(green);
  return { greenPercent: b + g > 0 ? percentOf(g, b + g) : null, blueRequests: 0, greenRequests: 0, source: "instances" };
}

async function groupWithAttachment(clients: AwsClients, info: AsgGroupInfo, lb: AsgView["loadBalancer"]): Promise<AsgGroupView> {
  const [attachment, launch] = await Promise.all([
    describeTrafficSourceState(clients.autoscaling, info.view.name, lb.kind === "classic" ? lb.name : lb.arn),
    info.launch ? resolveLaunchSpec(clients.ec2, info.launch) : Promise.resolve(null),
  ]);
  return { ...info.view, attachment, launch };
}

/** Reads an asg-swap application: both groups, their attachment to the one load balancer, its health view. */
export async function observeAsgSwap(clients: AwsClients, app: AsgSwapAppConfig, opts: ObserveOptions = {}): Promise<AppState> {
  const resolved = await resolveLoadBalancer(clients, app.loadBalancer);
  const lb = lbOnly(resolved);
  const names = { blue: app.blue.autoScalingGroup, green: app.green.autoScalingGroup };
  const [groups, health] = await Promise.all([describeAsgGroups(clients.autoscaling, [names.blue, names.green]), loadBalancerHealth(clients, lb)]);
  const info = (c: Color): AsgGroupInfo => {
    const g = groups.get(names[c]);
    if (!g) throw new AppError("not_found", `Auto Scaling group ${names[c]} does not exist.`);
    return g;
  };
  const [blueGroup, greenGroup] = await Promise.all([
    groupWithAttachment(clients, info("blue"), lb),
    groupWithAttachment(clients, info("green"), lb),
  ]);
  const instances = {
    blue: info("blue").instances.map((i) => instanceView(i, health)),
    green: info("green").instances.map((i) => instanceView(i, health)),
  };
  const versions = await describeInstanceVersions(
    clients.ec2,
    [...instances.blue, ...instances.green].map((i) => i.id),
  );
  const asg: AsgView = { loadBalancer: lb, groups: { blue: blueGroup, green: greenGroup }, greenIdleCapacity: app.green.idleCapacity };
  const environments = {
    blue: environment("blue", blueGroup, lb, instances.blue, versions),
    green: environment("green", greenGroup, lb, instances.green, versions),
  };
  const partial = { environments, asg };
  const state: AppState = {
    appId: app.id,
    pattern: "asg-swap",
    observedAt: (opts.now ?? new Date()).toISOString(),
    environments,
    configured: { greenPercent: asgSwapConfiguredPercent(partial) },
    observed: observedFromHealth(instances.blue, instances.green),
    asg,
    granularityPercent: 100,
    version: asgStateVersion(asg, [...instances.blue, ...instances.green]),
  };
  const total = asgSwapTotal(state);
  state.granularityPercent = total > 0 ? percentOf(1, total) : 100;
  return withHealthCheck(clients, state, resolved);
}

function lbOnly(resolved: AsgView["loadBalancer"] & { healthCheck?: HealthCheck | null }): AsgView["loadBalancer"] {
  return resolved.kind === "classic" ? { kind: "classic", name: resolved.name } : { kind: "target-group", name: resolved.name, arn: resolved.arn };
}

function configSpec(spec: LaunchSwapAppConfig["blue"]): Parameters<typeof resolveLaunchSpec>[1] {
  if ("launchConfiguration" in spec) return { kind: "launch-configuration", name: spec.launchConfiguration };
  return { kind: "launch-template", id: spec.launchTemplate.id, name: spec.launchTemplate.name, version: spec.launchTemplate.version };
}

/** Whether an instance's launch ("lc" or "lt-id:n") is the spec (by template id or name). */
function onLaunch(launch: string, spec: LaunchSpecView): boolean {
  if (spec.kind === "launch-configuration") return launch === spec.name;
  return launch === `${spec.id}:${spec.resolvedVersion}` || launch === `${spec.name}:${spec.resolvedVersion}`;
}

/** Reads a launch-swap application: the group, which instances run the old and the new launch, the load balancer's view. */
export async function observeLaunchSwap(clients: AwsClients, app: LaunchSwapAppConfig, opts: ObserveOptions = {}): Promise<AppState> {
  const resolved = await resolveLoadBalancer(clients, app.loadBalancer);
  const lb = lbOnly(resolved);
  const [groups, health, blueSpec, greenSpec] = await Promise.all([
    describeAsgGroups(clients.autoscaling, [app.autoScalingGroup]),
    loadBalancerHealth(clients, lb),
    resolveLaunchSpec(clients.ec2, configSpec(app.blue)),
    resolveLaunchSpec(clients.ec2, configSpec(app.green)),
  ]);
  if (launchKey(blueSpec) === launchKey(greenSpec)) {
    throw new AppError(
      "invalid",
      `blue and green of ${app.id} resolve to the same launch (${launchKey(blueSpec)}); give green a new configuration or template version`,
    );
  }
  const info = groups.get(app.autoScalingGroup);
  if (!info) throw new AppError("not_found", `Auto Scaling group ${app.autoScalingGroup} does not exist.`);
  const group = await groupWithAttachment(clients, info, lb);
  const all = info.instances.map((i) => instanceView(i, health));
  const blue = all.filter((i) => onLaunch(i.launch ?? "", blueSpec));
  const green = all.filter((i) => onLaunch(i.launch ?? "", greenSpec));
  const strays = all.filter((i) => !blue.includes(i) && !green.includes(i));
  const versions = await describeInstanceVersions(
    clients.ec2,
    all.map((i) => i.id),
  );
  const asg: AsgView = { loadBalancer: lb, groups: { blue: group, green: group }, launches: { blue: blueSpec, green: greenSpec }, strays };
  const environments = {
    blue: environment("blue", group, lb, blue, versions),
    green: environment("green", group, lb, green, versions),
  };
  if (environments.blue.version === "unknown") environments.blue.version = launchKey(blueSpec);
  if (environments.green.version === "unknown") environments.green.version = launchKey(greenSpec);
  const state: AppState = {
    appId: app.id,
    pattern: "launch-swap",
    observedAt: (opts.now ?? new Date()).toISOString(),
    environments,
    configured: { greenPercent: launchSwapConfiguredPercent({ environments, asg }) },
    observed: observedFromHealth(blue, green),
    asg,
    granularityPercent: group.desired > 0 ? percentOf(1, group.desired) : 100,
    version: asgStateVersion(asg, all),
  };
  return withHealthCheck(clients, state, resolved);
}

/**
 * The load balancer both colours share, once for both (`color: null`): AWS/ELB has no dimension
 * per Auto Scaling group or instance, so its requests, latency and 5xx cannot be split by colour. A
 * target group is read when the observe step found its CloudWatch dimensions. The observed share
 * comes from the health view in `observe`, never from request counts (`requests: null`).
 */
function sharedLoadBalancerPlan(lb: LbConfig, state: AppState, periodS: number): ColourPlan {
  if (lb.kind === "classic") return sharedClassicElbPlan(lb.name, periodS);
  const cw = state.environments.blue?.loadBalancer.cloudWatch;
  return cw?.targetGroup ? sharedTargetGroupPlan({ loadBalancer: cw.loadBalancer, targetGroup: cw.targetGroup }, periodS) : emptyPlan();
}

/** asg-swap: the shared load balancer, and each colour's own group's CPU (AWS/EC2 per AutoScalingGroupName). */
export function asgSwapMetrics(app: AsgSwapAppConfig, state: AppState, periodS: number): MetricPlan {
  return mergePlans(
    sharedLoadBalancerPlan(app.loadBalancer, state, periodS),
    groupCpuPlan({ blue: app.blue.autoScalingGroup, green: app.green.autoScalingGroup }, periodS),
  );
}

/** launch-swap: the shared load balancer, and the CPU of each colour's instances (AWS/EC2 per InstanceId, averaged). */
export function launchSwapMetrics(app: LaunchSwapAppConfig, state: AppState, periodS: number): MetricPlan {
  const ids = (c: Color) => (state.environments[c]?.instances ?? []).map((i) => i.id);
  return mergePlans(sharedLoadBalancerPlan(app.loadBalancer, state, periodS), instanceCpuPlan({ blue: ids("blue"), green: ids("green") }, periodS));
}

export const asgSwapObserver: PatternObserver<AsgSwapAppConfig> = {
  observe: (clients, app, opts) => observeAsgSwap(clients, app, opts),
  metrics: (app, state, periodS) => asgSwapMetrics(app, state, periodS),
};

export const launchSwapObserver: PatternObserver<LaunchSwapAppConfig> = {
  observe: (clients, app, opts) => observeLaunchSwap(clients, app, opts),
  metrics: (app, state, periodS) => launchSwapMetrics(app, state, periodS),
};
