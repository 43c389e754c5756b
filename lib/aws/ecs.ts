import "server-only";
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  type Deployment,
  type ECSClient,
  type Service,
  type Task,
  type TaskDefinition,
} from "@aws-sdk/client-ecs";
import type { EcsDeploymentView, EcsServiceView } from "@/lib/domain/app-state";
import { imageVersion, type EcsTaskInfo } from "./ecs-shapes";
import { batcherOf } from "./batched-reads";
import { toAppError } from "./errors";

/** Services of one cluster per DescribeServices call (docs/aws-behaviour.md §8.4). */
export const SERVICES_PER_CALL = 10;
/** Tasks of one cluster per DescribeTasks call (docs/aws-behaviour.md §8.4). */
export const TASKS_PER_CALL = 100;

/** The family:revision part of a task definition ARN (or the input when it is already short). */
function shortTd(arnOrName: string): string {
  const slash = arnOrName.lastIndexOf("/");
  return slash >= 0 ? arnOrName.slice(slash + 1) : arnOrName;
}

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

export function mapDeployment(d: Deployment): EcsDeploymentView {
  return {
    id: d.id ?? "",
    status: d.status ?? "UNKNOWN",
    taskDefinition: shortTd(d.taskDefinition ?? ""),
    desired: d.desiredCount ?? 0,
    pending: d.pendingCount ?? 0,
    running: d.runningCount ?? 0,
    failed: d.failedTasks ?? 0,
    rolloutState: d.rolloutState ?? null,
    rolloutStateReason: d.rolloutStateReason ?? null,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
  };
}

/** A DescribeServices service in Teal's terms: deployments (ECS order), events newest first, circuit breaker. */
export function mapService(s: Service, cluster: string): EcsServiceView {
  const breaker = s.deploymentConfiguration?.deploymentCircuitBreaker;
  const events = (s.events ?? [])
    .map((e) => ({ id: e.id ?? "", at: iso(e.createdAt) ?? "", message: e.message ?? "" }))
    .sort((a, b) => b.at.localeCompare(a.at));
  return {
    cluster,
    service: s.serviceName ?? "",
    taskDefinition: shortTd(s.taskDefinition ?? ""),
    desired: s.desiredCount ?? 0,
    running: s.runningCount ?? 0,
    pending: s.pendingCount ?? 0,
    deployments: (s.deployments ?? []).map(mapDeployment),
    events,
    circuitBreaker: breaker ? { enabled: breaker.enable ?? false, rollback: breaker.rollback ?? false } : null,
  };
}

/** A DescribeTasks task in Teal's terms (its IP is its target id in an `ip` target group). */
export function mapTask(t: Task): EcsTaskInfo {
  const arn = t.taskArn ?? "";
  const eniIp = t.attachments?.find((a) => a.type === "ElasticNetworkInterface")?.details?.find((d) => d.name === "privateIPv4Address")?.value;
  const containerIp = t.containers?.flatMap((c) => c.networkInterfaces ?? []).find((n) => n.privateIpv4Address)?.privateIpv4Address;
  return {
    arn,
    id: arn.slice(arn.lastIndexOf("/") + 1),
    taskDefinition: shortTd(t.taskDefinitionArn ?? ""),
    lastStatus: t.lastStatus ?? "UNKNOWN",
    desiredStatus: t.desiredStatus ?? "UNKNOWN",
    ip: eniIp ?? containerIp ?? null,
    availabilityZone: t.availabilityZone ?? null,
    healthStatus: t.healthStatus ?? "UNKNOWN",
    startedAt: iso(t.startedAt),
  };
}

/** The version a task definition runs: its first container's TEAL_VERSION, else the image tag. */
export function taskDefinitionVersion(def: TaskDefinition): string {
  const container = def.containerDefinitions?.[0];
  const env: Record<string, string> = {};
  for (const kv of container?.environment ?? []) if (kv.name && kv.value !== undefined) env[kv.name] = kv.value;
  return imageVersion(container?.image ?? null, env, shortTd(def.taskDefinitionArn ?? ""));
}

/** A service as read: Teal's view plus the target groups its tasks register with. */
export interface EcsServiceRead {
  view: EcsServiceView;
  targetGroupArns: string[];
}

/** Services of one cluster by name (≤ 10 per DescribeServices call); a missing or deleted service maps to null. */
export async function describeServices(client: ECSClient, cluster: string, names: string[]): Promise<Map<string, EcsServiceRead | null>> {
  const out = new Map<string, EcsServiceRead | null>(names.map((n) => [n, null]));
  const fetch = async (some: string[]): Promise<Map<string, Service>> => {
    const res = await client.send(new DescribeServicesCommand({ cluster, services: some }));
    return new Map((res.services ?? []).filter((s) => s.serviceName).map((s) => [s.serviceName ?? "", s]));
  };
  try {
    const batcher = batcherOf(client);
    const found = batcher
      ? await batcher.byIds(`ecs:DescribeServices:${cluster}`, names, SERVICES_PER_CALL, fetch)
      : await fetchInChunks(names, SERVICES_PER_CALL, fetch);
    for (const [name, s] of found) {
      if (s.status === "INACTIVE") continue;
      const targetGroupArns = (s.loadBalancers ?? []).map((lb) => lb.targetGroupArn).filter((arn): arn is string => Boolean(arn));
      out.set(name, { view: mapService(s, cluster), targetGroupArns });
    }
  } catch (err) {
    throw toAppError(err, "DescribeServices");
  }
  return out;
}

