/**
 * The practice range's HTTP server (node:http). AWS SDK v3 clients reach it through their `endpoint`
 * setting; each request is routed to its service by the SigV4 credential scope (with fallbacks on
 * the path, X-Amz-Target and query Version), the world is advanced to "now" (a read may find it up
 * to READ_LAG_MS behind), injected faults are applied in the service's own error shape, and the
 * request is counted for /_sim/stats.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { AUTOSCALING_NAMESPACE, handleAutoScaling } from "./autoscaling";
import { cloudWatchError, handleCloudWatch } from "./cloudwatch";
import { CONTROL_PREFIX, handleControl, type ClockControl } from "@/range/control/control";
import { ec2Error, handleEc2 } from "./ec2";
import { ECS_TARGET_PREFIX, ecsError, ecsOperation, handleEcs } from "./ecs";
import { handleElb, ELB_NAMESPACE } from "./elb";
import { elbv2Error, handleElbv2, ELBV2_VERSION } from "./elbv2";
import { SimApiError } from "./errors";
import { resolveFaults, TokenBuckets, type ResolvedFaults } from "@/range/control/faults";
import { accessDenied, deniedResource, iamRequestOf, type RangeIamPolicy } from "@/range/control/iam";
import type { SimHttpRequest, SimHttpResponse } from "./http";
import { requestId } from "@/range/world/ids";
import { MetricStore } from "@/range/world/metrics";
import { createPrng, type Prng } from "@/range/world/prng";
import { formParams, queryError } from "./query";
import { handleRoute53, route53Error, route53Operation } from "./route53";
import { accessKeyOf, expiredSessionError, handleSts, stsError, STS_VERSION } from "./sts";
import type { SimConfig } from "@/range/world/state";
import { createStats, isMutatingOperation, recordRequest, recordTick, resetStats, type RangeStats } from "@/range/control/stats";
import { advance, createWorld, drawPrng, type RangeWorld } from "@/range/world/world";

export type ServiceName = "route53" | "elb" | "elbv2" | "ec2" | "cloudwatch" | "autoscaling" | "ecs" | "sts";

export const DEFAULT_PORT = 4580;
export const DEFAULT_HOST = "127.0.0.1";
/** How often the world advances on its own when no request arrives. */
const TICK_MS = 1_000;
/**
 * How far behind the clock (real ms) a read may find the world. Every advance steps all of the
 * world's load balancers, groups and services, whatever its length: advancing on every read made
 * the range's work grow with the request rate times the fleet, and at 200 applications it used a
 * whole core and answered seconds late. A read within this of the last advance sees the world as
 * it was then (as AWS's reads are eventually consistent, only sooner); a change, a control request
 * and a range on a hand-driven clock always advance to the moment first.
 */
export const READ_LAG_MS = 250;
/** How often (real ms) held requests are looked at when no request arrives. */
const HELD_POLL_MS = 5;

export interface RangeOptions {
  /** 0 picks a free port. Default 4580. */
  port?: number;
  host?: string;
  config?: Partial<SimConfig>;
  /** The clock (default Date.now). The demo start-up anchors it in the past to build history. */
  now?: () => number;
  /** Seed for ids and fault dice (default "teal"). */
  seed?: number | string;
  /**
   * Moves a manual clock forward (tests). Only a range given one accepts `POST /_sim/clock
   * {advanceSeconds}`; with the wall clock that would break the invariant that the world's clock is
   * the wall clock Teal's CloudWatch queries use.
   */
  advanceClock?: (ms: number) => void;
  /**
   * What `POST /_sim/reset` does after the world was emptied (the demo range seeds the demo world
   * again and backfills its history). Without it, reset leaves an empty world.
   */
  onReset?: (range: RunningRange) => Promise<void>;
}

