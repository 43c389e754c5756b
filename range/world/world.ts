/**
 * The practice range's world: creation with defaults, the clock tick (`advance`) that moves
 * instances, classic ELB health checks and connection draining forward in virtual time, and the
 * state transitions the control-plane handlers (EC2, ELB, Route 53) share.
 *
 * Time: `world.nowMs` is wall-clock time; `config.speed` compresses every simulated duration
 * (boot, health-check interval, draining, propagation) instead of running the clock faster, so
 * CloudWatch timestamps stay real. Randomness: ids come from a generator seeded per world, never
 * from Math.random, so a run is reproducible.
 */
import { ecsClusterOf } from "./ecs-container-instances";
import type { MetricStore } from "./metrics";
import { createPrng, seedFromString, type Prng } from "./prng";
import type { SimChange, SimClassicLoadBalancer, SimConfig, SimInstance, SimRegistration, SimVersionProfile, SimWorld } from "./state";
import { rescaleElbv2, tickTargetGroups } from "./elbv2-targets";
import { rescaleAutoScaling, tickAutoScaling } from "./autoscaling-world";
import { rescaleEcs, tickEcs } from "./ecs-scheduler";
import { simulateTraffic } from "./traffic";
import { markIfZoneFailed } from "./zone-faults";

/** The world as the range owns it: SimWorld plus the state of its id generator (plain data). */
export interface RangeWorld extends SimWorld {
  /** Seed of every id generated in this world. */
  seed: number;
  /** How many generators have been drawn so far (each id draw gets its own). */
  idSeq: number;
}

export const DEFAULT_CONFIG: SimConfig = {
  speed: 1,
  route53PropagationMs: 30_000,
  route53ProcessingMs: 1_000,
  instanceBootMs: 45_000,
  dnsClients: { clients: 500, ignoreTtlShare: 0.05, stickyMs: 15 * 60_000, requestsPerSecond: 40 },
  region: "us-east-1",
  accountId: "123456789012",
};

/** Version profiles every world starts with: the default "v1" and the demo's blue v41 / green v42. */
export const DEFAULT_VERSIONS: Readonly<Record<string, SimVersionProfile>> = {
  v1: { baseLatencyMs: 50, errorRate: 0.001, connectionErrorRate: 0.0002, capacityRps: 150, healthy: true },
  v41: { baseLatencyMs: 40, errorRate: 0.001, connectionErrorRate: 0.0002, capacityRps: 150, healthy: true },
  v42: { baseLatencyMs: 35, errorRate: 0.0008, connectionErrorRate: 0.0002, capacityRps: 150, healthy: true },
};

/** The profile for versions nobody defined: behaves like a healthy default build. */
export const FALLBACK_VERSION: SimVersionProfile = DEFAULT_VERSIONS.v1 ?? {
  baseLatencyMs: 50,
  errorRate: 0.001,
  connectionErrorRate: 0.0002,
  capacityRps: 150,
  healthy: true,
};

/** Longest virtual interval handed to the traffic model in one call. */
export const MAX_STEP_MS = 10_000;
/** EC2 shutting-down → terminated, virtual ms. */
export const INSTANCE_SHUTDOWN_MS = 15_000;
/** How long a terminated instance stays visible in DescribeInstances (AWS: about an hour). */
export const TERMINATED_VISIBLE_MS = 60 * 60_000;

/** InstanceState.Description texts of classic ELB (docs/aws-behaviour.md §2.1). */
export const ELB_DESCRIPTIONS = {
  none: "N/A",
  registrationInProgress: "Instance registration is still in progress.",
  notPassedHealthy: "Instance has not passed the configured HealthyThreshold number of health checks consecutively.",
  failedUnhealthy: "Instance has failed at least the UnhealthyThreshold number of health checks consecutively.",
  deregistrationInProgress: "Instance deregistration currently in progress.",
  notRegistered: "Instance is not currently registered with the LoadBalancer.",
  pending: "Instance is in pending state.",
  stopped: "Instance is in stopped state.",
} as const;

export interface CreateWorldOptions {
  /** Clock read once for the world's start time (default Date.now). */
  now?: () => number;
  /** Seed of the id generator (default "teal"). */
  seed?: number | string;
}

