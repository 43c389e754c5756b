"use server";

import { AppError } from "@/lib/domain/types";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import { appOrThrow, planFor } from "./plan-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { rollbackInputSchema } from "./schemas";

// Roll back to blue (responders and up): preempts any running operation, never blocked by the lock.
/** The operation started, or (operationId null) why there was nothing to roll back. */
export type RollbackResult =
  { operationId: string; nothingToDo?: undefined } | { operationId: null; nothingToDo: { headline: string; detail: string } };

export async function rollback(input: unknown): Promise<ActionResult<RollbackResult>> {
  return runAction("rollback", rollbackInputSchema, input, async (actor, data): Promise<RollbackResult> => {
    const { rt, app } = await appOrThrow(data.appId);
    if (data.taskDefinition !== undefined && app.pattern !== "ecs-rolling") {
      throw new AppError("invalid", "Only an ECS rolling update rolls back to a named revision.");
    }
    // Reads that meet throttling or a 5xx are made again: a rollback starts while AWS is unwell.
    const intent =
      data.taskDefinition !== undefined ? { kind: "rollback" as const, taskDefinition: data.taskDefinition } : { kind: "rollback" as const };
    const { result } = await planFor(rt, app, intent, { patient: true });
    if (!result.ok) throw new AppError("invalid", result.reason);
    if (result.plan.nothingToDo) {
      // Nothing runs and AWS already is blue: no operation, no AWS call. The request is audited
      // with who asked, why, and the figures that showed there was nothing to do.
      const { headline, detail } = result.plan.nothingToDo;
      await rt.store.appendAudit({
        action: "rollback.nothing_to_do",
        actor,
        appId: app.id,
        operationId: null,
        reason: data.reason && data.reason.length > 0 ? data.reason : "Rollback (no reason given)",
        before: result.plan.before,
        after: { ...result.plan.after, nothingToDo: `${headline}: ${detail}` },
      });
      return { operationId: null, nothingToDo: { headline, detail } };
    }
    const { operationId } = await rt.engine.start({
      plan: result.plan,
      actor,
      // No reason is kept as none: the views say "no reason given" in their own words, never as a quote.
      reason: data.reason ?? "",
      preempt: true,
    });
    getSnapshotService(rt).invalidate(app.id);
    return { operationId };
  });
}
