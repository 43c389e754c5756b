import { describe, expect, it } from "vitest";
import type { AppSnapshot } from "@/lib/domain/snapshot";
import type { Operation } from "@/lib/domain/operation";
import type { OperationStatus } from "@/lib/domain/operation-status";
import { HttpError } from "@/components/api/http-error";
import { ACTIVE_POLL_MS, POLL_MS, snapshotPollInterval } from "./poll-interval";
import { dnsWeightedDescription } from "@/lib/patterns/dns-weighted";

function snapshotWith(status: OperationStatus | null): AppSnapshot {
  const operation: Operation | null =
    status === null
      ? null
      : {
          id: "op-1",
          appId: "shop",
          pattern: "dns-weighted",
          intent: { kind: "shift", greenPercent: 25 },
          summary: "Shift green from 0 % to 25 %",
          status,
          actor: { id: "u1", email: "operator@example.com", role: "operator" },
          reason: "canary",
          createdAt: "2026-01-01T00:00:00.000Z",
          startedAt: null,
          finishedAt: null,
          error: null,
          steps: [],
        };
  return {
    app: { id: "shop", name: "Shop", pattern: "dns-weighted", region: "eu-west-1" },
    pattern: dnsWeightedDescription,
    state: {
      appId: "shop",
      pattern: "dns-weighted",
      observedAt: "2026-01-01T00:00:00.000Z",
      environments: {
        blue: { color: "blue", version: "v1", loadBalancer: { kind: "classic", name: "b" }, healthy: 2, unhealthy: 0, instances: [] },
        green: { color: "green", version: "v2", loadBalancer: { kind: "classic", name: "g" }, healthy: 2, unhealthy: 0, instances: [] },
      },
      configured: { greenPercent: 0 },
      granularityPercent: 1,
      observed: { greenPercent: 0, blueRequests: 10, greenRequests: 0 },
      version: "abc",
    },
    metrics: { rangeMinutes: 60, series: [] },
    markers: [],
    operation,
    generatedAt: "2026-01-01T00:00:00.000Z",
    greenVerdict: { status: "insufficient", label: "Not enough traffic yet", figures: "", detail: "", windowMinutes: 5, blue: null, green: null },
  };
}

describe("snapshotPollInterval", () => {
  it("polls every 5 s when nothing runs", () => {
    expect(snapshotPollInterval(snapshotWith(null), null)).toBe(POLL_MS);
    expect(snapshotPollInterval(snapshotWith("succeeded"), null)).toBe(POLL_MS);
    expect(snapshotPollInterval(undefined, null)).toBe(POLL_MS);
  });
  it("follows a running operation every second", () => {
    expect(snapshotPollInterval(snapshotWith("running"), null)).toBe(ACTIVE_POLL_MS);
    expect(snapshotPollInterval(snapshotWith("pending"), null)).toBe(ACTIVE_POLL_MS);
  });
  it("stops after an auth error", () => {
    expect(snapshotPollInterval(snapshotWith("running"), new HttpError(401, "x"))).toBe(false);
    expect(snapshotPollInterval(undefined, new HttpError(403, "x"))).toBe(false);
  });
  it("keeps polling through transient errors", () => {
    expect(snapshotPollInterval(undefined, new HttpError(503, "x"))).toBe(POLL_MS);
  });
});
