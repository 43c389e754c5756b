"use server";

import { appOrThrow, runIntent } from "@/lib/runtime/plan-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { scaleGreenInputSchema } from "./schemas";

// Scale green's capacity before a shift (operators and up), refused if the state changed since the operator looked.
export async function scaleGreen(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("shift", scaleGreenInputSchema, input, async (actor, data) => {
    const { rt, app } = await appOrThrow(data.appId);
    return runIntent(rt, app, {
      intent: { kind: "scale-green", capacity: data.capacity },
      actor,
      expected: { version: data.expectedVersion, changed: () => `The capacity of ${app.name} changed since you looked.` },
      reason: data.reason,
    });
  });
}
