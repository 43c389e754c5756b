"use server";

import { z } from "zod";
import { AppError, type Intent } from "@/lib/domain/types";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import { appOrThrow, planFor } from "./plan-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { appIdSchema } from "./schemas";

const standbyInputSchema = z
  .object({
    appId: appIdSchema,
    direction: z.enum(["enter", "exit"]),
    color: z.enum(["blue", "green"]),
    /** Absent: every instance of the colour that can make the move. */
    instanceIds: z
      .array(
        z
          .string()
          .min(1)
          .max(64)
          .regex(/^[A-Za-z0-9-]+$/, "not an instance id"),
      )
      .min(1)
      .max(200)
      .optional(),
    expectedVersion: z.string().min(1).max(64),
    reason: z.string().trim().min(1, "say why (it goes in the audit log)").max(500, "at most 500 characters"),
  })
  .strict();

// Put instances of one colour into Standby or back in service (operators and up), refused if the state changed since the operator looked.
export async function standby(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("shift", standbyInputSchema, input, async (actor, data) => {
    const { rt, app } = await appOrThrow(data.appId);
    const kind = data.direction === "enter" ? ("standby-enter" as const) : ("standby-exit" as const);
    const intent: Intent = data.instanceIds ? { kind, color: data.color, instanceIds: data.instanceIds } : { kind, color: data.color };
    const { state, result } = await planFor(rt, app, intent);
    if (state.version !== data.expectedVersion) {
      throw new AppError("stale", `The instances of ${app.name} changed since you looked. Review the new state and try again.`);
    }
    if (!result.ok) throw new AppError("invalid", result.reason);
    const { operationId } = await rt.engine.start({ plan: result.plan, actor, reason: data.reason });
    getSnapshotService(rt).invalidate(app.id);
    return { operationId };
  });
}
