/**
 * The traffic model's Application Load Balancer part (docs/aws-behaviour.md §3.2–§3.4): arrivals for an ALB
 * (from DNS or direct, counted by traffic.ts) pass a listener's rules, are split across target
 * groups by the forward action's weights, then evenly across routable targets, and are recorded as
 * `AWS/ApplicationELB` metrics.
 *
 * - Listener: the HTTPS listener when there is one, else the lowest port; a redirect answer on it
 *   (the usual HTTP → HTTPS redirect) is followed to the listener it points at.
 * - Rules: each request is `GET /` with the Host the client resolved (a traffic name, or the ALB's
 *   own DNS name). The lowest-priority rule whose conditions all match wins, else the default rule.
 *   host-header / path-pattern use `*` and `?` wildcards; other condition types never match.
 * - Forward: traffic follows the rule's `trafficActions` (a change lands after the configured
 *   delay). With target-group stickiness, already-stuck clients keep their group until their cookie
 *   expires, modelled as an exponential lag of the share with time constant DurationSeconds/speed.
 * - Targets: healthy, not draining (fail-open to all when every target is unhealthy, see
 *   elbv2-targets.ts). A target that is not running or `failing` refuses: ELB 502 and
 *   TargetConnectionErrorCount. Beyond a target's capacity, requests time out (ELB 504). The ALB has
 *   no surge queue. A group with no routable target → ELB 503.
 * - Metrics only while requests flow; counts only when non-zero. Dimensions: LoadBalancer
 *   (`app/name/id`), and (LoadBalancer, TargetGroup `targetgroup/name/id`) for target metrics and
 *   HealthyHostCount / UnHealthyHostCount (no LB-only host-count series, as on AWS).
 */
import { binomial, loadFactor, splitInteger } from "./draws";
import { routableTargets } from "./elbv2-targets";
import type { MetricStore, StatisticSet } from "./metrics";
import type { Prng } from "./prng";
import type {
  SimApplicationLoadBalancer,
  SimListener,
  SimListenerAction,
  SimMetricKey,
  SimRule,
  SimTarget,
  SimTargetGroup,
  SimVersionProfile,
  SimWorld,
} from "./state";

const NAMESPACE = "AWS/ApplicationELB";
const LATENCY_SAMPLES_PER_TARGET = 16;
const LATENCY_SIGMA = 0.35;
const DEFAULT_PROFILE: SimVersionProfile = { baseLatencyMs: 50, errorRate: 0.001, connectionErrorRate: 0.0002, capacityRps: 150, healthy: true };

interface AlbTrafficState {
  /** Per rule: the share of requests each target group currently gets (sticky lag). */
  shares: Map<string, Map<string, number>>;
  /** Per target ("tgArn|id|port"): unused fractional capacity and smoothed utilisation. */
  targets: Map<string, { credit: number; utilisation: number }>;
}

const states = new WeakMap<SimWorld, AlbTrafficState>();

function stateFor(world: SimWorld): AlbTrafficState {
  let state = states.get(world);
  if (!state) {
    state = { shares: new Map(), targets: new Map() };
    states.set(world, state);
  }
  return state;
}

/**
 * Every target's smoothed utilisation by target id (the busiest of its registrations); a target that
 * serves no ALB is absent. One pass over the targets, for all the instances of a tick at once.
 */
export function albTargetUtilisations(world: SimWorld): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, target] of stateFor(world).targets) {
    const id = key.split("|")[1];
    if (id !== undefined) out.set(id, Math.max(out.get(id) ?? 0, target.utilisation));
  }
  return out;
}

/** `app/name/id`: the LoadBalancer dimension value (the ARN after "loadbalancer/"). */
export function albDimension(alb: SimApplicationLoadBalancer): string {
  return alb.arn.slice(alb.arn.indexOf(":loadbalancer/") + ":loadbalancer/".length);
}

/** `targetgroup/name/id`: the TargetGroup dimension value. */
export function targetGroupDimension(tg: SimTargetGroup): string {
  return tg.arn.slice(tg.arn.lastIndexOf(":") + 1);
}

/** Whether an alias with EvaluateTargetHealth to this ALB counts as healthy: active, some group it forwards to has a routable target. */
export function albHealthy(world: SimWorld, alb: SimApplicationLoadBalancer): boolean {
  if (alb.state !== "active") return false;
  for (const listener of alb.listeners) {
    for (const rule of listener.rules) {
      for (const action of rule.trafficActions) {
        if (action.type !== "forward") continue;
        for (const g of action.targetGroups) {
          const tg = world.targetGroups?.get(g.targetGroupArn);
          if (tg !== undefined && tg.targets.some((t) => t.state === "healthy" && t.drainingUntilMs === undefined)) return true;
        }
      }
    }
  }
  return false;
}

