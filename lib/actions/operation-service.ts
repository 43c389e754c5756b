import "server-only";
import { AppError } from "@/lib/domain/app-error";
import type { Intent, PlanRequest } from "@/lib/domain/intent";
import type { Actor, Operation } from "@/lib/domain/operation";
import type { PlanPreview } from "@/lib/domain/plan";
import type { AppState } from "@/lib/domain/app-state";
import type { AppConfig } from "@/lib/config/schema";
import { can, type Capability } from "@/lib/auth/roles";
import { appOrThrow, planIntent, runIntent } from "@/lib/runtime/plan-service";
import type { Runtime } from "@/lib/runtime/runtime";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import { checkGreenBeforeRaising, greenVerdictOrNull } from "./green-guard";
import { planReassert } from "./reassert-service";

/**
 * What the console's server actions and the REST API (`/api/v1`) both run once the caller is
 * authorized and the input validated: start an intent, roll back, abort, resume, preview a plan.
 * One path, so the API and the console cannot behave differently.
 */

/** The capability an intent needs: rolling back is a responder's, everything else an operator's. */
export function capabilityOf(intent: Intent): Capability {
  if (intent.kind === "rollback") return "rollback";
  if (intent.kind === "promote") return "promote";
  return "shift";
}

/** The operation started, or (operationId null) why there was nothing to roll back. */
export type RollbackResult =
  { operationId: string; nothingToDo?: undefined } | { operationId: null; nothingToDo: { headline: string; detail: string } };

export interface IntentStart {
  appId: string;
  intent: Exclude<Intent, { kind: "rollback" }>;
  reason: string;
  /** The state version the caller confirmed; absent: whatever AWS is now. */
  expectedVersion?: string;
  /** Typed by the person (the application id) to give a failing or slower green more traffic anyway. */
  override?: string;
}

/** What moved since the caller looked, in their words, by intent. */
function changedSince(app: AppConfig, intent: IntentStart["intent"]): (state: AppState) => string {
  switch (intent.kind) {
    case "shift":
    case "promote":
    case "progressive":
      return (state) => `The traffic configuration of ${app.name} changed since you looked (green is now ${state.configured.greenPercent} %).`;
    case "standby-enter":
    case "standby-exit":
      return () => `The instances of ${app.name} changed since you looked.`;
    case "scale-green":
      return () => `The capacity of ${app.name} changed since you looked.`;
    case "deploy-revision":
      return () => `The service of ${app.name} changed since you looked (a deployment started or finished).`;
  }
}

/**
 * Starts any intent but a rollback: observe, plan, check the expected version, judge green before
 * it gets more traffic (shift, promote), start through the engine (journal and audit).
 */
export async function startIntent(actor: Actor, run: IntentStart): Promise<{ operationId: string }> {
  const { rt, app } = await appOrThrow(run.appId);
  const { intent } = run;
  const raises = intent.kind === "shift" || intent.kind === "promote";
  return runIntent(rt, app, {
    intent,
    actor,
    ...(run.expectedVersion !== undefined ? { expected: { version: run.expectedVersion, changed: changedSince(app, intent) } } : {}),
    reason: raises
      ? async (state) => {
          const overrideNote = await checkGreenBeforeRaising(rt, app, state, intent, run.override);
          // The override goes into the operation's reason, so the audit entries of the run carry it.
          return overrideNote ? `${run.reason} [${overrideNote}]` : run.reason;
        }
      : run.reason,
  });
}

/** Rolls back to blue: preempts any running operation, never blocked by the lock; nothing runs when AWS already is blue. */
export async function startRollback(actor: Actor, run: { appId: string; reason?: string; taskDefinition?: string }): Promise<RollbackResult> {
  const { rt, app } = await appOrThrow(run.appId);
  if (run.taskDefinition !== undefined && app.pattern !== "ecs-rolling") {
    throw new AppError("invalid", "Only an ECS rolling update rolls back to a named revision.");
  }
  return runIntent(rt, app, {
    intent: run.taskDefinition !== undefined ? { kind: "rollback", taskDefinition: run.taskDefinition } : { kind: "rollback" },
    actor,
    // No reason is kept as none: the views say "no reason given" in their own words, never as a quote.
    reason: run.reason ?? "",
    // Reads that meet throttling or a 5xx are made again: a rollback starts while AWS is unwell.
    patient: true,
    preempt: true,
    async nothingToDo(plan, { headline, detail }) {
      // Nothing runs and AWS already is blue: no operation, no AWS call. The request is audited
      // with who asked, why, and the figures that showed there was nothing to do.
      await rt.store.appendAudit({
        action: "rollback.nothing_to_do",
        actor,
        appId: app.id,
        operationId: null,
        reason: run.reason && run.reason.length > 0 ? run.reason : "Rollback (no reason given)",
        before: plan.before,
        after: { ...plan.after, nothingToDo: `${headline}: ${detail}` },
      });
      return { operationId: null, nothingToDo: { headline, detail } };
    },
  });
}

/** The operation, if it is one of the application's; not_found otherwise. */
export async function operationOf(rt: Runtime, appId: string, operationId: string): Promise<Operation> {
  const op = await rt.store.getOperation(operationId);
  if (!op || op.appId !== appId) throw new AppError("not_found", "No such operation on this application.");
  return op;
}

/** Aborts a running operation between steps. */
export async function abortAs(actor: Actor, appId: string, operationId: string): Promise<{ operationId: string }> {
  const { rt, app } = await appOrThrow(appId);
  const op = await operationOf(rt, app.id, operationId);
  await rt.engine.abort(op.id, actor);
  getSnapshotService(rt).invalidate(app.id);
  return { operationId: op.id };
}

/** Resumes an interrupted or failed operation from its in-flight step. */
export async function resumeAs(
  actor: Actor,
  appId: string,
  operationId: string,
  reason?: string,
): Promise<{ operationId: string; fromStep: number }> {
  const { rt, app } = await appOrThrow(appId);
  const op = await operationOf(rt, app.id, operationId);
  const result = await rt.engine.resume(op.id, actor, reason && reason.length > 0 ? reason : undefined);
  getSnapshotService(rt).invalidate(app.id);
  return result;
}

/**
 * The plan a request would run, from fresh state; changes nothing. Checks the capability the
 * request needs beyond previewing a rollback (the least the caller was checked for).
 */
export async function previewPlan(actor: Actor, appId: string, request: PlanRequest): Promise<PlanPreview> {
  if (request.kind === "reassert") {
    if (!can(actor.role, "reassert")) throw new AppError("forbidden", "Permission denied: only responders and up can re-assert the last state.");
    const { rt, app } = await appOrThrow(appId);
    const { state, result } = await planReassert(rt, app);
    return { ...result, version: state?.version ?? "" };
  }
  if (request.kind !== "rollback" && !can(actor.role, "shift")) {
    throw new AppError("forbidden", "Permission denied: only operators can shift traffic.");
  }
  const { rt, app } = await appOrThrow(appId);
  const { state, result } = await planIntent(rt, app, request);
  const preview: PlanPreview = { ...result, version: state.version };
  // Shift and promote dialogs show green against blue, as the server will judge it on confirm.
  if (request.kind === "shift" || request.kind === "promote") {
    const verdict = await greenVerdictOrNull(rt, app.id);
    if (verdict) preview.greenVerdict = verdict;
  }
  return preview;
}
