/**
 * The engine runs plans: it takes the application's lock, journals the operation and its steps,
 * runs the steps in the background (the `skipIf` check, the call, then the wait polled with
 * backoff), records each outcome and its counters, writes the audit trail and releases the lock.
 * Rollback preempts whatever is running; an interrupted or failed operation can be resumed from
 * the step that was running or failed.
 *
 * This module composes the parts: locks and leases (locks.ts), preemption (preemption.ts), the
 * step runner with its retries (step-runner.ts), outcomes and their audit (outcomes.ts) and crash
 * recovery (recovery.ts), over the narrow journal interface the store implements (journal.ts).
 */

import { randomUUID } from "node:crypto";
import { RESUMABLE_STATUSES, isDoneStep, isInFlightStatus, isResumableStatus } from "@/lib/domain/operation-status";
import { AppError } from "@/lib/domain/app-error";
import type { Actor, AuditEntryInput, Operation, StepProgress } from "@/lib/domain/operation";
import type { AwsGateway } from "@/lib/domain/gateway";
import type { JsonValue } from "@/lib/domain/basics";
import type { Plan } from "@/lib/domain/plan";
import { logger, withLogContext } from "@/lib/telemetry/log";
import { cancelRun, realEvery, realSleep, within, type EngineContext, type Job, type Run } from "./context";
import type { Journal } from "./journal";
import { createLocks, DEFAULT_LEASE_MS } from "./locks";
import { createOutcomes } from "./outcomes";
import { createPreemption } from "./preemption";
import { createRecovery } from "./recovery";
import { createStepRunner } from "./step-runner";
import type { JudgeHalt } from "./progressive";
import { validateStart } from "./validate";

export type { Journal } from "./journal";
export { DEFAULT_LEASE_MS } from "./locks";
export { PREEMPT_GRACE_MS, SETTLE_STEP_ID } from "./preemption";
export { SIGNAL_ACTIONS, type JudgeHalt } from "./progressive";
export { isRetryableRefusal, isTransientRead, OUTPUT_KEPT, SKIPPED_ALREADY_DONE } from "./step-runner";

export interface EngineOptions {
  /** The journal, locks and audit log: the store, or anything with the methods the engine calls. */
  store: Journal;
  gateway: AwsGateway;
  /** Clock in epoch milliseconds (default Date.now). */
  now?: () => number;
  /** Pause between polls of a wait condition (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Lock lease; renewed while the operation runs (default `DEFAULT_LEASE_MS`). When a server dies,
   * its operations become `interrupted` once the lease has lapsed (see `recoverInterrupted`).
   */
  leaseMs?: number;
  /**
   * Runs `tick` every `ms` until the returned function is called (default: an unref'd
   * setInterval). The lease heartbeat uses it; tests on a hand-driven clock drive it themselves.
   */
  every?: (ms: number, tick: () => void) => () => void;
  /** Longest pause between polls, however the backoff grows (default 15 s). */
  maxPollMs?: number;
  /**
   * How long (real time) an abort waits for a running operation to stop (default 15 s). A rollback
   * waits at most `PREEMPT_GRACE_MS` of it: the preempted run's AWS call is cancelled, not waited for.
   */
  stopWaitMs?: number;
  /**
   * The longest one AWS call can stay in flight (ms); default: the gateway's `inFlightBoundMs`
   * (its clients' attempts × limits + backoff). A rollback that preempts an operation which may
   * have a call on the wire ends with a step that waits this long after the preemption.
   */
  inFlightBoundMs?: number;
  /**
   * A step's call refused as throttled or "busy" (the request was not applied: Route 53's
   * PriorRequestNotComplete, Auto Scaling's ScalingActivityInProgress) is sent again after a pause,
   * doubling from `firstPauseMs`, up to `attempts` times in all (default 5 from 2 s: about 30 s),
   * on top of the SDK's own quick retries. A rollback right after a crashed weight change meets the
   * first change still in progress; it must wait for it, not fail.
   */
  callRetry?: { attempts: number; firstPauseMs: number };
  /** Where unexpected internal errors are logged (default: the server's log, event `engine.error`). */
  logError?: (message: string, error: unknown) => void;
  /**
   * Starts the automatic rollback of a progressive delivery whose bake the release judge failed
   * (the runtime plans a rollback and starts it preempting); called once the halted run has
   * released the lock. Absent: the run halts and waits for a person to roll back.
   */
  onJudgeFail?: (halt: JudgeHalt) => Promise<{ operationId: string }>;
}