function wildcard(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return re.test(text);
}

function ruleMatches(rule: SimRule, host: string): boolean {
  return rule.conditions.every((c) => {
    if (c.field === "host-header") return c.values.some((v) => wildcard(v, host));
    if (c.field === "path-pattern") return c.values.some((v) => wildcard(v, "/"));
    if (c.field === "http-request-method") return c.values.includes("GET");
    return false;
  });
}

/** The rule that answers a request for `host` on `listener`. */
function ruleFor(listener: SimListener, host: string): SimRule | undefined {
  const ordered = listener.rules.filter((r) => !r.isDefault).sort((a, b) => Number(a.priority) - Number(b.priority));
  return ordered.find((r) => ruleMatches(r, host)) ?? listener.rules.find((r) => r.isDefault);
}

function terminal(actions: readonly SimListenerAction[]): SimListenerAction | undefined {
  return actions.find((a) => a.type === "forward" || a.type === "fixed-response" || a.type === "redirect");
}

function entryListener(alb: SimApplicationLoadBalancer): SimListener | undefined {
  const https = alb.listeners.find((l) => l.protocol === "HTTPS");
  if (https) return https;
  return [...alb.listeners].sort((a, b) => a.port - b.port)[0];
}

interface Counters {
  requests: number;
  target2xx: number;
  target5xx: number;
  elb3xx: number;
  elb4xx: number;
  elb5xx: number;
  elb502: number;
  elb503: number;
  elb504: number;
  connectionErrors: number;
  latency: { stats: StatisticSet; samples: number[] }[];
}

function newCounters(): Counters {
  return {
    requests: 0,
    target2xx: 0,
    target5xx: 0,
    elb3xx: 0,
    elb4xx: 0,
    elb5xx: 0,
    elb502: 0,
    elb503: 0,
    elb504: 0,
    connectionErrors: 0,
    latency: [],
  };
}

/**
 * Split of an integer total by probabilities, drawn request by request in aggregate (sequential
 * binomials), so a 10 % share shows as about 10 % with realistic noise.
 */
function splitRandom(prng: Prng, total: number, shares: readonly number[]): number[] {
  const out: number[] = [];
  let left = total;
  let mass = shares.reduce((a, b) => a + b, 0);
  for (const share of shares) {
    const n = mass > 0 ? binomial(prng, left, Math.min(1, share / mass)) : 0;
    out.push(n);
    left -= n;
    mass -= share;
  }
  return out;
}

/** The backend behind a target: its profile and whether it accepts connections. */
function backendOf(world: SimWorld, tg: SimTargetGroup, target: SimTarget): { profile: SimVersionProfile; working: boolean } {
  if (tg.targetType === "instance") {
    const instance = world.instances.get(target.id);
    if (instance === undefined) return { profile: DEFAULT_PROFILE, working: false };
    return { profile: world.versions.get(instance.version) ?? DEFAULT_PROFILE, working: instance.state === "running" && !instance.failing };
  }
  let task;
  for (const t of world.tasks?.values() ?? []) if (t.ip === target.id && t.lastStatus === "RUNNING") task = t;
  if (task === undefined) return { profile: DEFAULT_PROFILE, working: false };
  return { profile: world.versions.get(task.version) ?? DEFAULT_PROFILE, working: !task.failing };
}

/** Target-group shares for a forward action, moved toward the weights with the stickiness lag. */
function forwardShares(
  world: SimWorld,
  state: AlbTrafficState,
  rule: SimRule,
  action: Extract<SimListenerAction, { type: "forward" }>,
  stepS: number,
): Map<string, number> {
  const total = action.targetGroups.reduce((s, g) => s + g.weight, 0);
  const target = new Map(action.targetGroups.map((g) => [g.targetGroupArn, total > 0 ? g.weight / total : 0]));
  const previous = state.shares.get(rule.arn);
  let next = target;
  if (action.stickiness.enabled && previous !== undefined) {
    const speed = world.config.speed > 0 ? world.config.speed : 1;
    const keep = Math.exp((-stepS * speed) / action.stickiness.durationS);
    next = new Map();
    for (const arn of new Set([...target.keys(), ...previous.keys()])) {
      const share = (previous.get(arn) ?? 0) * keep + (target.get(arn) ?? 0) * (1 - keep);
      // A group dropped from the action keeps only its stuck clients until they expire.
      if (share > 1e-6 || target.has(arn)) next.set(arn, share);
    }
  }
  state.shares.set(rule.arn, next);
  return next;
}

function key(metricName: string, dimensions: { Name: string; Value: string }[]): SimMetricKey {
  return { namespace: NAMESPACE, metricName, dimensions };
}

