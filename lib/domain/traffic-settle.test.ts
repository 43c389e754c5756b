import { describe, expect, it } from "vitest";
import { drainCauseOf, trafficSettle, type SettleInput } from "./traffic-settle";

const MIN = 60_000;
/** 12:00:00 UTC on some day, a whole minute. */
const T0 = Date.parse("2026-12-06T12:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** Per-minute request counts from `fromMin` (minutes after T0) with green's share per minute. */
function minutes(fromMin: number, greenPercents: number[], perMinute = 2400) {
  const blue: { t: number; v: number }[] = [];
  const green: { t: number; v: number }[] = [];
  greenPercents.forEach((g, i) => {
    const t = T0 + (fromMin + i) * MIN;
    const gv = Math.round((perMinute * g) / 100);
    if (perMinute - gv > 0) blue.push({ t, v: perMinute - gv });
    if (gv > 0) green.push({ t, v: gv });
  });
  return { blue, green, periodS: 60 };
}

/** A rollback from 50 % green that finished its calls at 12:10:20. */
function rollback(over: Partial<SettleInput> = {}, op: Partial<SettleInput["operation"]> = {}): SettleInput {
  return {
    operation: {
      status: "succeeded",
      intent: { kind: "rollback" },
      finishedAt: iso(T0 + 10 * MIN + 20_000),
      before: { greenPercent: 50 },
      after: { greenPercent: 0 },
      ...op,
    },
    configuredGreenPercent: 0,
    requests: minutes(0, [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 38]),
    dataStartMs: T0,
    dataEndMs: T0 + 11 * MIN,
    cause: { kind: "dns", ttlSeconds: 60 },
    nowMs: T0 + 11 * MIN + 3_000,
    ...over,
  };
}

describe("trafficSettle", () => {
  it("is draining right after a DNS rollback, with green's requests per minute and a TTL-based estimate", () => {
    const s = trafficSettle(rollback());
    expect(s?.phase).toBe("draining");
    if (s?.phase !== "draining") return;
    expect(s.targetGreenPercent).toBe(0);
    expect(s.oldSide).toBe("green");
    // The 12:10 minute mixes 20 s before the end and 40 s after: 38 % of 2400 still went to green.
    expect(s.observed).toMatchObject({ fromMs: T0 + 10 * MIN, greenPercent: 38, greenRequests: 912 });
    expect(s.excessPerMinute).toBe(912);
    expect(s.measuredSinceCalls).toBe(true);
    // TTL 60 s × 2 caches after 12:10:20 → drained by 12:12:20; the first whole minute after it ends 12:14.
    expect(s.expectedAt).toBe(iso(T0 + 14 * MIN));
    expect(s.basis).toContain("record TTL 60 s");
    expect(s.overdue).toBe(false);
  });

  it("settles at the first whole period within the tolerance, and says how long after the calls", () => {
    const s = trafficSettle(
      rollback({ requests: minutes(0, [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 38, 9, 3]), dataEndMs: T0 + 13 * MIN, nowMs: T0 + 13 * MIN + 1000 }),
    );
    expect(s).toMatchObject({ phase: "settled", settledAt: iso(T0 + 12 * MIN), afterMs: 100_000, recorded: false });
    expect(s?.observed?.greenPercent).toBe(3);
  });

  it("keeps draining while the gap is wider than the tolerance, and takes a configured tolerance", () => {
    const input = rollback({
      requests: minutes(0, [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 38, 9, 7]),
      dataEndMs: T0 + 13 * MIN,
      nowMs: T0 + 13 * MIN + 1000,
    });
    expect(trafficSettle(input)?.phase).toBe("draining");
    expect(trafficSettle({ ...input, tolerancePoints: 8 })).toMatchObject({ phase: "settled", settledAt: iso(T0 + 13 * MIN - MIN) });
  });

  it("ignores a period that is not whole yet (the one still filling)", () => {
    const s = trafficSettle(rollback({ requests: minutes(0, [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 38, 0]), dataEndMs: T0 + 11 * MIN }));
    expect(s?.phase).toBe("draining");
  });

  it("before any period after the calls is measured, shows the last one before them and says so", () => {
    const s = trafficSettle(rollback({ dataEndMs: T0 + 10 * MIN, nowMs: T0 + 10 * MIN + 30_000 }));
    expect(s).toMatchObject({
      phase: "draining",
      measuredSinceCalls: false,
      oldSide: "green",
      excessPerMinute: 1200,
      observed: { fromMs: T0 + 9 * MIN },
    });
  });

  it("reads the recorded moment from the journal first", () => {
    const s = trafficSettle(rollback({}, { settledAt: iso(T0 + 12 * MIN) }));
    expect(s).toMatchObject({ phase: "settled", settledAt: iso(T0 + 12 * MIN), afterMs: 100_000, recorded: true });
  });

  it("settles at the end itself when even the period of the end is within tolerance (traffic never moved)", () => {
    const s = trafficSettle(rollback({ requests: minutes(0, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) }, { before: { greenPercent: 50 } }));
    expect(s).toMatchObject({ phase: "settled", afterMs: 0, settledAt: iso(T0 + 10 * MIN + 20_000) });
  });

  it("settles a shift too, towards its configured share; the old side is blue while green lags", () => {
    const op = { intent: { kind: "shift" as const, greenPercent: 50 }, before: { greenPercent: 0 }, after: { greenPercent: 50 } };
    const draining = trafficSettle(
      rollback({ requests: minutes(0, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 40]), dataEndMs: T0 + 12 * MIN, configuredGreenPercent: 50 }, op),
    );
    expect(draining).toMatchObject({ phase: "draining", oldSide: "blue", excessPerMinute: 240 });
    const settled = trafficSettle(rollback({ requests: minutes(0, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 40, 48]), dataEndMs: T0 + 13 * MIN }, op));
    expect(settled).toMatchObject({ phase: "settled", settledAt: iso(T0 + 12 * MIN) });
  });

  it("settles a progressive delivery towards its end, green 100 %", () => {
    const op = { intent: { kind: "progressive" as const, steps: [50, 100] }, before: { greenPercent: 0 }, after: { greenPercent: 100 } };
    const draining = trafficSettle(rollback({ requests: minutes(0, [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 80]), configuredGreenPercent: 100 }, op));
    expect(draining).toMatchObject({ phase: "draining", targetGreenPercent: 100, oldSide: "blue" });
    const settled = trafficSettle(rollback({ requests: minutes(0, [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 80, 97]), dataEndMs: T0 + 12 * MIN }, op));
    expect(settled).toMatchObject({ phase: "settled", settledAt: iso(T0 + 11 * MIN) });
  });

  it("estimates sticky sessions from their duration and the gap to close", () => {
    const s = trafficSettle(rollback({ cause: { kind: "stickiness", durationSeconds: 60 } }));
    expect(s?.phase).toBe("draining");
    if (s?.phase !== "draining") return;
    // ln(50 / 5) × 60 s ≈ 139 s after 12:10:20 → 12:12:39 → whole minute 12:13–12:14 measured at 12:14.
    expect(s.expectedAt).toBe(iso(T0 + 14 * MIN));
    expect(s.basis).toContain("stickiness 60 s");
  });

  it("follows the measured curve when it is slower than the TTL says (clients that ignore TTL)", () => {
    const s = trafficSettle(
      rollback({
        requests: minutes(0, [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 40, 32, 25.6]),
        dataEndMs: T0 + 13 * MIN,
        nowMs: T0 + 13 * MIN + 1000,
      }),
    );
    expect(s?.phase).toBe("draining");
    if (s?.phase !== "draining") return;
    // The gap shrinks ×0.8 per minute: 25.6 → 5 takes 8 more minutes.
    expect(Date.parse(s.expectedAt)).toBeGreaterThan(T0 + 19 * MIN);
    expect(s.basis).toContain("measured curve");
  });

  it("says when the estimate has passed without settling", () => {
    const s = trafficSettle(
      rollback({
        requests: minutes(0, [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50]),
        dataEndMs: T0 + 16 * MIN,
        nowMs: T0 + 16 * MIN,
      }),
    );
    expect(s).toMatchObject({ phase: "draining", overdue: true, oldSide: "green", excessPerMinute: 1200 });
  });

  it("says settled without a moment when the calls ended before the metrics read and traffic matches", () => {
    const s = trafficSettle(
      rollback({ dataStartMs: T0 + 60 * MIN, dataEndMs: T0 + 120 * MIN, nowMs: T0 + 120 * MIN, requests: minutes(60, [1, 0, 2]) }),
    );
    expect(s).toMatchObject({ phase: "settled", settledAt: null, afterMs: null });
  });

  it("says nothing was measured when no request came since the calls", () => {
    const s = trafficSettle(rollback({ requests: minutes(0, [50, 50, 50, 50, 50, 50, 50, 50, 50]), dataEndMs: T0 + 20 * MIN, nowMs: T0 + 20 * MIN }));
    expect(s).toMatchObject({ phase: "unmeasured" });
  });

  it("has no settle phase for operations that did not succeed, do not move traffic, or patterns without per-colour requests", () => {
    expect(trafficSettle(rollback({}, { status: "running" }))).toBeNull();
    expect(trafficSettle(rollback({}, { status: "failed" }))).toBeNull();
    expect(trafficSettle(rollback({}, { intent: { kind: "scale-green", capacity: 2 } }))).toBeNull();
    expect(trafficSettle(rollback({ requests: null }))).toBeNull();
    expect(trafficSettle(rollback({}, { finishedAt: null }))).toBeNull();
  });

  it("uses the configured share when the operation did not journal its end state", () => {
    const s = trafficSettle(rollback({ configuredGreenPercent: 0 }, { after: undefined }));
    expect(s?.targetGreenPercent).toBe(0);
  });
});

