import type { Color } from "@/lib/domain/basics";
import type { MetricSeries } from "@/lib/domain/snapshot";

/** One line of a chart: which series it draws and how it is told apart without colour. */
export interface LineSpec {
  /** Key of the value in a merged chart row. */
  key: string;
  metric: string;
  stat: string;
  /** null: a load balancer both colours share (one neutral line). */
  color: Color | null;
  label: string;
  /** Main lines are thick; secondary (p99) lines are thin and faded. */
  emphasis: "main" | "secondary";
}

export interface ChartSpec {
  id: string;
  title: string;
  /** What the metric means for a cutover, shown under the title. */
  hint: string;
  unit: MetricSeries["unit"];
  lines: LineSpec[];
  /** Columns the chart spans in the three-column grid. */
  span: 1 | 2;
  /**
   * Said on the chart when a line measures both colours together (a load balancer or target group
   * AWS reports as a whole), so nobody reads it as a per-colour figure.
   */
  note?: string;
}

function pair(metric: string, stat: string, suffix: string, emphasis: LineSpec["emphasis"]): LineSpec[] {
  const tag = suffix ? ` ${suffix}` : "";
  return [
    { key: `blue:${metric}:${stat}`, metric, stat, color: "blue", label: `Blue${tag}`, emphasis },
    { key: `green:${metric}:${stat}`, metric, stat, color: "green", label: `Green${tag}`, emphasis },
  ];
}

/** The charts of a classic-ELB application, in display order. */
export const CLASSIC_ELB_CHARTS: readonly ChartSpec[] = [
  {
    id: "latency",
    title: "Latency",
    hint: "Average and p99 per environment",
    unit: "Seconds",
    lines: [...pair("Latency", "Average", "avg", "main"), ...pair("Latency", "p99", "p99", "secondary")],
    span: 2,
  },
  {
    id: "http-5xx",
    title: "Backend 5xx",
    hint: "HTTPCode_Backend_5XX, sum per minute",
    unit: "Count",
    lines: pair("HTTPCode_Backend_5XX", "Sum", "", "main"),
    span: 1,
  },
  {
    id: "requests",
    title: "Requests",
    hint: "RequestCount, sum per minute",
    unit: "Count",
    lines: pair("RequestCount", "Sum", "", "main"),
    span: 2,
  },
  {
    id: "backend-connection-errors",
    title: "Backend connection errors",
    hint: "BackendConnectionErrors, sum per minute",
    unit: "Count",
    lines: pair("BackendConnectionErrors", "Sum", "", "main"),
    span: 1,
  },
  {
    id: "surge-queue",
    title: "Surge queue",
    hint: "SurgeQueueLength, maximum",
    unit: "Count",
    lines: pair("SurgeQueueLength", "Maximum", "", "main"),
    span: 1,
  },
  {
    id: "spillover",
    title: "Spillover",
    hint: "SpilloverCount, sum per minute (rejected requests)",
    unit: "Count",
    lines: pair("SpilloverCount", "Sum", "", "main"),
    span: 1,
  },
  {
    id: "healthy-hosts",
    title: "Healthy hosts",
    hint: "HealthyHostCount, average",
    unit: "Count",
    lines: pair("HealthyHostCount", "Average", "", "main"),
    span: 1,
  },
];

interface MetricInfo {
  title: string;
  hint: string;
  /** Display order; unknown metrics go last, by name. */
  order: number;
  span: 1 | 2;
}

/** What each CloudWatch metric Teal reads means in a cutover (classic ELB, ALB, ECS). */
const METRICS: Record<string, MetricInfo> = {
  Latency: { title: "Latency", hint: "Classic ELB Latency", order: 0, span: 2 },
  TargetResponseTime: { title: "Target response time", hint: "ALB TargetResponseTime", order: 1, span: 2 },
  HTTPCode_Backend_5XX: { title: "Backend 5xx", hint: "HTTPCode_Backend_5XX, sum per minute", order: 2, span: 1 },
  HTTPCode_Target_5XX_Count: { title: "Target 5xx", hint: "HTTPCode_Target_5XX_Count, sum per minute", order: 3, span: 1 },
  RequestCount: { title: "Requests", hint: "RequestCount, sum per minute", order: 4, span: 2 },
  BackendConnectionErrors: { title: "Backend connection errors", hint: "BackendConnectionErrors, sum per minute", order: 5, span: 1 },
  RejectedConnectionCount: {
    title: "Rejected connections",
    hint: "RejectedConnectionCount, sum per minute (ALB at its connection limit)",
    order: 6,
    span: 1,
  },
  CPUUtilization: { title: "CPU", hint: "CPUUtilization per colour, average", order: 7, span: 1 },
  MemoryUtilization: { title: "Memory", hint: "ECS service MemoryUtilization, average", order: 8, span: 1 },
  SurgeQueueLength: { title: "Surge queue", hint: "SurgeQueueLength, maximum", order: 9, span: 1 },
  SpilloverCount: { title: "Spillover", hint: "SpilloverCount, sum per minute (rejected requests)", order: 10, span: 1 },
  HealthyHostCount: { title: "Healthy hosts", hint: "HealthyHostCount, average", order: 11, span: 1 },
  UnHealthyHostCount: { title: "Unhealthy hosts", hint: "UnHealthyHostCount, average", order: 12, span: 1 },
};

