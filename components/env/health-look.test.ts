import { describe, expect, it } from "vitest";
import { environmentHealth, healthLook } from "./health-look";

describe("environmentHealth", () => {
  it("is healthy when every instance is healthy", () => {
    expect(environmentHealth(3, 0).label).toBe("Healthy");
  });
  it("is degraded with some unhealthy instances and down with none healthy", () => {
    expect(environmentHealth(2, 1).tone).toBe("warning");
    expect(environmentHealth(0, 2).label).toBe("Down");
  });
  it("says so when there are no instances", () => {
    expect(environmentHealth(0, 0).label).toBe("No instances");
  });
});

describe("healthLook", () => {
  it("maps known and unknown health", () => {
    expect(healthLook("draining").label).toBe("Draining");
    expect(healthLook("weird").label).toBe("Unknown");
  });
});

describe("environmentHealth with instances kept warm", () => {
  it("reads 'Kept warm', not 'No instances', when nothing serves but instances run", () => {
    expect(environmentHealth(0, 0, 4)).toEqual({ label: "Kept warm", tone: "info", icon: "◐" });
    expect(environmentHealth(0, 0, 0).label).toBe("No instances");
    expect(environmentHealth(4, 0, 4).label).toBe("Healthy");
  });
});