/** Creates an empty world (no zones, load balancers or instances) with the default version profiles. */
export function createWorld(config: Partial<SimConfig> = {}, opts: CreateWorldOptions = {}): RangeWorld {
  const now = opts.now ?? Date.now;
  const seed = opts.seed ?? "teal";
  return {
    nowMs: now(),
    config: {
      ...DEFAULT_CONFIG,
      ...config,
      dnsClients: { ...DEFAULT_CONFIG.dnsClients, ...config.dnsClients },
    },
    faults: { throttleRate: 0, errorRate: 0, latencyMs: 0 },
    zones: new Map(),
    changes: new Map(),
    loadBalancers: new Map(),
    instances: new Map(),
    versions: new Map(Object.entries(DEFAULT_VERSIONS).map(([name, profile]) => [name, { ...profile }])),
    seed: typeof seed === "string" ? seedFromString(seed) : seed >>> 0,
    idSeq: 0,
  };
}

/** A fresh generator for one id (or one group of ids), advancing the world's id sequence. */
export function drawPrng(world: RangeWorld): Prng {
  world.idSeq += 1;
  return createPrng((world.seed ^ Math.imul(world.idSeq, 0x9e3779b1)) >>> 0);
}

/** A simulated duration in virtual ms converted to clock ms under the current speed (at least 1 ms). */
export function scaled(world: SimWorld, virtualMs: number): number {
  return Math.max(1, virtualMs / world.config.speed);
}

export function versionProfile(world: SimWorld, version: string): SimVersionProfile {
  return world.versions.get(version) ?? FALLBACK_VERSION;
}

/**
 * Changes the time-compression factor. Everything already scheduled (boot, next health checks,
 * draining, Route 53 propagation and processing) keeps its progress: the remaining time is rescaled,
 * so speeding up a running world takes effect at once.
 */
export function setSpeed(world: SimWorld, speed: number): void {
  const old = world.config.speed;
  if (!(speed > 0) || speed === old) return;
  const now = world.nowMs;
  const rescale = (atMs: number): number => (atMs > now ? now + ((atMs - now) * old) / speed : atMs);
  for (const instance of world.instances.values()) {
    if (instance.state === "pending") instance.readyAtMs = rescale(instance.readyAtMs);
    if (instance.terminateAtMs !== undefined) instance.terminateAtMs = rescale(instance.terminateAtMs);
  }
  for (const lb of world.loadBalancers.values()) {
    for (const reg of lb.registrations) {
      reg.nextCheckAtMs = rescale(reg.nextCheckAtMs);
      if (reg.drainingUntilMs !== undefined) reg.drainingUntilMs = rescale(reg.drainingUntilMs);
    }
  }
  for (const change of world.changes.values()) change.insyncAtMs = rescale(change.insyncAtMs);
  for (const zone of world.zones.values()) zone.busyUntilMs = rescale(zone.busyUntilMs);
  rescaleElbv2(world, rescale);
  rescaleAutoScaling(world, rescale);
  rescaleEcs(world, rescale);
  world.config.speed = speed;
}

// ---------------------------------------------------------------------------------------------
// EC2 instances

export interface LaunchSpec {
  id: string;
  imageId: string;
  instanceType: string;
  availabilityZone: string;
  tags: Record<string, string>;
  reservationId: string;
  /** The subnet (range/world/network.ts), security groups and key pair it is launched with. */
  subnetId?: string;
  securityGroupIds?: string[];
  keyName?: string;
  /** Base64 user data: an `ECS_CLUSTER=` line makes the instance join that ECS cluster. */
  userData?: string;
}

/** Adds a pending instance that becomes running after the boot time. */
export function launchInstance(world: SimWorld, spec: LaunchSpec): SimInstance {
  const instance: SimInstance = {
    id: spec.id,
    imageId: spec.imageId,
    instanceType: spec.instanceType,
    availabilityZone: spec.availabilityZone,
    version: spec.tags["teal:version"] ?? "v1",
    state: "pending",
    launchedAtMs: world.nowMs,
    readyAtMs: world.nowMs + scaled(world, world.config.instanceBootMs),
    // Only when every zone it could use has failed (launchers avoid failed zones where they can).
    failing: markIfZoneFailed(world, spec.availabilityZone, "instance", spec.id),
    tags: { ...spec.tags },
    reservationId: spec.reservationId,
    ...(spec.subnetId === undefined ? {} : { subnetId: spec.subnetId }),
    ...(spec.securityGroupIds === undefined ? {} : { securityGroupIds: [...spec.securityGroupIds] }),
    ...(spec.keyName === undefined ? {} : { keyName: spec.keyName }),
  };
  const ecsCluster = ecsClusterOf(spec.imageId, spec.userData);
  if (ecsCluster !== undefined) instance.ecsCluster = ecsCluster;
  world.instances.set(instance.id, instance);
  return instance;
}

