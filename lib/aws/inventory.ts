import "server-only";
import { DescribeAutoScalingGroupsCommand, DescribeTrafficSourcesCommand, type AutoScalingGroup } from "@aws-sdk/client-auto-scaling";
import {
  DescribeServicesCommand,
  ListClustersCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  type ListServicesCommandOutput,
} from "@aws-sdk/client-ecs";
import {
  DescribeLoadBalancersCommand as DescribeClassicCommand,
  DescribeTagsCommand as DescribeClassicTagsCommand,
} from "@aws-sdk/client-elastic-load-balancing";
import {
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  type DescribeTargetGroupsCommandOutput,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandOutput,
  type RRType,
} from "@aws-sdk/client-route-53";
import type { RecordSet } from "@/lib/domain/app-state";
import type { AwsClients } from "./clients";
import { toAppError } from "./errors";
import { mapRecordSet } from "./route53";

/**
 * What `teal discover` reads of one account and Region: every load balancer, target group, Auto
 * Scaling group and ECS service with its tags, and every weighted record set (Route 53 record sets
 * carry no tags: they are found by what they point at). Reads only; each kind on its own, so a kind
 * that cannot be read (denied, say) leaves the others.
 */
export interface Inventory {
  classic: { name: string; dnsName: string; tags: Record<string, string> }[];
  albs: { arn: string; name: string; dnsName: string; tags: Record<string, string> }[];
  targetGroups: { arn: string; name: string; loadBalancerArns: string[]; tags: Record<string, string> }[];
  groups: {
    name: string;
    tags: Record<string, string>;
    /** Classic load balancer names and target group ARNs the group is attached to (any state but Removed). */
    attachedTo: string[];
  }[];
  services: { arn: string; name: string; cluster: string; targetGroupArns: string[]; tags: Record<string, string> }[];
  /** Weighted record sets of every hosted zone, with the zone's name. */
  records: (RecordSet & { zone: string })[];
  /** What could not be read, in user-safe words. */
  unread: string[];
}

/** ELB and ELBv2 DescribeTags take at most 20 resources per call. */
const TAGS_PER_CALL = 20;
/** How many pages of one listing are followed (a safety bound, 100 pages of each kind). */
const MAX_PAGES = 100;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function tagRecord(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? "";
  return out;
}

async function part(inv: Inventory, what: string, operation: string, read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (err) {
    inv.unread.push(`${what}: ${toAppError(err, operation).userMessage}`);
  }
}

async function readClassic(clients: AwsClients, inv: Inventory): Promise<void> {
  const lbs: { name: string; dnsName: string }[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const out = await clients.elb.send(new DescribeClassicCommand({ Marker: marker }));
    for (const lb of out.LoadBalancerDescriptions ?? []) if (lb.LoadBalancerName) lbs.push({ name: lb.LoadBalancerName, dnsName: lb.DNSName ?? "" });
    marker = out.NextMarker;
  } while (marker && ++pages < MAX_PAGES);
  for (const some of chunks(lbs, TAGS_PER_CALL)) {
    const out = await clients.elb.send(new DescribeClassicTagsCommand({ LoadBalancerNames: some.map((lb) => lb.name) }));
    const tags = new Map((out.TagDescriptions ?? []).map((d) => [d.LoadBalancerName ?? "", tagRecord(d.Tags)]));
    for (const lb of some) inv.classic.push({ ...lb, tags: tags.get(lb.name) ?? {} });
  }
}

async function readElbv2(clients: AwsClients, inv: Inventory): Promise<void> {
  const albs: Omit<Inventory["albs"][number], "tags">[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const out = await clients.elbv2.send(new DescribeLoadBalancersCommand({ Marker: marker }));
    for (const lb of out.LoadBalancers ?? []) {
      if (lb.LoadBalancerArn) albs.push({ arn: lb.LoadBalancerArn, name: lb.LoadBalancerName ?? "", dnsName: lb.DNSName ?? "" });
    }
    marker = out.NextMarker;
  } while (marker && ++pages < MAX_PAGES);
  const groups: Omit<Inventory["targetGroups"][number], "tags">[] = [];
  marker = undefined;
  pages = 0;
  do {
    const out: DescribeTargetGroupsCommandOutput = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Marker: marker }));
    for (const tg of out.TargetGroups ?? []) {
      if (tg.TargetGroupArn) groups.push({ arn: tg.TargetGroupArn, name: tg.TargetGroupName ?? "", loadBalancerArns: tg.LoadBalancerArns ?? [] });
    }
    marker = out.NextMarker;
  } while (marker && ++pages < MAX_PAGES);
  const tags = new Map<string, Record<string, string>>();
  for (const some of chunks([...albs.map((a) => a.arn), ...groups.map((g) => g.arn)], TAGS_PER_CALL)) {
    const out = await clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: some }));
    for (const d of out.TagDescriptions ?? []) tags.set(d.ResourceArn ?? "", tagRecord(d.Tags));
  }
  for (const a of albs) inv.albs.push({ ...a, tags: tags.get(a.arn) ?? {} });
  for (const g of groups) inv.targetGroups.push({ ...g, tags: tags.get(g.arn) ?? {} });
}

