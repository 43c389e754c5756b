import "server-only";
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type Action,
  type ElasticLoadBalancingV2Client,
  type LoadBalancer,
  type TargetGroup,
  type TargetHealthDescription,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { HealthState } from "@/lib/domain/app-state";
import type { JsonObject } from "@/lib/domain/basics";
import type { TargetHealthInfo } from "./ecs-shapes";
import { batcherOf, keyedByAsked, reusableRead } from "./batched-reads";
import { toAppError } from "./errors";
import { toJson } from "./json";

export interface AlbInfo {
  arn: string;
  name: string;
  dnsName: string;
  canonicalHostedZoneId: string | null;
  /** The CloudWatch LoadBalancer dimension: "app/name/id". */
  dimension: string;
}

export interface TargetGroupInfo {
  arn: string;
  name: string;
  loadBalancerArns: string[];
  /** The CloudWatch TargetGroup dimension: "targetgroup/name/id". */
  dimension: string;
  /** The health check that gates traffic to a newly registered target; null when not reported. */
  healthCheck?: { intervalS: number; healthyThreshold: number } | null;
}

/** "app/name/id" from an ALB ARN (arn:…:loadbalancer/app/name/id). */
export function loadBalancerDimension(arn: string): string {
  const i = arn.indexOf(":loadbalancer/");
  return i >= 0 ? arn.slice(i + ":loadbalancer/".length) : arn;
}

/** "targetgroup/name/id" from a target group ARN. */
export function targetGroupDimension(arn: string): string {
  const i = arn.lastIndexOf(":");
  return i >= 0 ? arn.slice(i + 1) : arn;
}

/** ELBv2 target health in Teal's terms: initial/unused/unavailable are neither healthy nor unhealthy yet. */
export function mapTargetHealth(d: TargetHealthDescription): TargetHealthInfo {
  const state = d.TargetHealth?.State ?? "unavailable";
  let health: HealthState = "unknown";
  if (state === "healthy") health = "healthy";
  else if (state === "unhealthy") health = "unhealthy";
  else if (state === "draining") health = "draining";
  const info: TargetHealthInfo = { id: d.Target?.Id ?? "", port: d.Target?.Port ?? null, health, state };
  const description = d.TargetHealth?.Description ?? d.TargetHealth?.Reason;
  if (description) info.description = description;
  return info;
}

/**
 * Load balancers (by ARN, or by name) per DescribeLoadBalancers call, and target groups per
 * DescribeTargetGroups call, when merging the reads of several applications (docs/aws-behaviour.md §8.4).
 */
export const ELBV2_PER_CALL = 20;

/** One ALB by name or ARN. */
export async function describeAlb(client: ElasticLoadBalancingV2Client, nameOrArn: string): Promise<AlbInfo> {
  try {
    const byArn = nameOrArn.startsWith("arn:");
    const fetch = async (asked: string[]): Promise<Map<string, LoadBalancer>> => {
      const out = await client.send(new DescribeLoadBalancersCommand(byArn ? { LoadBalancerArns: asked } : { Names: asked }));
      return keyedByAsked(asked, out.LoadBalancers ?? [], (lb) => (byArn ? lb.LoadBalancerArn : lb.LoadBalancerName));
    };
    const batcher = batcherOf(client);
    const key = `elbv2:DescribeLoadBalancers:${byArn ? "arn" : "name"}`;
    // An idle refresh may take the last refresh's answer (reusableRead), as it does the health.
    const lb = await reusableRead(
      client,
      `elbv2:lb:${nameOrArn}`,
      async () => (batcher ? await batcher.byIds(key, [nameOrArn], ELBV2_PER_CALL, fetch) : await fetch([nameOrArn])).get(nameOrArn),
      { aged: false },
    );
    const arn = lb?.LoadBalancerArn ?? "";
    return {
      arn,
      name: lb?.LoadBalancerName ?? nameOrArn,
      dnsName: lb?.DNSName ?? "",
      canonicalHostedZoneId: lb?.CanonicalHostedZoneId ?? null,
      dimension: loadBalancerDimension(arn),
    };
  } catch (err) {
    throw toAppError(err, "DescribeLoadBalancers");
  }
}

