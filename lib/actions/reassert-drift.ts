"use server";

import { z } from "zod";
import { AppError } from "@/lib/domain/app-error";
import { appOrThrow, expectVersion, startPlan } from "@/lib/runtime/plan-service";
import { driftAuditBefore, planReassert } from "./reassert-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { appIdSchema, expectedVersionSchema, operationIdSchema, reasonSchema } from "./schemas";

const reassertInputSchema = z.strictObject({
  appId: appIdSchema,
  /** The operation whose end state the person saw named in the drift banner. */
  referenceId: operationIdSchema,
  expectedVersion: expectedVersionSchema,
  reason: reasonSchema.optional(),
});

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
    // A plan always comes with the state it was made from; without one, nothing can match.
    expectVersion(state ?? { version: "" }, {
      version: data.expectedVersion,
      changed: () => `The configuration of ${app.name} changed again since you looked (now ${drift.text}).`,
    });
    const reason =
      data.reason && data.reason.length > 0 ? data.reason : `Re-assert last state: AWS differed from Teal's last operation (${drift.text})`;
    const { operationId } = await startPlan(rt, { plan: result.plan, actor, reason });
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
    return { operationId };
  });
}
