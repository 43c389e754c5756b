import { describe, expect, it } from "vitest";
import { parseIntent } from "./intent";
import {
  applySignals,
  greenShareOf,
  judgeConfigFor,
  judgePeriodOf,
  periodFigures,
  progressiveDefaultsSchema,
  resolveProgressive,
  shareSettled,
  snapSteps,
  type ProgressiveStepState,
} from "./progressive";

describe("the progressive intent", () => {
  it("takes steps, a bake, gates and a preset", () => {
    expect(parseIntent({ kind: "progressive", steps: [10, 50, 100], bakeSeconds: 300 })).toMatchObject({ ok: true });
    expect(parseIntent({ kind: "progressive", steps: [10, 100], gates: ["auto", "manual"] })).toMatchObject({ ok: true });
    expect(parseIntent({ kind: "progressive", preset: "linear10PercentEvery1Minute" })).toMatchObject({ ok: true });
    expect(parseIntent({ kind: "progressive" })).toMatchObject({ ok: true });
  });

  it("refuses steps that are not increasing, out of 1..100, or do not end at 100, naming the field", () => {
    for (const steps of [[50, 10, 100], [10, 10, 100], [0, 100], [10, 50], [10, 101], [10.5, 100], []]) {
      const parsed = parseIntent({ kind: "progressive", steps });
      expect(parsed.ok, JSON.stringify(steps)).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(/^steps/);
    }
  });

  it("refuses a bake out of 0..86400 s, unknown fields and presets, both a preset and steps, and gates not one per step", () => {
    expect(parseIntent({ kind: "progressive", bakeSeconds: 86_401 })).toMatchObject({ ok: false, message: expect.stringMatching(/^bakeSeconds/) });
    expect(parseIntent({ kind: "progressive", bakeSeconds: -1 })).toMatchObject({ ok: false });
    expect(parseIntent({ kind: "progressive", speed: 3 })).toMatchObject({ ok: false });
    expect(parseIntent({ kind: "progressive", preset: "canary50Percent" })).toMatchObject({ ok: false, message: expect.stringMatching(/^preset/) });
    expect(parseIntent({ kind: "progressive", preset: "allAtOnce", steps: [100] })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^steps/),
    });
    expect(parseIntent({ kind: "progressive", steps: [10, 100], gates: ["manual"] })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^gates/),
    });
    expect(parseIntent({ kind: "progressive", preset: "canary10Percent5Minutes", gates: ["auto", "auto", "auto"] })).toMatchObject({ ok: false });
  });
});

describe("resolveProgressive", () => {
  it("expands AWS's preset names", () => {
    expect(resolveProgressive({ preset: "canary10Percent5Minutes" })).toMatchObject({ steps: [10, 100], bakeSeconds: 300 });
    expect(resolveProgressive({ preset: "linear10PercentEvery1Minute" })).toMatchObject({
      steps: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
      bakeSeconds: 60,
    });
  });

  it("takes the run's fields over the application's defaults over Teal's", () => {
    const defaults = progressiveDefaultsSchema.parse({
      steps: [25, 100],
      bakeSeconds: 120,
      gates: ["manual", "auto"],
      judge: { errorTolerance: 0.5 },
    });
    expect(resolveProgressive({}, defaults)).toMatchObject({
      steps: [25, 100],
      bakeSeconds: 120,
      gates: ["manual", "auto"],
      judge: { errorTolerance: 0.5, alpha: 0.01 },
    });
    // The run's steps replace the defaults' steps and gates; the defaults' bake still applies.
    expect(resolveProgressive({ steps: [5, 50, 100] }, defaults)).toMatchObject({
      steps: [5, 50, 100],
      bakeSeconds: 120,
      gates: ["auto", "auto", "auto"],
    });
    expect(resolveProgressive({ bakeSeconds: 0 }, defaults)).toMatchObject({ steps: [25, 100], bakeSeconds: 0 });
    expect(resolveProgressive({})).toMatchObject({ steps: [10, 50, 100], bakeSeconds: 300, tolerancePoints: 5 });
    expect(resolveProgressive({ gates: ["auto"] }, defaults)).toEqual({ error: "gates: one gate per step (2)" });
  });
});

describe("snapSteps", () => {
  it("rounds each step to the pattern's grid, at least one grain, 100 last, once each", () => {
    expect(snapSteps([10, 50, 100], ["auto", "auto", "auto"], 1)).toEqual({ steps: [10, 50, 100], gates: ["auto", "auto", "auto"] });
    expect(snapSteps([10, 50, 100], ["auto", "manual", "auto"], 25)).toEqual({ steps: [25, 50, 100], gates: ["auto", "manual", "auto"] });
    expect(snapSteps([10, 20, 30, 100], ["auto", "manual", "auto", "auto"], 25)).toEqual({ steps: [25, 100], gates: ["manual", "auto"] });
    expect(snapSteps([10, 100], ["auto", "auto"], 33.33)).toEqual({ steps: [33.33, 100], gates: ["auto", "auto"] });
  });
});

