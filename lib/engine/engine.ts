/**
 * The engine runs plans: it takes the application's lock, journals the operation and its steps,
 * runs the steps in the background (the `skipIf` check, the call, then the wait polled with
 * backoff), records each outcome and its counters, writes the audit trail and releases the lock.
 * Rollback preempts whatever is running; an interrupted or failed operation can be resumed from
 * the step that was running or failed.
 */

import { randomUUID } from "node:crypto";
import {
  AppError,
  isAppError,
  type Actor,
  type AuditEntryInput,
  type AwsGateway,
  type Intent,
  type JsonValue,
  type Operation,
  type OperationStatus,
  type Plan,
  type PlanEnds,
  type Step,
  type StepProgress,
  type WaitCondition,
} from "@/lib/domain/types";
import type { Store } from "@/lib/store/store";
import { validateStart } from "./validate";

export interface EngineOptions {
  store: Store;
  gateway: AwsGateway;
  /** Clock in epoch milliseconds (default Date.now). */
  now?: () => number;
  /** Pause between polls of a wait condition (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Lock lease; renewed while the operation runs (default 60 s). When a server dies, its
   * operations become `interrupted` once the lease has lapsed (see `recoverInterrupted`).
   */
  leaseMs?: number;
  /** Longest pause between polls, however the backoff grows (default 15 s). */
  maxPollMs?: number;
  /** How long (real time) a rollback or an abort waits for a running operation to stop (default 15 s). */
  stopWaitMs?: number;
  /**
   * A step's call refused as throttled or "busy" (the request was not applied: Route 53's
   * PriorRequestNotComplete, Auto Scaling's ScalingActivityInProgress) is sent again after a pause,
   * doubling from `firstPauseMs`, up to `attempts` times in all (default 5 from 2 s: about 30 s),
   * on top of the SDK's own quick retries. A rollback right after a crashed weight change meets the
   * first change still in progress; it must wait for it, not fail.
   */
  callRetry?: { attempts: number; firstPauseMs: number };
  /** Where unexpected internal errors are logged (default console.error). */
  logError?: (message: string, error: unknown) => void;
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

/** Why a run stopped before its last step. */
type Stop =
  | { kind: "abort"; actor: Actor; reason: string }
  | { kind: "preempt"; actor: Actor; byOperationId: string; summary: string }
  | { kind: "lost-lock" }
  | { kind: "external"; status: OperationStatus | null };

interface Run {
  operationId: string;
  appId: string;
  cancel: Stop | null;
  /** Wakes a wait that is sleeping between polls (set while it sleeps). */
  wake: (() => void) | null;
  /** Set when the run has recorded its outcome and released the lock. */
  finished: boolean;
  done: Promise<void>;
}

/** What a run needs: the steps (from the plan, or from the journal on a resume) and where to begin. */
interface Job {
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

class Stopped extends Error {
  constructor(readonly stop: Stop) {
    super(`stopped: ${stop.kind}`);
  }
}

/** A step failure whose message is already safe to show. */
class StepFailure extends Error {}

const ACTIVE: readonly OperationStatus[] = ["pending", "running"];
/** What a rollback takes over: anything that may still hold or want the application. */
const PREEMPTABLE: readonly OperationStatus[] = ["pending", "running", "interrupted"];
const RESUMABLE: readonly OperationStatus[] = ["interrupted", "failed"];

export const SKIPPED_ALREADY_DONE = "skipped: already done";
export const OUTPUT_KEPT = "call already made before the interruption; its output was kept";

/** AWS error names that say the request was refused before it was applied and may be sent again later. */
const BUSY = /^\S+ failed: (PriorRequestNotComplete|ScalingActivityInProgress|ResourceContention):/;

/** Whether a call's error proves the request was not applied and asks to try again later. */
export function isRetryableRefusal(error: unknown): error is AppError {
  if (!isAppError(error)) return false;
  return error.code === "throttled" || (error.code === "conflict" && BUSY.test(error.userMessage));
}

/** Whether a read (a wait's poll) failed in a way that a later poll may not: throttling, 5xx, no answer. */
export function isTransientRead(error: unknown): error is AppError {
  return isAppError(error) && (error.code === "throttled" || error.transient);
}

/**
 * How long (real time) a refused start waits for the lock holder's operation to appear in the
 * journal, and the pause between looks. Only a holder that died between taking the lock and
 * journaling stays unnamed (its lease frees the lock).
 */
const UNJOURNALED_HOLDER_WAIT_MS = 2_000;
const UNJOURNALED_HOLDER_PAUSE_MS = 20;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for `promise`, but at most `ms` of real time (bounded waits must not use a fake clock). */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
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

function userMessageOf(error: unknown): string {
  if (error instanceof StepFailure) return error.message;
  if (isAppError(error)) return error.userMessage;
  return "Unexpected internal error (details are in the server log).";
}

function targetGroupName(arn: string): string {
  // arn:aws:elasticloadbalancing:region:account:targetgroup/<name>/<id>
  const resource = arn.split(":").pop() ?? arn;
  const parts = resource.split("/");
  return parts.length >= 2 && parts[0] === "targetgroup" ? (parts[1] ?? resource) : resource;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** What a wait condition waits for, in words ("waiting for …"). */
export function describeWait(wait: WaitCondition): string {
  switch (wait.kind) {
    case "route53-change-insync":
      return "the Route 53 change to be INSYNC";
    case "elb-in-service":
      return wait.instanceIds
        ? `${wait.instanceIds.length} of ${plural(wait.instanceIds.length, "instance")} InService behind ${wait.loadBalancerName}`
        : `${plural(wait.minInService, "instance")} InService behind ${wait.loadBalancerName}`;
    case "asg-in-service":
      return `${plural(wait.minInService, "instance")} InService in ${wait.groupName}${wait.launch ? ` on ${wait.launch}` : ""}`;
    case "asg-instances-state":
      return `${wait.instanceIds.length} of ${plural(wait.instanceIds.length, "instance")} ${wait.lifecycleState} in ${wait.groupName}`;
    case "asg-traffic-source":
      return `traffic source ${wait.identifier} of ${wait.groupName} to be ${wait.state}`;
    case "tg-healthy": {
      const name = targetGroupName(wait.targetGroupArn);
      return wait.targetIds
        ? `${wait.targetIds.length} of ${plural(wait.targetIds.length, "target")} healthy in ${name}`
        : `${plural(wait.minHealthy, "target")} healthy in ${name}`;
    }
    case "ecs-steady":
      return `ECS service ${wait.service} to be steady${wait.taskDefinition ? ` on ${wait.taskDefinition}` : ""}`;
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(1)} s`;
}

function freshProgress(): StepProgress {
  return { calls: 0, attempts: 0, polls: 0, lastError: null, note: null };
}

export function createEngine(options: EngineOptions): Engine {
  const store = options.store;
  const gateway = options.gateway;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxPollMs = options.maxPollMs ?? 15_000;
  const stopWaitMs = options.stopWaitMs ?? 15_000;
  const callRetry = options.callRetry ?? { attempts: 5, firstPauseMs: 2_000 };
  const logError = options.logError ?? ((message: string, error: unknown) => console.error(`[engine] ${message}`, error));
  const runs = new Map<string, Run>();
  const iso = () => new Date(now()).toISOString();

  async function audit(entry: AuditEntryInput): Promise<void> {
    await store.appendAudit(entry);
  }

  /** Asks a local run to stop and wakes it if it is sleeping between polls. */
  function cancelRun(run: Run, stop: Stop): void {
    run.cancel ??= stop;
    run.wake?.();
  }

  /** Takes the application's lock for `holder`, or explains who holds it. */
  async function acquire(appId: string, holder: string): Promise<void> {
    if (await store.tryAcquireLock(appId, holder, leaseMs, now())) return;
    let lock = await store.getLock(appId);
    let owner = lock ? await store.getOperation(lock.holder) : null;
    // A start takes the lock in its operation's name, then journals the operation: losing a race
    // to it can mean finding a lock whose operation is not written yet. Look again for a moment so
    // the refusal names who holds the application.
    const lookUntil = Date.now() + UNJOURNALED_HOLDER_WAIT_MS;
    while (lock && !owner && Date.now() < lookUntil) {
      await realSleep(UNJOURNALED_HOLDER_PAUSE_MS);
      lock = await store.getLock(appId);
      owner = lock ? await store.getOperation(lock.holder) : null;
    }
    // A lock whose operation has finished or was interrupted is stale (its server died before
    // releasing it): take it over instead of waiting for the lease to run out.
    if (lock && owner && !ACTIVE.includes(owner.status)) {
      if (await store.tryAcquireLock(appId, holder, leaseMs, now(), { replaceHolder: lock.holder })) return;
    }
    if (!lock) {
      // Released between our attempt and the look-up: one more try.
      if (await store.tryAcquireLock(appId, holder, leaseMs, now())) return;
    }
    const what = owner ? `${owner.summary} (started by ${owner.actor.email})` : "an operation is in progress";
    throw new AppError("conflict", `Another operation is running on ${appId}: ${what}.`);
  }

  /** Stops the application's running or interrupted operations and takes the lock whoever holds it. */
  async function preemptAndAcquire(plan: Plan, holder: string, actor: Actor, reason: string): Promise<void> {
    const appId = plan.appId;
    const active = await store.listOperations({ appId, status: ACTIVE });
    // Ask local runs to stop between steps (or at once, if sleeping in a wait) and give them a moment.
    const local = active.map((op) => runs.get(op.id)).filter((r): r is Run => r !== undefined);
    for (const run of local) cancelRun(run, { kind: "preempt", actor, byOperationId: holder, summary: plan.summary });
    if (local.length > 0) await within(Promise.all(local.map((r) => r.done)), stopWaitMs);

    let acquired = false;
    for (let attempt = 0; attempt < 5 && !acquired; attempt++) {
      const lock = await store.getLock(appId);
      acquired = await store.tryAcquireLock(appId, holder, leaseMs, now(), lock ? { replaceHolder: lock.holder } : {});
    }
    if (!acquired) throw new AppError("conflict", `Could not take the lock of ${appId}; try again.`);

    // Whatever is still marked active on this application (here, on another server, or on a dead
    // one) is preempted, and so is an interrupted one (it must not be resumed over the rollback).
    // A server still running one sees it at its next step or poll and stops.
    const stillActive = await store.listOperations({ appId, status: PREEMPTABLE });
    for (const op of stillActive) {
      if (op.id === holder) continue;
      const changed = await store.updateOperation(
        op.id,
        { status: "preempted", finishedAt: iso(), error: `Preempted by ${plan.summary} (started by ${actor.email}).` },
        { ifStatusIn: PREEMPTABLE },
      );
      if (changed) {
        await audit({
          action: "operation.preempted",
          actor,
          appId,
          operationId: op.id,
          reason,
          before: { status: op.status },
          after: { status: "preempted", preemptedBy: holder },
        });
      }
    }
  }

  function launch(operationId: string, appId: string, job: Job): void {
    const run: Run = { operationId, appId, cancel: null, wake: null, finished: false, done: Promise.resolve() };
    runs.set(operationId, run);
    run.done = execute(run, job)
      .catch((error: unknown) => logError(`operation ${operationId} crashed`, error))
      .finally(() => {
        run.finished = true;
        runs.delete(operationId);
      });
  }

  async function start(input: StartInput): Promise<{ operationId: string }> {
    const { plan, actor } = input;
    const reason = validateStart(plan, actor, input.reason);
    const operationId = randomUUID();

    if (input.preempt) await preemptAndAcquire(plan, operationId, actor, reason);
    else await acquire(plan.appId, operationId);

    try {
      await store.createOperation({
        id: operationId,
        appId: plan.appId,
        pattern: plan.pattern,
        intent: plan.intent,
        summary: plan.summary,
        actor,
        reason,
        steps: plan.steps,
        createdAt: iso(),
        before: plan.before,
        after: plan.after,
      });
      const common = { actor, appId: plan.appId, operationId, reason, before: plan.before, after: plan.after };
      await audit({ action: "operation.started", ...common });
      if (plan.intent.kind === "rollback") await audit({ action: "rollback.started", ...common });
    } catch (error) {
      await store.releaseLock(plan.appId, operationId).catch((e: unknown) => logError("releasing the lock failed", e));
      throw error;
    }

    launch(operationId, plan.appId, {
      intent: plan.intent,
      before: plan.before,
      after: plan.after,
      steps: plan.steps,
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
    const op = await store.getOperation(operationId);
    if (!op) throw new AppError("not_found", "No such operation.");
    if (!RESUMABLE.includes(op.status)) {
      throw new AppError("conflict", `Only an interrupted or failed operation can be resumed; this one is ${op.status}.`);
    }
    if (runs.has(operationId)) throw new AppError("conflict", "The operation is still stopping on this server; try again in a moment.");
    const [latest] = await store.listOperations({ appId: op.appId, limit: 1 });
    if (latest && latest.id !== op.id) {
      throw new AppError(
        "conflict",
        `A later operation has run on ${op.appId} since (${latest.summary}); plan again from the current state instead of resuming.`,
      );
    }
    const why = reason?.trim() || op.reason;
    const pending = op.steps.findIndex((s) => s.status !== "succeeded");
    // A server that died after the last step but before recording the outcome leaves an
    // interrupted operation with every step done: resuming it records the outcome (no step runs).
    if (pending < 0 && op.status !== "interrupted") {
      throw new AppError("conflict", "Every step of this operation has succeeded; there is nothing to resume.");
    }
    const from = pending < 0 ? op.steps.length : pending;

    await acquire(op.appId, op.id);
    try {
      const resumed = await store.updateOperation(
        op.id,
        { status: "running", startedAt: op.startedAt ?? iso(), finishedAt: null, error: null },
        { ifStatusIn: RESUMABLE },
      );
      if (!resumed) throw new AppError("conflict", "The operation changed while it was being resumed; look again.");
      const outputs = new Map<number, JsonValue>();
      const progress = new Map<number, StepProgress>();
      for (const step of op.steps) {
        if (step.index < from) continue;
        if (step.progress) progress.set(step.index, step.progress);
        // The in-flight step keeps its call's output (the call completed); later ones never ran.
        if (step.index === from && step.output !== null) outputs.set(step.index, step.output);
        await store.updateStep(op.id, step.index, {
          status: "pending",
          finishedAt: null,
          error: null,
          ...(step.index === from ? {} : { output: null, startedAt: null }),
        });
      }
      const inFlight = op.steps[from];
      await audit({
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
      });
      launch(op.id, op.appId, {
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
        await store.releaseLock(op.appId, op.id).catch((e: unknown) => logError("releasing the lock failed", e));
      }
      throw error;
    }
  }

  async function execute(run: Run, job: Job): Promise<void> {
    const { operationId, appId } = run;
    let lastRenew = now();

    // Keeps the lease alive even while a single AWS call is slow: a lapsed lease would let the
    // periodic recovery of another server mark this operation interrupted while it still runs.
    const heartbeat = setInterval(() => {
      store
        .renewLock(appId, operationId, leaseMs, now())
        .then((held) => {
          if (held) lastRenew = now();
          else cancelRun(run, { kind: "lost-lock" });
        })
        .catch((error: unknown) => logError(`renewing the lease of ${operationId} failed`, error));
    }, Math.max(250, Math.floor(leaseMs / 3)));
    heartbeat.unref();

    /** Between steps and before each poll: should we stop? Also keeps the lease alive. */
    const checkpoint = async (forceRenew: boolean): Promise<Stop | null> => {
      if (run.cancel) return run.cancel;
      const status = await store.getOperationStatus(operationId);
      if (status !== "running") return { kind: "external", status };
      if (forceRenew || now() - lastRenew >= leaseMs / 3) {
        if (!(await store.renewLock(appId, operationId, leaseMs, now()))) return { kind: "lost-lock" };
        lastRenew = now();
      }
      return null;
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
      const startedAt = now();
      const cap = Math.max(wait.pollMs, Math.min(wait.pollMs * 4, maxPollMs));
      let delay = wait.pollMs;
      let last = "";
      for (;;) {
        const stop = await checkpoint(false);
        if (stop) throw new Stopped(stop);
        progress.polls++;
        try {
          const result = await gateway.check(wait, output);
          if (result.done) return;
          last = result.detail;
        } catch (error) {
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
          throw new StepFailure(`Timed out after ${formatSeconds(wait.timeoutMs)} waiting for ${describeWait(wait)}${lastSeen}.`);
        }
        await pause(Math.min(delay, remaining));
        delay = Math.min(Math.ceil(delay * 1.5), cap);
      }
    };

    /** One step: skipIf check, call (journaled at once), wait. Throws Stopped or a failure. */
    const runStep = async (index: number, step: Step, progress: StepProgress): Promise<void> => {
      const save = () => store.updateStep(operationId, index, { progress: { ...progress } });
      let output: JsonValue | null = job.outputs.get(index) ?? null;
      if (step.call) {
        if (job.outputs.has(index)) {
          progress.note = OUTPUT_KEPT;
        } else if (step.skipIf && (await alreadyDone(step.skipIf, progress))) {
          progress.note = SKIPPED_ALREADY_DONE;
          await save();
          await audit({
            action: "step.skipped",
            actor: job.actor,
            appId,
            operationId,
            reason: job.reason,
            before: null,
            after: { step: step.id, index, title: step.title, note: SKIPPED_ALREADY_DONE },
          });
        } else {
          progress.calls++;
          const call = step.call;
          for (let attempt = 1; ; attempt++) {
            let reported = 0;
            try {
              output = await gateway.call(call, (info) => {
                reported += info.attempts;
              });
              break;
            } catch (error) {
              if (!isRetryableRefusal(error) || attempt >= callRetry.attempts) throw error;
              progress.lastError = error.userMessage;
              await save();
            } finally {
              // Counted whether the call succeeded or not; a gateway that does not report counts one.
              progress.attempts += reported > 0 ? reported : 1;
            }
            // Not applied: wait (a stop request wakes the pause) and send it again.
            await pause(callRetry.firstPauseMs * 2 ** (attempt - 1));
            const stop = await checkpoint(false);
            if (stop) throw new Stopped(stop);
          }
          // Journaled at once: a wait (or a resume after a crash) needs the call's output.
          await store.updateStep(operationId, index, { output, progress: { ...progress } });
        }
      }
      if (step.wait) await waitUntil(step.wait, output, progress, save);
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
          return (await gateway.check(condition, null)).done;
        } catch (error) {
          if (!isTransientRead(error) || attempt >= callRetry.attempts) throw error;
          progress.lastError = error.userMessage;
        }
        await pause(callRetry.firstPauseMs * 2 ** (attempt - 1));
      }
    };

    let stop: Stop | null = null;
    let failure: string | null = null;
    let next = job.from;
    try {
      if (!job.resumed) {
        const began = await store.updateOperation(operationId, { status: "running", startedAt: iso() }, { ifStatusIn: ["pending"] });
        if (!began) stop = { kind: "external", status: await store.getOperationStatus(operationId) };
      }

      for (; stop === null && failure === null && next < job.steps.length; next++) {
        const index = next;
        const step = job.steps[index];
        if (!step) break;
        stop = await checkpoint(true);
        if (stop) break;
        const progress = job.progress.get(index) ?? freshProgress();
        progress.note = null;
        await store.updateStep(operationId, index, { status: "running", startedAt: iso(), progress: { ...progress } });
        const stepAudit = (action: "step.succeeded" | "step.failed", extra: Record<string, JsonValue>) =>
          audit({
            action,
            actor: job.actor,
            appId,
            operationId,
            reason: job.reason,
            before: null,
            after: { step: step.id, index, title: step.title, calls: progress.calls, attempts: progress.attempts, polls: progress.polls, ...extra },
          });
        try {
          await runStep(index, step, progress);
          await store.updateStep(operationId, index, { status: "succeeded", finishedAt: iso(), progress: { ...progress } });
          await stepAudit("step.succeeded", progress.note ? { note: progress.note } : {});
        } catch (error) {
          if (error instanceof Stopped) {
            stop = error.stop;
            const message = stopMessage(stop);
            await store.updateStep(operationId, index, { status: "failed", finishedAt: iso(), error: message, progress: { ...progress } });
            await stepAudit("step.failed", { error: message });
          } else {
            if (!isAppError(error) && !(error instanceof StepFailure)) logError(`step ${step.id} of ${operationId} failed`, error);
            const message = userMessageOf(error);
            progress.lastError = message;
            failure = `Step ${index + 1} (${step.title}) failed: ${message}`;
            await store.updateStep(operationId, index, { status: "failed", finishedAt: iso(), error: message, progress: { ...progress } });
            await stepAudit("step.failed", { error: message });
          }
        }
      }

      for (let i = next; i < job.steps.length && (stop !== null || failure !== null); i++) {
        await store.updateStep(operationId, i, { status: "skipped" });
      }

      if (stop) await finishStopped(run, stop, job.reason);
      else if (failure) await finishFailed(run, job, failure);
      else await finishSucceeded(run, job);
    } catch (error) {
      // The journal itself failed (database down?): record what we can; the lease frees the lock.
      logError(`operation ${operationId} could not be journaled`, error);
      await store
        .updateOperation(operationId, { status: "failed", finishedAt: iso(), error: "Teal lost track of this operation (journal error); check the application before retrying." }, { ifStatusIn: ACTIVE })
        .catch(() => undefined);
    } finally {
      clearInterval(heartbeat);
      await store.releaseLock(appId, operationId).catch((error: unknown) => logError(`releasing the lock of ${appId} failed`, error));
    }
  }

  function stopMessage(stop: Stop): string {
    switch (stop.kind) {
      case "abort":
        return `Aborted by ${stop.actor.email}.`;
      case "preempt":
        return `Preempted by ${stop.summary} (started by ${stop.actor.email}).`;
      case "lost-lock":
        return "Stopped: another server took over this application's lock.";
      case "external":
        return `Stopped: the operation was marked ${stop.status ?? "deleted"} elsewhere.`;
    }
  }

  async function finishSucceeded(run: Run, job: Job): Promise<void> {
    const changed = await store.updateOperation(run.operationId, { status: "succeeded", finishedAt: iso(), error: null }, { ifStatusIn: ["running"] });
    if (!changed) return;
    const common = { actor: job.actor, appId: run.appId, operationId: run.operationId, reason: job.reason, before: job.before, after: job.after };
    await audit({ action: job.intent.kind === "rollback" ? "rollback.completed" : "traffic.shifted", ...common });
    await audit({ action: "operation.succeeded", ...common });
  }

  async function finishFailed(run: Run, job: Job, message: string): Promise<void> {
    const changed = await store.updateOperation(run.operationId, { status: "failed", finishedAt: iso(), error: message }, { ifStatusIn: ["running"] });
    if (!changed) return;
    await audit({
      action: "operation.failed",
      actor: job.actor,
      appId: run.appId,
      operationId: run.operationId,
      reason: job.reason,
      before: job.before,
      after: { status: "failed", error: message },
    });
  }

  async function finishStopped(run: Run, stop: Stop, reason: string): Promise<void> {
    switch (stop.kind) {
      case "abort":
        await markAborted(run.operationId, run.appId, stop.actor, stop.reason || reason);
        return;
      case "lost-lock": {
        const message = stopMessage(stop);
        const changed = await store.updateOperation(run.operationId, { status: "failed", finishedAt: iso(), error: message }, { ifStatusIn: ACTIVE });
        if (changed) {
          await audit({ action: "operation.failed", actor: null, appId: run.appId, operationId: run.operationId, reason, before: null, after: { status: "failed", error: message } });
        }
        return;
      }
      case "preempt":
      case "external":
        // The preempting rollback, or whoever changed the status elsewhere, records the outcome.
        return;
    }
  }

  /** Compare-and-set to aborted plus its audit entry; false when the operation had already ended. */
  async function markAborted(operationId: string, appId: string, actor: Actor, reason: string): Promise<boolean> {
    const changed = await store.updateOperation(
      operationId,
      { status: "aborted", finishedAt: iso(), error: `Aborted by ${actor.email}.` },
      { ifStatusIn: ["pending", "running", "interrupted"] },
    );
    if (changed) {
      await audit({ action: "operation.aborted", actor, appId, operationId, reason, before: null, after: { status: "aborted" } });
    }
    return changed;
  }

  async function abort(operationId: string, actor: Actor, reason?: string): Promise<void> {
    const op = await store.getOperation(operationId);
    if (!op) throw new AppError("not_found", "No such operation.");
    if (!["pending", "running", "interrupted"].includes(op.status)) {
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
      const status = await store.getOperationStatus(operationId);
      throw new AppError("conflict", `The operation has already ended (${status ?? "unknown"}).`);
    }
  }

  async function whenIdle(operationId?: string): Promise<void> {
    if (operationId !== undefined) {
      await runs.get(operationId)?.done;
      return;
    }
    while (runs.size > 0) await Promise.all([...runs.values()].map((r) => r.done));
  }

  async function recoverInterrupted(): Promise<Operation[]> {
    // A run of this process whose lease lapsed is included: it sees the new status and stops.
    const interrupted = await store.markRunningInterrupted({ nowMs: now() });
    for (const op of interrupted) {
      await store.releaseLock(op.appId, op.id);
      const inFlight = op.steps.find((s) => s.status === "running");
      await audit({
        action: "operation.interrupted",
        actor: null,
        appId: op.appId,
        operationId: op.id,
        reason: op.reason,
        before: null,
        after: {
          status: "interrupted",
          stepsSucceeded: op.steps.filter((s) => s.status === "succeeded").length,
          inFlightStep: inFlight ? inFlight.id : null,
        },
      });
    }
    return interrupted;
  }

  return {
    start,
    resume,
    abort,
    whenIdle,
    isRunningHere: (operationId) => runs.has(operationId),
    recoverInterrupted,
  };
}
