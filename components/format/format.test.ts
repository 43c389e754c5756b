import { describe, expect, it } from "vitest";
import { formatAgo, formatCount, formatDurationSeconds, formatElapsed, formatLatency, formatPercent, patternLabel } from "./format";

describe("formatPercent", () => {
  it("rounds and adds a spaced percent sign", () => {
    expect(formatPercent(25)).toBe("25 %");
    expect(formatPercent(24.6)).toBe("25 %");
    expect(formatPercent(0)).toBe("0 %");
  });
  it("shows a dash for missing values", () => {
    expect(formatPercent(null)).toBe("—");
    expect(formatPercent(undefined)).toBe("—");
    expect(formatPercent(Number.NaN)).toBe("—");
  });
});

describe("formatDurationSeconds", () => {
  it("uses seconds, minutes and hours", () => {
    expect(formatDurationSeconds(45)).toBe("45 s");
    expect(formatDurationSeconds(60)).toBe("1 min");
    expect(formatDurationSeconds(125)).toBe("2 min 5 s");
    expect(formatDurationSeconds(3600)).toBe("1 h");
    expect(formatDurationSeconds(3780)).toBe("1 h 3 min");
  });
  it("refuses negative durations", () => {
    expect(formatDurationSeconds(-1)).toBe("—");
  });
});

describe("formatElapsed", () => {
  const t0 = "2026-01-01T00:00:00.000Z";
  it("measures finished steps between start and end", () => {
    expect(formatElapsed(t0, "2026-01-01T00:00:00.250Z", t0)).toBe("250 ms");
    expect(formatElapsed(t0, "2026-01-01T00:00:02.500Z", t0)).toBe("2.5 s");
    expect(formatElapsed(t0, "2026-01-01T00:01:30.000Z", t0)).toBe("1 min 30 s");
  });
  it("measures running steps up to now", () => {
    expect(formatElapsed(t0, null, "2026-01-01T00:00:12.000Z")).toBe("12 s");
  });
  it("shows a dash for steps not started", () => {
    expect(formatElapsed(null, null, t0)).toBe("—");
  });
});

describe("formatAgo", () => {
  const now = Date.parse("2026-01-01T00:10:00.000Z");
  it("reads recent times as just now", () => {
    expect(formatAgo("2026-01-01T00:09:58.000Z", now)).toBe("just now");
  });
  it("reads older times relative to now", () => {
    expect(formatAgo("2026-01-01T00:09:30.000Z", now)).toBe("30 s ago");
    expect(formatAgo("2026-01-01T00:05:00.000Z", now)).toBe("5 min ago");
  });
});

describe("formatCount", () => {
  it("groups thousands", () => {
    expect(formatCount(12345)).toBe("12\u2009345");
    expect(formatCount(999)).toBe("999");
  });
  it("keeps one decimal for small values", () => {
    expect(formatCount(2.345)).toBe("2.3");
    expect(formatCount(0)).toBe("0");
  });
  it("uses a real minus sign", () => {
    expect(formatCount(-1500)).toBe("−1\u2009500");
  });
});

describe("formatLatency", () => {
  it("shows milliseconds below one second", () => {
    expect(formatLatency(0.0423)).toBe("42 ms");
  });
  it("shows seconds with two decimals above", () => {
    expect(formatLatency(1.234)).toBe("1.23 s");
  });
});

describe("patternLabel", () => {
  it("names known patterns and passes unknown ones through", () => {
    expect(patternLabel("dns-weighted")).toBe("DNS weighted");
    expect(patternLabel("something-new")).toBe("something-new");
  });
});
