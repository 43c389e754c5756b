"use server";

import { z } from "zod";
import { AppError } from "@/lib/domain/types";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import { appOrThrow } from "./plan-service";
import { driftAuditBefore, planReassert } from "./reassert-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { appIdSchema } from "./schemas";

const reassertInputSchema = z
  .object({
    appId: appIdSchema,
    /** The operation whose end state the person saw named in the drift banner. */
    referenceId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, "not an operation id"),
    expectedVersion: z.string().min(1).max(64),
    reason: z.string().trim().max(500, "at most 500 characters").optional(),
  })
  .strict();

// Put back the end state of the application's last successful operation after AWS drifted from it
// (responders and up): planned from fresh state like any operation, journaled and audited.
export async function reassertDrift(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("reassert", reassertInputSchema, input, async (actor, data) => {
    const { rt, app } = await appOrThrow(data.appId);
    const { state, reference, drift, result } = await planReassert(rt, app);
    if (reference && reference.id !== data.referenceId) {
      throw new AppError(
        "stale",
        `Another operation has finished on ${app.name} since you looked (${reference.summary}). Review the new state and try again.`,
      );
    }
    if (!result.ok || !drift)
      throw new AppError("invalid", result.ok ? "AWS matches Teal's last operation: there is nothing to re-assert." : result.reason);
    if (state?.version !== data.expectedVersion) {
      throw new AppError(
        "stale",
        `The configuration of ${app.name} changed again since you looked (now ${drift.text}). Review the new state and try again.`,
      );
    }
    const reason =
      data.reason && data.reason.length > 0 ? data.reason : `Re-assert last state: AWS differed from Teal's last operation (${drift.text})`;
    const { operationId } = await rt.engine.start({ plan: result.plan, actor, reason });
    await rt.store.appendAudit({
      action: "drift.reasserted",
      actor,
      appId: app.id,
      operationId,
      reason,
      before: driftAuditBefore(drift),
      after: {
        intent: result.plan.intent.kind,
        greenPercent: result.plan.after.greenPercent,
        ...(result.plan.after.taskDefinition ? { taskDefinition: result.plan.after.taskDefinition } : {}),
      },
    });
    getSnapshotService(rt).invalidate(app.id);
    return { operationId };
  });
}