function count(metrics: MetricStore, metricName: string, dims: { Name: string; Value: string }[], atMs: number, n: number): void {
  if (n > 0) metrics.recordStatistics(key(metricName, dims), atMs, { sampleCount: n, sum: n, min: 1, max: 1 }, undefined, "Count");
}

function gauge(metrics: MetricStore, metricName: string, dims: { Name: string; Value: string }[], atMs: number, value: number): void {
  metrics.recordStatistics(key(metricName, dims), atMs, { sampleCount: 1, sum: value, min: value, max: value }, [value], "Count");
}

function recordCounters(metrics: MetricStore, dims: { Name: string; Value: string }[], c: Counters, atMs: number, lbLevel: boolean): void {
  count(metrics, "RequestCount", dims, atMs, c.requests);
  count(metrics, "HTTPCode_Target_2XX_Count", dims, atMs, c.target2xx);
  count(metrics, "HTTPCode_Target_5XX_Count", dims, atMs, c.target5xx);
  count(metrics, "TargetConnectionErrorCount", dims, atMs, c.connectionErrors);
  for (const { stats, samples } of c.latency) metrics.recordStatistics(key("TargetResponseTime", dims), atMs, stats, samples, "Seconds");
  if (!lbLevel) return;
  // ELB-generated codes exist per load balancer only (docs/aws-behaviour.md §3.4).
  count(metrics, "HTTPCode_ELB_3XX_Count", dims, atMs, c.elb3xx);
  count(metrics, "HTTPCode_ELB_4XX_Count", dims, atMs, c.elb4xx);
  count(metrics, "HTTPCode_ELB_5XX_Count", dims, atMs, c.elb5xx);
  count(metrics, "HTTPCode_ELB_502_Count", dims, atMs, c.elb502);
  count(metrics, "HTTPCode_ELB_503_Count", dims, atMs, c.elb503);
  count(metrics, "HTTPCode_ELB_504_Count", dims, atMs, c.elb504);
}

function add(into: Counters, from: Counters): void {
  into.requests += from.requests;
  into.target2xx += from.target2xx;
  into.target5xx += from.target5xx;
  into.elb3xx += from.elb3xx;
  into.elb4xx += from.elb4xx;
  into.elb5xx += from.elb5xx;
  into.elb502 += from.elb502;
  into.elb503 += from.elb503;
  into.elb504 += from.elb504;
  into.connectionErrors += from.connectionErrors;
  into.latency.push(...from.latency);
}

/** Serves `n` requests forwarded to one target group; returns what happened. */
function serveTargetGroup(world: SimWorld, state: AlbTrafficState, prng: Prng, tg: SimTargetGroup, n: number, stepS: number): Counters {
  const c = newCounters();
  c.requests = n;
  const targets = routableTargets(tg);
  if (targets.length === 0) {
    c.elb5xx += n;
    c.elb503 += n;
    return c;
  }
  const per = splitInteger(
    n,
    targets.map(() => 1),
  );
  targets.forEach((target, i) => {
    const offered = per[i] ?? 0;
    if (offered === 0) return;
    const { profile, working } = backendOf(world, tg, target);
    if (!working) {
      c.connectionErrors += offered;
      c.elb5xx += offered;
      c.elb502 += offered;
      return;
    }
    const stateKey = `${tg.arn}|${target.id}|${target.port}`;
    const perTarget = state.targets.get(stateKey) ?? { credit: 0, utilisation: 0 };
    state.targets.set(stateKey, perTarget);
    perTarget.credit += profile.capacityRps * stepS;
    const served = Math.min(offered, Math.floor(perTarget.credit));
    perTarget.credit = Math.min(1, perTarget.credit - served);
    const instantaneous = profile.capacityRps > 0 ? offered / (profile.capacityRps * stepS) : 1;
    perTarget.utilisation += (1 - Math.exp(-stepS / 10)) * (instantaneous - perTarget.utilisation);
    // No surge queue on an ALB: what the target cannot take times out at the load balancer.
    const timedOut = offered - served;
    c.elb5xx += timedOut;
    c.elb504 += timedOut;
    const connErrors = binomial(prng, served, profile.connectionErrorRate);
    c.connectionErrors += connErrors;
    c.elb5xx += connErrors;
    c.elb502 += connErrors;
    const answered = served - connErrors;
    const errors = binomial(prng, answered, profile.errorRate);
    c.target5xx += errors;
    c.target2xx += answered - errors;
    if (answered === 0) return;
    const medianS = (profile.baseLatencyMs / 1000) * loadFactor(perTarget.utilisation);
    const k = Math.min(answered, LATENCY_SAMPLES_PER_TARGET);
    const samples: number[] = [];
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const v = medianS * Math.exp(LATENCY_SIGMA * prng.normal());
      samples.push(v);
      sum += v;
    }
    c.latency.push({ stats: { sampleCount: answered, sum: (sum / k) * answered, min: Math.min(...samples), max: Math.max(...samples) }, samples });
  });
  return c;
}

