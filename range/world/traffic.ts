/**
 * The traffic model: DNS clients → load balancers → instances, in aggregate per step, recorded as
 * AWS/ELB metrics (docs/aws-behaviour.md §2.4, §11 Classic ELB).
 *
 * Per step (≤ 10 s; longer intervals are cut into 10 s steps):
 * 1. Traffic names: every record group (name, type) visible in Route 53 that points at a load balancer
 *    (CNAME value or alias target). Each sends `requestsPerSecond` × a diurnal/noise wobble, split
 *    over the load balancers by the DNS client population (dns-clients.ts: weights, TTL lag, clients
 *    ignoring TTL). A load balancer that no record points at gets the same rate directly (its own DNS
 *    name), so every pattern's load balancer shows live traffic.
 * 2. Per load balancer: requests go only to InService registrations that are not draining; across
 *    instances evenly with cross-zone load balancing, else evenly per Availability Zone, then evenly
 *    within it. No routable instance → the load balancer answers 503 itself (HTTPCode_ELB_5XX).
 * 3. Per instance: capacity = capacityRps × step. Excess waits in the load balancer's surge queue
 *    (max 1,024, served first next step); beyond that requests spill over (SpilloverCount + 503).
 *    Instances that are not running or `failing` refuse connections (BackendConnectionErrors + ELB
 *    5xx). On a working instance, `connectionErrorRate` gives BackendConnectionErrors (answered by
 *    the LB with 5xx), `errorRate` gives HTTPCode_Backend_5XX, the rest HTTPCode_Backend_2XX.
 *    The version's `healthy` flag is left to the health checks of the world tick.
 * 4. Latency: lognormal around the version's `baseLatencyMs`, growing with utilisation, plus the
 *    surge-queue wait (Little's law). A bounded number of samples per instance and step is drawn and
 *    recorded as representative samples of all served requests (metrics.ts), so percentiles are real.
 *
 * Metrics are recorded only while requests flow: a minute without requests has no datapoint, and
 * count metrics are recorded only when non-zero (HTTPCode_Backend_5XX is absent, not 0, in a minute
 * without errors, as AWS reports it). Dimensions: LoadBalancerName, plus
 * (AvailabilityZone, LoadBalancerName) for metrics attributable to an instance's zone.
 * Randomness comes from a seeded PRNG held per world, so runs are reproducible.
 */
import { binomial, loadFactor, splitInteger } from "./draws";
import { DnsClientPopulation, normaliseDnsName, PublishedZones, trafficNames } from "./dns-clients";
import type { MetricStore, StatisticSet } from "./metrics";
import { createPrng, type Prng } from "./prng";
import { albHealthy, albTargetUtilisations, serveApplicationLoadBalancer } from "./traffic-alb";
import { recordEc2Metrics } from "./ec2-metrics";
import type {
  SimApplicationLoadBalancer,
  SimClassicLoadBalancer,
  SimInstance,
  SimMetricKey,
  SimRegistration,
  SimVersionProfile,
  SimWorld,
} from "./state";

/** Longest simulated step; the world tick calls with at most this, the backfill is cut into it. */
export const MAX_STEP_MS = 10_000;
/** Classic ELB surge queue capacity (docs/aws-behaviour.md §2.4). */
export const SURGE_QUEUE_MAX = 1_024;
/** Latency samples drawn per instance and step (bounds CPU and memory; see metrics.ts weights). */
const LATENCY_SAMPLES_PER_INSTANCE = 16;
/** Lognormal shape of backend latency (p99 ≈ 2.3 × median). */
const LATENCY_SIGMA = 0.35;
const DAY_MS = 86_400_000;

/** Options of the traffic model for one world (tests switch the wobble off for exact shares). */
export interface TrafficOptions {
  seed?: number | string;
  /** Diurnal curve and noise on the request rate; default true. */
  wobble?: boolean;
}

interface TrafficState {
  prng: Prng;
  wobble: boolean;
  published: PublishedZones;
  populations: Map<string, DnsClientPopulation>;
  /** Surge queue length per load balancer name. */
  queues: Map<string, number>;
  /** AR(1) noise per traffic name, so each name's rate wanders on its own. */
  noise: Map<string, number>;
  /**
   * Per instance: unused fractional capacity (at most one request, so idle time is not banked) and
   * the smoothed utilisation. Both make results independent of how finely the world cuts time: a
   * 5 ms step serves 0.75 requests of a 150 rps instance, carried over rather than rounded away.
   */
  instances: Map<string, { credit: number; utilisation: number; servedAtMs?: number }>;
}

