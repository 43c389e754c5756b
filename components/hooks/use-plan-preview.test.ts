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

describe("planUrl for the operator intents", () => {
  it("names the colour and the chosen instances of a standby move", () => {
    expect(planUrl("payments-api", { kind: "standby-enter", color: "blue", instanceIds: ["i-1", "i-2"] })).toBe(
      "/api/apps/payments-api/plan?intent=standby-enter&color=blue&instanceIds=i-1%2Ci-2",
    );
  });
  it("leaves the instances out of a bulk standby move", () => {
    expect(planUrl("payments-api", { kind: "standby-exit", color: "green" })).toBe("/api/apps/payments-api/plan?intent=standby-exit&color=green");
  });
  it("carries the capacity of a scale-green and the revision of a deploy", () => {
    expect(planUrl("orders-service", { kind: "scale-green", capacity: 3 })).toBe("/api/apps/orders-service/plan?intent=scale-green&capacity=3");
    expect(planUrl("notifications", { kind: "deploy-revision", taskDefinition: "notifications:7" })).toBe(
      "/api/apps/notifications/plan?intent=deploy-revision&taskDefinition=notifications%3A7",
    );
  });
});
