import { describe, expect, it } from "vitest";
import type { AppState, EcsDeploymentView, EcsServiceView } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { Intent } from "@/lib/domain/intent";
import type { Plan } from "@/lib/domain/plan";
import { analyseRollout, planEcsRolling, rollbackTarget, shortTaskDefinitionName, taskDefinitionParts, type LastDeploy } from "./ecs-rolling";

const ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/";

let clock = 0;
/** Deployments are created in the order they are written; later ones are newer. */
function d(
  status: string,
  td: string,
  running: number,
  rolloutState: string | null,
  extra: { pending?: number; desired?: number; reason?: string; id?: string } = {},
): EcsDeploymentView {
  clock += 1;
  const at = new Date(Date.UTC(2026, 0, 1, 12, clock)).toISOString();
  return {
    id: extra.id ?? `ecs-svc/${clock}`,
    status,
    taskDefinition: `${ARN}${td}`,
    desired: extra.desired ?? 4,
    pending: extra.pending ?? 0,
    running,
    failed: rolloutState === "FAILED" ? 3 : 0,
    rolloutState,
    rolloutStateReason: extra.reason ?? null,
    createdAt: at,
    updatedAt: at,
  };
}

/** Deployments listed newest first, as ECS lists them. */
function view(deployments: EcsDeploymentView[], opts: { revisions?: string[]; rollback?: boolean } = {}): EcsServiceView {
  const listed = [...deployments].reverse();
  const primary = listed.find((x) => x.status === "PRIMARY");
  return {
    cluster: "prod",
    service: "notifications",
    taskDefinition: primary?.taskDefinition ?? `${ARN}notifications:41`,
    desired: 4,
    running: listed.reduce((s, x) => s + x.running, 0),
    pending: listed.reduce((s, x) => s + x.pending, 0),
    deployments: listed,
    events: [],
    circuitBreaker: { enabled: true, rollback: opts.rollback ?? true },
    revisions: opts.revisions ?? ["notifications:42", "notifications:41", "notifications:40"],
  };
}

function state(v: EcsServiceView, lastDeploy: LastDeploy | null = null): AppState {
  const a = analyseRollout(v, lastDeploy);
  const env = (color: Color) => ({
    color,
    version: color === "green" ? a.primaryTaskDefinition : (a.previousTaskDefinition ?? "none"),
    loadBalancer: { kind: "none" as const, name: "" },
    healthy: 0,
    unhealthy: 0,
    instances: [],
    ecs: v,
  });
  return {
    appId: "notifications-worker",
    pattern: "ecs-rolling",
    observedAt: "2026-01-01T13:00:00.000Z",
    environments: { blue: env("blue"), green: env("green") },
    configured: { greenPercent: a.progressPercent },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    rollout: {
      state: a.state,
      progressPercent: a.progressPercent,
      primaryTaskDefinition: a.primaryTaskDefinition,
      previousTaskDefinition: a.previousTaskDefinition,
      circuitBreakerRollback: a.circuitBreakerRollback,
    },
    granularityPercent: 25,
    version: "v",
  };
}

const BREAKER_REASON = "ECS deployment circuit breaker: tasks failed to start.";

// The starting states every intent is tried from.
const STEADY_41 = () => view([d("PRIMARY", "notifications:41", 4, "COMPLETED")]);
const STEADY_41_FIRST = () => view([d("PRIMARY", "notifications:41", 4, "COMPLETED")], { revisions: ["notifications:42", "notifications:41"] });
const COMPLETED_42_HISTORY_GONE = () => view([d("PRIMARY", "notifications:42", 4, "COMPLETED")]);
const COMPLETED_42_OLD_LISTED = () => view([d("INACTIVE", "notifications:41", 0, "COMPLETED"), d("PRIMARY", "notifications:42", 4, "COMPLETED")]);
const ROLLING_41_TO_42 = () =>
  view([d("ACTIVE", "notifications:41", 3, "COMPLETED"), d("PRIMARY", "notifications:42", 1, "IN_PROGRESS", { pending: 2 })]);
const FAILED_NO_ROLLBACK = () =>
  view([d("ACTIVE", "notifications:41", 4, "COMPLETED"), d("PRIMARY", "notifications:42", 0, "FAILED", { reason: BREAKER_REASON })], {
    rollback: false,
  });
