import type { Color } from "@/lib/domain/basics";
import type { MetricSeries } from "@/lib/domain/snapshot";
import type { MetricQuery } from "@/lib/aws/cloudwatch";

export interface CatalogEntry {
  key: string;
  metric: string;
  stat: string;
  unit: MetricSeries["unit"];
}

/** Classic ELB metrics per colour, with the statistic AWS recommends for each (docs/aws-behaviour.md §2.4). */
export const CLASSIC_ELB_CATALOG: readonly CatalogEntry[] = [
  { key: "latency_avg", metric: "Latency", stat: "Average", unit: "Seconds" },
  { key: "latency_p99", metric: "Latency", stat: "p99", unit: "Seconds" },
  { key: "requests", metric: "RequestCount", stat: "Sum", unit: "Count" },
  { key: "surge_max", metric: "SurgeQueueLength", stat: "Maximum", unit: "Count" },
  { key: "spillover", metric: "SpilloverCount", stat: "Sum", unit: "Count" },
  { key: "backend_errors", metric: "BackendConnectionErrors", stat: "Sum", unit: "Count" },
  { key: "backend_5xx", metric: "HTTPCode_Backend_5XX", stat: "Sum", unit: "Count" },
  { key: "healthy_hosts", metric: "HealthyHostCount", stat: "Average", unit: "Count" },
] as const;

/**
 * ALB metrics per target group (docs/aws-behaviour.md §3.4): dimensions TargetGroup + LoadBalancer, with the
 * statistic AWS documents for each (host counts: Average; counts: Sum).
 */
export const ALB_TARGET_GROUP_CATALOG: readonly CatalogEntry[] = [
  { key: "latency_avg", metric: "TargetResponseTime", stat: "Average", unit: "Seconds" },
  { key: "latency_p99", metric: "TargetResponseTime", stat: "p99", unit: "Seconds" },
  { key: "requests", metric: "RequestCount", stat: "Sum", unit: "Count" },
  { key: "target_5xx", metric: "HTTPCode_Target_5XX_Count", stat: "Sum", unit: "Count" },
  { key: "rejected", metric: "RejectedConnectionCount", stat: "Sum", unit: "Count" },
  { key: "healthy_hosts", metric: "HealthyHostCount", stat: "Average", unit: "Count" },
  { key: "unhealthy_hosts", metric: "UnHealthyHostCount", stat: "Average", unit: "Count" },
] as const;

/** ECS metrics per service (docs/aws-behaviour.md §5.6): dimensions ClusterName + ServiceName. */
export const ECS_SERVICE_CATALOG: readonly CatalogEntry[] = [
  { key: "cpu", metric: "CPUUtilization", stat: "Average", unit: "Percent" },
  { key: "memory", metric: "MemoryUtilization", stat: "Average", unit: "Percent" },
] as const;

export { periodFor } from "@/lib/domain/metric-period";

export const RANGES_MINUTES = [60, 180, 720, 1440] as const;
export type RangeMinutes = (typeof RANGES_MINUTES)[number];

export function queryId(color: Color, key: string): string {
  return `${color}_${key}`;
}

/** Every query of one application's charts, for one GetMetricData call. */
export function classicElbQueries(lbByColor: Record<Color, string>, periodS: number): MetricQuery[] {
  const out: MetricQuery[] = [];
  for (const color of ["blue", "green"] as const) {
    for (const entry of CLASSIC_ELB_CATALOG) {
      out.push({
        id: queryId(color, entry.key),
        namespace: "AWS/ELB",
        metricName: entry.metric,
        dimensions: { LoadBalancerName: lbByColor[color] },
        stat: entry.stat,
        periodS,
      });
    }
  }
  return out;
}

/**
 * ALB queries of one colour's target group. `RejectedConnectionCount` exists only per load
 * balancer on AWS, so it is asked with the LoadBalancer dimension alone.
 */
export function albTargetGroupQueries(
  color: Color,
  dims: { loadBalancer: string; targetGroup: string },
  periodS: number,
  prefix: string = color,
): MetricQuery[] {
  return ALB_TARGET_GROUP_CATALOG.map((entry) => {
    const dimensions: Record<string, string> =
      entry.metric === "RejectedConnectionCount"
        ? { LoadBalancer: dims.loadBalancer }
        : { TargetGroup: dims.targetGroup, LoadBalancer: dims.loadBalancer };
    return { id: `${prefix}_${entry.key}`, namespace: "AWS/ApplicationELB", metricName: entry.metric, dimensions, stat: entry.stat, periodS };
  });
}

/** ECS queries of one colour's service. */
export function ecsServiceQueries(color: Color, dims: { cluster: string; service: string }, periodS: number): MetricQuery[] {
  return ECS_SERVICE_CATALOG.map((entry) => ({
    id: queryId(color, entry.key),
    namespace: "AWS/ECS",
    metricName: entry.metric,
    dimensions: { ClusterName: dims.cluster, ServiceName: dims.service },
    stat: entry.stat,
    periodS,
  }));
}

/**
 * Green's observed share from each colour's RequestCount over the last `minutes` complete minutes
 * before `nowMs` (the current minute is still filling). Null when neither colour had traffic.
 */
export function observedShare(
  blue: { t: number; v: number }[],
  green: { t: number; v: number }[],
  nowMs: number,
  minutes = 3,
): { greenPercent: number | null; blueRequests: number; greenRequests: number } {
  const currentMinute = Math.floor(nowMs / 60_000) * 60_000;
  const from = currentMinute - minutes * 60_000;
  const sum = (pts: { t: number; v: number }[]) => pts.filter((p) => p.t >= from && p.t < currentMinute).reduce((a, p) => a + p.v, 0);
  const b = sum(blue);
  const g = sum(green);
  const total = b + g;
  return { greenPercent: total > 0 ? Math.round((g / total) * 1000) / 10 : null, blueRequests: b, greenRequests: g };
}
