// ecs-elb-swap end to end with the real SDK clients over HTTP against the practice range:
// observe → plan → execute each step through the gateway → observe again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { AppState } from "@/lib/domain/app-state";
import type { AwsGateway } from "@/lib/domain/gateway";
import type { Intent } from "@/lib/domain/intent";
import type { Plan } from "@/lib/domain/plan";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { getMetricData } from "@/lib/aws/cloudwatch";
import { describeServices } from "@/lib/aws/ecs";
import { createAwsGateway } from "@/lib/aws/gateway";
import type { EcsElbSwapAppConfig } from "@/lib/config/schema";
import { seedAlb, type AlbDemo } from "@/range/demo/seed-alb";
import { startTestRange, type TestRange } from "@/test/support/range";
import { planEcsElbSwap } from "./ecs-elb-swap";
import { ecsElbSwapMetrics, observeEcsElbSwap } from "./ecs-elb-swap-observe";

let range: TestRange;
let demo: AlbDemo;
let clients: AwsClients;
let gateway: AwsGateway;

const app: EcsElbSwapAppConfig = {
  id: "orders-service",
  name: "Orders service",
  pattern: "ecs-elb-swap",
  region: "us-east-1",
  cluster: "prod",
  loadBalancer: "orders-alb",
  blue: { service: "orders-blue", targetGroup: "orders-tg" },
  green: { service: "orders-green", targetGroup: "orders-tg" },
  totalTasks: 4,
};

async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10_000) {
    range.tick(Math.min(10_000, ms - t));
    await fetch(`${range.url}/_sim/health`);
  }
}

async function execute(plan: Plan): Promise<string[]> {
  const details: string[] = [];
  for (const step of plan.steps) {
    const skip = step.skipIf ? (await gateway.check(step.skipIf, null)).done : false;
    const output = step.call && !skip ? await gateway.call(step.call) : null;
    if (step.wait) {
      let done = false;
      for (let i = 0; i < 120 && !done; i++) {
        const check = await gateway.check(step.wait, output);
        details.push(`${step.id}: ${check.detail}`);
        done = check.done;
        if (!done) await advance(5_000);
      }
      expect(done, `wait ${step.wait.kind} of ${step.id} never held: ${details.at(-1) ?? ""}`).toBe(true);
    }
  }
  return details;
}

function planOrFail(state: AppState, intent: Intent): Plan {
  const result = planEcsElbSwap(state, intent, { waitScale: 1 });
  if (!result.ok) throw new Error(result.reason);
  return result.plan;
}

/** Desired count and task definition of both services as ECS holds them now. */
async function services(): Promise<Record<"blue" | "green", [number, string]>> {
  const read = await describeServices(clients.ecs, "prod", ["orders-blue", "orders-green"]);
  const of = (name: string): [number, string] => [read.get(name)?.view.desired ?? -1, read.get(name)?.view.taskDefinition ?? ""];
  return { blue: of("orders-blue"), green: of("orders-green") };
}

beforeAll(async () => {
  range = await startTestRange({});
  demo = await seedAlb(range.url);
  clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  gateway = createAwsGateway(clients);
  await advance(180_000); // blue's tasks start and pass their health checks
}, 60_000);

afterAll(async () => {
  await range?.close();
});

describe("ecs-elb-swap on the practice range", () => {
  it("observes both services, their tasks in the shared target group, and the task budget", async () => {
    const state = await observeEcsElbSwap(clients, app);
    const blue = state.environments.blue;
    const green = state.environments.green;
    expect(blue.ecs).toMatchObject({
      cluster: "prod",
      service: "orders-blue",
      taskDefinition: demo.orders.services.blue.taskDefinition,
      desired: 4,
      running: 4,
    });
    expect(green.ecs).toMatchObject({ service: "orders-green", taskDefinition: demo.orders.services.green.taskDefinition, desired: 0, running: 0 });
    expect(blue.version).toBe("v41");
    expect(green.version).toBe("v42");
    expect(blue.instances).toHaveLength(4);
    expect(blue.instances.every((t) => t.kind === "task" && t.lifecycle === "RUNNING" && t.health === "healthy")).toBe(true);
    expect(blue.loadBalancer).toMatchObject({ kind: "target-group", name: "orders-tg", arn: demo.orders.targetGroupArn });
    expect(blue.capacity).toMatchObject({ desired: 4, inService: 4, max: 4 });
    expect(state.configured.greenPercent).toBe(0);
    expect(state.granularityPercent).toBe(25);
    expect(blue.ecs?.events[0]?.message).toMatch(/orders-blue/);
  });

  it("shifts to 50 %, promotes to 100 %, rolls back: desired counts, task definitions and task share follow", async () => {
    const before = await observeEcsElbSwap(clients, app);
    await execute(planOrFail(before, { kind: "shift", greenPercent: 50 }));
    expect(await services()).toEqual({
      blue: [2, demo.orders.services.blue.taskDefinition],
      green: [2, demo.orders.services.green.taskDefinition],
    });
    const half = await observeEcsElbSwap(clients, app);
    expect(half.configured.greenPercent).toBe(50);
    expect(half.environments.green).toMatchObject({ version: "v42", healthy: 2 });
    expect(half.version).not.toBe(before.version);

    await execute(planOrFail(half, { kind: "promote" }));
    expect((await services()).blue[0]).toBe(0);
    expect((await services()).green[0]).toBe(4);
    const full = await observeEcsElbSwap(clients, app);
    expect(full.configured.greenPercent).toBe(100);
    expect(full.environments.blue.instances).toHaveLength(0);

    await execute(planOrFail(full, { kind: "rollback" }));
    expect(await services()).toEqual({
      blue: [4, demo.orders.services.blue.taskDefinition],
      green: [0, demo.orders.services.green.taskDefinition],
    });
    const back = await observeEcsElbSwap(clients, app);
    expect(back.configured.greenPercent).toBe(0);
    expect(back.environments.blue).toMatchObject({ healthy: 4 });

    // ECS CPU per colour's service in the same one GetMetricData call; the one target group's
    // requests and 5xx once, marked shared, and no per-colour request share from it.
    const metrics = ecsElbSwapMetrics(app, back, 60);
    expect(metrics.requests).toBeNull();
    expect(metrics.series.find((s) => s.metric === "RequestCount")).toMatchObject({ color: null, sharedBy: "target-group" });
    const now = range.nowMs();
    const { results, requests } = await getMetricData(clients.cloudwatch, metrics.queries, new Date(now - 30 * 60_000), new Date(now));
    expect(requests).toBe(1);
    expect(results.find((r) => r.id === "green_cpu")?.points.length ?? 0).toBeGreaterThan(0);
    expect(results.find((r) => r.id === "blue_cpu")?.points.length ?? 0).toBeGreaterThan(0);
    expect(results.find((r) => r.id === "shared_requests")?.points.length ?? 0).toBeGreaterThan(0);
  }, 180_000);

  it("refuses a share between tasks, naming the nearest", async () => {
    const state = await observeEcsElbSwap(clients, app);
    expect(planEcsElbSwap(state, { kind: "shift", greenPercent: 10 }, { waitScale: 1 })).toEqual({
      ok: false,
      reason: expect.stringMatching(/nearest are 0 % \(0 tasks\) and 25 % \(1 task\)/),
    });
  });
});
