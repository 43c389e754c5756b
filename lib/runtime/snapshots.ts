import "server-only";
import { PAGE_POLL_MS, type AppSnapshot, type AppSummary, type OperationMarker } from "@/lib/domain/snapshot";
import type { Drift } from "@/lib/domain/app-state";
import type { Operation } from "@/lib/domain/operation";
import { AppError, isAppError } from "@/lib/domain/app-error";
import { GREEN_WINDOW_MINUTES, metricsUnavailableVerdict, thresholdJudge, type GreenJudge, type GreenVerdict } from "@/lib/domain/green-verdict";
import { RANGES_MINUTES, type RangeMinutes } from "@/lib/metrics/catalog";
import { greenJudgeInput } from "@/lib/metrics/green-window";
import { drainCauseOf, trafficSettle, type TrafficSettle } from "@/lib/domain/traffic-settle";
import { createSnapshotCache, type Cached, type SnapshotCache } from "@/lib/metrics/snapshot-cache";
import { createSeriesStore, type SeriesStore, type SeriesStoreStats } from "@/lib/metrics/series-store";
import { getMetricData } from "@/lib/aws/cloudwatch";
import { roleKey } from "@/lib/aws/assume-role";
import type { AppConfig } from "@/lib/config/schema";
import { IDLE_STRETCH_MAX, inReadTurn, stretchedIdleMs, type ReadTurn } from "@/lib/aws/read-budget";
import { planningFor } from "@/lib/patterns/catalog";
import { appFigures } from "@/lib/domain/figures";
import { driftAgainst } from "@/lib/patterns/drift";
import { metricsErrorText, observeApp, readCharts, RECENT_RANGE, type ChartRead, type Observation } from "./observe";
import { createSharedRefresh, type SharedRefresh } from "./shared-refresh";
import type { Runtime } from "./runtime";
import { IN_FLIGHT_STATUSES, isInFlightStatus } from "@/lib/domain/operation-status";
import { logger } from "@/lib/telemetry/log";
import { refreshDuration, snapshotAge } from "@/lib/telemetry/teal-metrics";

/** What the snapshot service keeps per application: the observation and green judged against blue from it. */
interface Observed {
  observation: Observation;
  greenVerdict: GreenVerdict;
  /** Why CloudWatch could not be read with this observation (user-safe); null when it was. */
  metricsError: string | null;
}

/** One application's observation and the charts of one range, as a snapshot is made of them. */
interface Parts {
  observed: Observed;
  charts: ChartRead;
}

/**
 * Whether a failed read only came late (held back by the read budget, throttled by AWS, or not
 * answered in time) or AWS answered it with an error.
 */
export function readErrorKind(err: unknown): "late" | "failed" {
  if (!isAppError(err)) return "failed";
  return err.code === "throttled" || (err.transient && err.awsName === null) ? "late" : "failed";
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
  /** After an operation changed an application, drop its cached AWS state (and read it fast while the operation runs). */
  invalidate(appId: string): void;
  /** Someone has the application's page open: read it at the fast interval for a while. */
  watch(appId: string): void;
  /** How often the application is read now: the fast interval while watched or busy, else the idle one (ms). */
  refreshMs(appId: string): number;
  /** AWS refreshes so far (benchmarks): reads another server stored and this one served are not counted. */
  loads(): number;
  /** GetMetricData calls and metrics requested so far through the held series, all Regions (benchmarks, tests). */
  metricReads(): SeriesStoreStats;
}

const holder = globalThis as typeof globalThis & { __tealSnapshots?: SnapshotService };

/** The process's snapshot service (one per server, shared by every viewer). */
export function getSnapshotService(rt: Runtime): SnapshotService {
  holder.__tealSnapshots ??= createSnapshotService(rt, { judge: thresholdJudge(rt.config.greenJudge) });
  return holder.__tealSnapshots;
}

/**
 * How long the overview waits for an application's first read (ms): past it, the application is
 * listed as not read yet and its read goes on behind the answer. At 200 applications first reads
 * queued behind the AWS budget for up to 20 s, and the whole overview with them.
 */
export const SUMMARY_FIRST_WAIT_MS = 2_000;

function firstReadPending(): AppError {
  return new AppError(
    "throttled",
    "Not read yet: AWS is slow to answer, or the read waits its turn under AWS's rate limits.",
    "first read still pending",
    { transient: true },
  );
}

