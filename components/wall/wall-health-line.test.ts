import { describe, expect, it } from "vitest";
import { healthAgeShown } from "./wall-health-line";

describe("healthAgeShown", () => {
  it("says nothing when this refresh read the health", () => {
    expect(healthAgeShown({ refreshMs: 30_000 })).toBeNull();
  });

  it("says how old the health is once it is a refresh older than the rest of the tile", () => {
    expect(healthAgeShown({ healthAgeMs: 31_000, refreshMs: 30_000 })).toBe(31_000);
    expect(healthAgeShown({ healthAgeMs: 30_000, refreshMs: 30_000 })).toBe(30_000);
    expect(healthAgeShown({ healthAgeMs: 3_200, refreshMs: 3_000 })).toBe(3_200);
  });

  it("keeps quiet about health younger than one refresh", () => {
    expect(healthAgeShown({ healthAgeMs: 12_000, refreshMs: 30_000 })).toBeNull();
  });

  it("shows any age when the refresh interval is not known", () => {
    expect(healthAgeShown({ healthAgeMs: 1_000 })).toBe(1_000);
  });
});
