import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MetricSeries, OperationMarker } from "@/lib/domain/snapshot";
import { CLASSIC_ELB_CHARTS, type LineSpec } from "./chart-catalog";
import {
  chartClock,
  chartRows,
  findSeries,
  hasAnyPoint,
  isIsolated,
  markersInWindow,
  markersNear,
  maxValue,
  mergeByTimestamp,
  withGaps,
  withoutOpenPeriod,
  type ChartRow,
} from "./merge-series";
import { curveOf } from "./metric-chart";

const lines: LineSpec[] = [
  { key: "blue:RequestCount:Sum", metric: "RequestCount", stat: "Sum", color: "blue", label: "Blue", emphasis: "main" },
  { key: "green:RequestCount:Sum", metric: "RequestCount", stat: "Sum", color: "green", label: "Green", emphasis: "main" },
];

function series(color: "blue" | "green", metric: string, stat: string, points: { t: number; v: number }[]): MetricSeries {
  return { id: `${color}-${metric}-${stat}`, metric, stat, color, unit: "Count", points };
}

describe("mergeByTimestamp", () => {
  it("joins lines on equal timestamps and sorts by time", () => {
    const rows = mergeByTimestamp([
      {
        key: "a",
        points: [
          { t: 120, v: 2 },
          { t: 60, v: 1 },
        ],
      },
      {
        key: "b",
        points: [
          { t: 60, v: 10 },
          { t: 180, v: 30 },
        ],
      },
    ]);
    expect(rows).toEqual([
      { t: 60, a: 1, b: 10 },
      { t: 120, a: 2 },
      { t: 180, b: 30 },
    ]);
  });
  it("leaves gaps instead of inventing zeros and drops non-finite values", () => {
    const rows = mergeByTimestamp([
      {
        key: "a",
        points: [
          { t: 60, v: Number.NaN },
          { t: 120, v: 0 },
        ],
      },
    ]);
    expect(rows).toEqual([{ t: 120, a: 0 }]);
  });
  it("returns no rows for no points", () => {
    expect(mergeByTimestamp([{ key: "a", points: [] }])).toEqual([]);
  });
});

describe("chartRows", () => {
  it("picks the series by metric, stat and colour", () => {
    const all = [
      series("blue", "RequestCount", "Sum", [{ t: 1, v: 100 }]),
      series("green", "RequestCount", "Sum", [{ t: 1, v: 5 }]),
      series("green", "Latency", "Average", [{ t: 1, v: 0.2 }]),
    ];
    expect(chartRows(all, lines)).toEqual([{ t: 1, "blue:RequestCount:Sum": 100, "green:RequestCount:Sum": 5 }]);
  });
  it("tolerates a missing colour", () => {
    const rows = chartRows([series("blue", "RequestCount", "Sum", [{ t: 1, v: 3 }])], lines);
    expect(rows).toEqual([{ t: 1, "blue:RequestCount:Sum": 3 }]);
    expect(hasAnyPoint(rows, lines)).toBe(true);
    expect(hasAnyPoint([], lines)).toBe(false);
  });
  it("does not confuse average and p99 of the same metric", () => {
    const latency = CLASSIC_ELB_CHARTS.find((c) => c.id === "latency");
    expect(latency).toBeDefined();
    const all = [series("blue", "Latency", "Average", [{ t: 1, v: 0.1 }]), series("blue", "Latency", "p99", [{ t: 1, v: 0.9 }])];
    const rows = chartRows(all, latency?.lines ?? []);
    expect(rows[0]?.["blue:Latency:Average"]).toBe(0.1);
    expect(rows[0]?.["blue:Latency:p99"]).toBe(0.9);
  });
});

describe("findSeries", () => {
  it("returns undefined when the metric is absent", () => {
    expect(findSeries([], { metric: "X", stat: "Sum", color: "blue" })).toBeUndefined();
  });
});

