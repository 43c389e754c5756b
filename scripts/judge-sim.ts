/**
 * The simulated rollouts behind the `judge` section of `npm run bench` (scripts/bench-judge.ts)
 * and the judge's false-alarm tests: per-minute CloudWatch-like figures for blue and green while
 * green's share of traffic steps up, judged by the sequential judge (lib/domain/judge) and by the
 * fixed-window Mann–Whitney baseline.
 *
 * Traffic follows the practice range's demo: 40 requests per second at the load balancer with a
 * daily wave and AR(1) noise on top (range/world/traffic.ts), blue's 5xx at the demo's profile
 * (0.1 % backend errors + 0.02 % connection errors, range/world/traffic.ts DEFAULT_PROFILE), a
 * lognormal latency around 50 ms with p99 ≈ 2.3 × median (the range's shape). Counts are Poisson
 * draws (exact for small means: at 10 % traffic green sees well under one 5xx a minute), the
 * split of each minute's requests a binomial draw. The business metric is orders: 2 % of
 * requests. Every random draw comes from the range's seeded generator, so a row is reproducible.
 */
import { initialJudgeState, updateJudge, type JudgeConfig, type JudgePeriod } from "../lib/domain/judge/judge";
import { mannWhitneyJudge } from "../lib/domain/judge/baseline";
import { binomial } from "../range/world/draws";
import { createPrng, type Prng } from "../range/world/prng";

export const DEMO_RPS = 40;
export const BLUE_5XX_RATE = 0.001 + 0.0002;
export const ORDER_RATE = 0.02;
export const LATENCY_MEDIAN_MS = 50;
/** The standard normal's 99th percentile. */
const Z99 = 2.326;
/** ln(2.3) / z₀.₉₉: the range's lognormal shape (p99 ≈ 2.3 × median). */
export const LATENCY_SIGMA = Math.log(2.3) / Z99;

/** How green differs from blue in a scenario, as a function of green's share of traffic (0…1). */
export interface Scenario {
  name: string;
  /** Is this green bad (should the rollout be halted)? */
  bad: boolean;
  errorFactor(share: number): number;
  extraLatencyMs(share: number): number;
  orderFactor(share: number): number;
}

const one = () => 1;
const zero = () => 0;

export const SCENARIOS: Scenario[] = [
  { name: "identical blue and green", bad: false, errorFactor: one, extraLatencyMs: zero, orderFactor: one },
  { name: "green 2× the 5xx rate", bad: true, errorFactor: () => 2, extraLatencyMs: zero, orderFactor: one },
  { name: "green +50 ms latency", bad: true, errorFactor: one, extraLatencyMs: () => 50, orderFactor: one },
  { name: "green 3× 5xx above 25 % of traffic", bad: true, errorFactor: (s) => (s > 0.25 ? 3 : 1), extraLatencyMs: zero, orderFactor: one },
  { name: "green −10 % orders per request", bad: true, errorFactor: one, extraLatencyMs: zero, orderFactor: () => 0.9 },
];

/** The judge the benchmark runs: 5xx (higher is worse, 10 % tolerated), mean latency (5 ms), p99 latency (15 ms), orders (lower is worse, 2 %). */
export const BENCH_JUDGE: JudgeConfig = {
  alpha: 0.01,
  metrics: [
    { name: "5xx", kind: "count", tolerance: 0.1, direction: "higher-is-worse" },
    { name: "latency", kind: "latency", toleranceMs: 5 },
    { name: "p99", kind: "latency", statistic: "p99", toleranceMs: 15 },
    { name: "orders", kind: "count", tolerance: 0.02, direction: "lower-is-worse" },
  ],
};

export interface RolloutPlan {
  /** Green's share at each judged step, e.g. [0.1, 0.25, 0.5]; then 100 % (nothing left to compare). */
  steps: number[];
  /** Minutes each judged step bakes. */
  bakeMinutes: number;
  /** The baseline's analysis interval: it re-runs its test every this many minutes of a step. */
  baselineIntervalMinutes: number;
  /** Minutes at 100 % counted as exposure when nothing halted the rollout. */
  promotedMinutes: number;
}

export const DEFAULT_PLAN: RolloutPlan = { steps: [0.1, 0.25, 0.5], bakeMinutes: 60, baselineIntervalMinutes: 5, promotedMinutes: 60 };