/** One target group by name or ARN. */
export async function describeTargetGroup(client: ElasticLoadBalancingV2Client, nameOrArn: string): Promise<TargetGroupInfo> {
  try {
    const byArn = nameOrArn.startsWith("arn:");
    const fetch = async (asked: string[]): Promise<Map<string, TargetGroup>> => {
      const out = await client.send(new DescribeTargetGroupsCommand(byArn ? { TargetGroupArns: asked } : { Names: asked }));
      return keyedByAsked(asked, out.TargetGroups ?? [], (tg) => (byArn ? tg.TargetGroupArn : tg.TargetGroupName));
    };
    const batcher = batcherOf(client);
    const key = `elbv2:DescribeTargetGroups:${byArn ? "arn" : "name"}`;
    const tg = await reusableRead(
      client,
      `elbv2:tg:${nameOrArn}`,
      async () => (batcher ? await batcher.byIds(key, [nameOrArn], ELBV2_PER_CALL, fetch) : await fetch([nameOrArn])).get(nameOrArn),
      { aged: false },
    );
    const arn = tg?.TargetGroupArn ?? "";
    const healthCheck =
      tg?.HealthCheckIntervalSeconds !== undefined && tg.HealthyThresholdCount !== undefined
        ? { intervalS: tg.HealthCheckIntervalSeconds, healthyThreshold: tg.HealthyThresholdCount }
        : null;
    return {
      arn,
      name: tg?.TargetGroupName ?? nameOrArn,
      loadBalancerArns: tg?.LoadBalancerArns ?? [],
      dimension: targetGroupDimension(arn),
      healthCheck,
    };
  } catch (err) {
    throw toAppError(err, "DescribeTargetGroups");
  }
}

/** A listener or rule's action list in the API's JSON shape (what ModifyListener / ModifyRule take back whole). */
export function actionsJson(actions: Action[] | undefined): JsonObject[] {
  return (actions ?? []).map((a) => toJson(a)).filter((a): a is JsonObject => typeof a === "object" && a !== null && !Array.isArray(a));
}

export interface ListenerInfo {
  arn: string;
  port: number;
  protocol: string;
  /** The default actions, whole. */
  actions: JsonObject[];
}

export interface RuleInfo {
  arn: string;
  /** "1"…"50000", or "default". */
  priority: string;
  isDefault: boolean;
  actions: JsonObject[];
}

/** The listeners of a load balancer. */
export async function describeListeners(client: ElasticLoadBalancingV2Client, loadBalancerArn: string): Promise<ListenerInfo[]> {
  try {
    const out: ListenerInfo[] = [];
    let marker: string | undefined;
    do {
      const page = await client.send(new DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn, Marker: marker }));
      for (const l of page.Listeners ?? []) {
        out.push({ arn: l.ListenerArn ?? "", port: l.Port ?? 0, protocol: l.Protocol ?? "", actions: actionsJson(l.DefaultActions) });
      }
      marker = page.NextMarker;
    } while (marker && out.length < 100);
    return out;
  } catch (err) {
    throw toAppError(err, "DescribeListeners");
  }
}

/** The rules of a listener (the default rule included). */
export async function describeRules(client: ElasticLoadBalancingV2Client, listenerArn: string): Promise<RuleInfo[]> {
  try {
    const out: RuleInfo[] = [];
    let marker: string | undefined;
    do {
      const page = await client.send(new DescribeRulesCommand({ ListenerArn: listenerArn, Marker: marker }));
      for (const r of page.Rules ?? []) {
        out.push({ arn: r.RuleArn ?? "", priority: r.Priority ?? "", isDefault: r.IsDefault ?? false, actions: actionsJson(r.Actions) });
      }
      marker = page.NextMarker;
    } while (marker && out.length < 200);
    return out;
  } catch (err) {
    throw toAppError(err, "DescribeRules");
  }
}

/** Every registered target of a target group with its health. */
export async function describeTargetHealth(client: ElasticLoadBalancingV2Client, targetGroupArn: string): Promise<TargetHealthInfo[]> {
  try {
    // An idle refresh may take the last refresh's answer (reusableRead): one call per target group.
    return await reusableRead(client, `elbv2:health:${targetGroupArn}`, async () => {
      const out = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
      return (out.TargetHealthDescriptions ?? []).map(mapTargetHealth);
    });
  } catch (err) {
    throw toAppError(err, "DescribeTargetHealth");
  }
}
