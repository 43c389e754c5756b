/**
 * The sequential release judge: after every period of data in a step it compares green with blue
 * on each configured metric and says pass, fail or not enough evidence yet, per metric and overall.
 *
 * - Count metrics (5xx, backend connection errors, a business count): count-test.ts.
 * - Latency (mean, or a high percentile such as p99): latency-test.ts.
 * - Overall: fail if any metric fails, pass if every metric passes, else not enough evidence.
 *   The overall α is split evenly across the metrics (Bonferroni), so the chance that any metric
 *   fails while green is within every tolerance stays ≤ α however often the judge looks.
 *
 * Pure and deterministic: the state is JSON (journal it after each update; a restarted process
 * resumes from it), the evidence of each update is what the journal shows.
 */
import {
  countVerdict,
  initialCountState,
  updateCount,
  type CountEvidence,
  type CountPeriod,
  type CountTestConfig,
  type CountTestState,
  type Verdict,
} from "./count-test";
import { initialLatencyState, latencyVerdict, updateLatency, type LatencyEvidence, type LatencyPeriod, type LatencyTestState } from "./latency-test";

export type { Verdict } from "./count-test";

export type JudgeMetric =
  | { name: string; kind: "count"; tolerance: number; direction: CountTestConfig["direction"]; priorScale?: number }
  /** A latency statistic per period: the mean (default) or a high percentile (p99), judged alike. */
  | { name: string; kind: "latency"; toleranceMs: number; statistic?: "mean" | "p99" };

export interface JudgeConfig {
  /** Overall false-fail level (default in DEFAULT_JUDGE_ALPHA: 1 %). */
  alpha: number;
  metrics: JudgeMetric[];
}

export const DEFAULT_JUDGE_ALPHA = 0.01;

export interface JudgeState {
  periods: number;
  metrics: Record<string, CountTestState | LatencyTestState>;
}

/** One period's figures, by metric name (count metrics take a CountPeriod, latency a LatencyPeriod). */
export type JudgePeriod = Record<string, CountPeriod | LatencyPeriod>;

export type MetricEvidence =
  ({ name: string; kind: "count" } & CountEvidence) | ({ name: string; kind: "latency"; statistic: "mean" | "p99" } & LatencyEvidence);

export interface JudgeEvidence {
  periods: number;
  alpha: number;
  /** α of each metric's decisions: alpha / number of metrics (Bonferroni). */
  alphaPerMetric: number;
  metrics: MetricEvidence[];
  verdict: Verdict;
}

function checkConfig(config: JudgeConfig): void {
  if (!(config.alpha > 0 && config.alpha < 1)) throw new RangeError("judge: alpha must be in (0, 1)");
  if (config.metrics.length === 0) throw new RangeError("judge: at least one metric");
  const names = new Set(config.metrics.map((m) => m.name));
  if (names.size !== config.metrics.length) throw new RangeError("judge: metric names must be distinct");
}

export function alphaPerMetric(config: JudgeConfig): number {
  return config.alpha / config.metrics.length;
}

function countConfig(config: JudgeConfig, m: Extract<JudgeMetric, { kind: "count" }>): CountTestConfig {
  return {
    tolerance: m.tolerance,
    direction: m.direction,
    alpha: alphaPerMetric(config),
    ...(m.priorScale === undefined ? {} : { priorScale: m.priorScale }),
  };
}

export function initialJudgeState(config: JudgeConfig): JudgeState {
  checkConfig(config);
  const metrics: JudgeState["metrics"] = {};
  for (const m of config.metrics) metrics[m.name] = m.kind === "count" ? initialCountState(countConfig(config, m)) : initialLatencyState();
  return { periods: 0, metrics };
}

function isCountPeriod(p: CountPeriod | LatencyPeriod): p is CountPeriod {
  return "greenEvents" in p && "blueEvents" in p;
}

/** Combines per-metric verdicts: any fail fails, all pass passes. */
export function overallVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes("fail")) return "fail";
  if (verdicts.length > 0 && verdicts.every((v) => v === "pass")) return "pass";
  return "not-enough-evidence";
}

/** Folds one period into every metric's state. Throws RangeError on a missing or malformed metric. */
export function updateJudge(config: JudgeConfig, state: JudgeState, period: JudgePeriod): { state: JudgeState; evidence: JudgeEvidence } {
  checkConfig(config);
  const alpha = alphaPerMetric(config);
  const metrics: JudgeState["metrics"] = {};
  const evidence: MetricEvidence[] = [];
  for (const m of config.metrics) {
    const prior = state.metrics[m.name];
    const data = period[m.name];
    if (prior === undefined || data === undefined) throw new RangeError(`judge: no ${prior === undefined ? "state" : "data"} for metric ${m.name}`);
    if (m.kind === "count") {
      if (prior.kind !== "count" || !isCountPeriod(data)) throw new RangeError(`judge: metric ${m.name} takes counts`);
      const out = updateCount(countConfig(config, m), prior, data);
      metrics[m.name] = out.state;
      evidence.push({ name: m.name, kind: "count", ...out.evidence });
    } else {
      if (prior.kind !== "latency" || isCountPeriod(data)) throw new RangeError(`judge: metric ${m.name} takes latency figures`);
      const out = updateLatency({ toleranceMs: m.toleranceMs, alpha }, prior, data);
      metrics[m.name] = out.state;
      evidence.push({ name: m.name, kind: "latency", statistic: m.statistic ?? "mean", ...out.evidence });
    }
  }
  const next: JudgeState = { periods: state.periods + 1, metrics };
  return {
    state: next,
    evidence: {
      periods: next.periods,
      alpha: config.alpha,
      alphaPerMetric: alpha,
      metrics: evidence,
      verdict: overallVerdict(evidence.map((e) => e.verdict)),
    },
  };
}

/** The verdict a (journaled) state supports, without a new period. */
export function judgeVerdict(config: JudgeConfig, state: JudgeState): Verdict {
  checkConfig(config);
  const alpha = alphaPerMetric(config);
  return overallVerdict(
    config.metrics.map((m) => {
      const s = state.metrics[m.name];
      if (s === undefined) return "not-enough-evidence";
      if (m.kind === "count" && s.kind === "count") return countVerdict(countConfig(config, m), s);
      if (m.kind === "latency" && s.kind === "latency") return latencyVerdict({ toleranceMs: m.toleranceMs, alpha }, s);
      throw new RangeError(`judge: state of ${m.name} is of another kind`);
    }),
  );
}