export interface RunningRange {
  url: string;
  port: number;
  world: RangeWorld;
  metrics: MetricStore;
  stats: RangeStats;
  /** Token buckets of the throttling mode (`config.throttling`). */
  buckets: TokenBuckets;
  /**
   * Empties the world in place (same object: everything holding `world` sees the new one) with the
   * start configuration and seed, clears metrics, token buckets, faults and statistics.
   */
  resetWorld(): void;
  /** Handles one request in-process, exactly as the HTTP server does (remote address included). */
  handle(req: SimHttpRequest): Promise<SimHttpResponse>;
  /** Requests held by latency on the range's clock, not applied yet (`latencyClock: "range"`). */
  heldRequests(): number;
  /**
   * IAM mode (range/control/iam.ts): with a policy, every AWS request is authorized against it and a
   * denied one answered AccessDenied in its service's shape; null (the default) allows everything.
   */
  setIamPolicy(policy: RangeIamPolicy | null): void;
  /** Stops the tick and the server (open keep-alive connections are closed). */
  close(): Promise<void>;
}

interface RangeContext {
  world: RangeWorld;
  metrics: MetricStore;
  stats: RangeStats;
  now: () => number;
  dice: Prng;
  buckets: TokenBuckets;
  clock: ClockControl;
  reset: () => Promise<void>;
  /** Requests held by latency on the range's clock, applied once the clock reaches `until`. */
  held: HeldRequest[];
  /** Looks for held requests that fell due while some are held (a hand-driven clock moves without a request). */
  heldTimer: ReturnType<typeof setInterval> | null;
  /** The IAM mode's policy, or null when IAM mode is off. */
  iam: { policy: RangeIamPolicy | null };
}

interface HeldRequest {
  until: number;
  apply: () => void;
}

/** Applies the held requests whose time has come on the range's clock, earliest first. */
function releaseHeld(ctx: RangeContext): void {
  if (ctx.held.length === 0) return;
  const now = ctx.now();
  const due = ctx.held.filter((h) => h.until <= now).sort((a, b) => a.until - b.until);
  if (due.length === 0) return;
  ctx.held = ctx.held.filter((h) => h.until > now);
  if (ctx.held.length === 0 && ctx.heldTimer !== null) {
    clearInterval(ctx.heldTimer);
    ctx.heldTimer = null;
  }
  for (const h of due) h.apply();
}

function hold(ctx: RangeContext, request: HeldRequest): void {
  ctx.held.push(request);
  if (ctx.heldTimer === null) {
    ctx.heldTimer = setInterval(() => releaseHeld(ctx), HELD_POLL_MS);
    ctx.heldTimer.unref();
  }
}

/**
 * Whether a peer address is loopback: 127.0.0.0/8, ::1, or an IPv4-mapped 127.x (::ffff:127.0.0.1).
 * The control API can rewrite the world, so nothing else may reach it, even on a range bound wider.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.toLowerCase();
  if (a === "::1" || a === "0:0:0:0:0:0:0:1") return true;
  const v4 = a.startsWith("::ffff:") ? a.slice("::ffff:".length) : a;
  const octets = v4.split(".");
  return octets.length === 4 && octets[0] === "127" && octets.every((o) => /^[0-9]{1,3}$/.test(o) && Number(o) <= 255);
}

const SCOPE_SERVICES: Readonly<Record<string, ServiceName>> = {
  route53: "route53",
  elasticloadbalancing: "elb",
  ec2: "ec2",
  monitoring: "cloudwatch",
  ecs: "ecs",
  autoscaling: "autoscaling",
  sts: "sts",
};

const QUERY_VERSIONS: Readonly<Record<string, ServiceName>> = {
  "2012-06-01": "elb",
  [ELBV2_VERSION]: "elbv2",
  "2016-11-15": "ec2",
  "2010-08-01": "cloudwatch",
  "2011-01-01": "autoscaling",
  [STS_VERSION]: "sts",
};

const CLOUDWATCH_TARGET = "GraniteServiceVersion20100801";

/** Which emulated service a request is for, or undefined when it names none the range speaks. */
export function resolveService(req: SimHttpRequest): ServiceName | undefined {
  const scope = /Credential=[^/,\s]+\/[0-9]{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? "");
  const scoped = scope?.[1] === undefined ? undefined : SCOPE_SERVICES[scope[1]];
  if (scoped === "elb") {
    // Classic ELB and ELBv2 share the signing name; only the query Version tells them apart.
    const version = formParams(req).get("Version");
    if (version === ELBV2_VERSION) return "elbv2";
    return version === null || version === "2012-06-01" ? "elb" : undefined;
  }
  if (scoped !== undefined) return scoped;
  if (req.path.startsWith("/2013-04-01/")) return "route53";
  if ((req.headers["x-amz-target"] ?? "").startsWith(`${CLOUDWATCH_TARGET}.`)) return "cloudwatch";
  if ((req.headers["x-amz-target"] ?? "").startsWith(`${ECS_TARGET_PREFIX}.`)) return "ecs";
  if (req.path.includes(`/service/${CLOUDWATCH_TARGET}/`)) return "cloudwatch";
  const params = formParams(req);
  const version = params.get("Version");
  if (params.get("Action") !== null && version !== null) return QUERY_VERSIONS[version];
  return undefined;
}

