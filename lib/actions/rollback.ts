"use server";

import { AppError } from "@/lib/domain/app-error";
import { appOrThrow, runIntent } from "@/lib/runtime/plan-service";
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
    return runIntent(rt, app, {
      intent: data.taskDefinition !== undefined ? { kind: "rollback", taskDefinition: data.taskDefinition } : { kind: "rollback" },
      actor,
      // No reason is kept as none: the views say "no reason given" in their own words, never as a quote.
      reason: data.reason ?? "",
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
          reason: data.reason && data.reason.length > 0 ? data.reason : "Rollback (no reason given)",
          before: plan.before,
          after: { ...plan.after, nothingToDo: `${headline}: ${detail}` },
        });
        return { operationId: null, nothingToDo: { headline, detail } };
      },
    });
  });
}
