import "server-only";
import { rollbackMustReassert } from "@/lib/domain/operation-status";
import { AppError } from "@/lib/domain/app-error";
import type { Actor } from "@/lib/domain/operation";
import type { AppState } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import type { Plan, PlanResult } from "@/lib/domain/plan";
import type { AppConfig } from "@/lib/config/schema";
import { planningFor } from "@/lib/patterns/catalog";
import type { PlanContext } from "@/lib/patterns/types";
import { observeApp } from "./observe";
import { getRuntime, type Runtime } from "./runtime";
import { getSnapshotService } from "./snapshots";

export async function appOrThrow(appId: string): Promise<{ rt: Runtime; app: AppConfig }> {
  const rt = await getRuntime();
  const app = rt.app(appId);
  if (!app) throw new AppError("not_found", `There is no application "${appId}" in Teal's config.`);
  return { rt, app };
}

/**
 * Observes the application fresh (the same observe the pages' snapshots come from) and plans the
 * intent in the application's context (its region, the wait scale). `patient`: the reads ride out
 * throttling, 5xx and unanswered calls, each paused and made again, and CloudWatch is not read (a
 * rollback must start while AWS is unwell, and its plan needs no metrics).
 */
export async function planIntent(
  rt: Runtime,
  app: AppConfig,
  intent: Intent,
  opts: { patient?: boolean } = {},
): Promise<{ state: AppState; result: PlanResult }> {
  const planning = planningFor(app.pattern);
  if (!planning) throw new AppError("invalid", `Teal cannot plan for the ${app.pattern} pattern yet.`);
  // A rollback after an operation that did not end cleanly re-asserts blue even when AWS reads as
  // blue already: that operation's call may still land, or its outcome was never confirmed. The
  // journal is asked while AWS is read, not after.
  const [{ state }, reassert] = await Promise.all([observeApp(rt, app, opts), intent.kind === "rollback" ? rollbackReasserts(rt, app.id) : false]);
  const ctx: PlanContext = { waitScale: rt.env.TEAL_WAIT_SCALE, region: app.region };
  if (app.assumeRole !== undefined) ctx.assumeRoleOf = app.id;
  if (app.progressive !== undefined) ctx.progressive = app.progressive;
  if (reassert) ctx.reassert = true;
  return { state, result: planning.plan(state, intent, ctx) };
}

/** Whether an operation holds the application's lock, or its latest did not end cleanly. */
async function rollbackReasserts(rt: Runtime, appId: string): Promise<boolean> {
  if (await rt.store.getLock(appId)) return true;
  const [latest] = await rt.store.listOperations({ appId, limit: 1 });
  return rollbackMustReassert(latest?.status);
}

/** Refused as stale when AWS is no longer what the person confirmed (`version` of the preview they saw). */
export function expectVersion<S extends Pick<AppState, "version">>(state: S, expected: { version: string; changed: (state: S) => string }): void {
  if (state.version !== expected.version) throw new AppError("stale", `${expected.changed(state)} Review the new state and try again.`);
}

/** Runs a plan through the engine and drops the application's cached state, so the pages read it again. */
export async function startPlan(rt: Runtime, run: { plan: Plan; actor: Actor; reason: string; preempt?: boolean }): Promise<{ operationId: string }> {
  const { operationId } = await rt.engine.start(run);
  getSnapshotService(rt).invalidate(run.plan.appId);
  return { operationId };
}

export interface IntentRun<N> {
  intent: Intent;
  actor: Actor;
  /** The operation's reason, or how to make it from the fresh state (e.g. after judging green against blue). */
  reason: string | ((state: AppState) => Promise<string>);
  /** The version the person confirmed, and what changed in their words; absent when any state will do (a rollback). */
  expected?: { version: string; changed: (state: AppState) => string };
  patient?: boolean;
  /** Roll back: preempt whatever runs on the application. */
  preempt?: boolean;
  /** AWS already is the intent's end state (a rollback with all traffic on blue): what to answer instead; nothing runs. */
  nothingToDo?: (plan: Plan, nothing: NonNullable<Plan["nothingToDo"]>) => Promise<N>;
}

/**
 * The one path of every action that runs an intent: observe, plan, check the expected version,
 * start. Refused as stale before anything runs when the state moved since the person looked, and as
 * invalid when the pattern cannot carry the intent out.
 */
export async function runIntent<N = never>(rt: Runtime, app: AppConfig, run: IntentRun<N>): Promise<{ operationId: string } | N> {
  const { state, result } = await planIntent(rt, app, run.intent, { patient: run.patient });
  if (run.expected) expectVersion(state, run.expected);
  if (!result.ok) throw new AppError("invalid", result.reason);
  const { plan } = result;
  if (plan.nothingToDo && run.nothingToDo) return run.nothingToDo(plan, plan.nothingToDo);
  const reason = typeof run.reason === "string" ? run.reason : await run.reason(state);
  return startPlan(rt, { plan, actor: run.actor, reason, ...(run.preempt ? { preempt: true } : {}) });
}