/** Starts shutting an instance down; a no-op for instances already shutting down or terminated. */
export function terminateInstance(world: SimWorld, instance: SimInstance): void {
  if (instance.state === "shutting-down" || instance.state === "terminated") return;
  instance.state = "shutting-down";
  instance.terminateAtMs = world.nowMs + scaled(world, INSTANCE_SHUTDOWN_MS);
}

// ---------------------------------------------------------------------------------------------
// Classic ELB registrations

function healthCheckIntervalMs(world: SimWorld, lb: SimClassicLoadBalancer): number {
  return scaled(world, lb.healthCheck.intervalS * 1000);
}

/**
 * Registers an instance. The first health check runs one interval later, so with the defaults an
 * instance needs HealthyThreshold × Interval to become InService. Registering an instance that is
 * draining cancels the deregistration.
 */
export function registerInstance(world: SimWorld, lb: SimClassicLoadBalancer, instanceId: string): void {
  const existing = lb.registrations.find((r) => r.instanceId === instanceId);
  if (existing !== undefined) {
    if (existing.drainingUntilMs !== undefined) {
      existing.drainingUntilMs = undefined;
      existing.description = existing.state === "InService" ? ELB_DESCRIPTIONS.none : ELB_DESCRIPTIONS.notPassedHealthy;
      existing.nextCheckAtMs = world.nowMs + healthCheckIntervalMs(world, lb);
    }
    return;
  }
  lb.registrations.push({
    instanceId,
    registeredAtMs: world.nowMs,
    state: "OutOfService",
    reasonCode: "ELB",
    description: ELB_DESCRIPTIONS.registrationInProgress,
    consecutiveOk: 0,
    consecutiveFail: 0,
    nextCheckAtMs: world.nowMs + healthCheckIntervalMs(world, lb),
  });
}

/**
 * Deregisters an instance. An InService instance drains for the connection-draining timeout when
 * draining is enabled (it stays InService "deregistration currently in progress", receives no new
 * requests); otherwise, or when it is out of service (the timeout does not apply to unhealthy
 * instances), it is removed at once.
 */
export function deregisterInstance(world: SimWorld, lb: SimClassicLoadBalancer, instanceId: string): void {
  const reg = lb.registrations.find((r) => r.instanceId === instanceId);
  if (reg === undefined || reg.drainingUntilMs !== undefined) return;
  if (lb.connectionDraining.enabled && reg.state === "InService") {
    reg.drainingUntilMs = world.nowMs + scaled(world, lb.connectionDraining.timeoutS * 1000);
    reg.reasonCode = "N/A";
    reg.description = ELB_DESCRIPTIONS.deregistrationInProgress;
    return;
  }
  lb.registrations = lb.registrations.filter((r) => r !== reg);
}

/** Registrations still counted as registered (what Register/Deregister return): not draining. */
export function activeRegistrations(lb: SimClassicLoadBalancer): SimRegistration[] {
  return lb.registrations.filter((r) => r.drainingUntilMs === undefined);
}

/** Whether the load balancer routes new requests to this registration. */
export function servesTraffic(reg: SimRegistration): boolean {
  return reg.state === "InService" && reg.drainingUntilMs === undefined;
}

function healthCheckPasses(world: SimWorld, lb: SimClassicLoadBalancer, instance: SimInstance | undefined): boolean {
  if (instance === undefined || instance.state !== "running" || instance.failing) return false;
  const profile = versionProfile(world, instance.version);
  // A version slower than the check's timeout fails it, as a real ELB check would time out.
  return profile.healthy && profile.baseLatencyMs < lb.healthCheck.timeoutS * 1000;
}

