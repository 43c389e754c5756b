import { describe, expect, it } from "vitest";
import { createPrng } from "../../../range/world/prng";
import { poisson } from "../../../scripts/judge-sim";
import { countVerdict, initialCountState, updateCount, type CountPeriod, type CountTestConfig } from "./count-test";

const ERRORS: CountTestConfig = { tolerance: 0, alpha: 0.01, direction: "higher-is-worse" };

function run(config: CountTestConfig, periods: CountPeriod[]) {
  let state = initialCountState(config);
  let last = null;
  for (const p of periods) {
    const out = updateCount(config, state, p);
    state = out.state;
    last = out.evidence;
  }
  return { state, evidence: last };
}

/** log of C(n, x)·p^x·(1−p)^(n−x), computed from scratch. */
function logBinomialPmf(x: number, n: number, p: number): number {
  let logChoose = 0;
  for (let i = 1; i <= x; i++) logChoose += Math.log((n - x + i) / i);
  return logChoose + x * Math.log(p) + (n - x) * Math.log(1 - p);
}

/**
 * The fail-side e-value computed independently of the implementation: the half-normal-weighted
 * average, over the grid of alternatives, of the product of the periods' binomial probability
 * ratios, each binomial written with p = θs / (θs + 1 − s) directly.
 */
function directEFail(periods: CountPeriod[], theta0: number, step: number, points: number, scale: number): number {
  let weighted = 0;
  let total = 0;
  for (let k = 1; k <= points; k++) {
    const u = k * step;
    const w = Math.exp(-(u * u) / (2 * scale * scale));
    let logRatio = 0;
    for (const p of periods) {
      const s = p.greenRequests / (p.greenRequests + p.blueRequests);
      const n = p.greenEvents + p.blueEvents;
      const pAlt = (theta0 * Math.exp(u) * s) / (theta0 * Math.exp(u) * s + 1 - s);
      const pNull = (theta0 * s) / (theta0 * s + 1 - s);
      logRatio += logBinomialPmf(p.greenEvents, n, pAlt) - logBinomialPmf(p.greenEvents, n, pNull);
    }
    weighted += w * Math.exp(logRatio);
    total += w;
  }
  return weighted / total;
}