/** Poisson(mean) draw: inversion for small means, a rounded normal above 30. */
export function poisson(prng: Prng, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * prng.normal()));
  const u = prng.next();
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  while (u > cdf && k < 1000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/** One minute of both colours' figures, as the judge takes them. */
export function simulateMinute(prng: Prng, scenario: Scenario, share: number, minute: number, phase: number, wobble: number): JudgePeriod {
  const daily = 1 + 0.3 * Math.sin((2 * Math.PI * (minute + phase)) / 1440);
  const total = poisson(prng, DEMO_RPS * 60 * daily * Math.exp(wobble));
  const greenRequests = binomial(prng, total, share);
  const blueRequests = total - greenRequests;
  // The per-request 5xx rate drifts for both colours alike (a dependency's bad minute): the judge must not care.
  const errorDrift = Math.exp(0.3 * prng.normal());
  const latencyDrift = 1 + 0.05 * prng.normal();
  const meanLatency = LATENCY_MEDIAN_MS * Math.exp((LATENCY_SIGMA * LATENCY_SIGMA) / 2) * latencyDrift;
  const sdLatency = meanLatency * Math.sqrt(Math.exp(LATENCY_SIGMA * LATENCY_SIGMA) - 1);
  const mean = (n: number, extra: number) => (n > 0 ? meanLatency + extra + (sdLatency / Math.sqrt(n)) * prng.normal() : null);
  // A sample p99's spread: √(q(1 − q)/n) / f(x_q), f the lognormal density at its 99th percentile.
  const p99Latency = LATENCY_MEDIAN_MS * Math.exp(Z99 * LATENCY_SIGMA) * latencyDrift;
  const p99Spread = (Math.sqrt(0.99 * 0.01) * p99Latency * LATENCY_SIGMA) / (Math.exp((-Z99 * Z99) / 2) / Math.sqrt(2 * Math.PI));
  const p99 = (n: number, extra: number) => (n > 0 ? p99Latency + extra + (p99Spread / Math.sqrt(n)) * prng.normal() : null);
  return {
    "5xx": {
      greenRequests,
      greenEvents: poisson(prng, greenRequests * BLUE_5XX_RATE * errorDrift * scenario.errorFactor(share)),
      blueRequests,
      blueEvents: poisson(prng, blueRequests * BLUE_5XX_RATE * errorDrift),
    },
    latency: { greenRequests, greenMs: mean(greenRequests, scenario.extraLatencyMs(share)), blueRequests, blueMs: mean(blueRequests, 0) },
    p99: { greenRequests, greenMs: p99(greenRequests, scenario.extraLatencyMs(share)), blueRequests, blueMs: p99(blueRequests, 0) },
    orders: {
      greenRequests,
      greenEvents: poisson(prng, greenRequests * ORDER_RATE * scenario.orderFactor(share)),
      blueRequests,
      blueEvents: poisson(prng, blueRequests * ORDER_RATE),
    },
  };
}

export interface RolloutOutcome {
  /** Minute (from the rollout's start, 1-based) of the first fail; null when it never failed. */
  haltMinute: number | null;
  /** Requests green served up to and including the halt minute (or the whole rollout plus the promoted minutes). */
  greenRequests: number;
}

/** Judges one simulated rollout with the sequential judge and, on the very same minutes, the baseline. */
export function simulateRollout(
  seed: number,
  scenario: Scenario,
  plan: RolloutPlan = DEFAULT_PLAN,
  config: JudgeConfig = BENCH_JUDGE,
): { sequential: RolloutOutcome; baseline: RolloutOutcome } {
  const prng = createPrng(seed);
  const phase = prng.next() * 1440;
  let wobble = 0;
  let state = initialJudgeState(config);
  let minute = 0;
  let greenSoFar = 0;
  const sequential: RolloutOutcome = { haltMinute: null, greenRequests: 0 };
  const baseline: RolloutOutcome = { haltMinute: null, greenRequests: 0 };
  for (const share of plan.steps) {
    const window: JudgePeriod[] = [];
    for (let m = 0; m < plan.bakeMinutes; m++) {
      minute++;
      wobble = 0.8 * wobble + 0.06 * prng.normal();
      const period = simulateMinute(prng, scenario, share, minute, phase, wobble);
      const green = period["5xx"];
      greenSoFar += green !== undefined && "greenEvents" in green ? green.greenRequests : 0;
      if (sequential.haltMinute === null) {
        const out = updateJudge(config, state, period);
        state = out.state;
        if (out.evidence.verdict === "fail") sequential.haltMinute = minute;
        sequential.greenRequests = greenSoFar;
      }
      window.push(period);
      if (baseline.haltMinute === null) {
        baseline.greenRequests = greenSoFar;
        if ((m + 1) % plan.baselineIntervalMinutes === 0 && mannWhitneyJudge(config, window).verdict === "fail") baseline.haltMinute = minute;
      }
      if (sequential.haltMinute !== null && baseline.haltMinute !== null) return { sequential, baseline };
    }
  }
  // Not halted: green is promoted and serves all traffic for the promoted minutes.
  const promoted = DEMO_RPS * 60 * plan.promotedMinutes;
  if (sequential.haltMinute === null) sequential.greenRequests = greenSoFar + promoted;
  if (baseline.haltMinute === null) baseline.greenRequests = greenSoFar + promoted;
  return { sequential, baseline };
}