/** The operation name of a request, for statistics ("Unknown" when it cannot be told). */
export function operationName(service: ServiceName, req: SimHttpRequest): string {
  if (service === "route53") return route53Operation(req) ?? "Unknown";
  if (service === "ecs") return ecsOperation(req) ?? "Unknown";
  if (service === "cloudwatch") {
    const target = req.headers["x-amz-target"];
    if (target !== undefined && target.includes(".")) return target.slice(target.lastIndexOf(".") + 1);
    const rpc = /\/operation\/([A-Za-z0-9]+)$/.exec(req.path);
    if (rpc?.[1] !== undefined) return rpc[1];
  }
  return formParams(req).get("Action") ?? "Unknown";
}

function dispatch(ctx: RangeContext, service: ServiceName, req: SimHttpRequest): SimHttpResponse {
  switch (service) {
    case "route53":
      return handleRoute53(ctx.world, req);
    case "elb":
      return handleElb(ctx.world, req);
    case "elbv2":
      return handleElbv2(ctx.world, req);
    case "ec2":
      return handleEc2(ctx.world, req);
    case "cloudwatch":
      return handleCloudWatch(ctx.world, ctx.metrics, req);
    case "ecs":
      return handleEcs(ctx.world, req);
    case "autoscaling":
      return handleAutoScaling(ctx.world, req);
    case "sts":
      return handleSts(ctx.world, req, drawPrng(ctx.world), requestId(drawPrng(ctx.world)));
  }
}

/** An error in the shape the service's SDK client parses. */
export function serviceError(world: RangeWorld, service: ServiceName, req: SimHttpRequest, err: SimApiError): SimHttpResponse {
  const rid = requestId(drawPrng(world));
  switch (service) {
    case "route53":
      return route53Error(err, rid);
    case "elb":
      return queryError(ELB_NAMESPACE, err, rid);
    case "elbv2":
      return elbv2Error(err, rid);
    case "ec2":
      return ec2Error(err, rid);
    case "cloudwatch":
      return cloudWatchError(req, err.code, err.message, err.status);
    case "ecs":
      return ecsError(err, rid);
    case "autoscaling":
      return queryError(AUTOSCALING_NAMESPACE, err, rid);
    case "sts":
      return stsError(err, rid);
  }
}

function throttlingError(service: ServiceName): SimApiError {
  if (service === "ecs") return new SimApiError("ThrottlingException", "Rate exceeded", 400);
  // EC2 names its throttling error differently and answers it with 503.
  return service === "ec2"
    ? new SimApiError("RequestLimitExceeded", "Request limit exceeded.", 503)
    : new SimApiError("Throttling", "Rate exceeded", 400);
}

