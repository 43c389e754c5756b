/**
 * The engine runs plans: it takes the application's lock, journals the operation and its steps,
 * runs the steps in the background (the `skipIf` check, the call, then the wait polled with
 * backoff), records each outcome and its counters, writes the audit trail and releases the lock.
 * Rollback preempts whatever is running; an interrupted or failed operation can be resumed from
 * the step that was running or failed.
 */

import { randomUUID } from "node:crypto";
import { waitTarget } from "@/lib/domain/wait-words";
import { changeAuditAction } from "@/lib/domain/audit-actions";
import {
  AppError,
  isAppError,
  type Actor,
  type AuditEntryInput,
  type AwsCall,
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

/** A lease this process holds: its heartbeat, and what to do when it is lost. */
interface Lease {
  lastRenew: number;
  onLost: (() => void) | null;
  stop: () => void;
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

/** Whether each operation a rollback preempted may still have had an AWS call on the wire. */
interface Preempted {
  operationId: string;
  callMayLand: boolean;
}

/** At most this long (real time) a rollback lets a local run it cancelled record its stop. */
export const PREEMPT_GRACE_MS = 200;
/** Id of the step a rollback ends with when a preempted call may still land. */
export const SETTLE_STEP_ID = "settle-preempted-calls";

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

/**
 * The lease of a running operation. Short, so that a dead server's operation is found
 * interrupted within seconds (lease + `RECOVERY_INTERVAL_MS`); the heartbeat renews it every
 * quarter lease from a timer, whatever the run is doing, so a live server loses it only when no
 * renewal reaches the database for about three quarters of a lease (7.5 s) or its event loop
 * stalls that long.
 */
export const DEFAULT_LEASE_MS = 10_000;
/** The heartbeat's period as a share of the lease: three renewals may be lost before it lapses. */
const HEARTBEATS_PER_LEASE = 4;

function realEvery(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
}

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

/** What a wait condition waits for, in words ("waiting for …"): the one wording of lib/domain. */
export const describeWait = waitTarget;

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
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const every = options.every ?? realEvery;
  const maxPollMs = options.maxPollMs ?? 15_000;
  const stopWaitMs = options.stopWaitMs ?? 15_000;
  const callRetry = options.callRetry ?? { attempts: 5, firstPauseMs: 2_000 };
  const logError = options.logError ?? ((message: string, error: unknown) => console.error(`[engine] ${message}`, error));
  const runs = new Map<string, Run>();
  const iso = () => new Date(now()).toISOString();

  async function audit(entry: AuditEntryInput): Promise<void> {
    await store.appendAudit(entry);
  }

  /** Asks a local run to stop, cancels its AWS call in flight and wakes it if it is sleeping between polls. */
  function cancelRun(run: Run, stop: Stop): void {
    run.cancel ??= stop;
    run.controller.abort();
    run.wake?.();
  }

  /** The heartbeat of every lease this process holds, by holder (operation id). */
  const leases = new Map<string, Lease>();
  const renewEveryMs = Math.max(250, Math.floor(leaseMs / HEARTBEATS_PER_LEASE));

  /**
   * Renews `holder`'s lease every quarter lease from a timer, from the moment the lock is taken
   * (the journal writes before the run starts may be slow too) until `dropLease`, whatever the run
   * is doing: a lapsed lease would let another server's recovery mark a live operation
   * interrupted. Renewals are not chained (one the database is slow to take does not delay the
   * next). It stops itself once the lock is no longer the holder's (released after a failed start,
   * or taken over) and tells the run.
   */
  function keepLease(appId: string, holder: string, renewNow: boolean): void {
    if (leases.has(holder)) return;
    const lease: Lease = { lastRenew: now(), onLost: null, stop: () => undefined };
    const renew = () => {
      store
        .renewLock(appId, holder, leaseMs, now())
        .then((held) => {
          if (held) {
            lease.lastRenew = now();
            return;
          }
          dropLease(holder, lease);
          lease.onLost?.();
        })
        .catch((error: unknown) => logError(`renewing the lease of ${holder} failed`, error));
    };
    lease.stop = every(renewEveryMs, renew);
    leases.set(holder, lease);
    if (renewNow) renew();
  }

  function dropLease(holder: string, lease = leases.get(holder)): void {
    lease?.stop();
    if (lease && leases.get(holder) === lease) leases.delete(holder);
  }

  /** tryAcquireLock, and the lease kept alive from then on. */
  async function takeLock(appId: string, holder: string, options: { replaceHolder?: string } = {}): Promise<boolean> {
    const sentAt = now();
    if (!(await store.tryAcquireLock(appId, holder, leaseMs, sentAt, options))) return false;
    // A slow write of the lock itself has used up part of the lease: renew at once.
    keepLease(appId, holder, now() - sentAt >= renewEveryMs);
    return true;
  }

  /** Takes the application's lock for `holder`, or explains who holds it. */
  async function acquire(appId: string, holder: string): Promise<void> {
    if (await takeLock(appId, holder)) return;
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
      if (await takeLock(appId, holder, { replaceHolder: lock.holder })) return;
    }
    if (!lock) {
      // Released between our attempt and the look-up: one more try.
      if (await takeLock(appId, holder)) return;
    }
    const what = owner ? `${owner.summary} (started by ${owner.actor.email})` : "an operation is in progress";
    throw new AppError("conflict", `Another operation is running on ${appId}: ${what}.`);
  }

  /**
   * Stops the application's running or interrupted operations and takes the lock whoever holds it.
   * Says which of them may still have an AWS call on the wire.
   */
  async function preemptAndAcquire(plan: Plan, holder: string, actor: Actor, reason: string): Promise<Preempted[]> {
    const appId = plan.appId;
    const active = await store.listOperations({ appId, status: ACTIVE });
    // Ask local runs to stop: a call in flight is cancelled (the SDK sends no retry of it), a wait
    // sleeping between polls wakes. Give them a moment to record it, never the time of a call.
    const local = active.map((op) => runs.get(op.id)).filter((r): r is Run => r !== undefined);
    // A local run's call cancelled now may already be on the wire; once cancelled, it sends no other.
    const localInFlight = new Set(local.filter((r) => r.callsInFlight > 0).map((r) => r.operationId));
    for (const run of local) cancelRun(run, { kind: "preempt", actor, byOperationId: holder, summary: plan.summary });
    if (local.length > 0) await within(Promise.all(local.map((r) => r.done)), Math.min(stopWaitMs, PREEMPT_GRACE_MS));

    let acquired = false;
    for (let attempt = 0; attempt < 5 && !acquired; attempt++) {
      const lock = await store.getLock(appId);
      acquired = await takeLock(appId, holder, lock ? { replaceHolder: lock.holder } : {});
    }
    if (!acquired) throw new AppError("conflict", `Could not take the lock of ${appId}; try again.`);

    // Whatever is still marked active on this application (here, on another server, or on a dead
    // one) is preempted, and so is an interrupted one (it must not be resumed over the rollback).
    // A server still running one sees it at its next step or poll and stops.
    const stillActive = await store.listOperations({ appId, status: PREEMPTABLE });
    const preempted: Preempted[] = [];
    for (const op of stillActive) {
      if (op.id === holder) continue;
      // Another server's run (or a dead one whose lease is still live) may be inside a call, and
      // sees the preemption only when that call returns; an interrupted one's server is gone.
      const callMayLand = localInFlight.has(op.id) || (ACTIVE.includes(op.status) && !local.some((r) => r.operationId === op.id));
      preempted.push({ operationId: op.id, callMayLand });
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
    for (const run of local) {
      if (localInFlight.has(run.operationId) && !preempted.some((p) => p.operationId === run.operationId)) {
        // It recorded its own end before we looked (its call was answered as it was cancelled).
        preempted.push({ operationId: run.operationId, callMayLand: true });
      }
    }
    return preempted;
  }

  /**
   * The last step of a rollback whose preempted operations may still have a call on the wire: it
   * waits until no such call can land (the gateway's bound from now), checking what the rollback's
   * calls established and sending them again if AWS moved.
   */
  function settleStep(plan: Plan): Step | null {
    const boundMs = options.inFlightBoundMs ?? gateway.inFlightBoundMs ?? 0;
    if (boundMs <= 0) return null;
    const checks = plan.steps.flatMap((step, index) => (step.call && step.holds ? [{ step: index, holds: step.holds }] : []));
    const pollMs = Math.min(5_000, ...checks.map((c) => c.holds.pollMs));
    const bound = gateway.inFlightBound ?? "the configured bound";
    const what = checks.length > 0 ? "checking the weights and setting them again if a late call moved them" : "nothing here can check its effect";
    return {
      id: SETTLE_STEP_ID,
      title: `Wait ${formatSeconds(boundMs)} (${bound}) until no call of the preempted operation can still land, ${what}`,
      wait: { kind: "preempted-calls-settled", untilMs: now() + boundMs, boundMs, bound, checks, timeoutMs: boundMs + 120_000, pollMs },
    };
  }

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

    let steps = plan.steps;
    if (input.preempt) {
      const preempted = await preemptAndAcquire(plan, operationId, actor, reason);
      const settle = preempted.some((p) => p.callMayLand) ? settleStep(plan) : null;
      if (settle) steps = [...plan.steps, settle];
    } else {
      await acquire(plan.appId, operationId);
    }

    try {
      await store.createOperation({
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
    // The lease has been kept since the lock was taken (see keepLease); from now on losing it stops the run.
    keepLease(appId, operationId, false);
    const lease = leases.get(operationId);
    if (lease) lease.onLost = () => cancelRun(run, { kind: "lost-lock" });

    /** Between steps and before each poll: should we stop? Also keeps the lease alive. */
    const checkpoint = async (forceRenew: boolean): Promise<Stop | null> => {
      if (run.cancel) return run.cancel;
      const status = await store.getOperationStatus(operationId);
      if (status !== "running") return { kind: "external", status };
      if (forceRenew || !lease || now() - lease.lastRenew >= renewEveryMs) {
        if (!(await store.renewLock(appId, operationId, leaseMs, now()))) return { kind: "lost-lock" };
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
          throw new StepFailure(`Timed out after ${formatSeconds(wait.timeoutMs)} waiting for ${describeWait(wait)}${lastSeen}.`);
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
          throw new StepFailure(
            `Timed out after ${formatSeconds(wait.timeoutMs)} waiting for ${describeWait(wait)}${last ? ` (last: ${last})` : ""}.`,
          );
        }
        const left = wait.untilMs - now();
        await pause(left > 0 ? Math.min(wait.pollMs, left) : wait.pollMs);
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
          output = await sendCall(step.call, progress, save);
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
        .updateOperation(
          operationId,
          { status: "failed", finishedAt: iso(), error: "Teal lost track of this operation (journal error); check the application before retrying." },
          { ifStatusIn: ACTIVE },
        )
        .catch(() => undefined);
    } finally {
      dropLease(operationId);
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
    const changed = await store.updateOperation(
      run.operationId,
      { status: "succeeded", finishedAt: iso(), error: null },
      { ifStatusIn: ["running"] },
    );
    if (!changed) return;
    const common = { actor: job.actor, appId: run.appId, operationId: run.operationId, reason: job.reason, before: job.before, after: job.after };
    await audit({ action: changeAuditAction(job.intent.kind), ...common });
    await audit({ action: "operation.succeeded", ...common });
  }

  async function finishFailed(run: Run, job: Job, message: string): Promise<void> {
    const changed = await store.updateOperation(
      run.operationId,
      { status: "failed", finishedAt: iso(), error: message },
      { ifStatusIn: ["running"] },
    );
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
          await audit({
            action: "operation.failed",
            actor: null,
            appId: run.appId,
            operationId: run.operationId,
            reason,
            before: null,
            after: { status: "failed", error: message },
          });
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
