"use server";

import { startRollback, type RollbackResult } from "./operation-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { rollbackInputSchema } from "./schemas";

export type { RollbackResult } from "./operation-service";

// Roll back to blue (responders and up): preempts any running operation, never blocked by the lock.
export async function rollback(input: unknown): Promise<ActionResult<RollbackResult>> {
  return runAction("rollback", rollbackInputSchema, input, async (actor, data) => startRollback(actor, data));
}
