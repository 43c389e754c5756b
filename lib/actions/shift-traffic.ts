"use server";

import { AppError } from "@/lib/domain/types";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import { checkGreenBeforeRaising } from "./green-guard";
import { appOrThrow, planFor } from "./plan-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { shiftInputSchema } from "./schemas";

// Shift green to N % (operators and admins), refused if the state changed since the operator looked,
// and refused when it gives a failing or slower green more traffic without the typed override.
export async function shiftTraffic(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("shift", shiftInputSchema, input, async (actor, data) => {
    const { rt, app } = await appOrThrow(data.appId);
    const intent = data.greenPercent === 100 ? { kind: "promote" as const } : { kind: "shift" as const, greenPercent: data.greenPercent };
    const { state, result } = await planFor(rt, app, intent);
    if (state.version !== data.expectedVersion) {
      throw new AppError(
        "stale",
        `The traffic configuration of ${app.name} changed since you looked (green is now ${state.configured.greenPercent} %). Review the new state and try again.`,
      );
    }
    if (!result.ok) throw new AppError("invalid", result.reason);
    const overrideNote = await checkGreenBeforeRaising(rt, app, state, intent, data.override);
    // The override goes into the operation's reason, so the audit entries of the run carry it.
    const reason = overrideNote ? `${data.reason} [${overrideNote}]` : data.reason;
    const { operationId } = await rt.engine.start({ plan: result.plan, actor, reason });
    getSnapshotService(rt).invalidate(app.id);
    return { operationId };
  });
}
