/**
 * The sequential test for count metrics (5xx, backend connection errors, orders…): is green's
 * count per request served worse than blue's by more than a tolerance?
 *
 * Model. Within each period each colour's events arrive as a Poisson process whose rate is the
 * colour's requests times a per-request rate (λ_green, λ_blue). The per-request rates may drift
 * from period to period (time of day, load); what is tested is their ratio θ = λ_green / λ_blue,
 * assumed the same in every period. Given the period's total events n and green's share of its
 * requests s, green's events are Binomial(n, p(θ)) with p(θ) = θs / (θs + 1 − s): the traffic
 * level and the split drop out, which is why a changing split or a quiet hour does not matter
 * (Lindon & Malek's multinomial argument, two categories, with the split known per period).
 *
 * The two e-processes. With θ₀ = 1 + tolerance, two mixtures of likelihood ratios against θ₀ over
 * a grid of alternatives θ_k = θ₀·e^{u_k}:
 *  - fail side: alternatives above θ₀ (u_k > 0), an e-process for "θ ≤ θ₀" (green no worse than
 *    tolerated); crossing 1/α is a fail, and the chance that ever happens when θ ≤ θ₀ is ≤ α;
 *  - pass side: alternatives below θ₀ (u_k < 0), an e-process for "θ ≥ θ₀"; crossing 1/α is a
 *    pass: the one-sided confidence sequence for θ at level α has its upper end below θ₀.
 * p(θ) is an exponential family in log θ with the per-period offset log(s/(1−s)), so each
 * period's likelihood ratio for an alternative above θ₀ has expectation ≤ 1 under any θ ≤ θ₀
 * (convexity of the log-partition function), and symmetrically for the pass side: each mixture is
 * a nonnegative supermartingale under its null and Ville's inequality bounds the chance it ever
 * reaches 1/α. The prior is the discrete grid itself (weights of a half-normal on log θ/θ₀), so the
 * mixture is exact, not an approximation of one.
 *
 * The state is a few counters and the log-likelihood ratio at each grid point: small, JSON, and
 * enough to resume after a crash.
 */
import { logWeightedSumExp, pValueFromLogE } from "./numeric";

export type Verdict = "pass" | "fail" | "not-enough-evidence";

export interface CountTestConfig {
  /** Green is worse when its rate ratio to blue passes 1 + tolerance (0.1 = 10 % worse tolerated). */
  tolerance: number;
  /** Level of each decision (fail and pass); the false-fail chance when green is within tolerance is ≤ alpha. */
  alpha: number;
  /** Errors: more per request is worse. A business metric (orders): fewer per request is worse. */
  direction: "higher-is-worse" | "lower-is-worse";
  /** Grid step on log(θ/θ₀) (default 0.05). */
  gridStep?: number;
  /** Grid points on each side (default 60: alternatives up to e^{3} = 20× θ₀ and down to 1/20). */
  gridPoints?: number;
  /** Standard deviation of the half-normal prior on log(θ/θ₀) (default 0.5: most weight on ratios within e^{±1} of θ₀). */
  priorScale?: number;
}

/** One period's figures for one metric. */
export interface CountPeriod {
  greenRequests: number;
  greenEvents: number;
  blueRequests: number;
  blueEvents: number;
}

export interface CountTestState {
  kind: "count";
  periods: number;
  green: { requests: number; events: number };
  blue: { requests: number; events: number };
  /** log L(θ_k)/L(θ₀) for the fail side's grid (u = h, 2h, … Kh). */
  logLrUp: number[];
  /** log L(θ_k)/L(θ₀) for the pass side's grid (u = −h, −2h, … −Kh). */
  logLrDown: number[];
  /** The largest log e-value each side reached so far (the p-value is anytime-valid through it). */
  maxLogEFail: number;
  maxLogEPass: number;
}

/** What one update shows: the figures to journal beside the decision. */
export interface CountEvidence {
  periods: number;
  green: { requests: number; events: number; rate: number | null };
  blue: { requests: number; events: number; rate: number | null };
  /** Green's rate over blue's so far (null until both have requests and blue has events). */
  rateRatio: number | null;
  /** Current e-values (fail side: against "green within tolerance"; pass side: against "green worse"). */
  eFail: number;
  ePass: number;
  /** Anytime-valid p-values: min(1, 1 / largest e-value so far). */
  pFail: number;
  pPass: number;
  alpha: number;
  tolerance: number;
  verdict: Verdict;
}

interface Grid {
  step: number;
  points: number;
  weights: number[];
}

function gridOf(config: CountTestConfig): Grid {
  const step = config.gridStep ?? 0.05;
  const points = config.gridPoints ?? 60;
  const scale = config.priorScale ?? 0.5;
  if (!(step > 0) || !Number.isInteger(points) || points < 1 || !(scale > 0)) throw new RangeError("count test: bad grid");
  const raw = Array.from({ length: points }, (_, i) => Math.exp(-(((i + 1) * step) ** 2) / (2 * scale * scale)));
  const total = raw.reduce((a, b) => a + b, 0);
  return { step, points, weights: raw.map((w) => w / total) };
}

