/**
 * Request statistics of the practice range, so a benchmark can count the AWS calls a feature makes
 * and subtract the range's own processing time from what it measured.
 */

export interface OperationStats {
  count: number;
  /** Time the range spent handling these requests (excluding injected latency), in ms. */
  processingMs: number;
  /** Longest single handling time, ms. */
  maxMs?: number;
  /**
   * The latest handling times (at most RECENT_SAMPLES, oldest overwritten first), for percentiles.
   * Kept out of the JSON the control API answers (see statsView).
   */
  recentMs?: number[];
}

export interface ServiceStats extends OperationStats {
  operations: Record<string, OperationStats>;
}

/** The world tick's own cost (the background advance without requests), for the tick's CPU share. */
export interface TickStats {
  count: number;
  totalMs: number;
  maxMs: number;
}

export interface RangeStats {
  sinceMs: number;
  total: number;
  processingMs: number;
  throttled: number;
  injectedErrors: number;
  services: Record<string, ServiceStats>;
  tick?: TickStats;
}

/** How many handling times per operation are kept for percentiles. */
export const RECENT_SAMPLES = 2_000;

export function createStats(nowMs: number): RangeStats {
  return { sinceMs: nowMs, total: 0, processingMs: 0, throttled: 0, injectedErrors: 0, services: {}, tick: { count: 0, totalMs: 0, maxMs: 0 } };
}

export function resetStats(stats: RangeStats, nowMs: number): void {
  Object.assign(stats, createStats(nowMs));
}

/** Counts one API request of `service`/`operation` that took `processingMs` of range time. */
export function recordRequest(stats: RangeStats, service: string, operation: string, processingMs: number): void {
  stats.total += 1;
  stats.processingMs += processingMs;
  const svc = (stats.services[service] ??= { count: 0, processingMs: 0, operations: {} });
  svc.count += 1;
  svc.processingMs += processingMs;
  svc.maxMs = Math.max(svc.maxMs ?? 0, processingMs);
  const op = (svc.operations[operation] ??= { count: 0, processingMs: 0 });
  op.count += 1;
  op.processingMs += processingMs;
  op.maxMs = Math.max(op.maxMs ?? 0, processingMs);
  const recent = (op.recentMs ??= []);
  // A ring: slot count % size holds the newest sample once the ring is full.
  if (recent.length < RECENT_SAMPLES) recent.push(processingMs);
  else recent[(op.count - 1) % RECENT_SAMPLES] = processingMs;
}

/** Counts one background tick that took `ms`. */
export function recordTick(stats: RangeStats, ms: number): void {
  const tick = (stats.tick ??= { count: 0, totalMs: 0, maxMs: 0 });
  tick.count += 1;
  tick.totalMs += ms;
  tick.maxMs = Math.max(tick.maxMs, ms);
}

/** The p-th percentile (0..100, nearest rank) of unsorted samples; undefined for none. */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

interface OperationView {
  count: number;
  processingMs: number;
  maxMs?: number;
  /** Over the latest RECENT_SAMPLES requests. */
  p50Ms?: number;
  p99Ms?: number;
}

/** The statistics as the control API answers them: percentiles instead of the raw samples. */
export function statsView(stats: RangeStats): Omit<RangeStats, "services"> & { services: Record<string, OperationView & { operations: Record<string, OperationView> }> } {
  const services: Record<string, OperationView & { operations: Record<string, OperationView> }> = {};
  for (const [name, svc] of Object.entries(stats.services)) {
    const operations: Record<string, OperationView> = {};
    for (const [opName, op] of Object.entries(svc.operations)) {
      const samples = op.recentMs ?? [];
      operations[opName] = { count: op.count, processingMs: op.processingMs, maxMs: op.maxMs, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) };
    }
    services[name] = { count: svc.count, processingMs: svc.processingMs, maxMs: svc.maxMs, operations };
  }
  return { ...stats, services };
}
