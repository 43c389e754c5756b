import "server-only";
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  type TargetHealthDescription,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { HealthState } from "@/lib/domain/types";
import type { TargetHealthInfo } from "@/lib/patterns/ecs-common";
import { toAppError } from "./errors";

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

/** One ALB by name. */
export async function describeAlb(client: ElasticLoadBalancingV2Client, name: string): Promise<AlbInfo> {
  try {
    const out = await client.send(new DescribeLoadBalancersCommand({ Names: [name] }));
    const lb = out.LoadBalancers?.[0];
    const arn = lb?.LoadBalancerArn ?? "";
    return { arn, name, dnsName: lb?.DNSName ?? "", canonicalHostedZoneId: lb?.CanonicalHostedZoneId ?? null, dimension: loadBalancerDimension(arn) };
  } catch (err) {
    throw toAppError(err, "DescribeLoadBalancers");
  }
}

/** One target group by name or ARN. */
export async function describeTargetGroup(client: ElasticLoadBalancingV2Client, nameOrArn: string): Promise<TargetGroupInfo> {
  try {
    const byArn = nameOrArn.startsWith("arn:");
    const out = await client.send(new DescribeTargetGroupsCommand(byArn ? { TargetGroupArns: [nameOrArn] } : { Names: [nameOrArn] }));
    const tg = out.TargetGroups?.[0];
    const arn = tg?.TargetGroupArn ?? "";
    return { arn, name: tg?.TargetGroupName ?? nameOrArn, loadBalancerArns: tg?.LoadBalancerArns ?? [], dimension: targetGroupDimension(arn) };
  } catch (err) {
    throw toAppError(err, "DescribeTargetGroups");
  }
}

/** Every registered target of a target group with its health. */
export async function describeTargetHealth(client: ElasticLoadBalancingV2Client, targetGroupArn: string): Promise<TargetHealthInfo[]> {
  try {
    const out = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
    return (out.TargetHealthDescriptions ?? []).map(mapTargetHealth);
  } catch (err) {
    throw toAppError(err, "DescribeTargetHealth");
  }
}
