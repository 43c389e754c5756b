import "server-only";
import type { AppSnapshot, AppState, AppSummary, MetricSeries, Operation, OperationMarker } from "@/lib/domain/types";
import { AppError } from "@/lib/domain/types";
import { getMetricData } from "@/lib/aws/cloudwatch";
import type { AppConfig } from "@/lib/config/schema";
import { observedShare, periodFor, type RangeMinutes } from "@/lib/metrics/catalog";
import { createSnapshotCache, type SnapshotCache } from "@/lib/metrics/snapshot-cache";
import { planningFor } from "@/lib/patterns/catalog";
import { metricPlanFor, observeHintsFrom, observeWithPattern } from "@/lib/patterns/registry";
import type { Runtime } from "./runtime";

/** Reads one application's AWS state, fresh (plans and version checks use this, never a cache). */
export async function observeApp(rt: Runtime, app: AppConfig): Promise<AppState> {
  const [latest] = await rt.store.listOperations({ appId: app.id, limit: 1 });
  return observeWithPattern(rt.clients(app.region), app, observeHintsFrom(latest));
}

interface AwsPart {
  state: AppState;
  series: MetricSeries[];
  fetchedAt: number;
}

async function loadAwsPart(rt: Runtime, app: AppConfig, range: RangeMinutes): Promise<AwsPart> {
  const now = Date.now();
  const periodS = periodFor(range);
  const state = await observeApp(rt, app);
  const plan = metricPlanFor(app, state, periodS);
  // Only whole periods: the period still filling would show as a false drop at the right edge.
  const end = new Date(Math.floor(now / (periodS * 1000)) * periodS * 1000);
  const start = new Date(end.getTime() - range * 60_000);
  const { results } = plan.queries.length
    ? await getMetricData(rt.clients(app.region).cloudwatch, plan.queries, start, end)
    : { results: [] };
  const byId = new Map(results.map((r) => [r.id, r.points]));
  const series: MetricSeries[] = plan.series.map((s) => ({ ...s, points: byId.get(s.id) ?? [] }));
  if (plan.requests) {
    // The observed share needs 1-minute request counts; longer ranges use 5-minute points, so widen the window.
    const req = plan.requests;
    state.observed = observedShare(byId.get(req.blue) ?? [], byId.get(req.green) ?? [], now, periodS === 60 ? 3 : 15);
  }
  return { state, series, fetchedAt: now };
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
  summaries(): Promise<AppSummary[]>;
  /** After an operation changed an application, drop its cached AWS state. */
  invalidate(appId: string): void;
  /** AWS refreshes so far (benchmarks). */
  loads(): number;
}

const holder = globalThis as typeof globalThis & { __tealSnapshots?: SnapshotService };

/** The process's snapshot service (one per server, shared by every viewer). */
export function getSnapshotService(rt: Runtime): SnapshotService {
  holder.__tealSnapshots ??= createSnapshotService(rt);
  return holder.__tealSnapshots;
}

/** A snapshot service over `rt`; `now` is injectable so tests can drive the refresh interval. */
export function createSnapshotService(rt: Runtime, opts: { now?: () => number } = {}): SnapshotService {
  const cache: SnapshotCache<AwsPart> = createSnapshotCache({
    ttlMs: rt.env.TEAL_REFRESH_MS,
    now: opts.now,
    load: async (key) => {
      const [appId, range] = key.split("|");
      const app = rt.app(appId ?? "");
      if (!app) throw new AppError("not_found", `No application ${appId}`);
      return loadAwsPart(rt, app, Number(range) as RangeMinutes);
    },
  });

  const currentOperation = async (appId: string): Promise<Operation | null> => {
    const [active] = await rt.store.listOperations({ appId, status: ["pending", "running", "interrupted"], limit: 1 });
    if (active) return active;
    const [last] = await rt.store.listOperations({ appId, limit: 1 });
    return last ?? null;
  };

  const service: SnapshotService = {
    async snapshot(appId, range) {
      const app = rt.app(appId);
      if (!app) throw new AppError("not_found", `There is no application "${appId}" in Teal's config.`);
      const [aws, operation, recent] = await Promise.all([
        cache.get(`${appId}|${range}`),
        currentOperation(appId),
        rt.store.listOperations({ appId, limit: 100 }),
      ]);
      const since = Date.now() - range * 60_000;
      const planning = planningFor(app.pattern);
      if (!planning) throw new AppError("invalid", `Teal does not support the ${app.pattern} pattern yet.`);
      return {
        app: { id: app.id, name: app.name, pattern: app.pattern, region: app.region },
        pattern: planning.description,
        state: aws.state,
        metrics: { rangeMinutes: range, series: aws.series },
        markers: recent.map(toMarker).filter((m) => m.at >= since),
        operation,
        generatedAt: new Date(aws.fetchedAt).toISOString(),
      };
    },
    async summaries() {
      return Promise.all(
        rt.config.applications.map(async (app): Promise<AppSummary> => {
          const operation = await currentOperation(app.id);
          const opView = operation
            ? { id: operation.id, status: operation.status, summary: operation.summary, intent: operation.intent, actor: operation.actor, createdAt: operation.createdAt }
            : null;
          try {
            const aws = await cache.get(`${app.id}|60`);
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
              error: null,
            };
          } catch (err) {
            const message = err instanceof AppError ? err.userMessage : "Could not read this application's state.";
            return { id: app.id, name: app.name, pattern: app.pattern, region: app.region, configuredGreenPercent: null, observedGreenPercent: null, health: null, operation: opView, error: message };
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
