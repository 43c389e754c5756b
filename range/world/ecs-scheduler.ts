/**
 * The ECS service scheduler of the practice range: task lifecycle, rolling deployments, the
 * deployment circuit breaker, deployment alarms, service events and the AWS/ECS metrics
 * (docs/aws-behaviour.md §5.2, §5.3, §5.6, §11 ECS).
 *
 * Task lifecycle (virtual durations, divided by `config.speed`):
 *   PROVISIONING → PENDING → ACTIVATING → RUNNING takes a draw in [ecsTaskStartMinMs,
 *   ecsTaskStartMaxMs] (default 30–90 s, Fargate). Targets are registered when the task reaches
 *   RUNNING (the ALB health check only passes for a RUNNING task). On stop: DEACTIVATING while the
 *   target groups drain the task's IP (their deregistration delay), STOPPING (5 s), DEPROVISIONING
 *   (5 s), STOPPED; stopped tasks stay visible for an hour.
 *
 * Rolling deployments: UpdateService with a new task definition makes a new PRIMARY deployment and
 * the previous one ACTIVE. Each scheduler pass (every world step) stops old tasks while the healthy
 * tasks stay ≥ ceil(desired × minimumHealthyPercent / 100) and starts PRIMARY tasks while the tasks
 * not asked to stop stay ≤ floor(desired × maximumPercent / 100) (docs/aws-behaviour.md §5.3: min rounds up,
 * max rounds down). A task counts as healthy once RUNNING and `healthy` in every target group of the
 * service, or 40 s after RUNNING when the service has no load balancer. The deployment COMPLETES when
 * the PRIMARY runs `desired` healthy tasks, none pending, and every other task has stopped.
 *
 * Circuit breaker: every task of an IN_PROGRESS deployment that fails its checks counts as a failed
 * task (reset by a healthy task, resetOnHealthyTask's default); at clamp(ceil(0.5 × desired), 3, 200)
 * failures the deployment goes FAILED, and with rollback a new deployment to the last COMPLETED task
 * definition starts. A FAILED deployment launches no new tasks.
 */
import { alarmsOf } from "./alarms";
import { deregisterTargets, findTargetGroup, registerTargets, targetHealth } from "./elbv2-targets";
import { clusterNameOf, ecsDeploymentId, ecsEventId, ecsTaskId, servicesOf, taskArn, tasksOf } from "./ecs-resources";
import { subnetById } from "./network";
import { placeTask, syncContainerInstances, taskNeeds } from "./ecs-container-instances";
import { createPrng, seedFromString, type Prng } from "./prng";
import type {
  SimContainerInstance,
  SimEcsDeployment,
  SimEcsService,
  SimMetricKey,
  SimMetricSink,
  SimTask,
  SimTaskDefinition,
  SimWorld,
} from "./state";
import { healthyZones, markIfZoneFailed } from "./zone-faults";

/** Default Fargate start duration range (docs/aws-behaviour.md §11: 30–90 s). */
export const DEFAULT_TASK_START_MIN_MS = 30_000;
export const DEFAULT_TASK_START_MAX_MS = 90_000;
/** Shares of the start duration spent PROVISIONING (ENI) / PENDING (image pull) / ACTIVATING. */
const START_SHARES = { provisioning: 0.2, pending: 0.65, activating: 0.15 } as const;
/** A task with neither load balancer nor container health check counts healthy 40 s after RUNNING [V]. */
export const NO_HEALTH_CHECK_SETTLE_MS = 40_000;
/** A task without load balancer whose version is unhealthy fails its container checks after this. */
export const CONTAINER_CHECK_FAIL_MS = 30_000;
const DEACTIVATING_MS = 1_000;
const STOPPING_MS = 5_000;
const DEPROVISIONING_MS = 5_000;
/** How long STOPPED tasks stay visible to DescribeTasks/ListTasks. */
export const STOPPED_VISIBLE_MS = 60 * 60_000;
/** How long an INACTIVE deployment stays in the service's deployments[]. */
export const INACTIVE_DEPLOYMENT_VISIBLE_MS = 5 * 60_000;
/** How long a deleted (INACTIVE) service stays visible to DescribeServices. */
export const INACTIVE_SERVICE_VISIBLE_MS = 60 * 60_000;
/** The scheduler repeats "has reached a steady state." while steady, about every six hours. */
const STEADY_REPEAT_MS = 6 * 60 * 60_000;
/** AWS keeps the latest 100 service events (docs/aws-behaviour.md §5.2). */
export const MAX_SERVICE_EVENTS = 100;

const prngs = new WeakMap<SimWorld, Prng>();

