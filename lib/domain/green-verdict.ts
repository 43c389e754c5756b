/**
 * Is green doing worse than blue? The verdict the header, the overview card, the wall tile, the risk
 * review and the shift dialog show, and the one the server checks before it sends more traffic to
 * green. Pure: the snapshot service feeds it each colour's request counts, 5xx counts and latencies
 * over the last minutes (from the CloudWatch series it already reads).
 *
 * A judge is one small interface so that another rule (e.g. a sequential test) can replace the
 * default threshold judge without touching the screens or the server check.
 */

/** What one colour did over the window. */
export interface ColorWindow {
  /** Requests its load balancer (or target group) counted. */
  requests: number;
  /** 5xx answers from its instances or targets. */
  errors: number;
  /** p99 latency in ms (request-weighted over the window's minutes); null when not measured. */
  p99Ms: number | null;
  /** Mean latency in ms (exact: request-weighted minute averages); null when not measured. */
  meanMs: number | null;
}

export type GreenJudgeInput =
  /** CloudWatch cannot tell blue's requests from green's here (one shared load balancer or service). */
  { kind: "shared"; why: string } | { kind: "per-color"; windowMinutes: number; blue: ColorWindow; green: ColorWindow };

export type GreenVerdictStatus = "failing" | "slower" | "ok" | "insufficient" | "unavailable";

export interface GreenVerdict {
  status: GreenVerdictStatus;
  /** "Green failing", "Green slower", "Green OK", "Not enough traffic yet", "No per-colour metrics". */
  label: string;
  /** The figures side by side, e.g. "green 5xx 29.8 % vs blue 0.4 %"; empty when there are none. */
  figures: string;
  /** One sentence: why this verdict. */
  detail: string;
  /** The window the figures cover (minutes); null when nothing could be measured per colour. */
  windowMinutes: number | null;
  blue: ColorWindow | null;
  green: ColorWindow | null;
}

export interface GreenJudge {
  /** A short name for logs and the audit note ("threshold"). */
  readonly name: string;
  judge(input: GreenJudgeInput): GreenVerdict;
}

/**
 * The verdict while CloudWatch cannot be read (throttled, down, or not allowed): nothing is judged,
 * and nothing says green is fine. `why` is user-safe text.
 */
export function metricsUnavailableVerdict(why: string): GreenVerdict {
  return {
    status: "unavailable",
    label: "Metrics unavailable",
    figures: "",
    detail: `CloudWatch could not be read, so green is not compared with blue: ${why}`,
    windowMinutes: null,
    blue: null,
    green: null,
  };
}

/** Green is worse than blue: more traffic onto it needs a typed override. */
export function isGreenWorse(verdict: GreenVerdict | null | undefined): boolean {
  return verdict?.status === "failing" || verdict?.status === "slower";
}

/** "last 5 min" (or an empty string when the verdict has no window). */
export function windowLabel(verdict: Pick<GreenVerdict, "windowMinutes">): string {
  return verdict.windowMinutes === null ? "" : `last ${verdict.windowMinutes} min`;
}

export interface GreenThresholds {
  /** Requests each colour needs in the window before it is compared at all. */
  minRequests: number;
  /**
   * One-sided z the error-rate test must reach (3.09 ≈ p < 0.001): two-proportion test of green
   * against blue, or a one-proportion test against `maxErrorRate` when blue has no traffic.
   */
  errorZ: number;
  /** And green's 5xx rate must exceed blue's by at least this much (0.01 = one percentage point). */
  minErrorRateDiff: number;
  /** Green's 5xx rate limit when blue has too few requests to compare with. */
  maxErrorRate: number;
  /** Slower when green's p99 exceeds blue's by this ratio and by `p99MarginMs`. */
  p99Ratio: number;
  p99MarginMs: number;
  /** Slower when green's mean exceeds blue's by this ratio and by `meanMarginMs`. */
  meanRatio: number;
  meanMarginMs: number;
  /** Absolute latency limits when blue has too few requests to compare with. */
  maxP99Ms: number;
  maxMeanMs: number;
}

