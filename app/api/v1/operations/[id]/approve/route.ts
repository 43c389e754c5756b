import { signalAs } from "@/lib/actions/progressive-service";
import { operationFor, operationNow } from "@/lib/api/operations";
import { apiPost, parseInput } from "@/lib/api/respond";
import { controlBodySchema } from "@/lib/api/schemas";

export const dynamic = "force-dynamic";

// REST API: approve the manual gate a progressive delivery waits at (operators and up): it shifts to
// the gated step at its next poll. 202.
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  return apiPost(req, async (api, body) => {
    api.require("shift");
    const { reason } = parseInput(controlBodySchema, body);
    const operation = await operationFor(api, ctx.params);
    await signalAs(api.caller.actor, operation.appId, operation.id, "approve", reason);
    return { status: 202, body: { operation: await operationNow(operation.id) } };
  });
}
