import { toAppError } from "./errors";
import { currentReadTurn } from "./read-budget";

/**
 * Page reads of many applications, merged (docs/aws-behaviour.md §8.4). When the overview or the wall
 * refreshes, every application observes at about the same moment, each with its own Describe* calls
 * naming its own resources. A `ReadBatcher` holds such calls for a short window (`windowMs`: the
 * server uses `TEAL_READ_BATCH_MS`, 5 ms by default; 0 is the same macrotask), merges those of one operation (and, where AWS scopes the call, one
 * cluster or hosted zone) into as few AWS calls as each call's documented maximum allows, and gives
 * each caller exactly its own part of the answer, as if it had called alone.
 *
 * - A failure of a merged call that a later call may not meet (throttled, 5xx, no answer) reaches
 *   every caller of that call, as their own call would have failed.
 * - Any other failure (e.g. one name that does not exist, which some APIs answer with an error for
 *   the whole call) is not shared: each caller is asked again alone, so only the caller that named
 *   the missing resource gets the error.
 * - Things that never change once made (a task definition revision, a numbered launch template
 *   version) are kept for good in a bounded least-recently-used cache (`immutable`).
 *
 * Only the page clients carry a batcher (`createClients({ batch })`): an operation's own reads (plan
 * observes, a rollback's patient reads, wait checks) are sent at once, never held by a window.
 */

/** One caller's answer: its value, or the error its own call would have thrown. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Merges the payloads of one window into AWS calls; answers one `Settled` per payload, in order. */
export type Flush<P, R> = (payloads: P[]) => Promise<Settled<R>[]>;

export interface ReadBatcherOptions {
  /** How long the first call of a batch waits for others (ms); 0 = the same macrotask (default). */
  windowMs?: number;
  /** Entries the immutable cache keeps (default 2,000). */
  immutableEntries?: number;
}

/** What the batcher did, for tests and the bench. */
export interface BatchCounters {
  /** Calls the adapters asked for. */
  requested: number;
  /** Windows flushed (each one or more AWS calls). */
  flushed: number;
  /** Callers asked again alone after their merged call failed in a way that is not shared. */
  separated: number;
  /** Immutable things answered from the cache. */
  cached: number;
  /** Answers an idle refresh took from an earlier one (`recent`). */
  reused: number;
}

interface Pending<P, R> {
  payloads: P[];
  waiters: { resolve: (r: R) => void; reject: (e: unknown) => void }[];
  flush: Flush<P, R>;
}

