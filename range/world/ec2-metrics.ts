/**
 * The AWS/EC2 metrics of the practice range: `CPUUtilization` (Percent) per instance and aggregated
 * per Auto Scaling group, the per-colour reading AWS offers where blue and green share one classic
 * load balancer (whose AWS/ELB metrics have no per-group dimension, docs/aws-behaviour.md §2.4).
 *
 * As AWS publishes them:
 * - namespace `AWS/EC2`, metric `CPUUtilization`, unit Percent; the useful statistics are Average,
 *   Minimum and Maximum;
 * - dimension `InstanceId` for each instance, and `AutoScalingGroupName` aggregating every instance
 *   of a group (one sample per instance and minute, so its Average is the group's mean);
 * - one datapoint per instance and minute (detailed monitoring; basic monitoring would give one per
 *   five minutes), only while the instance is running: a stopped, pending or terminated instance
 *   publishes nothing, so its minutes are absent, not zero.
 *
 * The value follows the load the traffic model puts on the instance (its smoothed utilisation of
 * the version's capacity) over a small idle floor, so a group that takes more traffic reads hotter.
 */
import type { MetricStore, StatisticSet } from "./metrics";
import type { SimMetricKey, SimWorld } from "./state";

export const EC2_NAMESPACE = "AWS/EC2";
const MINUTE_MS = 60_000;

/** CPU percent of an instance at a utilisation (offered load over capacity, 0..∞). */
export function instanceCpuPercent(utilisation: number): number {
  const u = Math.max(0, utilisation);
  return Math.min(100, Math.round((3 + 72 * Math.min(1.3, u)) * 10) / 10);
}

function key(dimension: "InstanceId" | "AutoScalingGroupName", value: string): SimMetricKey {
  return { namespace: EC2_NAMESPACE, metricName: "CPUUtilization", dimensions: [{ Name: dimension, Value: value }] };
}

function sample(value: number): StatisticSet {
  return { sampleCount: 1, sum: value, min: value, max: value };
}

/**
 * Records one CPUUtilization datapoint per running instance for the minute that ends inside
 * [fromMs, toMs), if one does (steps are at most 10 s, so at most one minute closes per step).
 * `utilisationOf` gives an instance's current load (the traffic model's).
 */
export function recordEc2Metrics(
  world: SimWorld,
  metrics: MetricStore,
  fromMs: number,
  toMs: number,
  utilisationOf: (instanceId: string) => number,
): void {
  const boundary = Math.floor(toMs / MINUTE_MS) * MINUTE_MS;
  if (boundary <= fromMs || boundary > toMs) return;
  const atMs = boundary - 1; // the minute that just closed
  const groupOf = new Map<string, string>();
  for (const group of world.autoScalingGroups?.values() ?? []) for (const i of group.instances) groupOf.set(i.instanceId, group.name);
  for (const instance of world.instances.values()) {
    if (instance.state !== "running" || instance.readyAtMs > atMs) continue;
    const cpu = instanceCpuPercent(utilisationOf(instance.id));
    metrics.recordStatistics(key("InstanceId", instance.id), atMs, sample(cpu), [cpu], "Percent");
    const group = groupOf.get(instance.id);
    if (group !== undefined) metrics.recordStatistics(key("AutoScalingGroupName", group), atMs, sample(cpu), [cpu], "Percent");
  }
}
