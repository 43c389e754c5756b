// alb-weighted end to end with the real SDK clients over HTTP against the practice range:
// observe → plan → execute each step through the gateway → observe again, and the observed share.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { AppState } from "@/lib/domain/app-state";
import type { AwsGateway } from "@/lib/domain/gateway";
import type { Intent } from "@/lib/domain/intent";
import type { JsonObject } from "@/lib/domain/basics";
import type { Plan } from "@/lib/domain/plan";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { getMetricData } from "@/lib/aws/cloudwatch";
import { describeListeners } from "@/lib/aws/elbv2";
import { createAwsGateway } from "@/lib/aws/gateway";
import type { AlbWeightedAppConfig } from "@/lib/config/schema";
import { observedShare } from "@/lib/metrics/catalog";
import { seedAlb, type AlbDemo } from "@/range/demo/seed-alb";
import { startTestRange, type TestRange } from "@/test/support/range";
import { planAlbWeighted } from "./alb-weighted";
import { albWeightedMetrics, loadBalancerDimensionOf, observeAlbWeighted } from "./alb-weighted-observe";

let range: TestRange;
let demo: AlbDemo;
let clients: AwsClients;
let gateway: AwsGateway;

const app: AlbWeightedAppConfig = {
  id: "catalog-api",
  name: "Catalog API",
  pattern: "alb-weighted",
  region: "us-east-1",
  loadBalancer: "catalog-alb",
  listenerPort: 80,
  blue: { targetGroup: "catalog-blue" },
  green: { targetGroup: "catalog-green" },
};

async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10_000) {
    range.tick(Math.min(10_000, ms - t));
    await fetch(`${range.url}/_sim/health`);
  }
}

/** Runs a plan the way the engine does (skipIf, call, then poll the wait), driving the clock between polls. */
async function execute(plan: Plan): Promise<void> {
  for (const step of plan.steps) {
    const skip = step.skipIf ? (await gateway.check(step.skipIf, null)).done : false;
    const output = step.call && !skip ? await gateway.call(step.call) : null;
    if (step.wait) {
      let done = false;
      for (let i = 0; i < 60 && !done; i++) {
        done = (await gateway.check(step.wait, output)).done;
        if (!done) await advance(5_000);
      }
      expect(done, `wait ${step.wait.kind} of ${step.id} never held`).toBe(true);
    }
  }
}

function planOrFail(state: AppState, intent: Intent): Plan {
  const result = planAlbWeighted(state, intent, { waitScale: 1 });
  if (!result.ok) throw new Error(result.reason);
  return result.plan;
}

/** The listener's forward config as ELBv2 holds it now (DescribeListeners through lib/aws). */
async function forwardConfig(): Promise<JsonObject> {
  const listener = (await describeListeners(clients.elbv2, demo.catalog.loadBalancerArn)).find((l) => l.arn === demo.catalog.listenerArn);
  expect(listener?.actions).toHaveLength(1);
  return (listener?.actions[0]?.ForwardConfig ?? {}) as JsonObject;
}

async function observedGreen(state: AppState): Promise<number | null> {
  const metrics = albWeightedMetrics(state, 60);
  const now = range.nowMs();
  const { results, requests } = await getMetricData(clients.cloudwatch, metrics.queries, new Date(now - 10 * 60_000), new Date(now));
  expect(requests).toBe(1);
  const pts = (id: string) => results.find((r) => r.id === id)?.points ?? [];
  if (!metrics.requests) throw new Error("no request queries");
  return observedShare(pts(metrics.requests.blue), pts(metrics.requests.green), now, 3).greenPercent;
}

beforeAll(async () => {
  range = await startTestRange({});
  demo = await seedAlb(range.url);
  clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  gateway = createAwsGateway(clients);
  await advance(120_000); // boot + first health checks
}, 60_000);

afterAll(async () => {
  await range?.close();
});

describe("alb-weighted on the practice range", () => {
  it("observes the forward action, both target groups with health and versions", async () => {
    const state = await observeAlbWeighted(clients, app);
    expect(state.configured.greenPercent).toBe(0);
    expect(state.alb).toMatchObject({
      loadBalancerName: "catalog-alb",
      listenerArn: demo.catalog.listenerArn,
      ruleArn: null,
      weights: { blue: 100, green: 0 },
      targetGroupArns: demo.catalog.targetGroupArns,
      stickiness: { enabled: true, durationSeconds: 60 },
    });
    expect(state.environments.blue).toMatchObject({ version: "v41", healthy: 2, unhealthy: 0 });
    expect(state.environments.green).toMatchObject({ version: "v42", healthy: 2, unhealthy: 0 });
    expect(state.environments.green.instances.map((i) => i.id).sort()).toEqual([...demo.catalog.instanceIds.green].sort());
    expect(loadBalancerDimensionOf(demo.catalog.listenerArn)).toMatch(/^app\/catalog-alb\/[0-9a-f]+$/);
  });

  it("shifts to 50 %, promotes to 100 %, rolls back: weights, stickiness and observed share follow", async () => {
    const before = await observeAlbWeighted(clients, app);
    await execute(planOrFail(before, { kind: "shift", greenPercent: 50 }));
    const half = await observeAlbWeighted(clients, app);
    expect(half.configured.greenPercent).toBe(50);
    expect(half.version).not.toBe(before.version);
    expect(await forwardConfig()).toMatchObject({
      TargetGroups: [
        { TargetGroupArn: demo.catalog.targetGroupArns.blue, Weight: 50 },
        { TargetGroupArn: demo.catalog.targetGroupArns.green, Weight: 50 },
      ],
      TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
    });
    await advance(5 * 60_000);
    const share50 = await observedGreen(half);
    expect(share50).not.toBeNull();
    expect(share50 ?? 0).toBeGreaterThan(40);
    expect(share50 ?? 0).toBeLessThan(60);

    await execute(planOrFail(half, { kind: "promote" }));
    const full = await observeAlbWeighted(clients, app);
    expect(full.alb?.weights).toEqual({ blue: 0, green: 100 });
    // Stickiness (60 s) keeps stuck clients on blue for a while; after 8 minutes they have moved.
    await advance(8 * 60_000);
    expect(await observedGreen(full)).toBeGreaterThan(99);

    await execute(planOrFail(full, { kind: "rollback" }));
    const back = await observeAlbWeighted(clients, app);
    expect(back.configured.greenPercent).toBe(0);
    expect(await forwardConfig()).toMatchObject({
      TargetGroups: [
        { TargetGroupArn: demo.catalog.targetGroupArns.blue, Weight: 100 },
        { TargetGroupArn: demo.catalog.targetGroupArns.green, Weight: 0 },
      ],
      TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
    });
    // Clients stuck to green stay there until their cookie expires: the rollback is not instant for them.
    await advance(3 * 60_000);
    expect(await observedGreen(back)).toBeGreaterThan(5);
    await advance(6 * 60_000);
    expect(await observedGreen(back)).toBeLessThan(1);
  }, 120_000);

  it("refuses a shift the range would accept but that would send traffic nowhere", async () => {
    const state = await observeAlbWeighted(clients, app);
    const broken = { ...state, environments: { ...state.environments, green: { ...state.environments.green, healthy: 0 } } };
    expect(planAlbWeighted(broken, { kind: "shift", greenPercent: 10 }, { waitScale: 1 })).toMatchObject({ ok: false });
  });
});