export interface StartInput {
  plan: Plan;
  actor: Actor;
  reason: string;
  /** Cancel the application's running (or interrupted) operation and take its lock (rollback). */
  preempt?: boolean;
}

export interface Engine {
  /**
   * Validates, takes the lock (or preempts), journals the operation with all steps pending, writes
   * the audit entries and returns at once; the steps run in the background.
   * Throws AppError `invalid` or `conflict` (another operation holds the application).
   */
  start(input: StartInput): Promise<{ operationId: string }>;
  /**
   * Continues an `interrupted` or `failed` operation from the step that was running or failed;
   * steps that succeeded are not repeated. The in-flight step's call is not sent again when its
   * output was journaled (the call completed) or when its `skipIf` holds. Takes the lock like a
   * start. Throws `not_found`, or `conflict` (wrong status, not the application's latest operation,
   * or another operation holds the application).
   */
  resume(operationId: string, actor: Actor, reason?: string): Promise<{ operationId: string; fromStep: number }>;
  /**
   * Stops an operation between steps (a wait is cancelled at its next poll) and marks it aborted.
   * Works for operations run by another server sharing the database, and for interrupted ones.
   */
  abort(operationId: string, actor: Actor, reason?: string): Promise<void>;
  /**
   * Graceful stop of this server's part (SIGTERM): from now on every start and resume is refused;
   * each run here stops at its next step or poll, after the AWS call it has on the wire (if any)
   * has answered and been journaled, is marked `interrupted` and releases its lock, so another
   * server (or this one restarted) can resume or roll it back at once instead of waiting for its
   * lease to lapse. A run still inside a call after `graceMs` (default `stopWaitMs`) has the call
   * cancelled and gets `graceMs` more; one that still has not ended (its journal does not answer)
   * is left to the lease. Resolves with the operations that were stopped.
   */
  shutdown(options?: { graceMs?: number }): Promise<{ stopped: string[]; unfinished: string[] }>;
  /** Whether `shutdown` has been called: this engine takes no new operations. */
  readonly closing: boolean;
  /** Resolves when the background run of `operationId` (or of every operation) has finished. */
  whenIdle(operationId?: string): Promise<void>;
  /** Whether this process is running the operation. */
  isRunningHere(operationId: string): boolean;
  /**
   * Operations left running or pending by a dead server become `interrupted`, their locks are
   * released and audited. Operations whose lock lease is still live (another server is running
   * them) are left alone, so it is safe to call periodically.
   */
  recoverInterrupted(): Promise<Operation[]>;
}

