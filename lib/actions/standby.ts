"use server";

import { appOrThrow, runIntent } from "@/lib/runtime/plan-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { standbyInputSchema } from "./schemas";

// Put instances of one colour into Standby or back in service (operators and up), refused if the state changed since the operator looked.
export async function standby(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("shift", standbyInputSchema, input, async (actor, data) => {
    const { rt, app } = await appOrThrow(data.appId);
    const kind = data.direction === "enter" ? "standby-enter" : "standby-exit";
    return runIntent(rt, app, {
      intent: data.instanceIds ? { kind, color: data.color, instanceIds: data.instanceIds } : { kind, color: data.color },
      actor,
      expected: { version: data.expectedVersion, changed: () => `The instances of ${app.name} changed since you looked.` },
      reason: data.reason,
    });
  });
}
