import { AppError } from "@/lib/domain/app-error";
import { capabilityOf, startIntent, startRollback } from "@/lib/actions/operation-service";
import { apiPost, parseInput } from "@/lib/api/respond";
import { appIdSchema, operationBodySchema } from "@/lib/api/schemas";
import { getStore } from "@/lib/store";

export const dynamic = "force-dynamic";

// REST API: start an intent through the console's own path (observe, plan, check the version, judge
// green, start under the lock, journal and audit). 202 with the operation; a rollback with nothing to
// roll back is 200 and starts nothing.
export async function POST(req: Request, ctx: { params: Promise<{ appId: string }> }) {
  return apiPost(req, async ({ caller, require, requireApp }, body) => {
    // The least any intent needs (a rollback's), before the input is read; then the intent's own.
    require("rollback");
    const appId = parseInput(appIdSchema, (await ctx.params).appId, "Not an application id");
    const data = parseInput(operationBodySchema, body);
    require(capabilityOf(data.intent));
    requireApp(appId);
    const { intent } = data;
    let operationId: string;
    if (intent.kind === "rollback") {
      const started = await startRollback(caller.actor, {
        appId,
        reason: data.reason,
        ...(intent.taskDefinition !== undefined ? { taskDefinition: intent.taskDefinition } : {}),
      });
      if (started.operationId === null) return { status: 200, body: { operation: null, nothingToDo: started.nothingToDo } };
      operationId = started.operationId;
    } else {
      ({ operationId } = await startIntent(caller.actor, {
        appId,
        intent,
        reason: data.reason,
        ...(data.expectedVersion !== undefined ? { expectedVersion: data.expectedVersion } : {}),
      }));
    }
    const operation = await (await getStore()).getOperation(operationId);
    if (!operation) throw new AppError("internal", "The operation started but could not be read back.", `operation ${operationId} missing`);
    return { status: 202, body: { operation } };
  });
}
