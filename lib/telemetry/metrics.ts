/**
 * Counters, gauges and histograms kept in memory and written in Prometheus's text exposition
 * format (version 0.0.4) for `/metrics`. Written here rather than taken from a client library:
 * the format is a few lines of text, and Teal needs only these three kinds.
 *
 * The registry lives on globalThis: the built server bundles this module more than once (the
 * instrumentation hook that starts the engine, each route), and the `/metrics` route must see what
 * the engine and the AWS clients counted.
 */

export type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  value: number;
}

interface HistogramSeries {
  labels: Labels;
  /** Cumulative counts per bucket bound, in the order of the metric's buckets. */
  counts: number[];
  sum: number;
  count: number;
}

/** A value read when `/metrics` is scraped (e.g. the age of each application's last read). */
export type GaugeCollector = () => { labels: Labels; value: number }[];

type Metric =
  | { kind: "counter"; name: string; help: string; series: Map<string, Series> }
  | { kind: "gauge"; name: string; help: string; series: Map<string, Series>; collector: GaugeCollector | null }
  | { kind: "histogram"; name: string; help: string; buckets: number[]; series: Map<string, HistogramSeries> };

interface Registry {
  metrics: Map<string, Metric>;
}

const KEY = Symbol.for("teal.telemetry.metrics");
const holder = globalThis as typeof globalThis & { [KEY]?: Registry };
function registry(): Registry {
  holder[KEY] ??= { metrics: new Map() };
  return holder[KEY];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function keyOf(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join("\u0001");
}

function define<M extends Metric>(metric: M): M {
  if (!NAME.test(metric.name)) throw new Error(`invalid metric name ${metric.name}`);
  const existing = registry().metrics.get(metric.name);
  if (existing) {
    if (existing.kind !== metric.kind) throw new Error(`metric ${metric.name} is already a ${existing.kind}`);
    return existing as M;
  }
  registry().metrics.set(metric.name, metric);
  return metric;
}

function checkLabels(labels: Labels): void {
  for (const k of Object.keys(labels)) if (!LABEL.test(k) || k.startsWith("__") || k === "le") throw new Error(`invalid label name ${k}`);
}

export interface Counter {
  inc(labels?: Labels, by?: number): void;
  /** The current value for `labels` (0 when never counted); for tests and checks. */
  get(labels?: Labels): number;
}

export function counter(name: string, help: string): Counter {
  const m = define({ kind: "counter", name, help, series: new Map<string, Series>() });
  return {
    inc(labels = {}, by = 1) {
      if (!(by >= 0)) return;
      checkLabels(labels);
      const key = keyOf(labels);
      const s = m.series.get(key);
      if (s) s.value += by;
      else m.series.set(key, { labels: { ...labels }, value: by });
    },
    get: (labels = {}) => m.series.get(keyOf(labels))?.value ?? 0,
  };
}

export interface Gauge {
  set(labels: Labels, value: number): void;
  /** Values computed at each scrape instead (replaces any collector set before). */
  collect(collector: GaugeCollector | null): void;
}

export function gauge(name: string, help: string): Gauge {
  const m = define({ kind: "gauge", name, help, series: new Map<string, Series>(), collector: null as GaugeCollector | null });
  return {
    set(labels, value) {
      checkLabels(labels);
      m.series.set(keyOf(labels), { labels: { ...labels }, value });
    },
    collect(collector) {
      m.collector = collector;
    },
  };
}

export interface Histogram {
  observe(labels: Labels, value: number): void;
  /** Observations so far for `labels`; for tests and checks. */
  count(labels?: Labels): number;
}

export function histogram(name: string, help: string, buckets: readonly number[]): Histogram {
  const sorted = [...buckets].sort((a, b) => a - b);
  const m = define({ kind: "histogram", name, help, buckets: sorted, series: new Map<string, HistogramSeries>() });
  return {
    observe(labels, value) {
      if (!Number.isFinite(value)) return;
      checkLabels(labels);
      const key = keyOf(labels);
      let s = m.series.get(key);
      if (!s) {
        s = { labels: { ...labels }, counts: m.buckets.map(() => 0), sum: 0, count: 0 };
        m.series.set(key, s);
      }
      m.buckets.forEach((bound, i) => {
        if (value <= bound && s) s.counts[i] = (s.counts[i] ?? 0) + 1;
      });
      s.sum += value;
      s.count += 1;
    },
    count: (labels = {}) => m.series.get(keyOf(labels))?.count ?? 0,
  };
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k] ?? "")}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return pairs.length > 0 ? `{${pairs.join(",")}}` : "";
}

/** Every metric in the text exposition format 0.0.4 (served as `text/plain; version=0.0.4`). */
export function renderMetrics(): string {
  const lines: string[] = [];
  const metrics = [...registry().metrics.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const m of metrics) {
    lines.push(`# HELP ${m.name} ${escapeHelp(m.help)}`);
    lines.push(`# TYPE ${m.name} ${m.kind}`);
    if (m.kind === "histogram") {
      for (const s of m.series.values()) {
        m.buckets.forEach((bound, i) => lines.push(`${m.name}_bucket${labelText(s.labels, ["le", formatValue(bound)])} ${s.counts[i] ?? 0}`));
        lines.push(`${m.name}_bucket${labelText(s.labels, ["le", "+Inf"])} ${s.count}`);
        lines.push(`${m.name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
        lines.push(`${m.name}_count${labelText(s.labels)} ${s.count}`);
      }
      continue;
    }
    let series: { labels: Labels; value: number }[] = [...m.series.values()];
    if (m.kind === "gauge" && m.collector) {
      try {
        series = m.collector();
      } catch {
        // A collector that fails leaves its gauge empty for this scrape rather than failing it.
        series = [];
      }
    }
    for (const s of series) lines.push(`${m.name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The content type of `renderMetrics()`'s text. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