export const DEFAULT_GREEN_THRESHOLDS: Readonly<GreenThresholds> = {
  minRequests: 200,
  errorZ: 3.09,
  minErrorRateDiff: 0.01,
  maxErrorRate: 0.05,
  p99Ratio: 1.5,
  p99MarginMs: 50,
  meanRatio: 1.3,
  meanMarginMs: 20,
  maxP99Ms: 1500,
  maxMeanMs: 500,
};

/** The window Teal judges over by default (whole CloudWatch minutes). */
export const GREEN_WINDOW_MINUTES = 5;

/** "29.8 %", "0.4 %", "0.04 %", "0 %". */
export function formatRate(rate: number): string {
  const pct = rate * 100;
  if (pct === 0) return "0 %";
  // One decimal unless that would read "0.0 %": then two, so a small rate never looks like none.
  const digits = pct < 0.05 ? 2 : 1;
  return `${pct.toFixed(digits)} %`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

function rate(w: ColorWindow): number {
  return w.requests > 0 ? w.errors / w.requests : 0;
}

/**
 * One-sided two-proportion z statistic of green's error rate over blue's (pooled variance).
 * +Infinity when both rates are exactly 0 and 1 apart in green's disfavour; 0 when they are equal.
 */
export function twoProportionZ(green: { errors: number; requests: number }, blue: { errors: number; requests: number }): number {
  const pg = green.errors / green.requests;
  const pb = blue.errors / blue.requests;
  const pooled = (green.errors + blue.errors) / (green.requests + blue.requests);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / green.requests + 1 / blue.requests));
  if (se === 0) return pg > pb ? Number.POSITIVE_INFINITY : 0;
  return (pg - pb) / se;
}

/** One-sided z of an observed error rate above a fixed limit (one-proportion test). */
export function oneProportionZ(w: { errors: number; requests: number }, limit: number): number {
  const se = Math.sqrt((limit * (1 - limit)) / w.requests);
  const p = w.errors / w.requests;
  if (se === 0) return p > limit ? Number.POSITIVE_INFINITY : 0;
  return (p - limit) / se;
}

function latencyCheck(green: number | null, blue: number | null, ratio: number, marginMs: number): boolean {
  if (green === null || blue === null) return false;
  return green > blue * ratio && green - blue >= marginMs;
}

/**
 * The default judge: both colours need `minRequests`; green fails when its 5xx rate is higher than
 * blue's by a significant margin (two-proportion z-test AND a minimum absolute difference, so a
 * huge sample does not flag 0.11 % vs 0.10 %, and a large gap on a handful of requests is not
 * called either); green is slower when its p99 or mean latency is above blue's by a ratio AND an
 * absolute margin. When blue has too few requests (green has all the traffic), green is held to
 * absolute limits instead.
 */