function runHealthCheck(world: SimWorld, lb: SimClassicLoadBalancer, reg: SimRegistration): void {
  const instance = world.instances.get(reg.instanceId);
  const pass = healthCheckPasses(world, lb, instance);
  const hc = lb.healthCheck;
  if (pass) {
    reg.consecutiveOk += 1;
    reg.consecutiveFail = 0;
  } else {
    reg.consecutiveFail += 1;
    reg.consecutiveOk = 0;
  }
  if (reg.state === "InService") {
    if (!pass && reg.consecutiveFail >= hc.unhealthyThreshold) {
      reg.state = "OutOfService";
      reg.reasonCode = "Instance";
      reg.description = ELB_DESCRIPTIONS.failedUnhealthy;
    }
  } else if (pass && reg.consecutiveOk >= hc.healthyThreshold) {
    reg.state = "InService";
    reg.reasonCode = "N/A";
    reg.description = ELB_DESCRIPTIONS.none;
  } else {
    reg.reasonCode = "Instance";
    if (!pass && instance?.state === "pending") reg.description = ELB_DESCRIPTIONS.pending;
    else if (!pass && reg.consecutiveFail >= hc.unhealthyThreshold) reg.description = ELB_DESCRIPTIONS.failedUnhealthy;
    else reg.description = ELB_DESCRIPTIONS.notPassedHealthy;
  }
  reg.nextCheckAtMs = world.nowMs + healthCheckIntervalMs(world, lb);
}

// ---------------------------------------------------------------------------------------------
// Route 53

export function changeStatus(world: SimWorld, change: SimChange): "PENDING" | "INSYNC" {
  return world.nowMs >= change.insyncAtMs ? "INSYNC" : "PENDING";
}

// ---------------------------------------------------------------------------------------------
// The tick

/** The earliest scheduled event at or before `limitMs`, with the action that performs it. */
function nextEvent(world: SimWorld, limitMs: number): { atMs: number; run: () => void } | undefined {
  let best: { atMs: number; run: () => void } | undefined;
  const consider = (atMs: number, run: () => void): void => {
    if (atMs <= limitMs && (best === undefined || atMs < best.atMs)) best = { atMs, run };
  };
  for (const instance of world.instances.values()) {
    if (instance.state === "pending") {
      consider(instance.readyAtMs, () => {
        instance.state = "running";
      });
    } else if (instance.state === "shutting-down" && instance.terminateAtMs !== undefined) {
      consider(instance.terminateAtMs, () => {
        instance.state = "terminated";
        // ELB drops terminated instances from every load balancer by itself.
        for (const lb of world.loadBalancers.values()) {
          lb.registrations = lb.registrations.filter((r) => r.instanceId !== instance.id);
        }
      });
    } else if (instance.state === "terminated" && instance.terminateAtMs !== undefined) {
      consider(instance.terminateAtMs + scaled(world, TERMINATED_VISIBLE_MS), () => {
        world.instances.delete(instance.id);
      });
    }
  }
  for (const lb of world.loadBalancers.values()) {
    for (const reg of lb.registrations) {
      if (reg.drainingUntilMs !== undefined) {
        consider(reg.drainingUntilMs, () => {
          lb.registrations = lb.registrations.filter((r) => r !== reg);
        });
      } else {
        consider(reg.nextCheckAtMs, () => runHealthCheck(world, lb, reg));
      }
    }
  }
  return best;
}

/** Runs every scheduled event up to `toMs` in time order, with `world.nowMs` at each event's time. */
function processEvents(world: SimWorld, toMs: number): void {
  for (;;) {
    const event = nextEvent(world, toMs);
    if (event === undefined) return;
    world.nowMs = Math.max(world.nowMs, event.atMs);
    event.run();
  }
}

/**
 * Moves the world forward to `toMs` (never backwards) in steps of at most MAX_STEP_MS: in each step,
 * first the scheduled events (boot, health checks, draining) run in time order, then the traffic
 * model generates the step's requests and metrics.
 */
export function advance(world: SimWorld, metrics: MetricStore, toMs: number): void {
  while (world.nowMs < toMs) {
    const fromMs = world.nowMs;
    const stepEnd = Math.min(toMs, fromMs + MAX_STEP_MS);
    processEvents(world, stepEnd);
    tickTargetGroups(world, fromMs, stepEnd);
    tickEcs(world, metrics, fromMs, stepEnd);
    world.nowMs = stepEnd;
    tickAutoScaling(world, fromMs, stepEnd);
    simulateTraffic(world, metrics, fromMs, stepEnd);
  }
}
