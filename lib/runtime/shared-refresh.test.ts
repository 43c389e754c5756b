// The observation a server stores for the others comes back exactly: numbers JSON cannot carry
// (NaN, ±Infinity, -0) included; a payload of another format is refused, not misread.
import { describe, expect, it } from "vitest";
import type { AppState } from "@/lib/domain/app-state";
import { AppError, isAppError } from "@/lib/domain/app-error";
import { decodeObservation, encodeObservation } from "./shared-refresh";
import type { Observation } from "./observe";

const state = {
  appId: "shop",
  pattern: "dns-weighted",
  observedAt: "2026-03-01T10:00:00.000Z",
  configured: { greenPercent: 0 },
  observed: { greenPercent: null, blueRequests: 120, greenRequests: 0, windowMinutes: 3, source: "requests" },
  granularityPercent: 1,
  version: "v-1",
  environments: {
    blue: { color: "blue", version: "v41", loadBalancer: { kind: "classic", name: "shop-blue" }, healthy: 2, unhealthy: 0, instances: [] },
    green: { color: "green", version: "v42", loadBalancer: { kind: "classic", name: "shop-green" }, healthy: 2, unhealthy: 0, instances: [] },
  },
} satisfies AppState;

function observation(points: { t: number; v: number }[]): Observation {
  return {
    state,
    readAt: 1_772_359_200_123,
    recent: {
      rangeMinutes: 60,
      series: [{ id: "blue_5xx", metric: "HTTPCode_Backend_5XX", stat: "Sum", color: "blue", unit: "Count", points }],
      requests: { blue: points, green: [], periodS: 60 },
      startMs: 1_772_355_600_000,
      endMs: 1_772_359_200_000,
      partial: true,
    },
    metricsError: null,
  };
}

describe("a stored observation", () => {
  it("decodes to exactly what was encoded, odd numbers included", () => {
    const original = observation([
      { t: 1_772_359_140_000, v: 3.25 },
      { t: 1_772_359_080_000, v: Number.NaN },
      { t: 1_772_359_020_000, v: Number.POSITIVE_INFINITY },
      { t: 1_772_358_960_000, v: Number.NEGATIVE_INFINITY },
      { t: 1_772_358_900_000, v: -0 },
    ]);
    const decoded = decodeObservation(encodeObservation(original));
    expect(decoded).toEqual(original);
    const values = decoded?.recent.series[0]?.points.map((p) => p.v) ?? [];
    expect(Number.isNaN(values[1])).toBe(true);
    expect(values[2]).toBe(Number.POSITIVE_INFINITY);
    expect(values[3]).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(values[4], -0)).toBe(true);
    // Encoded again, the same text: nothing drifts through a round trip.
    expect(decoded && encodeObservation(decoded)).toBe(encodeObservation(original));
  });

  it("stores only the user-safe words of a metrics error, so that the other servers show the metrics as unavailable too", () => {
    const raw = { ...observation([]), metricsError: new Error("ThrottlingException: Rate exceeded arn:aws:cloudwatch:us-east-1:123456789012") };
    expect(encodeObservation(raw)).not.toMatch(/Throttling|arn:|123456789012/);
    const decoded = decodeObservation(encodeObservation(raw))?.metricsError;
    expect(isAppError(decoded) && decoded.userMessage).toBe("CloudWatch could not be read.");
    const safe = { ...observation([]), metricsError: new AppError("throttled", "CloudWatch is throttling reads.", "raw text") };
    const back = decodeObservation(encodeObservation(safe))?.metricsError;
    expect(isAppError(back) && back.userMessage).toBe("CloudWatch is throttling reads.");
    expect(encodeObservation(safe)).not.toContain("raw text");
    // A read whose metrics were read stores none.
    expect(decodeObservation(encodeObservation(observation([])))?.metricsError).toBeNull();
  });

  it("carries how old the health is when an idle refresh took it from an earlier read, so the other servers say so too", () => {
    const taken = { ...observation([]), healthReadAt: 1_772_359_000_000 };
    expect(decodeObservation(encodeObservation(taken))).toEqual(taken);
    expect(decodeObservation(encodeObservation(observation([])))).not.toHaveProperty("healthReadAt");
  });

  it("refuses a payload of another format or no JSON at all", () => {
    const encoded = JSON.parse(encodeObservation(observation([]))) as Record<string, unknown>;
    expect(decodeObservation(JSON.stringify({ ...encoded, format: 2 }))).toBeNull();
    expect(decodeObservation(JSON.stringify({ ...encoded, state: null }))).toBeNull();
    expect(decodeObservation("{not json")).toBeNull();
  });
});
