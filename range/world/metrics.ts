/**
 * The practice range's metric store: what CloudWatch reads.
 *
 * Storage model (docs/aws-behaviour.md §6.2, §11 CloudWatch):
 * - one series per (namespace, metric name, dimension set); dimensions are kept sorted by name;
 * - 60-second buckets aligned to the minute (epoch ms divisible by 60,000);
 * - each bucket keeps SampleCount, Sum, Minimum, Maximum and a bounded set of weighted samples from
 *   which percentiles are computed;
 * - buckets older than 15 days are dropped (the retention of 60-second data).
 *
 * Recording conventions (so statistics come out as AWS computes them):
 * - `record(key, at, value)` adds ONE data sample (a gauge reading, one latency).
 * - `recordStatistics(key, at, {sampleCount, sum, min, max}, samples?)` adds an aggregate, exactly
 *   like PutMetricData's StatisticValues. The traffic model uses it for count metrics: n requests in
 *   a step are recorded as `{sampleCount: n, sum: n, min: 1, max: 1}`, so RequestCount's Sum is the
 *   number of requests and its Average/Minimum/Maximum are 1, which is what AWS/ELB reports
 *   (docs/aws-behaviour.md §2.4). For Latency the aggregate covers every request while `samples` holds a bounded
 *   representative draw (each carries weight sampleCount / samples.length) for percentiles.
 * - Nothing recorded means no datapoint: a minute without samples is absent from every query result,
 *   never zero.
 */
import type { SimMetricKey, SimMetricSink } from "./state";

export const MINUTE_MS = 60_000;
/** Retention of 60-second data (docs/aws-behaviour.md §6.2). */
export const RETENTION_MS = 15 * 24 * 3_600_000;
/** Weighted samples kept per bucket; beyond this, neighbouring samples are merged (see compact). */
const MAX_SAMPLES_PER_BUCKET = 256;

/** An aggregate of data samples (the shape of PutMetricData StatisticValues). */
export interface StatisticSet {
  sampleCount: number;
  sum: number;
  min: number;
  max: number;
}

/** A parsed statistic name: the five simple ones or a percentile pNN / pNN.NN. */
export type ParsedStatistic = { kind: "Average" | "Sum" | "Minimum" | "Maximum" | "SampleCount" } | { kind: "percentile"; percentile: number };

/** Statistics of one period (buckets merged). `percentile` answers pNN from the weighted samples. */
export interface PeriodStatistics {
  /** Start of the period (epoch ms, aligned to the period). */
  timestampMs: number;
  sampleCount: number;
  sum: number;
  min: number;
  max: number;
  unit: string;
  /** Percentile (0..100) from samples; undefined when the period holds no samples to rank. */
  percentile(p: number): number | undefined;
}

/** A filter for ListMetrics: Name required, Value optional (any value when omitted). */
export interface DimensionFilter {
  Name: string;
  Value?: string;
}

/** A metric as ListMetrics returns it. */
export interface ListedMetric extends SimMetricKey {
  /** Epoch ms of the newest sample (for RecentlyActive). */
  lastRecordedMs: number;
}

interface Bucket {
  sampleCount: number;
  sum: number;
  min: number;
  max: number;
  /** Representative sample values and their weights (parallel arrays). */
  values: number[];
  weights: number[];
  /**
   * The samples sorted by value (stable), kept while the bucket does not change: a closed minute is
   * asked for its percentiles on every GetMetricData over it, and sorting is most of that cost.
   */
  sorted?: { values: number[]; weights: number[] };
}

interface Series {
  key: SimMetricKey;
  unit: string;
  buckets: Map<number, Bucket>;
  lastRecordedMs: number;
}

const STAT_NAMES = new Set(["Average", "Sum", "Minimum", "Maximum", "SampleCount"]);
const PERCENTILE_RE = /^p(\d{1,2}(?:\.\d{1,2})?|100(?:\.0{1,2})?)$/;

/**
 * Parses a CloudWatch statistic: Average, Sum, Minimum, Maximum, SampleCount, or a percentile
 * `pNN` / `pNN.NN` (0 ≤ NN ≤ 100, at most two decimals). Returns undefined when not recognised.
 */
export function parseStatistic(stat: string): ParsedStatistic | undefined {
  if (STAT_NAMES.has(stat)) return { kind: stat as "Average" | "Sum" | "Minimum" | "Maximum" | "SampleCount" };
  const m = PERCENTILE_RE.exec(stat);
  if (!m || m[1] === undefined) return undefined;
  return { kind: "percentile", percentile: Number(m[1]) };
}

