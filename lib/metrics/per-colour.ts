/**
 * Per-colour metric plans where blue and green share a load balancer, from the sources AWS really
 * publishes (docs/aws-behaviour.md §2.4, §3.4, §5.6; EC2 instance metrics):
 *
 * - a classic ELB's AWS/ELB metrics have only LoadBalancerName and AvailabilityZone dimensions: no
 *   per-Auto-Scaling-group or per-instance request, latency or 5xx figure exists, so those are ONE
 *   series for both colours, marked `sharedBy: "load-balancer"`;
 * - an ALB target group both colours register into is, likewise, one series (`"target-group"`);
 *   two target groups give per-colour TargetGroup + LoadBalancer series;
 * - AWS/EC2 CPUUtilization per AutoScalingGroupName (asg-swap: each colour has its group) and per
 *   InstanceId (launch-swap: one group, the colours are its instances on each launch), averaged per
 *   colour with metric math AVG([...]);
 * - AWS/ECS CPUUtilization / MemoryUtilization per ClusterName + ServiceName (ecs-elb-swap).
 *
 * Pure: builds queries and series descriptions, reads nothing.
 */
import type { MetricExpression, MetricQuery } from "@/lib/aws/cloudwatch";
import type { Color } from "@/lib/domain/basics";
import type { MetricSeries } from "@/lib/domain/snapshot";
import { ALB_TARGET_GROUP_CATALOG, CLASSIC_ELB_CATALOG, ECS_SERVICE_CATALOG, albTargetGroupQueries, ecsServiceQueries, queryId } from "./catalog";

export type SeriesSpec = Omit<MetricSeries, "points">;

export interface ColourPlan {
  queries: (MetricQuery | MetricExpression)[];
  series: SeriesSpec[];
  /** Query ids of each colour's RequestCount (Sum), when AWS has one per colour. */
  requests: Record<Color, string> | null;
}

const COLORS: readonly Color[] = ["blue", "green"];

/** What a chart says instead of a colour label when its one series covers both colours. */
export const SHARED_NOTE: Record<NonNullable<MetricSeries["sharedBy"]>, string> = {
  "load-balancer": "One series for both colours: AWS reports this load balancer as a whole",
  "target-group": "One series for both colours: AWS reports this target group as a whole",
};

/** AWS/EC2 CPUUtilization, Average: Percent (the useful statistics are Average, Minimum, Maximum). */
export const EC2_CPU = { key: "cpu", metric: "CPUUtilization", stat: "Average", unit: "Percent" } as const;

/** At most this many instances per colour are read one by one (GetMetricData takes 500 queries). */
export const MAX_INSTANCES_PER_COLOUR = 100;

export function emptyPlan(): ColourPlan {
  return { queries: [], series: [], requests: null };
}

/** Several plans in one GetMetricData call (ids are distinct by construction). */
export function mergePlans(...plans: ColourPlan[]): ColourPlan {
  return {
    queries: plans.flatMap((p) => p.queries),
    series: plans.flatMap((p) => p.series),
    requests: plans.find((p) => p.requests !== null)?.requests ?? null,
  };
}

/** A classic ELB both colours sit behind: every AWS/ELB series once, for both colours. */
export function sharedClassicElbPlan(loadBalancerName: string, periodS: number): ColourPlan {
  return {
    queries: CLASSIC_ELB_CATALOG.map((e) => ({
      id: `lb_${e.key}`,
      namespace: "AWS/ELB",
      metricName: e.metric,
      dimensions: { LoadBalancerName: loadBalancerName },
      stat: e.stat,
      periodS,
    })),
    series: CLASSIC_ELB_CATALOG.map((e) => ({
      id: `lb_${e.key}`,
      metric: e.metric,
      stat: e.stat,
      color: null,
      unit: e.unit,
      sharedBy: "load-balancer" as const,
    })),
    requests: null,
  };
}

/**
 * One ALB target group both colours register into: its TargetGroup + LoadBalancer series once.
 * RejectedConnectionCount exists per load balancer only (it is shared at that level).
 */
