/**
 * The DNS side of the traffic model: what clients resolve, what Route 53 answers, and how long each
 * client keeps its answer (docs/aws-behaviour.md §1.3, §1.4, §9).
 *
 * - Route 53 answers a weighted name with one record per query, chosen with probability
 *   weight / sum(weights) among healthy non-zero-weight records; zero-weight records only when no
 *   non-zero record is healthy (all zero → equal share); all unhealthy → answer as if all healthy.
 * - Resolvers see a zone change only once Route 53 reports it INSYNC (the worst case of "generally
 *   within 60 s"), so the observed traffic shift = propagation + client caching, as the DNS
 *   reaction-time heuristic of §9 says. A record change with no pending change behind it (the seed
 *   writing records directly) is visible at once.
 * - Each simulated client caches its answer for the record's TTL (60 s for alias records to a load
 *   balancer); a share of clients ignores TTL and keeps its answer for `stickyMs`. Both durations are
 *   divided by the world's speed.
 */
import type { Prng } from "./prng";
import type { SimChange, SimClassicLoadBalancer, SimDnsClientConfig, SimHostedZone, SimRecordSet } from "./state";

/** Route 53's fixed TTL for alias records that point at a load balancer (docs/aws-behaviour.md §1.4). */
export const ALIAS_TTL_S = 60;

/** Lower-cases, drops the trailing dot and the "dualstack." prefix alias targets often carry. */
export function normaliseDnsName(name: string): string {
  let n = name.trim().toLowerCase();
  if (n.endsWith(".")) n = n.slice(0, -1);
  if (n.startsWith("dualstack.")) n = n.slice("dualstack.".length);
  return n;
}

/** The DNS name a record answers with: the CNAME value or the alias target, normalised. */
export function recordTarget(record: SimRecordSet): string | undefined {
  if (record.AliasTarget) return normaliseDnsName(record.AliasTarget.DNSName);
  const value = record.ResourceRecords?.[0]?.Value;
  return record.Type === "CNAME" && value !== undefined ? normaliseDnsName(value) : undefined;
}

/** One answer Route 53 can give for a name. */
export interface DnsCandidate {
  /** Normalised target DNS name (a load balancer's DNSName when it routes traffic). */
  target: string;
  /** Weight; undefined for a simple (non-weighted) record. */
  weight: number | undefined;
  ttlS: number;
  healthy: boolean;
}

/**
 * The records Route 53 chooses among for one query, and whether the choice is by weight:
 * healthy non-zero-weight records by weight; else healthy zero-weight records equally; with nothing
 * healthy, fail open (non-zero weights by weight, or all records equally when all are zero).
 * A group of simple (non-weighted) records answers its first record.
 */
function answerPool(candidates: readonly DnsCandidate[]): { pool: DnsCandidate[]; weighted: boolean } {
  const simple = candidates.filter((c) => c.weight === undefined);
  if (simple.length > 0) return { pool: simple.slice(0, 1), weighted: false };
  const healthyNonZero = candidates.filter((c) => (c.weight ?? 0) > 0 && c.healthy);
  if (healthyNonZero.length > 0) return { pool: healthyNonZero, weighted: true };
  const healthyZero = candidates.filter((c) => (c.weight ?? 0) === 0 && c.healthy);
  if (healthyZero.length > 0) return { pool: healthyZero, weighted: false };
  const nonZero = candidates.filter((c) => (c.weight ?? 0) > 0);
  return nonZero.length > 0 ? { pool: nonZero, weighted: true } : { pool: [...candidates], weighted: false };
}

/**
 * Picks the record Route 53 answers with for one query, per the weighted-routing rules above.
 * @param u a uniform random number in [0, 1)
 */
export function chooseCandidate(candidates: readonly DnsCandidate[], u: number): DnsCandidate | undefined {
  const { pool, weighted } = answerPool(candidates);
  if (pool.length === 0) return undefined;
  if (!weighted) return pool[Math.min(pool.length - 1, Math.floor(u * pool.length))];
  let total = 0;
  for (const c of pool) total += c.weight ?? 0;
  let x = u * total;
  for (const c of pool) {
    x -= c.weight ?? 0;
    if (x < 0) return c;
  }
  return pool[pool.length - 1];
}

