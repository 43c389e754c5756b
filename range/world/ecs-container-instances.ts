/**
 * ECS container instances: EC2 instances of a cluster that run tasks of the EC2 launch type
 * (docs/aws-behaviour.md §5.7). An instance joins the cluster its user data names
 * (`ECS_CLUSTER=name`, as the ECS agent reads it; an instance of the ECS-optimised image without
 * that line joins `default`) once it is running, with the CPU and memory of its instance type, and
 * leaves when it shuts down. Tasks are placed on the instances with room for their CPU and memory.
 */
import { createPrng, seedFromString } from "./prng";
import { RANGE_IMAGES } from "./network";
import type { SimContainerInstance, SimInstance, SimTask, SimTaskDefinition, SimWorld } from "./state";

/** vCPUs and memory (MiB) of the instance types the range knows; others count as t3.medium. */
const INSTANCE_TYPES: Readonly<Record<string, { vcpus: number; memoryMiB: number }>> = {
  "t2.micro": { vcpus: 1, memoryMiB: 1_024 },
  "t3.micro": { vcpus: 2, memoryMiB: 1_024 },
  "t3.small": { vcpus: 2, memoryMiB: 2_048 },
  "t3.medium": { vcpus: 2, memoryMiB: 4_096 },
  "t3.large": { vcpus: 2, memoryMiB: 8_192 },
  "t3.xlarge": { vcpus: 4, memoryMiB: 16_384 },
  "m5.large": { vcpus: 2, memoryMiB: 8_192 },
  "m5.xlarge": { vcpus: 4, memoryMiB: 16_384 },
  "c5.large": { vcpus: 2, memoryMiB: 4_096 },
  "c5.xlarge": { vcpus: 4, memoryMiB: 8_192 },
};
const FALLBACK_TYPE = { vcpus: 2, memoryMiB: 4_096 };
/**
 * The share of an instance's memory the agent registers: the operating system and the agent keep
 * the rest. AWS documents that the registered memory is below the nominal size, not by how much
 * (docs/aws-behaviour.md §5.7, unverified), so the range keeps 94 %.
 */
const REGISTERED_MEMORY_SHARE = 0.94;
/** The range's ECS-optimised image: its instances join the `default` cluster without user data. */
const ECS_OPTIMISED_IMAGES = new Set(RANGE_IMAGES.filter((i) => i.name.includes("-ecs-")).map((i) => i.imageId));

export function containerInstancesOf(world: SimWorld): Map<string, SimContainerInstance> {
  world.containerInstances ??= new Map();
  return world.containerInstances;
}