const BREAKER_ROLLING_BACK = () =>
  view([
    d("INACTIVE", "notifications:41", 0, "COMPLETED"),
    d("ACTIVE", "notifications:42", 1, "FAILED", { reason: BREAKER_REASON, id: "ecs-svc/failed" }),
    d("PRIMARY", "notifications:41", 2, "IN_PROGRESS", {
      pending: 2,
      reason: "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.",
    }),
  ]);
const BREAKER_ROLLED_BACK = () =>
  view([
    d("INACTIVE", "notifications:42", 0, "FAILED", { reason: BREAKER_REASON, id: "ecs-svc/failed" }),
    d("PRIMARY", "notifications:41", 4, "COMPLETED", { reason: "ECS deployment ecs-svc/9 completed." }),
  ]);

const ROLLING_OVER_A_ROLLOUT = () =>
  view(
    [
      d("ACTIVE", "notifications:41", 2, "COMPLETED"),
      d("ACTIVE", "notifications:42", 2, "IN_PROGRESS"),
      d("PRIMARY", "notifications:43", 0, "IN_PROGRESS", { pending: 2 }),
    ],
    { revisions: ["notifications:43", "notifications:42", "notifications:41"] },
  );
const CLASSIC_ROLLING = () => view([d("ACTIVE", "notifications:41", 2, null), d("PRIMARY", "notifications:42", 2, null)]);
/** :42 completed long ago, from the deployment Teal's deploy created (the journal has its id). */
const TEALS_42_HISTORY_GONE = () => view([d("PRIMARY", "notifications:42", 4, "COMPLETED", { id: "ecs-svc/teal" })]);
/** Teal rolled :42 back to :41; the :42 deployment it replaced is still listed. */
const TEALS_ROLLBACK_TO_41 = () =>
  view([d("INACTIVE", "notifications:42", 0, "COMPLETED"), d("PRIMARY", "notifications:41", 4, "COMPLETED", { id: "ecs-svc/teal" })]);

const deployed = (from: string, to: string, deploymentId: string | null): LastDeploy => ({ kind: "deploy", from, to, deploymentId });
const rolledBack = (from: string, to: string, deploymentId: string | null): LastDeploy => ({ kind: "rollback", from, to, deploymentId });

const ctx = { waitScale: 1 };
/** Plans every step even when AWS already is the end state (a rollback preempting an operation). */
const reassert = { waitScale: 1, reassert: true };

function plan(result: ReturnType<typeof planEcsRolling>): Plan {
  if (!result.ok) throw new Error(`expected a plan, got: ${result.reason}`);
  return result.plan;
}

