import type { AppState, EcsDeploymentView, EcsServiceView, Intent, PlanResult } from "@/lib/domain/types";
import { ecsSteadyWait, primaryDeployment, updateServiceCall } from "./ecs-common";
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
 * The application's last deploy made through Teal: the revision the service ran when it was planned
 * and the one it deployed. Read from the journal by the caller (observe stays free of the store).
 */
export interface LastDeploy {
  from: string;
  to: string;
}

/**
 * Where a rollback goes, the last revision known good before the PRIMARY:
 * 1. the circuit breaker is rolling back: the PRIMARY's own revision (re-asserted);
 * 2. Teal's last deploy went from A to B and the PRIMARY is still A or B: A. This undoes exactly
 *    that deploy, also when it was cut off before UpdateService reached ECS (the PRIMARY is still A:
 *    A is re-asserted, never an older revision) or when it skipped revisions (A:40 → B:42 goes
 *    back to 40, not to 41 which never ran);
 * 3. a rollout is replacing a deployment that had COMPLETED and still runs tasks: that revision;
 * 4. otherwise the family's newest ACTIVE revision below the PRIMARY's (rollouts that completed
 *    long ago leave no deployment behind; ECS drops INACTIVE deployments after a while).
 * Null when none of these is known.
 */
export function rollbackTarget(view: EcsServiceView, lastDeploy: LastDeploy | null = null): string | null {
  const primary = primaryDeployment(view);
  if (!primary) return null;
  const primaryTd = shortTaskDefinitionName(primary.taskDefinition);
  const breaker = circuitBreakerRollbackOf(view);
  if (breaker) return breaker.rolledBackTo;
  if (lastDeploy && (primaryTd === lastDeploy.from || primaryTd === lastDeploy.to)) return lastDeploy.from;
  const replaced = view.deployments
    .filter((d) => d.status === "ACTIVE" && d.rolloutState === "COMPLETED" && shortTaskDefinitionName(d.taskDefinition) !== primaryTd)
    .sort(byNewest)[0];
  if (replaced) return shortTaskDefinitionName(replaced.taskDefinition);
  const { family, revision } = taskDefinitionParts(primaryTd);
  if (revision === null) return null;
  let best: { td: string; revision: number } | null = null;
  for (const td of view.revisions ?? []) {
    const parts = taskDefinitionParts(td);
    if (parts.family !== family || parts.revision === null || parts.revision >= revision) continue;
    if (!best || parts.revision > best.revision) best = { td: shortTaskDefinitionName(td), revision: parts.revision };
  }
  return best?.td ?? null;
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

function planDeploy(state: AppState, view: EcsServiceView, requested: string, ctx: PlanContext): PlanResult {
  const target = shortTaskDefinitionName(requested.trim());
  const parts = taskDefinitionParts(target);
  if (parts.revision === null) {
    return { ok: false, reason: `Name the revision to deploy as family:revision (e.g. ${parts.family}:42), not "${requested}".` };
  }
  const analysis = analyseRollout(view);
  const primaryTd = analysis.primaryTaskDefinition;
  const serviceFamily = taskDefinitionParts(primaryTd).family;
  if (parts.family !== serviceFamily) {
    return { ok: false, reason: `${target} belongs to family ${parts.family}, but service ${view.service} runs family ${serviceFamily}.` };
  }
  if (view.revisions && !view.revisions.map(shortTaskDefinitionName).includes(target)) {
    return { ok: false, reason: `${target} is not an ACTIVE revision of ${serviceFamily}: register it first (or it was deregistered).` };
  }
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

function planRollback(state: AppState, view: EcsServiceView, ctx: PlanContext): PlanResult {
  const analysis = analyseRollout(view);
  if (analysis.state === "NONE") return { ok: false, reason: `${view.service} has no deployment to roll back.` };
  const primaryTd = analysis.primaryTaskDefinition;
  // Observe chose the target with what only the journal knows (Teal's last deploy); the view alone
  // cannot tell a deploy cut off before UpdateService from a long-settled one.
  const chosen = state.rollout ? state.rollout.previousTaskDefinition : analysis.previousTaskDefinition;
  // Never refused for "already there": without an earlier revision, the current one is re-asserted.
  const target = chosen ?? primaryTd;
  const breaker = analysis.circuitBreakerRollback;
  let summary: string;
  if (breaker) summary = `Roll back ${view.service} to ${target}: the circuit breaker already went back from ${breaker.failedTaskDefinition}; re-assert ${target} and wait`;
  else if (target === primaryTd) summary = `Roll back ${view.service}: it runs ${target}, the revision to go back to; re-assert it and wait for a steady state`;
  else summary = `Roll back ${view.service} from ${primaryTd} to ${target}`;
  const steady = ecsSteadyWait(view.cluster, view.service, target, ctx.waitScale, ROLLOUT_TIMEOUT_MS);
  return {
    ok: true,
    plan: {
      appId: state.appId,
      pattern: "ecs-rolling",
      intent: { kind: "rollback" },
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
    case "deploy-revision":
      if (!view) return { ok: false, reason: "The ECS service was not read: Teal cannot deploy to it." };
      return planDeploy(state, view, intent.taskDefinition, ctx);
    case "rollback":
      if (!view) return { ok: false, reason: "The ECS service was not read: Teal cannot roll it back." };
      return planRollback(state, view, ctx);
  }
}
