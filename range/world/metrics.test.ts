import { describe, expect, it } from "vitest";
import { MetricStore, parseStatistic, RETENTION_MS, statisticValue, type PeriodStatistics } from "./metrics";
import type { SimMetricKey } from "./state";

const T0 = Date.UTC(2026, 8, 1, 12, 0, 0); // a whole hour
const MIN = 60_000;
const latency: SimMetricKey = { namespace: "AWS/ELB", metricName: "Latency", dimensions: [{ Name: "LoadBalancerName", Value: "blue" }] };

function stat(stats: PeriodStatistics | undefined, name: string): number | undefined {
  const parsed = parseStatistic(name);
  if (!stats || !parsed) throw new Error(`no stats or bad statistic ${name}`);
  return statisticValue(stats, parsed);
}

describe("parseStatistic", () => {
  it("accepts the simple statistics and pNN / pNN.NN", () => {
    expect(parseStatistic("Average")).toEqual({ kind: "Average" });
    expect(parseStatistic("p99")).toEqual({ kind: "percentile", percentile: 99 });
    expect(parseStatistic("p99.95")).toEqual({ kind: "percentile", percentile: 99.95 });
    expect(parseStatistic("p100")).toEqual({ kind: "percentile", percentile: 100 });
    expect(parseStatistic("p0")).toEqual({ kind: "percentile", percentile: 0 });
  });
  it("refuses anything else", () => {
    for (const bad of ["average", "p", "p101", "p99.999", "tm99", "p-1", "Avg", ""]) expect(parseStatistic(bad)).toBeUndefined();
  });
});