const STAT_ORDER: Record<string, number> = { Average: 0, Sum: 0, Maximum: 1, p50: 2, p90: 3, p99: 4, Minimum: 5 };
const STAT_SUFFIX: Record<string, string> = { Average: "avg", Sum: "sum", Maximum: "max", Minimum: "min" };
const COLOR_ORDER = (c: Color | null) => (c === "blue" ? 0 : c === "green" ? 1 : 2);
const COLOR_LABEL = (c: Color | null) => (c === "blue" ? "Blue" : c === "green" ? "Green" : "Both colours");

/** What a chart says when a line covers both colours (kept in step with lib/metrics/per-colour.ts). */
export const SHARED_CHART_NOTE: Record<NonNullable<MetricSeries["sharedBy"]>, string> = {
  "load-balancer": "One series for both colours: AWS reports this load balancer as a whole",
  "target-group": "One series for both colours: AWS reports this target group as a whole",
};

/**
 * The charts for the series a snapshot actually carries: one chart per metric, one line per
 * (statistic, colour) present, in a fixed reading order (latency, errors, requests, capacity).
 * A series with colour null (a load balancer both colours share) becomes one neutral line labelled
 * "Both colours", and the chart says why there is no per-colour reading (`note`).
 */
export function chartsForSeries(series: readonly MetricSeries[]): ChartSpec[] {
  const byMetric = new Map<string, MetricSeries[]>();
  for (const s of series) {
    const list = byMetric.get(s.metric) ?? [];
    list.push(s);
    byMetric.set(s.metric, list);
  }
  const charts: { spec: ChartSpec; order: number }[] = [];
  for (const [metric, list] of byMetric) {
    const info = METRICS[metric] ?? { title: metric, hint: metric, order: 100, span: 1 as const };
    const stats = [...new Set(list.map((s) => s.stat))].sort((a, b) => (STAT_ORDER[a] ?? 9) - (STAT_ORDER[b] ?? 9) || a.localeCompare(b));
    const seen = new Set<string>();
    const lines: LineSpec[] = [];
    for (const stat of stats) {
      const ofStat = list.filter((s) => s.stat === stat).sort((a, b) => COLOR_ORDER(a.color) - COLOR_ORDER(b.color));
      for (const s of ofStat) {
        const key = `${s.color ?? "shared"}:${metric}:${stat}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const suffix = stats.length > 1 ? ` ${STAT_SUFFIX[stat] ?? stat}` : "";
        lines.push({
          key,
          metric,
          stat,
          color: s.color,
          label: `${COLOR_LABEL(s.color)}${suffix}`,
          emphasis: /^p\d+$/.test(stat) && stats.length > 1 ? "secondary" : "main",
        });
      }
    }
    const statHint = stats.length > 1 ? `${info.hint}, ${stats.map((st) => STAT_SUFFIX[st] ?? st).join(" and ")}` : info.hint;
    const shared = list.find((s) => s.color === null);
    const spec: ChartSpec = {
      id: metric.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase(),
      title: info.title,
      hint: statHint,
      unit: list[0]?.unit ?? "Count",
      lines,
      span: info.span,
      ...(shared ? { note: SHARED_CHART_NOTE[shared.sharedBy ?? "load-balancer"] } : {}),
    };
    charts.push({ spec, order: info.order });
  }
  return charts.sort((a, b) => a.order - b.order || a.spec.title.localeCompare(b.spec.title)).map((c) => c.spec);
}
