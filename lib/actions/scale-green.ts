"use server";

import { startIntent } from "./operation-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { scaleGreenInputSchema } from "./schemas";

// Scale green's capacity before a shift (operators and up), refused if the state changed since the operator looked.
export async function scaleGreen(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("shift", scaleGreenInputSchema, input, async (actor, data) =>
    startIntent(actor, {
      appId: data.appId,
      intent: { kind: "scale-green", capacity: data.capacity },
      reason: data.reason,
      expectedVersion: data.expectedVersion,
    }),
  );
}
