// ecs-dns-swap end to end with the real SDK clients over HTTP against the practice range:
// observe → plan → execute each step through the gateway (driving the range's clock) → observe.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { AppState } from "@/lib/domain/app-state";
import type { AwsGateway } from "@/lib/domain/gateway";
import type { Intent } from "@/lib/domain/intent";
import type { Plan } from "@/lib/domain/plan";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { getMetricData } from "@/lib/aws/cloudwatch";
import { createAwsGateway } from "@/lib/aws/gateway";
import type { EcsDnsSwapAppConfig } from "@/lib/config/schema";
import { observedShare } from "@/lib/metrics/catalog";
import { seedEcs } from "@/range/demo/seed-ecs";
import { startTestRange, type TestRange } from "@/test/support/range";
import { planEcsDnsSwap } from "./ecs-dns-swap";
import { ecsDnsSwapObserver, observeEcsDnsSwap } from "./ecs-dns-swap-observe";

let range: TestRange;
let clients: AwsClients;
let gateway: AwsGateway;

const app: EcsDnsSwapAppConfig = {
  id: "profile-service",
  name: "Profile service",
  pattern: "ecs-dns-swap",
  region: "us-east-1",
  cluster: "prod",
  dns: { hostedZone: "example.com.", recordName: "profile.example.com.", recordType: "A" },
  blue: { service: "profile-blue", setIdentifier: "blue", loadBalancer: "profile-blue", targetGroup: "profile-blue-tg" },
  green: { service: "profile-green", setIdentifier: "green", loadBalancer: "profile-green" },
};

/** Moves the range's clock in 10 s steps, letting the world tick (tasks, health checks, traffic). */
async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10_000) {
    range.tick(Math.min(10_000, ms - t));
    await fetch(`${range.url}/_sim/health`);
  }
}

/** Runs a plan the way the engine does (call, then poll the wait), driving the clock between polls. */
async function execute(plan: Plan): Promise<string[]> {
  const details: string[] = [];
  for (const step of plan.steps) {
    const output = step.call ? await gateway.call(step.call) : null;
    if (step.wait) {
      let done = false;
      for (let i = 0; i < 120 && !done; i++) {
        const check = await gateway.check(step.wait, output);
        details.push(check.detail);
        done = check.done;
        if (!done) await advance(10_000);
      }
      expect(done, `wait ${step.wait.kind} of step ${step.id} never held: ${details.at(-1) ?? ""}`).toBe(true);
    }
  }
  return details;
}

function planOrFail(state: AppState, intent: Intent): Plan {
  const result = planEcsDnsSwap(state, intent, { waitScale: 1 });
  if (!result.ok) throw new Error(result.reason);
  return result.plan;
}

/** Green's observed share of requests over the last three whole minutes, from one GetMetricData call. */
async function measuredShare(state: AppState): Promise<number | null> {
  const plan = ecsDnsSwapObserver.metrics(app, state, 60);
  const now = range.nowMs();
  const { results, requests } = await getMetricData(clients.cloudwatch, plan.queries, new Date(now - 10 * 60_000), new Date(now));
  expect(requests).toBe(1);
  const pts = (id: string) => results.find((r) => r.id === id)?.points ?? [];
  if (!plan.requests) return null;
  return observedShare(pts(plan.requests.blue), pts(plan.requests.green), now, 3).greenPercent;
}

beforeAll(async () => {
  range = await startTestRange({ ecsTaskStartMinMs: 30_000, ecsTaskStartMaxMs: 45_000 });
  await seedEcs(range.url);
  clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  gateway = createAwsGateway(clients);
  await advance(180_000); // tasks start, register, pass their health checks; services reach steady state
}, 120_000);

afterAll(async () => {
  await range?.close();
});