/** Value of a statistic over one period's statistics; undefined when it cannot be computed. */
export function statisticValue(stats: PeriodStatistics, stat: ParsedStatistic): number | undefined {
  switch (stat.kind) {
    case "Average":
      return stats.sampleCount > 0 ? stats.sum / stats.sampleCount : undefined;
    case "Sum":
      return stats.sum;
    case "Minimum":
      return stats.min;
    case "Maximum":
      return stats.max;
    case "SampleCount":
      return stats.sampleCount;
    case "percentile":
      return stats.percentile(stat.percentile);
  }
}

/** Canonical series key: dimensions sorted by name so callers may pass them in any order. */
export function seriesId(key: SimMetricKey): string {
  // Called for every recorded sample (the tick's hottest path): the same text as
  // JSON.stringify([namespace, metricName, [[Name, Value], ...]]) with dimensions sorted by name,
  // built without the intermediate arrays, and sorting only when the dimensions are out of order.
  let dims = key.dimensions;
  for (let i = 1; i < dims.length; i++) {
    if ((dims[i - 1]?.Name ?? "") > (dims[i]?.Name ?? "")) {
      dims = [...dims].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
      break;
    }
  }
  let id = `[${JSON.stringify(key.namespace)},${JSON.stringify(key.metricName)},[`;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (d === undefined) continue;
    id += `${i > 0 ? "," : ""}[${JSON.stringify(d.Name)},${JSON.stringify(d.Value)}]`;
  }
  return `${id}]]`;
}

function normaliseKey(key: SimMetricKey): SimMetricKey {
  const dims = [...key.dimensions].map((d) => ({ Name: d.Name, Value: d.Value })).sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  return { namespace: key.namespace, metricName: key.metricName, dimensions: dims };
}

/**
 * Halves the number of weighted samples by systematic resampling in value order: the kept samples
 * sit at equally spaced positions of the cumulative weight and share the total weight equally, so
 * every quantile moves by at most one kept-sample step. A deterministic stand-in for reservoir
 * sampling that needs no random source and is not biased by repeated compaction.
 */
function compact(bucket: Bucket): void {
  const n = bucket.values.length;
  const keep = Math.max(1, Math.floor(n / 2));
  const order = bucket.values.map((_, i) => i).sort((a, b) => (bucket.values[a] ?? 0) - (bucket.values[b] ?? 0));
  let total = 0;
  for (const w of bucket.weights) total += w;
  const step = total / keep;
  const values: number[] = [];
  const weights: number[] = [];
  let cumulative = 0;
  let k = 0;
  for (const i of order) {
    cumulative += bucket.weights[i] ?? 0;
    // Emit every position (k + 0.5) * step that this sample's cumulative weight covers.
    while (k < keep && (k + 0.5) * step <= cumulative) {
      values.push(bucket.values[i] ?? 0);
      weights.push(step);
      k++;
    }
  }
  bucket.values = values;
  bucket.weights = weights;
}

/** Merged samples can drift outside the true range; clamp to what was observed. */
function clampTo(value: number | undefined, min: number, max: number): number | undefined {
  return value === undefined ? undefined : Math.min(max, Math.max(min, value));
}

/** The samples in ascending order of value (stable: equal values keep their order), weights alongside. */
function sortedSamples(values: number[], weights: number[]): { values: number[]; weights: number[] } {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0));
  return { values: order.map((i) => values[i] ?? 0), weights: order.map((i) => weights[i] ?? 0) };
}

function weightedPercentile(values: number[], weights: number[], p: number): number | undefined {
  const sorted = sortedSamples(values, weights);
  return weightedPercentileOfSorted(sorted.values, sorted.weights, p);
}

/**
 * Nearest-rank weighted percentile: the smallest sample whose cumulative weight reaches p% of the
 * total. For the samples 1..100 with equal weights, p99 = 99 and p50 = 50.
 * `values` must be sorted ascending, `weights` alongside.
 */
function weightedPercentileOfSorted(values: number[], weights: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  let total = 0;
  for (const w of weights) total += w;
  if (total <= 0) return undefined;
  const target = (p / 100) * total;
  let cumulative = 0;
  for (let i = 0; i < values.length; i++) {
    cumulative += weights[i] ?? 0;
    // A small tolerance absorbs floating-point error in fractional weights.
    if (cumulative >= target - total * 1e-12) return values[i];
  }
  return values[values.length - 1];
}

