"use server";

import { z } from "zod";
import { AppError } from "@/lib/domain/types";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import { appOrThrow, planFor } from "./plan-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { appIdSchema } from "./schemas";

const scaleGreenInputSchema = z
  .object({
    appId: appIdSchema,
    capacity: z.number().int("a whole number of instances or tasks").min(0).max(10_000),
    expectedVersion: z.string().min(1).max(64),
    reason: z.string().trim().min(1, "say why (it goes in the audit log)").max(500, "at most 500 characters"),
  })
  .strict();

// Scale green's capacity before a shift (operators and up), refused if the state changed since the operator looked.
export async function scaleGreen(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("shift", scaleGreenInputSchema, input, async (actor, data) => {
    const { rt, app } = await appOrThrow(data.appId);
    const { state, result } = await planFor(rt, app, { kind: "scale-green", capacity: data.capacity });
    if (state.version !== data.expectedVersion) {
      throw new AppError("stale", `The capacity of ${app.name} changed since you looked. Review the new state and try again.`);
    }
    if (!result.ok) throw new AppError("invalid", result.reason);
    const { operationId } = await rt.engine.start({ plan: result.plan, actor, reason: data.reason });
    getSnapshotService(rt).invalidate(app.id);
    return { operationId };
  });
}
