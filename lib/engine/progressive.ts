/**
 * The waits of a progressive delivery, run by the engine itself (they read CloudWatch, keep a
 * clock and a judge, and listen to operators): the traffic-verified wait, the bake with the release
 * judge, and the manual gate. Everything they know is journaled in the step's progress
 * (`progress.progressive`) at every poll, so a resumed run goes on with the bake's remaining time
 * and the judge's evidence so far, not a fresh bake. Operators' hold, continue and approve are
 * audit records of the operation (written by the API), read back here at every poll: they work
 * whichever server runs the operation.
 */
import type { JsonValue } from "@/lib/domain/basics";
import type { AuditEntryInput, StepProgress } from "@/lib/domain/operation";
import type { WaitCondition } from "@/lib/domain/plan";
import type { JudgeEvidence } from "@/lib/domain/judge/judge";
import { initialJudgeState, updateJudge } from "@/lib/domain/judge/judge";
import {
  applySignals,
  greenShareOf,
  judgePeriodOf,
  periodFigures,
  shareSettled,
  type ProgressiveMetrics,
  type ProgressiveSignal,
  type ProgressiveStepState,
  type Series,
} from "@/lib/domain/progressive";
import { spokenDuration } from "@/lib/domain/wait-words";
import { StepFailure, Stopped, type EngineContext, type Job, type Stop } from "./context";

export type ProgressiveWait = Extract<WaitCondition, { kind: "traffic-share" | "progressive-bake" | "progressive-gate" }>;

export function isProgressiveWait(wait: WaitCondition): wait is ProgressiveWait {
  return wait.kind === "traffic-share" || wait.kind === "progressive-bake" || wait.kind === "progressive-gate";
}

/** The judge failed green during a bake: what the automatic rollback is started with. */
export interface JudgeHalt {
  operationId: string;
  appId: string;
  trafficStep: number;
  greenPercent: number;
  evidence: JudgeEvidence;
}

/** A bake's judge said fail: the step fails with this message and the run starts its rollback. */
export class JudgeFailure extends StepFailure {
  constructor(
    message: string,
    readonly halt: JudgeHalt,
  ) {
    super(message);
  }
}

/** The audit actions that carry operators' signals to a running progressive delivery. */
export const SIGNAL_ACTIONS = ["progressive.held", "progressive.continued", "progressive.approved"] as const;

/** What the step runner lends the waits: its checkpoint, guarded AWS reads and wakeable pause. */
export interface ProgressiveHelpers {
  operationId: string;
  appId: string;
  job: Job;
  checkpoint: () => Promise<Stop | null>;
  guarded: <T>(work: (signal: AbortSignal) => Promise<T>) => Promise<T>;
  pause: (ms: number) => Promise<void>;
}

function objectOf(value: JsonValue | null): Record<string, JsonValue> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
}

function signalOf(seq: number, action: string, after: JsonValue | null): ProgressiveSignal | null {
  const a = SIGNAL_ACTIONS.find((x) => x === action);
  if (!a) return null;
  const step = objectOf(after).trafficStep;
  return { seq, action: a, trafficStep: typeof step === "number" ? step : null };
}

function percent(n: number): string {
  return `${Math.round(n * 10) / 10} %`;
}

