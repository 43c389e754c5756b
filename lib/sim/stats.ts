/**
 * Request statistics of the practice range, so a benchmark can count the AWS calls a feature makes
 * and subtract the range's own processing time from what it measured.
 */

export interface OperationStats {
  count: number;
  /** Time the range spent handling these requests (excluding injected latency), in ms. */
  processingMs: number;
}

export interface ServiceStats extends OperationStats {
  operations: Record<string, OperationStats>;
}

export interface RangeStats {
  sinceMs: number;
  total: number;
  processingMs: number;
  throttled: number;
  injectedErrors: number;
  services: Record<string, ServiceStats>;
}

export function createStats(nowMs: number): RangeStats {
  return { sinceMs: nowMs, total: 0, processingMs: 0, throttled: 0, injectedErrors: 0, services: {} };
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
  const op = (svc.operations[operation] ??= { count: 0, processingMs: 0 });
  op.count += 1;
  op.processingMs += processingMs;
}
