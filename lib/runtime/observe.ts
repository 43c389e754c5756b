import "server-only";
import type { AppState } from "@/lib/domain/app-state";
import type { MetricSeries } from "@/lib/domain/snapshot";
import { getMetricData } from "@/lib/aws/cloudwatch";
import type { AwsClients } from "@/lib/aws/clients";
import type { AppConfig } from "@/lib/config/schema";
import { observedShare, periodFor, type RangeMinutes } from "@/lib/metrics/catalog";
import { metricPlanFor, observeHintsFrom, observeWithPattern, type MetricPlan } from "@/lib/patterns/registry";
import type { Runtime } from "./runtime";

type MetricPoint = MetricSeries["points"][number];

/** The chart range every observation reads with the state: the application page's default, in whole minutes. */
export const RECENT_RANGE: RangeMinutes = 60;
/** The observed share is summed over this many whole minutes of the recent read. */
export const OBSERVED_WINDOW_MINUTES = 3;

/** One GetMetricData read of an application's charts over a range, whole periods only. */
export interface ChartRead {
  rangeMinutes: RangeMinutes;
  series: MetricSeries[];
  /** Each colour's request counts per period over [startMs, endMs), for the settle phase; null when not measurable. */
  requests: { blue: MetricPoint[]; green: MetricPoint[]; periodS: number } | null;
  startMs: number;
  endMs: number;
}

/** An application as Teal sees it at one moment: what plans, version checks and every page start from. */
export interface Observation {
  /**
   * The whole state: AWS read through the pattern's observer with the journal's hints, and the
   * observed share from the same read's request counts (left unmeasured when CloudWatch failed).
   */
  state: AppState;
  /** When the read began (ms). */
  readAt: number;
  /** The last hour per minute: the observed share, green against blue and the settle phase come from it. */
  recent: ChartRead;
  /** Why CloudWatch could not be read (a page shows the read as failed; a plan does not need it); null when it was. */
  metricsError: unknown;
}

/**
 * Which clients read: the default ones, or (a rollback) the patient ones that ride out throttling,
 * 5xx and silence. A patient observe waits at most `PATIENT_METRICS_MS` for CloudWatch: a rollback
 * plans from the configuration, not from the metrics, and must not start later because CloudWatch is slow.
 */
export interface ObserveOptions {
  patient?: boolean;
}

export const PATIENT_METRICS_MS = 1_000;

/** `work`, or a rejection once `ms` have passed without it (the work goes on unobserved). */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`CloudWatch did not answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Reads one application's whole state, fresh: the one observe of Teal. The snapshot service caches
 * its result per application for the pages; plans and version checks call it directly.
 */
export async function observeApp(rt: Runtime, app: AppConfig, opts: ObserveOptions = {}): Promise<Observation> {
  const readAt = Date.now();
  const clients = opts.patient ? rt.patientClients(app.region) : rt.clients(app.region);
  const [latest] = await rt.store.listOperations({ appId: app.id, limit: 1 });
  const state = await observeWithPattern(clients, app, observeHintsFrom(latest));
  const plan = metricPlanFor(app, state, periodFor(RECENT_RANGE));
  try {
    const read = readPlannedCharts(clients, plan, RECENT_RANGE, readAt);
    const recent = opts.patient ? await within(read, PATIENT_METRICS_MS) : await read;
    if (recent.requests) {
      const share = observedShare(recent.requests.blue, recent.requests.green, readAt, OBSERVED_WINDOW_MINUTES);
      state.observed = { ...share, windowMinutes: OBSERVED_WINDOW_MINUTES };
    }
    return { state, readAt, recent, metricsError: null };
  } catch (error) {
    const recent = {
      rangeMinutes: RECENT_RANGE,
      series: plan.series.map((s) => ({ ...s, points: [] })),
      requests: null,
      startMs: readAt,
      endMs: readAt,
    };
    return { state, readAt, recent, metricsError: error };
  }
}

/** The charts of a range from an observed state (its metric dimensions): one GetMetricData call. */
export function readCharts(rt: Runtime, app: AppConfig, state: AppState, range: RangeMinutes): Promise<ChartRead> {
  return readPlannedCharts(rt.clients(app.region), metricPlanFor(app, state, periodFor(range)), range, Date.now());
}

async function readPlannedCharts(clients: AwsClients, plan: MetricPlan, range: RangeMinutes, nowMs: number): Promise<ChartRead> {
  const periodMs = periodFor(range) * 1000;
  // Only whole periods: the period still filling would show as a false drop at the right edge.
  const end = new Date(Math.floor(nowMs / periodMs) * periodMs);
  const start = new Date(end.getTime() - range * 60_000);
  const { results } = plan.queries.length ? await getMetricData(clients.cloudwatch, plan.queries, start, end) : { results: [] };
  const byId = new Map(results.map((r) => [r.id, r.points]));
  const series: MetricSeries[] = plan.series.map((s) => ({ ...s, points: byId.get(s.id) ?? [] }));
  const requests = plan.requests
    ? { blue: byId.get(plan.requests.blue) ?? [], green: byId.get(plan.requests.green) ?? [], periodS: periodMs / 1000 }
    : null;
  return { rangeMinutes: range, series, requests, startMs: start.getTime(), endMs: end.getTime() };
}
