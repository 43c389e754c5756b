import "server-only";
import {
  DescribeInstanceHealthCommand,
  DescribeLoadBalancersCommand,
  type ElasticLoadBalancingClient,
  type InstanceState,
  type LoadBalancerDescription,
} from "@aws-sdk/client-elastic-load-balancing";
import type { HealthState, InstanceView } from "@/lib/domain/app-state";
import { batcherOf, keyedByAsked, reusableRead } from "./batched-reads";
import { toAppError } from "./errors";

/**
 * Classic load balancer names per DescribeLoadBalancers call when merging the reads of several
 * applications: the API reference states no maximum for `LoadBalancerNames` (docs/aws-behaviour.md
 * §8.4), so Teal keeps to 20, the maximum of the ELBv2 call of the same name (unverified for classic).
 */
export const CLASSIC_LB_NAMES_PER_CALL = 20;

export interface ClassicLoadBalancerInfo {
  name: string;
  dnsName: string;
  canonicalHostedZoneId: string | null;
  instanceIds: string[];
  /** The health check that gates traffic to a (re-)registered instance; null when none is read. */
  healthCheck?: { intervalS: number; healthyThreshold: number } | null;
}

/** Classic ELB health states in Teal's terms: draining shows as InService with a deregistration note. */
export function mapInstanceState(s: InstanceState): InstanceView {
  const description = s.Description ?? "";
  let health: HealthState = "unknown";
  if (/deregistration currently in progress/i.test(description)) health = "draining";
  else if (s.State === "InService") health = "healthy";
  else if (s.State === "OutOfService") health = "unhealthy";
  return { id: s.InstanceId ?? "", health, state: s.State ?? "Unknown", description: description || undefined };
}

export async function describeClassicLoadBalancer(client: ElasticLoadBalancingClient, name: string): Promise<ClassicLoadBalancerInfo> {
  const fetch = async (names: string[]): Promise<Map<string, LoadBalancerDescription>> => {
    const out = await client.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: names }));
    return keyedByAsked(names, out.LoadBalancerDescriptions ?? [], (lb) => lb.LoadBalancerName);
  };
  try {
    const batcher = batcherOf(client);
    const found = batcher ? await batcher.byIds("elb:DescribeLoadBalancers", [name], CLASSIC_LB_NAMES_PER_CALL, fetch) : await fetch([name]);
    const lb = found.get(name);
    return {
      name,
      dnsName: lb?.DNSName ?? "",
      canonicalHostedZoneId: lb?.CanonicalHostedZoneNameID ?? null,
      instanceIds: (lb?.Instances ?? []).map((i) => i.InstanceId ?? "").filter(Boolean),
      healthCheck:
        lb?.HealthCheck?.Interval !== undefined && lb.HealthCheck.HealthyThreshold !== undefined
          ? { intervalS: lb.HealthCheck.Interval, healthyThreshold: lb.HealthCheck.HealthyThreshold }
          : null,
    };
  } catch (err) {
    throw toAppError(err, "DescribeLoadBalancers");
  }
}

export async function describeInstanceHealth(client: ElasticLoadBalancingClient, name: string): Promise<InstanceView[]> {
  try {
    // An idle refresh may take the last refresh's answer (reusableRead): one call per load balancer.
    return await reusableRead(client, `elb:health:${name}`, async () => {
      const out = await client.send(new DescribeInstanceHealthCommand({ LoadBalancerName: name }));
      return (out.InstanceStates ?? []).map(mapInstanceState);
    });
  } catch (err) {
    throw toAppError(err, "DescribeInstanceHealth");
  }
}
