import { describe, expect, it } from "vitest";
import type { AppSummary } from "@/lib/domain/snapshot";
import { thresholdJudge } from "@/lib/domain/green-verdict";
import { appConditions, filterApps } from "./app-conditions";

function app(over: Partial<AppSummary> = {}): AppSummary {
  return {
    id: "shop",
    name: "Shop",
    pattern: "dns-weighted",
    region: "us-east-1",
    configuredGreenPercent: 0,
    observedGreenPercent: 0,
    health: { blue: { healthy: 2, unhealthy: 0 }, green: { healthy: 2, unhealthy: 0 } },
    operation: null,
    dataAgeMs: 0,
    error: null,
    ...over,
  };
}

function op(status: NonNullable<AppSummary["operation"]>["status"]): AppSummary["operation"] {
  return {
    id: "op1",
    status,
    summary: "Shift",
    intent: { kind: "shift", greenPercent: 25 },
    actor: { id: "u", email: "o@example.com", role: "operator" },
    createdAt: "2024-01-01T00:00:00Z",
  };
}

describe("appConditions", () => {
  it("calls an all-blue application with healthy colours healthy", () => {
    expect([...appConditions(app())]).toEqual(["healthy"]);
  });
  it("marks a running operation, and it is not 'left split' while it runs", () => {
    expect([...appConditions(app({ configuredGreenPercent: 25, observedGreenPercent: 5, operation: op("running") }))]).toEqual(["running"]);
  });
  it("raises an alarm for unhealthy instances or an unreadable state", () => {
    expect(appConditions(app({ health: { blue: { healthy: 1, unhealthy: 1 }, green: { healthy: 0, unhealthy: 0 } } })).has("alarm")).toBe(true);
    expect(appConditions(app({ error: "throttled", health: null, configuredGreenPercent: null })).has("alarm")).toBe(true);
  });
  it("needs attention after a failed operation, a split left half-way, or drift", () => {
    expect(appConditions(app({ operation: op("failed") })).has("attention")).toBe(true);
    expect(appConditions(app({ configuredGreenPercent: 50, observedGreenPercent: 48, operation: op("succeeded") })).has("attention")).toBe(true);
    expect(appConditions(app({ configuredGreenPercent: 100, observedGreenPercent: 70 })).has("attention")).toBe(true);
  });
  it("needs attention when AWS differs from Teal's last operation", () => {
    const drift = {
      kind: "share" as const,
      actualGreenPercent: 40,
      expectedGreenPercent: 0,
      text: "green 40 %, expected 0 %",
      operation: { id: "op0", summary: "Roll back", finishedAt: null },
    };
    expect(appConditions(app({ configuredGreenPercent: 0, operation: op("succeeded"), drift })).has("attention")).toBe(true);
  });
  it("raises an alarm for a failing green whose health checks all pass, and attention for a slower one", () => {
    const judge = thresholdJudge();
    const failing = judge.judge({
      kind: "per-color",
      windowMinutes: 5,
      green: { requests: 600, errors: 179, p99Ms: 80, meanMs: 40 },
      blue: { requests: 1800, errors: 7, p99Ms: 85, meanMs: 42 },
    });
    const slower = judge.judge({
      kind: "per-color",
      windowMinutes: 5,
      green: { requests: 600, errors: 1, p99Ms: 420, meanMs: 60 },
      blue: { requests: 1800, errors: 2, p99Ms: 120, meanMs: 45 },
    });
    const ok = judge.judge({
      kind: "per-color",
      windowMinutes: 5,
      green: { requests: 600, errors: 1, p99Ms: 80, meanMs: 40 },
      blue: { requests: 1800, errors: 2, p99Ms: 85, meanMs: 42 },
    });
    expect(appConditions(app({ greenVerdict: failing })).has("alarm")).toBe(true);
    expect(appConditions(app({ greenVerdict: failing })).has("healthy")).toBe(false);
    expect([...appConditions(app({ greenVerdict: slower }))]).toEqual(["attention"]);
    expect([...appConditions(app({ greenVerdict: ok }))]).toEqual(["healthy"]);
  });
  it("does not count a rolling update's progress as a split", () => {
    expect([...appConditions(app({ pattern: "ecs-rolling", configuredGreenPercent: 50, observedGreenPercent: null }))]).toEqual(["healthy"]);
  });
});

describe("filterApps", () => {
  it("filters by pattern and by condition together", () => {
    const apps = [app(), app({ id: "b", pattern: "asg-swap", operation: op("running") }), app({ id: "c", pattern: "asg-swap" })];
    expect(filterApps(apps, { pattern: "asg-swap", condition: "all" }).map((a) => a.id)).toEqual(["b", "c"]);
    expect(filterApps(apps, { pattern: "asg-swap", condition: "running" }).map((a) => a.id)).toEqual(["b"]);
    expect(filterApps(apps, { pattern: "all", condition: "healthy" }).map((a) => a.id)).toEqual(["shop", "c"]);
  });
});
