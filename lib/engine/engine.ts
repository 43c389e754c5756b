/**
 * The engine runs plans: it takes the application's lock, journals the operation and its steps,
 * runs the steps in the background (call, then poll the wait condition), records each outcome,
 * writes the audit trail and releases the lock. Rollback preempts whatever is running.
 */

import { randomUUID } from "node:crypto";
import {
  AppError,
  type Actor,
  type AuditEntryInput,
  type AwsGateway,
  type JsonValue,
  type Operation,
  type OperationStatus,
  type Plan,
  type Step,
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
  /** Lock lease; renewed while the operation runs (default 60 s). */
  leaseMs?: number;
  /** Longest pause between polls, however the backoff grows (default 15 s). */
  maxPollMs?: number;
  /** How long (real time) a rollback or an abort waits for a running operation to stop (default 15 s). */
  stopWaitMs?: number;
  /** Where unexpected internal errors are logged (default console.error). */
  logError?: (message: string, error: unknown) => void;
}

export interface StartInput {
  plan: Plan;
  actor: Actor;
  reason: string;
  /** Cancel the application's running operation and take its lock (rollback). */
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
   * Stops an operation between steps (a wait is cancelled at its next poll) and marks it aborted.
   * Works for operations run by another server sharing the database, and for interrupted ones.
   */
  abort(operationId: string, actor: Actor, reason?: string): Promise<void>;
  /** Resolves when the background run of `operationId` (or of every operation) has finished. */
  whenIdle(operationId?: string): Promise<void>;
  /** Whether this process is running the operation. */
  isRunningHere(operationId: string): boolean;
  /**
   * At start-up: operations left running or pending by a dead server become `interrupted`, their
   * locks are released and audited. Operations whose lock lease is still live (another server is
   * running them) are left alone, so it is safe to call again later.
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
  /** Set when the run has recorded its outcome and released the lock. */
  finished: boolean;
  done: Promise<void>;
}

class Stopped extends Error {
  constructor(readonly stop: Stop) {
    super(`stopped: ${stop.kind}`);
  }
}

/** A step failure whose message is already safe to show. */
class StepFailure extends Error {}

const ACTIVE: readonly OperationStatus[] = ["pending", "running"];

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
  if (error instanceof AppError) return error.userMessage;
  return "Unexpected internal error (details are in the server log).";
}