const states = new WeakMap<SimWorld, TrafficState>();

function stateFor(world: SimWorld): TrafficState {
  let state = states.get(world);
  if (!state) {
    state = newState({});
    states.set(world, state);
  }
  return state;
}

function newState(options: TrafficOptions): TrafficState {
  return {
    prng: createPrng(options.seed ?? "teal-traffic"),
    wobble: options.wobble ?? true,
    published: new PublishedZones(),
    populations: new Map(),
    queues: new Map(),
    noise: new Map(),
    instances: new Map(),
  };
}

/** Resets the traffic model of `world` (client caches, queues) with a seed and options. */
export function configureTraffic(world: SimWorld, options: TrafficOptions): void {
  states.set(world, newState(options));
}

/** Current surge queue length of a load balancer (for the control API and tests). */
export function surgeQueueLength(world: SimWorld, loadBalancerName: string): number {
  return stateFor(world).queues.get(loadBalancerName) ?? 0;
}

/**
 * Simulates the requests of [fromMs, toMs) and records them into `metrics`. Called by the world tick
 * for consecutive intervals and once for the start-up backfill; intervals longer than 10 s are cut
 * into 10 s steps, and the cost per step is bounded by clients × names + instances × samples.
 */
export function simulateTraffic(world: SimWorld, metrics: MetricStore, fromMs: number, toMs: number): void {
  const state = stateFor(world);
  for (let t = fromMs; t < toMs; t += MAX_STEP_MS) step(world, metrics, state, t, Math.min(toMs, t + MAX_STEP_MS));
}

function isRoutable(reg: SimRegistration, instance: SimInstance | undefined): instance is SimInstance {
  return reg.state === "InService" && reg.drainingUntilMs === undefined && instance !== undefined;
}

function routableCount(world: SimWorld, lb: SimClassicLoadBalancer): number {
  let n = 0;
  for (const r of lb.registrations)
    if (isRoutable(r, world.instances.get(r.instanceId)) && world.instances.get(r.instanceId)?.state === "running") n++;
  return n;
}

function rateFactor(state: TrafficState, nameKey: string, atMs: number, stepS: number): number {
  if (!state.wobble) return 1;
  // Diurnal curve (peak mid-afternoon UTC) plus a slower noise that drifts step by step.
  const dayPhase = ((atMs % DAY_MS) / DAY_MS) * 2 * Math.PI;
  const diurnal = 1 + 0.25 * Math.sin(dayPhase - Math.PI / 2);
  const ripple = 1 + 0.05 * Math.sin((atMs / 420_000) * 2 * Math.PI);
  const keep = Math.exp(-stepS / 60);
  const previous = state.noise.get(nameKey) ?? 0;
  const noise = previous * keep + Math.sqrt(1 - keep * keep) * 0.08 * state.prng.normal();
  state.noise.set(nameKey, noise);
  return Math.max(0.05, diurnal * ripple * (1 + noise));
}

/** Integer count with Poisson-like noise around a non-negative expectation. */
function countAround(prng: Prng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean < 30) {
    // Knuth's method: exact Poisson for small means.
    const limit = Math.exp(-mean);
    let k = 0;
    let p = prng.next();
    while (p > limit) {
      k++;
      p *= prng.next();
    }
    return k;
  }
  return Math.max(0, Math.round(mean + Math.sqrt(mean) * prng.normal()));
}

/** For an instance whose version has no profile: a healthy default build. */
const DEFAULT_PROFILE: SimVersionProfile = { baseLatencyMs: 50, errorRate: 0.001, connectionErrorRate: 0.0002, capacityRps: 150, healthy: true };

interface Counters {
  requests: number;
  backend2xx: number;
  backend5xx: number;
  elb5xx: number;
  spillover: number;
  connectionErrors: number;
  /** One statistic set with its representative samples per serving instance. */
  latency: { stats: StatisticSet; samples: number[] }[];
}

function newCounters(): Counters {
  return {
    requests: 0,
    backend2xx: 0,
    backend5xx: 0,
    elb5xx: 0,
    spillover: 0,
    connectionErrors: 0,
    latency: [],
  };
}

