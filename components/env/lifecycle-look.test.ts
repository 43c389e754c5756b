import { describe, expect, it } from "vitest";
import { lifecycleLook, standbyMove } from "./lifecycle-look";

describe("lifecycleLook", () => {
  it("marks Standby with its own glyph and label", () => {
    expect(lifecycleLook("Standby")).toMatchObject({ label: "Standby", icon: "‖" });
    expect(lifecycleLook("InService").icon).not.toBe(lifecycleLook("Standby").icon);
  });
  it("knows ECS task states too", () => {
    expect(lifecycleLook("RUNNING")).toMatchObject({ label: "Running", tone: "success" });
  });
  it("shows an unlisted state as AWS spells it", () => {
    expect(lifecycleLook("Warmed:Pending")).toMatchObject({ label: "Warmed:Pending", tone: "neutral" });
  });
});

describe("standbyMove", () => {
  it("offers Standby for in-service instances and a return for standby ones only", () => {
    expect(standbyMove("InService")).toBe("enter");
    expect(standbyMove("Standby")).toBe("exit");
    expect(standbyMove("Pending")).toBeNull();
    expect(standbyMove(undefined)).toBeNull();
  });
});
