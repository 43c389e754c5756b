/**
 * Preemption: a rollback stops whatever runs on the application (here, on another server, or on a
 * dead one), takes its lock whoever holds it, and, when a stopped operation may still have an AWS
 * call on the wire, ends with a step that waits until no such call can land.
 */
import { ACTIVE_STATUSES, IN_FLIGHT_STATUSES, isActiveStatus } from "@/lib/domain/operation-status";
import { AppError } from "@/lib/domain/app-error";
import type { Actor } from "@/lib/domain/operation";
import type { Plan, Step } from "@/lib/domain/plan";
import { cancelRun, formatSeconds, within, type EngineContext, type Run } from "./context";
import type { Locks } from "./locks";

/** At most this long (real time) a rollback lets a local run it cancelled record its stop. */
export const PREEMPT_GRACE_MS = 200;
/** Id of the step a rollback ends with when a preempted call may still land. */
export const SETTLE_STEP_ID = "settle-preempted-calls";

/** Whether each operation a rollback preempted may still have had an AWS call on the wire. */
export interface Preempted {
  operationId: string;
  callMayLand: boolean;
}

export interface Preemption {
  /**
   * Stops the application's running or interrupted operations and takes the lock whoever holds it.
   * Says which of them may still have an AWS call on the wire.
   */
  preemptAndAcquire(plan: Plan, holder: string, actor: Actor, reason: string): Promise<Preempted[]>;
  /**
   * The last step of a rollback whose preempted operations may still have a call on the wire: it
   * waits until no such call can land (the gateway's bound from now), checking what the rollback's
   * calls established and sending them again if AWS moved. Null when there is no bound.
   */
  settleStep(plan: Plan): Step | null;
}

export function createPreemption(ctx: EngineContext, locks: Locks): Preemption {
  const { journal, gateway, runs, now, iso, stopWaitMs } = ctx;

  async function preemptAndAcquire(plan: Plan, holder: string, actor: Actor, reason: string): Promise<Preempted[]> {
    const appId = plan.appId;
    const active = await journal.listOperations({ appId, status: ACTIVE_STATUSES });
    // Ask local runs to stop: a call in flight is cancelled (the SDK sends no retry of it), a wait
    // sleeping between polls wakes. Give them a moment to record it, never the time of a call.
    const local = active.map((op) => runs.get(op.id)).filter((r): r is Run => r !== undefined);
    // A local run's call cancelled now may already be on the wire; once cancelled, it sends no other.
    const localInFlight = new Set(local.filter((r) => r.callsInFlight > 0).map((r) => r.operationId));
    for (const run of local) cancelRun(run, { kind: "preempt", actor, byOperationId: holder, summary: plan.summary });
    if (local.length > 0) await within(Promise.all(local.map((r) => r.done)), Math.min(stopWaitMs, PREEMPT_GRACE_MS));

    let acquired = false;
    for (let attempt = 0; attempt < 5 && !acquired; attempt++) {
      const lock = await journal.getLock(appId);
      acquired = await locks.takeLock(appId, holder, lock ? { replaceHolder: lock.holder } : {});
    }
    if (!acquired) throw new AppError("conflict", `Could not take the lock of ${appId}; try again.`);

    // Whatever is still in flight on this application (active here, on another server, or on a
    // dead one, or interrupted: it must not be resumed over the rollback) is preempted. A server
    // still running one sees it at its next step or poll and stops.
    const inFlight = await journal.listOperations({ appId, status: IN_FLIGHT_STATUSES });
    const preempted: Preempted[] = [];
    for (const op of inFlight) {
      if (op.id === holder) continue;
      // Another server's run (or a dead one whose lease is still live) may be inside a call, and
      // sees the preemption only when that call returns; an interrupted one's server is gone.
      const callMayLand = localInFlight.has(op.id) || (isActiveStatus(op.status) && !local.some((r) => r.operationId === op.id));
      preempted.push({ operationId: op.id, callMayLand });
      await journal.updateOperation(
        op.id,
        { status: "preempted", finishedAt: iso(), error: `Preempted by ${plan.summary} (started by ${actor.email}).` },
        {
          ifStatusIn: IN_FLIGHT_STATUSES,
          audit: [
            {
              action: "operation.preempted",
              actor,
              appId,
              operationId: op.id,
              reason,
              before: { status: op.status },
              after: { status: "preempted", preemptedBy: holder },
            },
          ],
        },
      );
    }
    for (const run of local) {
      if (localInFlight.has(run.operationId) && !preempted.some((p) => p.operationId === run.operationId)) {
        // It recorded its own end before we looked (its call was answered as it was cancelled).
        preempted.push({ operationId: run.operationId, callMayLand: true });
      }
    }
    return preempted;
  }

  function settleStep(plan: Plan): Step | null {
    const boundMs = ctx.inFlightBoundMs ?? gateway.inFlightBoundMs ?? 0;
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

  return { preemptAndAcquire, settleStep };
}