async function attachmentsOf(clients: AwsClients, group: AutoScalingGroup): Promise<string[]> {
  const name = group.AutoScalingGroupName ?? "";
  const out = new Set<string>([...(group.LoadBalancerNames ?? []), ...(group.TargetGroupARNs ?? [])]);
  let next: string | undefined;
  let pages = 0;
  do {
    const page = await clients.autoscaling.send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: name, NextToken: next }));
    for (const s of page.TrafficSources ?? []) {
      const id = s.Identifier ?? s.TrafficSource;
      if (id !== undefined && s.State !== "Removed") out.add(id);
    }
    next = page.NextToken;
  } while (next && ++pages < MAX_PAGES);
  return [...out];
}

async function readGroups(clients: AwsClients, inv: Inventory): Promise<void> {
  let next: string | undefined;
  let pages = 0;
  do {
    const out = await clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ NextToken: next }));
    for (const g of out.AutoScalingGroups ?? []) {
      const tags: Record<string, string> = {};
      for (const t of g.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? "";
      // Only a tagged group is Teal's: its attachments are read, the others' are not.
      inv.groups.push({
        name: g.AutoScalingGroupName ?? "",
        tags,
        attachedTo: tags["teal:app"] === undefined ? [] : await attachmentsOf(clients, g),
      });
    }
    next = out.NextToken;
  } while (next && ++pages < MAX_PAGES);
}

async function readServices(clients: AwsClients, inv: Inventory): Promise<void> {
  const clusters: string[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const out = await clients.ecs.send(new ListClustersCommand({ nextToken: next }));
    clusters.push(...(out.clusterArns ?? []));
    next = out.nextToken;
  } while (next && ++pages < MAX_PAGES);
  for (const cluster of clusters) {
    const arns: string[] = [];
    next = undefined;
    pages = 0;
    do {
      const out: ListServicesCommandOutput = await clients.ecs.send(new ListServicesCommand({ cluster, nextToken: next }));
      arns.push(...(out.serviceArns ?? []));
      next = out.nextToken;
    } while (next && ++pages < MAX_PAGES);
    for (const some of chunks(arns, 10)) {
      const out = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: some }));
      for (const s of out.services ?? []) {
        if (!s.serviceArn || s.status === "INACTIVE") continue;
        const tagged = await clients.ecs.send(new ListTagsForResourceCommand({ resourceArn: s.serviceArn }));
        const tags: Record<string, string> = {};
        for (const t of tagged.tags ?? []) if (t.key !== undefined) tags[t.key] = t.value ?? "";
        inv.services.push({
          arn: s.serviceArn,
          name: s.serviceName ?? "",
          cluster: cluster.slice(cluster.lastIndexOf("/") + 1),
          targetGroupArns: (s.loadBalancers ?? []).map((lb) => lb.targetGroupArn).filter((a): a is string => a !== undefined),
          tags,
        });
      }
    }
  }
}

async function readRecords(clients: AwsClients, inv: Inventory): Promise<void> {
  const zones: { id: string; name: string }[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const out = await clients.route53.send(new ListHostedZonesCommand({ Marker: marker }));
    for (const z of out.HostedZones ?? []) if (z.Id && z.Name) zones.push({ id: z.Id.replace(/^\/hostedzone\//, ""), name: z.Name });
    marker = out.IsTruncated ? out.NextMarker : undefined;
  } while (marker && ++pages < MAX_PAGES);
  for (const zone of zones) {
    let start: { name?: string | undefined; type?: RRType | undefined; id?: string | undefined } | null = {};
    pages = 0;
    while (start !== null && pages++ < MAX_PAGES) {
      const out: ListResourceRecordSetsCommandOutput = await clients.route53.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zone.id,
          ...(start.name !== undefined ? { StartRecordName: start.name } : {}),
          ...(start.type !== undefined ? { StartRecordType: start.type } : {}),
          ...(start.id !== undefined ? { StartRecordIdentifier: start.id } : {}),
        }),
      );
      for (const r of out.ResourceRecordSets ?? []) {
        const record = mapRecordSet(r);
        if (record.weight !== null) inv.records.push({ ...record, zone: zone.name });
      }
      start = out.IsTruncated ? { name: out.NextRecordName, type: out.NextRecordType, id: out.NextRecordIdentifier } : null;
    }
  }
}

/** Reads the inventory of the clients' account and Region. */
export async function readInventory(clients: AwsClients): Promise<Inventory> {
  const inv: Inventory = { classic: [], albs: [], targetGroups: [], groups: [], services: [], records: [], unread: [] };
  await part(inv, "classic load balancers", "DescribeTags", () => readClassic(clients, inv));
  await part(inv, "application load balancers and target groups", "DescribeTags", () => readElbv2(clients, inv));
  await part(inv, "Auto Scaling groups", "DescribeAutoScalingGroups", () => readGroups(clients, inv));
  await part(inv, "ECS services", "ListTagsForResource", () => readServices(clients, inv));
  await part(inv, "Route 53 record sets", "ListResourceRecordSets", () => readRecords(clients, inv));
  return inv;
}
