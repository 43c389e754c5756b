import { describe, expect, it } from "vitest";
import { classicElbQueries, observedShare, periodFor } from "./catalog";

describe("classicElbQueries", () => {
  it("asks for every classic ELB metric of both colours with valid, unique ids", () => {
    const qs = classicElbQueries({ blue: "shop-blue", green: "shop-green" }, 60);
    expect(qs).toHaveLength(16);
    expect(new Set(qs.map((q) => q.id)).size).toBe(16);
    for (const q of qs) expect(q.id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    const metrics = new Set(qs.map((q) => q.metricName));
    for (const m of ["Latency", "RequestCount", "SurgeQueueLength", "SpilloverCount", "BackendConnectionErrors"]) expect(metrics).toContain(m);
    expect(qs.find((q) => q.id === "green_surge_max")).toMatchObject({ stat: "Maximum", dimensions: { LoadBalancerName: "shop-green" } });
  });

  it("uses 1-minute points up to 3 h and 5-minute points beyond", () => {
    expect(periodFor(60)).toBe(60);
    expect(periodFor(180)).toBe(60);
    expect(periodFor(720)).toBe(300);
  });
});

describe("observedShare", () => {
  const now = Date.UTC(2026, 10, 26, 12, 10, 30);
  const minute = (m: number) => Date.UTC(2026, 10, 26, 12, m);

  it("uses only complete minutes in the window", () => {
    const blue = [minute(7), minute(8), minute(9), minute(10)].map((t) => ({ t, v: 75 }));
    const green = [minute(6), minute(7), minute(8), minute(9), minute(10)].map((t) => ({ t, v: 25 }));
    expect(observedShare(blue, green, now)).toEqual({ greenPercent: 25, blueRequests: 225, greenRequests: 75 });
  });

  it("is null without traffic, and 100 when only green served", () => {
    expect(observedShare([], [], now).greenPercent).toBeNull();
    expect(observedShare([], [{ t: minute(9), v: 3 }], now).greenPercent).toBe(100);
  });
});
