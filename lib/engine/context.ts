/**
 * What the parts of the engine share: its settings, the journal, the gateway, the runs of this
 * process, and the vocabulary of a run (why it stops, what it runs).
 */
import type { Actor, StepProgress } from "@/lib/domain/operation";
import type { AwsGateway } from "@/lib/domain/gateway";
import type { Intent } from "@/lib/domain/intent";
import type { JsonValue, PatternId } from "@/lib/domain/basics";
import type { OperationStatus } from "@/lib/domain/operation-status";
import type { PlanEnds, Step } from "@/lib/domain/plan";
import type { Journal } from "./journal";
import type { JudgeHalt } from "./progressive";

/** Why a run stopped before its last step. */
export type Stop =
  | { kind: "abort"; actor: Actor; reason: string }
  | { kind: "preempt"; actor: Actor; byOperationId: string; summary: string }
  | { kind: "lost-lock" }
  | { kind: "external"; status: OperationStatus | null }
  /** This server is shutting down (SIGTERM): the operation is left interrupted, to be resumed or rolled back. */
  | { kind: "shutdown" };

export interface Run {
  operationId: string;
  appId: string;
  cancel: Stop | null;
  /** Aborted with `cancel`: the run's AWS call in flight is dropped and not retried. */
  controller: AbortController;
  /** AWS calls (mutations) of this run on the wire now. */
  callsInFlight: number;
  /** Wakes a wait that is sleeping between polls (set while it sleeps). */
  wake: (() => void) | null;
  /** Set when the run has recorded its outcome and released the lock. */
  finished: boolean;
  done: Promise<void>;
}

/** What a run needs: the steps (from the plan, or from the journal on a resume) and where to begin. */
export interface Job {
  /** The application's pattern (the metrics' label). */
  pattern: PatternId;
  intent: Intent;
  before: PlanEnds | null;
  after: PlanEnds | null;
  steps: Step[];
  /** The first step to run; earlier ones have succeeded. */
  from: number;
  /** A resume has already set the operation running (a start's run does it itself). */
  resumed: boolean;
  /** Journaled call outputs by step index (resume: the in-flight step's call completed). */
  outputs: Map<number, JsonValue>;
  /** Journaled counters by step index (kept across a resume). */
  progress: Map<number, StepProgress>;
  /** Who the outcome's audit entries name: the starter, or whoever resumed. */
  actor: Actor;
  reason: string;
}

/** The engine's settings (EngineOptions with the defaults filled in) and what every part uses. */
export interface EngineContext {
  journal: Journal;
  gateway: AwsGateway;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  leaseMs: number;
  every: (ms: number, tick: () => void) => () => void;
  maxPollMs: number;
  stopWaitMs: number;
  /** EngineOptions.inFlightBoundMs as given (the gateway's bound when absent). */
  inFlightBoundMs: number | undefined;
  callRetry: { attempts: number; firstPauseMs: number };
  logError: (message: string, error: unknown) => void;
  /** EngineOptions.onJudgeFail: starts the automatic rollback of a progressive delivery the judge halted. */
  onJudgeFail: ((halt: JudgeHalt) => Promise<{ operationId: string }>) | undefined;
  /** The runs of this process, by operation id. */
  runs: Map<string, Run>;
  /** The clock as an ISO timestamp. */
  iso(): string;
}

export class Stopped extends Error {
  constructor(readonly stop: Stop) {
    super(`stopped: ${stop.kind}`);
  }
}

/** A step failure whose message is already safe to show. */
export class StepFailure extends Error {}

/** Asks a local run to stop, cancels its AWS call in flight and wakes it if it is sleeping between polls. */
export function cancelRun(run: Run, stop: Stop): void {
  run.cancel ??= stop;
  run.controller.abort();
  run.wake?.();
}

export function realEvery(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for `promise`, but at most `ms` of real time (bounded waits must not use a fake clock). */
export async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([promise.then(() => undefined), timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(1)} s`;
}
