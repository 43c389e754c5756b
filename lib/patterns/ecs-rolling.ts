import type { AppState, EcsDeploymentView, EcsServiceView } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import type { PlanResult } from "@/lib/domain/plan";
import { ecsSteadyWait, primaryDeployment, updateServiceCall } from "./ecs-common";
import { nothingToDoPlan } from "./nothing-to-do";
import type { PatternDescription, PlanContext } from "./types";

/**
 * ecs-rolling: one ECS service, updated to a new task definition revision; ECS replaces tasks within
 * minimumHealthyPercent / maximumPercent. There is no traffic control, so the slider becomes rollout
 * progress: `configured.greenPercent` is the share of running tasks on the PRIMARY deployment's task
 * definition.
 *
 * Colours: green is the revision ECS converges to (the PRIMARY deployment's tasks), blue everything
 * it replaces (the tasks of every other deployment, labelled with the previous revision when none
 * run). After the circuit breaker rolls a failed rollout back, ECS converges to the old revision
 * again: green is then the old, good revision and blue the failed one, and
 * `rollout.circuitBreakerRollback` names the revision that failed.
 */
export const ecsRollingDescription: PatternDescription = {
  id: "ecs-rolling",
  name: "ECS rolling update (new task definition revision)",
  slider: null,
  granularityPercent: 100,
  intents: ["deploy-revision", "rollback"],
  risks: {
    applicationIssues:
      "Fair: old and new revisions serve side by side during the rollout; the circuit breaker stops a revision whose tasks fail, but not one that is healthy and wrong.",
    performance: "Good: capacity stays within minimumHealthyPercent / maximumPercent of the desired count throughout.",
    peopleProcess: "Good: one UpdateService call; ECS reports each deployment's progress and events.",
    infrastructureFailure: "Fair: a failed rollout leaves both revisions running until the circuit breaker or an operator acts.",
    rollback:
      "Fair: a rollback is a new rolling deployment of the previous revision, as slow as the rollout itself (tasks must start and pass health checks again).",
    cost: "Good: at most maximumPercent of the tasks run during the rollout; no second environment.",
  },
};

/** The family:revision part of a task definition ARN (or the input when it is already short). */
export function shortTaskDefinitionName(arnOrName: string): string {
  const slash = arnOrName.lastIndexOf("/");
  return slash >= 0 ? arnOrName.slice(slash + 1) : arnOrName;
}

/** Family and revision of "family:revision" or a task definition ARN; revision null when absent. */
export function taskDefinitionParts(arnOrName: string): { family: string; revision: number | null } {
  const short = shortTaskDefinitionName(arnOrName);
  const colon = short.lastIndexOf(":");
  if (colon < 0) return { family: short, revision: null };
  const revision = Number(short.slice(colon + 1));
  return Number.isInteger(revision) && revision > 0 ? { family: short.slice(0, colon), revision } : { family: short, revision: null };
}

/** A rolling deployment: batches of task starts, health checks and old-task draining. */
const ROLLOUT_TIMEOUT_MS = 30 * 60_000;

function byNewest(a: EcsDeploymentView, b: EcsDeploymentView): number {
  return (b.createdAt ?? "").localeCompare(a.createdAt ?? "");
}

export interface RolloutAnalysis {
  state: "IN_PROGRESS" | "COMPLETED" | "FAILED" | "NONE";
  progressPercent: number;
  primaryTaskDefinition: string;
  /** Where a rollback goes (see `rollbackTarget`), null when nothing earlier is known. */
  previousTaskDefinition: string | null;
  circuitBreakerRollback: { failedTaskDefinition: string; failedDeploymentId: string; reason: string | null; rolledBackTo: string } | null;
}

/**
 * The deployment circuit breaker's rollback, if the PRIMARY is one: the deployment created just before
 * it went FAILED on another task definition, and ECS says it is rolling back (its reason) or the
 * breaker is set to roll back (with rollback on, the deployment after a FAILED one is the breaker's).
 */
export function circuitBreakerRollbackOf(view: EcsServiceView): RolloutAnalysis["circuitBreakerRollback"] {
  const primary = primaryDeployment(view);
  if (!primary) return null;
  const before = [...view.deployments].filter((d) => d !== primary).sort(byNewest)[0];
  if (!before || before.rolloutState !== "FAILED") return null;
  const failedTd = shortTaskDefinitionName(before.taskDefinition);
  const primaryTd = shortTaskDefinitionName(primary.taskDefinition);
  if (failedTd === primaryTd) return null;
  const saysRollingBack = /rolling back/i.test(primary.rolloutStateReason ?? "");
  if (!saysRollingBack && view.circuitBreaker?.rollback !== true) return null;
  return { failedTaskDefinition: failedTd, failedDeploymentId: before.id, reason: before.rolloutStateReason, rolledBackTo: primaryTd };
}

