/**
 * The practice range's control API (JSON under /_sim/): inspect the world, change its configuration
 * (speed, propagation, boot time, DNS clients, token-bucket throttling), inject faults (API
 * throttling, 5xx, latency, globally or per operation; bad or slow application versions; failing
 * instances, tasks and availability zones), drive the clock, reset the world and read request
 * statistics. Every body is validated before anything changes: bad input is a 400 and a no-op.
 * The server answers it for loopback clients only.
 */
import { z } from "zod";
import type { SimHttpRequest, SimHttpResponse } from "@/range/protocols/http";
import type { MetricStore } from "@/range/world/metrics";
import type { SimVersionProfile } from "@/range/world/state";
import { resetStats, statsView, type RangeStats } from "./stats";
import { failZone, recoverZone } from "@/range/world/zone-faults";
import { advance, changeStatus, FALLBACK_VERSION, setSpeed, type RangeWorld } from "@/range/world/world";
import { targetHealth } from "@/range/world/elbv2-targets";
import { rangeIamPolicySchema, type RangeIamPolicy } from "./iam";

/** What the control API may do with the range's clock. */
export interface ClockControl {
  /** True for a hand-driven clock (tests); false for the wall clock. */
  manual: boolean;
  /** Moves a manual clock forward by `ms`. */
  advance(ms: number): void;
}

export interface ControlContext {
  world: RangeWorld;
  metrics: MetricStore;
  stats: RangeStats;
  now: () => number;
  clock: ClockControl;
  /** Rebuilds the world (the demo range: seeded again with its history). */
  reset(): Promise<void>;
  /** The IAM mode's policy (range/control/iam.ts), null when off. */
  iam: { policy: RangeIamPolicy | null };
}

const SERVICE_KEYS = ["route53", "elb", "elbv2", "ec2", "cloudwatch", "autoscaling", "ecs"] as const;
const bucketSchema = z.strictObject({ burst: z.number().min(1).max(100_000), refillPerSecond: z.number().min(0).max(100_000) });

export const CONTROL_PREFIX = "/_sim/";

const configPatchSchema = z.strictObject({
  speed: z.number().positive().max(10_000).optional(),
  route53PropagationMs: z.number().int().min(0).max(3_600_000).optional(),
  route53ProcessingMs: z.number().int().min(0).max(600_000).optional(),
  launchConfigurationsDisabled: z.boolean().optional(),
  instanceBootMs: z.number().int().min(0).max(3_600_000).optional(),
  dnsClients: z
    .strictObject({
      clients: z.number().int().min(1).max(100_000).optional(),
      ignoreTtlShare: z.number().min(0).max(1).optional(),
      stickyMs: z.number().int().min(0).max(86_400_000).optional(),
      requestsPerSecond: z.number().min(0).max(100_000).optional(),
    })
    .optional(),
  throttling: z.enum(["off", "aws", "legacy"]).optional(),
  throttleBuckets: z.record(z.string().regex(/^[a-z0-9]+(:[A-Za-z0-9]+)?$/), bucketSchema).optional(),
  retryAfterHeader: z.boolean().optional(),
});

const faultRuleSchema = z
  .strictObject({
    service: z.enum(SERVICE_KEYS).optional(),
    operation: z
      .string()
      .regex(/^[A-Za-z0-9]{1,64}$/)
      .optional(),
    throttleRate: z.number().min(0).max(1).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    latencyClock: z.enum(["real", "range"]).optional(),
  })
  .refine((r) => r.service !== undefined || r.operation !== undefined, { message: "A rule names a service, an operation or both." })
  .refine((r) => r.throttleRate !== undefined || r.errorRate !== undefined || r.latencyMs !== undefined, {
    message: "A rule sets throttleRate, errorRate or latencyMs.",
  });

const faultsPatchSchema = z.strictObject({
  throttleRate: z.number().min(0).max(1).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  latencyClock: z.enum(["real", "range"]).optional(),
  /** Replaces the rule list (send [] to drop every rule). */
  rules: z.array(faultRuleSchema).max(100).optional(),
});

