import { previewPlan, capabilityOf } from "@/lib/actions/operation-service";
import { apiPost, parseInput } from "@/lib/api/respond";
import { appIdSchema, planBodySchema } from "@/lib/api/schemas";

export const dynamic = "force-dynamic";

// REST API: the plan an intent would run (every AWS call) and the state version to confirm; changes nothing.
export async function POST(req: Request, ctx: { params: Promise<{ appId: string }> }) {
  return apiPost(req, async ({ caller, require, requireApp }, body) => {
    // The least any preview needs (a rollback's), before the input is read; then the intent's own.
    require("rollback");
    const appId = parseInput(appIdSchema, (await ctx.params).appId, "Not an application id");
    const { intent } = parseInput(planBodySchema, body);
    require(capabilityOf(intent));
    requireApp(appId);
    return { status: 200, body: await previewPlan(caller.actor, appId, intent) };
  });
}