/** The ECS generator of a world (ids, start durations): seeded per world, so runs are reproducible. */
export function ecsPrng(world: SimWorld): Prng {
  let prng = prngs.get(world);
  if (prng === undefined) {
    const seed = "seed" in world && typeof world.seed === "number" ? world.seed : 0;
    prng = createPrng((seed ^ seedFromString("ecs")) >>> 0);
    prngs.set(world, prng);
  }
  return prng;
}

function scaled(world: SimWorld, virtualMs: number): number {
  return Math.max(1, virtualMs / world.config.speed);
}

/** ceil(desired × min%) healthy tasks the scheduler keeps (AWS rounds the minimum up). */
export function minimumHealthyTasks(desired: number, minimumHealthyPercent: number): number {
  return Math.ceil((desired * minimumHealthyPercent) / 100 - 1e-9);
}

/** floor(desired × max%) tasks at most (AWS rounds the maximum down). */
export function maximumTasks(desired: number, maximumPercent: number): number {
  return Math.floor((desired * maximumPercent) / 100 + 1e-9);
}

/** Circuit-breaker failure threshold: clamp(ceil(0.5 × desired), 3, 200) (docs/aws-behaviour.md §5.3, §11). */
export function circuitBreakerThreshold(desired: number): number {
  return Math.min(200, Math.max(3, Math.ceil(0.5 * desired)));
}

/** Adds a service event (newest first, the latest 100 kept). */
export function addServiceEvent(world: SimWorld, service: SimEcsService, message: string): void {
  service.events.unshift({ id: ecsEventId(ecsPrng(world)), createdAtMs: world.nowMs, message });
  if (service.events.length > MAX_SERVICE_EVENTS) service.events.length = MAX_SERVICE_EVENTS;
}

function shortTaskId(task: SimTask): string {
  return task.arn.slice(task.arn.lastIndexOf("/") + 1);
}

/** The tasks a service started that are not STOPPED yet, and those it still wants running. */
export function serviceTasks(world: SimWorld, service: SimEcsService): SimTask[] {
  const out: SimTask[] = [];
  for (const task of tasksOf(world).values()) {
    if (task.clusterArn === service.clusterArn && task.serviceName === service.name && task.lastStatus !== "STOPPED") out.push(task);
  }
  return out;
}

function isAlive(task: SimTask): boolean {
  return task.desiredStatus === "RUNNING" && task.lastStatus !== "STOPPED";
}

function isHealthy(task: SimTask): boolean {
  return isAlive(task) && task.lastStatus === "RUNNING" && task.healthyAtMs !== undefined;
}

/** Deployment counters as DescribeServices reports them. */
export function deploymentCounts(world: SimWorld, service: SimEcsService, deployment: SimEcsDeployment): { running: number; pending: number } {
  let running = 0;
  let pending = 0;
  for (const task of serviceTasks(world, service)) {
    if (task.deploymentId !== deployment.id || !isAlive(task)) continue;
    if (task.lastStatus === "RUNNING") running += 1;
    else pending += 1;
  }
  return { running, pending };
}

// ---------------------------------------------------------------------------------------------
// Tasks

function uniqueIp(world: SimWorld, prng: Prng): string {
  const used = new Set([...tasksOf(world).values()].filter((t) => t.lastStatus !== "STOPPED").map((t) => t.ip));
  for (;;) {
    const ip = `172.31.${prng.int(256)}.${1 + prng.int(254)}`;
    if (!used.has(ip)) return ip;
  }
}

function availabilityZoneFor(world: SimWorld, service: SimEcsService, index: number): string {
  const subnets = service.networkConfiguration?.subnets ?? [];
  // Each subnet's zone (range/world/network.ts); CreateService refused subnets that do not exist.
  const all =
    subnets.length > 0
      ? [...new Set(subnets.map((s) => subnetById(world, s)?.availabilityZone ?? `${world.config.region}a`))]
      : ["a", "b", "c"].map((z) => `${world.config.region}${z}`);
  // A failed zone gets no new tasks while the service has subnets elsewhere.
  const zones = healthyZones(world, all);
  return zones[index % zones.length] ?? `${world.config.region}a`;
}

function startDuration(world: SimWorld, share: number): number {
  const min = world.config.ecsTaskStartMinMs ?? DEFAULT_TASK_START_MIN_MS;
  const max = Math.max(min, world.config.ecsTaskStartMaxMs ?? DEFAULT_TASK_START_MAX_MS);
  return scaled(world, share * (min + ecsPrng(world).next() * (max - min)));
}

