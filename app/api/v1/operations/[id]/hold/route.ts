import { signalAs } from "@/lib/actions/progressive-service";
import { operationFor, operationNow } from "@/lib/api/operations";
import { apiPost, parseInput } from "@/lib/api/respond";
import { controlBodySchema } from "@/lib/api/schemas";

export const dynamic = "force-dynamic";

// REST API: hold a running progressive delivery where it is (operators and up): its bake's clock
// stops and it does not move to the next step until continued; the judge keeps watching. 202.
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  return apiPost(req, async (api, body) => {
    api.require("shift");
    const { reason } = parseInput(controlBodySchema, body);
    const operation = await operationFor(api, ctx.params);
    await signalAs(api.caller.actor, operation.appId, operation.id, "hold", reason);
    return { status: 202, body: { operation: await operationNow(operation.id) } };
  });
}
