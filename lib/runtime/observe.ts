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
 * Which clients read: the plan clients (an operation's own reads, sent at once), the patient ones
 * that ride out throttling, 5xx and silence (a rollback), or the page clients (a page's snapshot:
 * background reads that wait their turn in the AWS budget and yield to operations, or fail fast;
 * docs/aws-behaviour.md §8.3). A patient observe does not read CloudWatch at all: a rollback plans
 * from the configuration and the control plane, not from the metrics, and its first call must not
 * wait on a metrics read (its observed share is left unmeasured, and `metricsError` says why).
 */
export interface ObserveOptions {
  patient?: boolean;
  page?: boolean;
}

/** Why a rollback's observation carries no metrics. */
export const METRICS_NOT_READ = "CloudWatch is not read before a rollback: its plan does not need the metrics.";

/**
 * Reads one application's whole state, fresh: the one observe of Teal. The snapshot service caches
 * its result per application for the pages; plans and version checks call it directly.
 */
export async function observeApp(rt: Runtime, app: AppConfig, opts: ObserveOptions = {}): Promise<Observation> {
  const readAt = Date.now();
  const clients = opts.patient ? rt.patientClients(app.region) : opts.page ? rt.pageClients(app.region) : rt.clients(app.region);
  const [latest] = await rt.store.listOperations({ appId: app.id, limit: 1 });
  const state = await observeWithPattern(clients, app, observeHintsFrom(latest));
  const plan = metricPlanFor(app, state, periodFor(RECENT_RANGE));
  const unread = (error: unknown): Observation => ({
    state,
    readAt,
    recent: { rangeMinutes: RECENT_RANGE, series: plan.series.map((s) => ({ ...s, points: [] })), requests: null, startMs: readAt, endMs: readAt },
    metricsError: error,
  });
  if (opts.patient) return unread(new Error(METRICS_NOT_READ));
  try {
    const recent = await readPlannedCharts(clients, plan, RECENT_RANGE, readAt);
    if (recent.requests) {
      const share = observedShare(recent.requests.blue, recent.requests.green, readAt, OBSERVED_WINDOW_MINUTES);
      state.observed = { ...share, windowMinutes: OBSERVED_WINDOW_MINUTES };
    }
    return { state, readAt, recent, metricsError: null };
  } catch (error) {
    return unread(error);
  }
}

/** The charts of a range from an observed state (its metric dimensions): one GetMetricData call, a page's read. */
export function readCharts(rt: Runtime, app: AppConfig, state: AppState, range: RangeMinutes): Promise<ChartRead> {
  return readPlannedCharts(rt.pageClients(app.region), metricPlanFor(app, state, periodFor(range)), range, Date.now());
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
