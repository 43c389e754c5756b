import "server-only";
import { rollbackMustReassert } from "@/lib/domain/operation-status";
import { AppError, type AppState, type Intent, type Plan, type PlanResult } from "@/lib/domain/types";
import { planningFor } from "@/lib/patterns/catalog";
import { getRuntime, type Runtime } from "@/lib/runtime/runtime";
import { observeApp } from "@/lib/runtime/observe";
import type { AppConfig } from "@/lib/config/schema";

export async function appOrThrow(appId: string): Promise<{ rt: Runtime; app: AppConfig }> {
  const rt = await getRuntime();
  const app = rt.app(appId);
  if (!app) throw new AppError("not_found", `There is no application "${appId}" in Teal's config.`);
  return { rt, app };
}

/**
 * Observes the application fresh and plans the intent; the plan's calls carry the app's region.
 * `patient`: the reads ride out throttling, 5xx and unanswered calls, each paused and made again
 * (a rollback must start while AWS is unwell; a shift may as well wait for a healthy AWS).
 */
export async function planFor(
  rt: Runtime,
  app: AppConfig,
  intent: Intent,
  opts: { patient?: boolean } = {},
): Promise<{ state: AppState; result: PlanResult }> {
  const { state } = await observeApp(rt, app, opts);
  const planning = planningFor(app.pattern);
  if (!planning) throw new AppError("invalid", `Teal cannot plan for the ${app.pattern} pattern yet.`);
  // A rollback after an operation that did not end cleanly re-asserts blue even when AWS reads as
  // blue already: that operation's call may still land, or its outcome was never confirmed.
  const reassert = intent.kind === "rollback" && (await rollbackReasserts(rt, app.id));
  const result = planning.plan(state, intent, { waitScale: rt.env.TEAL_WAIT_SCALE, ...(reassert ? { reassert } : {}) });
  if (result.ok) result.plan = stampRegion(result.plan, app.region);
  return { state, result };
}

/** Whether an operation holds the application's lock, or its latest did not end cleanly. */
async function rollbackReasserts(rt: Runtime, appId: string): Promise<boolean> {
  if (await rt.store.getLock(appId)) return true;
  const [latest] = await rt.store.listOperations({ appId, limit: 1 });
  return rollbackMustReassert(latest?.status);
}

/** Plans are region-free data; the app's region goes on every call and wait before they are run. */
function stampRegion(plan: Plan, region: string): Plan {
  return {
    ...plan,
    steps: plan.steps.map((s) => ({
      ...s,
      ...(s.call ? { call: { ...s.call, region } } : {}),
      ...(s.wait ? { wait: { ...s.wait, region } } : {}),
      ...(s.skipIf ? { skipIf: { ...s.skipIf, region } } : {}),
    })),
  };
}
