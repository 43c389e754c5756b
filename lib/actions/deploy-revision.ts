"use server";

import { z } from "zod";
import { AppError } from "@/lib/domain/types";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import { appOrThrow, planFor } from "./plan-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { appIdSchema } from "./schemas";

const deployRevisionInputSchema = z
  .object({
    appId: appIdSchema,
    taskDefinition: z
      .string()
      .trim()
      .min(1)
      .max(300)
      .regex(/^[A-Za-z0-9_:/.-]+$/, "family:revision or a task definition ARN"),
    expectedVersion: z.string().min(1).max(64),
    reason: z.string().trim().min(1, "say why (it goes in the audit log)").max(500, "at most 500 characters"),
  })
  .strict();

// Roll an ECS service out to another task definition revision (operators and up), refused if the service changed since the operator looked.
export async function deployRevision(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("shift", deployRevisionInputSchema, input, async (actor, data) => {
    const { rt, app } = await appOrThrow(data.appId);
    const { state, result } = await planFor(rt, app, { kind: "deploy-revision", taskDefinition: data.taskDefinition });
    if (state.version !== data.expectedVersion) {
      throw new AppError(
        "stale",
        `The service of ${app.name} changed since you looked (a deployment started or finished). Review the new state and try again.`,
      );
    }
    if (!result.ok) throw new AppError("invalid", result.reason);
    const { operationId } = await rt.engine.start({ plan: result.plan, actor, reason: data.reason });
    getSnapshotService(rt).invalidate(app.id);
    return { operationId };
  });
}
