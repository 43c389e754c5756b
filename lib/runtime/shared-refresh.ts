import "server-only";
import { randomUUID } from "node:crypto";
import type { AppState } from "@/lib/domain/app-state";
import { AppError } from "@/lib/domain/app-error";
import type { RefreshLease, RefreshResult, Store, StoredObservation } from "@/lib/store";
import { logger } from "@/lib/telemetry/log";
import { metricsErrorText, type ChartRead, type Observation } from "./observe";

/**
 * The pages' refresh shared by several Teal servers on one database (PostgreSQL): each AWS Region's
 * applications are read from AWS by one server, the holder of the Region's refresh lease, and every
 * read is stored for the other servers, which serve it instead of reading AWS themselves. So two
 * servers with the overview open cost what one costs, and the holder's reads stay batched across
 * the Region's applications (lib/aws/batched-reads.ts) and its CloudWatch series held and read
 * incrementally (lib/metrics/series-store.ts).
 *
 * For one application and one refresh window of the asking server (its interval: fast while the
 * page is open or an operation runs, idle otherwise):
 * - a stored read that began in the window is served (its failure too, as a failed refresh);
 * - else, for an idle application, the server takes or renews the Region's lease (free, lapsed, or
 *   already its own) and reads. Only idle reads take or renew it, so a holder that reads nothing but
 *   a page open on it lets the lease lapse, and another server takes the Region's refresh over;
 * - else another server holds the lease: this one reads the application itself at once when the
 *   holder reads it less often than this server needs (a page open here only), or waits for the
 *   holder's read. An idle application follows the holder's interval where it is longer. The wait
 *   ends when the read is stored, when the lease lapses (the holder died or stopped refreshing; this
 *   server then takes it), or at a deadline: this server's own interval and one page poll
 *   (`slackMs`), or the lease's end and one page poll if that is later. Past the deadline this
 *   server reads that one application itself and leaves the lease to its holder, which is alive (it
 *   renews the lease) but late with this application or not reading it.
 *
 * The lease says the holder's idle interval now and lasts that and one page poll; the holder writes
 * both with each idle read and whenever its interval changes (`renew`), as its read budget may
 * stretch it (docs/aws-behaviour.md §8.3). A lease of the configured length lapsed between a
 * stretched holder's reads, and another server, judging the holder by its own interval or by the
 * interval stored with an application's read before the stretch, took the lease by force: the lease
 * went back and forth, and both servers read the fleet (BENCHMARKS.md, fleet). A server never takes
 * a lease that has not lapsed.
 *
 * Plans and operations never come here: they read AWS themselves (lib/runtime/observe.ts).
 */
export interface SharedRefresh {
  /** This server's id in the leases. */
  readonly serverId: string;
  /** The application's observation for the current window of `intervalMs`: stored by a server, or read by this one. */
  load(request: RefreshRequest): Promise<Observation>;
  /** Reads this server made from AWS, and stored reads it served (tests, benchmarks). */
  stats(): { reads: number; served: number };
  /** The holder's longer idle interval this server last followed for the application (ms), if it did: its data's real cadence. */
  followedMs(appId: string): number | undefined;
  /** This server's idle interval changed: the leases it holds are renewed to last the new one (`leaseMs`). */
  renew(): Promise<void>;
}

export interface RefreshRequest {
  appId: string;
  /** The lease's scope: the application's AWS Region. */
  scope: string;
  /** This server's refresh interval for the application now (ms). */
  intervalMs: number;
  /** Read AWS whatever is stored (this server's operation just changed the application). */
  fresh: boolean;
  /**
   * Only the overview and the wall show the application here (nobody has its page open, no
   * operation of this server runs on it): it then follows the holder's idle interval where that is
   * longer, as the holder's budget stretched it, instead of reading AWS itself.
   */
  idle?: boolean;
  /** This server's read of the application (AWS). */
  read: () => Promise<Observation>;
}

export interface SharedRefreshOptions {
  /** The refresh clock (the snapshot service's). */
  now: () => number;
  /** This server's idle interval now (ms; its read budget may stretch it). Its lease lasts that and `slackMs`. */
  idleMs: () => number;
  /** One page poll (ms): how much longer than its interval a lease lasts, and a waiting server waits. */
  slackMs: number;
  /** How often waiting servers look for the holder's read (real ms; one query for all of them). */
  pollMs?: number;
  serverId?: string;
  /** The user-safe text stored for a failed read (never raw AWS text). */
  errorText: (error: unknown) => string;
}

/** What a load does: read AWS (as the lease holder or not), serve a stored read, or fail as the stored refresh did. */
type Next = { kind: "read"; at: number; holder: boolean } | { kind: "served"; observation: Observation } | { kind: "failed"; error: AppError };

interface Waiter {
  appId: string;
  scope: string;
  windowStart: number;
  deadline: number;
  resolve: () => void;
}