/** What a wait condition waits for, in words ("waiting for …"). */
export function describeWait(wait: WaitCondition, step: Pick<Step, "title">): string {
  switch (wait.kind) {
    case "route53-change-insync":
      return "the Route 53 change to be INSYNC";
    case "elb-in-service":
      return `${wait.minInService} instance(s) InService behind ${wait.loadBalancerName}`;
    default:
      return `"${step.title}"`;
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(1)} s`;
}

export function createEngine(options: EngineOptions): Engine {
  const store = options.store;
  const gateway = options.gateway;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxPollMs = options.maxPollMs ?? 15_000;
  const stopWaitMs = options.stopWaitMs ?? 15_000;
  const logError = options.logError ?? ((message: string, error: unknown) => console.error(`[engine] ${message}`, error));
  const runs = new Map<string, Run>();
  const iso = () => new Date(now()).toISOString();

  async function audit(entry: AuditEntryInput): Promise<void> {
    await store.appendAudit(entry);
  }

  /** Takes the application's lock for a new operation, or explains who holds it. */
  async function acquire(appId: string, holder: string): Promise<void> {
    if (await store.tryAcquireLock(appId, holder, leaseMs, now())) return;
    const lock = await store.getLock(appId);
    const owner = lock ? await store.getOperation(lock.holder) : null;
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

  /** Stops the application's running operations and takes the lock whoever holds it. */
  async function preemptAndAcquire(plan: Plan, holder: string, actor: Actor, reason: string): Promise<void> {
    const appId = plan.appId;
    const active = await store.listOperations({ appId, status: ACTIVE });
    // Ask local runs to stop between steps and give them a moment to do so cleanly.
    const local = active.map((op) => runs.get(op.id)).filter((r): r is Run => r !== undefined);
    for (const run of local) run.cancel ??= { kind: "preempt", actor, byOperationId: holder, summary: plan.summary };
    if (local.length > 0) await within(Promise.all(local.map((r) => r.done)), stopWaitMs);

    let acquired = false;
    for (let attempt = 0; attempt < 5 && !acquired; attempt++) {
      const lock = await store.getLock(appId);
      acquired = await store.tryAcquireLock(appId, holder, leaseMs, now(), lock ? { replaceHolder: lock.holder } : {});
    }
    if (!acquired) throw new AppError("conflict", `Could not take the lock of ${appId}; try again.`);

    // Whatever is still marked active on this application (here, on another server, or on a dead
    // one) is preempted. A server still running one sees it at its next step or poll and stops.
    const stillActive = await store.listOperations({ appId, status: ACTIVE });
    for (const op of stillActive) {
      if (op.id === holder) continue;
      const changed = await store.updateOperation(
        op.id,
        { status: "preempted", finishedAt: iso(), error: `Preempted by ${plan.summary} (started by ${actor.email}).` },
        { ifStatusIn: ACTIVE },
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
      });
      const common = { actor, appId: plan.appId, operationId, reason, before: plan.before, after: plan.after };
      await audit({ action: "operation.started", ...common });
      if (plan.intent.kind === "rollback") await audit({ action: "rollback.started", ...common });
    } catch (error) {
      await store.releaseLock(plan.appId, operationId).catch((e: unknown) => logError("releasing the lock failed", e));
      throw error;
    }

    const run: Run = { operationId, appId: plan.appId, cancel: null, finished: false, done: Promise.resolve() };
    runs.set(operationId, run);
    run.done = execute(run, plan, actor, reason)
      .catch((error: unknown) => logError(`operation ${operationId} crashed`, error))
      .finally(() => {
        run.finished = true;
        runs.delete(operationId);
      });
    return { operationId };
  }

  async function execute(run: Run, plan: Plan, actor: Actor, reason: string): Promise<void> {
    const { operationId, appId } = run;
    let lastRenew = now();

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

    const waitUntil = async (step: Step, wait: WaitCondition, output: JsonValue | null): Promise<void> => {
      const startedAt = now();
      const cap = Math.max(wait.pollMs, Math.min(wait.pollMs * 4, maxPollMs));
      let delay = wait.pollMs;
      let last = "";
      for (;;) {
        const stop = await checkpoint(false);
        if (stop) throw new Stopped(stop);
        try {
          const result = await gateway.check(wait, output);
          if (result.done) return;
          last = result.detail;
        } catch (error) {
          // Polls only read: a throttled poll is retried at the next interval, anything else fails the step.
          if (!(error instanceof AppError && error.code === "throttled")) throw error;
          last = error.userMessage;
        }
        const remaining = startedAt + wait.timeoutMs - now();
        if (remaining <= 0) {
          const lastSeen = last ? ` (last check: ${last})` : "";
          throw new StepFailure(`Timed out after ${formatSeconds(wait.timeoutMs)} waiting for ${describeWait(wait, step)}${lastSeen}.`);
        }
        await sleep(Math.min(delay, remaining));
        delay = Math.min(Math.ceil(delay * 1.5), cap);
      }
    };

    let stop: Stop | null = null;
    let failure: string | null = null;
    let nextStep = 0;
    try {
      const began = await store.updateOperation(operationId, { status: "running", startedAt: iso() }, { ifStatusIn: ["pending"] });
      if (!began) stop = { kind: "external", status: await store.getOperationStatus(operationId) };

      for (; stop === null && failure === null && nextStep < plan.steps.length; nextStep++) {
        const index = nextStep;
        const step = plan.steps[index];
        if (!step) break;
        stop = await checkpoint(true);
        if (stop) break;
        await store.updateStep(operationId, index, { status: "running", startedAt: iso() });
        try {
          let output: JsonValue | null = null;
          if (step.call) {
            output = await gateway.call(step.call);
            // Journaled at once: a wait (or a resume after a crash) needs the call's output.
            await store.updateStep(operationId, index, { output });
          }
          if (step.wait) await waitUntil(step, step.wait, output);
          await store.updateStep(operationId, index, { status: "succeeded", finishedAt: iso() });
        } catch (error) {
          if (error instanceof Stopped) {
            stop = error.stop;
            await store.updateStep(operationId, index, { status: "failed", finishedAt: iso(), error: stopMessage(stop) });
          } else {
            if (!(error instanceof AppError) && !(error instanceof StepFailure)) logError(`step ${step.id} of ${operationId} failed`, error);
            const message = userMessageOf(error);
            failure = `Step ${index + 1} (${step.title}) failed: ${message}`;
            await store.updateStep(operationId, index, { status: "failed", finishedAt: iso(), error: message });
          }
        }
      }

      for (let i = nextStep; i < plan.steps.length && (stop !== null || failure !== null); i++) {
        await store.updateStep(operationId, i, { status: "skipped" });
      }

      if (stop) await finishStopped(run, stop, reason);
      else if (failure) await finishFailed(run, actor, reason, failure);
      else await finishSucceeded(run, plan, actor, reason);
    } catch (error) {
      // The journal itself failed (database down?): record what we can; the lease frees the lock.
      logError(`operation ${operationId} could not be journaled`, error);
      await store
        .updateOperation(operationId, { status: "failed", finishedAt: iso(), error: "Teal lost track of this operation (journal error); check the application before retrying." }, { ifStatusIn: ACTIVE })
        .catch(() => undefined);
    } finally {
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

  async function finishSucceeded(run: Run, plan: Plan, actor: Actor, reason: string): Promise<void> {
    const changed = await store.updateOperation(run.operationId, { status: "succeeded", finishedAt: iso(), error: null }, { ifStatusIn: ["running"] });
    if (!changed) return;
    const common = { actor, appId: run.appId, operationId: run.operationId, reason, before: plan.before, after: plan.after };
    await audit({ action: plan.intent.kind === "rollback" ? "rollback.completed" : "traffic.shifted", ...common });
    await audit({ action: "operation.succeeded", ...common });
  }

  async function finishFailed(run: Run, actor: Actor, reason: string, message: string): Promise<void> {
    const changed = await store.updateOperation(run.operationId, { status: "failed", finishedAt: iso(), error: message }, { ifStatusIn: ["running"] });
    if (!changed) return;
    await audit({ action: "operation.failed", actor, appId: run.appId, operationId: run.operationId, reason, before: null, after: { status: "failed", error: message } });
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
      run.cancel ??= { kind: "abort", actor, reason: why };
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
    abort,
    whenIdle,
    isRunningHere: (operationId) => runs.has(operationId),
    recoverInterrupted,
  };
}
