import "server-only";
import type { AppState, Drift } from "@/lib/domain/app-state";
import type { JsonObject } from "@/lib/domain/basics";
import type { Operation } from "@/lib/domain/operation";
import type { PlanResult } from "@/lib/domain/plan";
import type { AppConfig } from "@/lib/config/schema";
import { driftAgainst, planReaches, reassertIntents } from "@/lib/patterns/drift";
import type { Runtime } from "@/lib/runtime/runtime";
import { planIntent } from "@/lib/runtime/plan-service";
import { IN_FLIGHT_STATUSES } from "@/lib/domain/operation-status";

export interface ReassertPlan {
  /** The state the plan was made from (its version is what a confirm must carry); null when refused before reading AWS. */
  state: AppState | null;
  /** The last successful operation whose end state is re-asserted. */
  reference: Operation | null;
  drift: Drift | null;
  result: PlanResult;
}

const refused = (reason: string, rest: Partial<ReassertPlan> = {}): ReassertPlan => ({
  state: null,
  reference: null,
  drift: null,
  ...rest,
  result: { ok: false, reason },
});

/**
 * Plans the way back to the end state of the application's last successful operation, from fresh
 * state: refused while an operation is in flight, when AWS already matches, or when no plan of the
 * pattern ends exactly there (e.g. an Auto Scaling group resized since, so the old share is off its grid).
 */
export async function planReassert(rt: Runtime, app: AppConfig): Promise<ReassertPlan> {
  const [active] = await rt.store.listOperations({ appId: app.id, status: [...IN_FLIGHT_STATUSES], limit: 1 });
  if (active) {
    return refused(
      `An operation is in flight on ${app.name} (${active.summary}): let it finish, abort it or roll back; there is no settled state to compare yet.`,
    );
  }
  const [reference] = await rt.store.listOperations({ appId: app.id, status: "succeeded", limit: 1 });
  if (!reference?.after) {
    return refused(`Teal has no successful operation with a recorded end state on ${app.name}: there is no last state to re-assert.`);
  }
  const after = reference.after;
  let drift: Drift | null = null;
  let state: AppState | null = null;
  let lastReason = `the ${app.pattern} pattern has no plan that ends there`;
  for (const intent of reassertIntents(app.pattern, { intent: reference.intent, after })) {
    const planned = await planIntent(rt, app, intent);
    if (state === null) {
      state = planned.state;
      drift = driftAgainst({ reference, current: null, state, readAtMs: Date.now() });
      if (!drift)
        return refused(`AWS matches the end state of Teal's last operation on ${app.name} (${reference.summary}): there is nothing to re-assert.`, {
          state,
          reference,
        });
    }
    if (!planned.result.ok) {
      lastReason = planned.result.reason;
      continue;
    }
    if (!planReaches(planned.result.plan, after)) {
      lastReason = `its plan would end elsewhere (${planned.result.plan.summary})`;
      continue;
    }
    const plan = { ...planned.result.plan, summary: `Re-assert last state: ${planned.result.plan.summary}` };
    return { state: planned.state, reference, drift, result: { ok: true, plan } };
  }
  const what = drift ? ` (${drift.text})` : "";
  return refused(`Teal cannot plan a way back to the end state of "${reference.summary}"${what}: ${lastReason}`, { state, reference, drift });
}

/** The drift figures as the audit log keeps them (`before` of `drift.reasserted`). */
export function driftAuditBefore(drift: Drift): JsonObject {
  const figures: JsonObject =
    drift.kind === "share"
      ? { greenPercent: drift.actualGreenPercent, expectedGreenPercent: drift.expectedGreenPercent }
      : { taskDefinition: drift.actualTaskDefinition, expectedTaskDefinition: drift.expectedTaskDefinition };
  return { kind: drift.kind, ...figures, text: drift.text, referenceOperationId: drift.operation.id, referenceSummary: drift.operation.summary };
}
