// ecs-rolling end to end with the real SDK clients over HTTP against the practice range:
// deploy a revision to COMPLETED, roll back to the previous one, and a failing revision that trips
// the circuit breaker, which rolls the service back by itself; observe shows each stage.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { AppError } from "@/lib/domain/app-error";
import type { AppState } from "@/lib/domain/app-state";
import type { AwsGateway } from "@/lib/domain/gateway";
import type { Intent } from "@/lib/domain/intent";
import type { JsonValue } from "@/lib/domain/basics";
import type { Operation } from "@/lib/domain/operation";
import type { Plan } from "@/lib/domain/plan";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { getMetricData } from "@/lib/aws/cloudwatch";
import { createAwsGateway } from "@/lib/aws/gateway";
import type { EcsRollingAppConfig } from "@/lib/config/schema";
import { registerDemoRevision, seedEcs } from "@/range/demo/seed-ecs";
import { startTestRange, type TestRange } from "@/test/support/range";
import { planEcsRolling } from "./ecs-rolling";
import { ecsRollingObserver, observeEcsRolling } from "./ecs-rolling-observe";
import { observeHintsFrom } from "./registry";

let range: TestRange;
let clients: AwsClients;
let gateway: AwsGateway;

const app: EcsRollingAppConfig = {
  id: "notifications",
  name: "Notifications API",
  pattern: "ecs-rolling",
  region: "us-east-1",
  cluster: "prod",
  service: "notifications",
  loadBalancer: "notifications-alb",
  targetGroup: "notifications-tg",
};

async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10_000) {
    range.tick(Math.min(10_000, ms - t));
    await fetch(`${range.url}/_sim/health`);
  }
}

/**
 * Runs a plan the way the engine does (call, then poll the wait), driving the clock between polls;
 * `onPoll` sees the application between polls. Resolves with the wait details, or rejects with the
 * wait's error (a FAILED rollout).
 */
async function execute(plan: Plan, onPoll?: () => Promise<void>): Promise<string[]> {
  const details: string[] = [];
  for (const step of plan.steps) {
    const output = step.call ? await gateway.call(step.call) : null;
    if (step.wait) {
      let done = false;
      for (let i = 0; i < 200 && !done; i++) {
        const check = await gateway.check(step.wait, output);
        details.push(check.detail);
        done = check.done;
        if (!done) {
          await advance(10_000);
          if (onPoll) await onPoll();
        }
      }
      expect(done, `wait ${step.wait.kind} never held: ${details.at(-1) ?? ""}`).toBe(true);
    }
  }
  return details;
}

/**
 * Runs a plan like `execute` and returns it as the journal keeps it (each call's output, as the
 * engine journals it), the operation observe reads its hints from.
 */
async function executeJournaled(plan: Plan): Promise<Operation> {
  const outputs: (JsonValue | null)[] = [];
  for (const step of plan.steps) {
    const output = step.call ? await gateway.call(step.call) : null;
    outputs.push(output);
    if (step.wait) {
      let done = false;
      for (let i = 0; i < 200 && !done; i++) {
        done = (await gateway.check(step.wait, output)).done;
        if (!done) await advance(10_000);
      }
      expect(done, `wait ${step.wait.kind} never held`).toBe(true);
    }
  }
  const at = new Date(range.nowMs()).toISOString();
  return {
    id: `op-${plan.intent.kind}-${range.nowMs()}`,
    appId: plan.appId,
    pattern: plan.pattern,
    intent: plan.intent,
    summary: plan.summary,
    status: "succeeded",
    actor: { id: "u-op", email: "operator@example.com", role: "operator" },
    reason: "test",
    createdAt: at,
    startedAt: at,
    finishedAt: at,
    error: null,
    steps: plan.steps.map((step, index) => ({
      ...step,
      index,
      status: "succeeded",
      startedAt: at,
      finishedAt: at,
      output: outputs[index] ?? null,
      error: null,
    })),
    before: plan.before,
    after: plan.after,
  };
}

