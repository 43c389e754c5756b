import { describe, expect, it } from "vitest";
import { counter, gauge, histogram, renderMetrics } from "./metrics";

/** The lines of the exposition that belong to `name` (its HELP, TYPE and samples). */
function linesOf(name: string): string[] {
  return renderMetrics()
    .split("\n")
    .filter((l) => l === `# HELP ${name}` || l.startsWith(`# HELP ${name} `) || l.startsWith(`# TYPE ${name} `) || l.startsWith(name));
}

describe("the Prometheus text exposition", () => {
  it("writes a counter with HELP, TYPE and one sample per label set, labels sorted and escaped", () => {
    const c = counter("test_expo_requests_total", "Requests.\nSecond line with a \\ backslash.");
    c.inc({ service: "elbv2", outcome: "ok" });
    c.inc({ outcome: "ok", service: "elbv2" }, 2);
    c.inc({ service: 'we"ird\\na\nme', outcome: "error" });
    expect(linesOf("test_expo_requests_total")).toEqual([
      "# HELP test_expo_requests_total Requests.\\nSecond line with a \\\\ backslash.",
      "# TYPE test_expo_requests_total counter",
      'test_expo_requests_total{outcome="ok",service="elbv2"} 3',
      'test_expo_requests_total{outcome="error",service="we\\"ird\\\\na\\nme"} 1',
    ]);
    expect(c.get({ service: "elbv2", outcome: "ok" })).toBe(3);
  });

  it("never lets a counter go down", () => {
    const c = counter("test_expo_down_total", "Down.");
    c.inc({}, 5);
    c.inc({}, -3);
    c.inc({}, Number.NaN);
    expect(c.get()).toBe(5);
  });

  it("writes a histogram's buckets cumulatively, with +Inf, _sum and _count", () => {
    const h = histogram("test_expo_duration_seconds", "Durations.", [1, 0.1, 10]);
    for (const v of [0.05, 0.5, 0.5, 20]) h.observe({ outcome: "ok" }, v);
    expect(linesOf("test_expo_duration_seconds")).toEqual([
      "# HELP test_expo_duration_seconds Durations.",
      "# TYPE test_expo_duration_seconds histogram",
      'test_expo_duration_seconds_bucket{outcome="ok",le="0.1"} 1',
      'test_expo_duration_seconds_bucket{outcome="ok",le="1"} 3',
      'test_expo_duration_seconds_bucket{outcome="ok",le="10"} 3',
      'test_expo_duration_seconds_bucket{outcome="ok",le="+Inf"} 4',
      'test_expo_duration_seconds_sum{outcome="ok"} 21.05',
      'test_expo_duration_seconds_count{outcome="ok"} 4',
    ]);
  });

  it("reads a collected gauge at each scrape, and a failing collector leaves it empty", () => {
    const g = gauge("test_expo_age_seconds", "Age.");
    let age = 1;
    g.collect(() => [{ labels: { app: "shop" }, value: age }]);
    expect(linesOf("test_expo_age_seconds")).toContain('test_expo_age_seconds{app="shop"} 1');
    age = 7.5;
    expect(linesOf("test_expo_age_seconds")).toContain('test_expo_age_seconds{app="shop"} 7.5');
    g.collect(() => {
      throw new Error("no");
    });
    expect(linesOf("test_expo_age_seconds")).toEqual(["# HELP test_expo_age_seconds Age.", "# TYPE test_expo_age_seconds gauge"]);
  });

  it("refuses names and labels Prometheus would not parse, and one name as two kinds", () => {
    expect(() => counter("test-bad-name", "x")).toThrow(/invalid metric name/);
    const c = counter("test_expo_labels_total", "x");
    expect(() => c.inc({ "bad-label": "x" })).toThrow(/invalid label name/);
    expect(() => c.inc({ le: "x" })).toThrow(/invalid label name/);
    expect(() => gauge("test_expo_labels_total", "x")).toThrow(/already a counter/);
  });

  it("shares one registry between copies of the module (the server bundles it more than once)", () => {
    counter("test_expo_shared_total", "Shared.").inc();
    // A second definition of the same name is the same metric, not a new empty one.
    const again = counter("test_expo_shared_total", "Shared.");
    again.inc();
    expect(again.get()).toBe(2);
  });
});
