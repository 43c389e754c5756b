import { describe, expect, it } from "vitest";
import { describeFailure, describeThrown } from "./action-message";

describe("describeFailure", () => {
  it("says Permission denied for forbidden", () => {
    const f = describeFailure({ ok: false, code: "forbidden", message: "Your role cannot shift traffic." });
    expect(f.title).toBe("Permission denied");
    expect(f.detail).toBe("Your role cannot shift traffic.");
    expect(f.canReloadPlan).toBe(false);
  });
  it("explains a stale version and offers to reload the plan", () => {
    const f = describeFailure({ ok: false, code: "stale", message: "State version mismatch." });
    expect(f.title).toMatch(/changed since/);
    expect(f.detail).toBe("State version mismatch.");
    expect(f.canReloadPlan).toBe(true);
  });
  it("says green is worse (not that another operation runs) and offers the plan again with its override", () => {
    const f = describeFailure({
      ok: false,
      code: "conflict",
      message: "Green failing: green 5xx 29.8 % vs blue 0.4 % (last 5 min).",
      overrideRequired: true,
    });
    expect(f.title).toBe("Green is worse than blue");
    expect(f.detail).toContain("29.8 %");
    expect(f.canReloadPlan).toBe(true);
  });
  it("passes the server's message through for other codes", () => {
    expect(describeFailure({ ok: false, code: "invalid", message: "Reason is required." }).detail).toBe("Reason is required.");
    expect(describeFailure({ ok: false, code: "internal", message: "Try again." }).title).toBe("The operation could not start");
  });
});

describe("describeThrown", () => {
  it("distinguishes a network failure", () => {
    expect(describeThrown(new TypeError("Failed to fetch")).detail).toMatch(/connection/);
    expect(describeThrown(new Error("x")).detail).toMatch(/did not answer/);
  });
});
