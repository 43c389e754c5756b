import { describe, expect, it } from "vitest";
import { createPrng } from "../../../range/world/prng";
import { initialLatencyState, latencyVerdict, logTMixtureE, updateLatency, type LatencyPeriod, type LatencyTestConfig } from "./latency-test";

const CONFIG: LatencyTestConfig = { toleranceMs: 5, alpha: 0.01 };

function run(config: LatencyTestConfig, periods: LatencyPeriod[]) {
  let state = initialLatencyState();
  for (const p of periods) state = updateLatency(config, state, p).state;
  return state;
}

/** Equal traffic on both colours: every observation has the same weight. */
function even(green: number, blue: number, requests = 1000): LatencyPeriod {
  return { greenRequests: requests, greenMs: green, blueRequests: requests, blueMs: blue };
}

describe("sequential latency test", () => {
  it("matches the t-mixture Bayes factor by numeric double integration", () => {
    // y = [1.2, 0.4, 2.1, −0.3, 1.5], g = 1: the ratio of ∫∫ Πφ(y; σδ, σ) N(δ; 0, 1) dδ dσ/σ to
    // ∫ Πφ(y; 0, σ) dσ/σ by scipy.integrate.dblquad / quad over log σ and δ is 2.08609216394.
    const y = [1.2, 0.4, 2.1, -0.3, 1.5];
    const sum = y.reduce((a, b) => a + b, 0);
    const squares = y.reduce((a, b) => a + b * b, 0);
    expect(Math.exp(logTMixtureE(y.length, sum, squares, 1))).toBeCloseTo(2.08609216394, 9);
    // The same through updates: green − blue − tolerance = y, equal weights (√w scales all alike).
    const state = run(
      CONFIG,
      y.map((v) => even(100 + 5 + v, 100)),
    );
    expect(Math.exp(logTMixtureE(state.n, state.sumY, state.sumY2, 1))).toBeCloseTo(2.08609216394, 9);
  });

  it("does not depend on the unit of latency (the e-value is scale-invariant)", () => {
    const y = [0.3, -1.1, 2.2, 0.9];
    const s = (k: number) => logTMixtureE(4, k * y.reduce((a, b) => a + b, 0), k * k * y.reduce((a, b) => a + b * b, 0), 1);
    expect(s(1000)).toBeCloseTo(s(1), 10);
  });

  it("fails a clearly slower green, passes a clearly faster one, waits on the first observations", () => {
    // With g = 1 the e-value is at most (1 + n)^((n − 1)/2): n ≥ 6 observations before any verdict at α = 1 %.
    const slowerMinutes = [even(130, 80), even(128, 79), even(133, 81), even(129, 80), even(131, 80), even(127, 79), even(132, 80)];
    expect(latencyVerdict(CONFIG, run(CONFIG, slowerMinutes.slice(0, 5)))).toBe("not-enough-evidence");
    expect(latencyVerdict(CONFIG, run(CONFIG, slowerMinutes))).toBe("fail");
    const faster = run(CONFIG, [even(80, 80.5), even(79, 80), even(81, 80.2), even(80, 79.9), even(79.5, 80.1), even(80, 80), even(79.8, 80.3)]);
    expect(latencyVerdict(CONFIG, faster)).toBe("pass");
    expect(latencyVerdict(CONFIG, run(CONFIG, [even(300, 80)]))).toBe("not-enough-evidence");
  });

  it("skips a period where a colour has no latency, and refuses non-finite figures", () => {
    const state = run(CONFIG, [{ greenRequests: 0, greenMs: null, blueRequests: 100, blueMs: 50 }]);
    expect(state.n).toBe(0);
    expect(state.periods).toBe(1);
    expect(() => updateLatency(CONFIG, state, { greenRequests: 1, greenMs: Number.POSITIVE_INFINITY, blueRequests: 1, blueMs: 1 })).toThrow(
      RangeError,
    );
  });

  it("keeps the false-fail rate ≤ α over 300 seeded runs when green is exactly at the tolerance", () => {
    // Green's mean latency = blue's + 5 ms (the null's edge), shared drift, noise ∝ 1/√requests,
    // green's share stepping 10 → 25 → 50 %, 90 looks per run.
    let failed = 0;
    let caught = 0;
    for (let seed = 0; seed < 300; seed++) {
      const prng = createPrng(seed + 5000);
      let atEdge = initialLatencyState();
      let slow = initialLatencyState();
      for (let minute = 0; minute < 90; minute++) {
        const share = minute < 30 ? 0.1 : minute < 60 ? 0.25 : 0.5;
        const g = Math.round(2400 * share);
        const b = 2400 - g;
        const drift = 53 * (1 + 0.05 * prng.normal());
        const noise = (n: number) => (20 / Math.sqrt(n)) * prng.normal();
        atEdge = updateLatency(CONFIG, atEdge, {
          greenRequests: g,
          greenMs: drift + 5 + noise(g),
          blueRequests: b,
          blueMs: drift + noise(b),
        }).state;
        slow = updateLatency(CONFIG, slow, {
          greenRequests: g,
          greenMs: drift + 10 + noise(g),
          blueRequests: b,
          blueMs: drift + noise(b),
        }).state;
      }
      if (latencyVerdict(CONFIG, atEdge) === "fail") failed++;
      if (latencyVerdict(CONFIG, slow) === "fail") caught++;
    }
    expect(failed).toBeLessThanOrEqual(3);
    expect(caught).toBeGreaterThanOrEqual(295);
  });
});