export interface ReadBatcher {
  readonly windowMs: number;
  readonly counters: BatchCounters;
  /** Joins the batch of `key` (opened by the first caller with its `flush`); resolves with this caller's part. */
  batch<P, R>(key: string, payload: P, flush: Flush<P, R>): Promise<R>;
  /**
   * Items by id: the ids of every caller of the window for `key`, without repeats, in calls of at
   * most `max` ids (`fetch` is one AWS call; it answers the items it found by id). Each caller gets
   * a map of its own ids that were found; what is missing is for the adapter to judge, as today.
   */
  byIds<T>(key: string, ids: string[], max: number, fetch: (ids: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>>;
  /** `load(key)` once for good: later calls (and concurrent ones) share its answer; a failure is not kept. */
  immutable<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** What `immutable` or `keep` holds for `key`, without loading anything; undefined when nothing. */
  peek<T>(key: string): Promise<T> | undefined;
  /** Holds `value` for good under `key`, as `immutable` would have (for answers only some of which never change). */
  keep<T>(key: string, value: T): void;
  /**
   * The answer for `key` read at `at` or up to `maxAgeMs` before it, or `load()`'s, kept as read at
   * `at`. Answers whatever it took and when that was read (on the caller's clock). A failed load is
   * not kept.
   */
  recent<T>(key: string, at: number, maxAgeMs: number, load: () => Promise<T>): Promise<{ value: T; readAt: number }>;
}

/** Whether a failure would have met each caller's own call too: throttled, 5xx, or no answer. */
export function sharedFailure(err: unknown): boolean {
  const mapped = toAppError(err, "read");
  return mapped.code === "throttled" || mapped.transient;
}

export function chunk<T>(items: T[], max: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += max) out.push(items.slice(i, i + max));
  return out;
}

/** The items of `ids` in `max`-sized calls, merged. */
async function fetchChunked<T>(ids: string[], max: number, fetch: (ids: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
  const parts = await Promise.all(chunk(ids, max).map((part) => fetch(part)));
  const out = new Map<string, T>();
  for (const part of parts) for (const [id, item] of part) out.set(id, item);
  return out;
}

const settle = <R>(p: Promise<R>): Promise<Settled<R>> =>
  p.then(
    (value): Settled<R> => ({ ok: true, value }),
    (error: unknown): Settled<R> => ({ ok: false, error }),
  );

export function createReadBatcher(opts: ReadBatcherOptions = {}): ReadBatcher {
  const windowMs = opts.windowMs ?? 0;
  const maxEntries = opts.immutableEntries ?? 2_000;
  const counters: BatchCounters = { requested: 0, flushed: 0, separated: 0, cached: 0, reused: 0 };
  const pending = new Map<string, Pending<unknown, unknown>>();
  const lru = new Map<string, Promise<unknown>>();
  /** The last answer of each `recent` key and when it was read, oldest written first (bounded like `lru`). */
  const recentAnswers = new Map<string, { value: unknown; readAt: number }>();

  const run = async (key: string) => {
    const batch = pending.get(key);
    if (!batch) return;
    pending.delete(key);
    counters.flushed++;
    let results: Settled<unknown>[];
    try {
      results = await batch.flush(batch.payloads);
    } catch (error) {
      results = batch.payloads.map(() => ({ ok: false, error }));
    }
    batch.waiters.forEach((w, i) => {
      const r = results[i] ?? { ok: false, error: new Error("A merged read gave no answer for one of its callers.") };
      if (r.ok) w.resolve(r.value);
      else w.reject(r.error);
    });
  };

  /** Drops the oldest-written entries of `map` beyond `maxEntries`. */
  const trim = (map: Map<string, unknown> = lru) => {
    while (map.size > maxEntries) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  };

  const batcher: ReadBatcher = {
    windowMs,
    counters,
    batch<P, R>(key: string, payload: P, flush: Flush<P, R>): Promise<R> {
      counters.requested++;
      return new Promise<R>((resolve, reject) => {
        let open = pending.get(key) as Pending<P, R> | undefined;
        if (!open) {
          open = { payloads: [], waiters: [], flush };
          pending.set(key, open as unknown as Pending<unknown, unknown>);
          setTimeout(() => void run(key), windowMs);
        }
        open.payloads.push(payload);
        open.waiters.push({ resolve, reject });
      });
    },
    byIds<T>(key: string, ids: string[], max: number, fetch: (ids: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
      return batcher.batch<string[], Map<string, T>>(key, ids, async (callers) => {
        const union = [...new Set(callers.flat())];
        const pick = (found: Map<string, T>, own: string[]) => new Map(own.filter((id) => found.has(id)).map((id) => [id, found.get(id) as T]));
        const merged = await settle(fetchChunked(union, max, fetch));
        if (merged.ok) return callers.map((own) => ({ ok: true, value: pick(merged.value, own) }));
        if (callers.length === 1 || sharedFailure(merged.error)) return callers.map(() => merged);
        // Not a failure every caller's own call would meet (a name that does not exist, say): each alone.
        counters.separated += callers.length;
        return Promise.all(callers.map((own) => settle(fetchChunked([...new Set(own)], max, fetch))));
      });
    },
    peek<T>(key: string): Promise<T> | undefined {
      const hit = lru.get(key) as Promise<T> | undefined;
      if (hit) {
        counters.cached++;
        lru.delete(key);
        lru.set(key, hit);
      }
      return hit;
    },
    keep<T>(key: string, value: T): void {
      lru.delete(key);
      lru.set(key, Promise.resolve(value));
      trim();
    },
    async recent<T>(key: string, at: number, maxAgeMs: number, load: () => Promise<T>): Promise<{ value: T; readAt: number }> {
      const held = recentAnswers.get(key);
      if (held && maxAgeMs > 0 && at - held.readAt <= maxAgeMs) {
        counters.reused++;
        return { value: held.value as T, readAt: held.readAt };
      }
      const value = await load();
      const newer = recentAnswers.get(key);
      // A slower load that began earlier does not replace a newer answer.
      if (!newer || newer.readAt <= at) {
        recentAnswers.delete(key);
        recentAnswers.set(key, { value, readAt: at });
        trim(recentAnswers);
      }
      return { value, readAt: at };
    },
    immutable<T>(key: string, load: () => Promise<T>): Promise<T> {
      const hit = batcher.peek<T>(key);
      if (hit) return hit;
      const loading = load();
      lru.set(key, loading);
      loading.catch(() => {
        if (lru.get(key) === loading) lru.delete(key);
      });
      trim();
      return loading;
    },
  };
  return batcher;
}

/**
 * Keys a merged answer by what was asked (an ARN or a name; matched without regard to case, as the
 * answer may spell a name as it was created); alone, the first item answers the one asked.
 */
export function keyedByAsked<T>(asked: string[], items: T[], keyOf: (item: T) => string | undefined): Map<string, T> {
  const out = new Map<string, T>();
  if (asked.length === 1 && asked[0] !== undefined && items[0] !== undefined) {
    out.set(asked[0], items[0]);
    return out;
  }
  const byKey = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    if (key !== undefined) byKey.set(key.toLowerCase(), item);
  }
  for (const a of asked) {
    const item = byKey.get(a.toLowerCase());
    if (item !== undefined) out.set(a, item);
  }
  return out;
}

/**
 * The batcher each SDK client carries (set by `createClients` for the page clients only), as a
 * property of the client under a registered symbol. Not in a module-level map: the server is bundled
 * in parts (the runtime started from instrumentation.ts, the route handlers, the server actions),
 * each with its own copy of this module, so a map filled by the copy that made the clients was empty
 * for the copy the adapters read it from, and no page read was ever merged or cached in the built
 * server (measured: DescribeTaskDefinition of a numbered revision read at every refresh).
 */
const BATCHER: unique symbol = Symbol.for("teal.readBatcher");

type WithBatcher = { [BATCHER]?: ReadBatcher };

export function attachBatcher(client: object, batcher: ReadBatcher): void {
  Object.defineProperty(client, BATCHER, { value: batcher, enumerable: false, configurable: true, writable: false });
}

/** The batcher of a client, or undefined: its calls are sent at once, alone. */
export function batcherOf(client: object): ReadBatcher | undefined {
  return (client as WithBatcher)[BATCHER];
}

/**
 * A read whose answer an idle refresh may take from an earlier refresh (docs/aws-behaviour.md §8.3):
 * the health of a load balancer's instances or a target group's targets, one AWS call per load
 * balancer or target group that no API merges, and the ELBv2 descriptions of load balancers and
 * target groups, which an outside change of weights does not touch. With a page client's batcher and an idle read turn
 * whose `reuseHealthMs` allows it, an answer read up to that long before the turn began is taken
 * again and the turn notes how old it is (`reusedFrom`); every other read asks AWS and keeps its
 * answer for the idle refreshes after it. An operation's clients carry no batcher: their reads
 * always ask AWS.
 */
export async function reusableRead<T>(client: object, key: string, load: () => Promise<T>, opts: { aged?: boolean } = {}): Promise<T> {
  const batcher = batcherOf(client);
  const turn = currentReadTurn();
  if (!batcher || !turn) return load();
  const maxAgeMs = turn.idle ? (turn.reuseHealthMs ?? 0) : 0;
  const { value, readAt } = await batcher.recent(key, turn.since, maxAgeMs, load);
  // `aged: false`: a description the pages show nothing of as data (a load balancer's or target
  // group's ARN, DNS name, health check settings): taken again without a word.
  if (readAt < turn.since && opts.aged !== false) turn.reusedFrom = Math.min(turn.reusedFrom ?? readAt, readAt);
  return value;
}