describe("operator signals", () => {
  const bake: ProgressiveStepState = { kind: "progressive-bake", trafficStep: 1, greenPercent: 50, signalSeq: 0, held: false };
  const gate: ProgressiveStepState = { ...bake, kind: "progressive-gate" };

  it("holds until a continue, which ends the current bake", () => {
    const held = applySignals(bake, [{ seq: 4, action: "progressive.held", trafficStep: 1 }]);
    expect(held).toEqual({ state: { ...bake, held: true, signalSeq: 4 }, endNow: null });
    const go = applySignals(held.state, [
      { seq: 4, action: "progressive.held", trafficStep: 1 },
      { seq: 9, action: "progressive.continued", trafficStep: 1 },
    ]);
    expect(go).toEqual({ state: { ...bake, held: false, signalSeq: 9 }, endNow: "continued" });
  });

  it("keeps a hold from an earlier step, ignores another step's continue and approval, and approves only gates", () => {
    const earlier = applySignals(bake, [
      { seq: 2, action: "progressive.held", trafficStep: 0 },
      { seq: 3, action: "progressive.approved", trafficStep: 1 },
    ]);
    expect(earlier).toEqual({ state: { ...bake, held: true, signalSeq: 3 }, endNow: null });
    const released = applySignals(bake, [
      { seq: 2, action: "progressive.held", trafficStep: 0 },
      { seq: 5, action: "progressive.continued", trafficStep: 0 },
    ]);
    expect(released.endNow).toBeNull();
    expect(released.state.held).toBe(false);
    expect(applySignals(gate, [{ seq: 7, action: "progressive.approved", trafficStep: 1 }]).endNow).toBe("approved");
    expect(applySignals(gate, [{ seq: 7, action: "progressive.approved", trafficStep: 2 }]).endNow).toBeNull();
  });
});

describe("the waits' arithmetic", () => {
  const m = 60_000;
  const series = {
    requests: {
      blue: [
        { t: 0, v: 900 },
        { t: m, v: 540 },
        { t: 2 * m, v: 500 },
      ],
      green: [
        { t: m, v: 60 },
        { t: 2 * m, v: 500 },
      ],
    },
    errors: { blue: [{ t: m, v: 5 }], green: [{ t: m, v: 9 }] },
    latency: { blue: [{ t: m, v: 0.05 }], green: [{ t: m, v: 0.08 }] },
    scaleToMs: 1000,
  };

  it("makes whole periods of both colours, a missing count being zero, and green's share of each", () => {
    const periods = periodFigures(series, 60, 0, 3 * m);
    expect(periods.map(greenShareOf)).toEqual([0, 10, 50]);
    expect(periods[1]).toEqual({ fromMs: m, requests: { blue: 540, green: 60 }, errors: { blue: 5, green: 9 }, latencyMs: { blue: 50, green: 80 } });
    // The period still filling (it ends after `toMs`) is left out.
    expect(periodFigures(series, 60, 0, 2.5 * m)).toHaveLength(2);
    expect(shareSettled(periods, 10, 5).settled?.fromMs).toBe(m);
    expect(shareSettled(periods, 30, 5)).toMatchObject({ settled: null, newest: { fromMs: 2 * m } });
  });

  it("gives the judge a period only when both colours served", () => {
    const config = judgeConfigFor(
      { errors: { blue: ref, green: ref }, latency: { blue: ref, green: ref, scaleToMs: 1000 } },
      { alpha: 0.01, errorTolerance: 0.2, latencyToleranceMs: 100 },
    );
    expect(config?.metrics.map((x) => x.name)).toEqual(["errors", "latency"]);
    if (!config) return;
    const [first, second] = periodFigures(series, 60, 0, 3 * m);
    if (!first || !second) throw new Error("periods");
    expect(judgePeriodOf(config, first)).toBeNull();
    expect(judgePeriodOf(config, second)).toEqual({
      errors: { greenRequests: 60, greenEvents: 9, blueRequests: 540, blueEvents: 5 },
      latency: { greenRequests: 60, greenMs: 80, blueRequests: 540, blueMs: 50 },
    });
    expect(judgeConfigFor({ errors: null, latency: null }, { alpha: 0.01, errorTolerance: 0.2, latencyToleranceMs: 100 })).toBeNull();
  });
});

const ref = { namespace: "AWS/ELB", metricName: "RequestCount", dimensions: { LoadBalancerName: "lb" }, stat: "Sum" };