export function sharedTargetGroupPlan(dims: { loadBalancer: string; targetGroup: string }, periodS: number): ColourPlan {
  return {
    queries: albTargetGroupQueries("blue", dims, periodS, "shared"),
    series: ALB_TARGET_GROUP_CATALOG.map((e) => ({
      id: `shared_${e.key}`,
      metric: e.metric,
      stat: e.stat,
      color: null,
      unit: e.unit,
      sharedBy: e.metric === "RejectedConnectionCount" ? ("load-balancer" as const) : ("target-group" as const),
    })),
    requests: null,
  };
}

/** Each colour's own ALB target group: per-colour requests, 5xx and latency. */
export function perColourTargetGroupPlan(dims: Record<Color, { loadBalancer: string; targetGroup: string }>, periodS: number): ColourPlan {
  return {
    queries: COLORS.flatMap((c) => albTargetGroupQueries(c, dims[c], periodS)),
    series: COLORS.flatMap((color) =>
      ALB_TARGET_GROUP_CATALOG.map((e) => ({
        id: queryId(color, e.key),
        metric: e.metric,
        stat: e.stat,
        color: e.metric === "RejectedConnectionCount" ? null : color,
        unit: e.unit,
        ...(e.metric === "RejectedConnectionCount" ? { sharedBy: "load-balancer" as const } : {}),
      })),
    ).filter((s, i, all) => s.color !== null || all.findIndex((o) => o.metric === s.metric && o.color === null) === i),
    requests: { blue: queryId("blue", "requests"), green: queryId("green", "requests") },
  };
}

/** CPU of each colour's Auto Scaling group (AWS/EC2, AutoScalingGroupName): asg-swap. */
export function groupCpuPlan(groups: Record<Color, string>, periodS: number): ColourPlan {
  return {
    queries: COLORS.map((c) => ({
      id: queryId(c, EC2_CPU.key),
      namespace: "AWS/EC2",
      metricName: EC2_CPU.metric,
      dimensions: { AutoScalingGroupName: groups[c] },
      stat: EC2_CPU.stat,
      periodS,
    })),
    series: COLORS.map((color) => ({ id: queryId(color, EC2_CPU.key), metric: EC2_CPU.metric, stat: EC2_CPU.stat, color, unit: EC2_CPU.unit })),
    requests: null,
  };
}

/**
 * CPU of each colour's instances when both colours live in one group (launch-swap): each instance's
 * AWS/EC2 CPUUtilization (InstanceId; not returned) and, per colour, `AVG([...])` of them: at each
 * minute the mean of the colour's instances that reported. A colour without instances has no query
 * (its line is empty). Only the instances the colour has now are read.
 */
export function instanceCpuPlan(instances: Record<Color, readonly string[]>, periodS: number): ColourPlan {
  const queries: (MetricQuery | MetricExpression)[] = [];
  for (const c of COLORS) {
    const ids = [...new Set(instances[c])].sort().slice(0, MAX_INSTANCES_PER_COLOUR);
    if (ids.length === 0) continue;
    const inputs = ids.map((instanceId, i) => ({
      id: `${c}_cpu_i${i}`,
      namespace: "AWS/EC2",
      metricName: EC2_CPU.metric,
      dimensions: { InstanceId: instanceId },
      stat: EC2_CPU.stat,
      periodS,
      returnData: false,
    }));
    queries.push(...inputs, { id: queryId(c, EC2_CPU.key), expression: `AVG([${inputs.map((q) => q.id).join(", ")}])`, label: `${c} instances CPU` });
  }
  return {
    queries,
    series: COLORS.map((color) => ({ id: queryId(color, EC2_CPU.key), metric: EC2_CPU.metric, stat: EC2_CPU.stat, color, unit: EC2_CPU.unit })),
    requests: null,
  };
}

/** ECS CPU and memory of each colour's service (ClusterName + ServiceName). */
export function serviceUtilisationPlan(cluster: string, services: Record<Color, string>, periodS: number): ColourPlan {
  return {
    queries: COLORS.flatMap((c) => ecsServiceQueries(c, { cluster, service: services[c] }, periodS)),
    series: COLORS.flatMap((color) =>
      ECS_SERVICE_CATALOG.map((e) => ({ id: queryId(color, e.key), metric: e.metric, stat: e.stat, color, unit: e.unit })),
    ),
    requests: null,
  };
}
