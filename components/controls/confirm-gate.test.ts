import { describe, expect, it } from "vitest";
import type { PlanRequest } from "@/components/hooks/use-plan-preview";
import { confirmBlock, confirmHint, greenTarget, raisesGreen, shiftTitle, type ConfirmGateInput } from "./confirm-gate";

const ready: ConfirmGateInput = {
  planReady: true,
  planFetching: false,
  starting: false,
  mustReload: false,
  reason: "Patch day",
  overrideMissing: false,
};

describe("confirmBlock", () => {
  it("lets a read plan with a reason be confirmed", () => {
    expect(confirmBlock(ready)).toBeNull();
    expect(confirmHint(confirmBlock(ready))).toBeNull();
  });

  it("keeps Confirm disabled after a refusal that makes the plan out of date, and says how to go on", () => {
    const refused = { ...ready, mustReload: true };
    expect(confirmBlock(refused)).toBe("reload");
    expect(confirmHint(confirmBlock(refused))).toBe("This plan is out of date: reload it to confirm.");
    // The plan and the reason are still there: only a plan read again unblocks it.
    expect(confirmBlock({ ...refused, reason: "" })).toBe("reload");
  });

  it("waits for the plan being read again, then lets it be confirmed", () => {
    expect(confirmBlock({ ...ready, planFetching: true })).toBe("planning");
    expect(confirmHint("planning")).toBe("Reading the plan…");
  });

  it("asks for a reason, and for the override when green is worse", () => {
    expect(confirmBlock({ ...ready, reason: "   " })).toBe("reason");
    expect(confirmHint("reason")).toBe("Give a reason to confirm.");
    expect(confirmBlock({ ...ready, overrideMissing: true })).toBe("override");
    expect(confirmHint("override")).toMatch(/application id/);
  });

  it("says nothing while the action starts or when the planner refused the intent (the body says why)", () => {
    expect(confirmBlock({ ...ready, starting: true, mustReload: true })).toBe("starting");
    expect(confirmHint("starting")).toBeNull();
    expect(confirmBlock({ ...ready, planReady: false })).toBe("no-plan");
    expect(confirmHint("no-plan")).toBeNull();
  });
});

describe("greenTarget and raisesGreen", () => {
  const shift: PlanRequest = { kind: "shift", greenPercent: 25 };
  it("knows the share a shift or promote aims at, and nothing for other intents", () => {
    expect(greenTarget(shift)).toBe(25);
    expect(greenTarget({ kind: "promote" })).toBe(100);
    expect(greenTarget({ kind: "scale-green", capacity: 3 })).toBeNull();
    expect(greenTarget({ kind: "standby-enter", color: "blue" })).toBeNull();
    expect(greenTarget({ kind: "reassert" })).toBeNull();
  });
  it("raises green only when the target is above where green is now", () => {
    expect(raisesGreen(shift, 10)).toBe(true);
    expect(raisesGreen(shift, 25)).toBe(false);
    expect(raisesGreen(shift, 50)).toBe(false);
    expect(raisesGreen({ kind: "promote" }, 50)).toBe(true);
    expect(raisesGreen({ kind: "deploy-revision", taskDefinition: "notifications:42" }, 0)).toBe(false);
  });
});

describe("shiftTitle", () => {
  it("names the starting point and the target, or both versions for a promote", () => {
    expect(shiftTitle(0, 10)).toBe("Shift traffic: green 0 % → 10 %");
    expect(shiftTitle(50, 100)).toBe("Promote green: 50 % → 100 %");
    expect(shiftTitle(50, 100, { blue: "v41", green: "v42" })).toBe("Promote green: v41 → v42");
  });
});
