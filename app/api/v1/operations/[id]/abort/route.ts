import { abortAs } from "@/lib/actions/operation-service";
import { operationFor, operationNow } from "@/lib/api/operations";
import { apiPost, parseInput } from "@/lib/api/respond";
import { controlBodySchema } from "@/lib/api/schemas";

export const dynamic = "force-dynamic";

// REST API: abort a running operation between steps (responders and up). 202: it stops at its next check.
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  return apiPost(req, async (api, body) => {
    api.require("abort");
    parseInput(controlBodySchema, body);
    const operation = await operationFor(api, ctx.params);
    await abortAs(api.caller.actor, operation.appId, operation.id);
    return { status: 202, body: { operation: await operationNow(operation.id) } };
  });
}
