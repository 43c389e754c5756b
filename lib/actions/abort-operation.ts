"use server";

import { abortAs } from "./operation-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { abortInputSchema } from "./schemas";

// Abort a running operation between steps (responders and up).
export async function abortOperation(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("abort", abortInputSchema, input, async (actor, data) => abortAs(actor, data.appId, data.operationId));
}
