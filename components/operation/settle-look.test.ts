import { describe, expect, it } from "vitest";
import type { TrafficSettle } from "@/lib/domain/traffic-settle";
import { settleLook } from "./settle-look";

const T = Date.parse("2026-12-06T12:10:20.000Z");
const observed = {
  fromMs: Date.parse("2026-12-06T12:10:00.000Z"),
  toMs: Date.parse("2026-12-06T12:11:00.000Z"),
  greenPercent: 38,
  blueRequests: 1488,
  greenRequests: 912,
};
const draining: TrafficSettle = {
  phase: "draining",
  targetGreenPercent: 0,
  tolerancePoints: 5,
  callsDoneAt: new Date(T).toISOString(),
  observed,
  oldSide: "green",
  excessPerMinute: 912,
  measuredSinceCalls: true,
  expectedAt: "2026-12-06T12:14:00.000Z",
  basis: "record TTL 60 s × 2 resolver caches, then a whole minute measured",
  overdue: false,
};

describe("settleLook", () => {
  it("words draining with the requests still on the old side, the window and the estimate", () => {
    const look = settleLook(draining, Date.parse("2026-12-06T12:12:20.000Z"));
    expect(look.look).toMatchObject({ label: "Draining", tone: "info" });
    expect(look.headline).toBe("912 req/min still on green");
    expect(look.figures).toMatch(/^observed 38 % green, minute \d\d:\d\d–\d\d:\d\d · configured 0 % green ±5 points$/);
    expect(look.estimate).toBe("About 1 min 40 s more: record TTL 60 s × 2 resolver caches, then a whole minute measured");
  });

  it("does not call a minute before the calls traffic still on the old side", () => {
    const look = settleLook({ ...draining, measuredSinceCalls: false, excessPerMinute: 1200 }, Date.parse("2026-12-06T12:10:30.000Z"));
    expect(look.headline).toBe("1\u2009200 req/min on green before the calls; no minute after them is measured yet");
    expect(settleLook({ ...draining, measuredSinceCalls: false, excessPerMinute: 0 }, 0).headline).toBe(
      "calls done; no minute after them is measured yet",
    );
  });

  it("says when the estimate has passed, and when it is overdue", () => {
    expect(settleLook(draining, Date.parse("2026-12-06T12:14:30.000Z")).estimate).toMatch(/^Any moment now/);
    const late = settleLook({ ...draining, overdue: true }, Date.parse("2026-12-06T12:20:00.000Z"));
    expect(late.look.tone).toBe("warning");
    expect(late.estimate).toMatch(/^Taking longer than expected/);
  });

  it("words settled with how long after the calls it took", () => {
    const settled: TrafficSettle = {
      phase: "settled",
      targetGreenPercent: 0,
      tolerancePoints: 5,
      callsDoneAt: draining.callsDoneAt,
      observed: { ...observed, greenPercent: 2 },
      settledAt: "2026-12-06T12:12:00.000Z",
      afterMs: 100_000,
      recorded: true,
    };
    const look = settleLook(settled, Date.parse("2026-12-06T12:13:00.000Z"));
    expect(look.look).toMatchObject({ label: "Settled", tone: "success" });
    expect(look.headline).toBe("Traffic settled within 1 min 40 s of the calls");
    expect(look.estimate).toMatch(/ \(recorded\)$/);
    expect(settleLook({ ...settled, afterMs: null, settledAt: null, recorded: false }, 0).headline).toBe("Traffic follows the configured split");
  });

  it("says when nothing could be measured", () => {
    const look = settleLook(
      {
        phase: "unmeasured",
        reason: "No requests were measured since the calls ended.",
        targetGreenPercent: 0,
        tolerancePoints: 5,
        callsDoneAt: draining.callsDoneAt,
        observed: null,
      },
      0,
    );
    expect(look.look.label).toBe("Traffic not measured");
    expect(look.headline).toBe("No requests were measured since the calls ended.");
  });
});
