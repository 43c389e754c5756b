/**
 * Does traffic follow an operation that has finished its AWS calls? The *settle phase* of an
 * operation: *draining* while the observed split is further than a tolerance from the split the
 * operation configured, then *settled*. Pure: the snapshot service feeds it the operation, each
 * colour's request counts per period (CloudWatch RequestCount, the series it already reads) and
 * what delays clients (the record's TTL, the listener's stickiness).
 *
 * Why a phase beside the operation's status, not a new status: the operation's status says what
 * Teal did with AWS, and its lock, audit trail and crash recovery hang on it. A rollback whose calls
 * are done is done (its lock is released, a later shift may start, drift is judged against it) and
 * must stay "succeeded"; what clients do afterwards is observed, not executed. So the status is left
 * as it is and this phase is derived from what CloudWatch measured, by this one function, for the
 * operation panel, the overview card and the wall alike. The moment it settled is journaled once
 * seen (operations.settled_at), so history keeps "settled within 1 min 40 s" after the metrics
 * window has moved on.
 *
 * Resolution: CloudWatch counts requests per period (one minute on the application page), so the
 * phase can only say settled once a whole period after the calls is measured within tolerance; the
 * period containing the end mixes traffic from before and after it and counts only when even that
 * mix is within tolerance (traffic never moved away, e.g. a rollback of a shift that had not taken).
 */

import type { AppState } from "./app-state";
import type { Color } from "./basics";
import type { Intent } from "./intent";
import type { OperationStatus } from "./operation-status";
import type { PlanEnds } from "./plan";

/** Observed and configured green shares at most this many points apart read as settled. */
export const DEFAULT_SETTLE_TOLERANCE_POINTS = 5;
/** DNS caching layers between Route 53 and a client (stub resolver, recursive resolver). */
export const SETTLE_DNS_CACHE_LAYERS = 2;
/** The TTL Route 53 gives alias records that point at a load balancer. */
export const SETTLE_ALIAS_TTL_S = 60;

/** What keeps clients on the old side after the calls: cached DNS answers or sticky sessions. */
export type DrainCause = { kind: "dns"; ttlSeconds: number } | { kind: "stickiness"; durationSeconds: number } | { kind: "none" };

/** One period of measured requests. */
export interface SettleBucket {
  fromMs: number;
  toMs: number;
  /** Green's share of the period's requests (one decimal). */
  greenPercent: number;
  blueRequests: number;
  greenRequests: number;
}

interface SettleCommon {
  /** Green's share the operation configured. */
  targetGreenPercent: number;
  tolerancePoints: number;
  /** When the operation's AWS calls were done (ISO). */
  callsDoneAt: string;
  /** The newest whole period measured (after the calls when there is one); null when none has traffic. */
  observed: SettleBucket | null;
}

export type TrafficSettle =
  | (SettleCommon & {
      phase: "draining";
      /** The side that still gets more than the configured share; null until a period is measured. */
      oldSide: Color | null;
      /** Requests per minute the old side gets beyond its configured share (all of them when it should get none). */
      excessPerMinute: number | null;
      /** `observed` is a period after the calls (else the last one before them: nothing after is measured yet). */
      measuredSinceCalls: boolean;
      /** When a whole period within tolerance should have been measured (ISO): the estimate. */
      expectedAt: string;
      /** What the estimate rests on, e.g. "record TTL 60 s × 2 resolver caches". */
      basis: string;
      /** The estimate has passed by more than a period and traffic has not settled. */
      overdue: boolean;
    })
  | (SettleCommon & {
      phase: "settled";
      /** The start of the first period measured within tolerance (ISO); null when it ended before the metrics read. */
      settledAt: string | null;
      /** settledAt − callsDoneAt (ms); null when settledAt is. */
      afterMs: number | null;
      /** Read from the journal (recorded earlier), not from this read's metrics. */
      recorded: boolean;
    })
  | (SettleCommon & { phase: "unmeasured"; reason: string });

