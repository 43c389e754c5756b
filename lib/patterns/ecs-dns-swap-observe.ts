import "server-only";
import { createHash } from "node:crypto";
import type { AppState, DnsRecordView, EnvironmentState } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { MetricSeries } from "@/lib/domain/snapshot";
import type { AwsClients } from "@/lib/aws/clients";
import type { MetricQuery } from "@/lib/aws/cloudwatch";
import { describeServices, describeTaskDefinitionVersions, listServiceTasks } from "@/lib/aws/ecs";
import { describeAlb, describeTargetGroup, describeTargetHealth } from "@/lib/aws/elbv2";
import { getChangeStatus } from "@/lib/aws/route53-change";
import { listRecordSets, resolveHostedZoneId } from "@/lib/aws/route53";
import type { EcsDnsSwapAppConfig } from "@/lib/config/schema";
import { ALB_TARGET_GROUP_CATALOG, ECS_SERVICE_CATALOG, albTargetGroupQueries, ecsServiceQueries, queryId } from "@/lib/metrics/catalog";
import { dnsReactionSeconds } from "./dns-weighted";
import { ecsCapacity, primaryDeployment, taskInstance, versionLabel, type TargetHealthInfo } from "./ecs-common";
import { configuredGreenPercent } from "./ecs-dns-swap";
import type { PatternObserver } from "./observer";

const COLORS: readonly Color[] = ["blue", "green"];

/** Route 53 answers alias records to a load balancer with a fixed 60 s TTL (docs/aws-behaviour.md §1.4). */
export const ALIAS_TO_ELB_TTL_S = 60;

/**
 * Optimistic-concurrency version: changes when anything a plan is computed from changes (weights,
 * alias targets, each service's desired count and PRIMARY task definition and rollout state).
 */
export function ecsDnsSwapVersion(records: DnsRecordView[], environments: Record<Color, EnvironmentState>): string {
  const dns = records
    .map((r) => `${r.color}:${r.setIdentifier}:${r.weight}:${r.target}:${r.record.aliasTarget?.evaluateTargetHealth ?? ""}`)
    .sort()
    .join("|");
  const services = COLORS.map((c) => {
    const ecs = environments[c].ecs;
    const primary = ecs ? primaryDeployment(ecs) : undefined;
    return `${c}:${ecs?.desired ?? "-"}:${primary?.taskDefinition ?? "-"}:${primary?.rolloutState ?? "-"}`;
  }).join("|");
  return createHash("sha256").update(`${dns}#${services}`).digest("hex").slice(0, 16);
}

async function observeColor(clients: AwsClients, app: EcsDnsSwapAppConfig, color: Color): Promise<EnvironmentState> {
  const cfg = app[color];
  const [services, alb] = await Promise.all([
    describeServices(clients.ecs, app.cluster, [cfg.service]),
    describeAlb(clients.elbv2, cfg.loadBalancer),
  ]);
  const read = services.get(cfg.service) ?? null;
  // The configured target group wins; else the one the service registers its tasks with on this ALB.
  const tgRef = cfg.targetGroup ?? read?.targetGroupArns[0];
  const [tg, tasks] = await Promise.all([
    tgRef ? describeTargetGroup(clients.elbv2, tgRef) : Promise.resolve(null),
    read ? listServiceTasks(clients.ecs, app.cluster, cfg.service, read.view.running + read.view.pending) : Promise.resolve([]),
  ]);
  const [targets, versions] = await Promise.all([
    tg ? describeTargetHealth(clients.elbv2, tg.arn) : Promise.resolve([]),
    describeTaskDefinitionVersions(clients.ecs, [...tasks.map((t) => t.taskDefinition), ...(read ? [read.view.taskDefinition] : [])]),
  ]);
  const byId = new Map<string, TargetHealthInfo>(targets.map((t) => [t.id, t]));
  const instances = tasks.map((t) => taskInstance(t, byId));
  const view = read?.view;
  const env: EnvironmentState = {
    color,
    version: versionLabel(
      tasks.map((t) => versions.get(t.taskDefinition) ?? t.taskDefinition),
      view ? (versions.get(view.taskDefinition) ?? view.taskDefinition) : "unknown",
    ),
    loadBalancer: {
      kind: "alb",
      name: alb.name,
      dnsName: alb.dnsName,
      arn: alb.arn,
      cloudWatch: tg ? { loadBalancer: alb.dimension, targetGroup: tg.dimension } : { loadBalancer: alb.dimension },
    },
    healthy: instances.filter((i) => i.health === "healthy").length,
    unhealthy: instances.filter((i) => i.health === "unhealthy").length,
    instances,
  };
  if (view) {
    env.ecs = view;
    env.capacity = ecsCapacity(view);
  }
  return env;
}

