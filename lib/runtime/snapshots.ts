import "server-only";
import type { AppSnapshot, AppState, AppSummary, Drift, MetricSeries, Operation, OperationMarker } from "@/lib/domain/types";
import { AppError, isAppError } from "@/lib/domain/types";
import { GREEN_WINDOW_MINUTES, thresholdJudge, type GreenJudge, type GreenVerdict } from "@/lib/domain/green-verdict";
import { getMetricData } from "@/lib/aws/cloudwatch";
import type { AppConfig } from "@/lib/config/schema";
import { observedShare, periodFor, type RangeMinutes } from "@/lib/metrics/catalog";
import { greenJudgeInput } from "@/lib/metrics/green-window";
import { drainCauseOf, trafficSettle, type SettleInput, type TrafficSettle } from "@/lib/domain/traffic-settle";
import { createSnapshotCache, type SnapshotCache } from "@/lib/metrics/snapshot-cache";
import { planningFor } from "@/lib/patterns/catalog";
import { appFigures } from "@/lib/domain/figures";
import { driftAgainst } from "@/lib/patterns/drift";
import { metricPlanFor, observeHintsFrom, observeWithPattern } from "@/lib/patterns/registry";
import type { Runtime } from "./runtime";
import { IN_FLIGHT_STATUSES } from "@/lib/domain/operation-status";

/** Reads one application's AWS state, fresh (plans and version checks use this, never a cache). */
export async function observeApp(rt: Runtime, app: AppConfig): Promise<AppState> {
  const [latest] = await rt.store.listOperations({ appId: app.id, limit: 1 });
  return observeWithPattern(rt.clients(app.region), app, observeHintsFrom(latest));
}

interface AwsPart {
  state: AppState;
  series: MetricSeries[];
  fetchedAt: number;
  greenVerdict: GreenVerdict;
  /** Each colour's request counts per period over [startMs, endMs), for the settle phase; null when not measurable. */
  requests: SettleInput["requests"];
  startMs: number;
  endMs: number;
}

async function loadAwsPart(rt: Runtime, app: AppConfig, range: RangeMinutes, judge: GreenJudge): Promise<AwsPart> {
  const now = Date.now();
  const periodS = periodFor(range);
  const state = await observeApp(rt, app);
  const plan = metricPlanFor(app, state, periodS);
  // Only whole periods: the period still filling would show as a false drop at the right edge.
  const end = new Date(Math.floor(now / (periodS * 1000)) * periodS * 1000);
  const start = new Date(end.getTime() - range * 60_000);
  const { results } = plan.queries.length ? await getMetricData(rt.clients(app.region).cloudwatch, plan.queries, start, end) : { results: [] };
  const byId = new Map(results.map((r) => [r.id, r.points]));
  const series: MetricSeries[] = plan.series.map((s) => ({ ...s, points: byId.get(s.id) ?? [] }));
  if (plan.requests) {
    // The observed share needs 1-minute request counts; longer ranges use 5-minute points, so widen the window.
    const req = plan.requests;
    const windowMinutes = periodS === 60 ? 3 : 15;
    state.observed = { ...observedShare(byId.get(req.blue) ?? [], byId.get(req.green) ?? [], now, windowMinutes), windowMinutes };
  }
  // Green against blue over the last whole minutes of the same read: no extra AWS call.
  const greenVerdict = judge.judge(greenJudgeInput(series, end.getTime(), GREEN_WINDOW_MINUTES));
  const requests = plan.requests ? { blue: byId.get(plan.requests.blue) ?? [], green: byId.get(plan.requests.green) ?? [], periodS } : null;
  return { state, series, fetchedAt: now, greenVerdict, requests, startMs: start.getTime(), endMs: end.getTime() };
}

/** User-safe text for a failed read (never raw AWS text). */
function readErrorText(err: unknown): string {
  return isAppError(err) ? err.userMessage : "Could not read this application's state.";
}

function toMarker(op: Operation): OperationMarker {
  return {
    id: op.id,
    at: Date.parse(op.startedAt ?? op.createdAt),
    actor: op.actor.email,
    summary: op.summary,
    reason: op.reason,
    status: op.status,
  };
}

export interface SnapshotService {
  snapshot(appId: string, range: RangeMinutes): Promise<AppSnapshot>;
  /**
   * The last good snapshot (1 h), at once, even while AWS does not answer, with why it could not be
   * refreshed; rejects only when the application was never read. For read-only screens (the wall),
   * and the application page's polls (`range`, 60 min by default), which must not hang on AWS.
   */
  lastGood(appId: string, range?: RangeMinutes): Promise<{ snapshot: AppSnapshot; readError: string | null }>;
  summaries(): Promise<AppSummary[]>;
  /** After an operation changed an application, drop its cached AWS state. */
  invalidate(appId: string): void;
  /** AWS refreshes so far (benchmarks). */
  loads(): number;
}

const holder = globalThis as typeof globalThis & { __tealSnapshots?: SnapshotService };

/** The process's snapshot service (one per server, shared by every viewer). */
export function getSnapshotService(rt: Runtime): SnapshotService {
  holder.__tealSnapshots ??= createSnapshotService(rt, { judge: thresholdJudge(rt.config.greenJudge) });
  return holder.__tealSnapshots;
}

/**
 * A snapshot service over `rt`; `now` is injectable so tests can drive the refresh interval, and
 * `judge` decides whether green is worse than blue (the threshold judge by default).
 */