describe("markers", () => {
  const marker = (id: string, at: number): OperationMarker => ({
    id,
    at,
    actor: "operator@example.com",
    summary: "Shift",
    reason: "canary",
    status: "succeeded",
  });
  it("keeps markers inside the window, oldest first", () => {
    const ms = [marker("c", 300), marker("a", 100), marker("out", 999)];
    expect(markersInWindow(ms, 50, 400).map((m) => m.id)).toEqual(["a", "c"]);
  });
  it("finds markers near a hovered time", () => {
    const ms = [marker("a", 1000), marker("b", 5000)];
    expect(markersNear(ms, 1_020, 30).map((m) => m.id)).toEqual(["a"]);
    expect(markersNear(ms, 3000, 30)).toEqual([]);
  });
});

describe("maxValue", () => {
  it("finds the largest value over the chart's lines only", () => {
    const rows: ChartRow[] = [
      { t: 1, "blue:RequestCount:Sum": 4, other: 99 },
      { t: 2, "green:RequestCount:Sum": 7 },
    ];
    expect(maxValue(rows, lines)).toBe(7);
    expect(maxValue([], lines)).toBe(0);
  });
});

describe("CLASSIC_ELB_CHARTS", () => {
  it("gives every line a unique key and both colours per chart", () => {
    for (const chart of CLASSIC_ELB_CHARTS) {
      const keys = chart.lines.map((l) => l.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(chart.lines.some((l) => l.color === "blue")).toBe(true);
      expect(chart.lines.some((l) => l.color === "green")).toBe(true);
    }
  });
});

describe("withoutOpenPeriod", () => {
  const pts = [
    { t: 0, v: 100 },
    { t: 60_000, v: 110 },
    { t: 120_000, v: 4 },
  ];
  it("drops the last Sum point while its minute is still open", () => {
    expect(withoutOpenPeriod(series("blue", "RequestCount", "Sum", pts), 150_000)).toEqual(pts.slice(0, 2));
  });
  it("keeps it once the minute has closed", () => {
    expect(withoutOpenPeriod(series("blue", "RequestCount", "Sum", pts), 180_000)).toEqual(pts);
  });
  it("keeps averages and maxima, which a short period does not bias", () => {
    expect(withoutOpenPeriod(series("blue", "Latency", "Average", pts), 150_000)).toEqual(pts);
    expect(withoutOpenPeriod(series("blue", "SurgeQueueLength", "Maximum", pts), 150_000)).toEqual(pts);
  });
  it("uses the spacing of the last two points as the period (5-minute data on long ranges)", () => {
    const five = [
      { t: 0, v: 1 },
      { t: 300_000, v: 2 },
    ];
    expect(withoutOpenPeriod(series("blue", "RequestCount", "Sum", five), 500_000)).toEqual([{ t: 0, v: 1 }]);
    expect(withoutOpenPeriod(series("blue", "RequestCount", "Sum", five), 600_000)).toEqual(five);
  });
  it("is applied by chartRows", () => {
    const rows = chartRows([series("blue", "RequestCount", "Sum", pts)], lines, 150_000);
    expect(rows.map((r) => r.t)).toEqual([0, 60_000]);
  });
});

describe("gaps are gaps", () => {
  const M = 60_000;
  it("gives a missing minute a row of nulls, not a zero and not nothing", () => {
    const all = [
      series("blue", "RequestCount", "Sum", [
        { t: 0, v: 5 },
        { t: 3 * M, v: 7 },
      ]),
      series("green", "RequestCount", "Sum", [{ t: M, v: 2 }]),
    ];
    const rows = chartRows(all, lines, Number.POSITIVE_INFINITY, M);
    expect(rows).toEqual([
      { t: 0, "blue:RequestCount:Sum": 5, "green:RequestCount:Sum": null },
      { t: M, "blue:RequestCount:Sum": null, "green:RequestCount:Sum": 2 },
      { t: 2 * M, "blue:RequestCount:Sum": null, "green:RequestCount:Sum": null },
      { t: 3 * M, "blue:RequestCount:Sum": 7, "green:RequestCount:Sum": null },
    ]);
    expect(rows.some((r) => r["blue:RequestCount:Sum"] === 0)).toBe(false);
  });
  it("keeps a real zero as a zero", () => {
    const rows = withGaps(
      [
        { t: 0, a: 0 },
        { t: 2 * M, a: 1 },
      ],
      ["a"],
      M,
    );
    expect(rows).toEqual([
      { t: 0, a: 0 },
      { t: M, a: null },
      { t: 2 * M, a: 1 },
    ]);
  });
  it("fills 5-minute data on its own grid and keeps off-grid rows", () => {
    const rows = withGaps(
      [
        { t: 0, a: 1 },
        { t: 10 * M, a: 2 },
        { t: 7 * M, a: 3 },
      ].sort((x, y) => x.t - y.t),
      ["a"],
      5 * M,
    );
    expect(rows.map((r) => [r.t, r.a])).toEqual([
      [0, 1],
      [5 * M, null],
      [7 * M, 3],
      [10 * M, 2],
    ]);
  });
  it("handles no rows and a bad step", () => {
    expect(withGaps([], ["a"], M)).toEqual([]);
    expect(withGaps([{ t: 0, a: 1 }, { t: 5 * M }], ["a"], 0)).toEqual([
      { t: 0, a: 1 },
      { t: 5 * M, a: null },
    ]);
  });
  it("does not count nulls as data or as the maximum", () => {
    const rows: ChartRow[] = [{ t: 0, "blue:RequestCount:Sum": null, "green:RequestCount:Sum": null }];
    expect(hasAnyPoint(rows, lines)).toBe(false);
    expect(maxValue(rows, lines)).toBe(0);
  });
  it("marks a lone point between gaps, which a step line would not draw", () => {
    const rows: ChartRow[] = [
      { t: 0, a: 1 },
      { t: M, a: null },
      { t: 2 * M, a: 4 },
      { t: 3 * M, a: null },
      { t: 4 * M, a: 2 },
      { t: 5 * M, a: 3 },
    ];
    expect([0, 1, 2, 3, 4, 5].map((i) => isIsolated(rows, "a", i))).toEqual([true, false, true, false, false, false]);
  });
});

describe("curveOf", () => {
  it("draws counts as steps and other units as straight segments, never smoothed", () => {
    expect(curveOf("Count")).toBe("stepAfter");
    expect(curveOf("Seconds")).toBe("linear");
    expect(curveOf("Percent")).toBe("linear");
  });
});

describe("chartClock", () => {
  it("is the start of the minute", () => {
    expect(chartClock(7_259_999)).toBe(7_200_000);
    expect(chartClock(7_200_000)).toBe(7_200_000);
  });
  it("trims exactly the open periods the exact time trims, for minute and five-minute points", () => {
    const point = fc.record({ v: fc.integer({ min: 0, max: 1_000 }) });
    fc.assert(
      fc.property(
        fc.constantFrom(60_000, 300_000),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(point, { minLength: 0, maxLength: 6 }),
        fc.integer({ min: -2 * 300_000, max: 3 * 300_000 }),
        fc.constantFrom("Sum", "Average"),
        (period, startPeriods, values, offsetMs, stat) => {
          const start = startPeriods * period;
          const pts = values.map((p, i) => ({ t: start + i * period, v: p.v }));
          const nowMs = start + values.length * period + offsetMs;
          const s = [series("blue", "RequestCount", stat, pts), series("green", "RequestCount", stat, pts)];
          const statLines = lines.map((l) => ({ ...l, stat }));
          expect(chartRows(s, statLines, chartClock(nowMs), period)).toEqual(chartRows(s, statLines, nowMs, period));
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});