function internalError(service: ServiceName): SimApiError {
  return service === "ec2"
    ? new SimApiError("InternalError", "An internal error has occurred", 500)
    : new SimApiError("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", 500);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Brings the world to the clock; a read (`exact` false) on the wall clock may find it up to READ_LAG_MS behind. */
function catchUp(ctx: RangeContext, exact: boolean): void {
  const now = ctx.now();
  if (!exact && !ctx.clock.manual && now - ctx.world.nowMs < READ_LAG_MS) return;
  advance(ctx.world, ctx.metrics, now);
}

/** Handles one request end to end: control API, or advance + faults + the service's handler. */
async function handleRequest(ctx: RangeContext, req: SimHttpRequest): Promise<SimHttpResponse> {
  // Whatever the clock has released is applied before this request is looked at, so a request
  // sees every held one that is due (in the order they fall due).
  releaseHeld(ctx);
  if (req.path.startsWith(CONTROL_PREFIX) || req.path === "/_sim") {
    if (!isLoopbackAddress(req.remoteAddress)) {
      return {
        status: 403,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ error: "The practice range's control API answers loopback clients only." }),
      };
    }
    catchUp(ctx, req.method !== "GET");
    return handleControl(ctx, req);
  }
  const service = resolveService(req);
  if (service === undefined) {
    return {
      status: 400,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ error: "The practice range cannot tell which AWS service this request is for." }),
    };
  }
  const receivedAtMs = Date.now();
  const { world } = ctx;
  const operation = operationName(service, req);
  const faults = resolveFaults(world.faults, service, operation);
  const apply = (): SimHttpResponse => applyRequest(ctx, service, operation, req, faults, receivedAtMs);
  if (faults.latencyMs > 0 && faults.latencyClock === "range") {
    const until = ctx.now() + faults.latencyMs;
    return new Promise<SimHttpResponse>((resolve) => {
      hold(ctx, { until, apply: () => resolve(apply()) });
    });
  }
  if (faults.latencyMs > 0) await sleep(faults.latencyMs);
  return apply();
}

/** Advance, throttling and injected faults, then the service's handler; records the request. */
function applyRequest(
  ctx: RangeContext,
  service: ServiceName,
  operation: string,
  req: SimHttpRequest,
  faults: ResolvedFaults,
  receivedAtMs: number,
): SimHttpResponse {
  const { world } = ctx;
  const started = performance.now();
  let response: SimHttpResponse;
  let throttled = false;
  try {
    catchUp(ctx, isMutatingOperation(operation));
    const bucket = ctx.buckets.take(world.config, service, operation, ctx.now());
    if (!bucket.allowed) {
      throttled = true;
      ctx.stats.throttled += 1;
      response = serviceError(world, service, req, throttlingError(service));
      if (world.config.retryAfterHeader === true && bucket.retryAfterMs !== undefined) {
        response = { ...response, headers: { ...response.headers, "x-amz-retry-after": String(bucket.retryAfterMs) } };
      }
    } else if (faults.throttleRate > 0 && ctx.dice.next() < faults.throttleRate) {
      throttled = true;
      ctx.stats.throttled += 1;
      response = serviceError(world, service, req, throttlingError(service));
    } else if (faults.errorRate > 0 && ctx.dice.next() < faults.errorRate) {
      ctx.stats.injectedErrors += 1;
      response = serviceError(world, service, req, internalError(service));
    } else {
      // A request signed with a session STS handed out that has since expired is refused, as AWS
      // does; then the IAM mode's policy, when one is set.
      const denied = expiredSessionError(world, req) ?? iamDenial(ctx, service, operation, req);
      response = denied === null ? dispatch(ctx, service, req) : serviceError(world, service, req, denied);
    }
  } catch (err) {
    // A bug in the range must still answer in the service's shape, and say what happened.
    const message = err instanceof Error ? err.message : String(err);
    console.error(`practice range: ${service} ${operation} failed:`, err);
    response = serviceError(world, service, req, new SimApiError(service === "ec2" ? "InternalError" : "InternalFailure", message, 500));
  }
  recordRequest(ctx.stats, service, operation, performance.now() - started, {
    receivedAtMs,
    status: response.status,
    throttled,
    userAgent: req.headers["user-agent"] ?? "",
    accessKeyId: accessKeyOf(req),
    metricsRequested: response.metricsRequested,
  });
  return response;
}