export function createProgressiveWaits(ctx: EngineContext) {
  const { journal, gateway, now } = ctx;

  async function signals(operationId: string): Promise<ProgressiveSignal[]> {
    const rows = await journal.listAudit({ operationId, action: [...SIGNAL_ACTIONS], limit: 1000 });
    return rows.map((r) => signalOf(r.seq, r.action, r.after)).filter((s): s is ProgressiveSignal => s !== null);
  }

  /** The judge's state at the end of the latest bake before `trafficStep`, if any (journaled in its step). */
  async function judgeSoFar(operationId: string, trafficStep: number): Promise<ProgressiveStepState["judgeState"] | null> {
    const op = await journal.getOperation(operationId);
    const earlier = (op?.steps ?? [])
      .map((s) => s.progress?.progressive)
      .filter((p): p is ProgressiveStepState => p?.kind === "progressive-bake" && p.trafficStep < trafficStep && p.judgeState !== undefined);
    return earlier.at(-1)?.judgeState ?? null;
  }

  /** Both colours' series of a wait's metrics over [startMs, endMs). */
  async function read(
    h: ProgressiveHelpers,
    wait: ProgressiveWait & { metrics: ProgressiveMetrics },
    startMs: number,
    endMs: number,
    judged: boolean,
  ): Promise<Parameters<typeof periodFigures>[0]> {
    const { metrics } = wait;
    if (!gateway.readMetrics) throw new StepFailure("Teal cannot read CloudWatch here, so it cannot verify traffic or judge green.");
    const series: Record<string, (typeof metrics.requests)["blue"]> = {
      blue_requests: metrics.requests.blue,
      green_requests: metrics.requests.green,
    };
    if (judged && metrics.errors) Object.assign(series, { blue_errors: metrics.errors.blue, green_errors: metrics.errors.green });
    if (judged && metrics.latency) Object.assign(series, { blue_latency: metrics.latency.blue, green_latency: metrics.latency.green });
    const readMetrics = gateway.readMetrics.bind(gateway);
    const out = await h.guarded(() =>
      readMetrics({
        ...(wait.region !== undefined ? { region: wait.region } : {}),
        ...(wait.assumeRoleOf !== undefined ? { assumeRoleOf: wait.assumeRoleOf } : {}),
        periodS: metrics.periodS,
        startMs,
        endMs,
        series,
      }),
    );
    const get = (id: string): Series => out[id] ?? [];
    return {
      requests: { blue: get("blue_requests"), green: get("green_requests") },
      ...(judged && metrics.errors ? { errors: { blue: get("blue_errors"), green: get("green_errors") } } : {}),
      ...(judged && metrics.latency
        ? { latency: { blue: get("blue_latency"), green: get("green_latency") }, scaleToMs: metrics.latency.scaleToMs }
        : {}),
    };
  }

  function audit(h: ProgressiveHelpers, action: AuditEntryInput["action"], after: JsonValue): AuditEntryInput {
    return { action, actor: h.job.actor, appId: h.appId, operationId: h.operationId, reason: h.job.reason, before: null, after };
  }

  /**
   * Runs one progressive wait to its end: returns when it holds (the share measured, the bake
   * passed or ended, the gate approved); throws Stopped, a StepFailure (timeout) or a JudgeFailure.
   */
  return async function runProgressiveWait(
    h: ProgressiveHelpers,
    wait: ProgressiveWait,
    progress: StepProgress,
    save: () => Promise<void>,
  ): Promise<void> {
    const kept = progress.progressive;
    let st: ProgressiveStepState =
      kept && kept.kind === wait.kind && kept.trafficStep === wait.trafficStep
        ? { ...kept }
        : { kind: wait.kind, trafficStep: wait.trafficStep, greenPercent: wait.greenPercent, signalSeq: 0, held: false };
    const startedAt = now();
    if (wait.kind === "traffic-share") st.sinceMs ??= startedAt;
    if (wait.kind === "progressive-bake") {
      st.bakedMs ??= 0;
      st.bakeMs = wait.bakeMs;
      // One judge for the whole delivery: a bake goes on from the evidence of the bakes before it,
      // so the judge's α holds over every look of the delivery (docs/judge.md), not per step.
      st.judgeState ??= (await judgeSoFar(h.operationId, wait.trafficStep)) ?? initialJudgeState(wait.judge);
      // Only periods that start once the bake has begun are judged.
      st.judgedToMs ??= Math.ceil(startedAt / (wait.metrics.periodS * 1000)) * wait.metrics.periodS * 1000;
    }
    // The bake's clock counts this process's running time from here (a resume: the remaining time).
    let lastTick = startedAt;
    // Time held since this run began: the traffic wait's timeout does not run while an operator holds.
    let heldMs = 0;
    let lastSeen = startedAt;
    const commit = async (note: string) => {
      progress.progressive = st;
      progress.note = note;
      await save();
    };

    for (;;) {
      const stop = await h.checkpoint();
      if (stop) throw new Stopped(stop);
      progress.polls++;
      const applied = applySignals(st, await signals(h.operationId));
      st = applied.state;
      const t = now();
      if (st.held) heldMs += Math.max(0, t - lastSeen);
      lastSeen = t;
      const heldNote = st.held ? " Held by an operator: continue to go on." : "";

      if (wait.kind === "progressive-gate") {
        if (applied.endNow === "approved") {
          st.endedBy = "approved";
          await commit(`Approved: green goes to ${wait.greenPercent} %.`);
          return;
        }
        if (t - startedAt >= wait.timeoutMs)
          throw new StepFailure(`No operator approved green going to ${wait.greenPercent} % within ${spokenDuration(wait.timeoutMs)}.`);
        if (st.announcedAtMs === undefined) {
          // Once per gate, journaled first so a resume does not announce it again.
          st.announcedAtMs = t;
          await commit(`Waiting for an operator's approval before green goes to ${wait.greenPercent} %.${heldNote}`);
          await journal.appendAudit(audit(h, "progressive.approval_needed", { trafficStep: wait.trafficStep, greenPercent: wait.greenPercent }));
        }
        await commit(`Waiting for an operator's approval before green goes to ${wait.greenPercent} %.${heldNote}`);
      } else if (wait.kind === "traffic-share") {
        const periodMs = wait.metrics.periodS * 1000;
        // A period counts only when it began once the weights had changed (not the partial one they changed in).
        const since = Math.ceil((st.sinceMs ?? startedAt) / periodMs) * periodMs;
        const end = Math.floor(t / periodMs) * periodMs;
        if (end > since) {
          const periods = periodFigures(await read(h, wait, since, end, false), wait.metrics.periodS, since, end);
          const { settled, newest } = shareSettled(periods, wait.greenPercent, wait.tolerancePoints);
          const shown = settled ?? newest;
          st.lastShare = shown
            ? { fromMs: shown.fromMs, greenPercent: greenShareOf(shown), blueRequests: shown.requests.blue, greenRequests: shown.requests.green }
            : null;
          if (settled && !st.held) {
            await commit(
              `Measured ${percent(greenShareOf(settled))} of requests on green (step ${wait.greenPercent} %, ±${wait.tolerancePoints} points).`,
            );
            await journal.appendAudit(
              audit(h, "progressive.step", {
                trafficStep: wait.trafficStep,
                greenPercent: wait.greenPercent,
                measuredGreenPercent: greenShareOf(settled),
                periodStart: new Date(settled.fromMs).toISOString(),
                blueRequests: settled.requests.blue,
                greenRequests: settled.requests.green,
              }),
            );
            return;
          }
        }
        if (t - startedAt - heldMs >= wait.timeoutMs) {
          const last = st.lastShare ? `the newest minute measured ${percent(st.lastShare.greenPercent)} on green` : "no request was measured";
          throw new StepFailure(
            `Traffic did not reach green ${wait.greenPercent} % (±${wait.tolerancePoints} points) within ${spokenDuration(wait.timeoutMs)}: ${last}.`,
          );
        }
        const seen = st.lastShare ? `; the newest minute: ${percent(st.lastShare.greenPercent)}` : "; no whole minute measured yet";
        await commit(`Waiting for the measured share of green to reach ${wait.greenPercent} %${seen}.${heldNote}`);
      } else {
        if (!st.held) st.bakedMs = (st.bakedMs ?? 0) + Math.max(0, t - lastTick);
        lastTick = t;
        const periodMs = wait.metrics.periodS * 1000;
        const from = st.judgedToMs ?? t;
        const end = Math.floor(t / periodMs) * periodMs - wait.judgeLagPeriods * periodMs;
        if (end > from) {
          const periods = periodFigures(await read(h, wait, from, end, true), wait.metrics.periodS, from, end);
          for (const p of periods) {
            const period = judgePeriodOf(wait.judge, p);
            st.judgedToMs = p.fromMs + periodMs;
            if (!period || !st.judgeState) continue;
            const out = updateJudge(wait.judge, st.judgeState, period);
            st.judgeState = out.state;
            st.evidence = out.evidence;
            st.verdict = out.evidence.verdict;
            if (out.evidence.verdict === "fail") break;
          }
        }
        if (st.verdict === "fail" && st.evidence) {
          const evidence = st.evidence;
          const failed = evidence.metrics.filter((m) => m.verdict === "fail").map((m) => m.name);
          const message = `The release judge failed green at ${wait.greenPercent} % on ${failed.join(" and ")} after ${evidence.periods} ${evidence.periods === 1 ? "minute" : "minutes"} (α ${evidence.alpha}); the run halts and rolls back.`;
          await commit(message);
          await journal.appendAudit(
            audit(h, "progressive.halted", {
              trafficStep: wait.trafficStep,
              greenPercent: wait.greenPercent,
              evidence: evidence as unknown as JsonValue,
            }),
          );
          throw new JudgeFailure(message, {
            operationId: h.operationId,
            appId: h.appId,
            trafficStep: wait.trafficStep,
            greenPercent: wait.greenPercent,
            evidence,
          });
        }
        const ended: ProgressiveStepState["endedBy"] =
          applied.endNow === "continued"
            ? "continued"
            : st.held
              ? null
              : st.verdict === "pass"
                ? "pass"
                : (st.bakedMs ?? 0) >= wait.bakeMs
                  ? "baked"
                  : null;
        if (ended) {
          st.endedBy = ended;
          const why =
            ended === "continued"
              ? "an operator continued before the bake's end"
              : ended === "pass"
                ? "the release judge passed green"
                : "the bake ended with no fail";
          await commit(`Baked ${spokenDuration(st.bakedMs ?? 0)} at ${wait.greenPercent} %: ${why}.`);
          await journal.appendAudit(
            audit(h, "progressive.judged", {
              trafficStep: wait.trafficStep,
              greenPercent: wait.greenPercent,
              endedBy: ended,
              bakedMs: st.bakedMs ?? 0,
              verdict: st.verdict ?? "not-enough-evidence",
              evidence: (st.evidence ?? null) as unknown as JsonValue,
            }),
          );
          return;
        }
        if (t - startedAt >= wait.timeoutMs) {
          throw new StepFailure(`The bake at ${wait.greenPercent} % was held longer than ${spokenDuration(wait.timeoutMs)}; resume or roll back.`);
        }
        const left = Math.max(0, wait.bakeMs - (st.bakedMs ?? 0));
        const verdict = st.evidence ? `; judge: ${st.verdict} after ${st.evidence.periods} min` : "; judge: no whole minute with both colours yet";
        await commit(`Baking at ${wait.greenPercent} %: ${spokenDuration(left)} left${verdict}.${heldNote}`);
      }
      await h.pause(wait.pollMs);
    }
  };
}