/** The zones of a service's subnets (all the Region's when it names none). */
function serviceZones(world: SimWorld, service: SimEcsService): string[] {
  const subnets = service.networkConfiguration?.subnets ?? [];
  return [...new Set(subnets.map((s) => subnetById(world, s)?.availabilityZone).filter((z): z is string => z !== undefined))];
}

/**
 * Launches one task of a service deployment (PROVISIONING). A service of the EC2 launch type places
 * it on a container instance with room (docs/aws-behaviour.md §5.7); without one the task is not
 * started and the answer is the reason ECS gives in its service event.
 */
function launchTask(world: SimWorld, service: SimEcsService, deployment: SimEcsDeployment, def: SimTaskDefinition): SimTask | string {
  let placement: { instance: SimContainerInstance; need: { cpu: number; memory: number } } | undefined;
  if (service.launchType === "EC2") {
    const need = taskNeeds(def);
    const placed = placeTask(world, service.clusterArn, serviceZones(world, service), need, serviceTasks(world, service));
    if (placed.kind === "unplaceable") return placed.reason;
    placement = { instance: placed.instance, need };
  }
  const prng = ecsPrng(world);
  const id = ecsTaskId(prng);
  const lb = service.loadBalancers.find((l) => l.targetGroupArn !== undefined);
  const existing = serviceTasks(world, service).length;
  const availabilityZone = placement?.instance.availabilityZone ?? availabilityZoneFor(world, service, existing);
  const arn = taskArn(world, clusterNameOf(service.clusterArn), id);
  const task: SimTask = {
    arn,
    clusterArn: service.clusterArn,
    serviceName: service.name,
    taskDefinitionArn: def.arn,
    version: def.version,
    lastStatus: "PROVISIONING",
    desiredStatus: "RUNNING",
    ip: uniqueIp(world, prng),
    availabilityZone,
    failing: markIfZoneFailed(world, availabilityZone, "task", arn),
    createdAtMs: world.nowMs,
    deploymentId: deployment.id,
    group: `service:${service.name}`,
    startedBy: deployment.id,
    nextTransitionAtMs: world.nowMs + startDuration(world, START_SHARES.provisioning),
    containerName: lb?.containerName,
    containerPort: lb?.containerPort,
    cpu: def.cpu,
    memory: def.memory,
    ...(placement === undefined
      ? {}
      : { containerInstanceArn: placement.instance.arn, placedCpu: placement.need.cpu, placedMemory: placement.need.memory }),
  };
  tasksOf(world).set(task.arn, task);
  return task;
}

/** A task definition by ARN (deployments keep ARNs; a deregistered revision still runs its tasks). */
function definitionOf(world: SimWorld, arn: string): SimTaskDefinition | undefined {
  return world.taskDefinitions?.get(arn);
}

/**
 * Asks a task to stop. A RUNNING task registered in target groups is deregistered and stays
 * DEACTIVATING while they drain; other tasks go on to STOPPING at once.
 * @returns the target groups it was deregistered from.
 */
export function stopTask(world: SimWorld, task: SimTask, reason: string, stopCode: string): string[] {
  if (task.desiredStatus === "STOPPED" || task.lastStatus === "STOPPED") return [];
  task.desiredStatus = "STOPPED";
  task.stoppedReason = reason;
  task.stopCode = stopCode;
  task.stoppingAtMs = world.nowMs;
  const groups = task.targetGroupArns ?? [];
  const deregistered: string[] = [];
  if (task.lastStatus === "RUNNING") {
    task.lastStatus = "DEACTIVATING";
    for (const arn of groups) {
      if (findTargetGroup(world, arn) === undefined) continue;
      deregisterTargets(world, arn, [task.ip]);
      deregistered.push(arn);
    }
    // Without targets to drain, deactivation is short; otherwise the scheduler waits for draining.
    task.nextTransitionAtMs = deregistered.length === 0 ? world.nowMs + scaled(world, DEACTIVATING_MS) : undefined;
  } else {
    task.lastStatus = "STOPPING";
    task.nextTransitionAtMs = world.nowMs + scaled(world, STOPPING_MS);
  }
  return deregistered;
}

/** Registrations made while tasks reached RUNNING, reported as service events at the end of a pass. */
type Registrations = Map<SimEcsService, Map<string, number>>;

function findService(world: SimWorld, task: SimTask): SimEcsService | undefined {
  if (task.serviceName === undefined) return undefined;
  for (const s of servicesOf(world).values())
    if (s.clusterArn === task.clusterArn && s.name === task.serviceName && s.status !== "INACTIVE") return s;
  return undefined;
}