/** An application counts as watched for this many fast intervals after its page last asked for it. */
export const WATCH_GRACE_INTERVALS = 3;

/**
 * Where an application's idle refresh windows start, as a share of the window (0 ≤ phase < 1): a
 * hash of its id (FNV-1a with a final mix), so it is the same on every server and every start, and a fleet's
 * applications fall due evenly over the window.
 */
export function phaseOf(appId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < appId.length; i++) {
    h ^= appId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Ids that differ only in their last characters (fleet-001, fleet-002, …) differ only in the low
  // bits of FNV-1a: a final mix (MurmurHash3's) spreads them over the whole range.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/**
 * Applications nobody watches are read in groups of about this many, each group at its own phase of
 * the idle window. Read together, a group's load balancer, target group and instance lookups merge
 * into fewer calls (lib/aws/batched-reads.ts; ELBv2 takes 20 names a call): spread one by one, as
 * they were, the 8 demo applications cost 11.2 AWS requests per application per minute, read as one
 * group 9.2 (BENCHMARKS.md, fleet). Groups keep a fleet of 200 from asking AWS for one window's
 * reads in one burst.
 */
export const IDLE_GROUP_APPS = 20;

/**
 * An application's idle phase in a fleet of `fleetSize`: its hash phase rounded down to one of
 * ceil(fleetSize / groupApps) evenly spaced starts. A fleet of up to one group reads all at once.
 */
export function idlePhaseOf(appId: string, fleetSize: number, groupApps = IDLE_GROUP_APPS): number {
  const groups = Math.max(1, Math.ceil(fleetSize / Math.max(1, groupApps)));
  return Math.floor(phaseOf(appId) * groups) / groups;
}

/**
 * A snapshot service over `rt`; `now` is injectable so tests can drive the refresh interval, and
 * `judge` decides whether green is worse than blue (the threshold judge by default).
 *
 * The cadence follows what is on screen: an application whose page is open (`watch`) or that has
 * an operation in flight is read every `TEAL_REFRESH_MS`; every other one, which only the overview
 * and the wall show, every `TEAL_IDLE_REFRESH_MS`. Each summary says which interval its data follows.
 *
 * Two caches, one refresh per interval each: the observation per application (the AWS state and
 * the last hour's metrics it reads with it: every page, the overview and the wall share it, whatever
 * the chart range), and the charts of the longer ranges, which cost one GetMetricData call and no
 * state read.
 */
export function createSnapshotService(
  rt: Runtime,
  opts: {
    now?: () => number;
    judge?: GreenJudge;
    /** The clock that says which CloudWatch periods have ended (real time by default; tests drive it). */
    metricsNow?: () => number;
    /**
     * Share the refresh with the other servers on the database (lib/runtime/shared-refresh.ts): on by
     * default with PostgreSQL, the store several servers share; off with SQLite, one server's file.
     */
    sharedRefresh?: boolean;
    /**
     * Applications nobody watches fall due spread over the idle interval, in groups each at its
     * own phase (idlePhaseOf; the default). Off, every window starts on the clock's multiples of
     * the interval, all at once: for tests that count the reads of whole windows.
     */
    spreadIdleReads?: boolean;
    /** Applications read together in one idle group (IDLE_GROUP_APPS by default). */
    idleGroupApps?: number;
    /** Stretch the idle interval while a cycle's reads would ask more than the AWS budget gives (on by default). */
    adaptIdleInterval?: boolean;
  } = {},
): SnapshotService {
  const judge = opts.judge ?? thresholdJudge();
  const now = opts.now ?? Date.now;
  const fastMs = rt.env.TEAL_REFRESH_MS;
  const idleMs = Math.max(fastMs, rt.env.TEAL_IDLE_REFRESH_MS);
  /**
   * The idle interval now: the configured one, stretched while the idle reads of a cycle would ask
   * more of a service's AWS budget than it gives (stretchedIdleMs). At 200 applications the classic
   * ELB and ELBv2 health reads of one 30 s cycle asked for about all of their budget (half of AWS's
   * 10 a second): the reads queued, the last of each cycle were refused, and the same applications'
   * data grew minutes old (BENCHMARKS.md, fleet). Stretched, every application is read once a cycle
   * and each summary says how long its cycle now is (`refreshMs`). Checked once a cycle.
   */
  let idleNowMs = idleMs;
  let idleCheckedAt = now();
  /** The refresh shared with the other servers on the database (below), or null. */
  let shared: SharedRefresh | null = null;
  const idleInterval = (): number => {
    const budget = rt.readBudget;
    if (budget === null || opts.adaptIdleInterval === false || idleMs <= fastMs) return idleMs;
    const t = now();
    if (t - idleCheckedAt >= idleNowMs) {
      const { key, share } = budget.busiest(idleNowMs);
      const next = stretchedIdleMs(idleNowMs, share, idleMs);
      const changed = next !== idleNowMs;
      if (changed) logger.info("refresh.idle_interval", { fromMs: idleNowMs, toMs: next, busiest: key, budgetShare: Math.round(share * 100) / 100 });
      idleNowMs = next;
      idleCheckedAt = t;
      // The Region leases this server holds last as long as its interval: renewed to the new one at
      // once, so that another server does not find them lapsed before this server's next read.
      if (changed) void shared?.renew();
    }
    return idleNowMs;
  };
  const watchedAt = new Map<string, number>();
  const busy = new Set<string>();
  const watched = (appId: string): boolean => now() - (watchedAt.get(appId) ?? -Infinity) <= WATCH_GRACE_INTERVALS * fastMs;
  const idleApp = (appId: string): boolean => !busy.has(appId) && !watched(appId);
  const intervalOf = (appId: string): number => (idleApp(appId) ? idleInterval() : fastMs);
  /**
   * The CloudWatch series of each Region, held and read incrementally, every application's due
   * series in one call (lib/metrics/series-store.ts). A series nobody asked for over two idle
   * intervals and a minute (a page closed) is dropped and no longer read.
   */
  const seriesStores = new Map<string, SeriesStore>();
  // One store per Region and role: an application in another account reads its metrics with its role.
  const seriesKey = (app: AppConfig): string => `${app.region}\n${roleKey(app.assumeRole)}`;
  const seriesOf = (app: AppConfig): SeriesStore => {
    const key = seriesKey(app);
    let store = seriesStores.get(key);
    if (!store) {
      const clients = rt.pageClients(app.region, app.assumeRole);
      store = createSeriesStore({
        read: (queries, start, end) => getMetricData(clients.cloudwatch, queries, start, end),
        now: opts.metricsNow,
        rereadPeriods: rt.env.TEAL_METRICS_REREAD_PERIODS,
        keepMs: 2 * IDLE_STRETCH_MAX * idleMs + 60_000,
      });
      seriesStores.set(key, store);
    }
    return store;
  };
  /** Follows what the journal says of the application's operation: in flight means read fast. */
  const noteOperation = (appId: string, operation: Operation | null): void => {
    if (isInFlightStatus(operation?.status)) busy.add(appId);
    else busy.delete(appId);
  };
  const appOf = (appId: string) => {
    const app = rt.app(appId);
    if (!app) throw new AppError("not_found", `There is no application "${appId}" in Teal's config.`);
    return app;
  };
  /** Applications whose reads AWS answered with an error since their last good read (`AppSummary.errorKind`). */
  const answeredWithError = new Set<string>();
  /** Applications this server's operation changed: their next refresh reads AWS, whatever another server stored. */
  const fresh = new Set<string>();
  /** Applications whose latest read could not read CloudWatch (for the log). */
  const metricsFailing = new Set<string>();
  /** When each application's last good read was made (epoch ms): `teal_snapshot_age_seconds`. */
  const lastGoodReadAt = new Map<string, number>();
  // The process's service (getSnapshotService) is the last one created: its ages are the ones scraped.
  snapshotAge.collect(() => {
    const at = Date.now();
    return [...lastGoodReadAt].map(([app, readAt]) => ({ labels: { app }, value: Math.max(0, at - readAt) / 1000 }));
  });
  /**
   * Load balancer health every `TEAL_IDLE_HEALTH_EVERY` idle refreshes: each application counts
   * its own, from an offset its id gives, so that a fleet's health reads fall evenly over the
   * cycles. Counted from zero for all, every application read its health in the same cycle and
   * none in the next; the idle interval, measured on a light cycle, was then too short for the
   * heavy one, whose reads the budget refused (120 of 200 applications late in the fleet bench).
   */
  const healthEvery = rt.env.TEAL_IDLE_HEALTH_EVERY;
  const idleReadCount = new Map<string, number>();
  const mayReuseHealth = (appId: string): boolean => {
    if (healthEvery <= 1) return false;
    const n = (idleReadCount.get(appId) ?? Math.floor(phaseOf(`${appId}#health`) * healthEvery)) + 1;
    idleReadCount.set(appId, n);
    return n % healthEvery !== 0;
  };
  let awsReads = 0;
  const readAws = async (appId: string): Promise<Observation> => {
    awsReads++;
    // A page's read: it waits its turn in the AWS budget behind operations, or fails fast.
    const app = appOf(appId);
    const began = performance.now();
    let observation: Observation;
    try {
      // Only the overview's series unless the application's page is open: charts nobody shows are not read.
      // Nobody waits for the read of an application only the overview and the wall show: its calls
      // may wait their turn in the AWS budget for up to an idle interval, oldest refresh first.
      // Its load balancers' health (one AWS call per load balancer or target group) may come from
      // one of its last TEAL_IDLE_HEALTH_EVERY - 1 refreshes (docs/aws-behaviour.md §8.3). A refresh
      // comes when a page asks after the interval, up to a page poll later, and a quarter of an
      // interval more is allowed for a refresh that came later still.
      const idle = idleApp(appId) && idleMs > fastMs;
      const reuse = idle && mayReuseHealth(appId);
      const reuseHealthMs = reuse ? (healthEvery - 1) * (idleInterval() * 1.25 + PAGE_POLL_MS) : 0;
      const turn: ReadTurn = { idle, since: now(), reuseHealthMs };
      const read = await inReadTurn(turn, () =>
        observeApp(rt, app, {
          page: true,
          metrics: { store: seriesOf(app), charts: watched(appId) },
          nowMs: (opts.metricsNow ?? Date.now)(),
        }),
      );
      // On the observation's clock: how much older than the read its oldest taken answer is.
      observation = turn.reusedFrom === undefined ? read : { ...read, healthReadAt: read.readAt - (turn.since - turn.reusedFrom) };
    } catch (error) {
      refreshDuration.observe({ outcome: "error" }, (performance.now() - began) / 1000);
      logger.warn("refresh.failed", { appId, error: readErrorText(error), kind: readErrorKind(error) });
      throw error;
    }
    refreshDuration.observe({ outcome: "ok" }, (performance.now() - began) / 1000);
    // Metrics that could not be read degrade alone: the state is fresh, and the page keeps its
    // controls; the charts, the observed share and the green verdict say they are unavailable.
    // Logged when it starts and when it ends, not on every refresh of every application.
    if (observation.metricsError !== null && !metricsFailing.has(appId)) {
      metricsFailing.add(appId);
      logger.warn("metrics.unavailable", { appId, error: observation.metricsError });
    } else if (observation.metricsError === null && metricsFailing.delete(appId)) {
      logger.info("metrics.available", { appId });
    }
    return observation;
  };
  // The lease lasts this server's idle interval now (its budget may have stretched it) and one page poll.
  shared =
    (opts.sharedRefresh ?? rt.store.dialect === "postgres")
      ? createSharedRefresh(rt.store, { now, idleMs: idleInterval, slackMs: fastMs, errorText: readErrorText })
      : null;
  const observations: SnapshotCache<Observed> = createSnapshotCache({
    ttlMs: intervalOf,
    // Applications nobody watches fall due spread over the idle interval, a group at a time, not
    // all at the same moment: 200 applications due at once asked AWS for about 550 requests in one
    // burst, and the budget held most of them back, window after window (BENCHMARKS.md, fleet).
    phase: (appId) =>
      opts.spreadIdleReads !== false && (idleApp(appId) || idleMs === fastMs)
        ? idlePhaseOf(appId, rt.config.applications.length, opts.idleGroupApps)
        : 0,
    now: opts.now,
    load: async (appId) => {
      const app = appOf(appId);
      const readFresh = fresh.delete(appId);
      const observation = shared
        ? await shared.load({
            appId,
            scope: app.region,
            intervalMs: intervalOf(appId),
            fresh: readFresh,
            idle: idleApp(appId),
            read: () => readAws(appId),
          })
        : await readAws(appId);
      lastGoodReadAt.set(appId, observation.readAt);
      if (observation.metricsError !== null) {
        const why = metricsErrorText(observation.metricsError);
        return { observation, greenVerdict: metricsUnavailableVerdict(why), metricsError: why };
      }
      // Green against blue over the last whole minutes of the same read: no extra AWS call.
      const recent = observation.recent;
      return { observation, greenVerdict: judge.judge(greenJudgeInput(recent.series, recent.endMs, GREEN_WINDOW_MINUTES)), metricsError: null };
    },
  });
  const charts: SnapshotCache<ChartRead> = createSnapshotCache({
    ttlMs: (key) => intervalOf(key.split("|")[0] ?? ""),
    now: opts.now,
    load: async (key) => {
      const [appId = "", range] = key.split("|");
      // The metric dimensions come from the application's cached state: no state read of its own.
      const { value } = await observations.read(appId);
      const app = appOf(appId);
      return readCharts(rt, app, value.observation.state, Number(range) as RangeMinutes, seriesOf(app));
    },
  });
  const chartKey = (appId: string, range: RangeMinutes) => `${appId}|${range}`;

  const currentOperation = async (appId: string): Promise<Operation | null> => {
    const [active] = await rt.store.listOperations({ appId, status: [...IN_FLIGHT_STATUSES], limit: 1 });
    const [last] = active ? [active] : await rt.store.listOperations({ appId, limit: 1 });
    noteOperation(appId, last ?? null);
    return last ?? null;
  };

  /** Drift of a read against the application's last successful operation (journal read, no AWS call). */
  const driftOf = async (appId: string, observation: Observation, current: Operation | null): Promise<Drift | null> => {
    const [reference] = await rt.store.listOperations({ appId, status: "succeeded", limit: 1 });
    return driftAgainst({ reference, current, state: observation.state, readAtMs: observation.readAt });
  };

  /**
   * Whether traffic has followed the application's latest operation (the observation's last hour per
   * minute, no AWS call); the moment it settled is journaled the first time a server sees it (a
   * compare-and-set: once).
   */
  const settleOf = async (observation: Observation, operation: Operation | null): Promise<TrafficSettle | null> => {
    if (!operation) return null;
    const settle = trafficSettle({
      operation,
      configuredGreenPercent: observation.state.configured.greenPercent,
      requests: observation.recent.requests,
      dataStartMs: observation.recent.startMs,
      dataEndMs: observation.recent.endMs,
      cause: drainCauseOf(observation.state),
      nowMs: Date.now(),
      tolerancePoints: rt.config.settleTolerancePoints,
    });
    if (settle?.phase === "settled" && !settle.recorded && settle.settledAt !== null) {
      await rt.store
        .recordSettled(operation.id, settle.settledAt)
        .catch((error: unknown) => logger.error("settle.record_failed", { operationId: operation.id, error }));
    }
    return settle;
  };

  async function assemble(appId: string, range: RangeMinutes, parts: () => Promise<Parts>): Promise<AppSnapshot> {
    const app = appOf(appId);
    // The journal first (a moment): an operation in flight makes this read a fast one.
    const [operation, recent] = await Promise.all([currentOperation(appId), rt.store.listOperations({ appId, limit: 100 })]);
    const { observed, charts: read } = await parts();
    const { observation } = observed;
    const drift = await driftOf(appId, observation, operation);
    const since = Date.now() - range * 60_000;
    const planning = planningFor(app.pattern);
    if (!planning) throw new AppError("invalid", `Teal does not support the ${app.pattern} pattern yet.`);
    return {
      app: { id: app.id, name: app.name, pattern: app.pattern, region: app.region },
      pattern: planning.description,
      state: observation.state,
      metrics: { rangeMinutes: range, series: read.series },
      markers: recent.map(toMarker).filter((m) => m.at >= since),
      operation,
      generatedAt: new Date(observation.readAt).toISOString(),
      drift,
      greenVerdict: observed.greenVerdict,
      settle: await settleOf(observation, operation),
      metricsError: observed.metricsError,
    };
  }

  const service: SnapshotService = {
    snapshot: (appId, range) =>
      assemble(appId, range, async () => {
        const observed = await observations.get(appId);
        // An observation read for the overview alone has no chart series: the hour's charts are read apart.
        const recent = range === RECENT_RANGE && !observed.observation.recent.partial;
        return { observed, charts: recent ? observed.observation.recent : await charts.get(chartKey(appId, range)) };
      }),
    async lastGood(appId, range = RECENT_RANGE) {
      let readError: string | null = null;
      let chartsError: string | null = null;
      // A chart read is CloudWatch alone (the state comes from the cached observation): when it
      // fails, the charts say so and the state stays current; the page is not called stale for it.
      const chartsOf = (key: string): Promise<Cached<ChartRead | null>> => charts.read(key).catch((error: unknown) => ({ value: null, error }));
      const snapshot = await assemble(appId, range, async () => {
        // Both reads at once: each answers within a moment with its last good value when AWS does not.
        const [observed, read] = await Promise.all([observations.read(appId), range === RECENT_RANGE ? null : chartsOf(chartKey(appId, range))]);
        // An open page whose observation was read for the overview alone (its page was just opened):
        // the hour's charts apart. The wall (not watching) needs only the overview's series.
        const hour =
          range === RECENT_RANGE && observed.value.observation.recent.partial && watched(appId) ? await chartsOf(chartKey(appId, range)) : null;
        if (observed.error !== null) readError = readErrorText(observed.error);
        const chartFailure = read?.error ?? hour?.error ?? null;
        if (chartFailure !== null) chartsError = metricsErrorText(chartFailure);
        const recent = observed.value.observation.recent;
        // No chart read of this range yet: its series listed without points until CloudWatch answers.
        const empty = (): ChartRead => ({ ...recent, rangeMinutes: range, series: recent.series.map((s) => ({ ...s, points: [] })), requests: null });
        const chartRead = read ? (read.value ?? empty()) : (hour?.value ?? recent);
        return { observed: observed.value, charts: chartRead };
      });
      if (chartsError !== null && !snapshot.metricsError) snapshot.metricsError = chartsError;
      return { snapshot, readError };
    },
    async summaries() {
      // AWS answered a read of these with an error since their last good read: they stay failed
      // (not merely late) when a later read is only held back or times out, until one succeeds.
      const kindOf = (appId: string, error: unknown): "late" | "failed" | undefined => {
        if (error === null) {
          answeredWithError.delete(appId);
          return undefined;
        }
        if (readErrorKind(error) === "failed") answeredWithError.add(appId);
        return answeredWithError.has(appId) ? "failed" : "late";
      };
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
            const { value, error } = await observations.read(app.id, { firstWaitMs: SUMMARY_FIRST_WAIT_MS, pending: firstReadPending });
            const errorKind = kindOf(app.id, error);
            const { observation } = value;
            const s = observation.state;
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
              dataAgeMs: Math.max(0, Date.now() - observation.readAt),
              ...(observation.healthReadAt === undefined ? {} : { healthAgeMs: Math.max(0, Date.now() - observation.healthReadAt) }),
              // Served from another server's reads at its longer interval: that is the data's cadence here.
              refreshMs: Math.max(intervalOf(app.id), shared?.followedMs(app.id) ?? 0),
              error: error === null ? null : readErrorText(error),
              ...(errorKind === undefined ? {} : { errorKind }),
              drift: await driftOf(app.id, observation, operation),
              greenVerdict: value.greenVerdict,
              settle: await settleOf(observation, operation),
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
              refreshMs: intervalOf(app.id),
              error: readErrorText(err),
              errorKind: kindOf(app.id, err),
              drift: null,
            };
          }
        }),
      );
    },
    invalidate(appId) {
      busy.add(appId);
      // Its series are read whole again: what an operation changed is not judged on minutes held from before it.
      const app = rt.app(appId);
      if (app) seriesStores.get(seriesKey(app))?.forget(appId);
      observations.invalidate(appId);
      if (app) fresh.add(appId);
      for (const range of RANGES_MINUTES) charts.invalidate(chartKey(appId, range));
    },
    watch(appId) {
      // Only configured applications: an id from a request never grows the map.
      if (rt.app(appId)) watchedAt.set(appId, now());
    },
    refreshMs: intervalOf,
    loads: () => awsReads + charts.loads(),
    metricReads: () => {
      const total: SeriesStoreStats = { calls: 0, queries: 0 };
      for (const store of seriesStores.values()) {
        const s = store.stats();
        total.calls += s.calls;
        total.queries += s.queries;
      }
      return total;
    },
  };
  return service;
}