/** Time range and period for a statistics query. */
export interface StatisticsQuery {
  key: SimMetricKey;
  /** Inclusive start (epoch ms). Buckets are included when their minute starts in [startMs, endMs). */
  startMs: number;
  /** Exclusive end (epoch ms). */
  endMs: number;
  /** Period in seconds: a positive multiple of 60. */
  periodS: number;
  /** When set, only a series recorded with this unit answers (CloudWatch's Unit filter). */
  unit?: string;
}

/** The metric store: implements the sink the traffic model writes to and the queries CloudWatch runs. */
export class MetricStore implements SimMetricSink {
  private readonly series = new Map<string, Series>();
  private newestMinuteMs = -Infinity;
  private prunedThroughMs = -Infinity;

  /** Drops every series (the control API's reset rebuilds the world with a fresh history). */
  clear(): void {
    this.series.clear();
    this.newestMinuteMs = -Infinity;
    this.prunedThroughMs = -Infinity;
  }

  /** Records one data sample. */
  record(key: SimMetricKey, atMs: number, value: number): void {
    this.recordStatistics(key, atMs, { sampleCount: 1, sum: value, min: value, max: value }, [value]);
  }

  /**
   * Records an aggregate of `stats.sampleCount` data samples at `atMs`. `samples`, when given, is a
   * representative draw from those samples used for percentiles; each counts for
   * `stats.sampleCount / samples.length` samples. Without samples, percentiles of the bucket are only
   * known when every sample has the same value (min = max).
   * @param unit CloudWatch unit of the series ("Seconds", "Count", ...); the first one recorded wins.
   */
  recordStatistics(key: SimMetricKey, atMs: number, stats: StatisticSet, samples?: readonly number[], unit?: string): void {
    if (stats.sampleCount <= 0 || !Number.isFinite(stats.sum)) return;
    const id = seriesId(key);
    let series = this.series.get(id);
    if (!series) {
      series = { key: normaliseKey(key), unit: unit ?? "None", buckets: new Map(), lastRecordedMs: atMs };
      this.series.set(id, series);
    }
    series.lastRecordedMs = Math.max(series.lastRecordedMs, atMs);
    const minute = Math.floor(atMs / MINUTE_MS) * MINUTE_MS;
    let bucket = series.buckets.get(minute);
    if (!bucket) {
      bucket = { sampleCount: 0, sum: 0, min: Infinity, max: -Infinity, values: [], weights: [] };
      series.buckets.set(minute, bucket);
    }
    bucket.sorted = undefined;
    bucket.sampleCount += stats.sampleCount;
    bucket.sum += stats.sum;
    bucket.min = Math.min(bucket.min, stats.min);
    bucket.max = Math.max(bucket.max, stats.max);
    if (samples && samples.length > 0) {
      const weight = stats.sampleCount / samples.length;
      for (const v of samples) {
        bucket.values.push(v);
        bucket.weights.push(weight);
      }
      if (bucket.values.length > MAX_SAMPLES_PER_BUCKET) compact(bucket);
    }
    if (minute > this.newestMinuteMs) {
      this.newestMinuteMs = minute;
      this.prune();
    }
  }

  /** Drops buckets past retention; runs at most once per hour of newest data to stay cheap. */
  private prune(): void {
    const cutoff = this.newestMinuteMs - RETENTION_MS;
    if (cutoff - this.prunedThroughMs < 3_600_000) return;
    this.prunedThroughMs = cutoff;
    for (const [id, series] of this.series) {
      for (const minute of series.buckets.keys()) if (minute < cutoff) series.buckets.delete(minute);
      if (series.buckets.size === 0) this.series.delete(id);
    }
  }

