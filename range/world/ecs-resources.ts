/**
 * ECS resources of the practice range: clusters and task definitions, the ARN formats, and the
 * lookups every ECS operation shares (cluster by name or ARN, task definition by family,
 * family:revision or ARN). Services, tasks and deployments live in ecs-scheduler.ts.
 */
import { SimApiError } from "@/range/protocols/errors";
import type { Prng } from "./prng";
import type { SimContainerDefinition, SimEcsCluster, SimEcsService, SimTask, SimTaskDefinition, SimWorld } from "./state";

const HEX = "0123456789abcdef";
const DIGITS = "0123456789";

function pick(prng: Prng, alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[prng.int(alphabet.length)];
  return out;
}

/** A task id: 32 hex digits, as Fargate tasks get. */
export function ecsTaskId(prng: Prng): string {
  return pick(prng, HEX, 32);
}

/** A rolling-update deployment id: "ecs-svc/" and 19 digits. */
export function ecsDeploymentId(prng: Prng): string {
  return `ecs-svc/${1 + prng.int(9)}${pick(prng, DIGITS, 18)}`;
}

/** A service event id in UUID form. */
export function ecsEventId(prng: Prng): string {
  const h = pick(prng, HEX, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[prng.int(4)]}${h.slice(17, 20)}-${h.slice(20)}`;
}

function arnPrefix(world: SimWorld): string {
  return `arn:aws:ecs:${world.config.region}:${world.config.accountId}`;
}

export function clusterArn(world: SimWorld, name: string): string {
  return `${arnPrefix(world)}:cluster/${name}`;
}

/** The long ARN format: service/CLUSTER/NAME. */
export function serviceArn(world: SimWorld, clusterName: string, name: string): string {
  return `${arnPrefix(world)}:service/${clusterName}/${name}`;
}

export function taskArn(world: SimWorld, clusterName: string, id: string): string {
  return `${arnPrefix(world)}:task/${clusterName}/${id}`;
}

export function taskDefinitionArn(world: SimWorld, family: string, revision: number): string {
  return `${arnPrefix(world)}:task-definition/${family}:${revision}`;
}

/** The last path segment of an ARN ("…:task/c/abc" → "abc"); a plain name is returned as it is. */
export function arnName(arnOrName: string): string {
  return arnOrName.startsWith("arn:") ? (arnOrName.split("/").pop() ?? arnOrName) : arnOrName;
}

/** The cluster name of a cluster ARN. */
export function clusterNameOf(arn: string): string {
  return arnName(arn);
}

export function clustersOf(world: SimWorld): Map<string, SimEcsCluster> {
  world.clusters ??= new Map();
  return world.clusters;
}

export function taskDefinitionsOf(world: SimWorld): Map<string, SimTaskDefinition> {
  world.taskDefinitions ??= new Map();
  return world.taskDefinitions;
}

export function servicesOf(world: SimWorld): Map<string, SimEcsService> {
  world.services ??= new Map();
  return world.services;
}

export function tasksOf(world: SimWorld): Map<string, SimTask> {
  world.tasks ??= new Map();
  return world.tasks;
}

export const DEFAULT_CLUSTER = "default";
const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const FAMILY = /^[A-Za-z0-9_-]{1,255}$/;

/** The cluster a request names (default "default"), or undefined when it does not exist (or was deleted). */
export function findCluster(world: SimWorld, nameOrArn: string | undefined): SimEcsCluster | undefined {
  const name = arnName(nameOrArn ?? DEFAULT_CLUSTER);
  const cluster = clustersOf(world).get(clusterArn(world, name));
  return cluster?.status === "ACTIVE" ? cluster : undefined;
}

/** Like findCluster, but throws ClusterNotFoundException as ECS does. */
export function requireCluster(world: SimWorld, nameOrArn: string | undefined): SimEcsCluster {
  const cluster = findCluster(world, nameOrArn);
  if (cluster === undefined) throw new SimApiError("ClusterNotFoundException", "Cluster not found.");
  return cluster;
}

/** CreateCluster: idempotent for an existing ACTIVE cluster; a deleted one comes back ACTIVE. */
export function createCluster(world: SimWorld, name: string | undefined, tags: { key: string; value: string }[]): SimEcsCluster {
  const clusterName = name ?? DEFAULT_CLUSTER;
  if (!CLUSTER_NAME.test(clusterName)) {
    throw new SimApiError(
      "InvalidParameterException",
      "Cluster name can only contain letters (uppercase and lowercase), numbers, underscores, and hyphens, and can be up to 255 characters long.",
    );
  }
  const arn = clusterArn(world, clusterName);
  const existing = clustersOf(world).get(arn);
  if (existing?.status === "ACTIVE") return existing;
  const cluster: SimEcsCluster = { arn, name: clusterName, status: "ACTIVE", createdAtMs: world.nowMs, tags };
  clustersOf(world).set(arn, cluster);
  return cluster;
}

/** Tasks of a cluster that are not STOPPED. */
export function liveTasksOf(world: SimWorld, cluster: SimEcsCluster): SimTask[] {
  return [...tasksOf(world).values()].filter((t) => t.clusterArn === cluster.arn && t.lastStatus !== "STOPPED");
}

/** DeleteCluster: refused while services are ACTIVE/DRAINING or tasks still run. The cluster becomes INACTIVE. */
export function deleteCluster(world: SimWorld, nameOrArn: string): SimEcsCluster {
  const cluster = requireCluster(world, nameOrArn);
  const services = [...servicesOf(world).values()].filter((s) => s.clusterArn === cluster.arn && s.status !== "INACTIVE");
  if (services.length > 0) throw new SimApiError("ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.");
  if (liveTasksOf(world, cluster).length > 0)
    throw new SimApiError("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.");
  cluster.status = "INACTIVE";
  return cluster;
}

/** The version profile a task definition's tasks run: a container's TEAL_VERSION, else the image tag. */
export function versionOf(containers: readonly SimContainerDefinition[]): string {
  for (const c of containers) {
    const env = c.environment.find((e) => e.name === "TEAL_VERSION");
    if (env !== undefined && env.value !== "") return env.value;
  }
  for (const c of containers) {
    // The tag follows the last ':' unless that ':' belongs to a registry port ("host:5000/app").
    const colon = c.image.lastIndexOf(":");
    if (colon > c.image.lastIndexOf("/") && colon < c.image.length - 1) return c.image.slice(colon + 1);
  }
  return "latest";
}

export interface RegisterTaskDefinitionSpec {
  family: string;
  containerDefinitions: SimContainerDefinition[];
  cpu?: string;
  memory?: string;
  networkMode?: string;
  requiresCompatibilities: string[];
  executionRoleArn?: string;
  taskRoleArn?: string;
}

/** RegisterTaskDefinition: the next revision of the family (revisions are never reused). */
export function registerTaskDefinition(world: SimWorld, spec: RegisterTaskDefinitionSpec): SimTaskDefinition {
  if (!FAMILY.test(spec.family)) {
    throw new SimApiError(
      "ClientException",
      "Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.",
    );
  }
  if (spec.containerDefinitions.length === 0) throw new SimApiError("ClientException", "Container list cannot be empty.");
  const names = new Set<string>();
  for (const c of spec.containerDefinitions) {
    if (names.has(c.name)) throw new SimApiError("ClientException", `Duplicate container name found: ${c.name}.`);
    names.add(c.name);
  }
  const networkMode = spec.networkMode ?? (spec.requiresCompatibilities.includes("FARGATE") ? "awsvpc" : "bridge");
  if (spec.requiresCompatibilities.includes("FARGATE")) {
    if (networkMode !== "awsvpc") throw new SimApiError("ClientException", "Fargate only supports network mode 'awsvpc'.");
    if (spec.cpu === undefined) throw new SimApiError("ClientException", "Fargate requires that 'cpu' be defined at the task level.");
    if (spec.memory === undefined) throw new SimApiError("ClientException", "Fargate requires that 'memory' be defined at the task level.");
  }
  const revisions = [...taskDefinitionsOf(world).values()].filter((d) => d.family === spec.family).map((d) => d.revision);
  const revision = Math.max(0, ...revisions) + 1;
  const def: SimTaskDefinition = {
    arn: taskDefinitionArn(world, spec.family, revision),
    family: spec.family,
    revision,
    status: "ACTIVE",
    containerDefinitions: spec.containerDefinitions,
    cpu: spec.cpu,
    memory: spec.memory,
    networkMode,
    requiresCompatibilities: spec.requiresCompatibilities,
    executionRoleArn: spec.executionRoleArn,
    taskRoleArn: spec.taskRoleArn,
    version: versionOf(spec.containerDefinitions),
    registeredAtMs: world.nowMs,
  };
  taskDefinitionsOf(world).set(def.arn, def);
  return def;
}

/**
 * The task definition a reference names: "family" (the latest ACTIVE revision), "family:revision"
 * or a full ARN (any status). Undefined when there is none.
 */
export function findTaskDefinition(world: SimWorld, ref: string): SimTaskDefinition | undefined {
  const defs = taskDefinitionsOf(world);
  const short = ref.startsWith("arn:") ? ref.slice(ref.indexOf(":task-definition/") + ":task-definition/".length) : ref;
  const colon = short.lastIndexOf(":");
  if (colon > 0) {
    const revision = Number(short.slice(colon + 1));
    return defs.get(taskDefinitionArn(world, short.slice(0, colon), revision));
  }
  let latest: SimTaskDefinition | undefined;
  for (const d of defs.values()) {
    if (d.family === short && d.status === "ACTIVE" && (latest === undefined || d.revision > latest.revision)) latest = d;
  }
  return latest;
}

/** A task definition usable for new tasks (CreateService/UpdateService): exists and is ACTIVE. */
export function requireUsableTaskDefinition(world: SimWorld, ref: string): SimTaskDefinition {
  const def = findTaskDefinition(world, ref);
  if (def === undefined) throw new SimApiError("ClientException", "TaskDefinition not found.");
  if (def.status !== "ACTIVE") throw new SimApiError("ClientException", "TaskDefinition is inactive");
  return def;
}

/** DeregisterTaskDefinition: needs family:revision or an ARN; the revision becomes INACTIVE. */
export function deregisterTaskDefinition(world: SimWorld, ref: string): SimTaskDefinition {
  const short = ref.startsWith("arn:") ? ref.slice(ref.indexOf(":task-definition/") + ":task-definition/".length) : ref;
  const colon = short.lastIndexOf(":");
  if (colon <= 0 || !/^[0-9]+$/.test(short.slice(colon + 1))) {
    throw new SimApiError("ClientException", `Invalid revision number. Number: ${colon <= 0 ? "" : short.slice(colon + 1)}`);
  }
  const def = findTaskDefinition(world, short);
  if (def === undefined) throw new SimApiError("ClientException", "The specified task definition does not exist.");
  if (def.status === "ACTIVE") {
    def.status = "INACTIVE";
    def.deregisteredAtMs = world.nowMs;
  }
  return def;
}

/** ListTaskDefinitions: ARNs filtered by exact family and status, sorted by family then revision. */
export function listTaskDefinitionArns(
  world: SimWorld,
  familyPrefix: string | undefined,
  status: "ACTIVE" | "INACTIVE",
  sort: "ASC" | "DESC",
): string[] {
  const defs = [...taskDefinitionsOf(world).values()].filter((d) => d.status === status && (familyPrefix === undefined || d.family === familyPrefix));
  defs.sort((a, b) => (a.family === b.family ? a.revision - b.revision : a.family < b.family ? -1 : 1));
  if (sort === "DESC") defs.reverse();
  return defs.map((d) => d.arn);
}