function step(world: SimWorld, metrics: MetricStore, state: TrafficState, fromMs: number, toMs: number): void {
  const stepS = (toMs - fromMs) / 1000;
  const speed = world.config.speed > 0 ? world.config.speed : 1;
  const dnsConfig = world.config.dnsClients;

  // Classic load balancers by DNS name, and ALBs (traffic-alb.ts) keyed "alb|<arn>" so names never collide.
  const lbByDns = new Map<string, SimClassicLoadBalancer | SimApplicationLoadBalancer>();
  for (const lb of world.loadBalancers.values()) lbByDns.set(normaliseDnsName(lb.dnsName), lb);
  for (const alb of world.albs?.values() ?? []) lbByDns.set(normaliseDnsName(alb.dnsName), alb);
  const isAlb = (lb: SimClassicLoadBalancer | SimApplicationLoadBalancer): lb is SimApplicationLoadBalancer => "arn" in lb;
  const lbKey = (lb: SimClassicLoadBalancer | SimApplicationLoadBalancer): string => (isAlb(lb) ? `alb|${lb.arn}` : lb.name);
  const lbHealthy = (lb: SimClassicLoadBalancer | SimApplicationLoadBalancer): boolean =>
    isAlb(lb) ? albHealthy(world, lb) : routableCount(world, lb) > 0;
  /** Per ALB: the names clients resolved to reach it (its rules match on Host). */
  const albHosts = new Map<string, Set<string>>();

  // 1. Arrivals per load balancer (expected values), from every traffic name.
  const expected = new Map<string, number>();
  const addExpected = (lbName: string, n: number): void => {
    expected.set(lbName, (expected.get(lbName) ?? 0) + n);
  };
  const targeted = new Set<string>();
  const seenNames = new Set<string>();
  for (const zone of world.zones.values()) {
    const records = state.published.visibleRecords(zone, world.changes.values(), fromMs);
    for (const name of trafficNames(records, lbByDns, lbHealthy)) {
      const popKey = `${zone.id}|${name.key}`;
      seenNames.add(popKey);
      for (const c of name.candidates) {
        const lb = lbByDns.get(c.target);
        if (lb) targeted.add(lbKey(lb));
        if (lb && isAlb(lb)) albHosts.set(lb.arn, (albHosts.get(lb.arn) ?? new Set()).add(name.key.split("|")[0] ?? ""));
      }
      let population = state.populations.get(popKey);
      if (!population || population.config !== dnsConfig) {
        population = new DnsClientPopulation(dnsConfig, state.prng.fork());
        state.populations.set(popKey, population);
      }
      const shares = population.step(name.candidates, fromMs, toMs, speed);
      const total = dnsConfig.requestsPerSecond * rateFactor(state, popKey, fromMs, stepS) * stepS;
      for (const [target, share] of shares) {
        const lb = lbByDns.get(target);
        if (lb) addExpected(lbKey(lb), total * share);
      }
    }
  }
  for (const key of state.populations.keys()) if (!seenNames.has(key)) state.populations.delete(key);
  state.published.retain(new Set(world.zones.keys()));
  for (const lb of world.loadBalancers.values()) {
    if (!targeted.has(lb.name)) addExpected(lb.name, dnsConfig.requestsPerSecond * rateFactor(state, `lb|${lb.name}`, fromMs, stepS) * stepS);
  }

  for (const alb of world.albs?.values() ?? []) {
    const key = lbKey(alb);
    if (!targeted.has(key)) addExpected(key, dnsConfig.requestsPerSecond * rateFactor(state, `lb|${key}`, fromMs, stepS) * stepS);
  }

  // 2–4. Each load balancer serves its arrivals.
  for (const lb of world.loadBalancers.values())
    serveLoadBalancer(world, metrics, state, lb, countAround(state.prng, expected.get(lb.name) ?? 0), fromMs, stepS);
  for (const alb of world.albs?.values() ?? []) {
    const arrivals = countAround(state.prng, expected.get(lbKey(alb)) ?? 0);
    serveApplicationLoadBalancer(world, metrics, state.prng, alb, arrivals, [...(albHosts.get(alb.arn) ?? [])], fromMs, stepS);
  }
  for (const name of state.queues.keys()) if (!world.loadBalancers.has(name)) state.queues.delete(name);
  for (const id of state.instances.keys()) if (!world.instances.has(id)) state.instances.delete(id);
  // AWS/EC2 CPUUtilization per instance and Auto Scaling group, once per closed minute (ec2-metrics.ts).
  // An instance the load balancer no longer sends to (detached, standby, draining) is idle.
  const classicUtilisation = (id: string): number => {
    const s = state.instances.get(id);
    return s && s.servedAtMs !== undefined && s.servedAtMs >= fromMs ? s.utilisation : 0;
  };
  const albUtilisation = albTargetUtilisations(world);
  recordEc2Metrics(world, metrics, fromMs, toMs, (id) => Math.max(classicUtilisation(id), albUtilisation.get(id) ?? 0));
}

