/**
 * Progressive delivery: green's share raised in steps (10 %, 50 %, 100 %), each step verified in the
 * measured traffic, baked while the release judge compares green with blue, and optionally held at a
 * manual gate. This file holds the intent's fields and presets, their resolution against an
 * application's defaults, the shapes the engine journals, and the pure arithmetic of the waits
 * (the measured share, one judge period per minute). See docs/progressive.md. Pure.
 */
import { z } from "zod";
import type { Color } from "./basics";
import type { JudgeConfig, JudgeEvidence, JudgePeriod, JudgeState, Verdict } from "./judge/judge";

/** Presets as AWS names them (CodeDeploy's predefined configurations; docs/aws-behaviour.md §14.1). */
export const PROGRESSIVE_PRESETS = {
  canary10Percent5Minutes: { steps: [10, 100], bakeSeconds: 300 },
  canary10Percent10Minutes: { steps: [10, 100], bakeSeconds: 600 },
  canary10Percent15Minutes: { steps: [10, 100], bakeSeconds: 900 },
  canary10Percent30Minutes: { steps: [10, 100], bakeSeconds: 1800 },
  linear10PercentEvery1Minute: { steps: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], bakeSeconds: 60 },
  linear10PercentEvery2Minutes: { steps: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], bakeSeconds: 120 },
  linear10PercentEvery3Minutes: { steps: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], bakeSeconds: 180 },
  linear10PercentEvery10Minutes: { steps: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], bakeSeconds: 600 },
  allAtOnce: { steps: [100], bakeSeconds: 0 },
} as const satisfies Record<string, { steps: readonly number[]; bakeSeconds: number }>;

export type ProgressivePreset = keyof typeof PROGRESSIVE_PRESETS;
export const PRESET_NAMES = Object.keys(PROGRESSIVE_PRESETS) as [ProgressivePreset, ...ProgressivePreset[]];

export const DEFAULT_PROGRESSIVE_STEPS = [10, 50, 100] as const;
export const DEFAULT_BAKE_SECONDS = 300;
/** How far (points of green's share) a measured minute may be from the step's share to count. */
export const DEFAULT_PROGRESSIVE_TOLERANCE_POINTS = 5;
/** How long a step may take to show its share in the measured traffic before the run halts. */
export const DEFAULT_TRAFFIC_TIMEOUT_SECONDS = 900;
export const MAX_BAKE_SECONDS = 86_400;

export const gateSchema = z.enum(["auto", "manual"]);
export type Gate = z.infer<typeof gateSchema>;

const stepsSchema = z
  .array(z.number().int("a whole number of percent").min(1).max(100))
  .min(1)
  .max(100)
  .refine((s) => s.every((p, i) => i === 0 || p > (s[i - 1] ?? 0)), "steps must be strictly increasing")
  .refine((s) => s[s.length - 1] === 100, "the last step must be 100");

/** What the judge compares, with its tolerances (the metrics are the pattern's errors and latency). */
export const judgeSettingsSchema = z.strictObject({
  alpha: z.number().gt(0).lt(0.5).optional(),
  /** Green's errors per request may be this much worse than blue's (0.2 = 20 % more) before it fails. */
  errorTolerance: z.number().min(0).max(10).optional(),
  /** Green's mean latency may exceed blue's by this many ms before it fails. */
  latencyToleranceMs: z.number().min(0).max(60_000).optional(),
});

/** The tunable fields: the intent's (per run) and the configuration's `progressive:` block (per application). */
export const progressiveFieldsSchema = z.strictObject({
  preset: z.enum(PRESET_NAMES).optional(),
  steps: stepsSchema.optional(),
  bakeSeconds: z.number().int("whole seconds").min(0).max(MAX_BAKE_SECONDS).optional(),
  /** One per step: "manual" makes the run wait for an operator's approval before shifting to that step. */
  gates: z.array(gateSchema).min(1).max(100).optional(),
  tolerancePoints: z.number().min(0.5).max(50).optional(),
  trafficTimeoutSeconds: z.number().int().min(60).max(MAX_BAKE_SECONDS).optional(),
  judge: judgeSettingsSchema.optional(),
});

export type ProgressiveFields = z.infer<typeof progressiveFieldsSchema>;