function checkConfig(config: CountTestConfig): void {
  if (!(config.tolerance >= 0) || !Number.isFinite(config.tolerance)) throw new RangeError("count test: tolerance must be ≥ 0");
  if (!(config.alpha > 0 && config.alpha < 1)) throw new RangeError("count test: alpha must be in (0, 1)");
}

export function initialCountState(config: CountTestConfig): CountTestState {
  checkConfig(config);
  const grid = gridOf(config);
  return {
    kind: "count",
    periods: 0,
    green: { requests: 0, events: 0 },
    blue: { requests: 0, events: 0 },
    logLrUp: new Array<number>(grid.points).fill(0),
    logLrDown: new Array<number>(grid.points).fill(0),
    maxLogEFail: 0,
    maxLogEPass: 0,
  };
}

function isCount(x: number): boolean {
  return Number.isFinite(x) && x >= 0;
}

/** The log-likelihood-ratio increment of one period for log(θ/θ₀) = u. */
function increment(u: number, theta0: number, share: number, worseEvents: number, totalEvents: number): number {
  const theta = theta0 * Math.exp(u);
  return worseEvents * u + totalEvents * Math.log((theta0 * share + 1 - share) / (theta * share + 1 - share));
}

/** Folds one period into the state; returns the new state (the old one is not changed) and the evidence. */
export function updateCount(config: CountTestConfig, state: CountTestState, period: CountPeriod): { state: CountTestState; evidence: CountEvidence } {
  checkConfig(config);
  const { greenRequests, greenEvents, blueRequests, blueEvents } = period;
  if (![greenRequests, greenEvents, blueRequests, blueEvents].every(isCount)) throw new RangeError("count test: counts must be finite and ≥ 0");
  const grid = gridOf(config);
  if (state.logLrUp.length !== grid.points || state.logLrDown.length !== grid.points)
    throw new RangeError("count test: state does not match the grid");
  const theta0 = 1 + config.tolerance;
  // "Worse" colour first: green for errors, blue for a metric where fewer is worse (θ is then blue's rate over green's).
  const higher = config.direction === "higher-is-worse";
  const [aReq, aEv, bReq, bEv] = higher
    ? [greenRequests, greenEvents, blueRequests, blueEvents]
    : [blueRequests, blueEvents, greenRequests, greenEvents];
  const logLrUp = [...state.logLrUp];
  const logLrDown = [...state.logLrDown];
  const total = aEv + bEv;
  // Without requests on both sides (or without events) the period says nothing about θ.
  if (aReq > 0 && bReq > 0 && total > 0) {
    const share = aReq / (aReq + bReq);
    for (let k = 0; k < grid.points; k++) {
      const u = (k + 1) * grid.step;
      logLrUp[k] = (logLrUp[k] ?? 0) + increment(u, theta0, share, aEv, total);
      logLrDown[k] = (logLrDown[k] ?? 0) + increment(-u, theta0, share, aEv, total);
    }
  }
  const logEFail = logWeightedSumExp(logLrUp, grid.weights);
  const logEPass = logWeightedSumExp(logLrDown, grid.weights);
  const next: CountTestState = {
    kind: "count",
    periods: state.periods + 1,
    green: { requests: state.green.requests + greenRequests, events: state.green.events + greenEvents },
    blue: { requests: state.blue.requests + blueRequests, events: state.blue.events + blueEvents },
    logLrUp,
    logLrDown,
    maxLogEFail: Math.max(state.maxLogEFail, logEFail),
    maxLogEPass: Math.max(state.maxLogEPass, logEPass),
  };
  return { state: next, evidence: countEvidence(config, next, logEFail, logEPass) };
}

/** The decision the state supports: fail first (a fail is never overturned), then pass. */
export function countVerdict(config: CountTestConfig, state: CountTestState): Verdict {
  const threshold = Math.log(1 / config.alpha);
  if (state.maxLogEFail >= threshold) return "fail";
  if (state.maxLogEPass >= threshold) return "pass";
  return "not-enough-evidence";
}

function rate(c: { requests: number; events: number }): number | null {
  return c.requests > 0 ? c.events / c.requests : null;
}

function countEvidence(config: CountTestConfig, state: CountTestState, logEFail: number, logEPass: number): CountEvidence {
  const g = rate(state.green);
  const b = rate(state.blue);
  return {
    periods: state.periods,
    green: { ...state.green, rate: g },
    blue: { ...state.blue, rate: b },
    rateRatio: g !== null && b !== null && b > 0 ? g / b : null,
    eFail: Math.exp(logEFail),
    ePass: Math.exp(logEPass),
    pFail: pValueFromLogE(state.maxLogEFail),
    pPass: pValueFromLogE(state.maxLogEPass),
    alpha: config.alpha,
    tolerance: config.tolerance,
    verdict: countVerdict(config, state),
  };
}
