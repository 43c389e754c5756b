/**
 * How a run ends in the journal and the audit log: succeeded, failed, aborted, or stopped because
 * another server or a rollback took the application. Every outcome is a compare-and-set on the
 * operation's status, so two writers never both record one; its audit records are written in the
 * same transaction, so a crash leaves the outcome and its record both or neither.
 */
import { changeAuditAction } from "@/lib/domain/audit-actions";
import { ACTIVE_STATUSES, IN_FLIGHT_STATUSES } from "@/lib/domain/operation-status";
import type { Actor } from "@/lib/domain/operation";
import type { EngineContext, Job, Run, Stop } from "./context";

/** The step's and the operation's error when the server shut down under them. */
export const SHUTDOWN_MESSAGE = "Stopped: the server shut down; resume or roll back the operation.";

export interface Outcomes {
  stopMessage(stop: Stop): string;
  finishSucceeded(run: Run, job: Job): Promise<void>;
  finishFailed(run: Run, job: Job, message: string): Promise<void>;
  finishStopped(run: Run, stop: Stop, reason: string): Promise<void>;
  /** Compare-and-set to aborted plus its audit entry; false when the operation had already ended. */
  markAborted(operationId: string, appId: string, actor: Actor, reason: string): Promise<boolean>;
}

export function createOutcomes(ctx: EngineContext): Outcomes {
  const { journal, iso } = ctx;

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
      case "shutdown":
        return SHUTDOWN_MESSAGE;
    }
  }

  async function finishSucceeded(run: Run, job: Job): Promise<void> {
    const common = { actor: job.actor, appId: run.appId, operationId: run.operationId, reason: job.reason, before: job.before, after: job.after };
    await journal.updateOperation(
      run.operationId,
      { status: "succeeded", finishedAt: iso(), error: null },
      {
        ifStatusIn: ["running"],
        audit: [
          { action: changeAuditAction(job.intent.kind), ...common },
          { action: "operation.succeeded", ...common },
        ],
      },
    );
  }

  async function finishFailed(run: Run, job: Job, message: string): Promise<void> {
    await journal.updateOperation(
      run.operationId,
      { status: "failed", finishedAt: iso(), error: message },
      {
        ifStatusIn: ["running"],
        audit: [
          {
            action: "operation.failed",
            actor: job.actor,
            appId: run.appId,
            operationId: run.operationId,
            reason: job.reason,
            before: job.before,
            after: { status: "failed", error: message },
          },
        ],
      },
    );
  }

  async function finishStopped(run: Run, stop: Stop, reason: string): Promise<void> {
    switch (stop.kind) {
      case "abort":
        await markAborted(run.operationId, run.appId, stop.actor, stop.reason || reason);
        return;
      case "lost-lock": {
        const message = stopMessage(stop);
        await journal.updateOperation(
          run.operationId,
          { status: "failed", finishedAt: iso(), error: message },
          {
            ifStatusIn: ACTIVE_STATUSES,
            audit: [
              {
                action: "operation.failed",
                actor: null,
                appId: run.appId,
                operationId: run.operationId,
                reason,
                before: null,
                after: { status: "failed", error: message },
              },
            ],
          },
        );
        return;
      }
      case "shutdown":
        // As a crash leaves it (recovery.ts), but at once and with the lock released by the run:
        // another server, or this one restarted, may resume or roll it back without waiting for a lease.
        await journal.updateOperation(
          run.operationId,
          { status: "interrupted", error: SHUTDOWN_MESSAGE },
          {
            ifStatusIn: ACTIVE_STATUSES,
            audit: [
              {
                action: "operation.interrupted",
                actor: null,
                appId: run.appId,
                operationId: run.operationId,
                reason,
                before: null,
                after: { status: "interrupted", cause: "shutdown" },
              },
            ],
          },
        );
        return;
      case "preempt":
      case "external":
        // The preempting rollback, or whoever changed the status elsewhere, records the outcome.
        return;
    }
  }

  async function markAborted(operationId: string, appId: string, actor: Actor, reason: string): Promise<boolean> {
    return journal.updateOperation(
      operationId,
      { status: "aborted", finishedAt: iso(), error: `Aborted by ${actor.email}.` },
      {
        ifStatusIn: IN_FLIGHT_STATUSES,
        audit: [{ action: "operation.aborted", actor, appId, operationId, reason, before: null, after: { status: "aborted" } }],
      },
    );
  }

  return { stopMessage, finishSucceeded, finishFailed, finishStopped, markAborted };
}
