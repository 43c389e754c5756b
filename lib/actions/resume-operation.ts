"use server";

import { resumeAs } from "./operation-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { resumeInputSchema } from "./schemas";

// Resume an interrupted or failed operation from its in-flight step (operators and up).
export async function resumeOperation(input: unknown): Promise<ActionResult<{ operationId: string; fromStep: number }>> {
  return runAction("shift", resumeInputSchema, input, async (actor, data) => resumeAs(actor, data.appId, data.operationId, data.reason));
}
