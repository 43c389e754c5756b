import "server-only";
import {
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
  DescribeTrafficSourcesCommand,
  type AutoScalingClient,
  type AutoScalingGroup,
  type Instance as SdkAsgInstance,
  type TrafficSourceState,
} from "@aws-sdk/client-auto-scaling";
import { DescribeLaunchTemplatesCommand, type EC2Client, type LaunchTemplate } from "@aws-sdk/client-ec2";
import { AppError } from "@/lib/domain/app-error";
import type { AsgGroupView, LaunchSpecView } from "@/lib/domain/app-state";
import { batcherOf } from "./batched-reads";
import { toAppError } from "./errors";
import { asgInstanceLaunch } from "./waits";

/**
 * Group names per DescribeAutoScalingGroups call: up to 50 without MaxRecords (its default page),
 * which is what Teal sends (docs/aws-behaviour.md §8.4).
 */
export const ASG_NAMES_PER_CALL = 50;

/** One instance of an Auto Scaling group, in Teal's terms. */
export interface AsgInstanceInfo {
  id: string;
  lifecycle: string;
  /** Auto Scaling's own health status: Healthy | Unhealthy. */
  healthStatus: string;
  /** "lc-name" or "lt-id:version" (the version the instance was launched from). */
  launch: string;
  availabilityZone: string;
}

/** A group as DescribeAutoScalingGroups returns it; the launch template version is not resolved yet. */
export interface AsgGroupInfo {
  view: Omit<AsgGroupView, "attachment" | "launch">;
  /** What the group launches from, as it names it. */
  launch: { kind: "launch-configuration"; name: string } | { kind: "launch-template"; id: string; name: string; version: string } | null;
  instances: AsgInstanceInfo[];
}

export function mapAsgInstance(i: SdkAsgInstance): AsgInstanceInfo {
  return {
    id: i.InstanceId ?? "",
    lifecycle: i.LifecycleState ?? "unknown",
    healthStatus: i.HealthStatus ?? "Healthy",
    launch: asgInstanceLaunch(i),
    availabilityZone: i.AvailabilityZone ?? "",
  };
}

/** Pure SDK → domain mapping of one group. */
export function mapAsgGroup(g: AutoScalingGroup): AsgGroupInfo {
  const lt = g.LaunchTemplate;
  const launch: AsgGroupInfo["launch"] = g.LaunchConfigurationName
    ? { kind: "launch-configuration", name: g.LaunchConfigurationName }
    : lt
      ? { kind: "launch-template", id: lt.LaunchTemplateId ?? "", name: lt.LaunchTemplateName ?? "", version: lt.Version ?? "$Default" }
      : null;
  return {
    view: {
      name: g.AutoScalingGroupName ?? "",
      desired: g.DesiredCapacity ?? 0,
      min: g.MinSize ?? 0,
      max: g.MaxSize ?? 0,
      healthCheckType: g.HealthCheckType ?? "EC2",
    },
    launch,
    instances: (g.Instances ?? []).map(mapAsgInstance).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
}

/** Groups by name; a missing one is a not_found AppError naming it. */
export async function describeAsgGroups(client: AutoScalingClient, names: string[]): Promise<Map<string, AsgGroupInfo>> {
  const fetch = async (some: string[]): Promise<Map<string, AutoScalingGroup>> => {
    const out = await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: some }));
    return new Map((out.AutoScalingGroups ?? []).map((g) => [g.AutoScalingGroupName ?? "", g]));
  };
  try {
    const batcher = batcherOf(client);
    const found = batcher ? await batcher.byIds("autoscaling:DescribeAutoScalingGroups", names, ASG_NAMES_PER_CALL, fetch) : await fetch(names);
    const byName = new Map([...found].map(([name, g]) => [name, mapAsgGroup(g)]));
    for (const name of names) {
      if (!byName.has(name)) throw new AppError("not_found", `Auto Scaling group ${name} does not exist.`);
    }
    return byName;
  } catch (err) {
    throw toAppError(err, "DescribeAutoScalingGroups");
  }
}

/** Whether a launch configuration of this name exists (read-only; for `teal validate`). */
export async function launchConfigurationExists(client: AutoScalingClient, name: string): Promise<boolean> {
  try {
    const out = await client.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [name] }));
    return (out.LaunchConfigurations ?? []).some((lc) => lc.LaunchConfigurationName === name);
  } catch (err) {
    throw toAppError(err, "DescribeLaunchConfigurations");
  }
}

/** The state of one traffic source on a group (Adding, Added, InService, Removing, Removed), or null. */
export function trafficSourceStateOf(sources: TrafficSourceState[], identifier: string): string | null {
  const s = sources.find((x) => x.Identifier === identifier || x.TrafficSource === identifier);
  return s?.State ?? null;
}

export async function describeTrafficSourceState(client: AutoScalingClient, group: string, identifier: string): Promise<string | null> {
  try {
    const sources: TrafficSourceState[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const out = await client.send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: group, NextToken: next }));
      sources.push(...(out.TrafficSources ?? []));
      next = out.NextToken;
      pages++;
    } while (next && pages < 10);
    return trafficSourceStateOf(sources, identifier);
  } catch (err) {
    throw toAppError(err, "DescribeTrafficSources");
  }
}

/** The version number a template version names now ($Latest, $Default or a number). */
export function resolveTemplateVersion(t: Pick<LaunchTemplate, "LatestVersionNumber" | "DefaultVersionNumber">, version: string): string {
  if (version === "$Latest") return String(t.LatestVersionNumber ?? version);
  if (version === "$Default") return String(t.DefaultVersionNumber ?? version);
  return version;
}

/**
 * A launch spec with its template version resolved to a number (instances record the number).
 * Launch configurations need no lookup.
 */
export async function resolveLaunchSpec(
  ec2: EC2Client,
  spec: { kind: "launch-configuration"; name: string } | { kind: "launch-template"; id?: string; name?: string; version: string },
): Promise<LaunchSpecView> {
  if (spec.kind === "launch-configuration") return spec;
  const batcher = batcherOf(ec2);
  // A numbered version names the same template and number for good: nothing of the answer can change.
  if (batcher && /^[0-9]+$/.test(spec.version)) {
    return batcher
      .immutable(`ec2:launch-template:${spec.id ?? ""}:${spec.name ?? ""}:${spec.version}`, () => describeLaunchSpec(ec2, spec))
      .then((view) => ({ ...view }));
  }
  return describeLaunchSpec(ec2, spec);
}

async function describeLaunchSpec(
  ec2: EC2Client,
  spec: { kind: "launch-template"; id?: string; name?: string; version: string },
): Promise<LaunchSpecView> {
  try {
    const out = await ec2.send(
      new DescribeLaunchTemplatesCommand(spec.id ? { LaunchTemplateIds: [spec.id] } : { LaunchTemplateNames: [spec.name ?? ""] }),
    );
    const t = out.LaunchTemplates?.[0];
    if (!t) throw new AppError("not_found", `Launch template ${spec.id ?? spec.name ?? ""} does not exist.`);
    return {
      kind: "launch-template",
      id: t.LaunchTemplateId ?? spec.id ?? "",
      name: t.LaunchTemplateName ?? spec.name ?? "",
      version: spec.version,
      resolvedVersion: resolveTemplateVersion(t, spec.version),
    };
  } catch (err) {
    throw toAppError(err, "DescribeLaunchTemplates");
  }
}