function transition(world: SimWorld, task: SimTask, registrations: Registrations): void {
  switch (task.lastStatus) {
    case "PROVISIONING":
      task.lastStatus = "PENDING";
      task.nextTransitionAtMs = world.nowMs + startDuration(world, START_SHARES.pending);
      return;
    case "PENDING":
      task.lastStatus = "ACTIVATING";
      task.nextTransitionAtMs = world.nowMs + startDuration(world, START_SHARES.activating);
      return;
    case "ACTIVATING": {
      task.lastStatus = "RUNNING";
      task.startedAtMs = world.nowMs;
      task.nextTransitionAtMs = undefined;
      const service = findService(world, task);
      if (service === undefined) return;
      const registered: string[] = [];
      for (const lb of service.loadBalancers) {
        if (lb.targetGroupArn === undefined || findTargetGroup(world, lb.targetGroupArn) === undefined) continue;
        registerTargets(world, lb.targetGroupArn, [{ id: task.ip, port: lb.containerPort }]);
        registered.push(lb.targetGroupArn);
        let perGroup = registrations.get(service);
        if (perGroup === undefined) registrations.set(service, (perGroup = new Map()));
        perGroup.set(lb.targetGroupArn, (perGroup.get(lb.targetGroupArn) ?? 0) + 1);
      }
      task.targetGroupArns = registered;
      return;
    }
    case "DEACTIVATING":
      task.lastStatus = "STOPPING";
      task.nextTransitionAtMs = world.nowMs + scaled(world, STOPPING_MS);
      return;
    case "STOPPING":
      task.lastStatus = "DEPROVISIONING";
      task.nextTransitionAtMs = world.nowMs + scaled(world, DEPROVISIONING_MS);
      return;
    case "DEPROVISIONING":
      task.lastStatus = "STOPPED";
      task.stoppedAtMs = world.nowMs;
      task.nextTransitionAtMs = world.nowMs + scaled(world, STOPPED_VISIBLE_MS);
      return;
    case "STOPPED":
      tasksOf(world).delete(task.arn);
      return;
    default:
      task.nextTransitionAtMs = undefined;
  }
}