/**
 * Serves one step's `arrivals` at an ALB and records its metrics at `atMs`. `hosts` are the names
 * clients resolved to reach it (empty: they used the ALB's own DNS name). Nothing happens while the
 * ALB is provisioning (its name does not resolve yet) or when there are no arrivals.
 */
export function serveApplicationLoadBalancer(
  world: SimWorld,
  metrics: MetricStore,
  prng: Prng,
  alb: SimApplicationLoadBalancer,
  arrivals: number,
  hosts: readonly string[],
  atMs: number,
  stepS: number,
): void {
  if (arrivals <= 0 || alb.state !== "active") return;
  const state = stateFor(world);
  const lbDims = [{ Name: "LoadBalancer", Value: albDimension(alb) }];
  const totals = newCounters();
  const entry = entryListener(alb);
  if (entry === undefined) {
    // Nothing listens: clients' connections are refused before any request exists.
    count(metrics, "RejectedConnectionCount", lbDims, atMs, arrivals);
    return;
  }
  const names = hosts.length > 0 ? hosts : [alb.dnsName];
  const perHost = splitInteger(
    arrivals,
    names.map(() => 1),
  );
  const byGroup = new Map<string, Counters>();
  names.forEach((host, h) => {
    let n = perHost[h] ?? 0;
    if (n === 0) return;
    const listener = entry;
    let rule = ruleFor(listener, host);
    let action = rule === undefined ? undefined : terminal(rule.trafficActions);
    if (action?.type === "redirect") {
      // Clients follow the redirect: counted once as an ELB 3xx, then served by the target listener.
      totals.requests += n;
      totals.elb3xx += n;
      const port = action.port === undefined || action.port === "#{port}" ? undefined : Number(action.port);
      const protocol = action.protocol === undefined || action.protocol === "#{protocol}" ? undefined : action.protocol;
      const next = alb.listeners.find(
        (l) => l !== listener && (port === undefined || l.port === port) && (protocol === undefined || l.protocol === protocol),
      );
      if (next === undefined) return;
      rule = ruleFor(next, host);
      action = rule === undefined ? undefined : terminal(rule.trafficActions);
      if (action?.type === "redirect") return;
    }
    if (rule === undefined || action === undefined) return;
    totals.requests += action.type === "forward" ? 0 : n;
    if (action.type === "fixed-response") {
      const cls = action.statusCode.charAt(0);
      if (cls === "4") totals.elb4xx += n;
      else if (cls === "5") totals.elb5xx += n;
      return;
    }
    if (action.type !== "forward") return;
    const shares = forwardShares(world, state, rule, action, stepS);
    const arns = [...shares.keys()];
    const split = splitRandom(
      prng,
      n,
      arns.map((a) => shares.get(a) ?? 0),
    );
    const unassigned = n - split.reduce((a, b) => a + b, 0);
    if (unassigned > 0) {
      // Every weight is 0: nothing to forward to.
      totals.requests += unassigned;
      totals.elb5xx += unassigned;
      totals.elb503 += unassigned;
      n -= unassigned;
    }
    arns.forEach((arn, i) => {
      const count = split[i] ?? 0;
      const tg = world.targetGroups?.get(arn);
      if (count === 0 || tg === undefined) return;
      const c = serveTargetGroup(world, state, prng, tg, count, stepS);
      const into = byGroup.get(arn) ?? newCounters();
      add(into, c);
      byGroup.set(arn, into);
      add(totals, c);
    });
  });
  recordCounters(metrics, lbDims, totals, atMs, true);
  // Per target group: traffic counters, and host counts for every group the ALB routes to.
  const routed = new Set<string>();
  for (const l of alb.listeners)
    for (const r of l.rules) for (const a of r.trafficActions) if (a.type === "forward") for (const g of a.targetGroups) routed.add(g.targetGroupArn);
  for (const arn of routed) {
    const tg = world.targetGroups?.get(arn);
    if (tg === undefined) continue;
    const dims = [...lbDims, { Name: "TargetGroup", Value: targetGroupDimension(tg) }];
    const c = byGroup.get(arn);
    if (c !== undefined) recordCounters(metrics, dims, c, atMs, false);
    const live = tg.targets.filter((t) => t.drainingUntilMs === undefined);
    gauge(metrics, "HealthyHostCount", dims, atMs, live.filter((t) => t.state === "healthy").length);
    gauge(metrics, "UnHealthyHostCount", dims, atMs, live.filter((t) => t.state === "unhealthy").length);
  }
  for (const k of state.targets.keys()) {
    const arn = k.slice(0, k.indexOf("|"));
    if (world.targetGroups?.has(arn) !== true) state.targets.delete(k);
  }
}
