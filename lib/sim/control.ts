/**
 * The practice range's control API (JSON under /_sim/): inspect the world, change its configuration
 * (speed, propagation, boot time, DNS clients), inject faults (API throttling, 5xx, latency; bad or
 * slow application versions; failing instances) and read request statistics.
 */
import { z } from "zod";
import type { SimHttpRequest, SimHttpResponse } from "./http";
import type { MetricStore } from "./metrics";
import type { SimVersionProfile } from "./state";
import { resetStats, type RangeStats } from "./stats";
import { changeStatus, FALLBACK_VERSION, setSpeed, type RangeWorld } from "./world";
import { targetHealth } from "./elbv2-targets";

export interface ControlContext {
  world: RangeWorld;
  metrics: MetricStore;
  stats: RangeStats;
}

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
});

const faultsPatchSchema = z.strictObject({
  throttleRate: z.number().min(0).max(1).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
});

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
  };
}

/** Handles a request under /_sim/. */
export function handleControl(ctx: ControlContext, req: SimHttpRequest): SimHttpResponse {
  const { world } = ctx;
  const method = req.method.toUpperCase();
  const parts = req.path
    .slice(CONTROL_PREFIX.length)
    .split("/")
    .filter((p) => p !== "")
    .map((p) => decodeURIComponent(p));
  const route = parts.join("/");

  if (method === "GET" && route === "health") return json(200, { ok: true, nowMs: world.nowMs });
  if (method === "GET" && route === "state") return json(200, worldSnapshot(world));
  if (method === "GET" && route === "stats") return json(200, ctx.stats);
  if (method === "POST" && route === "stats/reset") {
    resetStats(ctx.stats, world.nowMs);
    return json(200, ctx.stats);
  }
  if (method === "GET" && route === "config") return json(200, world.config);
  if (method === "POST" && route === "config") {
    const body = parseBody(req, configPatchSchema);
    if (!body.ok) return body.response;
    const { speed, dnsClients, launchConfigurationsDisabled, ...rest } = body.value;
    if (speed !== undefined) setSpeed(world, speed);
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
  if (method === "GET" && route === "faults") return json(200, world.faults);
  if (method === "POST" && route === "faults") {
    const body = parseBody(req, faultsPatchSchema);
    if (!body.ok) return body.response;
    world.faults = {
      throttleRate: body.value.throttleRate ?? world.faults.throttleRate,
      errorRate: body.value.errorRate ?? world.faults.errorRate,
      latencyMs: body.value.latencyMs ?? world.faults.latencyMs,
    };
    return json(200, world.faults);
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
    task.failing = parts[2] === "fail";
    return json(200, task);
  }
  if (method === "POST" && parts[0] === "instances" && parts.length === 3 && parts[1] !== undefined) {
    const instance = world.instances.get(parts[1]);
    if (parts[2] === "fail" || parts[2] === "recover") {
      if (instance === undefined) return notFound(`No instance '${parts[1]}'.`);
      instance.failing = parts[2] === "fail";
      return json(200, instance);
    }
  }
  return notFound(`No control endpoint ${method} ${req.path}.`);
}