/**
 * Reads one ecs-dns-swap application: both weighted alias records, each colour's ECS service
 * (deployments, events, circuit breaker), its tasks with their target health, its ALB, and the
 * status of Teal's last Route 53 change (if any). The observed share comes from the metrics.
 */
export async function observeEcsDnsSwap(
  clients: AwsClients,
  app: EcsDnsSwapAppConfig,
  opts: { lastChangeId?: string | null; now?: Date } = {},
): Promise<AppState> {
  const zoneId = await resolveHostedZoneId(clients.route53, app.dns.hostedZone);
  const [records, blue, green, changeStatus] = await Promise.all([
    listRecordSets(clients.route53, zoneId, app.dns.recordName, app.dns.recordType),
    observeColor(clients, app, "blue"),
    observeColor(clients, app, "green"),
    opts.lastChangeId ? getChangeStatus(clients.route53, opts.lastChangeId) : Promise.resolve(null),
  ]);
  const environments: Record<Color, EnvironmentState> = { blue, green };
  const views: DnsRecordView[] = [];
  for (const color of COLORS) {
    const rec = records.find((r) => r.setIdentifier === app[color].setIdentifier);
    if (!rec) continue;
    views.push({
      color,
      name: rec.name,
      type: rec.type,
      setIdentifier: rec.setIdentifier ?? "",
      weight: rec.weight ?? 0,
      ttl: rec.ttl,
      target: rec.aliasTarget?.dnsName ?? rec.values.join(", "),
      record: rec,
    });
  }
  const weight = (c: Color) => views.find((v) => v.color === c)?.weight ?? 0;
  return {
    appId: app.id,
    pattern: "ecs-dns-swap",
    observedAt: (opts.now ?? new Date()).toISOString(),
    environments,
    configured: { greenPercent: configuredGreenPercent(weight("blue"), weight("green")) },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    dns: {
      hostedZoneId: zoneId,
      records: views,
      changeStatus,
      // Alias records have no TTL of their own; Route 53 answers them with the load balancer's 60 s.
      reactionSeconds: dnsReactionSeconds(views.every((v) => v.record.aliasTarget) ? ALIAS_TO_ELB_TTL_S : (views[0]?.ttl ?? null)),
    },
    granularityPercent: 1,
    version: ecsDnsSwapVersion(views, environments),
  };
}

/**
 * Per colour: its ALB's metrics (its service's target group with the ALB; each colour has its own
 * ALB, so these are the colour's whole traffic) and its service's CPU / memory. Without a known
 * target group, the traffic metrics are asked on the ALB alone.
 */
export function ecsDnsSwapMetrics(state: AppState, periodS: number): { queries: MetricQuery[]; series: Omit<MetricSeries, "points">[] } {
  const queries: MetricQuery[] = [];
  const series: Omit<MetricSeries, "points">[] = [];
  for (const color of COLORS) {
    const env = state.environments[color];
    const dims = env.loadBalancer.cloudWatch;
    if (dims?.targetGroup) {
      queries.push(...albTargetGroupQueries(color, { loadBalancer: dims.loadBalancer, targetGroup: dims.targetGroup }, periodS));
      for (const e of ALB_TARGET_GROUP_CATALOG) series.push({ id: queryId(color, e.key), metric: e.metric, stat: e.stat, color, unit: e.unit });
    } else if (dims) {
      for (const e of ALB_TARGET_GROUP_CATALOG.filter((x) => !x.metric.endsWith("HostCount"))) {
        queries.push({
          id: queryId(color, e.key),
          namespace: "AWS/ApplicationELB",
          metricName: e.metric,
          dimensions: { LoadBalancer: dims.loadBalancer },
          stat: e.stat,
          periodS,
        });
        series.push({ id: queryId(color, e.key), metric: e.metric, stat: e.stat, color, unit: e.unit });
      }
    }
    if (env.ecs) {
      queries.push(...ecsServiceQueries(color, { cluster: env.ecs.cluster, service: env.ecs.service }, periodS));
      for (const e of ECS_SERVICE_CATALOG) series.push({ id: queryId(color, e.key), metric: e.metric, stat: e.stat, color, unit: e.unit });
    }
  }
  return { queries, series };
}

export const ecsDnsSwapObserver: PatternObserver<EcsDnsSwapAppConfig> = {
  observe: (clients, app, opts) => observeEcsDnsSwap(clients, app, opts),
  metrics: (_app, state, periodS) => {
    const { queries, series } = ecsDnsSwapMetrics(state, periodS);
    const measurable = COLORS.every((c) => queries.some((q) => q.id === queryId(c, "requests")));
    return { queries, series, requests: measurable ? { blue: queryId("blue", "requests"), green: queryId("green", "requests") } : null };
  },
};
