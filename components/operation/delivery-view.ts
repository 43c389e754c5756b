/**
 * A progressive delivery as the application page shows it: its traffic steps in order, each with
 * what it is doing (waiting for approval, shifting, verifying the measured share, baking), and the
 * release judge's latest evidence. Pure: built from the journaled operation alone.
 */
import type { JudgeEvidence, MetricEvidence } from "@/lib/domain/judge/judge";
import type { Operation, OperationStep } from "@/lib/domain/operation";
import type { ProgressiveStepState } from "@/lib/domain/progressive";
import { isDoneStep, isNotRunStep } from "@/lib/domain/operation-status";

export type DeliveryStepPhase = "pending" | "awaiting-approval" | "shifting" | "verifying" | "baking" | "done" | "failed" | "skipped";

export interface DeliveryStepView {
  /** 1-based, as the plan's titles count. */
  number: number;
  greenPercent: number | null;
  manualGate: boolean;
  phase: DeliveryStepPhase;
  held: boolean;
  /** The newest measured minute of green's share (traffic wait), or the one that settled it. */
  measuredShare: { greenPercent: number; blueRequests: number; greenRequests: number; fromMs: number } | null;
  /** The bake's clock (ms), when the step bakes. */
  bake: { bakedMs: number; bakeMs: number } | null;
  /** How the step's wait ended, once it did. */
  endedBy: ProgressiveStepState["endedBy"];
  error: string | null;
}

export interface DeliveryView {
  steps: DeliveryStepView[];
  /** The judge's latest evidence over the delivery (the newest bake that has some). */
  evidence: JudgeEvidence | null;
  /** Held by an operator now. */
  held: boolean;
}

const STEP_ID = /^step(\d+)-/;
const PERCENT = /\((\d+) %\)/;

function stateOf(step: OperationStep): ProgressiveStepState | undefined {
  return step.progress?.progressive;
}

function percentOf(steps: readonly OperationStep[]): number | null {
  for (const s of steps) {
    const p = stateOf(s)?.greenPercent;
    if (p !== undefined) return p;
    const m = PERCENT.exec(s.title);
    if (m?.[1] !== undefined) return Number(m[1]);
  }
  return null;
}

function phaseOf(steps: readonly OperationStep[], opFailed: boolean): DeliveryStepPhase {
  if (steps.some((s) => s.status === "failed")) return "failed";
  const running = steps.find((s) => s.status === "running");
  if (running) {
    const kind = running.wait?.kind;
    if (kind === "progressive-gate") return "awaiting-approval";
    if (kind === "traffic-share") return "verifying";
    if (kind === "progressive-bake") return "baking";
    return "shifting";
  }
  if (steps.every((s) => isDoneStep(s.status))) return "done";
  if (steps.every((s) => isNotRunStep(s.status))) return opFailed && steps.some((s) => s.status === "skipped") ? "skipped" : "pending";
  // Some done, the rest not started yet: between two of the step's parts.
  return "shifting";
}

/** The delivery's view, or null when the operation is not a progressive delivery. */
export function deliveryView(op: Operation): DeliveryView | null {
  if ((op.intent.kind as string) !== "progressive") return null;
  const groups = new Map<number, OperationStep[]>();
  for (const step of op.steps) {
    const m = STEP_ID.exec(step.id);
    if (!m?.[1]) continue;
    const n = Number(m[1]);
    groups.set(n, [...(groups.get(n) ?? []), step]);
  }
  const unsuccessful = op.status === "failed" || op.status === "aborted" || op.status === "preempted";
  const steps: DeliveryStepView[] = [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([number, parts]) => {
      const traffic = parts.find((s) => s.wait?.kind === "traffic-share");
      const bake = parts.find((s) => s.wait?.kind === "progressive-bake");
      const bakeState = bake ? stateOf(bake) : undefined;
      const trafficState = traffic ? stateOf(traffic) : undefined;
      const bakeMs = bakeState?.bakeMs ?? (bake?.wait?.kind === "progressive-bake" ? bake.wait.bakeMs : undefined);
      const states = parts.map(stateOf).filter((s): s is ProgressiveStepState => s !== undefined);
      const current = parts.find((s) => s.status === "running" || s.status === "failed");
      return {
        number,
        greenPercent: percentOf(parts),
        manualGate: parts.some((s) => s.wait?.kind === "progressive-gate"),
        phase: phaseOf(parts, unsuccessful),
        held: current ? (stateOf(current)?.held ?? false) : false,
        measuredShare: trafficState?.lastShare ?? null,
        bake: bakeMs === undefined ? null : { bakedMs: bakeState?.bakedMs ?? 0, bakeMs },
        endedBy: [...states].reverse().find((s) => s.endedBy)?.endedBy ?? null,
        error: parts.find((s) => s.error)?.error ?? null,
      };
    });
  const withEvidence = [...op.steps].reverse().find((s) => stateOf(s)?.evidence);
  return {
    steps,
    evidence: (withEvidence && stateOf(withEvidence)?.evidence) ?? null,
    held: steps.some((s) => s.held),
  };
}

/** A metric's figures in words for the evidence table. */
export function metricFigures(m: MetricEvidence): { label: string; blue: string; green: string; comparison: string; p: string } {
  const pct = (rate: number | null) => (rate === null ? "—" : `${(rate * 100).toFixed(rate < 0.001 ? 3 : 2)} %`);
  const p = (x: number) => (x >= 0.001 ? x.toFixed(3) : x.toExponential(1));
  if (m.kind === "count") {
    return {
      label: m.name === "errors" ? "Errors per request" : m.name,
      blue: `${pct(m.blue.rate)} (${m.blue.events} of ${m.blue.requests})`,
      green: `${pct(m.green.rate)} (${m.green.events} of ${m.green.requests})`,
      comparison: m.rateRatio === null ? "—" : `green ×${m.rateRatio.toFixed(2)}`,
      p: `fail ${p(m.pFail)} · pass ${p(m.pPass)}`,
    };
  }
  return {
    label: m.name === "latency" ? `Latency (${m.statistic})` : m.name,
    blue: "—",
    green: "—",
    comparison: m.differenceMs === null ? "—" : `green ${m.differenceMs >= 0 ? "+" : "−"}${Math.abs(m.differenceMs).toFixed(0)} ms`,
    p: `fail ${p(m.pFail)} · pass ${p(m.pPass)}`,
  };
}
