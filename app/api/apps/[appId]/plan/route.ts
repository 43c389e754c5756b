import type { NextRequest } from "next/server";
import { z } from "zod";
import { AppError, type Intent, type PlanPreview } from "@/lib/domain/types";
import { appOrThrow, planFor } from "@/lib/actions/plan-service";
import { planReassert } from "@/lib/actions/reassert-service";
import { greenVerdictOrNull } from "@/lib/actions/green-guard";
import { appIdSchema, taskDefinitionSchema } from "@/lib/actions/schemas";
import { can } from "@/lib/auth/roles";
import { authorizedJson } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const querySchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("shift"), greenPercent: z.coerce.number().int().min(0).max(100) }),
  z.object({ intent: z.literal("promote") }),
  z.object({ intent: z.literal("rollback"), taskDefinition: taskDefinitionSchema.optional() }),
  // Back to the end state of the last successful operation when AWS drifted from it (responders and up).
  z.object({ intent: z.literal("reassert") }),
  // Standby, scale and deploy are operator intents of some patterns; the planner refuses the others.
  z.object({
    intent: z.enum(["standby-enter", "standby-exit"]),
    color: z.enum(["blue", "green"]),
    instanceIds: z
      .string()
      .max(2000)
      .regex(/^[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*$/, "comma-separated instance ids")
      .optional(),
  }),
  z.object({ intent: z.literal("scale-green"), capacity: z.coerce.number().int().min(0).max(10_000) }),
  z.object({ intent: z.literal("deploy-revision"), taskDefinition: taskDefinitionSchema }),
]);

function intentOf(q: Exclude<z.infer<typeof querySchema>, { intent: "reassert" }>): Intent {
  switch (q.intent) {
    case "shift":
      return { kind: "shift", greenPercent: q.greenPercent };
    case "promote":
      return { kind: q.intent };
    case "rollback":
      return q.taskDefinition !== undefined ? { kind: "rollback", taskDefinition: q.taskDefinition } : { kind: "rollback" };
    case "standby-enter":
    case "standby-exit":
      return q.instanceIds ? { kind: q.intent, color: q.color, instanceIds: q.instanceIds.split(",") } : { kind: q.intent, color: q.color };
    case "scale-green":
      return { kind: "scale-green", capacity: q.capacity };
    case "deploy-revision":
      return { kind: "deploy-revision", taskDefinition: q.taskDefinition };
  }
}

// Plan preview: the exact steps and AWS calls an intent would run, computed from fresh state; changes nothing.
export async function GET(req: NextRequest, ctx: { params: Promise<{ appId: string }> }) {
  return authorizedJson("rollback", async (actor) => {
    const { appId } = await ctx.params;
    const id = appIdSchema.safeParse(appId);
    if (!id.success) throw new AppError("invalid", "Not an application id.");
    const q = querySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
    if (!q.success) {
      throw new AppError(
        "invalid",
        "Ask for intent=shift&greenPercent=0..100, intent=promote, intent=rollback[&taskDefinition=family:revision], intent=reassert, intent=standby-enter|standby-exit&color=blue|green[&instanceIds=a,b], intent=scale-green&capacity=N or intent=deploy-revision&taskDefinition=family:revision.",
      );
    }
    if (q.data.intent === "reassert") {
      if (!can(actor.role, "reassert")) throw new AppError("forbidden", "Permission denied: only responders and up can re-assert the last state.");
      const { rt, app } = await appOrThrow(id.data);
      const { state, result } = await planReassert(rt, app);
      const preview: PlanPreview = { ...result, version: state?.version ?? "" };
      return preview;
    }
    if (q.data.intent !== "rollback" && !can(actor.role, "shift")) {
      throw new AppError("forbidden", "Permission denied: only operators can shift traffic.");
    }
    const intent = intentOf(q.data);
    const { rt, app } = await appOrThrow(id.data);
    const { state, result } = await planFor(rt, app, intent);
    const preview: PlanPreview = { ...result, version: state.version };
    // Shift and promote dialogs show green against blue, as the server will judge it on confirm.
    if (intent.kind === "shift" || intent.kind === "promote") {
      const verdict = await greenVerdictOrNull(rt, app.id);
      if (verdict) preview.greenVerdict = verdict;
    }
    return preview;
  });
}
