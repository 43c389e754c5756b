import { describe, expect, it } from "vitest";
import { metricKey, mergeSeries, windowToRead } from "./series-store";

const MIN = 60_000;
const at = (minute: number, v: number) => ({ t: minute * MIN, v });

describe("mergeSeries", () => {
  it("appends the new periods after what is held", () => {
    expect(mergeSeries([at(1, 10), at(2, 20)], [at(3, 30), at(4, 40)], 3 * MIN, 5 * MIN)).toEqual([at(1, 10), at(2, 20), at(3, 30), at(4, 40)]);
  });

  it("replaces a revised last point with the new value", () => {
    // The minute 2 point grew from 20 to 25 (late datapoints), and minute 3 is new.
    expect(mergeSeries([at(1, 10), at(2, 20)], [at(2, 25), at(3, 30)], 2 * MIN, 4 * MIN)).toEqual([at(1, 10), at(2, 25), at(3, 30)]);
  });

  it("keeps gaps: a period without data stays absent, and a point the new read no longer has is dropped", () => {
    const merged = mergeSeries([at(1, 10), at(2, 20), at(3, 5)], [at(5, 50)], 2 * MIN, 6 * MIN);
    expect(merged).toEqual([at(1, 10), at(5, 50)]);
  });

  it("orders out-of-order answers and held points, one point per timestamp", () => {
    const merged = mergeSeries([at(2, 20), at(0, 1), at(1, 10)], [at(4, 40), at(3, 30), at(4, 41)], 3 * MIN, 5 * MIN);
    expect(merged).toEqual([at(0, 1), at(1, 10), at(2, 20), at(3, 30), at(4, 41)]);
  });

  it("ignores points of the answer outside the window it was read for", () => {
    // A call shared with a series read from further back answers earlier points too: what is held there stays.
    expect(mergeSeries([at(1, 10), at(2, 20)], [at(1, 99), at(2, 21), at(3, 30)], 2 * MIN, 4 * MIN)).toEqual([at(1, 10), at(2, 21), at(3, 30)]);
  });
});

describe("windowToRead", () => {
  const wanted = (endMinute: number, span = 60) => ({ startMs: (endMinute - span) * MIN, endMs: endMinute * MIN });

  it("reads the whole span of a series never read", () => {
    expect(windowToRead(null, wanted(100), MIN, 2)).toEqual({ fromMs: 40 * MIN, toMs: 100 * MIN });
  });

  it("asks nothing while no new whole period has ended", () => {
    expect(windowToRead({ fromMs: 40 * MIN, toMs: 100 * MIN }, wanted(100), MIN, 2)).toBeNull();
  });

  it("asks for the new periods and the last ones again, as many as configured", () => {
    const held = { fromMs: 40 * MIN, toMs: 100 * MIN };
    expect(windowToRead(held, wanted(101), MIN, 2)).toEqual({ fromMs: 98 * MIN, toMs: 101 * MIN });
    expect(windowToRead(held, wanted(101), MIN, 0)).toEqual({ fromMs: 100 * MIN, toMs: 101 * MIN });
    expect(windowToRead(held, wanted(103), 5 * MIN, 1)).toEqual({ fromMs: 95 * MIN, toMs: 103 * MIN });
  });

  it("reads the whole span again when what is held starts too late (a longer range) or ended before the span starts", () => {
    expect(windowToRead({ fromMs: 40 * MIN, toMs: 100 * MIN }, wanted(100, 180), MIN, 2)).toEqual({ fromMs: -80 * MIN, toMs: 100 * MIN });
    expect(windowToRead({ fromMs: 40 * MIN, toMs: 100 * MIN }, wanted(200), MIN, 2)).toEqual({ fromMs: 140 * MIN, toMs: 200 * MIN });
  });

  it("never reads before the span, however many periods are read again", () => {
    expect(windowToRead({ fromMs: 40 * MIN, toMs: 41 * MIN }, { startMs: 40 * MIN, endMs: 42 * MIN }, MIN, 5)).toEqual({
      fromMs: 40 * MIN,
      toMs: 42 * MIN,
    });
  });
});

describe("metricKey", () => {
  it("names a series by what it asks, not by the caller's id or the order of its dimensions", () => {
    const q = { id: "blue_requests", namespace: "AWS/ELB", metricName: "RequestCount", stat: "Sum", periodS: 60 };
    expect(metricKey({ ...q, dimensions: { A: "1", B: "2" } })).toBe(metricKey({ ...q, id: "x", dimensions: { B: "2", A: "1" } }));
    expect(metricKey({ ...q, dimensions: { A: "1" } })).not.toBe(metricKey({ ...q, stat: "Average", dimensions: { A: "1" } }));
    expect(metricKey({ ...q, dimensions: { A: "1" } })).not.toBe(metricKey({ ...q, periodS: 300, dimensions: { A: "1" } }));
  });
});
