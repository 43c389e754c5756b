"use server";

import type { Intent } from "@/lib/domain/intent";
import { appOrThrow, runIntent } from "@/lib/runtime/plan-service";
import { checkGreenBeforeRaising } from "./green-guard";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { shiftInputSchema } from "./schemas";

// Shift green to N % (operators and admins), refused if the state changed since the operator looked,
// and refused when it gives a failing or slower green more traffic without the typed override.
export async function shiftTraffic(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("shift", shiftInputSchema, input, async (actor, data) => {
    const { rt, app } = await appOrThrow(data.appId);
    const intent: Intent = data.greenPercent === 100 ? { kind: "promote" } : { kind: "shift", greenPercent: data.greenPercent };
    return runIntent(rt, app, {
      intent,
      actor,
      expected: {
        version: data.expectedVersion,
        changed: (state) => `The traffic configuration of ${app.name} changed since you looked (green is now ${state.configured.greenPercent} %).`,
      },
      reason: async (state) => {
        const overrideNote = await checkGreenBeforeRaising(rt, app, state, intent, data.override);
        // The override goes into the operation's reason, so the audit entries of the run carry it.
        return overrideNote ? `${data.reason} [${overrideNote}]` : data.reason;
      },
    });
  });
}
