import { describe, expect, it } from "vitest";
import { createPrng } from "../../../range/world/prng";
import { BENCH_JUDGE, SCENARIOS, simulateMinute } from "../../../scripts/judge-sim";
import { mannWhitneyJudge } from "./baseline";
import { alphaPerMetric, initialJudgeState, judgeVerdict, overallVerdict, updateJudge, type JudgeConfig, type JudgePeriod } from "./judge";

const CONFIG: JudgeConfig = {
  alpha: 0.01,
  metrics: [
    { name: "5xx", kind: "count", tolerance: 0, direction: "higher-is-worse" },
    { name: "latency", kind: "latency", toleranceMs: 5 },
  ],
};

function minute(greenErrors: number, greenLatency: number): JudgePeriod {
  return {
    "5xx": { greenRequests: 1000, greenEvents: greenErrors, blueRequests: 1000, blueEvents: 2 },
    latency: { greenRequests: 1000, greenMs: greenLatency, blueRequests: 1000, blueMs: 50 },
  };
}

describe("release judge", () => {
  it("splits α evenly across the metrics (Bonferroni) and journals it", () => {
    expect(alphaPerMetric(CONFIG)).toBeCloseTo(0.005, 12);
    const { evidence } = updateJudge(CONFIG, initialJudgeState(CONFIG), minute(2, 50));
    expect(evidence.alphaPerMetric).toBeCloseTo(0.005, 12);
    expect(evidence.metrics.map((m) => [m.name, m.alpha])).toEqual([
      ["5xx", 0.005],
      ["latency", 0.005],
    ]);
  });

  it("combines verdicts: any fail fails, all pass passes, else not enough evidence", () => {
    expect(overallVerdict(["pass", "fail"])).toBe("fail");
    expect(overallVerdict(["pass", "pass"])).toBe("pass");
    expect(overallVerdict(["pass", "not-enough-evidence"])).toBe("not-enough-evidence");
    expect(overallVerdict([])).toBe("not-enough-evidence");
    // Errors fine, latency 80 ms worse: the latency metric fails the whole judge.
    let state = initialJudgeState(CONFIG);
    let verdict = "";
    for (let i = 0; i < 8; i++) {
      const out = updateJudge(CONFIG, state, minute(2, 130 + (i % 3)));
      state = out.state;
      verdict = out.evidence.verdict;
      expect(out.evidence.metrics[0]?.verdict).not.toBe("fail");
    }
    expect(verdict).toBe("fail");
    expect(judgeVerdict(CONFIG, state)).toBe("fail");
  });

  it("judges a high percentile like the mean and says which statistic it judged", () => {
    const config: JudgeConfig = { alpha: 0.01, metrics: [{ name: "p99", kind: "latency", statistic: "p99", toleranceMs: 15 }] };
    let state = initialJudgeState(config);
    let last = null;
    for (let i = 0; i < 8; i++) {
      const out = updateJudge(config, state, { p99: { greenRequests: 500, greenMs: 200 + (i % 3), blueRequests: 1500, blueMs: 115 + (i % 2) } });
      state = out.state;
      last = out.evidence;
    }
    expect(last?.metrics[0]).toMatchObject({ name: "p99", kind: "latency", statistic: "p99", verdict: "fail" });
  });

  it("resumes from a JSON round trip of its state with the same result", () => {
    const periods = Array.from({ length: 10 }, (_, i) => minute(i % 4, 52 + (i % 3)));
    let whole = initialJudgeState(CONFIG);
    for (const p of periods) whole = updateJudge(CONFIG, whole, p).state;
    let resumed = initialJudgeState(CONFIG);
    for (const p of periods.slice(0, 4)) resumed = updateJudge(CONFIG, resumed, p).state;
    resumed = JSON.parse(JSON.stringify(resumed)) as typeof resumed;
    for (const p of periods.slice(4)) resumed = updateJudge(CONFIG, resumed, p).state;
    expect(resumed).toEqual(whole);
  });

  it("refuses a period that lacks a metric or gives it the wrong kind of figures", () => {
    const state = initialJudgeState(CONFIG);
    const lacking: JudgePeriod = { "5xx": { greenRequests: 1, greenEvents: 0, blueRequests: 1, blueEvents: 0 } };
    expect(() => updateJudge(CONFIG, state, lacking)).toThrow(/latency/);
    const swapped: JudgePeriod = {
      "5xx": { greenRequests: 1, greenMs: 3, blueRequests: 1, blueMs: 3 },
      latency: { greenRequests: 1, greenEvents: 0, blueRequests: 1, blueEvents: 0 },
    };
    expect(() => updateJudge(CONFIG, state, swapped)).toThrow(RangeError);
    expect(() => initialJudgeState({ alpha: 0.01, metrics: [] })).toThrow(RangeError);
  });

  it("keeps the overall false-alarm rate ≤ α over 300 seeded identical rollouts (4 metrics, 90 looks each)", () => {
    const identical = SCENARIOS[0];
    if (identical === undefined) throw new Error("no scenario");
    let failed = 0;
    for (let seed = 0; seed < 300; seed++) {
      const prng = createPrng(seed + 9000);
      let state = initialJudgeState(BENCH_JUDGE);
      for (let m = 0; m < 90; m++) {
        const share = m < 30 ? 0.1 : m < 60 ? 0.25 : 0.5;
        state = updateJudge(BENCH_JUDGE, state, simulateMinute(prng, identical, share, m, 0, 0)).state;
      }
      if (judgeVerdict(BENCH_JUDGE, state) === "fail") failed++;
    }
    expect(failed).toBeLessThanOrEqual(3);
  });
});

describe("Mann–Whitney baseline judge", () => {
  it("fails only on the worse side of each metric", () => {
    const window = (greenErrors: number, greenOrders: number): JudgePeriod[] =>
      Array.from({ length: 12 }, (_, i) => ({
        "5xx": { greenRequests: 1000, greenEvents: greenErrors + (i % 3), blueRequests: 1000, blueEvents: 2 + (i % 2) },
        orders: { greenRequests: 1000, greenEvents: greenOrders + (i % 4), blueRequests: 1000, blueEvents: 20 + (i % 3) },
      }));
    const config: JudgeConfig = {
      alpha: 0.02,
      metrics: [
        { name: "5xx", kind: "count", tolerance: 0, direction: "higher-is-worse" },
        { name: "orders", kind: "count", tolerance: 0, direction: "lower-is-worse" },
      ],
    };
    const verdicts = (g: number, o: number) => mannWhitneyJudge(config, window(g, o)).metrics.map((m) => m.verdict);
    expect(verdicts(10, 20)).toEqual(["fail", "not-enough-evidence"]);
    expect(verdicts(0, 20)).toEqual(["not-enough-evidence", "not-enough-evidence"]);
    expect(verdicts(2, 5)).toEqual(["not-enough-evidence", "fail"]);
    expect(verdicts(2, 40)).toEqual(["not-enough-evidence", "not-enough-evidence"]);
  });
});