/** The IAM mode's refusal of a request, or null when IAM mode is off or the policy allows it. */
function iamDenial(ctx: RangeContext, service: ServiceName, operation: string, req: SimHttpRequest): SimApiError | null {
  const { policy } = ctx.iam;
  if (policy === null) return null;
  const request = iamRequestOf(ctx.world, service, operation, req);
  const resource = deniedResource(policy, request);
  return resource === null ? null : accessDenied(ctx.world, service, request, resource);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function toSimRequest(req: IncomingMessage): Promise<SimHttpRequest> {
  let body = await readBody(req);
  // The SDK compresses large CloudWatch bodies (request compression).
  const gzipped = (req.headers["content-encoding"] ?? "").includes("gzip") && body.length > 0;
  if (gzipped) body = gunzipSync(body);
  const url = new URL(req.url ?? "/", "http://range.local");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  // The handlers see the inflated body, so it must not claim to be compressed any more.
  if (gzipped) delete headers["content-encoding"];
  return { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers, body, remoteAddress: req.socket.remoteAddress };
}

function writeResponse(res: ServerResponse, response: SimHttpResponse): void {
  const body = typeof response.body === "string" ? Buffer.from(response.body, "utf8") : response.body;
  res.writeHead(response.status, { ...response.headers, "content-length": String(body.length) });
  res.end(body);
}

/**
 * Starts the practice range: an empty world (seed it with seedDemoWorld or through the API), the
 * HTTP server and a 1 s background tick that keeps the world advancing without requests.
 */
export async function startRange(opts: RangeOptions = {}): Promise<RunningRange> {
  const now = opts.now ?? Date.now;
  const world = createWorld(opts.config, { now, seed: opts.seed });
  const metrics = new MetricStore();
  const buckets = new TokenBuckets();
  const stats = createStats(world.nowMs);
  const resetWorld = (): void => {
    const fresh = createWorld(opts.config, { now, seed: opts.seed });
    // In place: the tick, RunningRange.world and every caller keep the same object.
    for (const key of Object.keys(world)) Reflect.deleteProperty(world, key);
    Object.assign(world, fresh);
    metrics.clear();
    buckets.clear();
    resetStats(stats, world.nowMs);
  };
  let resetting = false;
  // Filled in once the server listens; the reset hook needs the finished range.
  const self: { range?: RunningRange } = {};
  const ctx: RangeContext = {
    world,
    metrics,
    stats,
    now,
    dice: createPrng(`${String(opts.seed ?? "teal")}:faults`),
    buckets,
    held: [],
    heldTimer: null,
    iam: { policy: null },
    clock: { manual: opts.advanceClock !== undefined, advance: (ms) => opts.advanceClock?.(ms) },
    reset: async () => {
      if (resetting) throw new Error("A reset is already running.");
      resetting = true;
      // The demo world is seeded again through the AWS APIs: not under the IAM mode's policy.
      const policy = ctx.iam.policy;
      ctx.iam.policy = null;
      try {
        resetWorld();
        if (opts.onReset !== undefined && self.range !== undefined) await opts.onReset(self.range);
      } finally {
        ctx.iam.policy = policy;
        resetting = false;
      }
    },
  };

  const server = createServer((req, res) => {
    toSimRequest(req)
      .then((simReq) => handleRequest(ctx, simReq))
      .then((response) => writeResponse(res, response))
      .catch((err: unknown) => {
        console.error("practice range: request failed:", err);
        if (!res.headersSent) writeResponse(res, { status: 500, headers: { "content-type": "text/plain" }, body: "internal error" });
        else res.destroy();
      });
  });
  const host = opts.host ?? DEFAULT_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? DEFAULT_PORT, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const tick = setInterval(() => {
    try {
      const started = performance.now();
      advance(world, metrics, now());
      recordTick(stats, performance.now() - started);
    } catch (err) {
      console.error("practice range: tick failed:", err);
    }
  }, TICK_MS);
  tick.unref();
  const port = (server.address() as AddressInfo).port;
  const running: RunningRange = {
    url: `http://${host}:${port}`,
    port,
    world,
    metrics,
    stats: ctx.stats,
    buckets,
    resetWorld,
    handle: (req) => handleRequest(ctx, req),
    heldRequests: () => ctx.held.length,
    setIamPolicy: (policy) => {
      ctx.iam.policy = policy;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        clearInterval(tick);
        if (ctx.heldTimer !== null) clearInterval(ctx.heldTimer);
        server.close((err) => (err === undefined ? resolve() : reject(err)));
        server.closeAllConnections();
      }),
  };
  self.range = running;
  return running;
}