export interface SettleInput {
  operation: {
    status: OperationStatus;
    intent: Intent;
    finishedAt: string | null;
    before?: PlanEnds;
    after?: PlanEnds;
    /** Journaled moment the operation's traffic settled, if recorded. */
    settledAt?: string | null;
  };
  /** Green's configured share now (used when the operation did not journal its end state). */
  configuredGreenPercent: number;
  /** Each colour's request count per period, or null when the pattern cannot tell the colours' requests apart. */
  requests: { blue: readonly { t: number; v: number }[]; green: readonly { t: number; v: number }[]; periodS: number } | null;
  /** The metrics read covers [dataStartMs, dataEndMs): whole periods only. */
  dataStartMs: number;
  dataEndMs: number;
  cause: DrainCause;
  nowMs: number;
  tolerancePoints?: number;
}

/** Intents that move traffic between the colours (and so have something to drain). */
const TRAFFIC_INTENTS: ReadonlySet<Intent["kind"]> = new Set(["shift", "promote", "rollback", "progressive"]);

/** What delays clients for this application: the Route 53 record's TTL, else the listener's stickiness. */
export function drainCauseOf(state: Pick<AppState, "dns" | "alb">): DrainCause {
  if (state.dns) {
    const ttls = state.dns.records.map((r) => r.ttl ?? SETTLE_ALIAS_TTL_S);
    return { kind: "dns", ttlSeconds: ttls.length > 0 ? Math.max(...ttls) : SETTLE_ALIAS_TTL_S };
  }
  const sticky = state.alb?.stickiness;
  if (sticky?.enabled) return { kind: "stickiness", durationSeconds: sticky.durationSeconds };
  return { kind: "none" };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Each whole period's requests per colour, oldest first (periods with no request at all left out). */
function bucketsOf(requests: NonNullable<SettleInput["requests"]>, dataEndMs: number): SettleBucket[] {
  const periodMs = requests.periodS * 1000;
  const byStart = new Map<number, { blue: number; green: number }>();
  const add = (points: readonly { t: number; v: number }[], color: Color) => {
    for (const p of points) {
      if (!Number.isFinite(p.v) || p.t + periodMs > dataEndMs) continue;
      const entry = byStart.get(p.t) ?? { blue: 0, green: 0 };
      entry[color] += p.v;
      byStart.set(p.t, entry);
    }
  };
  add(requests.blue, "blue");
  add(requests.green, "green");
  return [...byStart.entries()]
    .filter(([, c]) => c.blue + c.green > 0)
    .sort(([a], [b]) => a - b)
    .map(([t, c]) => ({
      fromMs: t,
      toMs: t + periodMs,
      greenPercent: round1((c.green / (c.blue + c.green)) * 100),
      blueRequests: c.blue,
      greenRequests: c.green,
    }));
}

/** How long clients may keep the old side after the calls (ms), and why, in words. */
function drainEstimate(cause: DrainCause, startGapPoints: number, tolerance: number): { ms: number; basis: string } {
  switch (cause.kind) {
    case "dns":
      return {
        ms: cause.ttlSeconds * SETTLE_DNS_CACHE_LAYERS * 1000,
        basis: `record TTL ${cause.ttlSeconds} s × ${SETTLE_DNS_CACHE_LAYERS} resolver caches`,
      };
    case "stickiness": {
      // Stuck clients leave as their cookies expire: the gap shrinks about e-fold per duration.
      const folds = startGapPoints > tolerance ? Math.log(startGapPoints / tolerance) : 0;
      return { ms: Math.ceil(cause.durationSeconds * folds) * 1000, basis: `stickiness ${cause.durationSeconds} s` };
    }
    case "none":
      return { ms: 0, basis: "no DNS caching or stickiness in the way" };
  }
}

/**
 * The settle phase of an application's latest operation, or null when it has none: the operation
 * has not succeeded, does not move traffic (standby, scale, deploy), or the pattern cannot measure
 * each colour's requests (then the configured split is all there is to show).
 */
export function trafficSettle(input: SettleInput): TrafficSettle | null {
  const { operation: op, requests } = input;
  if (op.status !== "succeeded" || !TRAFFIC_INTENTS.has(op.intent.kind) || !requests || op.finishedAt === null) return null;
  const endMs = Date.parse(op.finishedAt);
  if (!Number.isFinite(endMs) || requests.periodS <= 0) return null;
  const tolerance = input.tolerancePoints ?? DEFAULT_SETTLE_TOLERANCE_POINTS;
  const target = op.after?.greenPercent ?? input.configuredGreenPercent;
  const periodMs = requests.periodS * 1000;
  const endPeriod = Math.floor(endMs / periodMs) * periodMs;
  const buckets = bucketsOf(requests, input.dataEndMs);
  const after = buckets.filter((b) => b.fromMs >= endPeriod);
  const within = (b: SettleBucket) => Math.abs(b.greenPercent - target) <= tolerance;
  const newest = after[after.length - 1] ?? buckets[buckets.length - 1] ?? null;
  const common: SettleCommon = { targetGreenPercent: target, tolerancePoints: tolerance, callsDoneAt: op.finishedAt, observed: newest };

  const recorded = op.settledAt ? Date.parse(op.settledAt) : NaN;
  if (Number.isFinite(recorded)) {
    return { ...common, phase: "settled", settledAt: op.settledAt ?? null, afterMs: Math.max(0, recorded - endMs), recorded: true };
  }

  // The calls ended before the metrics read begins: when it settled is unknown, only the newest period can tell.
  const endBeforeData = endPeriod < input.dataStartMs;
  const first = endBeforeData ? undefined : after.find(within);
  if (first) {
    const settledAtMs = Math.max(first.fromMs, endMs);
    return { ...common, phase: "settled", settledAt: new Date(settledAtMs).toISOString(), afterMs: settledAtMs - endMs, recorded: false };
  }
  if (endBeforeData && newest && within(newest)) {
    return { ...common, phase: "settled", settledAt: null, afterMs: null, recorded: false };
  }

  // Draining: estimate when a whole period within tolerance will have been measured.
  const startGap = Math.abs((op.before?.greenPercent ?? newest?.greenPercent ?? target) - target);
  const base = drainEstimate(input.cause, startGap, tolerance);
  let drainedAtMs = endMs + base.ms;
  let basis = base.basis;
  // The observed curve: when the last two periods after the end narrow the gap, extrapolate it.
  const [g1, g2] = after.slice(-2).map((b) => Math.abs(b.greenPercent - target));
  const last = after[after.length - 1];
  if (after.length >= 2 && g1 !== undefined && g2 !== undefined && last && g2 < g1 && g2 > 0) {
    const periods = Math.ceil(Math.log(tolerance / g2) / Math.log(g2 / g1));
    const curveMs = last.toMs + Math.max(0, periods - 1) * periodMs;
    if (curveMs > drainedAtMs) {
      drainedAtMs = curveMs;
      basis = `${basis}; the measured curve is slower`;
    }
  }
  const expectedAtMs = Math.ceil(drainedAtMs / periodMs) * periodMs + periodMs;
  if (after.length === 0 && input.dataEndMs >= endPeriod + 2 * periodMs && input.nowMs > expectedAtMs) {
    return { ...common, phase: "unmeasured", reason: "No requests were measured since the calls ended." };
  }
  // Where traffic is now: the newest period after the calls, else the newest before them.
  let oldSide: Color | null = null;
  let excessPerMinute: number | null = null;
  if (newest) {
    oldSide = newest.greenPercent > target ? "green" : "blue";
    const share = oldSide === "green" ? target : 100 - target;
    const onOld = oldSide === "green" ? newest.greenRequests : newest.blueRequests;
    const total = newest.blueRequests + newest.greenRequests;
    excessPerMinute = Math.max(0, Math.round((onOld - (total * share) / 100) * (60_000 / periodMs)));
  }
  return {
    ...common,
    phase: "draining",
    oldSide,
    excessPerMinute,
    measuredSinceCalls: after.length > 0,
    expectedAt: new Date(expectedAtMs).toISOString(),
    basis: `${basis}, then a whole ${requests.periodS === 60 ? "minute" : `${requests.periodS / 60} min`} measured`,
    overdue: input.nowMs > expectedAtMs + periodMs,
  };
}

/** The settle phase as the console words it: "Draining", "Settled", "Traffic not measured". */
export function settleLabel(settle: Pick<TrafficSettle, "phase">): string {
  return settle.phase === "draining" ? "Draining" : settle.phase === "settled" ? "Settled" : "Traffic not measured";
}
