import "server-only";
import type { AppState } from "@/lib/domain/app-state";
import { isAppError } from "@/lib/domain/app-error";
import type { MetricSeries } from "@/lib/domain/snapshot";
import { getMetricData } from "@/lib/aws/cloudwatch";
import type { AwsClients } from "@/lib/aws/clients";
import type { AppConfig } from "@/lib/config/schema";
import { observedShare, periodFor, type RangeMinutes } from "@/lib/metrics/catalog";
import { judgeReads, trafficOf, trafficReads, type Traffic } from "@/lib/metrics/green-window";
import { WALL_ERROR_MINUTES } from "@/lib/wall/errors";
import type { SeriesStore } from "@/lib/metrics/series-store";
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
  /**
   * Only the series the overview needs were read (each colour's requests, 5xx and latency: the
   * observed share, the green verdict, the wall's 5xx); the others are listed without points.
   */
  partial?: true;
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
  /**
   * When the load balancers' health in `state` was read, when an idle refresh took it from an
   * earlier one (ms, same clock as `readAt`; TEAL_IDLE_HEALTH_EVERY). Absent: with the rest.
   */
  healthReadAt?: number;
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
  /**
   * A page's read through the Region's held series (lib/metrics/series-store.ts) instead of its own
   * GetMetricData call; `charts: false` reads only what the overview needs (`ChartRead.partial`).
   */
  metrics?: { store: SeriesStore; charts: boolean };
  /** The moment of the read (ms; now by default): the clock the held series follow. */
  nowMs?: number;
}

/** User-safe words for why CloudWatch could not be read (never AWS's own text). */
export function metricsErrorText(error: unknown): string {
  return isAppError(error) ? error.userMessage : "CloudWatch could not be read.";
}

/** Why a rollback's observation carries no metrics. */
export const METRICS_NOT_READ = "CloudWatch is not read before a rollback: its plan does not need the metrics.";

/**
 * Reads one application's whole state, fresh: the one observe of Teal. The snapshot service caches
 * its result per application for the pages; plans and version checks call it directly.
 */
export async function observeApp(rt: Runtime, app: AppConfig, opts: ObserveOptions = {}): Promise<Observation> {
  const readAt = opts.nowMs ?? Date.now();
  const clients = opts.patient
    ? rt.patientClients(app.region, app.assumeRole)
    : opts.page
      ? rt.pageClients(app.region, app.assumeRole)
      : rt.clients(app.region, app.assumeRole);
  const [latest] = await rt.store.listOperations({ appId: app.id, limit: 1 });
  const state = await observeWithPattern(clients, app, observeHintsFrom(latest));
  const plan = metricPlanFor(app, state, periodFor(RECENT_RANGE));
  const unread = (error: unknown): Observation => ({
    state: { ...state, observed: { ...state.observed, unmeasured: opts.patient ? "not read" : "metrics unavailable" } },
    readAt,
    recent: { rangeMinutes: RECENT_RANGE, series: plan.series.map((s) => ({ ...s, points: [] })), requests: null, startMs: readAt, endMs: readAt },
    metricsError: error,
  });
  if (opts.patient) return unread(new Error(METRICS_NOT_READ));
  try {
    const recent = opts.metrics
      ? opts.metrics.charts
        ? await readHeldCharts(opts.metrics.store, plan, plan, RECENT_RANGE, app.id)
        : await readOverviewCharts(opts.metrics.store, plan, RECENT_RANGE, app.id)
      : await readPlannedCharts(clients, plan, RECENT_RANGE, readAt);
    if (recent.requests) {
      // The minute is that of the read's end (the same as readAt's when read now; the held series' clock otherwise).
      const share = observedShare(recent.requests.blue, recent.requests.green, opts.metrics ? recent.endMs : readAt, OBSERVED_WINDOW_MINUTES);
      state.observed = { ...share, windowMinutes: OBSERVED_WINDOW_MINUTES };
    }
    return { state, readAt, recent, metricsError: null };
  } catch (error) {
    return unread(error);
  }
}

/** The charts of a range from an observed state (its metric dimensions): one GetMetricData call, a page's read. */
export function readCharts(rt: Runtime, app: AppConfig, state: AppState, range: RangeMinutes, store?: SeriesStore): Promise<ChartRead> {
  const plan = metricPlanFor(app, state, periodFor(range));
  return store
    ? readHeldCharts(store, plan, plan, range, app.id)
    : readPlannedCharts(rt.pageClients(app.region, app.assumeRole), plan, range, Date.now());
}

/**
 * What the overview needs of a plan: each colour's request count (the observed share, the settle
 * phase) and the series the green verdict and the wall's 5xx read; every series stays listed. With
 * `traffic` known, no more than those figures can use (`trafficReads`): a colour's 5xx only while it
 * has carried requests in the sparkline's span, green's latency only while it can be judged, blue's
 * only while both carry requests. An application with all its traffic on blue then costs three
 * metrics a minute instead of eight.
 */
export function overviewPlan(plan: MetricPlan, traffic: Traffic | null = null): MetricPlan {
  const reads = traffic ? (s: MetricPlan["series"][number]) => judgeReads(s) && trafficReads(s, traffic) : judgeReads;
  const ids = new Set([...plan.series.filter(reads).map((s) => s.id), ...(plan.requests ? [plan.requests.blue, plan.requests.green] : [])]);
  return { ...plan, queries: plan.queries.filter((q) => ids.has(q.id)) };
}

/**
 * The overview's read from the held series: each colour's request counts first, then what they say
 * is worth reading (`overviewPlan` with the traffic). Both from the store: in a minute already read
 * for the Region, neither asks CloudWatch anything.
 */
async function readOverviewCharts(store: SeriesStore, plan: MetricPlan, range: RangeMinutes, appId: string): Promise<ChartRead> {
  if (!plan.requests) return readHeldCharts(store, overviewPlan(plan), plan, range, appId);
  const { blue, green } = plan.requests;
  const counts = await store.read(
    plan.queries.filter((q) => q.id === blue || q.id === green),
    range,
    periodFor(range),
    appId,
  );
  const traffic = trafficOf({ blue: counts.points.get(blue) ?? [], green: counts.points.get(green) ?? [] }, counts.endMs, WALL_ERROR_MINUTES);
  return readHeldCharts(store, overviewPlan(plan, traffic), plan, range, appId);
}

/** A range's charts from the Region's held series: `read` is what is asked, `plan` every series the read lists. */
async function readHeldCharts(store: SeriesStore, read: MetricPlan, plan: MetricPlan, range: RangeMinutes, appId: string): Promise<ChartRead> {
  const held = await store.read(read.queries, range, periodFor(range), appId);
  const series: MetricSeries[] = plan.series.map((s) => ({ ...s, points: held.points.get(s.id) ?? [] }));
  const requests = plan.requests
    ? { blue: held.points.get(plan.requests.blue) ?? [], green: held.points.get(plan.requests.green) ?? [], periodS: periodFor(range) }
    : null;
  const partial = read.queries.length < plan.queries.length;
  return { rangeMinutes: range, series, requests, startMs: held.startMs, endMs: held.endMs, ...(partial ? { partial: true as const } : {}) };
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
