/**
 * The step runner: runs a job's steps in order (the `skipIf` check, the call, then the wait polled
 * with backoff), journals each step's status, output and counters, sends a call refused as busy
 * or throttled again after a pause, checks between steps and polls whether it must stop (aborted,
 * preempted, lock lost), and hands the outcome to lib/engine/outcomes.
 */
import { waitTarget } from "@/lib/domain/wait-words";
import { ACTIVE_STATUSES } from "@/lib/domain/operation-status";
import { AppError, isAppError } from "@/lib/domain/app-error";
import type { AwsCall, Step, WaitCondition } from "@/lib/domain/plan";
import type { JsonValue } from "@/lib/domain/basics";
import type { StepProgress } from "@/lib/domain/operation";
import { isBusyRefusal } from "@/lib/aws/errors";
import { cancelRun, formatSeconds, StepFailure, Stopped, type EngineContext, type Job, type Run, type Stop } from "./context";
import type { Locks } from "./locks";
import type { Outcomes } from "./outcomes";
import { outcomeOfStop, reportOutcome, reportStarted } from "./telemetry";
import { createProgressiveWaits, isProgressiveWait, JudgeFailure, type JudgeHalt } from "./progressive";

export const SKIPPED_ALREADY_DONE = "skipped: already done";
export const OUTPUT_KEPT = "call already made before the interruption; its output was kept";

/**
 * Whether a call's error proves the request was not applied and asks to try again later:
 * throttled, or refused as busy by the AWS error's name (Route 53's PriorRequestNotComplete,
 * Auto Scaling's ScalingActivityInProgress, …; see lib/aws/errors).
 */
export function isRetryableRefusal(error: unknown): error is AppError {
  if (!isAppError(error)) return false;
  return error.code === "throttled" || isBusyRefusal(error);
}

/** Whether a read (a wait's poll) failed in a way that a later poll may not: throttling, 5xx, no answer. */
export function isTransientRead(error: unknown): error is AppError {
  return isAppError(error) && (error.code === "throttled" || error.transient);
}

function userMessageOf(error: unknown): string {
  if (error instanceof StepFailure) return error.message;
  if (isAppError(error)) return error.userMessage;
  return "Unexpected internal error (details are in the server log).";
}

function freshProgress(): StepProgress {
  return { calls: 0, attempts: 0, polls: 0, lastError: null, note: null };
}

/** Runs a job to its outcome, then drops the lease and releases the lock. */
export type StepRunner = (run: Run, job: Job) => Promise<void>;