describe("drainCauseOf", () => {
  it("takes the record TTL (alias records: 60 s), else the listener's stickiness, else nothing", () => {
    const record = (ttl: number | null) => ({ ttl }) as never;
    expect(drainCauseOf({ dns: { hostedZoneId: "Z", records: [record(30), record(30)], changeStatus: null, reactionSeconds: 120 } })).toEqual({
      kind: "dns",
      ttlSeconds: 30,
    });
    expect(drainCauseOf({ dns: { hostedZoneId: "Z", records: [record(null)], changeStatus: null, reactionSeconds: 120 } })).toEqual({
      kind: "dns",
      ttlSeconds: 60,
    });
    const alb = (stickiness: { enabled: boolean; durationSeconds: number } | null) => ({
      loadBalancerName: "a",
      listenerArn: "l",
      ruleArn: null,
      weights: { blue: 1, green: 0 },
      targetGroupArns: { blue: "b", green: "g" },
      stickiness,
    });
    expect(drainCauseOf({ alb: alb({ enabled: true, durationSeconds: 300 }) })).toEqual({ kind: "stickiness", durationSeconds: 300 });
    expect(drainCauseOf({ alb: alb({ enabled: false, durationSeconds: 300 }) })).toEqual({ kind: "none" });
    expect(drainCauseOf({})).toEqual({ kind: "none" });
  });
});