function checkFields(v: ProgressiveFields, ctx: z.RefinementCtx): void {
  if (v.preset !== undefined && v.steps !== undefined) {
    ctx.addIssue({ code: "custom", path: ["steps"], message: "give either a preset or steps, not both" });
  }
  const steps = v.steps ?? (v.preset ? PROGRESSIVE_PRESETS[v.preset].steps : undefined);
  if (v.gates !== undefined && steps !== undefined && v.gates.length !== steps.length) {
    ctx.addIssue({ code: "custom", path: ["gates"], message: `one gate per step (${steps.length})` });
  }
}

export const progressiveDefaultsSchema = progressiveFieldsSchema.superRefine(checkFields);

export const progressiveIntentSchema = progressiveFieldsSchema.extend({ kind: z.literal("progressive") }).superRefine(checkFields);

export type ProgressiveIntent = z.infer<typeof progressiveIntentSchema>;

/** A progressive run's settings, resolved: the intent over the application's defaults over Teal's. */
export interface ResolvedProgressive {
  steps: number[];
  bakeSeconds: number;
  gates: Gate[];
  tolerancePoints: number;
  trafficTimeoutSeconds: number;
  judge: { alpha: number; errorTolerance: number; latencyToleranceMs: number };
  preset: ProgressivePreset | null;
}

export const DEFAULT_JUDGE_SETTINGS = { alpha: 0.01, errorTolerance: 0.2, latencyToleranceMs: 100 } as const;

/**
 * The run's settings: steps and bake from the intent (its steps or preset), else from the
 * application's defaults, else 10/50/100 with 5 min; each other field the same way. Gates that do
 * not match the steps' count are refused (a defaults block's gates follow its own steps).
 */
export function resolveProgressive(intent: ProgressiveFields, defaults: ProgressiveFields = {}): ResolvedProgressive | { error: string } {
  const source = intent.steps !== undefined || intent.preset !== undefined ? intent : defaults;
  const preset = source.preset ?? null;
  const presetSettings = preset ? PROGRESSIVE_PRESETS[preset] : null;
  const steps = [...(source.steps ?? presetSettings?.steps ?? DEFAULT_PROGRESSIVE_STEPS)];
  const bakeSeconds =
    intent.bakeSeconds ??
    (source === intent ? presetSettings?.bakeSeconds : undefined) ??
    defaults.bakeSeconds ??
    presetSettings?.bakeSeconds ??
    DEFAULT_BAKE_SECONDS;
  const gateSource = intent.gates ?? (source === defaults ? defaults.gates : undefined);
  if (gateSource && gateSource.length !== steps.length) return { error: `gates: one gate per step (${steps.length})` };
  return {
    steps,
    bakeSeconds,
    gates: gateSource ? [...gateSource] : steps.map(() => "auto"),
    tolerancePoints: intent.tolerancePoints ?? defaults.tolerancePoints ?? DEFAULT_PROGRESSIVE_TOLERANCE_POINTS,
    trafficTimeoutSeconds: intent.trafficTimeoutSeconds ?? defaults.trafficTimeoutSeconds ?? DEFAULT_TRAFFIC_TIMEOUT_SECONDS,
    judge: { ...DEFAULT_JUDGE_SETTINGS, ...defaults.judge, ...intent.judge },
    preset,
  };
}

/**
 * The steps on a pattern's grid (a share moves in multiples of `granularityPercent`): each rounded
 * to the nearest reachable share, at least one grain, the last 100; steps that fall together are
 * kept once (with the gate of the first, or "manual" if either asked for it).
 */
export function snapSteps(steps: readonly number[], gates: readonly Gate[], granularityPercent: number): { steps: number[]; gates: Gate[] } {
  const g = granularityPercent > 0 && granularityPercent <= 100 ? granularityPercent : 1;
  const out: number[] = [];
  const outGates: Gate[] = [];
  steps.forEach((p, i) => {
    const snapped = i === steps.length - 1 ? 100 : Math.min(100, Math.max(g, Math.round(Math.round(p / g) * g * 100) / 100));
    const gate = gates[i] ?? "auto";
    const last = out.length - 1;
    if (last >= 0 && out[last] === snapped) {
      if (gate === "manual") outGates[last] = "manual";
      return;
    }
    out.push(snapped);
    outGates.push(gate);
  });
  return { steps: out, gates: outGates };
}

// ---------------------------------------------------------------------------------------------
// What the plan carries: the CloudWatch series of each colour that the engine reads itself.

/** One CloudWatch series, without its period (the wait carries that). */
export interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: string;
}

