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
  /** CloudWatch metrics requested (GetMetricData's MetricStat queries, what AWS bills for). */
  metricsRequested?: number;
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

/**
 * One API request as the range saw it, so a benchmark in another process can tell when a call of a
 * feature reached "AWS" (e.g. the last mutation of a roll back) and how long the range itself took.
 */
export interface RequestRecord {
  /** Position since the last reset, from 1 (the request's `total` once counted): gaps show overwritten entries. */
  seq: number;
  /** Wall-clock time (epoch ms, Date.now(), not the world's clock) the request reached the handler, before any injected latency. */
  receivedAtMs: number;
  service: string;
  operation: string;
  /** False for reads (Describe*, List*, Get*), true for everything else. */
  mutating: boolean;
  /** The HTTP status answered (throttled and injected errors included). */
  status: number;
  /** Time the range spent handling it (excluding injected latency), in ms. */
  processingMs: number;
  /** Answered with the service's throttling error (a token bucket or an injected throttle). */
  throttled: boolean;
  /** The request's User-Agent header (at most 300 characters), as CloudTrail keeps it: it tells which client sent it. */
  userAgent: string;
  /** The access key id the request was signed with (SigV4 `Credential`), as CloudTrail records it: it tells an assumed role's calls apart. */
  accessKeyId?: string;
}

/** What recordRequest may add about the request beyond its cost. */
export interface RequestDetail {
  receivedAtMs: number;
  status: number;
  throttled?: boolean;
  userAgent?: string;
  accessKeyId?: string;
  /** CloudWatch metrics the request asked for (GetMetricData). */
  metricsRequested?: number;
}

export interface RangeStats {
  sinceMs: number;
  total: number;
  processingMs: number;
  throttled: number;
  injectedErrors: number;
  /** CloudWatch metrics requested by every GetMetricData answered (AWS's billing unit). */
  metricsRequested: number;
  services: Record<string, ServiceStats>;
  tick?: TickStats;
  /**
   * The latest requests (at most RECENT_REQUESTS; slot (seq - 1) % RECENT_REQUESTS, oldest
   * overwritten first). The control API answers them oldest first (see statsView).
   */
  requests?: RequestRecord[];
}

/** How many handling times per operation are kept for percentiles. */
export const RECENT_SAMPLES = 2_000;

/** How many of the latest requests are kept with their arrival time. */
export const RECENT_REQUESTS = 500;

const READ_OPERATION = /^(Describe|List|Get)[A-Z]/;

/** Whether an AWS operation changes something: everything but Describe*, List* and Get*. */
export function isMutatingOperation(operation: string): boolean {
  return !READ_OPERATION.test(operation);
}

export function createStats(nowMs: number): RangeStats {
  return {
    sinceMs: nowMs,
    total: 0,
    processingMs: 0,
    throttled: 0,
    injectedErrors: 0,
    metricsRequested: 0,
    services: {},
    tick: { count: 0, totalMs: 0, maxMs: 0 },
    requests: [],
  };
}

export function resetStats(stats: RangeStats, nowMs: number): void {
  Object.assign(stats, createStats(nowMs));
}

/**
 * Counts one API request of `service`/`operation` that took `processingMs` of range time; with
 * `detail`, also keeps it in the ring of the latest requests.
 */
export function recordRequest(stats: RangeStats, service: string, operation: string, processingMs: number, detail?: RequestDetail): void {
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
  if (detail?.metricsRequested) {
    stats.metricsRequested += detail.metricsRequested;
    svc.metricsRequested = (svc.metricsRequested ?? 0) + detail.metricsRequested;
    op.metricsRequested = (op.metricsRequested ?? 0) + detail.metricsRequested;
  }
  const recent = (op.recentMs ??= []);
  // A ring: slot count % size holds the newest sample once the ring is full.
  if (recent.length < RECENT_SAMPLES) recent.push(processingMs);
  else recent[(op.count - 1) % RECENT_SAMPLES] = processingMs;
  if (detail !== undefined) {
    const requests = (stats.requests ??= []);
    const record: RequestRecord = {
      seq: stats.total,
      receivedAtMs: detail.receivedAtMs,
      service,
      operation,
      mutating: isMutatingOperation(operation),
      status: detail.status,
      processingMs,
      throttled: detail.throttled ?? false,
      userAgent: (detail.userAgent ?? "").slice(0, 300),
      ...(detail.accessKeyId ? { accessKeyId: detail.accessKeyId.slice(0, 128) } : {}),
    };
    if (requests.length < RECENT_REQUESTS) requests.push(record);
    else requests[(stats.total - 1) % RECENT_REQUESTS] = record;
  }
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
  metricsRequested?: number;
}

/** The statistics as the control API answers them: percentiles instead of the raw samples, the latest requests oldest first. */
export function statsView(
  stats: RangeStats,
): Omit<RangeStats, "services"> & { services: Record<string, OperationView & { operations: Record<string, OperationView> }> } {
  const services: Record<string, OperationView & { operations: Record<string, OperationView> }> = {};
  for (const [name, svc] of Object.entries(stats.services)) {
    const operations: Record<string, OperationView> = {};
    for (const [opName, op] of Object.entries(svc.operations)) {
      const samples = op.recentMs ?? [];
      operations[opName] = {
        count: op.count,
        processingMs: op.processingMs,
        maxMs: op.maxMs,
        ...(op.metricsRequested !== undefined ? { metricsRequested: op.metricsRequested } : {}),
        p50Ms: percentile(samples, 50),
        p99Ms: percentile(samples, 99),
      };
    }
    services[name] = {
      count: svc.count,
      processingMs: svc.processingMs,
      maxMs: svc.maxMs,
      ...(svc.metricsRequested !== undefined ? { metricsRequested: svc.metricsRequested } : {}),
      operations,
    };
  }
  const requests = [...(stats.requests ?? [])].sort((a, b) => a.seq - b.seq);
  return { ...stats, services, requests };
}
