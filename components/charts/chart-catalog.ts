import type { Color, MetricSeries } from "@/lib/domain/types";

/** One line of a chart: which series it draws and how it is told apart without colour. */
export interface LineSpec {
  /** Key of the value in a merged chart row. */
  key: string;
  metric: string;
  stat: string;
  color: Color;
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
