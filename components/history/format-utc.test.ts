import { describe, expect, it } from "vitest";
import { formatUtc, toUtcInputValue } from "./format-utc";

describe("formatUtc", () => {
  it("shows seconds in UTC, whatever the viewer's zone", () => {
    expect(formatUtc("2025-03-01T10:04:05.678Z")).toBe("2025-03-01 10:04:05 UTC");
    expect(formatUtc("2025-03-01T12:04:05+02:00")).toBe("2025-03-01 10:04:05 UTC");
  });
  it("reads missing and broken times as an em dash", () => {
    expect(formatUtc(null)).toBe("—");
    expect(formatUtc("not a time")).toBe("—");
  });
});

describe("toUtcInputValue", () => {
  it("fills a datetime-local input with the UTC minutes", () => {
    expect(toUtcInputValue("2025-03-01T10:04:05.678Z")).toBe("2025-03-01T10:04");
    expect(toUtcInputValue(undefined)).toBe("");
    expect(toUtcInputValue("nope")).toBe("");
  });
});
