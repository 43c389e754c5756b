import { describe, expect, it } from "vitest";
import { formatAxisValue, tickStepMs, timeTicks, timeWindow } from "./time-axis";

describe("tickStepMs", () => {
  it("spaces ticks per range", () => {
    expect(tickStepMs(60)).toBe(600_000);
    expect(tickStepMs(180)).toBe(1_800_000);
    expect(tickStepMs(720)).toBe(7_200_000);
    expect(tickStepMs(1440)).toBe(14_400_000);
  });
});

describe("timeTicks", () => {
  it("aligns ticks to whole steps inside the window", () => {
    expect(timeTicks(50, 260, 100)).toEqual([100, 200]);
    expect(timeTicks(100, 300, 100)).toEqual([100, 200, 300]);
  });
  it("gives six ticks for an hour at ten-minute steps", () => {
    const { from, to } = timeWindow("2026-01-01T12:05:00Z", 60);
    expect(timeTicks(from, to, tickStepMs(60))).toHaveLength(6);
  });
  it("refuses nonsense input", () => {
    expect(timeTicks(10, 0, 5)).toEqual([]);
    expect(timeTicks(0, 10, 0)).toEqual([]);
  });
});

describe("timeWindow", () => {
  it("ends at the snapshot's minute when it falls on one", () => {
    const w = timeWindow("2026-01-01T01:00:00Z", 60);
    expect(w.to - w.from).toBe(3_600_000);
    expect(w.to).toBe(Date.parse("2026-01-01T01:00:00Z"));
  });
  it("stays put within a minute, so polls inside it do not move the charts", () => {
    const a = timeWindow("2026-01-01T01:00:05Z", 180);
    const b = timeWindow("2026-01-01T01:00:55Z", 180);
    expect(a).toEqual(b);
    expect(a.to).toBe(Date.parse("2026-01-01T01:01:00Z"));
    expect(a.to - a.from).toBe(180 * 60_000);
  });
});

describe("formatAxisValue", () => {
  it("shows latency in ms below a second", () => {
    expect(formatAxisValue(0.25, "Seconds")).toBe("250 ms");
    expect(formatAxisValue(1.26, "Seconds")).toBe("1.3 s");
  });
  it("abbreviates large counts", () => {
    expect(formatAxisValue(1530, "Count")).toBe("1.5k");
    expect(formatAxisValue(2_400_000, "Count")).toBe("2.4M");
    expect(formatAxisValue(12, "Count")).toBe("12");
  });
});