/**
 * The application's latest operation when it changed the service's revision (a deploy or a
 * rollback made through Teal), read from the journal by the caller (observe stays free of the
 * store): the revision the service ran when it was planned (`from`), the one it went to (`to`), and
 * the id of the ECS deployment its UpdateService created (from the call's journaled output; null
 * when the call never completed or its output was not journaled).
 */
export interface LastDeploy {
  kind: "deploy" | "rollback";
  from: string;
  to: string;
  deploymentId: string | null;
}

/**
 * Where a rollback goes: the revision that served before the current (PRIMARY) deployment, from
 * what ECS and the journal can prove; null when neither knows (the console then asks for the
 * revision instead of guessing the previous number):
 * 1. the circuit breaker rolled back (or is rolling back): the PRIMARY's own revision, re-asserted;
 * 2. the PRIMARY is the deployment Teal's latest operation created (same deployment id): a deploy
 *    goes back to where it started (also when it skipped revisions: 40 → 42 goes back to 40), a
 *    rollback is re-asserted (rolling a rollback back must not go forward to what it undid);
 * 3. Teal's latest operation never reached ECS (no deployment id) and the PRIMARY still runs the
 *    revision that operation started from (a deploy: re-asserted, even when ECS still lists an
 *    older deployment on another revision, e.g. the one an earlier rollback replaced) or went to
 *    (a rollback); a rollback cut off before UpdateService goes where it was going;
 * 4. ECS still lists the deployment(s) the PRIMARY replaces (ACTIVE while their tasks drain,
 *    INACTIVE for a while after): the newest one on another revision that COMPLETED, else the
 *    newest that did not fail (services behind a classic ELB report no rollout state).
 * The family's revision numbers are never used to guess: revision N-1 may never have run here.
 */
export function rollbackTarget(view: EcsServiceView, lastDeploy: LastDeploy | null = null): string | null {
  const primary = primaryDeployment(view);
  if (!primary) return null;
  const primaryTd = shortTaskDefinitionName(primary.taskDefinition);
  const breaker = circuitBreakerRollbackOf(view);
  if (breaker) return breaker.rolledBackTo;
  if (lastDeploy && lastDeploy.deploymentId !== null && lastDeploy.deploymentId === primary.id) {
    return lastDeploy.kind === "deploy" ? lastDeploy.from : primaryTd;
  }
  if (lastDeploy && lastDeploy.deploymentId === null) {
    if (lastDeploy.kind === "deploy" && primaryTd === lastDeploy.from) return primaryTd;
    if (lastDeploy.kind === "rollback" && (primaryTd === lastDeploy.to || primaryTd === lastDeploy.from)) return lastDeploy.to;
  }
  const replaced = view.deployments
    .filter((d) => d !== primary && d.status !== "PRIMARY" && shortTaskDefinitionName(d.taskDefinition) !== primaryTd && d.rolloutState !== "FAILED")
    .sort(byNewest);
  const served = replaced.find((d) => d.rolloutState === "COMPLETED") ?? replaced.find((d) => d.rolloutState === null);
  return served ? shortTaskDefinitionName(served.taskDefinition) : null;
}

/**
 * Rollout state and progress of a service. Progress is the share of running tasks on the PRIMARY's
 * task definition (100 when the rollout COMPLETED with no task to run). State is the PRIMARY's
 * rolloutState; services that report none (behind a classic ELB) count as COMPLETED once the PRIMARY
 * is alone and runs its desired count.
 */
