/**
 * An availability zone failing (control API `POST /_sim/zones/:az/fail|recover`): while failed,
 * every instance and ECS task in the zone fails its health checks (classic ELB, ALB, container
 * checks), so load balancers take them out of service and Auto Scaling / ECS replace them; new
 * launches avoid the zone where they can (RunInstances without placement, Auto Scaling, ECS) and fail
 * where they cannot (RunInstances placed in the zone).
 *
 * The failure marks the `failing` flag the health checks already read, and remembers what it
 * marked, so recovering the zone does not also clear an instance or task failed on its own.
 */
import type { SimWorld, SimZoneFailure } from "./state";

export function zoneFailed(world: SimWorld, availabilityZone: string): boolean {
  return world.faults.failedZones?.[availabilityZone] !== undefined;
}

/** The zones of `zones` that are not failed; all of them when every one is (there is nowhere else). */
export function healthyZones(world: SimWorld, zones: readonly string[]): string[] {
  const healthy = zones.filter((z) => !zoneFailed(world, z));
  return healthy.length > 0 ? healthy : [...zones];
}

/** Fails a zone: marks its live instances and tasks failing. Failing a failed zone changes nothing. */
export function failZone(world: SimWorld, availabilityZone: string): SimZoneFailure {
  const existing = world.faults.failedZones?.[availabilityZone];
  if (existing !== undefined) return existing;
  const failure: SimZoneFailure = { sinceMs: world.nowMs, instanceIds: [], taskArns: [] };
  for (const instance of world.instances.values()) {
    if (instance.availabilityZone !== availabilityZone || instance.failing || instance.state === "terminated") continue;
    instance.failing = true;
    failure.instanceIds.push(instance.id);
  }
  for (const task of world.tasks?.values() ?? []) {
    if (task.availabilityZone !== availabilityZone || task.failing || task.lastStatus === "STOPPED") continue;
    task.failing = true;
    failure.taskArns.push(task.arn);
  }
  world.faults.failedZones = { ...world.faults.failedZones, [availabilityZone]: failure };
  return failure;
}

/** Recovers a zone: what its failure marked works again. Returns false when the zone was not failed. */
export function recoverZone(world: SimWorld, availabilityZone: string): boolean {
  const failure = world.faults.failedZones?.[availabilityZone];
  if (failure === undefined) return false;
  for (const id of failure.instanceIds) {
    const instance = world.instances.get(id);
    if (instance !== undefined) instance.failing = false;
  }
  for (const arn of failure.taskArns) {
    const task = world.tasks?.get(arn);
    if (task !== undefined) task.failing = false;
  }
  const rest = { ...world.faults.failedZones };
  delete rest[availabilityZone];
  world.faults.failedZones = rest;
  return true;
}

/**
 * Called for an instance or task just launched: one that lands in a failed zone (every zone it
 * could use was failed) fails from the start, and recovery clears it with the rest.
 */
export function markIfZoneFailed(world: SimWorld, availabilityZone: string, kind: "instance" | "task", id: string): boolean {
  const failure = world.faults.failedZones?.[availabilityZone];
  if (failure === undefined) return false;
  if (kind === "instance") failure.instanceIds.push(id);
  else failure.taskArns.push(id);
  return true;
}
