import { describe, expect, it } from "vitest";
import { capacityBounds } from "./capacity-summary";

describe("capacityBounds", () => {
  it("says only the bounds AWS states", () => {
    expect(capacityBounds(0, 8)).toBe("min 0 · max 8");
    expect(capacityBounds(0, undefined)).toBe("at least 0");
    expect(capacityBounds(undefined, 10)).toBe("at most 10");
    expect(capacityBounds(undefined, undefined)).toBeNull();
  });
});
