/**
 * The sequential test for latency: is green's latency statistic (the mean, or a high percentile
 * such as p99) above blue's by more than a tolerance (in ms)?
 *
 * Observations. Each period gives each colour's statistic (CloudWatch's request-weighted average,
 * or its p99) and its request count. The period's observation is the difference of the two minus
 * the tolerance, scaled by √w with w = n_green·n_blue / (n_green + n_blue): a mean's sampling
 * variance is σ²/n, and a sample quantile's is q(1 − q) / (n·f²) — both proportional to 1/n — so
 * if each colour's requests share one latency distribution's spread within the period the
 * difference has variance c/w and the scaled observations share one variance whatever the split.
 * Latency that both colours share (load, time of day) cancels in the difference.
 *
 * The e-process. Assuming the scaled observations are independent and normal with an unknown
 * common variance, the mixture over the standardized effect δ ~ N(0, g) with the right-Haar
 * prior 1/σ on σ has a closed form (the sequential t-test of Lai; Pérez-Ortiz, Lardy, de Heide and
 * Grünwald show it is an e-process for "mean = 0" whatever σ):
 *     E_n = (1 + n g)^{-1/2} · ( Q / (Q − g S² / (1 + n g)) )^{n/2}
 * with S = Σy, Q = Σy². It grows when the mean of y is away from 0 on either side. A fail needs
 * E ≥ 1/α with S > 0 (green slower than blue + tolerance), a pass E ≥ 1/α with S < 0 (the
 * confidence sequence for the difference lies below the tolerance). Both are level-α decisions
 * when the mean difference equals the tolerance; when it is further on the other side the data
 * move S away from that side, which only makes the wrong decision rarer (exactly so when the split
 * is constant; with a changing split the scaling makes this an approximation, stated in
 * docs/judge.md).
 *
 * State: n, S, Q and the largest log e-value reached on each side: small, JSON, resumable.
 */
import { pValueFromLogE } from "./numeric";
import type { Verdict } from "./count-test";

export interface LatencyTestConfig {
  /** Green is worse when its mean latency exceeds blue's by more than this many ms. */
  toleranceMs: number;
  alpha: number;
  /** Prior variance g of the standardized effect (default 1). */
  priorVariance?: number;
}

export interface LatencyPeriod {
  greenRequests: number;
  /** The period's statistic in ms (mean: request-weighted; or p99); null when the colour served nothing. */
  greenMs: number | null;
  blueRequests: number;
  blueMs: number | null;
}

export interface LatencyTestState {
  kind: "latency";
  periods: number;
  /** Periods that carried an observation (both colours measured). */
  n: number;
  sumY: number;
  sumY2: number;
  /** Σ w·(green − blue) and Σ w, for the weighted mean difference shown. */
  sumWD: number;
  sumW: number;
  maxLogEAbove: number;
  maxLogEBelow: number;
}

export interface LatencyEvidence {
  periods: number;
  observations: number;
  /** Weighted mean of green − blue over the periods, in ms (null before the first observation). */
  differenceMs: number | null;
  /** The e-value now, and the side its evidence points to. */
  e: number;
  side: "slower" | "not-slower" | "none";
  pFail: number;
  pPass: number;
  alpha: number;
  toleranceMs: number;
  verdict: Verdict;
}

function checkConfig(config: LatencyTestConfig): void {
  if (!Number.isFinite(config.toleranceMs) || config.toleranceMs < 0) throw new RangeError("latency test: toleranceMs must be ≥ 0");
  if (!(config.alpha > 0 && config.alpha < 1)) throw new RangeError("latency test: alpha must be in (0, 1)");
  if (config.priorVariance !== undefined && !(config.priorVariance > 0)) throw new RangeError("latency test: priorVariance must be > 0");
}

export function initialLatencyState(): LatencyTestState {
  return { kind: "latency", periods: 0, n: 0, sumY: 0, sumY2: 0, sumWD: 0, sumW: 0, maxLogEAbove: 0, maxLogEBelow: 0 };
}

/** log E_n of the sequential t-test mixture for mean 0 (0 while it cannot be computed). */
export function logTMixtureE(n: number, sum: number, sumSquares: number, g: number): number {
  if (n < 2 || !(sumSquares > 0)) return 0;
  const shrunk = (g * sum * sum) / (1 + n * g);
  const rest = sumSquares - shrunk;
  if (!(rest > 0)) return Number.POSITIVE_INFINITY;
  return -0.5 * Math.log(1 + n * g) - (n / 2) * Math.log(rest / sumSquares);
}

export function updateLatency(
  config: LatencyTestConfig,
  state: LatencyTestState,
  period: LatencyPeriod,
): { state: LatencyTestState; evidence: LatencyEvidence } {
  checkConfig(config);
  const g = config.priorVariance ?? 1;
  const { greenRequests, blueRequests, greenMs, blueMs } = period;
  if (![greenRequests, blueRequests].every((x) => Number.isFinite(x) && x >= 0))
    throw new RangeError("latency test: request counts must be finite and ≥ 0");
  if ([greenMs, blueMs].some((m) => m !== null && !Number.isFinite(m))) throw new RangeError("latency test: means must be finite");
  const next: LatencyTestState = { ...state, periods: state.periods + 1 };
  if (greenMs !== null && blueMs !== null && greenRequests > 0 && blueRequests > 0) {
    const w = (greenRequests * blueRequests) / (greenRequests + blueRequests);
    const d = greenMs - blueMs;
    const y = (d - config.toleranceMs) * Math.sqrt(w);
    next.n += 1;
    next.sumY += y;
    next.sumY2 += y * y;
    next.sumWD += w * d;
    next.sumW += w;
  }
  const logE = logTMixtureE(next.n, next.sumY, next.sumY2, g);
  if (next.sumY > 0) next.maxLogEAbove = Math.max(next.maxLogEAbove, logE);
  if (next.sumY < 0) next.maxLogEBelow = Math.max(next.maxLogEBelow, logE);
  return {
    state: next,
    evidence: {
      periods: next.periods,
      observations: next.n,
      differenceMs: next.sumW > 0 ? next.sumWD / next.sumW : null,
      e: Math.exp(logE),
      side: next.sumY > 0 ? "slower" : next.sumY < 0 ? "not-slower" : "none",
      pFail: pValueFromLogE(next.maxLogEAbove),
      pPass: pValueFromLogE(next.maxLogEBelow),
      alpha: config.alpha,
      toleranceMs: config.toleranceMs,
      verdict: latencyVerdict(config, next),
    },
  };
}

export function latencyVerdict(config: LatencyTestConfig, state: LatencyTestState): Verdict {
  const threshold = Math.log(1 / config.alpha);
  if (state.maxLogEAbove >= threshold) return "fail";
  if (state.maxLogEBelow >= threshold) return "pass";
  return "not-enough-evidence";
}
