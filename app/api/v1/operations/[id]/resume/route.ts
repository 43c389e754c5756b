import { resumeAs } from "@/lib/actions/operation-service";
import { operationFor, operationNow } from "@/lib/api/operations";
import { apiPost, parseInput } from "@/lib/api/respond";
import { controlBodySchema } from "@/lib/api/schemas";

export const dynamic = "force-dynamic";

// REST API: resume an interrupted or failed operation from its in-flight step (operators and up).
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  return apiPost(req, async (api, body) => {
    api.require("shift");
    const { reason } = parseInput(controlBodySchema, body);
    const operation = await operationFor(api, ctx.params);
    await resumeAs(api.caller.actor, operation.appId, operation.id, reason);
    return { status: 202, body: { operation: await operationNow(operation.id) } };
  });
}