  /**
   * Statistics per period for one series, ascending by time. Periods are aligned to multiples of the
   * period since the epoch (as AWS does; not to the start time); a period is reported when it holds
   * data inside [startMs, endMs), and only that data is aggregated. Periods without data are absent.
   */
  statistics(q: StatisticsQuery): PeriodStatistics[] {
    const series = this.series.get(seriesId(q.key));
    if (!series || series.buckets.size === 0) return [];
    if (q.unit !== undefined && q.unit !== series.unit) return [];
    const periodMs = q.periodS * 1000;
    const firstMinute = Math.ceil(q.startMs / MINUTE_MS) * MINUTE_MS;
    const grouped = new Map<number, Bucket[]>();
    const collect = (minute: number, bucket: Bucket): void => {
      const periodStart = Math.floor(minute / periodMs) * periodMs;
      const list = grouped.get(periodStart);
      if (list) list.push(bucket);
      else grouped.set(periodStart, [bucket]);
    };
    const minutesInRange = (q.endMs - firstMinute) / MINUTE_MS;
    if (minutesInRange <= series.buckets.size) {
      for (let minute = firstMinute; minute < q.endMs; minute += MINUTE_MS) {
        const bucket = series.buckets.get(minute);
        if (bucket) collect(minute, bucket);
      }
    } else {
      // A wide range over a sparse series: walk the buckets instead of the minutes.
      for (const [minute, bucket] of series.buckets) if (minute >= firstMinute && minute < q.endMs) collect(minute, bucket);
    }
    const out: PeriodStatistics[] = [];
    for (const [timestampMs, buckets] of grouped) out.push(mergeBuckets(timestampMs, buckets, series.unit));
    out.sort((a, b) => a.timestampMs - b.timestampMs);
    return out;
  }

  /**
   * Metrics known to the store, filtered like ListMetrics: by namespace, metric name and dimension
   * filters (a metric matches when it has every filtered dimension, with the value when given).
   * Sorted by namespace, name, then dimensions, so paging is stable.
   */
  listMetrics(filter: { namespace?: string; metricName?: string; dimensions?: DimensionFilter[]; activeSinceMs?: number } = {}): ListedMetric[] {
    const out: ListedMetric[] = [];
    for (const [, series] of this.series) {
      const k = series.key;
      if (filter.namespace !== undefined && k.namespace !== filter.namespace) continue;
      if (filter.metricName !== undefined && k.metricName !== filter.metricName) continue;
      if (filter.activeSinceMs !== undefined && series.lastRecordedMs < filter.activeSinceMs) continue;
      const dims = filter.dimensions ?? [];
      const matches = dims.every((f) => k.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)));
      if (!matches) continue;
      out.push({
        namespace: k.namespace,
        metricName: k.metricName,
        dimensions: k.dimensions.map((d) => ({ ...d })),
        lastRecordedMs: series.lastRecordedMs,
      });
    }
    out.sort((a, b) => {
      const ka = seriesId(a);
      const kb = seriesId(b);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    return out;
  }

  /** Unit a series was recorded with, or undefined for an unknown series. */
  unitOf(key: SimMetricKey): string | undefined {
    return this.series.get(seriesId(key))?.unit;
  }
}

function mergeBuckets(timestampMs: number, buckets: Bucket[], unit: string): PeriodStatistics {
  let sampleCount = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const b of buckets) {
    sampleCount += b.sampleCount;
    sum += b.sum;
    min = Math.min(min, b.min);
    max = Math.max(max, b.max);
  }
  let cache: { values: number[]; weights: number[] } | undefined;
  return {
    timestampMs,
    sampleCount,
    sum,
    min,
    max,
    unit,
    percentile(p: number): number | undefined {
      if (p <= 0) return min;
      if (p >= 100) return max;
      // Every sample equal: any percentile is that value, even for aggregates recorded without samples.
      if (min === max) return min;
      if (!cache && buckets.length === 1 && buckets[0]) {
        // One bucket (1-minute periods): its own samples, sorted once for as long as it stays unchanged.
        const only = buckets[0];
        only.sorted ??= sortedSamples(only.values, only.weights);
        return clampTo(weightedPercentileOfSorted(only.sorted.values, only.sorted.weights, p), min, max);
      }
      if (!cache) {
        const values: number[] = [];
        const weights: number[] = [];
        for (const b of buckets) {
          // A bucket's samples stand for all its data; rescale so buckets weigh by their sample count.
          let w = 0;
          for (const x of b.weights) w += x;
          const scale = w > 0 ? b.sampleCount / w : 0;
          for (let i = 0; i < b.values.length; i++) {
            values.push(b.values[i] ?? 0);
            weights.push((b.weights[i] ?? 0) * scale);
          }
        }
        cache = { values, weights };
      }
      return clampTo(weightedPercentile(cache.values, cache.weights, p), min, max);
    },
  };
}
