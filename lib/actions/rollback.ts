"use server";

import { AppError } from "@/lib/domain/types";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import { appOrThrow, planFor } from "./plan-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { rollbackInputSchema } from "./schemas";

// Roll back to blue (responders and up): preempts any running operation, never blocked by the lock.
export async function rollback(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("rollback", rollbackInputSchema, input, async (actor, data) => {
    const { rt, app } = await appOrThrow(data.appId);
    if (data.taskDefinition !== undefined && app.pattern !== "ecs-rolling") {
      throw new AppError("invalid", "Only an ECS rolling update rolls back to a named revision.");
    }
    // Reads that meet throttling or a 5xx are made again: a rollback starts while AWS is unwell.
    const intent = data.taskDefinition !== undefined ? { kind: "rollback" as const, taskDefinition: data.taskDefinition } : { kind: "rollback" as const };
    const { result } = await planFor(rt, app, intent, { patient: true });
    if (!result.ok) throw new AppError("invalid", result.reason);
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
