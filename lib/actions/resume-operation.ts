"use server";

import { z } from "zod";
import { AppError } from "@/lib/domain/app-error";
import { appOrThrow } from "@/lib/runtime/plan-service";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { appIdSchema, operationIdSchema, reasonSchema } from "./schemas";

const resumeInputSchema = z.strictObject({
  appId: appIdSchema,
  operationId: operationIdSchema,
  reason: reasonSchema.optional(),
});

// Resume an interrupted or failed operation from its in-flight step (operators and up).
export async function resumeOperation(input: unknown): Promise<ActionResult<{ operationId: string; fromStep: number }>> {
  return runAction("shift", resumeInputSchema, input, async (actor, data) => {
    const { rt, app } = await appOrThrow(data.appId);
    const op = await rt.store.getOperation(data.operationId);
    if (!op || op.appId !== app.id) throw new AppError("not_found", "No such operation on this application.");
    const result = await rt.engine.resume(op.id, actor, data.reason && data.reason.length > 0 ? data.reason : undefined);
    getSnapshotService(rt).invalidate(app.id);
    return result;
  });
}