export function createStepRunner(ctx: EngineContext, locks: Locks, outcomes: Outcomes): StepRunner {
  const { journal, gateway, now, iso, sleep, leaseMs, maxPollMs, callRetry, logError } = ctx;
  const runProgressiveWait = createProgressiveWaits(ctx);

  return async function execute(run: Run, job: Job): Promise<void> {
    const { operationId, appId } = run;
    // The lease has been kept since the lock was taken (see keepLease); from now on losing it stops the run.
    locks.keepLease(appId, operationId, false);
    const lease = locks.lease(operationId);
    if (lease) lease.onLost = () => cancelRun(run, { kind: "lost-lock" });

    /** Between steps and before each poll: should we stop? Also keeps the lease alive. */
    const checkpoint = async (forceRenew: boolean): Promise<Stop | null> => {
      if (run.cancel) return run.cancel;
      const status = await journal.getOperationStatus(operationId);
      if (status !== "running") return { kind: "external", status };
      if (forceRenew || !lease || now() - lease.lastRenew >= locks.renewEveryMs) {
        if (!(await journal.renewLock(appId, operationId, leaseMs, now()))) return { kind: "lost-lock" };
        if (lease) lease.lastRenew = now();
      }
      return null;
    };

    /**
     * An AWS read or call of this run; when the run is stopped meanwhile (its signal aborts the
     * call, a read is no longer waited for), the stop is what is thrown, not the cancelled call's error.
     */
    const guarded = async <T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
      const { signal } = run.controller;
      if (run.cancel) throw new Stopped(run.cancel);
      let onAbort: (() => void) | null = null;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(new Stopped(run.cancel ?? { kind: "external", status: null }));
        signal.addEventListener("abort", onAbort, { once: true });
      });
      aborted.catch(() => undefined);
      try {
        return await Promise.race([work(signal), aborted]);
      } catch (error) {
        if (run.cancel) throw new Stopped(run.cancel);
        throw error;
      } finally {
        if (onAbort) signal.removeEventListener("abort", onAbort);
      }
    };

    /**
     * Sends a step's call; a refusal that proves it was not applied (throttled, busy) is sent again
     * after a pause, as `callRetry` says. Counts the SDK's attempts; journals the last refusal.
     */
    const sendCall = async (call: AwsCall, progress: StepProgress, save: () => Promise<void>): Promise<JsonValue> => {
      progress.calls++;
      for (let attempt = 1; ; attempt++) {
        let reported = 0;
        run.callsInFlight++;
        try {
          return await guarded((signal) =>
            gateway.call(
              call,
              (info) => {
                reported += info.attempts;
              },
              { signal },
            ),
          );
        } catch (error) {
          if (error instanceof Stopped || !isRetryableRefusal(error) || attempt >= callRetry.attempts) throw error;
          progress.lastError = error.userMessage;
          await save();
        } finally {
          run.callsInFlight--;
          // Counted whether the call succeeded or not; a gateway that does not report counts one.
          progress.attempts += reported > 0 ? reported : 1;
        }
        // Not applied: wait (a stop request wakes the pause) and send it again.
        await pause(callRetry.firstPauseMs * 2 ** (attempt - 1));
        const stop = await checkpoint(false);
        if (stop) throw new Stopped(stop);
      }
    };

    /** Sleeps between polls; a local abort or preemption wakes it at once. */
    const pause = async (ms: number): Promise<void> => {
      if (run.cancel) return;
      await new Promise<void>((resolve) => {
        run.wake = resolve;
        sleep(ms).then(resolve, resolve);
      });
      run.wake = null;
    };

    const waitUntil = async (wait: WaitCondition, output: JsonValue | null, progress: StepProgress, save: () => Promise<void>): Promise<void> => {
      if (wait.kind === "preempted-calls-settled") return settle(wait, progress, save);
      const startedAt = now();
      const cap = Math.max(wait.pollMs, Math.min(wait.pollMs * 4, maxPollMs));
      let delay = wait.pollMs;
      let last = "";
      for (;;) {
        const stop = await checkpoint(false);
        if (stop) throw new Stopped(stop);
        progress.polls++;
        try {
          const result = await guarded(() => gateway.check(wait, output));
          if (result.done) return;
          last = result.detail;
        } catch (error) {
          if (error instanceof Stopped) throw error;
          // Polls only read, and the SDK has already retried: a poll throttled, answered with a
          // 5xx or not answered at all is tried again at the next interval until the wait's own
          // timeout (an AWS hiccup must not fail a rollback that is converging); anything else
          // fails the step.
          if (!isTransientRead(error)) throw error;
          last = error.userMessage;
          progress.lastError = error.userMessage;
        }
        await save();
        const remaining = startedAt + wait.timeoutMs - now();
        if (remaining <= 0) {
          const lastSeen = last ? ` (last: ${last})` : "";
          throw new StepFailure(`Timed out after ${formatSeconds(wait.timeoutMs)} waiting for ${waitTarget(wait)}${lastSeen}.`);
        }
        await pause(Math.min(delay, remaining));
        delay = Math.min(Math.ceil(delay * 1.5), cap);
      }
    };

    /**
     * The last step of a rollback that preempted an operation with a call perhaps still on the
     * wire: until `untilMs` (and on one look after it), what the rollback's calls established is
     * read back; when AWS moved (a late call landed), that call is sent again and its wait run.
     */
    const settle = async (
      wait: Extract<WaitCondition, { kind: "preempted-calls-settled" }>,
      progress: StepProgress,
      save: () => Promise<void>,
    ): Promise<void> => {
      const startedAt = now();
      const until = new Date(wait.untilMs).toISOString().slice(11, 19);
      let putBack = 0;
      for (;;) {
        const stop = await checkpoint(false);
        if (stop) throw new Stopped(stop);
        const lookedAt = now();
        let holds = true;
        let last = "";
        for (const check of wait.checks) {
          progress.polls++;
          let result: { done: boolean; detail: string };
          try {
            result = await guarded(() => gateway.check(check.holds, null));
          } catch (error) {
            if (error instanceof Stopped || !isTransientRead(error)) throw error;
            progress.lastError = error.userMessage;
            holds = false;
            continue;
          }
          last = result.detail;
          if (result.done) continue;
          holds = false;
          const step = job.steps[check.step];
          if (!step?.call) continue;
          // A late call moved AWS: set it back, as the rollback's own step did.
          progress.lastError = `AWS moved after the rollback: ${result.detail}`;
          putBack++;
          const output = await sendCall(step.call, progress, save);
          if (step.wait) await waitUntil(step.wait, output, progress, save);
        }
        const moved = putBack > 0 ? `; AWS moved and was set back ${putBack === 1 ? "once" : `${putBack} times`}` : "";
        progress.note =
          lookedAt >= wait.untilMs && holds
            ? `Settled at ${until}: no call of the preempted operation can land any more${moved}`
            : `Waiting until ${until} (${formatSeconds(wait.boundMs)}: ${wait.bound}) for calls of the preempted operation${moved}${last ? `; ${last}` : ""}`;
        await save();
        if (lookedAt >= wait.untilMs && holds) return;
        if (now() - startedAt >= wait.timeoutMs) {
          throw new StepFailure(`Timed out after ${formatSeconds(wait.timeoutMs)} waiting for ${waitTarget(wait)}${last ? ` (last: ${last})` : ""}.`);
        }
        const left = wait.untilMs - now();
        await pause(left > 0 ? Math.min(wait.pollMs, left) : wait.pollMs);
      }
    };

    /** One step: skipIf check, call (journaled at once), wait. Throws Stopped or a failure. */
    const runStep = async (index: number, step: Step, progress: StepProgress): Promise<void> => {
      const save = () => journal.updateStep(operationId, index, { progress: { ...progress } });
      let output: JsonValue | null = job.outputs.get(index) ?? null;
      if (step.call) {
        if (job.outputs.has(index)) {
          progress.note = OUTPUT_KEPT;
        } else if (step.skipIf && (await alreadyDone(step.skipIf, progress))) {
          progress.note = SKIPPED_ALREADY_DONE;
          await journal.updateStep(
            operationId,
            index,
            { progress: { ...progress } },
            {
              audit: [
                {
                  action: "step.skipped",
                  actor: job.actor,
                  appId,
                  operationId,
                  reason: job.reason,
                  before: null,
                  after: { step: step.id, index, title: step.title, note: SKIPPED_ALREADY_DONE },
                },
              ],
            },
          );
        } else {
          output = await sendCall(step.call, progress, save);
          // Journaled at once: a wait (or a resume after a crash) needs the call's output.
          await journal.updateStep(operationId, index, { output, progress: { ...progress } });
        }
      }
      if (step.wait && isProgressiveWait(step.wait)) {
        await runProgressiveWait({ operationId, appId, job, checkpoint: () => checkpoint(false), guarded, pause }, step.wait, progress, save);
      } else if (step.wait) await waitUntil(step.wait, output, progress, save);
    };

    /**
     * The check of a step's `skipIf`. A transient failure (throttled, 5xx, no answer) is checked
     * again after a pause, like a refused call; after that, or on any other error, the step fails
     * (we cannot tell whether the call is safe).
     */
    const alreadyDone = async (condition: WaitCondition, progress: StepProgress): Promise<boolean> => {
      for (let attempt = 1; ; attempt++) {
        const stop = await checkpoint(false);
        if (stop) throw new Stopped(stop);
        progress.polls++;
        try {
          return (await guarded(() => gateway.check(condition, null))).done;
        } catch (error) {
          if (error instanceof Stopped || !isTransientRead(error) || attempt >= callRetry.attempts) throw error;
          progress.lastError = error.userMessage;
        }
        await pause(callRetry.firstPauseMs * 2 ** (attempt - 1));
      }
    };

    let stop: Stop | null = null;
    let failure: string | null = null;
    /** Set when the release judge failed green: the rollback to start once the lock is released. */
    let halted: JudgeHalt | null = null;
    let next = job.from;
    const began = now();
    reportStarted(run, job);
    try {
      if (!job.resumed) {
        const began = await journal.updateOperation(operationId, { status: "running", startedAt: iso() }, { ifStatusIn: ["pending"] });
        if (!began) stop = { kind: "external", status: await journal.getOperationStatus(operationId) };
      }

      for (; stop === null && failure === null && next < job.steps.length; next++) {
        const index = next;
        const step = job.steps[index];
        if (!step) break;
        stop = await checkpoint(true);
        if (stop) break;
        const progress = job.progress.get(index) ?? freshProgress();
        progress.note = null;
        await journal.updateStep(operationId, index, { status: "running", startedAt: iso(), progress: { ...progress } });
        // A step's end and its audit record are written in one transaction.
        const stepAudit = (action: "step.succeeded" | "step.failed", extra: Record<string, JsonValue>) => ({
          audit: [
            {
              action,
              actor: job.actor,
              appId,
              operationId,
              reason: job.reason,
              before: null,
              after: { step: step.id, index, title: step.title, calls: progress.calls, attempts: progress.attempts, polls: progress.polls, ...extra },
            },
          ],
        });
        try {
          await runStep(index, step, progress);
          await journal.updateStep(
            operationId,
            index,
            { status: "succeeded", finishedAt: iso(), progress: { ...progress } },
            stepAudit("step.succeeded", progress.note ? { note: progress.note } : {}),
          );
        } catch (error) {
          if (error instanceof Stopped) {
            stop = error.stop;
            const message = outcomes.stopMessage(stop);
            await journal.updateStep(
              operationId,
              index,
              { status: "failed", finishedAt: iso(), error: message, progress: { ...progress } },
              stepAudit("step.failed", { error: message }),
            );
          } else {
            if (!isAppError(error) && !(error instanceof StepFailure)) logError(`step ${step.id} of ${operationId} failed`, error);
            const message = userMessageOf(error);
            if (error instanceof JudgeFailure) halted = error.halt;
            progress.lastError = message;
            failure = `Step ${index + 1} (${step.title}) failed: ${message}`;
            await journal.updateStep(
              operationId,
              index,
              { status: "failed", finishedAt: iso(), error: message, progress: { ...progress } },
              stepAudit("step.failed", { error: message }),
            );
          }
        }
      }

      for (let i = next; i < job.steps.length && (stop !== null || failure !== null); i++) {
        await journal.updateStep(operationId, i, { status: "skipped" });
      }

      if (stop) await outcomes.finishStopped(run, stop, job.reason);
      else if (failure) await outcomes.finishFailed(run, job, failure);
      else await outcomes.finishSucceeded(run, job);
      if (stop) reportOutcome(run, job, outcomeOfStop(stop), outcomes.stopMessage(stop), now() - began);
      else reportOutcome(run, job, failure ? "failed" : "succeeded", failure, now() - began);
    } catch (error) {
      // The journal itself failed (database down?): record what we can; the lease frees the lock.
      logError(`operation ${operationId} could not be journaled`, error);
      reportOutcome(run, job, "failed", "the journal could not be written", now() - began);
      await journal
        .updateOperation(
          operationId,
          { status: "failed", finishedAt: iso(), error: "Teal lost track of this operation (journal error); check the application before retrying." },
          { ifStatusIn: ACTIVE_STATUSES },
        )
        .catch(() => undefined);
    } finally {
      locks.dropLease(operationId);
      await journal.releaseLock(appId, operationId).catch((error: unknown) => logError(`releasing the lock of ${appId} failed`, error));
    }
    if (halted) await startRollback(halted, job);
  };

  /** The judge halted a progressive delivery: its rollback starts at once, and the audit log links the two. */
  async function startRollback(halt: JudgeHalt, job: Job): Promise<void> {
    const record = (after: JsonValue) =>
      journal.appendAudit({
        action: "progressive.rollback_started",
        actor: job.actor,
        appId: halt.appId,
        operationId: halt.operationId,
        reason: `The release judge failed green at ${halt.greenPercent} %`,
        before: null,
        after,
      });
    if (!ctx.onJudgeFail) {
      await record({ started: false, why: "no automatic rollback on this server: roll back by hand" }).catch((e: unknown) =>
        logError("auditing a halt failed", e),
      );
      return;
    }
    try {
      const { operationId: rollbackOperationId } = await ctx.onJudgeFail(halt);
      await record({ started: true, rollbackOperationId });
    } catch (error) {
      logError(`the automatic rollback of ${halt.operationId} did not start`, error);
      await record({ started: false, why: userMessageOf(error) }).catch((e: unknown) => logError("auditing a halt failed", e));
    }
  }
}
