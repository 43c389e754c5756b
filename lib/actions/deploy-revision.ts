"use server";

import { appOrThrow, runIntent } from "@/lib/runtime/plan-service";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";
import { deployRevisionInputSchema } from "./schemas";

// Roll an ECS service out to another task definition revision (operators and up), refused if the service changed since the operator looked.
export async function deployRevision(input: unknown): Promise<ActionResult<{ operationId: string }>> {
  return runAction("shift", deployRevisionInputSchema, input, async (actor, data) => {
    const { rt, app } = await appOrThrow(data.appId);
    return runIntent(rt, app, {
      intent: { kind: "deploy-revision", taskDefinition: data.taskDefinition },
      actor,
      expected: {
        version: data.expectedVersion,
        changed: () => `The service of ${app.name} changed since you looked (a deployment started or finished).`,
      },
      reason: data.reason,
    });
  });
}