/** One call after the other, `max` names each. */
async function fetchInChunks<T>(names: string[], max: number, fetch: (some: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  for (let i = 0; i < names.length; i += max) for (const [k, v] of await fetch(names.slice(i, i + max))) out.set(k, v);
  return out;
}

/**
 * The service's tasks that ECS wants running (ListTasks + DescribeTasks, ≤ 100 per call).
 *
 * `expected` is the service's running + pending task count from the DescribeServices of the same
 * read. With it, a page's read (a client with a batcher) describes the tasks of the service's last
 * listing again without listing them: that list still holds when every task in it is still wanted
 * RUNNING and there are as many as the service counts. A task stopped since is no longer wanted
 * RUNNING, and one started since changes the count; either way the tasks are listed again. An
 * operation's reads (no batcher) always list.
 */
export async function listServiceTasks(client: ECSClient, cluster: string, service: string, expected?: number): Promise<EcsTaskInfo[]> {
  const batcher = batcherOf(client);
  const key = `ecs:task-list:${cluster}/${service}`;
  if (batcher && expected !== undefined) {
    const kept = await batcher.peek<string[]>(key);
    if (kept && kept.length === expected) {
      const tasks = await describeTasks(client, cluster, kept);
      if (tasks.length === kept.length && tasks.every((t) => t.desiredStatus === "RUNNING")) return tasks;
    }
  }
  const arns: string[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus: "RUNNING", nextToken }));
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken && arns.length < 1000);
  } catch (err) {
    throw toAppError(err, "ListTasks");
  }
  batcher?.keep(key, arns);
  return describeTasks(client, cluster, arns);
}

/** Tasks by ARN, ≤ 100 per call (merged across applications on a page client); ones ECS no longer knows are left out. */
async function describeTasks(client: ECSClient, cluster: string, arns: string[]): Promise<EcsTaskInfo[]> {
  const tasks: EcsTaskInfo[] = [];
  if (arns.length === 0) return tasks;
  const fetch = async (some: string[]): Promise<Map<string, Task>> => {
    const res = await client.send(new DescribeTasksCommand({ cluster, tasks: some }));
    return new Map((res.tasks ?? []).map((t) => [t.taskArn ?? "", t]));
  };
  try {
    const batcher = batcherOf(client);
    // A task ARN ECS no longer knows is a `failures` entry, not an error: left out, as alone.
    const found = batcher
      ? await batcher.byIds(`ecs:DescribeTasks:${cluster}`, arns, TASKS_PER_CALL, fetch)
      : await fetchInChunks(arns, TASKS_PER_CALL, fetch);
    tasks.push(...[...found.values()].map(mapTask));
  } catch (err) {
    throw toAppError(err, "DescribeTasks");
  }
  return tasks.sort((a, b) => a.id.localeCompare(b.id));
}

/** ACTIVE revisions of a task definition family, newest first, as "family:revision". */
export async function listFamilyRevisions(client: ECSClient, family: string): Promise<string[]> {
  const out: string[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: "ACTIVE", sort: "DESC", nextToken }));
      out.push(...(page.taskDefinitionArns ?? []).map(shortTd));
      nextToken = page.nextToken;
    } while (nextToken && out.length < 500);
  } catch (err) {
    throw toAppError(err, "ListTaskDefinitions");
  }
  // familyPrefix matches by prefix: keep only this family.
  return out.filter((td) => td.slice(0, td.lastIndexOf(":")) === family);
}

/** Version label per task definition ("family:revision" → "v42"), one DescribeTaskDefinition each. */
export async function describeTaskDefinitionVersions(client: ECSClient, taskDefinitions: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(taskDefinitions.map(shortTd))].filter(Boolean);
  const out = new Map<string, string>();
  try {
    const batcher = batcherOf(client);
    const describe = async (td: string): Promise<string | null> => {
      const res = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: td }));
      return res.taskDefinition ? taskDefinitionVersion(res.taskDefinition) : null;
    };
    // A revision ("family:3") never changes once registered: the page reads keep its version for good.
    // A bare family names its latest ACTIVE revision, which does change.
    const versions = await Promise.all(
      unique.map((td) => (batcher && /:[0-9]+$/.test(td) ? batcher.immutable(`ecs:task-definition:${td}`, () => describe(td)) : describe(td))),
    );
    versions.forEach((version, i) => {
      const td = unique[i];
      if (td && version !== null) out.set(td, version);
    });
  } catch (err) {
    throw toAppError(err, "DescribeTaskDefinition");
  }
  return out;
}
