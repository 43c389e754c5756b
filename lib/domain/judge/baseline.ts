/**
 * The fixed-window baseline the sequential judge is compared with, as Kayenta's canary judge does
 * it: per metric, a Mann–Whitney U test between green's and blue's per-period values over the
 * analysis window (a count metric as events per request, latency as the period's mean or p99), two-sided
 * at the metric's α; a metric fails when the test rejects and green's values rank on the worse
 * side. Re-run at every analysis interval over the window so far, it gains nothing for looking
 * again and again — each look is another chance of a false alarm, which is the point of the
 * comparison.
 */
import type { CountPeriod } from "./count-test";
import type { JudgeConfig, JudgeMetric, JudgePeriod, Verdict } from "./judge";
import { alphaPerMetric, overallVerdict } from "./judge";
import type { LatencyPeriod } from "./latency-test";
import { mannWhitney } from "./mann-whitney";

/** The per-period value each colour contributes to the window, or null when a colour has no data. */
export function periodValues(metric: JudgeMetric, period: CountPeriod | LatencyPeriod): { green: number; blue: number } | null {
  if (metric.kind === "count") {
    if (!("greenEvents" in period)) throw new RangeError(`baseline: metric ${metric.name} takes counts`);
    if (period.greenRequests <= 0 || period.blueRequests <= 0) return null;
    return { green: period.greenEvents / period.greenRequests, blue: period.blueEvents / period.blueRequests };
  }
  if ("greenEvents" in period) throw new RangeError(`baseline: metric ${metric.name} takes latency figures`);
  if (period.greenMs === null || period.blueMs === null || period.greenRequests <= 0 || period.blueRequests <= 0) return null;
  return { green: period.greenMs, blue: period.blueMs };
}

export interface BaselineMetricResult {
  name: string;
  u: number;
  pTwoSided: number;
  /** "fail" or "not-enough-evidence": a fixed-window test only ever fails or lets the window end. */
  verdict: Verdict;
}

/** Judges one window of periods. Kayenta's "pass" is the window ending without a fail; that is the caller's. */
export function mannWhitneyJudge(config: JudgeConfig, window: readonly JudgePeriod[]): { metrics: BaselineMetricResult[]; verdict: Verdict } {
  const alpha = alphaPerMetric(config);
  const metrics = config.metrics.map((m): BaselineMetricResult => {
    const green: number[] = [];
    const blue: number[] = [];
    for (const period of window) {
      const data = period[m.name];
      if (data === undefined) throw new RangeError(`baseline: no data for metric ${m.name}`);
      const v = periodValues(m, data);
      if (v === null) continue;
      green.push(v.green);
      blue.push(v.blue);
    }
    const r = mannWhitney(green, blue);
    const greenHigher = r.u > r.meanU;
    const worse = m.kind === "count" && m.direction === "lower-is-worse" ? !greenHigher && r.u < r.meanU : greenHigher;
    return { name: m.name, u: r.u, pTwoSided: r.pTwoSided, verdict: r.pTwoSided < alpha && worse ? "fail" : "not-enough-evidence" };
  });
  return { metrics, verdict: overallVerdict(metrics.map((m) => m.verdict)) };
}
