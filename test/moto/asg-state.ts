/**
 * The state Teal's Auto Scaling planners start from, for moto, which cannot answer one of its
 * reads: the group's traffic-source state (DescribeTrafficSources answers 500; docs/moto.md). Every
 * other field comes from Teal's own adapters reading moto (groups, instances and their launch,
 * the load balancer's health, the launch templates); the attachment is what the test seeded, passed
 * in by the caller. Teal's observer (lib/patterns/asg-common-observe.ts) fills the same fields, with
 * the attachment read from AWS; the version fingerprint is not needed (no version is checked).
 */
import type { AppState, AsgGroupView, AsgView, EnvironmentState, InstanceView, LaunchSpecView } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { AwsClients } from "@/lib/aws/clients";
import { describeAsgGroups, resolveLaunchSpec, type AsgGroupInfo } from "@/lib/aws/autoscaling";
import { describeInstanceHealth } from "@/lib/aws/elb";
import { describeTargetGroup, describeTargetHealth } from "@/lib/aws/elbv2";
import type { AsgSwapAppConfig, LaunchSwapAppConfig } from "@/lib/config/schema";
import { isInService } from "@/lib/patterns/asg-common";
import { asgSwapConfiguredPercent } from "@/lib/patterns/asg-swap";
import { launchSwapConfiguredPercent } from "@/lib/patterns/launch-swap";

type Health = { health: InstanceView["health"]; state: string };

async function loadBalancerOf(
  clients: AwsClients,
  lb: AsgSwapAppConfig["loadBalancer"],
): Promise<{ view: AsgView["loadBalancer"]; health: Map<string, Health> }> {
  if (lb.kind === "classic") {
    const rows = await describeInstanceHealth(clients.elb, lb.name);
    return { view: { kind: "classic", name: lb.name }, health: new Map(rows.map((r) => [r.id, r])) };
  }
  const tg = await describeTargetGroup(clients.elbv2, lb.targetGroup);
  const rows = await describeTargetHealth(clients.elbv2, tg.arn);
  return { view: { kind: "target-group", name: tg.name, arn: tg.arn }, health: new Map(rows.map((r) => [r.id, r])) };
}

function instancesOf(info: AsgGroupInfo, health: Map<string, Health>): InstanceView[] {
  return info.instances.map((i) => ({
    id: i.id,
    health: i.healthStatus === "Unhealthy" ? "unhealthy" : (health.get(i.id)?.health ?? "unknown"),
    state: health.get(i.id)?.state ?? "not registered",
    lifecycle: i.lifecycle,
    launch: i.launch,
    availabilityZone: i.availabilityZone,
  }));
}

async function groupView(clients: AwsClients, info: AsgGroupInfo, attachment: string | null): Promise<AsgGroupView> {
  return { ...info.view, launch: info.launch ? await resolveLaunchSpec(clients.ec2, info.launch) : null, attachment };
}

function environment(color: Color, lb: AsgView["loadBalancer"], group: AsgGroupView, instances: InstanceView[]): EnvironmentState {
  return {
    color,
    version: instances[0]?.launch ?? "unknown",
    loadBalancer: { kind: lb.kind, name: lb.name },
    healthy: instances.filter((i) => i.health === "healthy").length,
    unhealthy: instances.filter((i) => i.health === "unhealthy").length,
    instances,
    capacity: { desired: group.desired, inService: instances.filter(isInService).length, pending: 0, standby: 0, min: group.min, max: group.max },
  };
}

function groupOf(groups: Map<string, AsgGroupInfo>, name: string): AsgGroupInfo {
  const g = groups.get(name);
  if (!g) throw new Error(`group ${name} not read`);
  return g;
}

/** asg-swap: both groups and the shared load balancer as Teal reads them, each group's attachment as seeded. */
export async function asgSwapState(clients: AwsClients, app: AsgSwapAppConfig, attachment: Record<Color, string | null>): Promise<AppState> {
  const { view: lb, health } = await loadBalancerOf(clients, app.loadBalancer);
  const names = { blue: app.blue.autoScalingGroup, green: app.green.autoScalingGroup };
  const groups = await describeAsgGroups(clients.autoscaling, [names.blue, names.green]);
  const blue = await groupView(clients, groupOf(groups, names.blue), attachment.blue);
  const green = await groupView(clients, groupOf(groups, names.green), attachment.green);
  const asg: AsgView = { loadBalancer: lb, groups: { blue, green }, greenIdleCapacity: app.green.idleCapacity };
  const environments = {
    blue: environment("blue", lb, blue, instancesOf(groupOf(groups, names.blue), health)),
    green: environment("green", lb, green, instancesOf(groupOf(groups, names.green), health)),
  };
  return {
    appId: app.id,
    pattern: "asg-swap",
    observedAt: new Date().toISOString(),
    environments,
    configured: { greenPercent: asgSwapConfiguredPercent({ environments, asg }) },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    asg,
    granularityPercent: blue.desired > 0 ? 100 / blue.desired : 100,
    version: "not checked",
  };
}

function launchOf(spec: LaunchSwapAppConfig["blue"]): Parameters<typeof resolveLaunchSpec>[1] {
  if ("launchConfiguration" in spec) return { kind: "launch-configuration", name: spec.launchConfiguration };
  return { kind: "launch-template", id: spec.launchTemplate.id, name: spec.launchTemplate.name, version: spec.launchTemplate.version };
}

/** "lt-id:n" (or the configuration's name) that instances launched from `spec` report. */
export function launchLabel(spec: LaunchSpecView): string {
  return spec.kind === "launch-configuration" ? spec.name : `${spec.id}:${spec.resolvedVersion}`;
}

/** launch-swap: the group, its instances split by the launch they report, the load balancer; the attachment as seeded. */
export async function launchSwapState(clients: AwsClients, app: LaunchSwapAppConfig, attachment: string | null): Promise<AppState> {
  const { view: lb, health } = await loadBalancerOf(clients, app.loadBalancer);
  const groups = await describeAsgGroups(clients.autoscaling, [app.autoScalingGroup]);
  const info = groupOf(groups, app.autoScalingGroup);
  const group = await groupView(clients, info, attachment);
  const launches = {
    blue: await resolveLaunchSpec(clients.ec2, launchOf(app.blue)),
    green: await resolveLaunchSpec(clients.ec2, launchOf(app.green)),
  };
  const all = instancesOf(info, health);
  const on = (c: Color) => all.filter((i) => i.launch === launchLabel(launches[c]));
  const strays = all.filter((i) => i.launch !== launchLabel(launches.blue) && i.launch !== launchLabel(launches.green));
  const asg: AsgView = { loadBalancer: lb, groups: { blue: group, green: group }, launches, strays };
  const environments = { blue: environment("blue", lb, group, on("blue")), green: environment("green", lb, group, on("green")) };
  return {
    appId: app.id,
    pattern: "launch-swap",
    observedAt: new Date().toISOString(),
    environments,
    configured: { greenPercent: launchSwapConfiguredPercent({ environments, asg }) },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    asg,
    granularityPercent: group.desired > 0 ? 100 / group.desired : 100,
    version: "not checked",
  };
}