describe("analyseRollout", () => {
  it.each([
    // Nothing lists what ran before the PRIMARY: unknown, never guessed from the revision numbers.
    { name: "steady on :41", v: STEADY_41, state: "COMPLETED", progress: 100, primary: "notifications:41", previous: null },
    { name: "steady on the first revision", v: STEADY_41_FIRST, state: "COMPLETED", progress: 100, primary: "notifications:41", previous: null },
    {
      name: ":42 completed, history gone",
      v: COMPLETED_42_HISTORY_GONE,
      state: "COMPLETED",
      progress: 100,
      primary: "notifications:42",
      previous: null,
    },
    {
      name: ":42 completed, old INACTIVE listed",
      v: COMPLETED_42_OLD_LISTED,
      state: "COMPLETED",
      progress: 100,
      primary: "notifications:42",
      previous: "notifications:41",
    },
    { name: "rolling :41 → :42", v: ROLLING_41_TO_42, state: "IN_PROGRESS", progress: 25, primary: "notifications:42", previous: "notifications:41" },
    {
      name: ":42 FAILED, no breaker rollback",
      v: FAILED_NO_ROLLBACK,
      state: "FAILED",
      progress: 0,
      primary: "notifications:42",
      previous: "notifications:41",
    },
    {
      name: "breaker rolling back to :41",
      v: BREAKER_ROLLING_BACK,
      state: "IN_PROGRESS",
      progress: 66.7,
      primary: "notifications:41",
      previous: "notifications:41",
    },
    {
      name: "breaker rolled back to :41",
      v: BREAKER_ROLLED_BACK,
      state: "COMPLETED",
      progress: 100,
      primary: "notifications:41",
      previous: "notifications:41",
    },
    {
      name: "rolling :42 → :43 before :42 completed: the last revision that completed",
      v: ROLLING_OVER_A_ROLLOUT,
      state: "IN_PROGRESS",
      progress: 0,
      primary: "notifications:43",
      previous: "notifications:41",
    },
    {
      name: "classic ELB, no rollout states: the deployment being replaced",
      v: CLASSIC_ROLLING,
      state: "IN_PROGRESS",
      progress: 50,
      primary: "notifications:42",
      previous: "notifications:41",
    },
  ])("$name", ({ v, state, progress, primary, previous }) => {
    const a = analyseRollout(v());
    expect(a).toMatchObject({ state, progressPercent: progress, primaryTaskDefinition: primary, previousTaskDefinition: previous });
  });

  it("names the failed revision while the circuit breaker's rollback is listed", () => {
    expect(analyseRollout(BREAKER_ROLLING_BACK()).circuitBreakerRollback).toEqual({
      failedTaskDefinition: "notifications:42",
      failedDeploymentId: "ecs-svc/failed",
      reason: BREAKER_REASON,
      rolledBackTo: "notifications:41",
    });
    expect(analyseRollout(BREAKER_ROLLED_BACK()).circuitBreakerRollback?.failedTaskDefinition).toBe("notifications:42");
    expect(analyseRollout(FAILED_NO_ROLLBACK()).circuitBreakerRollback).toBeNull();
    expect(analyseRollout(ROLLING_41_TO_42()).circuitBreakerRollback).toBeNull();
  });

  it("derives the state when ECS reports no rolloutState (classic load balancer)", () => {
    expect(analyseRollout(view([d("PRIMARY", "notifications:41", 4, null)])).state).toBe("COMPLETED");
    expect(analyseRollout(view([d("ACTIVE", "notifications:41", 2, null), d("PRIMARY", "notifications:42", 2, null)])).state).toBe("IN_PROGRESS");
  });

  it("has no rollout without a PRIMARY deployment", () => {
    expect(analyseRollout(view([])).state).toBe("NONE");
    expect(rollbackTarget(view([]))).toBeNull();
  });

  it("reads family and revision from short names and ARNs", () => {
    expect(taskDefinitionParts(`${ARN}notifications:42`)).toEqual({ family: "notifications", revision: 42 });
    expect(taskDefinitionParts("notifications")).toEqual({ family: "notifications", revision: null });
    expect(taskDefinitionParts("notifications:latest")).toEqual({ family: "notifications:latest", revision: null });
    expect(shortTaskDefinitionName(`${ARN}a:1`)).toBe("a:1");
  });
});