export function createSharedRefresh(store: Store, opts: SharedRefreshOptions): SharedRefresh {
  const serverId = opts.serverId ?? randomUUID();
  const pollMs = opts.pollMs ?? 200;
  const { now } = opts;
  let reads = 0;
  let served = 0;
  const followed = new Map<string, number>();
  /** The scopes whose lease this server took last (it may have lapsed or been taken since). */
  const held = new Set<string>();

  // Every waiting application of this server is checked by one query per poll, however many there are.
  const waiters = new Set<Waiter>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = (): void => {
    if (timer !== null || waiters.size === 0) return;
    timer = setTimeout(() => void tick(), pollMs);
    timer.unref();
  };
  async function tick(): Promise<void> {
    const batch = [...waiters];
    try {
      const [leases, times] = await Promise.all([
        store.getRefreshLeases([...new Set(batch.map((w) => w.scope))]),
        store.getObservationTimes([...new Set(batch.map((w) => w.appId))]),
      ]);
      const leaseOf = new Map(leases.map((l) => [l.scope, l]));
      const t = now();
      for (const w of batch) {
        const lease = leaseOf.get(w.scope);
        const stored = (times.get(w.appId) ?? -Infinity) >= w.windowStart;
        if (stored || !lease || lease.expiresAtMs <= t || lease.holder === serverId || t >= w.deadline) {
          waiters.delete(w);
          w.resolve();
        }
      }
    } catch {
      // The database did not answer: each waiter asks again itself, and meets the failure there.
      for (const w of batch) {
        waiters.delete(w);
        w.resolve();
      }
    } finally {
      timer = null;
      schedule();
    }
  }
  const waitFor = (w: Omit<Waiter, "resolve">): Promise<void> =>
    new Promise((resolve) => {
      waiters.add({ ...w, resolve });
      schedule();
    });

  const save = async (appId: string, at: number, result: RefreshResult, holderIntervalMs: number | null): Promise<void> => {
    // A read that could not be stored is still this server's good read: the others read AWS themselves.
    await store.saveObservation(appId, serverId, at, result, holderIntervalMs).catch((error: unknown) => {
      logger.error("refresh.store_failed", { appId, error });
    });
  };

  /** Reads AWS and stores the read (or its failure) for the others; the holder also says how often it reads. */
  async function refresh(request: RefreshRequest, at: number, holder: boolean): Promise<Observation> {
    reads++;
    const holderIntervalMs = holder ? request.intervalMs : null;
    let observation: Observation;
    try {
      observation = await request.read();
    } catch (error) {
      await save(request.appId, at, { error: opts.errorText(error) }, holderIntervalMs);
      throw error;
    }
    await save(request.appId, at, { payload: encodeObservation(observation) }, holderIntervalMs);
    return observation;
  }

  /** A stored read: its observation, or its failure; null when this server cannot read its format. */
  function storedNext(stored: StoredObservation): Next | null {
    if (stored.error !== null) {
      return { kind: "failed", error: new AppError("aws_error", stored.error, "the refresh stored by another server failed", { transient: true }) };
    }
    const observation = stored.payload === null ? null : decodeObservation(stored.payload);
    return observation ? { kind: "served", observation } : null;
  }

  /** Takes or renews the scope's lease for an idle read, saying this server's interval now; whether this server holds it. */
  const take = async (scope: string, t: number): Promise<boolean> => {
    const intervalMs = opts.idleMs();
    const taken = await store.tryTakeRefreshLease(scope, serverId, { nowMs: t, leaseMs: intervalMs + opts.slackMs, intervalMs });
    if (taken) held.add(scope);
    else held.delete(scope);
    return taken;
  };
  const leaseOf = async (scope: string): Promise<RefreshLease | undefined> => (await store.getRefreshLeases([scope]))[0];
  /** The lease when another server holds it now. */
  const othersLease = (lease: RefreshLease | undefined, t: number): RefreshLease | null =>
    lease && lease.holder !== serverId && lease.expiresAtMs > t ? lease : null;

  /** What to do for a request: serve a stored read (or its stored failure), or read AWS (as the holder or not). */
  async function coordinate(request: RefreshRequest): Promise<Next> {
    const { appId, scope, intervalMs } = request;
    const idle = request.idle === true;
    const t0 = now();
    const [first, lease] = await Promise.all([store.getObservation(appId), leaseOf(scope)]);
    let stored = first;
    const other = othersLease(lease, t0);
    // This server's operation changed the application: read it now, without renewing the lease.
    if (request.fresh) return { kind: "read", at: t0, holder: lease?.holder === serverId && lease.expiresAtMs > t0 };
    // An idle application whose holder reads less often than this server would (its budget
    // stretched its idle interval): this server follows the holder's interval. Reading it itself
    // instead, at its own shorter interval, a second server read every application of a fleet of
    // 200 and cost 1.21× what one costs (BENCHMARKS.md, fleet). The holder's interval is the one
    // its lease says now; the one stored with the application's last read may be from before a
    // stretch (a holder that did not say it, from before migration 0011, is judged by that one).
    const holderEvery = other?.intervalMs ?? stored?.holderIntervalMs ?? null;
    const follow = idle && holderEvery !== null && holderEvery > intervalMs;
    const every = follow && holderEvery !== null ? holderEvery : intervalMs;
    if (follow) followed.set(appId, every);
    else followed.delete(appId);
    const windowStart = follow ? t0 - every : Math.floor(t0 / intervalMs) * intervalMs;
    // The holder is not late before its lease's end (its interval and one page poll from its
    // latest idle read) and one page poll more, nor before this server's own interval and one poll.
    const deadline = Math.max(t0 + every + opts.slackMs, other ? other.expiresAtMs + opts.slackMs : -Infinity);
    for (;;) {
      if (stored && stored.refreshedAtMs >= windowStart) return storedNext(stored) ?? { kind: "read", at: now(), holder: false };
      const t = now();
      if (idle) {
        if (await take(scope, t)) return { kind: "read", at: t, holder: true };
      } else {
        // A page open here or an operation of this server: read at once when no other server holds
        // the lease, without taking or renewing it (only idle reads do).
        const lease = await leaseOf(scope);
        const current = othersLease(lease, t);
        if (!current) return { kind: "read", at: t, holder: lease?.holder === serverId && lease.expiresAtMs > t };
        // The holder reads this application less often than this server needs it (its page is open
        // here): at the interval it stored with its own last read of it, else at its idle interval
        // (an interval stored by an earlier holder says nothing of this one).
        const theirs =
          (stored !== null && stored.writer === current.holder ? stored.holderIntervalMs : current.intervalMs) ?? stored?.holderIntervalMs ?? null;
        if (theirs !== null && theirs > intervalMs) return { kind: "read", at: t, holder: false };
      }
      // The holder renews its lease but did not read this application in time: this server reads it,
      // once, and leaves the lease with its holder.
      if (t >= deadline) return { kind: "read", at: t, holder: false };
      await waitFor({ appId, scope, windowStart, deadline });
      stored = await store.getObservation(appId);
    }
  }

  return {
    serverId,
    async load(request) {
      let next: Next;
      try {
        next = await coordinate(request);
      } catch (error) {
        // The database did not answer: this server reads for itself, as a server alone would.
        logger.error("refresh.database_unreachable", { appId: request.appId, error });
        next = { kind: "read", at: now(), holder: false };
      }
      if (next.kind === "read") return refresh(request, next.at, next.holder);
      if (next.kind === "failed") throw next.error;
      served++;
      return next.observation;
    },
    stats: () => ({ reads, served }),
    followedMs: (appId) => followed.get(appId),
    async renew() {
      const t = now();
      for (const scope of [...held]) {
        // Only a lease still its own is renewed (a lapsed one too: this server is alive and refreshing).
        await take(scope, t).catch((error: unknown) => logger.error("refresh.lease_renew_failed", { scope, error }));
      }
    },
  };
}