function serveLoadBalancer(
  world: SimWorld,
  metrics: MetricStore,
  state: TrafficState,
  lb: SimClassicLoadBalancer,
  arrivals: number,
  atMs: number,
  stepS: number,
): void {
  const queued = state.queues.get(lb.name) ?? 0;
  const offered = arrivals + queued;
  if (offered <= 0) return; // no traffic: nothing is reported for this step
  const prng = state.prng;
  const lbTotals = newCounters();
  const byAz = new Map<string, Counters>();
  const azCounters = (az: string): Counters => {
    let c = byAz.get(az);
    if (!c) {
      c = newCounters();
      byAz.set(az, c);
    }
    return c;
  };

  const targets: { instance: SimInstance; profile: SimVersionProfile; working: boolean }[] = [];
  for (const reg of lb.registrations) {
    const instance = world.instances.get(reg.instanceId);
    if (!isRoutable(reg, instance)) continue;
    const profile = world.versions.get(instance.version) ?? DEFAULT_PROFILE;
    targets.push({ instance, profile, working: instance.state === "running" && !instance.failing });
  }

  let newQueue = 0;
  if (targets.length === 0) {
    // No healthy instance: the load balancer answers 503 itself, queued requests included.
    lbTotals.requests += offered;
    lbTotals.elb5xx += offered;
  } else {
    // Distribution weights: evenly per instance (cross-zone) or per zone, then per instance.
    const perAz = new Map<string, number>();
    for (const t of targets) perAz.set(t.instance.availabilityZone, (perAz.get(t.instance.availabilityZone) ?? 0) + 1);
    const weights = targets.map((t) => (lb.crossZone ? 1 : 1 / (perAz.size * (perAz.get(t.instance.availabilityZone) ?? 1))));
    const offeredPer = splitInteger(offered, weights);
    const capacityPerS = targets.reduce((sum, t) => sum + (t.working ? t.profile.capacityRps : 0), 0);
    let leftover = 0;
    const served: { target: (typeof targets)[number]; count: number; utilisation: number }[] = [];
    targets.forEach((t, i) => {
      const n = offeredPer[i] ?? 0;
      if (n === 0) return;
      const az = azCounters(t.instance.availabilityZone);
      if (!t.working) {
        // Connection refused: the load balancer reports a backend connection error and a 5xx.
        for (const c of [lbTotals, az]) {
          c.connectionErrors += n;
          c.requests += n;
          c.elb5xx += n;
        }
        return;
      }
      const perInstance = state.instances.get(t.instance.id) ?? { credit: 0, utilisation: 0 };
      state.instances.set(t.instance.id, perInstance);
      perInstance.servedAtMs = atMs;
      perInstance.credit += t.profile.capacityRps * stepS;
      const count = Math.min(n, Math.floor(perInstance.credit));
      perInstance.credit = Math.min(1, perInstance.credit - count);
      leftover += n - count;
      // Offered load over capacity, smoothed over ~10 s so short steps do not make latency jumpy.
      const instantaneous = t.profile.capacityRps > 0 ? n / (t.profile.capacityRps * stepS) : 1;
      const alpha = 1 - Math.exp(-stepS / 10);
      perInstance.utilisation += alpha * (instantaneous - perInstance.utilisation);
      served.push({ target: t, count, utilisation: perInstance.utilisation });
    });
    newQueue = Math.min(SURGE_QUEUE_MAX, leftover);
    const spill = leftover - newQueue;
    if (spill > 0) {
      lbTotals.spillover += spill;
      lbTotals.elb5xx += spill;
      lbTotals.requests += spill;
    }
    // Requests wait in the surge queue about (mean queue length / throughput) seconds (Little's law).
    const waitS = capacityPerS > 0 ? (queued + newQueue) / 2 / capacityPerS : 0;
    for (const { target, count, utilisation } of served) {
      if (count === 0) continue;
      const az = azCounters(target.instance.availabilityZone);
      const connErrors = binomial(prng, count, target.profile.connectionErrorRate);
      const answered = count - connErrors;
      const errors = binomial(prng, answered, target.profile.errorRate);
      for (const c of [lbTotals, az]) {
        c.requests += count;
        c.connectionErrors += connErrors;
        c.elb5xx += connErrors;
        c.backend5xx += errors;
        c.backend2xx += answered - errors;
      }
      if (answered === 0) continue;
      const medianS = (target.profile.baseLatencyMs / 1000) * loadFactor(utilisation);
      const k = Math.min(answered, LATENCY_SAMPLES_PER_INSTANCE);
      const samples: number[] = [];
      let sampleSum = 0;
      for (let i = 0; i < k; i++) {
        const v = medianS * Math.exp(LATENCY_SIGMA * prng.normal()) + waitS;
        samples.push(v);
        sampleSum += v;
      }
      // Kept per instance: each draw stands for that instance's requests only (see metrics.ts weights).
      const stats: StatisticSet = { sampleCount: answered, sum: (sampleSum / k) * answered, min: Math.min(...samples), max: Math.max(...samples) };
      for (const c of [lbTotals, az]) c.latency.push({ stats, samples });
    }
  }
  state.queues.set(lb.name, newQueue);

  // Record the step.
  const lbDims = [{ Name: "LoadBalancerName", Value: lb.name }];
  recordCounters(metrics, lbDims, lbTotals, atMs);
  for (const [az, counters] of byAz) recordCounters(metrics, [{ Name: "AvailabilityZone", Value: az }, ...lbDims], counters, atMs);
  gauge(metrics, "SurgeQueueLength", lbDims, atMs, newQueue);
  // Host counts: per load balancer, and per zone of the registered instances.
  const hosts = new Map<string, { healthy: number; unhealthy: number }>();
  let healthy = 0;
  let unhealthy = 0;
  for (const reg of lb.registrations) {
    const az = world.instances.get(reg.instanceId)?.availabilityZone;
    const inService = reg.state === "InService";
    if (inService) healthy++;
    else unhealthy++;
    if (az === undefined) continue;
    const h = hosts.get(az) ?? { healthy: 0, unhealthy: 0 };
    if (inService) h.healthy++;
    else h.unhealthy++;
    hosts.set(az, h);
  }
  gauge(metrics, "HealthyHostCount", lbDims, atMs, healthy);
  gauge(metrics, "UnHealthyHostCount", lbDims, atMs, unhealthy);
  for (const [az, h] of hosts) {
    const dims = [{ Name: "AvailabilityZone", Value: az }, ...lbDims];
    gauge(metrics, "HealthyHostCount", dims, atMs, h.healthy);
    gauge(metrics, "UnHealthyHostCount", dims, atMs, h.unhealthy);
  }
}

