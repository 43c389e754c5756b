"use server";

import { z } from "zod";
import { AppError } from "@/lib/domain/types";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import { appOrThrow } from "./plan-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { appIdSchema } from "./schemas";

const resumeInputSchema = z
  .object({
    appId: appIdSchema,
    operationId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, "not an operation id"),
    reason: z.string().trim().max(500, "at most 500 characters").optional(),
  })
  .strict();

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