/** Longer than ECS (and the range) keep a replaced deployment listed: only the PRIMARY is left. */
const HISTORY_GONE_MS = 6 * 60_000;

function planOrFail(state: AppState, intent: Intent): Plan {
  const result = planEcsRolling(state, intent, { waitScale: 1 });
  if (!result.ok) throw new Error(result.reason);
  return result.plan;
}

beforeAll(async () => {
  range = await startTestRange({ ecsTaskStartMinMs: 30_000, ecsTaskStartMaxMs: 45_000 });
  await seedEcs(range.url);
  clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  gateway = createAwsGateway(clients);
  await advance(180_000);
}, 120_000);

afterAll(async () => {
  await range?.close();
});

describe("ecs-rolling on the practice range", () => {
  it("observes the service steady on :41 with its family's revisions and target health", async () => {
    const state = await observeEcsRolling(clients, app);
    expect(state.rollout).toMatchObject({
      state: "COMPLETED",
      progressPercent: 100,
      primaryTaskDefinition: "notifications:41",
      // Seeded straight on :41: ECS lists no earlier deployment and Teal made none, so the revision
      // before is unknown (the console asks for it), never guessed as :40 from the numbers.
      previousTaskDefinition: null,
      circuitBreakerRollback: null,
    });
    expect(state.configured.greenPercent).toBe(100);
    expect(state.granularityPercent).toBe(25);
    expect(state.environments.green).toMatchObject({ version: "notifications:41 (v41)", healthy: 4, capacity: { desired: 4, inService: 4 } });
    expect(state.environments.blue).toMatchObject({ version: "none", healthy: 0, instances: [] });
    expect(state.environments.green.instances.every((i) => i.kind === "task" && i.lifecycle === "RUNNING" && i.state === "healthy")).toBe(true);
    expect(state.environments.green.ecs?.revisions).toEqual(["notifications:42", "notifications:41", "notifications:40"]);
    expect(state.environments.green.ecs?.circuitBreaker).toEqual({ enabled: true, rollback: true });

    const metrics = ecsRollingObserver.metrics(app, state, 60);
    expect(metrics.requests).toBeNull();
    const now = range.nowMs();
    const { results } = await getMetricData(clients.cloudwatch, metrics.queries, new Date(now - 5 * 60_000), new Date(now));
    expect(results.find((r) => r.id === "green_cpu")?.points.length).toBeGreaterThan(0);
    expect(results.find((r) => r.id === "green_requests")?.points.length).toBeGreaterThan(0);
  });

  it("deploys :42 through an observed rollout to COMPLETED, then rolls back to :41", async () => {
    const before = await observeEcsRolling(clients, app);
    const deploy = planOrFail(before, { kind: "deploy-revision", taskDefinition: "notifications:42" });
    const seen: AppState[] = [];
    await execute(deploy, async () => {
      seen.push(await observeEcsRolling(clients, app));
    });
    // Mid-rollout: two deployments, progress between the ends, old tasks on blue.
    const mid = seen.find((s) => s.rollout?.state === "IN_PROGRESS" && (s.rollout.progressPercent ?? 0) > 0 && s.rollout.progressPercent < 100);
    expect(mid, "no observation caught the rollout half way").toBeDefined();
    expect(mid?.rollout).toMatchObject({ primaryTaskDefinition: "notifications:42", previousTaskDefinition: "notifications:41" });
    expect(mid?.environments.green.ecs?.deployments.map((d) => [d.status, d.taskDefinition])).toEqual([
      ["PRIMARY", "notifications:42"],
      ["ACTIVE", "notifications:41"],
    ]);
    expect(mid?.environments.blue.instances.some((i) => i.launch === "notifications:41")).toBe(true);
    expect(mid?.configured.greenPercent).toBe(mid?.rollout?.progressPercent);

    const done = await observeEcsRolling(clients, app);
    expect(done.rollout).toMatchObject({
      state: "COMPLETED",
      progressPercent: 100,
      primaryTaskDefinition: "notifications:42",
      previousTaskDefinition: "notifications:41",
    });
    expect(done.environments.green).toMatchObject({ version: "notifications:42 (v42)", healthy: 4 });
    expect(done.environments.green.ecs?.events.some((e) => /deployment completed/.test(e.message))).toBe(true);
    expect(done.version).not.toBe(before.version);

    const back = planOrFail(done, { kind: "rollback" });
    expect(back.summary).toBe("Roll back notifications from notifications:42 to notifications:41");
    await execute(back);
    const after = await observeEcsRolling(clients, app);
    expect(after.rollout).toMatchObject({ state: "COMPLETED", progressPercent: 100, primaryTaskDefinition: "notifications:41" });
    expect(after.environments.green.instances.every((i) => i.launch === "notifications:41")).toBe(true);
  }, 120_000);

  it("a failing revision trips the circuit breaker, which rolls back to :41; observe shows it; rollback re-asserts :41", async () => {
    const res = await fetch(`${range.url}/_sim/versions/v43-bad`, { method: "PUT", body: JSON.stringify({ healthy: false }) });
    expect(res.status).toBe(200);
    expect(await registerDemoRevision(range.url, "notifications", "v43-bad")).toBe("notifications:43");

    const before = await observeEcsRolling(clients, app);
    const deploy = planOrFail(before, { kind: "deploy-revision", taskDefinition: "notifications:43" });
    const err = await execute(deploy).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).userMessage).toMatch(
      /ECS deployment of notifications:43 failed: .*circuit breaker.*; ECS is rolling back to notifications:41/,
    );

    const failed = await observeEcsRolling(clients, app);
    expect(failed.rollout?.primaryTaskDefinition).toBe("notifications:41");
    expect(failed.rollout?.circuitBreakerRollback).toMatchObject({ failedTaskDefinition: "notifications:43", rolledBackTo: "notifications:41" });
    expect(failed.rollout?.circuitBreakerRollback?.reason).toMatch(/circuit breaker/);
    const deployments = failed.environments.green.ecs?.deployments ?? [];
    expect(deployments.find((d) => d.taskDefinition === "notifications:43")).toMatchObject({ rolloutState: "FAILED" });
    const events = failed.environments.green.ecs?.events.map((e) => e.message) ?? [];
    expect(events.some((m) => /deployment failed/.test(m))).toBe(true);
    expect(events.some((m) => /rolling back to deployment/.test(m))).toBe(true);
    // The wait failed as soon as the rollout did: the breaker's rollback is still in flight, and
    // deploying anything else is refused until it is done.
    expect(failed.rollout?.state).toBe("IN_PROGRESS");
    expect(planEcsRolling(failed, { kind: "deploy-revision", taskDefinition: "notifications:42" }, { waitScale: 1 })).toEqual({
      ok: false,
      reason: expect.stringMatching(/circuit breaker is rolling notifications back from notifications:43 to notifications:41/),
    });
    // Green is what ECS converges to (:41 again), blue what it replaces (the failed :43 tasks, if any are left).
    expect(failed.environments.green.version).toBe("notifications:41 (v41)");
    expect(failed.environments.blue.instances.every((i) => i.launch === "notifications:43")).toBe(true);

    const back = planOrFail(failed, { kind: "rollback" });
    expect(back.steps[0]?.call?.input).toMatchObject({ taskDefinition: "notifications:41" });
    await execute(back);
    const final = await observeEcsRolling(clients, app);
    expect(final.rollout).toMatchObject({ state: "COMPLETED", progressPercent: 100, primaryTaskDefinition: "notifications:41" });
    expect(final.environments.green.healthy).toBe(4);
  }, 120_000);

  it("the rollback target is the revision that served before, from ECS's deployments or the deployment Teal made; unknown, it is asked for", async () => {
    // The breaker's history forgotten: steady :41, nothing listed before it.
    await advance(HISTORY_GONE_MS);
    const steady = await observeEcsRolling(clients, app);
    expect(steady.rollout).toMatchObject({ state: "COMPLETED", primaryTaskDefinition: "notifications:41", previousTaskDefinition: null });
    expect(steady.environments.green.ecs?.deployments.map((d) => d.status)).toEqual(["PRIMARY"]);
    expect(planEcsRolling(steady, { kind: "rollback" }, { waitScale: 1 })).toEqual({
      ok: false,
      reason: expect.stringMatching(/choose the revision to roll back to/),
    });
    // A revision named by hand is checked against the family's ACTIVE revisions ECS lists.
    expect(planEcsRolling(steady, { kind: "rollback", taskDefinition: "notifications:44" }, { waitScale: 1 })).toEqual({
      ok: false,
      reason: expect.stringMatching(/not an ACTIVE revision of notifications/),
    });
    expect(planEcsRolling(steady, { kind: "rollback", taskDefinition: "orders:1" }, { waitScale: 1 })).toEqual({
      ok: false,
      reason: expect.stringMatching(/belongs to family orders/),
    });

    // Teal deploys :42: while ECS lists the replaced deployment, that is the target.
    const deployed = await executeJournaled(planOrFail(steady, { kind: "deploy-revision", taskDefinition: "notifications:42" }));
    const hints = observeHintsFrom(deployed);
    expect(hints.lastDeploy).toMatchObject({
      kind: "deploy",
      from: "notifications:41",
      to: "notifications:42",
      deploymentId: expect.stringMatching(/^ecs-svc\//),
    });
    const fresh = await observeEcsRolling(clients, app);
    expect(fresh.rollout).toMatchObject({
      state: "COMPLETED",
      primaryTaskDefinition: "notifications:42",
      previousTaskDefinition: "notifications:41",
    });
    expect(fresh.environments.green.ecs?.deployments.find((d) => d.status === "PRIMARY")?.id).toBe(hints.lastDeploy?.deploymentId);
    // Once ECS forgets it, the PRIMARY is still the deployment Teal's deploy created: the journal says :41.
    await advance(HISTORY_GONE_MS);
    expect((await observeEcsRolling(clients, app)).rollout?.previousTaskDefinition).toBeNull();
    const later = await observeEcsRolling(clients, app, hints);
    expect(later.rollout?.previousTaskDefinition).toBe("notifications:41");

    // Teal rolls back to :41. ECS lists the :42 deployment it replaced, but rolling Teal's rollback
    // back re-asserts :41: it never rolls forward to :42.
    const back = planOrFail(later, { kind: "rollback" });
    expect(back.summary).toBe("Roll back notifications from notifications:42 to notifications:41");
    const rolledBack = await executeJournaled(back);
    const afterRollback = observeHintsFrom(rolledBack);
    expect(afterRollback.lastDeploy).toMatchObject({ kind: "rollback", from: "notifications:42", to: "notifications:41" });
    expect((await observeEcsRolling(clients, app)).rollout).toMatchObject({
      primaryTaskDefinition: "notifications:41",
      previousTaskDefinition: "notifications:42",
    });
    const again = await observeEcsRolling(clients, app, afterRollback);
    expect(again.rollout).toMatchObject({ primaryTaskDefinition: "notifications:41", previousTaskDefinition: "notifications:41" });

    // A revision chosen by hand: :40, which never ran on this service.
    const chosen = planOrFail(again, { kind: "rollback", taskDefinition: "notifications:40" });
    expect(chosen.intent).toEqual({ kind: "rollback", taskDefinition: "notifications:40" });
    await executeJournaled(chosen);
    const onForty = await observeEcsRolling(clients, app);
    expect(onForty.rollout).toMatchObject({
      state: "COMPLETED",
      primaryTaskDefinition: "notifications:40",
      previousTaskDefinition: "notifications:41",
    });
    expect(onForty.environments.green.instances.every((i) => i.launch === "notifications:40")).toBe(true);
  }, 180_000);
});