/** The stored parts of an observation: its metrics error is never stored (a failed read stores its text instead). */
interface StoredParts {
  format: typeof FORMAT;
  state: AppState;
  readAt: number;
  /** When its load balancer health was read, when taken from an earlier read (`Observation.healthReadAt`). */
  healthReadAt?: number;
  recent: ChartRead;
  /** Why CloudWatch could not be read with this state (user-safe words); absent when it was. */
  metricsError?: string;
}

const FORMAT = 1;
/** Numbers JSON cannot carry (NaN, ±Infinity, -0) are stored as `{ "$teal.number": "…" }`. */
const NUMBER_TAG = "$teal.number";

function replacer(_key: string, value: unknown): unknown {
  return typeof value === "number" && (!Number.isFinite(value) || Object.is(value, -0))
    ? { [NUMBER_TAG]: Object.is(value, -0) ? "-0" : String(value) }
    : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value);
  const [only] = entries;
  return entries.length === 1 && only?.[0] === NUMBER_TAG && typeof only[1] === "string" ? Number(only[1]) : value;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function isStoredParts(value: unknown): value is StoredParts {
  if (!isRecord(value) || value.format !== FORMAT || typeof value.readAt !== "number") return false;
  return isRecord(value.state) && typeof value.state.appId === "string" && isRecord(value.recent) && Array.isArray(value.recent.series);
}

/** The observation as stored for the other servers (JSON): exactly what decodeObservation gives back. */
export function encodeObservation(observation: Observation): string {
  const parts: StoredParts = { format: FORMAT, state: observation.state, readAt: observation.readAt, recent: observation.recent };
  if (observation.healthReadAt !== undefined) parts.healthReadAt = observation.healthReadAt;
  // Only its user-safe words travel: the other servers show why the metrics are missing, never AWS's text.
  if (observation.metricsError !== null) parts.metricsError = metricsErrorText(observation.metricsError);
  return JSON.stringify(parts, replacer);
}

/** A stored observation, or null when it is not in this version's format. */
export function decodeObservation(payload: string): Observation | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload, reviver);
  } catch {
    return null;
  }
  if (!isStoredParts(parsed)) return null;
  const metricsError = typeof parsed.metricsError === "string" ? new AppError("aws_error", parsed.metricsError) : null;
  return {
    state: parsed.state,
    readAt: parsed.readAt,
    ...(typeof parsed.healthReadAt === "number" ? { healthReadAt: parsed.healthReadAt } : {}),
    recent: parsed.recent,
    metricsError,
  };
}
