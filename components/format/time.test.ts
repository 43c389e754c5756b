import { describe, expect, it } from "vitest";
import { formatAxisTime, formatClock, formatDateTime, localTimeTitle, toUtcInputValue } from "./time";
import { formatClock as fromFormat } from "./format";

const AT = Date.UTC(2025, 2, 1, 14, 3, 12); // 2025-03-01 14:03:12 UTC

describe("one clock: UTC, labelled", () => {
  it("shows the clock time in UTC with the zone", () => {
    expect(formatClock(AT)).toBe("14:03:12 UTC");
    expect(formatClock("2025-03-01T14:03:12.000Z")).toBe("14:03:12 UTC");
    // An ISO time with an offset is the same instant: shown in UTC, not in its own zone.
    expect(formatClock("2025-03-01T15:03:12+01:00")).toBe("14:03:12 UTC");
    expect(fromFormat(AT)).toBe("14:03:12 UTC");
  });
  it("does not depend on the process's time zone", () => {
    const before = process.env.TZ;
    process.env.TZ = "America/Los_Angeles";
    try {
      expect(formatClock(AT)).toBe("14:03:12 UTC");
      expect(formatDateTime(AT)).toBe("2025-03-01 14:03:12 UTC");
    } finally {
      process.env.TZ = before;
    }
  });
  it("reads missing or unreadable times as an em dash", () => {
    expect(formatClock(null)).toBe("—");
    expect(formatClock(undefined)).toBe("—");
    expect(formatClock("not a time")).toBe("—");
    expect(formatDateTime(null)).toBe("—");
    expect(formatAxisTime(Number.NaN)).toBe("");
  });
  it("gives date and time for history rows, minutes for axis ticks", () => {
    expect(formatDateTime("2025-03-01T10:00:05.123Z")).toBe("2025-03-01 10:00:05 UTC");
    expect(formatAxisTime(Date.UTC(2025, 2, 1, 9, 5))).toBe("09:05");
  });
  it("fills a datetime-local input in UTC minutes", () => {
    expect(toUtcInputValue("2025-03-01T10:00:05.123Z")).toBe("2025-03-01T10:00");
    expect(toUtcInputValue(undefined)).toBe("");
  });
  it("offers the viewer's local time for hover, naming the zone", () => {
    expect(localTimeTitle(AT, "Europe/Paris")).toBe("Local time: 1 Mar 2025, 15:03:12 CET");
    expect(localTimeTitle(AT, "UTC")).toMatch(/^Local time: 1 Mar 2025, 14:03:12 UTC$/);
    expect(localTimeTitle(null)).toBe("");
  });
});