const clockSchema = z
  .strictObject({
    speed: z.number().positive().max(10_000).optional(),
    advanceSeconds: z
      .number()
      .positive()
      .max(30 * 86_400)
      .optional(),
  })
  .refine((c) => c.speed !== undefined || c.advanceSeconds !== undefined, { message: "Give speed, advanceSeconds or both." });

/** Endpoints that take no parameters accept an empty body or {} only. */
const emptySchema = z.strictObject({});

const ZONE_NAME = /^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$/;

const versionPatchSchema = z.strictObject({
  baseLatencyMs: z.number().min(0).max(600_000).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  connectionErrorRate: z.number().min(0).max(1).optional(),
  capacityRps: z.number().positive().max(1_000_000).optional(),
  healthy: z.boolean().optional(),
});

const VERSION_NAME = /^[A-Za-z0-9._:-]{1,64}$/;

function json(status: number, value: unknown): SimHttpResponse {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}

function badRequest(message: string, issues?: unknown): SimHttpResponse {
  return json(400, issues === undefined ? { error: message } : { error: message, issues });
}

function notFound(message: string): SimHttpResponse {
  return json(404, { error: message });
}

function readJson(req: SimHttpRequest): { ok: true; value: unknown } | { ok: false } {
  const text = req.body.toString("utf8").trim();
  if (text === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function parseBody<T>(req: SimHttpRequest, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; response: SimHttpResponse } {
  const raw = readJson(req);
  if (!raw.ok) return { ok: false, response: badRequest("The body is not valid JSON.") };
  const parsed = schema.safeParse(raw.value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    return { ok: false, response: badRequest("Invalid input.", issues) };
  }
  return { ok: true, value: parsed.data };
}

/** A JSON view of the whole world (Maps as arrays, computed statuses included). */
export function worldSnapshot(world: RangeWorld): unknown {
  return {
    nowMs: world.nowMs,
    config: world.config,
    faults: world.faults,
    versions: Object.fromEntries(world.versions),
    zones: [...world.zones.values()].map((z) => ({
      id: z.id,
      name: z.name,
      callerReference: z.callerReference,
      comment: z.comment,
      privateZone: z.privateZone,
      busyUntilMs: z.busyUntilMs,
      records: z.records,
    })),
    changes: [...world.changes.values()].map((c) => ({ ...c, status: changeStatus(world, c) })),
    loadBalancers: [...world.loadBalancers.values()],
    instances: [...world.instances.values()],
    clusters: [...(world.clusters?.values() ?? [])],
    taskDefinitions: [...(world.taskDefinitions?.values() ?? [])],
    services: [...(world.services?.values() ?? [])],
    tasks: [...(world.tasks?.values() ?? [])],
    // ELBv2: targets with the health Describe would report (unused when no listener forwards to the group).
    targetGroups: [...(world.targetGroups?.values() ?? [])].map((tg) => ({ ...tg, targetHealth: targetHealth(world, tg.arn) })),
    albs: [...(world.albs?.values() ?? [])],
    autoScalingGroups: [...(world.autoScalingGroups?.values() ?? [])],
    launchConfigurations: [...(world.launchConfigurations?.values() ?? [])],
    launchTemplates: [...(world.launchTemplates?.values() ?? [])],
    // The network a client built (range/world/network.ts; none until something asked for it).
    vpcs: [...(world.network?.vpcs.values() ?? [])],
    subnets: [...(world.network?.subnets.values() ?? [])],
    securityGroups: [...(world.network?.securityGroups.values() ?? [])],
    keyPairs: [...(world.network?.keyPairs.values() ?? [])],
    containerInstances: [...(world.containerInstances?.values() ?? [])],
  };
}

/** Handles a request under /_sim/. */
export function handleControl(ctx: ControlContext, req: SimHttpRequest): SimHttpResponse | Promise<SimHttpResponse> {
  const { world } = ctx;
  const method = req.method.toUpperCase();
  const parts = req.path
    .slice(CONTROL_PREFIX.length)
    .split("/")
    .filter((p) => p !== "")
    .map((p) => decodeURIComponent(p));
  const route = parts.join("/");

  // The pid lets a drill freeze the range (SIGSTOP) to see Teal with AWS not answering.
  if (method === "GET" && route === "health") return json(200, { ok: true, nowMs: world.nowMs, pid: process.pid });
  if (method === "GET" && route === "state") return json(200, worldSnapshot(world));
  if (method === "GET" && route === "stats") return json(200, statsView(ctx.stats));
  if (method === "POST" && route === "stats/reset") {
    const body = parseBody(req, emptySchema);
    if (!body.ok) return body.response;
    resetStats(ctx.stats, world.nowMs);
    return json(200, statsView(ctx.stats));
  }
  if (method === "POST" && route === "clock") return clockControl(ctx, req);
  if (method === "POST" && route === "reset") {
    const body = parseBody(req, emptySchema);
    if (!body.ok) return body.response;
    return ctx.reset().then(
      () => json(200, { ok: true, nowMs: world.nowMs, instances: world.instances.size }),
      (err: unknown) => json(409, { error: err instanceof Error ? err.message : String(err) }),
    );
  }
  if (method === "GET" && route === "config") return json(200, world.config);
  if (method === "POST" && route === "config") {
    const body = parseBody(req, configPatchSchema);
    if (!body.ok) return body.response;
    const { speed, dnsClients, launchConfigurationsDisabled, throttling, throttleBuckets, retryAfterHeader, ...rest } = body.value;
    if (speed !== undefined) setSpeed(world, speed);
    if (throttling !== undefined) world.config.throttling = throttling;
    if (throttleBuckets !== undefined) world.config.throttleBuckets = { ...world.config.throttleBuckets, ...throttleBuckets };
    if (retryAfterHeader !== undefined) world.config.retryAfterHeader = retryAfterHeader;
    if (launchConfigurationsDisabled !== undefined) world.config.launchConfigurationsDisabled = launchConfigurationsDisabled;
    for (const [key, value] of Object.entries(rest)) {
      if (value !== undefined && (key === "route53PropagationMs" || key === "route53ProcessingMs" || key === "instanceBootMs")) {
        world.config[key] = value;
      }
    }
    if (dnsClients !== undefined) {
      world.config.dnsClients = {
        clients: dnsClients.clients ?? world.config.dnsClients.clients,
        ignoreTtlShare: dnsClients.ignoreTtlShare ?? world.config.dnsClients.ignoreTtlShare,
        stickyMs: dnsClients.stickyMs ?? world.config.dnsClients.stickyMs,
        requestsPerSecond: dnsClients.requestsPerSecond ?? world.config.dnsClients.requestsPerSecond,
      };
    }
    return json(200, world.config);
  }
  if (route === "iam") return iamControl(ctx, method, req);
  if (method === "GET" && route === "faults") return json(200, world.faults);
  if (method === "POST" && route === "faults") {
    const body = parseBody(req, faultsPatchSchema);
    if (!body.ok) return body.response;
    world.faults = {
      ...world.faults,
      throttleRate: body.value.throttleRate ?? world.faults.throttleRate,
      errorRate: body.value.errorRate ?? world.faults.errorRate,
      latencyMs: body.value.latencyMs ?? world.faults.latencyMs,
      latencyClock: body.value.latencyClock ?? world.faults.latencyClock,
      rules: body.value.rules ?? world.faults.rules,
    };
    return json(200, world.faults);
  }
  if (method === "DELETE" && route === "faults") {
    // API faults only: failed zones, instances and tasks recover through their own endpoints.
    world.faults = { throttleRate: 0, errorRate: 0, latencyMs: 0, rules: [], failedZones: world.faults.failedZones };
    return json(200, world.faults);
  }
  if (method === "POST" && parts[0] === "zones" && parts.length === 3 && parts[1] !== undefined && (parts[2] === "fail" || parts[2] === "recover")) {
    const zone = parts[1];
    if (!ZONE_NAME.test(zone) || !zone.startsWith(world.config.region))
      return badRequest(`'${zone}' is not an availability zone of ${world.config.region}.`);
    const body = parseBody(req, emptySchema);
    if (!body.ok) return body.response;
    if (parts[2] === "fail") return json(200, { zone, failed: true, ...failZone(world, zone) });
    return json(200, { zone, failed: false, recovered: recoverZone(world, zone) });
  }
  if (parts[0] === "versions" && parts.length === 2 && parts[1] !== undefined) {
    const name = parts[1];
    if (method === "GET") {
      const profile = world.versions.get(name);
      return profile === undefined ? notFound(`No version profile named '${name}'.`) : json(200, profile);
    }
    if (method === "PUT") {
      if (!VERSION_NAME.test(name)) return badRequest(`Invalid version name '${name}'.`);
      const body = parseBody(req, versionPatchSchema);
      if (!body.ok) return body.response;
      const base: SimVersionProfile = world.versions.get(name) ?? { ...FALLBACK_VERSION };
      const profile: SimVersionProfile = {
        baseLatencyMs: body.value.baseLatencyMs ?? base.baseLatencyMs,
        errorRate: body.value.errorRate ?? base.errorRate,
        connectionErrorRate: body.value.connectionErrorRate ?? base.connectionErrorRate,
        capacityRps: body.value.capacityRps ?? base.capacityRps,
        healthy: body.value.healthy ?? base.healthy,
      };
      world.versions.set(name, profile);
      return json(200, profile);
    }
  }
  if (method === "POST" && parts[0] === "tasks" && parts.length === 3 && parts[1] !== undefined && (parts[2] === "fail" || parts[2] === "recover")) {
    // A task-level fault: its health checks (ALB or container) fail while set, so the scheduler replaces it.
    const task = world.tasks?.get(parts[1]);
    if (task === undefined) return notFound(`No task '${parts[1]}'.`);
    const body = parseBody(req, emptySchema);
    if (!body.ok) return body.response;
    task.failing = parts[2] === "fail";
    return json(200, task);
  }
  if (method === "POST" && parts[0] === "instances" && parts.length === 3 && parts[1] !== undefined) {
    const instance = world.instances.get(parts[1]);
    if (parts[2] === "fail" || parts[2] === "recover") {
      if (instance === undefined) return notFound(`No instance '${parts[1]}'.`);
      const body = parseBody(req, emptySchema);
      if (!body.ok) return body.response;
      instance.failing = parts[2] === "fail";
      return json(200, instance);
    }
  }
  return notFound(`No control endpoint ${method} ${req.path}.`);
}

/**
 * The IAM mode: `GET /_sim/iam` (its policy, or null), `PUT /_sim/iam` with an identity policy (every
 * AWS request is then authorized against it), `DELETE /_sim/iam` (off: everything is allowed).
 */
function iamControl(ctx: ControlContext, method: string, req: SimHttpRequest): SimHttpResponse {
  if (method === "GET") return json(200, { enabled: ctx.iam.policy !== null, policy: ctx.iam.policy });
  if (method === "PUT") {
    const body = parseBody(req, rangeIamPolicySchema);
    if (!body.ok) return body.response;
    ctx.iam.policy = body.value;
    return json(200, { enabled: true, policy: body.value });
  }
  if (method === "DELETE") {
    ctx.iam.policy = null;
    return json(200, { enabled: false, policy: null });
  }
  return notFound(`No control endpoint ${method} ${req.path}.`);
}

/**
 * `POST /_sim/clock {speed?, advanceSeconds?}`. Speed is time compression (durations divided by it;
 * the clock stays the wall clock). advanceSeconds moves a manual clock only: the wall clock cannot
 * be moved without the world's timestamps leaving the time Teal's CloudWatch queries ask for.
 */
function clockControl(ctx: ControlContext, req: SimHttpRequest): SimHttpResponse {
  const body = parseBody(req, clockSchema);
  if (!body.ok) return body.response;
  const { speed, advanceSeconds } = body.value;
  if (advanceSeconds !== undefined && !ctx.clock.manual) {
    return json(409, {
      error:
        "This range runs on the wall clock, so its time cannot be advanced: the world's timestamps must stay the real time " +
        "that CloudWatch queries ask for. Use { speed } for time compression, or start the range with a manual clock (tests).",
    });
  }
  if (speed !== undefined) setSpeed(ctx.world, speed);
  if (advanceSeconds !== undefined) {
    ctx.clock.advance(advanceSeconds * 1000);
    advance(ctx.world, ctx.metrics, ctx.now());
  }
  return json(200, { nowMs: ctx.world.nowMs, speed: ctx.world.config.speed, manual: ctx.clock.manual });
}
