import "server-only";
import { AppError } from "@/lib/domain/app-error";
import type { Actor, AuditEntryInput, AuditRecord, Operation, OperationStep } from "@/lib/domain/operation";

/**
 * An operator's word to a running progressive delivery: hold it where it is, continue it (after a
 * hold, and ending the current bake now), or approve the manual gate it waits at. Each is one
 * audit record of the operation, which the engine running it reads at its next poll (on whichever
 * server runs it). Refused with `invalid` for an operation that is not a progressive delivery and
 * `conflict` when the run is not where the word applies.
 */
export type ProgressiveSignalKind = "hold" | "continue" | "approve";

const ACTION = { hold: "progressive.held", continue: "progressive.continued", approve: "progressive.approved" } as const;

export interface SignalStore {
  getOperation(id: string): Promise<Operation | null>;
  appendAudit(entry: AuditEntryInput): Promise<unknown>;
  listAudit(filter: { operationId: string; action: readonly AuditRecord["action"][]; limit?: number }): Promise<AuditRecord[]>;
}

/** The step the run is at: the one running, else the first still pending. */
function currentStep(op: Operation): OperationStep | undefined {
  return op.steps.find((s) => s.status === "running") ?? op.steps.find((s) => s.status === "pending");
}

/** The traffic step (0-based) a step of a progressive plan belongs to (its ids are "step<n>-…"). */
function trafficStepOf(step: OperationStep): number | null {
  const wait = step.wait;
  if (wait && (wait.kind === "traffic-share" || wait.kind === "progressive-bake" || wait.kind === "progressive-gate")) return wait.trafficStep;
  const m = /^step(\d+)-/.exec(step.id);
  return m ? Number(m[1]) - 1 : null;
}

/** Whether the latest hold of the operation has not been followed by a continue. */
async function isHeld(store: SignalStore, operationId: string): Promise<boolean> {
  const [latest] = await store.listAudit({ operationId, action: ["progressive.held", "progressive.continued"], limit: 1 });
  return latest?.action === "progressive.held";
}

export async function signalProgressive(
  store: SignalStore,
  operationId: string,
  kind: ProgressiveSignalKind,
  actor: Actor,
  reason?: string,
): Promise<{ action: (typeof ACTION)[ProgressiveSignalKind]; trafficStep: number; step: string }> {
  const op = await store.getOperation(operationId);
  if (!op) throw new AppError("not_found", "There is no such operation.");
  if (op.intent.kind !== "progressive")
    throw new AppError("invalid", "This operation is not a progressive delivery: only those can be held, continued or approved.");
  if (op.status !== "running" && op.status !== "pending") {
    throw new AppError("conflict", `The progressive delivery is ${op.status}; only a running one can be held, continued or approved.`);
  }
  const step = currentStep(op);
  const trafficStep = step ? trafficStepOf(step) : null;
  if (!step || trafficStep === null) throw new AppError("conflict", "The progressive delivery has no step left to act on.");
  const held = await isHeld(store, op.id);
  if (kind === "hold" && held) throw new AppError("conflict", "The progressive delivery is already held.");
  if (kind === "continue" && !held && step.wait?.kind !== "progressive-bake") {
    throw new AppError("conflict", "The progressive delivery is neither held nor baking: there is nothing to continue.");
  }
  if (kind === "approve" && step.wait?.kind !== "progressive-gate") {
    throw new AppError("conflict", "The progressive delivery is not waiting at a manual gate.");
  }
  const action = ACTION[kind];
  await store.appendAudit({
    action,
    actor,
    appId: op.appId,
    operationId: op.id,
    reason: reason?.trim() || null,
    before: null,
    after: { trafficStep, step: step.id, ...(step.wait && "greenPercent" in step.wait ? { greenPercent: step.wait.greenPercent } : {}) },
  });
  return { action, trafficStep, step: step.id };
}