/** Each colour's request count, and for the judge its errors and mean latency (`latencyScale` turns the unit into ms). */
export interface ProgressiveMetrics {
  periodS: number;
  requests: Record<Color, MetricRef>;
  errors: Record<Color, MetricRef> | null;
  latency: (Record<Color, MetricRef> & { scaleToMs: number }) | null;
}

export type ProgressiveWaitKind =
  | {
      /** Engine-run: the measured share of green within `tolerancePoints` of `greenPercent` in a whole period after the shift. */
      kind: "traffic-share";
      trafficStep: number;
      greenPercent: number;
      tolerancePoints: number;
      metrics: ProgressiveMetrics;
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /**
       * Engine-run: `bakeMs` of running time (held time does not count; the clock is journaled), the
       * judge fed each whole period of both colours' metrics: fail halts the run and rolls back, pass
       * or the bake's end moves on.
       */
      kind: "progressive-bake";
      trafficStep: number;
      greenPercent: number;
      bakeMs: number;
      judge: JudgeConfig;
      /**
       * A minute is judged once this many more have ended: CloudWatch may still fill a minute that
       * has just ended (docs/aws-behaviour.md §6.5), and each minute goes to the judge only once.
       */
      judgeLagPeriods: number;
      metrics: ProgressiveMetrics;
      /** No verdict comes from a bake that is all held or idle: it fails after this long. */
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** Engine-run: an operator's approval before the shift to `greenPercent` (POST …/approve). */
      kind: "progressive-gate";
      trafficStep: number;
      greenPercent: number;
      timeoutMs: number;
      pollMs: number;
    };

// ---------------------------------------------------------------------------------------------
// What the engine journals in the step's progress (`StepProgress.progressive`).

export interface ProgressiveStepState {
  kind: ProgressiveWaitKind["kind"];
  trafficStep: number;
  greenPercent: number;
  /** The highest audit seq of an operator signal already applied (hold, continue, approve). */
  signalSeq: number;
  /** Held by an operator: the bake's clock stands still and the run does not move on. */
  held: boolean;
  /** Traffic: when the wait began (epoch ms); only periods starting at or after it count. */
  sinceMs?: number;
  /** Gate: when the wait for an approval was announced (`progressive.approval_needed`), once per gate. */
  announcedAtMs?: number;
  /** Traffic: the newest measured period (its share), and the one that settled the step. */
  lastShare?: { fromMs: number; greenPercent: number; blueRequests: number; greenRequests: number } | null;
  /** Bake: running time baked so far (ms), and the engine clock it was last added at. */
  bakedMs?: number;
  bakeMs?: number;
  /** Bake: the end (epoch ms) of the last period given to the judge. */
  judgedToMs?: number;
  judgeState?: JudgeState;
  /** Bake: the evidence of the latest judge update (counts, rates, e- and p-values, α, decisions). */
  evidence?: JudgeEvidence | null;
  verdict?: Verdict;
  /** Why the step ended: "pass", "baked", "continued" (an operator skipped the rest), "approved". */
  endedBy?: "pass" | "baked" | "continued" | "approved" | null;
}

/** Operator signals, as their audit records carry them (`after.trafficStep` for continue and approve). */
export type ProgressiveSignal = {
  seq: number;
  action: "progressive.held" | "progressive.continued" | "progressive.approved";
  trafficStep: number | null;
};

/**
 * Applies the signals newer than the state's: a hold holds the run wherever it is; a continue
 * lets it go again and ends the named step's bake (or, naming none, the current one); an approval
 * opens the named step's gate. Returns the new state and whether the current wait may end now.
 */
export function applySignals(
  state: ProgressiveStepState,
  signals: readonly ProgressiveSignal[],
): { state: ProgressiveStepState; endNow: "continued" | "approved" | null } {
  let next = { ...state };
  let endNow: "continued" | "approved" | null = null;
  for (const s of [...signals].sort((a, b) => a.seq - b.seq)) {
    if (s.seq <= next.signalSeq) continue;
    next = { ...next, signalSeq: s.seq };
    const mine = s.trafficStep === null || s.trafficStep === state.trafficStep;
    if (s.action === "progressive.held") {
      next.held = true;
      endNow = null;
    } else if (s.action === "progressive.continued") {
      next.held = false;
      if (mine && state.kind === "progressive-bake") endNow = "continued";
    } else if (s.action === "progressive.approved" && mine && state.kind === "progressive-gate") {
      endNow = "approved";
    }
  }
  return { state: next, endNow: next.held ? null : endNow };
}

// ---------------------------------------------------------------------------------------------
// The arithmetic of the waits.

