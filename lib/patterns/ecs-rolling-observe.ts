import "server-only";
import { createHash } from "node:crypto";
import { AppError } from "@/lib/domain/app-error";
import type { AppState, CapacityView, EcsServiceView, EnvironmentState, LoadBalancerView } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { MetricSeries } from "@/lib/domain/snapshot";
import type { AwsClients } from "@/lib/aws/clients";
import type { MetricQuery } from "@/lib/aws/cloudwatch";
import { describeServices, describeTaskDefinitionVersions, listFamilyRevisions, listServiceTasks } from "@/lib/aws/ecs";
import { describeAlb, describeTargetGroup, describeTargetHealth } from "@/lib/aws/elbv2";
import type { EcsRollingAppConfig } from "@/lib/config/schema";
import { ALB_TARGET_GROUP_CATALOG, ECS_SERVICE_CATALOG, albTargetGroupQueries, ecsServiceQueries, queryId } from "@/lib/metrics/catalog";
import { primaryDeployment, taskInstance, type EcsTaskInfo, type TargetHealthInfo } from "./ecs-common";
import { analyseRollout, shortTaskDefinitionName, taskDefinitionParts, type LastDeploy } from "./ecs-rolling";
import type { PatternObserver } from "./observer";

/** Changes when a plan's inputs change: deployments (id, status, rollout state), desired count, revisions. */
export function ecsRollingVersion(view: EcsServiceView): string {
  const key = [
    view.desired,
    view.taskDefinition,
    ...view.deployments.map((d) => `${d.id}:${d.status}:${d.taskDefinition}:${d.rolloutState ?? ""}`),
    (view.revisions ?? []).join(","),
  ].join("|");
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

/** "notifications:42 (v42)": the revision, and the version it runs when that says more. */
function revisionLabel(td: string, versions: Map<string, string>): string {
  const v = versions.get(td);
  return v && v !== td ? `${td} (${v})` : td;
}

function capacityOf(view: EcsServiceView, onPrimary: boolean): CapacityView {
  const primary = primaryDeployment(view);
  const ds = view.deployments.filter((d) => (d === primary) === onPrimary && d.status !== "INACTIVE");
  return {
    desired: ds.reduce((s, d) => s + d.desired, 0),
    inService: ds.reduce((s, d) => s + d.running, 0),
    pending: ds.reduce((s, d) => s + d.pending, 0),
    standby: 0,
  };
}

/**
 * Reads one ecs-rolling application: the service (deployments, rollout state, events, circuit
 * breaker), its family's ACTIVE revisions, its tasks with target health when it is behind an ALB
 * target group. Colours: green = tasks on the PRIMARY deployment's task definition (what ECS
 * converges to), blue = every other task (what it replaces); `configured.greenPercent` is the rollout
 * progress, the share of running tasks on the PRIMARY's task definition.
 */
export async function observeEcsRolling(
  clients: AwsClients,
  app: EcsRollingAppConfig,
  opts: { now?: Date; lastDeploy?: LastDeploy | null } = {},
): Promise<AppState> {
  const services = await describeServices(clients.ecs, app.cluster, [app.service]);
  const read = services.get(app.service);
  if (!read) throw new AppError("not_found", `ECS service ${app.service} does not exist in cluster ${app.cluster}`);
  const family = taskDefinitionParts(read.view.taskDefinition).family;
  const tgRef = app.targetGroup ?? read.targetGroupArns[0];
  const [revisions, tasks, tg] = await Promise.all([
    listFamilyRevisions(clients.ecs, family),
    listServiceTasks(clients.ecs, app.cluster, app.service, read.view.running + read.view.pending),
    tgRef ? describeTargetGroup(clients.elbv2, tgRef) : Promise.resolve(null),
  ]);
  const view: EcsServiceView = { ...read.view, revisions };
  const albRef = app.loadBalancer ?? tg?.loadBalancerArns[0];
  const analysis = analyseRollout(view, opts.lastDeploy ?? null);
  const [alb, targets, versions] = await Promise.all([
    albRef ? describeAlb(clients.elbv2, albRef) : Promise.resolve(null),
    tg ? describeTargetHealth(clients.elbv2, tg.arn) : Promise.resolve([]),
    describeTaskDefinitionVersions(clients.ecs, [
      ...tasks.map((t) => t.taskDefinition),
      analysis.primaryTaskDefinition,
      ...(analysis.previousTaskDefinition ? [analysis.previousTaskDefinition] : []),
    ]),
  ]);
  const byId = new Map<string, TargetHealthInfo>(targets.map((t) => [t.id, t]));
  const primaryTd = analysis.primaryTaskDefinition;
  const loadBalancer: LoadBalancerView = alb
    ? {
        kind: "alb",
        name: alb.name,
        dnsName: alb.dnsName,
        arn: alb.arn,
        cloudWatch: tg ? { loadBalancer: alb.dimension, targetGroup: tg.dimension } : { loadBalancer: alb.dimension },
      }
    : { kind: "none", name: app.service };

  const env = (color: Color, own: EcsTaskInfo[]): EnvironmentState => {
    const instances = own.map((t) => taskInstance(t, byId));
    const tds = [...new Set(own.map((t) => shortTaskDefinitionName(t.taskDefinition)))];
    const fallback = color === "green" ? primaryTd : (analysis.previousTaskDefinition ?? "none");
    return {
      color,
      version: (tds.length ? tds : [fallback]).map((td) => revisionLabel(td, versions)).join(" + "),
      loadBalancer,
      healthy: instances.filter((i) => i.health === "healthy").length,
      unhealthy: instances.filter((i) => i.health === "unhealthy").length,
      instances,
      capacity: capacityOf(view, color === "green"),
      ecs: view,
    };
  };
  const onPrimary = (t: EcsTaskInfo) => shortTaskDefinitionName(t.taskDefinition) === primaryTd;
  return {
    appId: app.id,
    pattern: "ecs-rolling",
    observedAt: (opts.now ?? new Date()).toISOString(),
    environments: {
      blue: env(
        "blue",
        tasks.filter((t) => !onPrimary(t)),
      ),
      green: env("green", tasks.filter(onPrimary)),
    },
    configured: { greenPercent: analysis.progressPercent },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    rollout: {
      state: analysis.state,
      progressPercent: analysis.progressPercent,
      primaryTaskDefinition: primaryTd,
      previousTaskDefinition: analysis.previousTaskDefinition,
      circuitBreakerRollback: analysis.circuitBreakerRollback,
    },
    // Progress moves one task at a time.
    granularityPercent: view.desired > 0 ? Math.round((100 / view.desired) * 100) / 100 : 100,
    version: ecsRollingVersion(view),
  };
}

/**
 * The service's charts. Both revisions serve behind the same target group and report under the same
 * service name, so the metrics cannot be split by colour: they are the whole service's, charted on
 * green (the revision ECS converges to), and there is no observed traffic share.
 */
export function ecsRollingMetrics(
  app: EcsRollingAppConfig,
  state: AppState,
  periodS: number,
): { queries: MetricQuery[]; series: Omit<MetricSeries, "points">[] } {
  const queries: MetricQuery[] = [];
  const series: Omit<MetricSeries, "points">[] = [];
  const dims = state.environments.green.loadBalancer.cloudWatch;
  if (dims?.targetGroup) {
    queries.push(...albTargetGroupQueries("green", { loadBalancer: dims.loadBalancer, targetGroup: dims.targetGroup }, periodS));
    for (const e of ALB_TARGET_GROUP_CATALOG)
      series.push({ id: queryId("green", e.key), metric: e.metric, stat: e.stat, color: "green", unit: e.unit });
  }
  queries.push(...ecsServiceQueries("green", { cluster: app.cluster, service: app.service }, periodS));
  for (const e of ECS_SERVICE_CATALOG) series.push({ id: queryId("green", e.key), metric: e.metric, stat: e.stat, color: "green", unit: e.unit });
  return { queries, series };
}

export const ecsRollingObserver: PatternObserver<EcsRollingAppConfig> = {
  observe: (clients, app, opts) => observeEcsRolling(clients, app, opts),
  metrics: (app, state, periodS) => ({ ...ecsRollingMetrics(app, state, periodS), requests: null }),
};