describe("planEcsRolling: deploy-revision", () => {
  it.each([
    {
      name: "from steady :41 to :42",
      v: STEADY_41,
      td: "notifications:42",
      summary: "Deploy notifications:42 to notifications (replacing notifications:41)",
    },
    {
      name: "an ARN, from steady :41",
      v: STEADY_41,
      td: `${ARN}notifications:42`,
      summary: "Deploy notifications:42 to notifications (replacing notifications:41)",
    },
    {
      name: "an older revision from steady :42",
      v: COMPLETED_42_HISTORY_GONE,
      td: "notifications:40",
      summary: "Deploy notifications:40 to notifications (replacing notifications:42)",
    },
    {
      name: "a fix after a FAILED rollout",
      v: FAILED_NO_ROLLBACK,
      td: "notifications:40",
      summary: "Deploy notifications:40 to notifications (replacing notifications:42)",
    },
    {
      name: "again after the breaker rolled back",
      v: BREAKER_ROLLED_BACK,
      td: "notifications:42",
      summary: "Deploy notifications:42 to notifications (replacing notifications:41)",
    },
  ])("$name", ({ v, td, summary }) => {
    const p = plan(planEcsRolling(state(v()), { kind: "deploy-revision", taskDefinition: td }, ctx));
    const target = shortTaskDefinitionName(td);
    expect(p.summary).toBe(summary);
    expect(p.steps).toHaveLength(1);
    const step = p.steps[0];
    expect(step?.call).toEqual({
      service: "ecs",
      operation: "UpdateService",
      input: { cluster: "prod", service: "notifications", taskDefinition: target },
    });
    expect(step?.wait).toMatchObject({ kind: "ecs-steady", cluster: "prod", service: "notifications", taskDefinition: target, timeoutMs: 1_800_000 });
    // UpdateService to the revision the service already has starts no deployment: safe to re-run.
    expect(step?.skipIf).toBeUndefined();
    expect(p.after.greenPercent).toBe(100);
  });

  it.each([
    { name: "the revision already running", v: STEADY_41, td: "notifications:41", reason: /already runs notifications:41/ },
    { name: "a revision already rolling out", v: ROLLING_41_TO_42, td: "notifications:42", reason: /already rolling out notifications:42/ },
    { name: "another revision during a rollout", v: ROLLING_41_TO_42, td: "notifications:40", reason: /rollout of notifications:42 is in progress/ },
    { name: "the revision that just failed", v: FAILED_NO_ROLLBACK, td: "notifications:42", reason: /already failed to deploy/ },
    {
      name: "anything while the breaker rolls back",
      v: BREAKER_ROLLING_BACK,
      td: "notifications:40",
      reason: /circuit breaker is rolling notifications back from notifications:42 to notifications:41/,
    },
    { name: "a revision that is not registered", v: STEADY_41, td: "notifications:43", reason: /not an ACTIVE revision of notifications/ },
    {
      name: "another family",
      v: STEADY_41,
      td: "billing:3",
      reason: /belongs to family billing, but service notifications runs family notifications/,
    },
    { name: "a family without revision", v: STEADY_41, td: "notifications", reason: /family:revision/ },
  ])("refuses $name", ({ v, td, reason }) => {
    expect(planEcsRolling(state(v()), { kind: "deploy-revision", taskDefinition: td }, ctx)).toEqual({
      ok: false,
      reason: expect.stringMatching(reason),
    });
  });

  it("trusts UpdateService to check the revision when the family's list was not read", () => {
    const v = { ...STEADY_41(), revisions: undefined };
    expect(plan(planEcsRolling(state(v), { kind: "deploy-revision", taskDefinition: "notifications:43" }, ctx)).steps).toHaveLength(1);
  });
});