/** Probability of each target under chooseCandidate (for clients that re-resolve constantly). */
export function answerDistribution(candidates: readonly DnsCandidate[]): Map<string, number> {
  const out = new Map<string, number>();
  const { pool, weighted } = answerPool(candidates);
  let total = 0;
  for (const c of pool) total += weighted ? (c.weight ?? 0) : 1;
  if (total <= 0) return out;
  for (const c of pool) out.set(c.target, (out.get(c.target) ?? 0) + (weighted ? (c.weight ?? 0) : 1) / total);
  return out;
}

/** A name clients resolve: the records of one (name, type) that point somewhere. */
export interface TrafficName {
  /** "name|type", e.g. "app.example.com|CNAME". */
  key: string;
  candidates: DnsCandidate[];
}

/**
 * Builds the traffic names of a set of visible records: every (name, type) group with at least one
 * record pointing at a known load balancer. A name with both an A and an AAAA alias counts once
 * (clients resolve one family), so its traffic is not doubled.
 * @param lbHealthy health of a load balancer by normalised DNS name, for EvaluateTargetHealth
 */
export function trafficNames<LB = SimClassicLoadBalancer>(
  records: readonly SimRecordSet[],
  lbByDns: ReadonlyMap<string, LB>,
  lbHealthy: (lb: LB) => boolean,
): TrafficName[] {
  const groups = new Map<string, SimRecordSet[]>();
  for (const r of records) {
    if (r.Type !== "CNAME" && r.Type !== "A" && r.Type !== "AAAA") continue;
    const key = `${normaliseDnsName(r.Name)}|${r.Type}`;
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const out: TrafficName[] = [];
  for (const [key, group] of groups) {
    const [name, type] = key.split("|") as [string, string];
    if (type === "AAAA" && groups.has(`${name}|A`)) continue;
    const candidates: DnsCandidate[] = [];
    let pointsAtLb = false;
    for (const r of group) {
      const target = recordTarget(r);
      if (target === undefined) continue;
      const lb = lbByDns.get(target);
      if (lb) pointsAtLb = true;
      const healthy = r.AliasTarget?.EvaluateTargetHealth && lb ? lbHealthy(lb) : true;
      candidates.push({ target, weight: r.Weight, ttlS: r.AliasTarget ? ALIAS_TTL_S : (r.TTL ?? ALIAS_TTL_S), healthy });
    }
    if (pointsAtLb) out.push({ key, candidates });
  }
  return out;
}

interface PublishedState {
  fingerprint: string;
  records: SimRecordSet[];
  visibleAtMs: number;
}

/**
 * What resolvers see of each hosted zone: a zone's records become visible when every change
 * submitted for the zone up to then is INSYNC. Keeps the queue of not-yet-visible versions.
 */
export class PublishedZones {
  private readonly states = new Map<string, PublishedState[]>();

  /** Records of `zone` visible to resolvers at `nowMs`. */
  visibleRecords(zone: SimHostedZone, changes: Iterable<SimChange>, nowMs: number): SimRecordSet[] {
    const fingerprint = JSON.stringify(zone.records);
    let queue = this.states.get(zone.id);
    if (!queue) {
      queue = [{ fingerprint, records: structuredClone(zone.records), visibleAtMs: -Infinity }];
      this.states.set(zone.id, queue);
    } else if (queue[queue.length - 1]?.fingerprint !== fingerprint) {
      let visibleAtMs = nowMs;
      for (const c of changes) if (c.zoneId === zone.id && c.submittedAtMs <= nowMs && c.insyncAtMs > visibleAtMs) visibleAtMs = c.insyncAtMs;
      queue.push({ fingerprint, records: structuredClone(zone.records), visibleAtMs });
    }
    // Drop versions superseded by a newer visible one.
    let current = 0;
    for (let i = 0; i < queue.length; i++) if ((queue[i]?.visibleAtMs ?? Infinity) <= nowMs) current = i;
    if (current > 0) queue.splice(0, current);
    return queue[0]?.records ?? [];
  }

  /** Forgets zones that no longer exist. */
  retain(zoneIds: ReadonlySet<string>): void {
    for (const id of this.states.keys()) if (!zoneIds.has(id)) this.states.delete(id);
  }
}

/**
 * The clients resolving one traffic name: each holds a cached answer (a target) and its expiry.
 * `step` returns, per target, the share of client-time spent on it during [fromMs, toMs).
 */
export class DnsClientPopulation {
  private readonly answers: (string | undefined)[];
  private readonly expiresAtMs: Float64Array;
  private readonly ignoresTtl: boolean[];
  private initialised = false;

  constructor(
    readonly config: SimDnsClientConfig,
    private readonly prng: Prng,
  ) {
    const n = Math.max(1, Math.floor(config.clients));
    this.answers = new Array<string | undefined>(n).fill(undefined);
    this.expiresAtMs = new Float64Array(n);
    // Deterministic split: the first share of clients ignores TTL.
    const ignoring = Math.round(n * Math.min(1, Math.max(0, config.ignoreTtlShare)));
    this.ignoresTtl = Array.from({ length: n }, (_, i) => i < ignoring);
  }

  get size(): number {
    return this.answers.length;
  }

  /** How long client `i` keeps an answer with `ttlS`, in wall-clock ms. */
  private cacheMs(i: number, ttlS: number, speed: number): number {
    const virtualMs = this.ignoresTtl[i] ? this.config.stickyMs : ttlS * 1000;
    return Math.max(1, virtualMs / Math.max(speed, 1e-9));
  }

  /**
   * Advances every client through [fromMs, toMs): when an answer expires the client resolves again
   * (a Route 53 query) and caches the new answer. Returns the fraction of client-time per target;
   * time spent with no answer (the name resolves to nothing) is absent, so shares may sum below 1.
   */
  step(candidates: readonly DnsCandidate[], fromMs: number, toMs: number, speed: number): Map<string, number> {
    const durationMs = toMs - fromMs;
    const shares = new Map<string, number>();
    if (durationMs <= 0) return shares;
    const n = this.answers.length;
    const add = (target: string | undefined, ms: number): void => {
      if (target === undefined || ms <= 0) return;
      shares.set(target, (shares.get(target) ?? 0) + ms / (durationMs * n));
    };
    const resolve = (i: number, atMs: number): void => {
      const c = chooseCandidate(candidates, this.prng.next());
      this.answers[i] = c?.target;
      this.expiresAtMs[i] = atMs + this.cacheMs(i, c?.ttlS ?? ALIAS_TTL_S, speed);
    };
    if (!this.initialised) {
      // Start with caches of staggered age, as a population that has been running a while.
      for (let i = 0; i < n; i++) {
        resolve(i, fromMs);
        this.expiresAtMs[i] = fromMs + this.prng.next() * ((this.expiresAtMs[i] ?? fromMs) - fromMs);
      }
      this.initialised = true;
    }
    let distribution: Map<string, number> | undefined;
    for (let i = 0; i < n; i++) {
      let t = fromMs;
      const ttlS = candidates[0]?.ttlS ?? ALIAS_TTL_S;
      if (this.cacheMs(i, ttlS, speed) * 20 < durationMs) {
        // The client re-resolves many times within the step: its time follows the answer
        // distribution; simulate only its last resolution so its cache state stays realistic.
        distribution ??= answerDistribution(candidates);
        const until = Math.min(this.expiresAtMs[i] ?? fromMs, toMs);
        add(this.answers[i], until - t);
        for (const [target, p] of distribution) add(target, (toMs - Math.max(until, t)) * p);
        const last = toMs - this.prng.next() * this.cacheMs(i, ttlS, speed);
        if ((this.expiresAtMs[i] ?? 0) < toMs) resolve(i, last);
        continue;
      }
      let expires = this.expiresAtMs[i] ?? fromMs;
      while (expires < toMs) {
        add(this.answers[i], expires - t);
        t = Math.max(t, expires);
        resolve(i, t);
        expires = this.expiresAtMs[i] ?? toMs;
      }
      add(this.answers[i], toMs - t);
    }
    return shares;
  }
}