describe("sequential count test", () => {
  it("matches the mixture likelihood ratio computed from the binomial probabilities directly", () => {
    const periods: CountPeriod[] = [
      { greenRequests: 240, greenEvents: 1, blueRequests: 2160, blueEvents: 3 },
      { greenRequests: 600, greenEvents: 4, blueRequests: 1800, blueEvents: 2 },
      { greenRequests: 1250, greenEvents: 5, blueRequests: 1250, blueEvents: 1 },
      { greenRequests: 1100, greenEvents: 3, blueRequests: 1300, blueEvents: 0 },
    ];
    const config: CountTestConfig = { tolerance: 0.1, alpha: 0.01, direction: "higher-is-worse", gridStep: 0.1, gridPoints: 30, priorScale: 0.7 };
    const { evidence } = run(config, periods);
    const expected = directEFail(periods, 1.1, 0.1, 30, 0.7);
    expect(expected).toBeGreaterThan(1);
    expect(evidence?.eFail).toBeCloseTo(expected, 9);
  });

  it("approximates the continuous half-normal mixture (numeric integration, scipy quad)", () => {
    // scipy.integrate.quad of the half-normal (σ = 0.5) weighted binomial likelihood ratio at an
    // even split, normalised: 30 of 40 errors on green, log θ ∈ (0, 3): 42.1004 (fail side);
    // 15 of 40 on green, log θ ∈ (−3, 0): 2.42114 (pass side). The grid (step 0.05, from 0.05)
    // is a Riemann sum of those integrals: within 5 %.
    const worse = run(ERRORS, [{ greenRequests: 1000, greenEvents: 30, blueRequests: 1000, blueEvents: 10 }]).evidence;
    expect(worse?.eFail).toBeGreaterThan(42.1004 * 0.95);
    expect(worse?.eFail).toBeLessThan(42.1004 * 1.05);
    const better = run(ERRORS, [{ greenRequests: 1000, greenEvents: 15, blueRequests: 1000, blueEvents: 25 }]).evidence;
    expect(better?.ePass).toBeGreaterThan(2.42114 * 0.95);
    expect(better?.ePass).toBeLessThan(2.42114 * 1.05);
  });

  it("depends on the requests only through the split: the traffic level does not matter", () => {
    const quiet = run(ERRORS, [{ greenRequests: 100, greenEvents: 6, blueRequests: 300, blueEvents: 4 }]);
    const busy = run(ERRORS, [{ greenRequests: 10_000, greenEvents: 6, blueRequests: 30_000, blueEvents: 4 }]);
    expect(busy.evidence?.eFail).toBeCloseTo(quiet.evidence?.eFail ?? Number.NaN, 12);
    // Two periods at one split carry what one period with their sums carries.
    const split = run(ERRORS, [
      { greenRequests: 50, greenEvents: 2, blueRequests: 150, blueEvents: 3 },
      { greenRequests: 50, greenEvents: 4, blueRequests: 150, blueEvents: 1 },
    ]);
    expect(split.evidence?.eFail).toBeCloseTo(quiet.evidence?.eFail ?? Number.NaN, 10);
  });

  it("fails a green with far more errors, passes one with fewer, and keeps a fail once reached", () => {
    const bad = run(
      ERRORS,
      Array.from({ length: 10 }, () => ({ greenRequests: 1000, greenEvents: 8, blueRequests: 1000, blueEvents: 2 })),
    );
    expect(bad.evidence?.verdict).toBe("fail");
    expect(bad.evidence?.pFail).toBeLessThanOrEqual(0.01);
    // Later good periods lower the current e-value but not the verdict: the p-value is through the maximum.
    const after = updateCount(ERRORS, bad.state, { greenRequests: 100_000, greenEvents: 0, blueRequests: 100_000, blueEvents: 400 });
    expect(after.evidence.eFail).toBeLessThan(1);
    expect(after.evidence.verdict).toBe("fail");

    const tolerant: CountTestConfig = { ...ERRORS, tolerance: 0.5 };
    const good = run(
      tolerant,
      Array.from({ length: 60 }, () => ({ greenRequests: 1000, greenEvents: 5, blueRequests: 1000, blueEvents: 5 })),
    );
    expect(good.evidence?.verdict).toBe("pass");
    const early = run(tolerant, [{ greenRequests: 1000, greenEvents: 1, blueRequests: 1000, blueEvents: 1 }]);
    expect(early.evidence?.verdict).toBe("not-enough-evidence");
  });

  it("judges a lower-is-worse metric as the mirror image", () => {
    const orders: CountTestConfig = { ...ERRORS, direction: "lower-is-worse" };
    const p: CountPeriod = { greenRequests: 500, greenEvents: 3, blueRequests: 700, blueEvents: 20 };
    const mirrored: CountPeriod = { greenRequests: 700, greenEvents: 20, blueRequests: 500, blueEvents: 3 };
    expect(run(orders, [p]).evidence?.eFail).toBeCloseTo(run(ERRORS, [mirrored]).evidence?.eFail ?? Number.NaN, 12);
    expect(run(orders, [p]).evidence?.rateRatio).toBeCloseTo(3 / 500 / (20 / 700), 12);
  });

  it("learns nothing from a period without both colours' traffic, and refuses bad counts", () => {
    const { state } = run(ERRORS, [{ greenRequests: 0, greenEvents: 3, blueRequests: 100, blueEvents: 1 }]);
    expect(state.logLrUp.every((v) => v === 0)).toBe(true);
    expect(() => updateCount(ERRORS, state, { greenRequests: -1, greenEvents: 0, blueRequests: 1, blueEvents: 0 })).toThrow(RangeError);
    expect(() => updateCount(ERRORS, state, { greenRequests: 1, greenEvents: Number.NaN, blueRequests: 1, blueEvents: 0 })).toThrow(RangeError);
  });

  it("resumes from its JSON state exactly", () => {
    const periods = Array.from({ length: 6 }, (_, i) => ({ greenRequests: 300 + i, greenEvents: i % 3, blueRequests: 900, blueEvents: 1 + (i % 2) }));
    const whole = run(ERRORS, periods);
    const half = run(ERRORS, periods.slice(0, 3));
    let state = JSON.parse(JSON.stringify(half.state)) as typeof half.state;
    for (const p of periods.slice(3)) state = updateCount(ERRORS, state, p).state;
    expect(state).toEqual(whole.state);
  });

  it("keeps the false-fail rate ≤ α over 300 seeded runs at the null's edge (θ = 1 + tolerance), and catches 3× in ≥ 95 of 100", () => {
    // Green's per-request rate exactly 1 + tolerance times blue's (the hardest null), blue's rate
    // wandering per minute, green's share stepping 10 → 25 → 50 %, 90 looks per run.
    const config: CountTestConfig = { tolerance: 0.1, alpha: 0.01, direction: "higher-is-worse" };
    const failures = (factor: number, runs: number) => {
      let failed = 0;
      for (let seed = 0; seed < runs; seed++) {
        const prng = createPrng(seed + 77);
        let state = initialCountState(config);
        for (let minute = 0; minute < 90; minute++) {
          const share = minute < 30 ? 0.1 : minute < 60 ? 0.25 : 0.5;
          const requests = 2400;
          const rate = 0.0012 * Math.exp(0.3 * prng.normal());
          const greenRequests = Math.round(requests * share);
          state = updateCount(config, state, {
            greenRequests,
            greenEvents: poisson(prng, greenRequests * rate * factor),
            blueRequests: requests - greenRequests,
            blueEvents: poisson(prng, (requests - greenRequests) * rate),
          }).state;
        }
        if (countVerdict(config, state) === "fail") failed++;
      }
      return failed;
    };
    expect(failures(1.1, 300)).toBeLessThanOrEqual(3);
    expect(failures(3, 100)).toBeGreaterThanOrEqual(95);
  });
});
