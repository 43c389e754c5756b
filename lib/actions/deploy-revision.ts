"use server";

import { startIntent } from "./operation-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { deployRevisionInputSchema } from "./schemas";

// Roll an ECS service out to another task definition revision (operators and up), refused if the service changed since the operator looked.
export async function deployRevision(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("shift", deployRevisionInputSchema, input, async (actor, data) =>
    startIntent(actor, {
      appId: data.appId,
      intent: { kind: "deploy-revision", taskDefinition: data.taskDefinition },
      reason: data.reason,
      expectedVersion: data.expectedVersion,
    }),
  );
}