/** A DEACTIVATING task moves on once no target group lists its IP any more (draining over). */
function drained(world: SimWorld, task: SimTask): boolean {
  for (const arn of task.targetGroupArns ?? []) {
    if (findTargetGroup(world, arn) === undefined) continue;
    if (targetHealth(world, arn).some((row) => row.id === task.ip)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Health

type Verdict = { kind: "healthy" } | { kind: "waiting" } | { kind: "unhealthy"; message: string; reason: string };

function taskVerdict(world: SimWorld, service: SimEcsService, task: SimTask): Verdict {
  const startedAt = task.startedAtMs ?? world.nowMs;
  const inGrace = world.nowMs - startedAt < scaled(world, service.healthCheckGracePeriodS * 1000);
  const groups = task.targetGroupArns ?? [];
  if (groups.length > 0) {
    let allHealthy = true;
    for (const arn of groups) {
      if (findTargetGroup(world, arn) === undefined) continue;
      const row = targetHealth(world, arn).find((r) => r.id === task.ip);
      if (row?.state === "unhealthy" && !inGrace) {
        const port = task.containerPort === undefined ? "" : ` (port ${task.containerPort})`;
        return {
          kind: "unhealthy",
          message: `(service ${service.name}) (task ${shortTaskId(task)})${port} is unhealthy in (target-group ${arn}) due to (reason Health checks failed).`,
          reason: `Task failed ELB health checks in (target-group ${arn})`,
        };
      }
      if (row?.state !== "healthy") allHealthy = false;
    }
    return allHealthy ? { kind: "healthy" } : { kind: "waiting" };
  }
  const profile = world.versions.get(task.version);
  const bad = task.failing || profile?.healthy === false;
  if (bad) {
    task.unhealthySinceMs ??= world.nowMs;
    if (!inGrace && world.nowMs - task.unhealthySinceMs >= scaled(world, CONTAINER_CHECK_FAIL_MS)) {
      return {
        kind: "unhealthy",
        message: `(service ${service.name}) (task ${shortTaskId(task)}) failed container health checks.`,
        reason: "Task failed container health checks",
      };
    }
    return { kind: "waiting" };
  }
  task.unhealthySinceMs = undefined;
  return world.nowMs - startedAt >= scaled(world, NO_HEALTH_CHECK_SETTLE_MS) ? { kind: "healthy" } : { kind: "waiting" };
}

// ---------------------------------------------------------------------------------------------
// Deployments

/** Makes a new PRIMARY deployment of `taskDefinitionArn`; the previous ones become ACTIVE (or INACTIVE when empty). */
export function startDeployment(
  world: SimWorld,
  service: SimEcsService,
  taskDefinitionArn: string,
  reason?: string,
  rollback = false,
): SimEcsDeployment {
  const id = ecsDeploymentId(ecsPrng(world));
  const deployment: SimEcsDeployment = {
    id,
    status: "PRIMARY",
    taskDefinitionArn,
    desiredCount: service.desiredCount,
    failedTasks: 0,
    rolloutState: "IN_PROGRESS",
    rolloutStateReason: reason ?? `ECS deployment ${id} in progress.`,
    createdAtMs: world.nowMs,
    updatedAtMs: world.nowMs,
    rollback,
  };
  const tasks = serviceTasks(world, service);
  for (const old of service.deployments) {
    if (old.status === "INACTIVE") continue;
    const hasTasks = tasks.some((t) => t.deploymentId === old.id);
    old.status = hasTasks ? "ACTIVE" : "INACTIVE";
    if (!hasTasks) old.inactiveAtMs = world.nowMs;
    old.updatedAtMs = world.nowMs;
  }
  service.deployments.unshift(deployment);
  service.taskDefinitionArn = taskDefinitionArn;
  service.steady = false;
  return deployment;
}

function failDeployment(
  world: SimWorld,
  service: SimEcsService,
  deployment: SimEcsDeployment,
  reason: string,
  cause: string,
  rollback: boolean,
): void {
  deployment.rolloutState = "FAILED";
  deployment.rolloutStateReason = reason;
  deployment.updatedAtMs = world.nowMs;
  addServiceEvent(world, service, `(service ${service.name}) (deployment ${deployment.id}) deployment failed: ${cause}.`);
  const target = service.lastCompletedTaskDefinitionArn;
  const targetId = service.lastCompletedDeploymentId;
  if (!rollback || deployment.rollback === true || target === undefined || targetId === undefined) return;
  addServiceEvent(world, service, `(service ${service.name}) rolling back to deployment ${targetId}.`);
  startDeployment(world, service, target, `ECS deployment circuit breaker: rolling back to deploymentId ${targetId}.`, true);
}

function checkAlarms(world: SimWorld, service: SimEcsService, primary: SimEcsDeployment): void {
  const cfg = service.deploymentConfiguration.alarms;
  // A rollback deployment is not failed by the alarms that caused it (they are usually still in ALARM).
  if (!cfg.enable || cfg.alarmNames.length === 0 || primary.rolloutState !== "IN_PROGRESS" || primary.rollback === true) return;
  const alarms = alarmsOf(world);
  const firing = cfg.alarmNames.filter((name) => alarms.get(name)?.state === "ALARM");
  if (firing.length === 0) return;
  failDeployment(world, service, primary, `ECS deployment alarms: ${firing.join(", ")} in ALARM state.`, "alarm(s) detected", cfg.rollback);
}

function recordFailure(world: SimWorld, service: SimEcsService, task: SimTask): void {
  const deployment = service.deployments.find((d) => d.id === task.deploymentId);
  if (deployment === undefined || deployment.rolloutState !== "IN_PROGRESS") return;
  deployment.failedTasks += 1;
  deployment.updatedAtMs = world.nowMs;
  const breaker = service.deploymentConfiguration.circuitBreaker;
  if (breaker.enable && deployment.status === "PRIMARY" && deployment.failedTasks >= circuitBreakerThreshold(service.desiredCount)) {
    failDeployment(world, service, deployment, "ECS deployment circuit breaker: tasks failed to start.", "tasks failed to start", breaker.rollback);
  }
}

/** Orders tasks for stopping: not yet healthy ones first, then the newest. */
function stopOrder(a: SimTask, b: SimTask): number {
  const ha = isHealthy(a) ? 1 : 0;
  const hb = isHealthy(b) ? 1 : 0;
  return ha !== hb ? ha - hb : b.createdAtMs - a.createdAtMs;
}

/** One scheduler pass over a service: health, stops, starts, completion, steady state. */
function reconcile(world: SimWorld, service: SimEcsService): void {
  const primary = service.deployments[0];
  if (primary === undefined) return;
  const stopped: SimTask[] = [];
  const deregistered = new Map<string, number>();
  const stop = (task: SimTask, reason: string, code: string): void => {
    for (const arn of stopTask(world, task, reason, code)) deregistered.set(arn, (deregistered.get(arn) ?? 0) + 1);
    stopped.push(task);
  };

  // Health of the running tasks.
  for (const task of serviceTasks(world, service)) {
    if (!isAlive(task) || task.lastStatus !== "RUNNING") continue;
    const verdict = taskVerdict(world, service, task);
    if (verdict.kind === "healthy" && task.healthyAtMs === undefined) {
      task.healthyAtMs = world.nowMs;
      const deployment = service.deployments.find((d) => d.id === task.deploymentId);
      if (deployment !== undefined && deployment.rolloutState === "IN_PROGRESS" && deployment.failedTasks > 0) {
        deployment.failedTasks = 0; // resetOnHealthyTask defaults to true (docs/aws-behaviour.md §5.3)
        deployment.updatedAtMs = world.nowMs;
      }
    } else if (verdict.kind === "unhealthy") {
      addServiceEvent(world, service, verdict.message);
      stop(task, verdict.reason, "ServiceSchedulerInitiated");
      recordFailure(world, service, task);
    }
  }
  const current = service.deployments[0] ?? primary;
  checkAlarms(world, service, current);
  const head = service.deployments[0] ?? current;

  const desired = service.status === "ACTIVE" ? service.desiredCount : 0;
  const cfg = service.deploymentConfiguration;
  const minHealthy = minimumHealthyTasks(desired, cfg.minimumHealthyPercent);
  const maxTasks = Math.max(desired, maximumTasks(desired, cfg.maximumPercent));
  // A FAILED deployment launches nothing and keeps the old tasks; a deleted service still drains.
  const frozen = head.rolloutState === "FAILED" && service.status === "ACTIVE";

  // Scale in the PRIMARY beyond desired.
  const alive = (): SimTask[] => serviceTasks(world, service).filter(isAlive);
  const primaryAlive = alive()
    .filter((t) => t.deploymentId === head.id)
    .sort(stopOrder);
  for (const task of primaryAlive.slice(0, Math.max(0, primaryAlive.length - desired)))
    stop(task, "Scaling activity initiated by (deployment " + head.id + ")", "ServiceSchedulerInitiated");

  // Stop tasks of older deployments while enough healthy tasks remain (not while a failed deployment waits).
  if (!frozen) {
    let healthy = alive().filter(isHealthy).length;
    const old = alive()
      .filter((t) => t.deploymentId !== head.id)
      .sort(stopOrder);
    for (const task of old) {
      if (isHealthy(task)) {
        if (healthy - 1 < minHealthy) continue;
        healthy -= 1;
      }
      stop(task, "Scaling activity initiated by (deployment " + head.id + ")", "ServiceSchedulerInitiated");
    }
  }

  // Start PRIMARY tasks up to desired, within maximumPercent.
  const started: SimTask[] = [];
  const def = definitionOf(world, head.taskDefinitionArn);
  if (!frozen && def !== undefined) {
    const all = alive();
    const need = desired - all.filter((t) => t.deploymentId === head.id).length;
    const room = maxTasks - all.length;
    for (let i = 0; i < Math.min(need, room); i++) {
      const task = launchTask(world, service, head, def);
      if (typeof task !== "string") {
        started.push(task);
        continue;
      }
      // ECS reports the same placement failure once, not at every pass (docs/aws-behaviour.md §5.7).
      const message = `(service ${service.name}) was unable to place a task because no container instance met all of its requirements. ${task}`;
      if (service.events[0]?.message !== message) addServiceEvent(world, service, message);
      break;
    }
  }

  if (started.length > 0) {
    addServiceEvent(
      world,
      service,
      `(service ${service.name}) has started ${started.length} tasks: ${started.map((t) => `(task ${shortTaskId(t)})`).join(" ")}.`,
    );
  }
  if (stopped.length > 0) {
    for (const [arn, n] of deregistered)
      addServiceEvent(world, service, `(service ${service.name}) deregistered ${n} targets in (target-group ${arn})`);
    addServiceEvent(
      world,
      service,
      `(service ${service.name}) has stopped ${stopped.length} running tasks: ${stopped.map((t) => `(task ${shortTaskId(t)})`).join(" ")}.`,
    );
  }

  // Deployment counters and completion.
  const tasksNow = serviceTasks(world, service);
  for (const d of service.deployments) {
    if (d.status === "INACTIVE") continue;
    const count = tasksNow.filter((t) => t.deploymentId === d.id && isAlive(t)).length;
    const want = d === head ? desired : count;
    if (d.desiredCount !== want) {
      d.desiredCount = want;
      d.updatedAtMs = world.nowMs;
    }
  }
  const headTasks = tasksNow.filter((t) => t.deploymentId === head.id && isAlive(t));
  const settled = headTasks.length === desired && headTasks.every(isHealthy) && tasksNow.every((t) => t.deploymentId === head.id && isAlive(t));
  if (settled && head.rolloutState === "IN_PROGRESS") {
    head.rolloutState = "COMPLETED";
    head.rolloutStateReason = `ECS deployment ${head.id} completed.`;
    head.updatedAtMs = world.nowMs;
    service.lastCompletedTaskDefinitionArn = head.taskDefinitionArn;
    service.lastCompletedDeploymentId = head.id;
    for (const d of service.deployments) {
      if (d === head || d.status === "INACTIVE") continue;
      d.status = "INACTIVE";
      d.inactiveAtMs = world.nowMs;
      d.updatedAtMs = world.nowMs;
    }
    addServiceEvent(world, service, `(service ${service.name}) (deployment ${head.id}) deployment completed.`);
  }
  const steady = settled && head.rolloutState === "COMPLETED" && service.status === "ACTIVE";
  if (
    steady &&
    (!service.steady || service.lastSteadyEventMs === undefined || world.nowMs - service.lastSteadyEventMs >= scaled(world, STEADY_REPEAT_MS))
  ) {
    addServiceEvent(world, service, `(service ${service.name}) has reached a steady state.`);
    service.lastSteadyEventMs = world.nowMs;
  }
  service.steady = steady;

  // Forget INACTIVE deployments after a while.
  service.deployments = service.deployments.filter(
    (d) => d.status !== "INACTIVE" || d.inactiveAtMs === undefined || world.nowMs - d.inactiveAtMs < scaled(world, INACTIVE_DEPLOYMENT_VISIBLE_MS),
  );

  // A deleted service becomes INACTIVE once its tasks are gone, and is forgotten later.
  if (service.status === "DRAINING" && tasksNow.length === 0) {
    service.status = "INACTIVE";
    service.inactiveAtMs = world.nowMs;
    for (const d of service.deployments) d.status = "INACTIVE";
  }
}

/**
 * Runs one scheduler pass over a service at the current time: the API calls it after CreateService,
 * UpdateService and DeleteService so tasks start (and events appear) in the same request, as on AWS.
 */
export function reconcileNow(world: SimWorld, service: SimEcsService): void {
  reconcile(world, service);
}

// ---------------------------------------------------------------------------------------------
// Metrics

const UTILISATION_MINUTE_MS = 60_000;

function metricKey(metricName: string, dimensions: { Name: string; Value: string }[]): SimMetricKey {
  return { namespace: "AWS/ECS", metricName, dimensions: [...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : 1)) };
}

/**
 * Requests per second per RUNNING task: the traffic model's figure when it set one, else the range's
 * request rate shared over every running service task (each service takes the share of its tasks).
 */
function taskRates(world: SimWorld, running: SimTask[]): Map<SimTask, number> {
  const rates = new Map<SimTask, number>();
  const measured = running.some((t) => t.requestRate !== undefined);
  const share = running.length === 0 ? 0 : world.config.dnsClients.requestsPerSecond / running.length;
  for (const task of running) rates.set(task, measured ? (task.requestRate ?? 0) : share);
  return rates;
}

/** CPU and memory utilisation (percent) of one task at a request rate (its version's capacity sets the load). */
export function taskUtilisation(world: SimWorld, task: SimTask, rps: number): { cpu: number; memory: number } {
  const capacity = world.versions.get(task.version)?.capacityRps ?? 150;
  const load = Math.min(1.5, rps / capacity);
  return { cpu: Math.min(100, 4 + 80 * load), memory: Math.min(100, 22 + 25 * load) };
}

/** Records AWS/ECS CPUUtilization and MemoryUtilization for the minute ending at `atMs`. */
function recordUtilisation(world: SimWorld, metrics: SimMetricSink, atMs: number): void {
  const running = [...tasksOf(world).values()].filter((t) => t.lastStatus === "RUNNING" && t.serviceName !== undefined);
  if (running.length === 0) return;
  const rates = taskRates(world, running);
  const byCluster = new Map<string, SimTask[]>();
  const byService = new Map<string, { cluster: string; service: string; tasks: SimTask[] }>();
  for (const task of running) {
    const cluster = clusterNameOf(task.clusterArn);
    const list = byCluster.get(cluster) ?? [];
    list.push(task);
    byCluster.set(cluster, list);
    const key = `${cluster}/${task.serviceName ?? ""}`;
    const entry = byService.get(key) ?? { cluster, service: task.serviceName ?? "", tasks: [] };
    entry.tasks.push(task);
    byService.set(key, entry);
  }
  const recordFor = (dimensions: { Name: string; Value: string }[], tasks: SimTask[]): void => {
    for (const tsk of tasks) {
      const u = taskUtilisation(world, tsk, rates.get(tsk) ?? 0);
      metrics.record(metricKey("CPUUtilization", dimensions), atMs, u.cpu);
      metrics.record(metricKey("MemoryUtilization", dimensions), atMs, u.memory);
    }
  };
  for (const [cluster, tasks] of byCluster) recordFor([{ Name: "ClusterName", Value: cluster }], tasks);
  for (const entry of byService.values()) {
    recordFor(
      [
        { Name: "ClusterName", Value: entry.cluster },
        { Name: "ServiceName", Value: entry.service },
      ],
      entry.tasks,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The tick

/** The earliest task transition due at or before `toMs`. */
function nextTransition(world: SimWorld, toMs: number): SimTask | undefined {
  let best: SimTask | undefined;
  for (const task of tasksOf(world).values()) {
    const at = task.nextTransitionAtMs;
    if (at !== undefined && at <= toMs && (best?.nextTransitionAtMs === undefined || at < best.nextTransitionAtMs)) best = task;
  }
  return best;
}

function flushRegistrations(world: SimWorld, registrations: Registrations): void {
  for (const [service, perGroup] of registrations) {
    for (const [arn, n] of perGroup) addServiceEvent(world, service, `(service ${service.name}) registered ${n} targets in (target-group ${arn})`);
  }
  registrations.clear();
}

function schedulerPass(world: SimWorld): void {
  // Tasks on an instance that left its cluster stop (docs/aws-behaviour.md §5.7).
  for (const gone of syncContainerInstances(world)) {
    for (const task of tasksOf(world).values()) {
      if (task.containerInstanceArn === gone.arn && task.desiredStatus === "RUNNING") {
        stopTask(world, task, `Host EC2 (instance ${gone.ec2InstanceId}) terminated.`, "TerminationNotice");
      }
    }
  }
  for (const task of tasksOf(world).values()) {
    if (task.lastStatus === "DEACTIVATING" && task.nextTransitionAtMs === undefined && drained(world, task)) {
      task.nextTransitionAtMs = world.nowMs;
    }
  }
  for (const [arn, service] of servicesOf(world)) {
    if (service.status === "INACTIVE") {
      if (service.inactiveAtMs !== undefined && world.nowMs - service.inactiveAtMs >= scaled(world, INACTIVE_SERVICE_VISIBLE_MS))
        servicesOf(world).delete(arn);
      continue;
    }
    reconcile(world, service);
  }
}

/**
 * Runs ECS from `fromMs` to `toMs`: task transitions in time order, a scheduler pass after each
 * (health, rolling deployment, circuit breaker, events) and at `toMs`, and the AWS/ECS utilisation
 * for every minute boundary crossed (no datapoint in a minute that ends with no task RUNNING).
 */
export function tickEcs(world: SimWorld, metrics: SimMetricSink, fromMs: number, toMs: number): void {
  if (world.services === undefined && world.tasks === undefined) {
    // Instances can join a cluster before it has a service.
    if (world.clusters !== undefined) syncContainerInstances(world);
    return;
  }
  const savedNow = world.nowMs;
  const registrations: Registrations = new Map();
  let nextMinute = Math.floor(fromMs / UTILISATION_MINUTE_MS) * UTILISATION_MINUTE_MS + UTILISATION_MINUTE_MS;
  for (let guard = 0; guard < 100_000; guard++) {
    const task = nextTransition(world, toMs);
    const at = task?.nextTransitionAtMs;
    if (task === undefined || at === undefined) break;
    while (nextMinute <= at) {
      recordUtilisation(world, metrics, nextMinute - 1);
      nextMinute += UTILISATION_MINUTE_MS;
    }
    world.nowMs = Math.max(fromMs, at);
    transition(world, task, registrations);
    flushRegistrations(world, registrations);
    schedulerPass(world);
  }
  world.nowMs = Math.max(savedNow, toMs);
  while (nextMinute <= toMs) {
    recordUtilisation(world, metrics, nextMinute - 1);
    nextMinute += UTILISATION_MINUTE_MS;
  }
  schedulerPass(world);
}

/** Rescales scheduled task transitions when the speed changes (see world.ts setSpeed). */
export function rescaleEcs(world: SimWorld, rescale: (atMs: number) => number): void {
  for (const task of world.tasks?.values() ?? []) {
    if (task.nextTransitionAtMs !== undefined) task.nextTransitionAtMs = rescale(task.nextTransitionAtMs);
  }
}