export function createEngine(options: EngineOptions): Engine {
  const runs = new Map<string, Run>();
  const now = options.now ?? Date.now;
  const ctx: EngineContext = {
    journal: options.store,
    gateway: options.gateway,
    now,
    sleep: options.sleep ?? realSleep,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    every: options.every ?? realEvery,
    maxPollMs: options.maxPollMs ?? 15_000,
    stopWaitMs: options.stopWaitMs ?? 15_000,
    inFlightBoundMs: options.inFlightBoundMs,
    callRetry: options.callRetry ?? { attempts: 5, firstPauseMs: 2_000 },
    logError: options.logError ?? ((message: string, error: unknown) => logger.error("engine.error", { message, error })),
    onJudgeFail: options.onJudgeFail,
    runs,
    iso: () => new Date(now()).toISOString(),
  };
  const { journal, stopWaitMs, logError, iso } = ctx;
  const locks = createLocks(ctx);
  const outcomes = createOutcomes(ctx);
  const { preemptAndAcquire, settleStep } = createPreemption(ctx, locks);
  const execute = createStepRunner(ctx, locks, outcomes);
  const recoverInterrupted = createRecovery(ctx);
  const { acquire } = locks;
  const { markAborted } = outcomes;

  function launch(operationId: string, appId: string, job: Job): void {
    const run: Run = {
      operationId,
      appId,
      cancel: null,
      controller: new AbortController(),
      callsInFlight: 0,
      wake: null,
      finished: false,
      done: Promise.resolve(),
    };
    runs.set(operationId, run);
    // Every line logged by the run (its AWS calls' errors included) names the operation.
    run.done = withLogContext({ operationId, appId }, () => execute(run, job))
      .catch((error: unknown) => logError(`operation ${operationId} crashed`, error))
      .finally(() => {
        run.finished = true;
        runs.delete(operationId);
      });
  }

  let closing = false;
  const refuseWhileClosing = (): void => {
    if (closing) throw new AppError("conflict", "This Teal server is shutting down; try again in a moment.");
  };

  async function start(input: StartInput): Promise<{ operationId: string }> {
    refuseWhileClosing();
    const { plan, actor } = input;
    const reason = validateStart(plan, actor, input.reason);
    const operationId = randomUUID();

    let steps = plan.steps;
    if (input.preempt) {
      const preempted = await preemptAndAcquire(plan, operationId, actor, reason);
      const settle = preempted.some((p) => p.callMayLand) ? settleStep(plan) : null;
      if (settle) steps = [...plan.steps, settle];
    } else {
      await acquire(plan.appId, operationId);
    }

    try {
      // The operation and its first audit records in one transaction: a crash between them would
      // leave an operation the audit log never saw start.
      const common = { actor, appId: plan.appId, operationId, reason, before: plan.before, after: plan.after };
      const started: AuditEntryInput[] = [
        { action: "operation.started", ...common },
        ...(plan.intent.kind === "rollback" ? [{ action: "rollback.started" as const, ...common }] : []),
      ];
      await journal.createOperation({
        id: operationId,
        appId: plan.appId,
        pattern: plan.pattern,
        intent: plan.intent,
        summary: plan.summary,
        actor,
        reason,
        steps,
        createdAt: iso(),
        before: plan.before,
        after: plan.after,
        audit: started,
      });
    } catch (error) {
      await journal.releaseLock(plan.appId, operationId).catch((e: unknown) => logError("releasing the lock failed", e));
      throw error;
    }

    launch(operationId, plan.appId, {
      pattern: plan.pattern,
      intent: plan.intent,
      before: plan.before,
      after: plan.after,
      steps,
      from: 0,
      resumed: false,
      outputs: new Map(),
      progress: new Map(),
      actor,
      reason,
    });
    return { operationId };
  }

  async function resume(operationId: string, actor: Actor, reason?: string): Promise<{ operationId: string; fromStep: number }> {
    refuseWhileClosing();
    const op = await journal.getOperation(operationId);
    if (!op) throw new AppError("not_found", "No such operation.");
    if (!isResumableStatus(op.status)) {
      throw new AppError("conflict", `Only an interrupted or failed operation can be resumed; this one is ${op.status}.`);
    }
    if (runs.has(operationId)) throw new AppError("conflict", "The operation is still stopping on this server; try again in a moment.");
    const [latest] = await journal.listOperations({ appId: op.appId, limit: 1 });
    if (latest && latest.id !== op.id) {
      throw new AppError(
        "conflict",
        `A later operation has run on ${op.appId} since (${latest.summary}); plan again from the current state instead of resuming.`,
      );
    }
    const why = reason?.trim() || op.reason;
    const pending = op.steps.findIndex((s) => !isDoneStep(s.status));
    // A server that died after the last step but before recording the outcome leaves an
    // interrupted operation with every step done: resuming it records the outcome (no step runs).
    if (pending < 0 && op.status !== "interrupted") {
      throw new AppError("conflict", "Every step of this operation has succeeded; there is nothing to resume.");
    }
    const from = pending < 0 ? op.steps.length : pending;

    await acquire(op.appId, op.id);
    try {
      const inFlight = op.steps[from];
      // The status and its audit record in one transaction.
      const resumed = await journal.updateOperation(
        op.id,
        { status: "running", startedAt: op.startedAt ?? iso(), finishedAt: null, error: null },
        {
          ifStatusIn: RESUMABLE_STATUSES,
          audit: [
            {
              action: "operation.resumed",
              actor,
              appId: op.appId,
              operationId: op.id,
              reason: why,
              before: op.before ?? null,
              after: {
                ...(op.after ? { greenPercent: op.after.greenPercent } : {}),
                resumedFrom: op.status,
                fromStep: inFlight ? inFlight.id : null,
                stepsAlreadyDone: from,
              },
            },
          ],
        },
      );
      if (!resumed) throw new AppError("conflict", "The operation changed while it was being resumed; look again.");
      const outputs = new Map<number, JsonValue>();
      const progress = new Map<number, StepProgress>();
      for (const step of op.steps) {
        if (step.index < from) continue;
        if (step.progress) progress.set(step.index, step.progress);
        // The in-flight step keeps its call's output (the call completed); later ones never ran.
        if (step.index === from && step.output !== null) outputs.set(step.index, step.output);
        await journal.updateStep(op.id, step.index, {
          status: "pending",
          finishedAt: null,
          error: null,
          ...(step.index === from ? {} : { output: null, startedAt: null }),
        });
      }
      launch(op.id, op.appId, {
        pattern: op.pattern,
        intent: op.intent,
        before: op.before ?? null,
        after: op.after ?? null,
        steps: op.steps.map((s) => ({
          id: s.id,
          title: s.title,
          ...(s.call ? { call: s.call } : {}),
          ...(s.wait ? { wait: s.wait } : {}),
          ...(s.skipIf ? { skipIf: s.skipIf } : {}),
        })),
        from,
        resumed: true,
        outputs,
        progress,
        actor,
        reason: why,
      });
      return { operationId: op.id, fromStep: from };
    } catch (error) {
      if (!runs.has(op.id)) {
        await journal.releaseLock(op.appId, op.id).catch((e: unknown) => logError("releasing the lock failed", e));
      }
      throw error;
    }
  }

  async function abort(operationId: string, actor: Actor, reason?: string): Promise<void> {
    const op = await journal.getOperation(operationId);
    if (!op) throw new AppError("not_found", "No such operation.");
    if (!isInFlightStatus(op.status)) {
      throw new AppError("conflict", `The operation has already ended (${op.status}).`);
    }
    const why = reason?.trim() || op.reason;
    const run = runs.get(operationId);
    if (run) {
      cancelRun(run, { kind: "abort", actor, reason: why });
      await within(run.done, stopWaitMs);
      // Still inside a slow AWS call: record the abort now; the run stops when the call returns.
      if (!run.finished) await markAborted(operationId, op.appId, actor, why);
      return;
    }
    // Run by another server (it stops at its next step or poll), by a dead one, or interrupted.
    if (!(await markAborted(operationId, op.appId, actor, why))) {
      const status = await journal.getOperationStatus(operationId);
      throw new AppError("conflict", `The operation has already ended (${status ?? "unknown"}).`);
    }
  }

  async function shutdown(options: { graceMs?: number } = {}): Promise<{ stopped: string[]; unfinished: string[] }> {
    closing = true;
    const graceMs = options.graceMs ?? stopWaitMs;
    const stopping = [...runs.values()];
    const stop = { kind: "shutdown" } as const;
    for (const run of stopping) {
      // Not cancelRun: the call on the wire is let finish, so its output is journaled and a resume
      // does not send it again; a run asleep between polls is woken.
      run.cancel ??= stop;
      run.wake?.();
    }
    const allDone = () => Promise.all(stopping.map((r) => r.done));
    await within(allDone(), graceMs);
    const slow = stopping.filter((r) => !r.finished);
    if (slow.length > 0) {
      for (const run of slow) cancelRun(run, stop);
      await within(allDone(), graceMs);
    }
    const unfinished = stopping.filter((r) => !r.finished).map((r) => r.operationId);
    if (stopping.length > 0) {
      logger.info("engine.shutdown", { stopped: stopping.map((r) => r.operationId), unfinished });
    }
    return { stopped: stopping.map((r) => r.operationId), unfinished };
  }

  async function whenIdle(operationId?: string): Promise<void> {
    if (operationId !== undefined) {
      await runs.get(operationId)?.done;
      return;
    }
    while (runs.size > 0) await Promise.all([...runs.values()].map((r) => r.done));
  }

  return {
    start,
    resume,
    abort,
    whenIdle,
    isRunningHere: (operationId) => runs.has(operationId),
    recoverInterrupted,
    shutdown,
    get closing() {
      return closing;
    },
  };
}
