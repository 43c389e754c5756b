"use server";

import { startIntent } from "./operation-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { standbyInputSchema } from "./schemas";

// Put instances of one colour into Standby or back in service (operators and up), refused if the state changed since the operator looked.
export async function standby(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("shift", standbyInputSchema, input, async (actor, data) => {
    const kind = data.direction === "enter" ? "standby-enter" : "standby-exit";
    return startIntent(actor, {
      appId: data.appId,
      intent: data.instanceIds ? { kind, color: data.color, instanceIds: data.instanceIds } : { kind, color: data.color },
      reason: data.reason,
      expectedVersion: data.expectedVersion,
    });
  });
}