describe("planEcsRolling: rollback", () => {
  it.each([
    {
      name: "completed :42 → :41 (old deployment listed)",
      v: COMPLETED_42_OLD_LISTED,
      target: "notifications:41",
      summary: /from notifications:42 to notifications:41/,
    },
    {
      name: "mid-rollout back to the deployment it replaces",
      v: ROLLING_41_TO_42,
      target: "notifications:41",
      summary: /from notifications:42 to notifications:41/,
    },
    {
      name: "FAILED without breaker rollback",
      v: FAILED_NO_ROLLBACK,
      target: "notifications:41",
      summary: /from notifications:42 to notifications:41/,
    },
    {
      name: "while the breaker rolls back: re-assert its target",
      v: BREAKER_ROLLING_BACK,
      target: "notifications:41",
      summary: /circuit breaker already went back from notifications:42/,
    },
    { name: "after the breaker rolled back: re-assert", v: BREAKER_ROLLED_BACK, target: "notifications:41", summary: /re-assert notifications:41/ },
    {
      name: "a rollout over an unfinished one: back to the last completed revision",
      v: ROLLING_OVER_A_ROLLOUT,
      target: "notifications:41",
      summary: /from notifications:43 to notifications:41/,
    },
    // The journal counts when the PRIMARY is the very deployment Teal's latest operation created.
    {
      name: "Teal deployed :40 → :42 (its deployment is the PRIMARY): back to :40, not :41 which never ran",
      v: TEALS_42_HISTORY_GONE,
      last: deployed("notifications:40", "notifications:42", "ecs-svc/teal"),
      target: "notifications:40",
      summary: /from notifications:42 to notifications:40/,
    },
    {
      name: "Teal's rollback to :41 is re-asserted, never rolled forward to :42",
      v: TEALS_ROLLBACK_TO_41,
      last: rolledBack("notifications:42", "notifications:41", "ecs-svc/teal"),
      target: "notifications:41",
      summary: /runs notifications:41, the revision to go back to; re-assert it/,
    },
    {
      name: "Teal's deploy :41 → :42 cut off before UpdateService: re-assert :41",
      v: STEADY_41,
      last: deployed("notifications:41", "notifications:42", null),
      target: "notifications:41",
      summary: /runs notifications:41, the revision to go back to/,
    },
    {
      name: "after a rollback to :41 (:42 still listed), Teal's deploy cut off before UpdateService: re-assert :41, never forward to :42",
      v: TEALS_ROLLBACK_TO_41,
      last: deployed("notifications:41", "notifications:42", null),
      target: "notifications:41",
      summary: /runs notifications:41, the revision to go back to/,
    },
    {
      name: "Teal's rollback :42 → :41 cut off before UpdateService: go on to :41",
      v: COMPLETED_42_HISTORY_GONE,
      last: rolledBack("notifications:42", "notifications:41", null),
      target: "notifications:41",
      summary: /from notifications:42 to notifications:41/,
    },
    {
      name: "someone deployed outside Teal since (another deployment id): ECS history, not the journal",
      v: COMPLETED_42_OLD_LISTED,
      last: deployed("notifications:39", "notifications:42", "ecs-svc/old"),
      target: "notifications:41",
      summary: /from notifications:42 to notifications:41/,
    },
    {
      name: "the breaker's own rollback still wins over the journal",
      v: BREAKER_ROLLED_BACK,
      last: deployed("notifications:40", "notifications:42", "ecs-svc/failed"),
      target: "notifications:41",
      summary: /re-assert notifications:41/,
    },
  ])("$name", ({ v, target, summary, ...rest }) => {
    const last = "last" in rest ? rest.last : null;
    const p = plan(planEcsRolling(state(v(), last), { kind: "rollback" }, reassert));
    expect(p.summary).toMatch(summary);
    expect(p.intent).toEqual({ kind: "rollback" });
    expect(p.steps).toHaveLength(1);
    expect(p.steps[0]?.call?.input).toEqual({ cluster: "prod", service: "notifications", taskDefinition: target });
    expect(p.steps[0]?.wait).toMatchObject({ kind: "ecs-steady", taskDefinition: target });
    expect(p.steps[0]?.skipIf).toBeUndefined();
    expect(p.after).toEqual({ greenPercent: 100, taskDefinition: target });
  });

  it.each([
    { name: "steady :41, nothing listed before it (never :40 from the numbers)", v: STEADY_41, last: null },
    { name: "steady on the first revision", v: STEADY_41_FIRST, last: null },
    { name: ":42 completed, history gone, not Teal's deployment", v: COMPLETED_42_HISTORY_GONE, last: null },
    {
      name: ":42 completed, history gone, the journal names another deployment",
      v: TEALS_42_HISTORY_GONE,
      last: deployed("notifications:40", "notifications:42", "ecs-svc/other"),
    },
  ])("asks for the revision when it cannot tell what served before: $name", ({ v, last }) => {
    const s = state(v(), last);
    expect(s.rollout?.previousTaskDefinition).toBeNull();
    expect(planEcsRolling(s, { kind: "rollback" }, ctx)).toEqual({
      ok: false,
      reason: expect.stringMatching(/cannot tell which revision notifications ran before notifications:4[12].*choose the revision to roll back to/),
    });
  });

  it("rolls back to a revision named by hand: an ACTIVE revision of the service's family, as a short name or an ARN", () => {
    for (const td of ["notifications:40", `${ARN}notifications:40`, " notifications:40 "]) {
      const p = plan(planEcsRolling(state(COMPLETED_42_HISTORY_GONE()), { kind: "rollback", taskDefinition: td }, ctx));
      expect(p.intent).toEqual({ kind: "rollback", taskDefinition: "notifications:40" });
      expect(p.summary).toBe("Roll back notifications from notifications:42 to notifications:40 (revision chosen by hand)");
      expect(p.steps[0]?.call?.input).toEqual({ cluster: "prod", service: "notifications", taskDefinition: "notifications:40" });
      expect(p.after).toEqual({ greenPercent: 100, taskDefinition: "notifications:40" });
    }
    // The revision the button named (the one history gives) is not "chosen by hand".
    const named = plan(planEcsRolling(state(ROLLING_41_TO_42()), { kind: "rollback", taskDefinition: "notifications:41" }, ctx));
    expect(named.summary).toBe("Roll back notifications from notifications:42 to notifications:41");
    expect(named.intent).toEqual({ kind: "rollback", taskDefinition: "notifications:41" });
    // The named revision wins over the one history suggests.
    expect(
      plan(planEcsRolling(state(ROLLING_41_TO_42()), { kind: "rollback", taskDefinition: "notifications:40" }, ctx)).steps[0]?.call?.input,
    ).toMatchObject({ taskDefinition: "notifications:40" });
  });

  it.each([
    { td: "payments:40", reason: /payments:40 belongs to family payments, but service notifications runs family notifications/ },
    { td: "notifications:39", reason: /notifications:39 is not an ACTIVE revision of notifications/ },
    { td: "notifications", reason: /Name the revision to roll back to as family:revision/ },
    { td: "notifications:latest", reason: /Name the revision to roll back to as family:revision/ },
  ])("refuses a revision named by hand that is not one of the family's: $td", ({ td, reason }) => {
    expect(planEcsRolling(state(STEADY_41()), { kind: "rollback", taskDefinition: td }, ctx)).toEqual({
      ok: false,
      reason: expect.stringMatching(reason),
    });
  });

  it("refuses when there is nothing to roll back", () => {
    expect(planEcsRolling(state(view([])), { kind: "rollback" }, ctx)).toEqual({
      ok: false,
      reason: expect.stringMatching(/no deployment to roll back/),
    });
  });
});

