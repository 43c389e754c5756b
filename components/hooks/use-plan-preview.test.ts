import { describe, expect, it } from "vitest";
import { planUrl } from "./use-plan-preview";

describe("planUrl", () => {
  it("asks for a shift with the target percentage", () => {
    expect(planUrl("shop", { kind: "shift", greenPercent: 25 })).toBe("/api/apps/shop/plan?intent=shift&greenPercent=25");
  });
  it("asks for a rollback without a percentage", () => {
    expect(planUrl("shop", { kind: "rollback" })).toBe("/api/apps/shop/plan?intent=rollback");
  });
  it("escapes the application id", () => {
    expect(planUrl("a/b", { kind: "promote" })).toBe("/api/apps/a%2Fb/plan?intent=promote");
  });
});