describe("MetricStore", () => {
  it("computes the five statistics and exact percentiles on known samples", () => {
    const store = new MetricStore();
    // Samples 1..100 spread across one minute, shuffled order.
    const values = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    values.forEach((v, i) => store.record(latency, T0 + i * 500, v));
    const [p] = store.statistics({ key: latency, startMs: T0, endMs: T0 + MIN, periodS: 60 });
    expect(p?.timestampMs).toBe(T0);
    expect(stat(p, "SampleCount")).toBe(100);
    expect(stat(p, "Sum")).toBe(5050);
    expect(stat(p, "Average")).toBe(50.5);
    expect(stat(p, "Minimum")).toBe(1);
    expect(stat(p, "Maximum")).toBe(100);
    expect(stat(p, "p50")).toBe(50);
    expect(stat(p, "p99")).toBe(99);
    expect(stat(p, "p90.5")).toBe(91);
    expect(stat(p, "p100")).toBe(100);
  });

  it("leaves minutes without samples out (missing, not zero)", () => {
    const store = new MetricStore();
    store.record(latency, T0 + 10_000, 1);
    store.record(latency, T0 + 2 * MIN + 5_000, 3);
    const points = store.statistics({ key: latency, startMs: T0, endMs: T0 + 5 * MIN, periodS: 60 });
    expect(points.map((x) => x.timestampMs)).toEqual([T0, T0 + 2 * MIN]);
  });

  it("aggregates buckets into periods aligned to period boundaries, clipped to the range", () => {
    const store = new MetricStore();
    for (let m = 0; m < 10; m++) store.record(latency, T0 + m * MIN, m + 1); // 1..10 at minutes 0..9
    // 5-minute periods, range starting at minute 2: period [0,5) holds minutes 2,3,4 only.
    const points = store.statistics({ key: latency, startMs: T0 + 2 * MIN, endMs: T0 + 10 * MIN, periodS: 300 });
    expect(points.map((x) => x.timestampMs)).toEqual([T0, T0 + 5 * MIN]);
    expect(stat(points[0], "Sum")).toBe(3 + 4 + 5);
    expect(stat(points[0], "SampleCount")).toBe(3);
    expect(stat(points[1], "Sum")).toBe(6 + 7 + 8 + 9 + 10);
    expect(stat(points[1], "Maximum")).toBe(10);
    expect(stat(points[1], "p50")).toBe(8);
  });

  it("records count metrics as statistic sets: Sum = requests, Average = 1", () => {
    const store = new MetricStore();
    const key: SimMetricKey = { namespace: "AWS/ELB", metricName: "RequestCount", dimensions: [{ Name: "LoadBalancerName", Value: "blue" }] };
    store.recordStatistics(key, T0 + 1_000, { sampleCount: 600, sum: 600, min: 1, max: 1 }, undefined, "Count");
    store.recordStatistics(key, T0 + 11_000, { sampleCount: 400, sum: 400, min: 1, max: 1 }, undefined, "Count");
    const [p] = store.statistics({ key, startMs: T0, endMs: T0 + MIN, periodS: 60 });
    expect(stat(p, "Sum")).toBe(1000);
    expect(stat(p, "SampleCount")).toBe(1000);
    expect(stat(p, "Average")).toBe(1);
    expect(stat(p, "p99")).toBe(1);
    expect(p?.unit).toBe("Count");
  });

  it("weights representative samples by the requests they stand for", () => {
    const store = new MetricStore();
    // 900 requests at ~0.01 s represented by 9 samples, 100 requests at 1 s represented by 1 sample.
    store.recordStatistics(latency, T0, { sampleCount: 900, sum: 9, min: 0.01, max: 0.01 }, Array<number>(9).fill(0.01));
    store.recordStatistics(latency, T0 + 1_000, { sampleCount: 100, sum: 100, min: 1, max: 1 }, [1]);
    const [p] = store.statistics({ key: latency, startMs: T0, endMs: T0 + MIN, periodS: 60 });
    expect(stat(p, "p85")).toBe(0.01);
    expect(stat(p, "p95")).toBe(1);
    expect(stat(p, "Average")).toBeCloseTo(109 / 1000, 10);
  });

  it("keeps percentiles close after compacting a large bucket", () => {
    const store = new MetricStore();
    for (let i = 1; i <= 10_000; i++) store.record(latency, T0 + (i % 60_000), i);
    const [p] = store.statistics({ key: latency, startMs: T0, endMs: T0 + MIN, periodS: 60 });
    expect(stat(p, "SampleCount")).toBe(10_000);
    expect(stat(p, "p50")).toBeGreaterThan(4_700);
    expect(stat(p, "p50")).toBeLessThan(5_300);
    expect(stat(p, "p99")).toBeGreaterThan(9_700);
    expect(stat(p, "Maximum")).toBe(10_000);
  });

  it("matches series regardless of dimension order and filters by unit", () => {
    const store = new MetricStore();
    const a: SimMetricKey = {
      namespace: "AWS/ELB",
      metricName: "Latency",
      dimensions: [
        { Name: "LoadBalancerName", Value: "x" },
        { Name: "AvailabilityZone", Value: "eu-west-1a" },
      ],
    };
    const b: SimMetricKey = { ...a, dimensions: [...a.dimensions].reverse() };
    store.recordStatistics(a, T0, { sampleCount: 1, sum: 2, min: 2, max: 2 }, [2], "Seconds");
    expect(store.statistics({ key: b, startMs: T0, endMs: T0 + MIN, periodS: 60 })).toHaveLength(1);
    expect(store.statistics({ key: b, startMs: T0, endMs: T0 + MIN, periodS: 60, unit: "Seconds" })).toHaveLength(1);
    expect(store.statistics({ key: b, startMs: T0, endMs: T0 + MIN, periodS: 60, unit: "Milliseconds" })).toHaveLength(0);
    // A subset of the dimensions is another metric.
    expect(
      store.statistics({ key: { ...a, dimensions: [{ Name: "LoadBalancerName", Value: "x" }] }, startMs: T0, endMs: T0 + MIN, periodS: 60 }),
    ).toHaveLength(0);
  });

  it("lists metrics filtered by namespace, name and dimensions", () => {
    const store = new MetricStore();
    const dims = (lb: string) => [{ Name: "LoadBalancerName", Value: lb }];
    store.record({ namespace: "AWS/ELB", metricName: "Latency", dimensions: dims("blue") }, T0, 1);
    store.record({ namespace: "AWS/ELB", metricName: "RequestCount", dimensions: dims("blue") }, T0, 1);
    store.record({ namespace: "AWS/ELB", metricName: "Latency", dimensions: dims("green") }, T0 - 4 * 3_600_000, 1);
    store.record({ namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions: [{ Name: "ClusterName", Value: "c" }] }, T0, 1);
    expect(store.listMetrics()).toHaveLength(4);
    expect(store.listMetrics({ namespace: "AWS/ELB" })).toHaveLength(3);
    expect(store.listMetrics({ metricName: "Latency" }).map((m) => m.dimensions[0]?.Value)).toEqual(["blue", "green"]);
    expect(store.listMetrics({ dimensions: [{ Name: "LoadBalancerName", Value: "green" }] })).toHaveLength(1);
    expect(store.listMetrics({ dimensions: [{ Name: "LoadBalancerName" }] })).toHaveLength(3);
    expect(store.listMetrics({ activeSinceMs: T0 - 3 * 3_600_000 })).toHaveLength(3);
  });

  it("drops data older than the 15-day retention", () => {
    const store = new MetricStore();
    store.record(latency, T0, 1);
    store.record(latency, T0 + RETENTION_MS + 2 * 3_600_000, 2);
    expect(store.statistics({ key: latency, startMs: T0 - MIN, endMs: T0 + MIN, periodS: 60 })).toHaveLength(0);
    expect(store.statistics({ key: latency, startMs: T0, endMs: T0 + RETENTION_MS + 3 * 3_600_000, periodS: 3600 })).toHaveLength(1);
  });
});