describe("planEcsRolling: intents without a meaning here", () => {
  const all = [STEADY_41, ROLLING_41_TO_42, COMPLETED_42_HISTORY_GONE, FAILED_NO_ROLLBACK, BREAKER_ROLLING_BACK];
  it.each([
    [{ kind: "shift", greenPercent: 50 } as Intent, /no traffic control.*no share to shift/],
    [{ kind: "promote" } as Intent, /no traffic control.*no share to promote/],
    [{ kind: "scale-green", capacity: 3 } as Intent, /scale-green does not apply/],
    [{ kind: "standby-enter", color: "blue" } as Intent, /standby-enter does not apply/],
  ])("refuses %o from every state", (intent, reason) => {
    for (const v of all) expect(planEcsRolling(state(v()), intent, ctx)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it("scales the rollout wait for a fast clock and stays pure", () => {
    const s = state(STEADY_41());
    const p = plan(planEcsRolling(s, { kind: "deploy-revision", taskDefinition: "notifications:42" }, { waitScale: 0.01 }));
    expect(p.steps[0]?.wait).toMatchObject({ timeoutMs: 18_000, pollMs: 100 });
    expect(planEcsRolling(s, { kind: "rollback" }, ctx)).toEqual(planEcsRolling(s, { kind: "rollback" }, ctx));
  });
});

describe("planEcsRolling: rollback when the service already runs the revision to go back to", () => {
  it("plans no step and names the revision; a preempting rollback still re-asserts it", () => {
    const s = state(TEALS_ROLLBACK_TO_41(), rolledBack("notifications:42", "notifications:41", "ecs-svc/teal"));
    const p = plan(planEcsRolling(s, { kind: "rollback" }, ctx));
    expect(p.steps).toEqual([]);
    expect(p.nothingToDo).toEqual({
      headline: "Already on notifications:41 — nothing to do",
      detail: expect.stringMatching(/runs 4 of 4 tasks on notifications:41/),
    });
    expect(p.after.taskDefinition).toBe("notifications:41");
    expect(plan(planEcsRolling(s, { kind: "rollback" }, reassert)).steps).toHaveLength(1);
  });

  it("still rolls back while a deployment is in progress or goes elsewhere", () => {
    expect(plan(planEcsRolling(state(ROLLING_41_TO_42()), { kind: "rollback" }, ctx)).steps).toHaveLength(1);
    expect(plan(planEcsRolling(state(COMPLETED_42_OLD_LISTED()), { kind: "rollback" }, ctx)).steps).toHaveLength(1);
  });
});