/** The cluster an instance's agent would join, from its (base64) user data and image. */
export function ecsClusterOf(imageId: string, userData: string | undefined): string | undefined {
  const text = userData === undefined ? "" : Buffer.from(userData, "base64").toString("utf8");
  const m = /(?:^|\s|export\s+)ECS_CLUSTER=["']?([A-Za-z0-9_-]{1,255})/.exec(text);
  if (m?.[1] !== undefined) return m[1];
  return ECS_OPTIMISED_IMAGES.has(imageId) ? "default" : undefined;
}

function containerInstanceId(instanceId: string): string {
  const prng = createPrng(seedFromString(`container-instance:${instanceId}`));
  let out = "";
  for (let i = 0; i < 32; i++) out += "0123456789abcdef"[prng.int(16)];
  return out;
}

function registeredResources(instance: SimInstance): { cpu: number; memory: number } {
  const type = INSTANCE_TYPES[instance.instanceType] ?? FALLBACK_TYPE;
  return { cpu: type.vcpus * 1_024, memory: Math.floor(type.memoryMiB * REGISTERED_MEMORY_SHARE) };
}

/**
 * Registers running instances with their cluster and deregisters those that shut down.
 * @returns the container instances that left the cluster in this pass (their tasks must stop).
 */
export function syncContainerInstances(world: SimWorld): SimContainerInstance[] {
  const left: SimContainerInstance[] = [];
  const known = world.containerInstances;
  for (const instance of world.instances.values()) {
    if (instance.ecsCluster === undefined) continue;
    const existing = known === undefined ? undefined : [...known.values()].find((c) => c.ec2InstanceId === instance.id);
    if (existing === undefined) {
      if (instance.state !== "running") continue;
      const cluster = [...(world.clusters?.values() ?? [])].find((c) => c.name === instance.ecsCluster && c.status === "ACTIVE");
      if (cluster === undefined) continue;
      const resources = registeredResources(instance);
      const arn = `${cluster.arn.replace(":cluster/", ":container-instance/")}/${containerInstanceId(instance.id)}`;
      containerInstancesOf(world).set(arn, {
        arn,
        clusterArn: cluster.arn,
        ec2InstanceId: instance.id,
        availabilityZone: instance.availabilityZone,
        instanceType: instance.instanceType,
        status: "ACTIVE",
        registeredCpu: resources.cpu,
        registeredMemory: resources.memory,
        registeredAtMs: world.nowMs,
      });
    } else if (existing.status === "ACTIVE" && (instance.state === "shutting-down" || instance.state === "terminated")) {
      existing.status = "INACTIVE";
      left.push(existing);
    }
  }
  return left;
}

/** CPU units and MiB a task needs: the task-level values, else the sum of its containers'. */
export function taskNeeds(def: SimTaskDefinition): { cpu: number; memory: number } {
  const containerCpu = def.containerDefinitions.reduce((sum, c) => sum + (c.cpu ?? 0), 0);
  const containerMemory = def.containerDefinitions.reduce((sum, c) => sum + (c.memory ?? c.memoryReservation ?? 0), 0);
  return {
    cpu: def.cpu !== undefined && /^\d+$/.test(def.cpu) ? Number(def.cpu) : containerCpu,
    memory: def.memory !== undefined && /^\d+$/.test(def.memory) ? Number(def.memory) : containerMemory,
  };
}

function isPlaced(task: SimTask): boolean {
  return task.lastStatus !== "STOPPED";
}

/** What is left of an instance's registered CPU and memory after the tasks placed on it. */
export function remainingResources(world: SimWorld, ci: SimContainerInstance): { cpu: number; memory: number; tasks: number } {
  let cpu = ci.registeredCpu;
  let memory = ci.registeredMemory;
  let tasks = 0;
  for (const task of world.tasks?.values() ?? []) {
    if (task.containerInstanceArn !== ci.arn || !isPlaced(task)) continue;
    cpu -= task.placedCpu ?? 0;
    memory -= task.placedMemory ?? 0;
    tasks += 1;
  }
  return { cpu, memory, tasks };
}

export type Placement = { kind: "placed"; instance: SimContainerInstance } | { kind: "unplaceable"; reason: string };

/**
 * Picks a container instance for one task: ACTIVE in the cluster, in one of `zones`, with room for
 * `need`. Like the default placement of a service, it spreads over zones first (the zone with the
 * fewest of `siblings`), then over instances (the one running the fewest tasks). Without room
 * anywhere, the reason names the closest instance and what it lacks, as ECS's service event does.
 */
export function placeTask(
  world: SimWorld,
  clusterArn: string,
  zones: readonly string[],
  need: { cpu: number; memory: number },
  siblings: readonly SimTask[],
): Placement {
  const candidates = [...containerInstancesOf(world).values()].filter(
    (ci) => ci.clusterArn === clusterArn && ci.status === "ACTIVE" && (zones.length === 0 || zones.includes(ci.availabilityZone)),
  );
  if (candidates.length === 0) return { kind: "unplaceable", reason: "No Container Instances were found in your cluster." };
  const withRoom = candidates
    .map((ci) => ({ ci, left: remainingResources(world, ci) }))
    .filter(({ left }) => left.cpu >= need.cpu && left.memory >= need.memory);
  if (withRoom.length === 0) {
    // The closest: the one with the most memory left, then the most CPU.
    const closest = candidates
      .map((ci) => ({ ci, left: remainingResources(world, ci) }))
      .sort((a, b) => b.left.memory - a.left.memory || b.left.cpu - a.left.cpu)[0];
    const lacks = closest === undefined || closest.left.memory >= need.memory ? "CPU units" : "memory";
    const id = closest?.ci.arn.split("/").pop() ?? "";
    return { kind: "unplaceable", reason: `The closest matching (container-instance ${id}) has insufficient ${lacks} available.` };
  }
  const perZone = new Map<string, number>();
  for (const task of siblings) if (isPlaced(task)) perZone.set(task.availabilityZone, (perZone.get(task.availabilityZone) ?? 0) + 1);
  withRoom.sort(
    (a, b) =>
      (perZone.get(a.ci.availabilityZone) ?? 0) - (perZone.get(b.ci.availabilityZone) ?? 0) ||
      a.left.tasks - b.left.tasks ||
      (a.ci.arn < b.ci.arn ? -1 : 1),
  );
  const best = withRoom[0];
  return best === undefined
    ? { kind: "unplaceable", reason: "No Container Instances were found in your cluster." }
    : { kind: "placed", instance: best.ci };
}
