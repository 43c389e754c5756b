"use server";

import { startIntent } from "./operation-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { shiftInputSchema } from "./schemas";

// Shift green to N % (operators and admins), refused if the state changed since the operator looked,
// and refused when it gives a failing or slower green more traffic without the typed override.
export async function shiftTraffic(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("shift", shiftInputSchema, input, async (actor, data) =>
    startIntent(actor, {
      appId: data.appId,
      intent: data.greenPercent === 100 ? { kind: "promote" } : { kind: "shift", greenPercent: data.greenPercent },
      reason: data.reason,
      expectedVersion: data.expectedVersion,
      ...(data.override !== undefined ? { override: data.override } : {}),
    }),
  );
}