function elbKey(metricName: string, dimensions: { Name: string; Value: string }[]): SimMetricKey {
  return { namespace: "AWS/ELB", metricName, dimensions };
}

function gauge(metrics: MetricStore, metricName: string, dims: { Name: string; Value: string }[], atMs: number, value: number): void {
  metrics.recordStatistics(elbKey(metricName, dims), atMs, { sampleCount: 1, sum: value, min: value, max: value }, [value], "Count");
}

/** Count metrics as statistic sets of n samples of 1 (Sum = events, Average = 1), only when n > 0. */
function count(metrics: MetricStore, metricName: string, dims: { Name: string; Value: string }[], atMs: number, n: number): void {
  if (n > 0) metrics.recordStatistics(elbKey(metricName, dims), atMs, { sampleCount: n, sum: n, min: 1, max: 1 }, undefined, "Count");
}

function recordCounters(metrics: MetricStore, dims: { Name: string; Value: string }[], c: Counters, atMs: number): void {
  count(metrics, "RequestCount", dims, atMs, c.requests);
  count(metrics, "HTTPCode_Backend_2XX", dims, atMs, c.backend2xx);
  count(metrics, "HTTPCode_Backend_5XX", dims, atMs, c.backend5xx);
  count(metrics, "HTTPCode_ELB_5XX", dims, atMs, c.elb5xx);
  count(metrics, "SpilloverCount", dims, atMs, c.spillover);
  count(metrics, "BackendConnectionErrors", dims, atMs, c.connectionErrors);
  for (const { stats, samples } of c.latency) metrics.recordStatistics(elbKey("Latency", dims), atMs, stats, samples, "Seconds");
}
