import type { NextRequest } from "next/server";
import { AppError } from "@/lib/domain/app-error";
import type { PlanPreview } from "@/lib/domain/plan";
import { parsePlanQuery } from "@/lib/domain/intent";
import { appOrThrow, planIntent } from "@/lib/runtime/plan-service";
import { planReassert } from "@/lib/actions/reassert-service";
import { greenVerdictOrNull } from "@/lib/actions/green-guard";
import { appIdSchema } from "@/lib/actions/schemas";
import { can } from "@/lib/auth/roles";
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
    const intent = request.value;
    if (intent.kind === "reassert") {
      if (!can(actor.role, "reassert")) throw new AppError("forbidden", "Permission denied: only responders and up can re-assert the last state.");
      const { rt, app } = await appOrThrow(id.data);
      const { state, result } = await planReassert(rt, app);
      const preview: PlanPreview = { ...result, version: state?.version ?? "" };
      return preview;
    }
    if (intent.kind !== "rollback" && !can(actor.role, "shift")) {
      throw new AppError("forbidden", "Permission denied: only operators can shift traffic.");
    }
    const { rt, app } = await appOrThrow(id.data);
    const { state, result } = await planIntent(rt, app, intent);
    const preview: PlanPreview = { ...result, version: state.version };
    // Shift and promote dialogs show green against blue, as the server will judge it on confirm.
    if (intent.kind === "shift" || intent.kind === "promote") {
      const verdict = await greenVerdictOrNull(rt, app.id);
      if (verdict) preview.greenVerdict = verdict;
    }
    return preview;
  });
}
