import type { NextRequest } from "next/server";
import { AppError } from "@/lib/domain/app-error";
import { parsePlanQuery } from "@/lib/domain/intent";
import { previewPlan } from "@/lib/actions/operation-service";
import { appIdSchema } from "@/lib/actions/schemas";
import { authorizedJson } from "@/lib/http/route";

export const dynamic = "force-dynamic";

// Plan preview: the exact steps and AWS calls an intent would run, computed from fresh state; changes nothing.
export async function GET(req: NextRequest, ctx: { params: Promise<{ appId: string }> }) {
  return authorizedJson("rollback", async (actor) => {
    const { appId } = await ctx.params;
    const id = appIdSchema.safeParse(appId);
    if (!id.success) throw new AppError("invalid", "Not an application id.");
    const request = parsePlanQuery(req.nextUrl.searchParams);
    if (!request.ok) {
      throw new AppError(
        "invalid",
        `${request.message}. Ask for intent=shift&greenPercent=0..100, intent=promote, intent=rollback[&taskDefinition=family:revision], intent=reassert, intent=standby-enter|standby-exit&color=blue|green[&instanceIds=a,b], intent=scale-green&capacity=N or intent=deploy-revision&taskDefinition=family:revision.`,
      );
    }
    return previewPlan(actor, id.data, request.value);
  });
}