describe("ecs-dns-swap on the practice range", () => {
  it("observes both services, their tasks, ALBs and the alias records", async () => {
    const state = await observeEcsDnsSwap(clients, app);
    expect(state.configured.greenPercent).toBe(0);
    expect(state.dns?.records.map((r) => [r.color, r.weight, r.ttl, r.record.aliasTarget?.evaluateTargetHealth])).toEqual([
      ["blue", 100, null, true],
      ["green", 0, null, true],
    ]);
    expect(state.dns?.reactionSeconds).toBe(180);
    expect(state.environments.blue).toMatchObject({ version: "v41", healthy: 4, unhealthy: 0, capacity: { desired: 4, inService: 4 } });
    expect(state.environments.green).toMatchObject({ version: "v42", healthy: 2, capacity: { desired: 2, inService: 2 } });
    expect(state.environments.green.instances.every((i) => i.kind === "task" && i.lifecycle === "RUNNING" && i.launch === "profile:42")).toBe(true);
    const blueEcs = state.environments.blue.ecs;
    expect(blueEcs?.deployments[0]).toMatchObject({ status: "PRIMARY", taskDefinition: "profile:41", rolloutState: "COMPLETED", running: 4 });
    expect(blueEcs?.circuitBreaker).toEqual({ enabled: true, rollback: true });
    expect(blueEcs?.events[0]?.message).toMatch(/has reached a steady state/);
    expect(state.environments.blue.loadBalancer.cloudWatch).toMatchObject({
      loadBalancer: expect.stringMatching(/^app\/profile-blue\//),
      targetGroup: expect.stringMatching(/^targetgroup\/profile-blue-tg\//),
    });
    // Green's target group is not configured: it is found from the service.
    expect(state.environments.green.loadBalancer.cloudWatch?.targetGroup).toMatch(/^targetgroup\/profile-green-tg\//);
  });

  it("shifts to 50 %, promotes to 100 % (scaling green like blue), and rolls back to blue", async () => {
    const before = await observeEcsDnsSwap(clients, app);
    const half = planOrFail(before, { kind: "shift", greenPercent: 50 });
    expect(half.steps.map((s) => s.id)).toEqual(["check-green-steady", "change-weights"]);
    await execute(half);
    const at50 = await observeEcsDnsSwap(clients, app);
    expect(at50.configured.greenPercent).toBe(50);
    expect(at50.dns?.records.map((r) => r.weight)).toEqual([50, 50]);
    expect(at50.version).not.toBe(before.version);

    // Caches expire (alias TTL 60 s), then whole minutes of traffic at the new split.
    await advance(6 * 60_000);
    const share50 = await measuredShare(await observeEcsDnsSwap(clients, app));
    expect(share50).not.toBeNull();
    expect(share50 ?? 0).toBeGreaterThan(35);
    expect(share50 ?? 0).toBeLessThan(65);

    const full = planOrFail(at50, { kind: "shift", greenPercent: 100 });
    expect(full.steps.map((s) => s.id)).toEqual(["scale-green", "change-weights"]);
    const details = await execute(full);
    expect(details.some((d) => /profile-green: 4\/4 running/.test(d))).toBe(true);
    const at100 = await observeEcsDnsSwap(clients, app);
    expect(at100.configured.greenPercent).toBe(100);
    expect(at100.dns?.records.map((r) => r.weight)).toEqual([0, 100]);
    expect(at100.environments.green).toMatchObject({ healthy: 4, capacity: { desired: 4, inService: 4 } });
    expect(at100.environments.blue.capacity).toMatchObject({ desired: 4, inService: 4 });

    await advance(6 * 60_000);
    expect(await measuredShare(at100)).toBeGreaterThan(90);

    const back = planOrFail(at100, { kind: "rollback" });
    expect(back.steps.map((s) => s.id)).toEqual(["change-weights"]);
    await execute(back);
    const final = await observeEcsDnsSwap(clients, app);
    expect(final.configured.greenPercent).toBe(0);
    expect(final.dns?.records.map((r) => r.weight)).toEqual([100, 0]);
    // Green keeps its tasks after a rollback: DNS caches still send it traffic for a while.
    expect(final.environments.green.capacity).toMatchObject({ desired: 4 });
    await advance(6 * 60_000);
    expect(await measuredShare(final)).toBeLessThan(10);
  }, 120_000);

  it("scales green back to idle once it has no traffic", async () => {
    const state = await observeEcsDnsSwap(clients, app);
    const plan = planOrFail(state, { kind: "scale-green", capacity: 0 });
    await execute(plan);
    const after = await observeEcsDnsSwap(clients, app);
    expect(after.environments.green.capacity).toMatchObject({ desired: 0, inService: 0 });
    expect(after.environments.green.instances).toHaveLength(0);
  }, 60_000);
});
