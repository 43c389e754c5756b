import "server-only";
import { createHash } from "node:crypto";
import { AppError } from "@/lib/domain/app-error";
import type { AppState, EnvironmentState } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { AwsClients } from "@/lib/aws/clients";
import { describeServices, describeTaskDefinitionVersions, listServiceTasks } from "@/lib/aws/ecs";
import { describeAlb, describeTargetGroup, describeTargetHealth } from "@/lib/aws/elbv2";
import type { EcsElbSwapAppConfig } from "@/lib/config/schema";
import { mergePlans, perColourTargetGroupPlan, serviceUtilisationPlan, sharedTargetGroupPlan } from "@/lib/metrics/per-colour";
import { ecsCapacity, taskInstance, versionLabel, type EcsTaskInfo, type TargetHealthInfo } from "./ecs-common";
import { ecsElbGranularity, taskShare } from "./ecs-elb-swap";
import type { MetricPlan, PatternObserver } from "./observer";

const COLORS: readonly Color[] = ["blue", "green"];

/**
 * Green's share of the running tasks that are registered (not draining, not unused) in the target
 * groups: what the load balancer spreads requests over.
 */
export function registeredTaskShare(
  tasks: Record<Color, readonly EcsTaskInfo[]>,
  targets: Record<Color, ReadonlyMap<string, TargetHealthInfo>>,
): { blue: number; green: number; greenPercent: number } {
  const count = (c: Color) =>
    tasks[c].filter((t) => {
      const target = t.ip ? targets[c].get(t.ip) : undefined;
      return t.lastStatus === "RUNNING" && target !== undefined && target.state !== "draining" && target.state !== "unused";
    }).length;
  const blue = count("blue");
  const green = count("green");
  return { blue, green, greenPercent: taskShare(green, blue + green) };
}

/** Optimistic-concurrency version: changes with either service's desired count or task definition, or the target groups. */
export function ecsElbStateVersion(parts: { desired: number; taskDefinition: string; targetGroup: string }[]): string {
  const key = parts.map((p) => `${p.desired}:${p.taskDefinition}:${p.targetGroup}`).join("|");
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

/**
 * Reads one ecs-elb-swap application: each colour's ECS service (deployments, events, circuit
 * breaker), its tasks with their target-group health and version, and the target group(s).
 */
export async function observeEcsElbSwap(clients: AwsClients, app: EcsElbSwapAppConfig, opts: { now?: Date } = {}): Promise<AppState> {
  const names = COLORS.map((c) => app[c].service);
  const shared = app.blue.targetGroup === app.green.targetGroup;
  const [services, alb, groups] = await Promise.all([
    describeServices(clients.ecs, app.cluster, names),
    describeAlb(clients.elbv2, app.loadBalancer),
    shared
      ? describeTargetGroup(clients.elbv2, app.blue.targetGroup).then((g) => [g, g])
      : Promise.all(COLORS.map((c) => describeTargetGroup(clients.elbv2, app[c].targetGroup))),
  ]);
  const reads = COLORS.map((c) => {
    const read = services.get(app[c].service);
    if (!read) throw new AppError("not_found", `ECS service ${app[c].service} does not exist in cluster ${app.cluster}.`);
    return read;
  });
  const healthLists = shared
    ? await describeTargetHealth(clients.elbv2, groups[0]?.arn ?? "").then((h) => [h, h])
    : await Promise.all(groups.map((g) => describeTargetHealth(clients.elbv2, g.arn)));
  const taskLists = await Promise.all(
    COLORS.map((c, i) => listServiceTasks(clients.ecs, app.cluster, app[c].service, (reads[i]?.view.running ?? 0) + (reads[i]?.view.pending ?? 0))),
  );
  const tds = [...reads.map((r) => r.view.taskDefinition), ...taskLists.flat().map((t) => t.taskDefinition)];
  const versions = await describeTaskDefinitionVersions(clients.ecs, tds);

  const tasks = { blue: taskLists[0] ?? [], green: taskLists[1] ?? [] };
  const targets = {
    blue: new Map((healthLists[0] ?? []).map((t) => [t.id, t])),
    green: new Map((healthLists[1] ?? []).map((t) => [t.id, t])),
  };
  const budget = app.totalTasks ?? reads.reduce((n, r) => n + r.view.desired, 0);
  const environments = {} as Record<Color, EnvironmentState>;
  COLORS.forEach((color, i) => {
    const view = reads[i]?.view;
    const group = groups[i];
    if (!view || !group) return;
    const instances = tasks[color].map((t) => taskInstance(t, targets[color]));
    environments[color] = {
      color,
      version: versionLabel(
        tasks[color].map((t) => versions.get(t.taskDefinition) ?? t.taskDefinition),
        versions.get(view.taskDefinition) ?? view.taskDefinition,
      ),
      loadBalancer: {
        kind: "target-group",
        name: group.name,
        arn: group.arn || undefined,
        dnsName: alb.dnsName,
        ...(alb.dimension && group.dimension ? { cloudWatch: { loadBalancer: alb.dimension, targetGroup: group.dimension } } : {}),
      },
      healthy: instances.filter((x) => x.health === "healthy").length,
      unhealthy: instances.filter((x) => x.health === "unhealthy").length,
      instances,
      capacity: ecsCapacity(view, budget),
      ecs: view,
    };
  });
  const share = registeredTaskShare(tasks, targets);
  return {
    appId: app.id,
    pattern: "ecs-elb-swap",
    observedAt: (opts.now ?? new Date()).toISOString(),
    environments,
    configured: { greenPercent: share.greenPercent },
    // One target group for both colours: no per-colour request count (a metric plan with one replaces this).
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0, source: "none" },
    granularityPercent: ecsElbGranularity(budget),
    version: ecsElbStateVersion(
      COLORS.map((c, i) => ({
        desired: reads[i]?.view.desired ?? 0,
        taskDefinition: reads[i]?.view.taskDefinition ?? "",
        targetGroup: groups[i]?.arn ?? "",
      })),
    ),
  };
}

/**
 * ECS CPU and memory per colour's service, and the ALB's requests, latency and 5xx, in one
 * GetMetricData call. With one target group for both colours (the usual topology: green's share is
 * its share of the tasks) AWS/ApplicationELB reports the target group as a whole, so those are one
 * series marked shared and the observed share is not measurable from RequestCount (null); with a
 * target group per colour they are per colour, and so is the observed share.
 */
export function ecsElbSwapMetrics(app: EcsElbSwapAppConfig, state: AppState, periodS: number): MetricPlan {
  const services = serviceUtilisationPlan(app.cluster, { blue: app.blue.service, green: app.green.service }, periodS);
  const dims = (c: Color) => state.environments[c]?.loadBalancer.cloudWatch;
  const blue = dims("blue");
  const green = dims("green");
  if (!blue?.targetGroup || !green?.targetGroup) return services;
  const alb =
    blue.targetGroup === green.targetGroup
      ? sharedTargetGroupPlan({ loadBalancer: blue.loadBalancer, targetGroup: blue.targetGroup }, periodS)
      : perColourTargetGroupPlan(
          {
            blue: { loadBalancer: blue.loadBalancer, targetGroup: blue.targetGroup },
            green: { loadBalancer: green.loadBalancer, targetGroup: green.targetGroup },
          },
          periodS,
        );
  return mergePlans(alb, services);
}

export const ecsElbSwapObserver: PatternObserver<EcsElbSwapAppConfig> = {
  observe: (clients, app, opts) => observeEcsElbSwap(clients, app, opts),
  metrics: (app, state, periodS) => ecsElbSwapMetrics(app, state, periodS),
};