export type Series = readonly { t: number; v: number }[];

/** One whole period's figures for both colours. */
export interface PeriodFigures {
  fromMs: number;
  requests: Record<Color, number>;
  errors: Record<Color, number> | null;
  latencyMs: Record<Color, number | null> | null;
}

function valueAt(series: Series | undefined, t: number): number | null {
  const p = series?.find((x) => x.t === t);
  return p && Number.isFinite(p.v) ? p.v : null;
}

/**
 * The whole periods in [fromMs, toMs) with at least one request, oldest first, from each colour's
 * series (CloudWatch reports a count only when it is not zero: a missing count is zero).
 */
export function periodFigures(
  series: { requests: Record<Color, Series>; errors?: Record<Color, Series>; latency?: Record<Color, Series>; scaleToMs?: number },
  periodS: number,
  fromMs: number,
  toMs: number,
): PeriodFigures[] {
  const periodMs = periodS * 1000;
  const starts = new Set<number>();
  for (const c of ["blue", "green"] as const) for (const p of series.requests[c]) if (p.t >= fromMs && p.t + periodMs <= toMs) starts.add(p.t);
  const out: PeriodFigures[] = [];
  for (const t of [...starts].sort((a, b) => a - b)) {
    const requests = { blue: valueAt(series.requests.blue, t) ?? 0, green: valueAt(series.requests.green, t) ?? 0 };
    if (requests.blue + requests.green <= 0) continue;
    const errors = series.errors ? { blue: valueAt(series.errors.blue, t) ?? 0, green: valueAt(series.errors.green, t) ?? 0 } : null;
    const scale = series.scaleToMs ?? 1;
    const lat = (c: Color) => {
      const v = valueAt(series.latency?.[c], t);
      return v === null || requests[c] <= 0 ? null : v * scale;
    };
    out.push({ fromMs: t, requests, errors, latencyMs: series.latency ? { blue: lat("blue"), green: lat("green") } : null });
  }
  return out;
}

/** Green's share of a period's requests, to a tenth of a point. */
export function greenShareOf(p: PeriodFigures): number {
  const total = p.requests.blue + p.requests.green;
  return total > 0 ? Math.round((p.requests.green / total) * 1000) / 10 : 0;
}

/** The first period within tolerance of the step's share, and the newest one measured (for the journal). */
export function shareSettled(
  periods: readonly PeriodFigures[],
  greenPercent: number,
  tolerancePoints: number,
): { settled: PeriodFigures | null; newest: PeriodFigures | null } {
  const settled = periods.find((p) => Math.abs(greenShareOf(p) - greenPercent) <= tolerancePoints) ?? null;
  return { settled, newest: periods[periods.length - 1] ?? null };
}

/** The judge's metric names for a wait's metrics. */
export const JUDGE_ERRORS = "errors";
export const JUDGE_LATENCY = "latency";

/** The judge's configuration for the metrics a pattern has (errors and mean latency where measured). */
export function judgeConfigFor(metrics: Pick<ProgressiveMetrics, "errors" | "latency">, settings: ResolvedProgressive["judge"]): JudgeConfig | null {
  const list: JudgeConfig["metrics"] = [];
  if (metrics.errors) list.push({ name: JUDGE_ERRORS, kind: "count", tolerance: settings.errorTolerance, direction: "higher-is-worse" });
  if (metrics.latency) list.push({ name: JUDGE_LATENCY, kind: "latency", toleranceMs: settings.latencyToleranceMs, statistic: "mean" });
  return list.length > 0 ? { alpha: settings.alpha, metrics: list } : null;
}

/** One period as the judge takes it; null when one colour served nothing (no comparison possible). */
export function judgePeriodOf(config: JudgeConfig, p: PeriodFigures): JudgePeriod | null {
  if (p.requests.blue <= 0 || p.requests.green <= 0) return null;
  const period: JudgePeriod = {};
  for (const m of config.metrics) {
    if (m.name === JUDGE_ERRORS) {
      if (!p.errors) return null;
      period[m.name] = { greenRequests: p.requests.green, greenEvents: p.errors.green, blueRequests: p.requests.blue, blueEvents: p.errors.blue };
    } else if (m.name === JUDGE_LATENCY) {
      period[m.name] = {
        greenRequests: p.requests.green,
        greenMs: p.latencyMs?.green ?? null,
        blueRequests: p.requests.blue,
        blueMs: p.latencyMs?.blue ?? null,
      };
    }
  }
  return period;
}