export function analyseRollout(view: EcsServiceView, lastDeploy: LastDeploy | null = null): RolloutAnalysis {
  const primary = primaryDeployment(view);
  if (!primary) {
    return {
      state: "NONE",
      progressPercent: 0,
      primaryTaskDefinition: shortTaskDefinitionName(view.taskDefinition),
      previousTaskDefinition: null,
      circuitBreakerRollback: null,
    };
  }
  const primaryTd = shortTaskDefinitionName(primary.taskDefinition);
  const state: RolloutAnalysis["state"] =
    primary.rolloutState === "IN_PROGRESS" || primary.rolloutState === "COMPLETED" || primary.rolloutState === "FAILED"
      ? primary.rolloutState
      : view.deployments.length === 1 && primary.running === primary.desired && primary.pending === 0
        ? "COMPLETED"
        : "IN_PROGRESS";
  const total = view.deployments.reduce((sum, d) => sum + d.running, 0);
  const onPrimary = view.deployments.filter((d) => shortTaskDefinitionName(d.taskDefinition) === primaryTd).reduce((sum, d) => sum + d.running, 0);
  const progressPercent = total > 0 ? Math.round((onPrimary / total) * 1000) / 10 : state === "COMPLETED" ? 100 : 0;
  return {
    state,
    progressPercent,
    primaryTaskDefinition: primaryTd,
    previousTaskDefinition: rollbackTarget(view, lastDeploy),
    circuitBreakerRollback: circuitBreakerRollbackOf(view),
  };
}

function serviceOf(state: AppState): EcsServiceView | undefined {
  return state.environments.green.ecs ?? state.environments.blue.ecs;
}

/** Checks a revision named for a deploy or a rollback: family:revision of the service's family, ACTIVE. */
function checkRevision(
  view: EcsServiceView,
  primaryTd: string,
  requested: string,
  purpose: string,
): { ok: true; target: string } | { ok: false; reason: string } {
  const target = shortTaskDefinitionName(requested.trim());
  const parts = taskDefinitionParts(target);
  if (parts.revision === null) {
    return { ok: false, reason: `Name the revision ${purpose} as family:revision (e.g. ${parts.family}:42), not "${requested}".` };
  }
  const serviceFamily = taskDefinitionParts(primaryTd).family;
  if (parts.family !== serviceFamily) {
    return { ok: false, reason: `${target} belongs to family ${parts.family}, but service ${view.service} runs family ${serviceFamily}.` };
  }
  if (view.revisions && !view.revisions.map(shortTaskDefinitionName).includes(target)) {
    return { ok: false, reason: `${target} is not an ACTIVE revision of ${serviceFamily}: register it first (or it was deregistered).` };
  }
  return { ok: true, target };
}

function planDeploy(state: AppState, view: EcsServiceView, requested: string, ctx: PlanContext): PlanResult {
  const analysis = analyseRollout(view);
  const primaryTd = analysis.primaryTaskDefinition;
  const checked = checkRevision(view, primaryTd, requested, "to deploy");
  if (!checked.ok) return checked;
  const target = checked.target;
  if (analysis.circuitBreakerRollback && analysis.state === "IN_PROGRESS") {
    return {
      ok: false,
      reason: `The circuit breaker is rolling ${view.service} back from ${analysis.circuitBreakerRollback.failedTaskDefinition} to ${analysis.circuitBreakerRollback.rolledBackTo}: wait until it completes.`,
    };
  }
  if (target === primaryTd) {
    if (analysis.state === "FAILED") {
      return { ok: false, reason: `${target} already failed to deploy on ${view.service}: register a fixed revision, or roll back.` };
    }
    return {
      ok: false,
      reason: analysis.state === "COMPLETED" ? `${view.service} already runs ${target}.` : `${view.service} is already rolling out ${target}.`,
    };
  }
  if (analysis.state === "IN_PROGRESS") {
    return { ok: false, reason: `A rollout of ${primaryTd} is in progress on ${view.service}: wait until it completes, or roll back.` };
  }
  // No skipIf: UpdateService to the task definition the service already has starts no deployment,
  // so a re-run after a crash is harmless (and a FAILED earlier rollout must not read as "done").
  const steady = ecsSteadyWait(view.cluster, view.service, target, ctx.waitScale, ROLLOUT_TIMEOUT_MS);
  return {
    ok: true,
    plan: {
      appId: state.appId,
      pattern: "ecs-rolling",
      intent: { kind: "deploy-revision", taskDefinition: target },
      summary: `Deploy ${target} to ${view.service} (replacing ${primaryTd})`,
      before: { greenPercent: state.configured.greenPercent, taskDefinition: primaryTd },
      after: { greenPercent: 100, taskDefinition: target },
      steps: [
        {
          id: "deploy-revision",
          title: `Update ${view.service} to ${target} and follow the rolling deployment until it completes`,
          call: updateServiceCall(view.cluster, view.service, { taskDefinition: target }),
          wait: steady,
        },
      ],
    },
  };
}

