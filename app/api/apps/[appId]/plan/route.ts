import type { NextRequest } from "next/server";
import { z } from "zod";
import { AppError, type Intent, type PlanPreview } from "@/lib/domain/types";
import { appOrThrow, planFor } from "@/lib/actions/plan-service";
import { appIdSchema } from "@/lib/actions/schemas";
import { can } from "@/lib/auth/roles";
import { authorizedJson } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const querySchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("shift"), greenPercent: z.coerce.number().int().min(0).max(100) }),
  z.object({ intent: z.literal("promote") }),
  z.object({ intent: z.literal("rollback") }),
]);

// Plan preview: the exact steps and AWS calls an intent would run, computed from fresh state; changes nothing.
export async function GET(req: NextRequest, ctx: { params: Promise<{ appId: string }> }) {
  return authorizedJson("rollback", async (actor) => {
    const { appId } = await ctx.params;
    const id = appIdSchema.safeParse(appId);
    if (!id.success) throw new AppError("invalid", "Not an application id.");
    const q = querySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
    if (!q.success) throw new AppError("invalid", "Ask for intent=shift&greenPercent=0..100, intent=promote or intent=rollback.");
    if (q.data.intent !== "rollback" && !can(actor.role, "shift")) {
      throw new AppError("forbidden", "Permission denied: only operators can shift traffic.");
    }
    const intent: Intent =
      q.data.intent === "shift" ? { kind: "shift", greenPercent: q.data.greenPercent } : { kind: q.data.intent };
    const { rt, app } = await appOrThrow(id.data);
    const { state, result } = await planFor(rt, app, intent);
    const preview: PlanPreview = { ...result, version: state.version };
    return preview;
  });
}
