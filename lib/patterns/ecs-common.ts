/**
 * Pure helpers shared by the ECS patterns (ecs-elb-swap, ecs-dns-swap, ecs-rolling): a service's
 * capacity, its PRIMARY deployment, its tasks as instance views, and version labels.
 */
import type { AwsCall, WaitCondition } from "@/lib/domain/plan";
import type { CapacityView, EcsDeploymentView, EcsServiceView, HealthState, InstanceView } from "@/lib/domain/app-state";
import type { JsonObject } from "@/lib/domain/basics";

// The adapter's output shapes live with the adapter (lib/aws knows nothing of the patterns).
export type { EcsTaskInfo, TargetHealthInfo } from "@/lib/aws/ecs-shapes";
export { imageVersion } from "@/lib/aws/ecs-shapes";
import type { EcsTaskInfo, TargetHealthInfo } from "@/lib/aws/ecs-shapes";

/** What an UpdateService call of a plan may change. */
export interface ServiceUpdate {
  desiredCount?: number;
  /** family:revision or ARN */
  taskDefinition?: string;
  forceNewDeployment?: boolean;
}

/**
 * An ECS UpdateService call as plan data. Setting desiredCount (or the task definition it already
 * runs) again is harmless, so these calls are safe to re-run after a crash without a `skipIf`.
 */
export function updateServiceCall(cluster: string, service: string, update: ServiceUpdate): AwsCall {
  const input: JsonObject = { cluster, service };
  if (update.desiredCount !== undefined) input.desiredCount = update.desiredCount;
  if (update.taskDefinition !== undefined) input.taskDefinition = update.taskDefinition;
  if (update.forceNewDeployment !== undefined) input.forceNewDeployment = update.forceNewDeployment;
  return { service: "ecs", operation: "UpdateService", input };
}

/**
 * Wait until the service is steady (PRIMARY deployment COMPLETED, running == desired, nothing
 * pending), optionally on a task definition. Timeout and poll interval scale with the clock.
 */
export function ecsSteadyWait(
  cluster: string,
  service: string,
  taskDefinition: string | undefined,
  waitScale: number,
  timeoutMs = 600_000,
): WaitCondition {
  const wait: WaitCondition = {
    kind: "ecs-steady",
    cluster,
    service,
    timeoutMs: Math.round(timeoutMs * waitScale),
    pollMs: Math.max(100, Math.round(10_000 * waitScale)),
  };
  if (taskDefinition !== undefined) wait.taskDefinition = taskDefinition;
  return wait;
}

/** The PRIMARY deployment (the newest one ECS is converging to), if the service has one. */
export function primaryDeployment(view: EcsServiceView): EcsDeploymentView | undefined {
  return view.deployments.find((d) => d.status === "PRIMARY");
}

/** Capacity of an ECS service: desired / running / pending tasks; `max` is the pattern's task budget when it has one. */
export function ecsCapacity(view: EcsServiceView, max?: number): CapacityView {
  const cap: CapacityView = { desired: view.desired, inService: view.running, pending: view.pending, standby: 0, min: 0 };
  if (max !== undefined) cap.max = max;
  return cap;
}

/**
 * A task as an instance view: lifecycle = ECS lastStatus; health from the target group when the
 * task is registered there, else from ECS's own container health check.
 */
export function taskInstance(task: EcsTaskInfo, targets: ReadonlyMap<string, TargetHealthInfo>): InstanceView {
  const target = task.ip ? targets.get(task.ip) : undefined;
  let health: HealthState = "unknown";
  let state = task.lastStatus;
  let description: string | undefined;
  if (target) {
    health = target.health;
    state = target.state;
    description = target.description;
  } else if (task.healthStatus === "HEALTHY") health = "healthy";
  else if (task.healthStatus === "UNHEALTHY") health = "unhealthy";
  const view: InstanceView = { id: task.id, health, state, lifecycle: task.lastStatus, launch: task.taskDefinition, kind: "task" };
  if (description) view.description = description;
  if (task.availabilityZone) view.availabilityZone = task.availabilityZone;
  return view;
}

/** The versions running in one colour, most tasks first: "v42" or "v42 + v41" mid-deployment. */
export function versionLabel(versions: readonly string[], fallback: string): string {
  const counts = new Map<string, number>();
  for (const v of versions) counts.set(v, (counts.get(v) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return sorted.length ? sorted.map(([v]) => v).join(" + ") : fallback;
}