function planRollback(state: AppState, view: EcsServiceView, requested: string | undefined, ctx: PlanContext): PlanResult {
  const analysis = analyseRollout(view);
  if (analysis.state === "NONE") return { ok: false, reason: `${view.service} has no deployment to roll back.` };
  const primaryTd = analysis.primaryTaskDefinition;
  // Observe chose the target with what only the journal knows (the ECS deployment Teal's latest
  // operation created); the view alone cannot tie the PRIMARY to it.
  const derived = state.rollout ? state.rollout.previousTaskDefinition : analysis.previousTaskDefinition;
  let target: string;
  if (requested !== undefined) {
    const checked = checkRevision(view, primaryTd, requested, "to roll back to");
    if (!checked.ok) return checked;
    target = checked.target;
  } else if (derived !== null) {
    target = derived;
  } else {
    return {
      ok: false,
      reason: `Teal cannot tell which revision ${view.service} ran before ${primaryTd} (ECS no longer lists the earlier deployment and Teal did not make this one): choose the revision to roll back to.`,
    };
  }
  // Already there: the PRIMARY runs the revision to go back to, its rollout completed, every
  // task it wants runs, and no older deployment still has tasks.
  const alone = view.deployments.every((d) => d.status === "PRIMARY" || d.running === 0);
  if (target === primaryTd && analysis.state === "COMPLETED" && !analysis.circuitBreakerRollback && view.running === view.desired && alone) {
    const done = nothingToDoPlan(
      state,
      "ecs-rolling",
      requested !== undefined ? { kind: "rollback", taskDefinition: target } : { kind: "rollback" },
      ctx,
      `${view.service} runs ${view.running} of ${view.desired} tasks on ${target}, its rollout completed`,
      { headline: `Already on ${target} — nothing to do`, ends: { greenPercent: state.configured.greenPercent, taskDefinition: target } },
    );
    if (done) return done;
  }
  // The console sends the revision its button named; only another one was chosen by hand.
  const byHand = requested !== undefined && target !== derived;
  const breaker = analysis.circuitBreakerRollback;
  let summary: string;
  if (breaker && target === primaryTd)
    summary = `Roll back ${view.service} to ${target}: the circuit breaker already went back from ${breaker.failedTaskDefinition}; re-assert ${target} and wait`;
  else if (target === primaryTd)
    summary = `Roll back ${view.service}: it runs ${target}, the revision to go back to; re-assert it and wait for a steady state`;
  else summary = `Roll back ${view.service} from ${primaryTd} to ${target}${byHand ? " (revision chosen by hand)" : ""}`;
  const steady = ecsSteadyWait(view.cluster, view.service, target, ctx.waitScale, ROLLOUT_TIMEOUT_MS);
  return {
    ok: true,
    plan: {
      appId: state.appId,
      pattern: "ecs-rolling",
      intent: requested !== undefined ? { kind: "rollback", taskDefinition: target } : { kind: "rollback" },
      summary,
      before: { greenPercent: state.configured.greenPercent, taskDefinition: primaryTd },
      after: { greenPercent: 100, taskDefinition: target },
      steps: [
        {
          id: "rollback-revision",
          title: `Update ${view.service} to ${target} and follow the rolling deployment until it completes`,
          call: updateServiceCall(view.cluster, view.service, { taskDefinition: target }),
          wait: steady,
        },
      ],
    },
  };
}

/** Pure planner for ecs-rolling: deploy a revision, roll back to the previous one; no traffic shifting. */
export function planEcsRolling(state: AppState, intent: Intent, ctx: PlanContext): PlanResult {
  const view = serviceOf(state);
  switch (intent.kind) {
    case "shift":
    case "promote":
      return {
        ok: false,
        reason: `An ECS rolling update has no traffic control: ECS replaces tasks within minimumHealthyPercent / maximumPercent, so there is no share to ${intent.kind === "shift" ? "shift" : "promote"}. Deploy a revision instead, or roll back.`,
      };
    case "scale-green":
    case "standby-enter":
    case "standby-exit":
      return { ok: false, reason: `${intent.kind} does not apply to an ECS rolling update: deploy a revision, or roll back.` };
    case "progressive":
      return {
        ok: false,
        reason:
          "An ECS rolling update has no traffic control, so it cannot be delivered progressively: ECS replaces tasks at its own pace. Deploy a revision instead.",
      };
    case "deploy-revision":
      if (!view) return { ok: false, reason: "The ECS service was not read: Teal cannot deploy to it." };
      return planDeploy(state, view, intent.taskDefinition, ctx);
    case "rollback":
      if (!view) return { ok: false, reason: "The ECS service was not read: Teal cannot roll it back." };
      return planRollback(state, view, intent.taskDefinition, ctx);
  }
}
