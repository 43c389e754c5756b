/**
 * Keeps one value per key, refreshed at most once per `ttlMs` however many callers ask, with
 * concurrent refreshes coalesced into one load (single flight). 50 viewers cost what one costs.
 */
export interface SnapshotCache<T> {
  get(key: string): Promise<T>;
  /** Drop a key so the next get loads fresh data (after an operation changed the state). */
  invalidate(key: string): void;
  /** Loads started so far (for benchmarks and tests). */
  loads(): number;
}

export function createSnapshotCache<T>(opts: { ttlMs: number; load: (key: string) => Promise<T>; now?: () => number }): SnapshotCache<T> {
  const now = opts.now ?? Date.now;
  const values = new Map<string, { value: T; at: number }>();
  const inflight = new Map<string, Promise<T>>();
  let loadCount = 0;

  return {
    get(key) {
      const hit = values.get(key);
      if (hit && now() - hit.at < opts.ttlMs) return Promise.resolve(hit.value);
      const pending = inflight.get(key);
      if (pending) return pending;
      loadCount++;
      const started = now();
      const promise = opts
        .load(key)
        .then((value) => {
          values.set(key, { value, at: started });
          return value;
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, promise);
      return promise;
    },
    invalidate(key) {
      values.delete(key);
    },
    loads: () => loadCount,
  };
}