export function thresholdJudge(overrides: Partial<GreenThresholds> = {}): GreenJudge {
  const t: GreenThresholds = { ...DEFAULT_GREEN_THRESHOLDS };
  for (const key of Object.keys(t) as (keyof GreenThresholds)[]) {
    const value = overrides[key];
    if (typeof value === "number" && Number.isFinite(value)) t[key] = value;
  }
  return {
    name: "threshold",
    judge(input) {
      if (input.kind === "shared") {
        return {
          status: "unavailable",
          label: "No per-colour metrics",
          figures: "",
          detail: input.why,
          windowMinutes: null,
          blue: null,
          green: null,
        };
      }
      const { blue, green, windowMinutes } = input;
      const base = { windowMinutes, blue, green };
      if (green.requests < t.minRequests) {
        return {
          ...base,
          status: "insufficient",
          label: "Not enough traffic yet",
          figures: `green ${green.requests.toLocaleString("en-US")} requests, blue ${blue.requests.toLocaleString("en-US")}`,
          detail: `Green needs at least ${t.minRequests} requests in the last ${windowMinutes} min before it can be judged.`,
        };
      }
      const errorFigures = (against: string) => `green 5xx ${formatRate(rate(green))} vs ${against}`;
      if (blue.requests < t.minRequests) {
        // Nothing to compare with: green carries (almost) all the traffic. Absolute limits.
        const z = oneProportionZ(green, t.maxErrorRate);
        if (rate(green) > t.maxErrorRate && z >= t.errorZ) {
          return {
            ...base,
            status: "failing",
            label: "Green failing",
            figures: errorFigures(`limit ${formatRate(t.maxErrorRate)}`),
            detail: `Blue has too little traffic to compare with; green's 5xx rate is above the ${formatRate(t.maxErrorRate)} limit (z = ${z.toFixed(1)}).`,
          };
        }
        const slowP99 = green.p99Ms !== null && green.p99Ms > t.maxP99Ms;
        const slowMean = green.meanMs !== null && green.meanMs > t.maxMeanMs;
        if (slowP99 || slowMean) {
          const figures =
            slowP99 && green.p99Ms !== null
              ? `green p99 ${formatMs(green.p99Ms)} vs limit ${formatMs(t.maxP99Ms)}`
              : `green mean ${formatMs(green.meanMs ?? 0)} vs limit ${formatMs(t.maxMeanMs)}`;
          return {
            ...base,
            status: "slower",
            label: "Green slower",
            figures,
            detail: "Blue has too little traffic to compare with; green's latency is above the absolute limit.",
          };
        }
        return {
          ...base,
          status: "ok",
          label: "Green OK",
          figures: errorFigures(`limit ${formatRate(t.maxErrorRate)}`),
          detail: "Blue has too little traffic to compare with; green is within the absolute limits.",
        };
      }
      const z = twoProportionZ(green, blue);
      const diff = rate(green) - rate(blue);
      if (z >= t.errorZ && diff >= t.minErrorRateDiff) {
        return {
          ...base,
          status: "failing",
          label: "Green failing",
          figures: errorFigures(`blue ${formatRate(rate(blue))}`),
          detail: `Green answers 5xx significantly more often than blue (z = ${Number.isFinite(z) ? z.toFixed(1) : "∞"}, ${green.requests.toLocaleString("en-US")} vs ${blue.requests.toLocaleString("en-US")} requests).`,
        };
      }
      if (latencyCheck(green.p99Ms, blue.p99Ms, t.p99Ratio, t.p99MarginMs) && green.p99Ms !== null && blue.p99Ms !== null) {
        return {
          ...base,
          status: "slower",
          label: "Green slower",
          figures: `green p99 ${formatMs(green.p99Ms)} vs blue ${formatMs(blue.p99Ms)}`,
          detail: `Green's p99 latency is more than ${t.p99Ratio}× blue's and ${t.p99MarginMs} ms above it.`,
        };
      }
      if (latencyCheck(green.meanMs, blue.meanMs, t.meanRatio, t.meanMarginMs) && green.meanMs !== null && blue.meanMs !== null) {
        return {
          ...base,
          status: "slower",
          label: "Green slower",
          figures: `green mean ${formatMs(green.meanMs)} vs blue ${formatMs(blue.meanMs)}`,
          detail: `Green's mean latency is more than ${t.meanRatio}× blue's and ${t.meanMarginMs} ms above it.`,
        };
      }
      const p99 = green.p99Ms !== null && blue.p99Ms !== null ? ` · p99 ${formatMs(green.p99Ms)} vs ${formatMs(blue.p99Ms)}` : "";
      return {
        ...base,
        status: "ok",
        label: "Green OK",
        figures: `${errorFigures(`blue ${formatRate(rate(blue))}`)}${p99}`,
        detail: "Green's 5xx rate and latency are not significantly worse than blue's.",
      };
    },
  };
}
