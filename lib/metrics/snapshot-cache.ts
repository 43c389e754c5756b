/**
 * Keeps one value per key, refreshed at most once per `ttlMs` window however many callers ask, with
 * concurrent refreshes coalesced into one load (single flight). 50 viewers cost what one costs.
 *
 * A failed refresh counts as the refresh of its interval too: while AWS is unreachable or
 * throttling, callers get the last good value with the failure beside it (or the failure alone
 * when there never was a good value), and the next load is tried one interval later, not on every
 * viewer's poll.
 */
export interface Cached<T> {
  /** The last good value (it carries its own time, if the caller needs one). */
  value: T;
  /** The latest refresh's failure when it failed after `value` was loaded; null when `value` is current. */
  error: unknown;
}

export interface SnapshotCache<T> {
  /**
   * The latest good value. A due refresh is waited for a bounded time (then it goes on
   * in the background); the first load is waited for in full, or with `firstWaitMs` for that long
   * (then it goes on in the background and read rejects with `pending()`); rejects when no load
   * ever succeeded.
   */
  read(key: string, first?: { firstWaitMs: number; pending: () => unknown }): Promise<Cached<T>>;
  /** The current value; rejects when the latest refresh failed. */
  get(key: string): Promise<T>;
  /** Drop a key so the next get loads fresh data (after an operation changed the state). */
  invalidate(key: string): void;
  /** Loads started so far (for benchmarks and tests). */
  loads(): number;
}

interface Entry<T> {
  good: { value: T; at: number } | null;
  failure: { error: unknown; at: number } | null;
  /** When the latest load ended: the window it ended in is refreshed too. */
  endedAt?: number;
  /** Invalidated: reload on the next read, keeping the last good value for when that load fails. */
  expired?: true;
}

/** What `promise` settles to within `ms` (real time), or null when it takes longer; it goes on either way. */
async function within<V>(promise: Promise<V>, ms: number): Promise<V | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function createSnapshotCache<T>(opts: {
  /** The refresh window, for every key or per key (an application watched or busy is read more often than an idle one). */
  ttlMs: number | ((key: string) => number);
  load: (key: string) => Promise<T>;
  now?: () => number;
  /** How long read() waits for a due refresh before answering with the last good value (real time, ms). */
  readWaitMs?: number;
  /**
   * Where each key's windows start, as a share of its window (0 ≤ phase < 1; 0 when absent): keys
   * with different phases fall due at different moments of the window instead of all at once.
   */
  phase?: (key: string) => number;
}): SnapshotCache<T> {
  const now = opts.now ?? Date.now;
  const readWaitMs = opts.readWaitMs ?? 2_000;
  const entries = new Map<string, Entry<T>>();
  const inflight = new Map<string, Promise<Entry<T>>>();
  let loadCount = 0;

  /**
   * The latest window a load refreshed: the one it started in, or the one it ended in if later. A
   * load that waited long (its reads queued behind AWS's rate limits) and ended in the next window
   * is that window's refresh: counted only by its start, the key was due again the moment it ended,
   * and under a tight budget each late load made the next one back to back, doubling the reads that
   * had made it late (BENCHMARKS.md, fleet).
   */
  const lastTry = (e: Entry<T>): number => Math.max(e.good?.at ?? -Infinity, e.failure?.at ?? -Infinity, e.endedAt ?? -Infinity);
  /**
   * Refreshes are counted in fixed windows of `ttlMs` on the clock, not from the last load: a load
   * started in the current window is current. So one viewer polling more often than the window
   * costs one load per window, exactly as many viewers do (counted from the last load, a viewer
   * polling every 2 s against 5 s would load every 6 s, and a crowd every 5 s).
   */
  const { ttlMs } = opts;
  const ttlOf = (key: string): number => (typeof ttlMs === "number" ? ttlMs : ttlMs(key));
  const windowOf = (t: number, key: string): number => {
    const ttl = ttlOf(key);
    return Math.floor((t + (opts.phase?.(key) ?? 0) * ttl) / ttl);
  };

  function entry(key: string): Promise<Entry<T>> {
    const known = entries.get(key);
    if (known && !known.expired && windowOf(lastTry(known), key) === windowOf(now(), key)) return Promise.resolve(known);
    const pending = inflight.get(key);
    if (pending) return pending;
    loadCount++;
    const started = now();
    const promise = opts
      .load(key)
      .then(
        (value): Entry<T> => ({ good: { value, at: started }, failure: null, endedAt: now() }),
        (error: unknown): Entry<T> => ({ good: entries.get(key)?.good ?? null, failure: { error, at: started }, endedAt: now() }),
      )
      .then((e) => {
        entries.set(key, e);
        return e;
      })
      .finally(() => inflight.delete(key));
    inflight.set(key, promise);
    return promise;
  }

  return {
    async read(key, first) {
      // With a good value in hand, a due refresh is waited for at most `readWaitMs`: normally it
      // lands well within that and the answer is fresh; when AWS is slow or does not answer, the
      // answer is the last good value (with its age) and the refresh goes on behind it.
      const known = entries.get(key);
      const refresh = entry(key);
      let e: Entry<T>;
      if (known?.good) {
        e = (await within(refresh, readWaitMs)) ?? entries.get(key) ?? known;
      } else if (first) {
        // No value yet: an overview of many applications answers with what it has rather than
        // wait for every first read (they may queue behind AWS's rate limits for a while).
        const settled = await within(refresh, first.firstWaitMs);
        if (settled === null) throw first.pending();
        e = settled;
      } else {
        e = await refresh;
      }
      if (!e.good) throw e.failure?.error;
      return { value: e.good.value, error: e.failure?.error ?? null };
    },
    async get(key) {
      const e = await entry(key);
      if (e.failure || !e.good) throw e.failure?.error;
      return e.good.value;
    },
    invalidate(key) {
      const known = entries.get(key);
      if (known) entries.set(key, { ...known, expired: true });
    },
    loads: () => loadCount,
  };
}