export function createSnapshotService(rt: Runtime, opts: { now?: () => number; judge?: GreenJudge } = {}): SnapshotService {
  const judge = opts.judge ?? thresholdJudge();
  const cache: SnapshotCache<AwsPart> = createSnapshotCache({
    ttlMs: rt.env.TEAL_REFRESH_MS,
    now: opts.now,
    load: async (key) => {
      const [appId, range] = key.split("|");
      const app = rt.app(appId ?? "");
      if (!app) throw new AppError("not_found", `No application ${appId}`);
      return loadAwsPart(rt, app, Number(range) as RangeMinutes, judge);
    },
  });

  const currentOperation = async (appId: string): Promise<Operation | null> => {
    const [active] = await rt.store.listOperations({ appId, status: [...IN_FLIGHT_STATUSES], limit: 1 });
    if (active) return active;
    const [last] = await rt.store.listOperations({ appId, limit: 1 });
    return last ?? null;
  };

  /** Drift of a read against the application's last successful operation (journal read, no AWS call). */
  const driftOf = async (appId: string, state: AppState, readAtMs: number, current: Operation | null): Promise<Drift | null> => {
    const [reference] = await rt.store.listOperations({ appId, status: "succeeded", limit: 1 });
    return driftAgainst({ reference, current, state, readAtMs });
  };

  /**
   * Whether traffic has followed the application's latest operation (same read, no AWS call); the
   * moment it settled is journaled the first time a server sees it (a compare-and-set: once).
   */
  const settleOf = async (part: AwsPart, operation: Operation | null): Promise<TrafficSettle | null> => {
    if (!operation) return null;
    const settle = trafficSettle({
      operation,
      configuredGreenPercent: part.state.configured.greenPercent,
      requests: part.requests,
      dataStartMs: part.startMs,
      dataEndMs: part.endMs,
      cause: drainCauseOf(part.state),
      nowMs: Date.now(),
      tolerancePoints: rt.config.settleTolerancePoints,
    });
    if (settle?.phase === "settled" && !settle.recorded && settle.settledAt !== null) {
      await rt.store
        .recordSettled(operation.id, settle.settledAt)
        .catch((error: unknown) => console.error("[snapshots] recording when traffic settled failed:", error));
    }
    return settle;
  };

  async function assemble(appId: string, range: RangeMinutes, aws: (key: string) => Promise<AwsPart>): Promise<AppSnapshot> {
    const app = rt.app(appId);
    if (!app) throw new AppError("not_found", `There is no application "${appId}" in Teal's config.`);
    const [part, operation, recent] = await Promise.all([
      aws(`${appId}|${range}`),
      currentOperation(appId),
      rt.store.listOperations({ appId, limit: 100 }),
    ]);
    const drift = await driftOf(appId, part.state, part.fetchedAt, operation);
    const since = Date.now() - range * 60_000;
    const planning = planningFor(app.pattern);
    if (!planning) throw new AppError("invalid", `Teal does not support the ${app.pattern} pattern yet.`);
    return {
      app: { id: app.id, name: app.name, pattern: app.pattern, region: app.region },
      pattern: planning.description,
      state: part.state,
      metrics: { rangeMinutes: range, series: part.series },
      markers: recent.map(toMarker).filter((m) => m.at >= since),
      operation,
      generatedAt: new Date(part.fetchedAt).toISOString(),
      drift,
      greenVerdict: part.greenVerdict,
      settle: await settleOf(part, operation),
    };
  }

  const service: SnapshotService = {
    snapshot: (appId, range) => assemble(appId, range, (key) => cache.get(key)),
    async lastGood(appId, range = 60) {
      let readError: string | null = null;
      const snapshot = await assemble(appId, range, async (key) => {
        const cached = await cache.read(key);
        if (cached.error !== null) readError = readErrorText(cached.error);
        return cached.value;
      });
      return { snapshot, readError };
    },
    async summaries() {
      return Promise.all(
        rt.config.applications.map(async (app): Promise<AppSummary> => {
          const operation = await currentOperation(app.id);
          const opView = operation
            ? {
                id: operation.id,
                status: operation.status,
                summary: operation.summary,
                intent: operation.intent,
                actor: operation.actor,
                createdAt: operation.createdAt,
              }
            : null;
          try {
            // The last good read, even when the latest refresh failed: the wall keeps showing it,
            // says how old it is and why it is not newer.
            const { value: aws, error } = await cache.read(`${app.id}|60`);
            const s = aws.state;
            return {
              id: app.id,
              name: app.name,
              pattern: app.pattern,
              region: app.region,
              configuredGreenPercent: s.configured.greenPercent,
              observedGreenPercent: s.observed.greenPercent,
              health: {
                blue: { healthy: s.environments.blue.healthy, unhealthy: s.environments.blue.unhealthy },
                green: { healthy: s.environments.green.healthy, unhealthy: s.environments.green.unhealthy },
              },
              operation: opView,
              dataAgeMs: Math.max(0, Date.now() - aws.fetchedAt),
              error: error === null ? null : readErrorText(error),
              drift: await driftOf(app.id, s, aws.fetchedAt, operation),
              greenVerdict: aws.greenVerdict,
              settle: await settleOf(aws, operation),
              ...(s.observed.windowMinutes !== undefined ? { observedWindowMinutes: s.observed.windowMinutes } : {}),
              figures: appFigures(s),
            };
          } catch (err) {
            return {
              id: app.id,
              name: app.name,
              pattern: app.pattern,
              region: app.region,
              configuredGreenPercent: null,
              observedGreenPercent: null,
              health: null,
              operation: opView,
              dataAgeMs: null,
              error: readErrorText(err),
              drift: null,
            };
          }
        }),
      );
    },
    invalidate(appId) {
      for (const range of [60, 180, 720, 1440]) cache.invalidate(`${appId}|${range}`);
    },
    loads: () => cache.loads(),
  };
  return service;
}
