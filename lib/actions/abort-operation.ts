"use server";

import { AppError } from "@/lib/domain/app-error";
import { appOrThrow } from "@/lib/runtime/plan-service";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { abortInputSchema } from "./schemas";

// Abort a running operation between steps (responders and up).
export async function abortOperation(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("abort", abortInputSchema, input, async (actor, data) => {
    const { rt, app } = await appOrThrow(data.appId);
    const op = await rt.store.getOperation(data.operationId);
    if (!op || op.appId !== app.id) throw new AppError("not_found", "No such operation on this application.");
    await rt.engine.abort(op.id, actor);
    getSnapshotService(rt).invalidate(app.id);
    return { operationId: op.id };
  });
}
