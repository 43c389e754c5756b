/**
 * One crash scenario per pattern (tests only): the demo application of the pattern, the operation
 * that crashes (a shift to 50 %, or for ecs-rolling the deploy of the next revision), its
 * rollback, and the end states read back from the range through the SDK.
 */
import { rollbackMustReassert } from "@/lib/domain/operation-status";
import { expect } from "vitest";

import type { AppState } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import type { Operation } from "@/lib/domain/operation";
import type { Plan } from "@/lib/domain/plan";
import { describeAsgGroups, describeTrafficSourceState } from "@/lib/aws/autoscaling";
import type { AwsClients } from "@/lib/aws/clients";
import { describeServices } from "@/lib/aws/ecs";
import type { AppConfig } from "@/lib/config/schema";
import { planningFor } from "@/lib/patterns/catalog";
import { observeHintsFrom, observeWithPattern } from "@/lib/patterns/registry";
import type { CrashScenario } from "@/test/support/engine/crash-harness";
import type { CrashSuiteContext, CrashSuiteOptions } from "./crash-suite";

export const DEMO_APPS = {
  shop: {
    id: "shop",
    name: "Shop",
    pattern: "dns-weighted",
    region: "us-east-1",
    dns: { hostedZone: "example.com.", recordName: "shop.example.com.", recordType: "CNAME" },
    blue: { setIdentifier: "blue", loadBalancer: "shop-blue" },
    green: { setIdentifier: "green", loadBalancer: "shop-green" },
  },
  payments: {
    id: "payments-api",
    name: "Payments API",
    pattern: "asg-swap",
    region: "us-east-1",
    loadBalancer: { kind: "classic", name: "payments-lb" },
    blue: { autoScalingGroup: "payments-blue" },
    green: { autoScalingGroup: "payments-green", idleCapacity: 0 },
  },
  checkout: {
    id: "checkout-web",
    name: "Checkout web",
    pattern: "launch-swap",
    region: "us-east-1",
    autoScalingGroup: "checkout-web",
    loadBalancer: { kind: "classic", name: "checkout-lb" },
    blue: { launchConfiguration: "checkout-v41" },
    green: { launchConfiguration: "checkout-v42" },
  },
  catalog: {
    id: "catalog-api",
    name: "Catalog API",
    pattern: "alb-weighted",
    region: "us-east-1",
    loadBalancer: "catalog-alb",
    listenerPort: 80,
    blue: { targetGroup: "catalog-blue" },
    green: { targetGroup: "catalog-green" },
  },
  orders: {
    id: "orders-service",
    name: "Orders service",
    pattern: "ecs-elb-swap",
    region: "us-east-1",
    cluster: "prod",
    loadBalancer: "orders-alb",
    blue: { service: "orders-blue", targetGroup: "orders-tg" },
    green: { service: "orders-green", targetGroup: "orders-tg" },
    totalTasks: 4,
  },
  profile: {
    id: "profile-service",
    name: "Profile service",
    pattern: "ecs-dns-swap",
    region: "us-east-1",
    cluster: "prod",
    dns: { hostedZone: "example.com.", recordName: "profile.example.com.", recordType: "A" },
    blue: { service: "profile-blue", setIdentifier: "blue", loadBalancer: "profile-blue", targetGroup: "profile-blue-tg" },
    green: { service: "profile-green", setIdentifier: "green", loadBalancer: "profile-green" },
  },
  notifications: {
    id: "notifications",
    name: "Notifications API",
    pattern: "ecs-rolling",
    region: "us-east-1",
    cluster: "prod",
    service: "notifications",
    loadBalancer: "notifications-alb",
    targetGroup: "notifications-tg",
  },
} as const satisfies Record<string, AppConfig>;

/** Observes `app` and plans `intent` on the real clock's scale (the range's clock is hand-driven). */
export async function planFor(
  clients: AwsClients,
  app: AppConfig,
  intent: Intent,
  latest: Operation | null = null,
): Promise<{ state: AppState; plan: Plan }> {
  const state = await observeWithPattern(clients, app, observeHintsFrom(latest));
  const planning = planningFor(app.pattern);
  if (!planning) throw new Error(`no planner for ${app.pattern}`);
  // As the rollback action does: after an operation that did not end cleanly (running, interrupted
  // by the crash, failed) a rollback re-asserts blue even when AWS already reads as blue.
  const reassert = intent.kind === "rollback" && rollbackMustReassert(latest?.status);
  const result = planning.plan(state, intent, { waitScale: 1, ...(reassert ? { reassert: true } : {}) });
  if (!result.ok) throw new Error(`${app.id}: ${result.reason}`);
  return { state, plan: result.plan };
}

function scenarioOf(
  ctx: CrashSuiteContext,
  app: AppConfig,
  intent: Intent,
  expectDone: (state: AppState, plan: Plan) => Promise<void>,
  expectRolledBack: (state: AppState) => Promise<void>,
): CrashScenario {
  return {
    name: `${app.pattern} ${intent.kind}`,
    plan: async () => (await planFor(ctx.clients, app, intent)).plan,
    rollbackPlan: async (latest) => (await planFor(ctx.clients, app, { kind: "rollback" }, latest)).plan,
    expectDone: async (plan) => expectDone(await observeWithPattern(ctx.clients, app), plan),
    expectRolledBack: async () => expectRolledBack(await observeWithPattern(ctx.clients, app)),
  };
}

function weights(state: AppState): [string, number][] {
  return (state.dns?.records ?? []).map((r) => [r.color, r.weight]);
}

async function asgGroup(clients: AwsClients, name: string, lb: string) {
  const g = (await describeAsgGroups(clients.autoscaling, [name])).get(name);
  const states = (g?.instances ?? []).map((i) => i.lifecycle).sort();
  const attachment = await describeTrafficSourceState(clients.autoscaling, name, lb);
  return { desired: g?.view.desired, states, attached: attachment === "InService" };
}

/** Desired count and task definition of ECS services, as DescribeServices reports them. */
async function ecsServices(clients: AwsClients, names: string[]): Promise<Record<string, [number, string]>> {
  const read = await describeServices(clients.ecs, "prod", names);
  return Object.fromEntries(names.map((n) => [n, [read.get(n)?.view.desired ?? -1, read.get(n)?.view.taskDefinition.split("/").pop() ?? ""]]));
}

/** A launch-swap group: desired, what it launches from, and "launch lifecycle" per live instance. */
async function launchGroup(clients: AwsClients, name: string) {
  const g = (await describeAsgGroups(clients.autoscaling, [name])).get(name);
  const launch = g?.launch?.kind === "launch-configuration" ? g.launch.name : `${g?.launch?.name ?? ""}:${g?.launch?.version ?? ""}`;
  const instances = (g?.instances ?? [])
    .filter((i) => i.lifecycle !== "Terminating" && i.lifecycle !== "Terminated")
    .map((i) => `${i.launch} ${i.lifecycle}`);
  return { desired: g?.view.desired, launch, instances: instances.sort() };
}

const times = (n: number, s: string): string[] => Array.from({ length: n }, () => s);

export const DNS_WEIGHTED_CRASH: CrashSuiteOptions = {
  rangeConfig: {},
  settleMs: 180_000,
  expectedSteps: ["check-green-healthy", "change-weights"],
  scenario: (ctx) =>
    scenarioOf(
      ctx,
      DEMO_APPS.shop,
      { kind: "shift", greenPercent: 50 },
      async (state) => {
        expect(state.configured.greenPercent).toBe(50);
        expect(weights(state)).toEqual([
          ["blue", 50],
          ["green", 50],
        ]);
      },
      async (state) => {
        expect(state.configured.greenPercent).toBe(0);
        expect(weights(state)).toEqual([
          ["blue", 100],
          ["green", 0],
        ]);
      },
    ),
};

export const ASG_SWAP_CRASH: CrashSuiteOptions = {
  rangeConfig: {},
  settleMs: 180_000,
  expectedSteps: ["scale-green", "green-in-service", "attach-green", "green-healthy", "blue-standby"],
  scenario: (ctx) =>
    scenarioOf(
      ctx,
      DEMO_APPS.payments,
      { kind: "shift", greenPercent: 50 },
      async (state) => {
        expect(state.configured.greenPercent).toBe(50);
        expect(await asgGroup(ctx.clients, "payments-green", "payments-lb")).toEqual({
          desired: 2,
          states: ["InService", "InService"],
          attached: true,
        });
        expect(await asgGroup(ctx.clients, "payments-blue", "payments-lb")).toEqual({
          desired: 2,
          states: ["InService", "InService", "Standby", "Standby"],
          attached: true,
        });
      },
      async (state) => {
        expect(state.configured.greenPercent).toBe(0);
        expect(await asgGroup(ctx.clients, "payments-blue", "payments-lb")).toEqual({
          desired: 4,
          states: ["InService", "InService", "InService", "InService"],
          attached: true,
        });
        const green = await asgGroup(ctx.clients, "payments-green", "payments-lb");
        expect(green.desired).toBe(0);
        expect(green.attached).toBe(false);
      },
    ),
};

export const LAUNCH_SWAP_CRASH: CrashSuiteOptions = {
  rangeConfig: {},
  settleMs: 180_000,
  expectedSteps: ["launch-new", "grow", "new-in-service", "new-healthy", "old-standby"],
  scenario: (ctx) =>
    scenarioOf(
      ctx,
      DEMO_APPS.checkout,
      { kind: "shift", greenPercent: 50 },
      async (state) => {
        expect(state.configured.greenPercent).toBe(50);
        expect(await launchGroup(ctx.clients, "checkout-web")).toEqual({
          desired: 4,
          launch: "checkout-v42",
          instances: [...times(2, "checkout-v41 InService"), ...times(2, "checkout-v41 Standby"), ...times(2, "checkout-v42 InService")].sort(),
        });
      },
      async (state) => {
        expect(state.configured.greenPercent).toBe(0);
        const group = await launchGroup(ctx.clients, "checkout-web");
        expect(group.desired).toBe(4);
        expect(group.launch).toBe("checkout-v41");
        // New instances may still be draining out; the old four serve.
        expect(group.instances.filter((i) => i.startsWith("checkout-v41"))).toEqual(times(4, "checkout-v41 InService"));
        expect(group.instances.filter((i) => i.startsWith("checkout-v42") && !/Terminating/.test(i)).every((i) => !/InService|Standby/.test(i))).toBe(
          true,
        );
      },
    ),
};

export const ALB_WEIGHTED_CRASH: CrashSuiteOptions = {
  rangeConfig: {},
  settleMs: 180_000,
  expectedSteps: ["check-green-healthy", "modify-weights"],
  scenario: (ctx) =>
    scenarioOf(
      ctx,
      DEMO_APPS.catalog,
      { kind: "shift", greenPercent: 50 },
      async (state) => {
        expect(state.configured.greenPercent).toBe(50);
        expect(state.alb?.weights).toEqual({ blue: 50, green: 50 });
      },
      async (state) => {
        expect(state.configured.greenPercent).toBe(0);
        expect(state.alb?.weights.green).toBe(0);
        expect(state.alb?.weights.blue).toBeGreaterThan(0);
      },
    ),
};

export const ECS_ELB_SWAP_CRASH: CrashSuiteOptions = {
  rangeConfig: {},
  settleMs: 180_000,
  expectedSteps: ["raise-green", "check-healthy", "lower-blue"],
  scenario: (ctx) =>
    scenarioOf(
      ctx,
      DEMO_APPS.orders,
      { kind: "shift", greenPercent: 50 },
      async (state) => {
        expect(state.configured.greenPercent).toBe(50);
        expect(await ecsServices(ctx.clients, ["orders-blue", "orders-green"])).toEqual({
          "orders-blue": [2, "orders:1"],
          "orders-green": [2, "orders:2"],
        });
      },
      async (state) => {
        expect(state.configured.greenPercent).toBe(0);
        expect(await ecsServices(ctx.clients, ["orders-blue", "orders-green"])).toEqual({
          "orders-blue": [4, "orders:1"],
          "orders-green": [0, "orders:2"],
        });
      },
    ),
};

export const ECS_DNS_SWAP_CRASH: CrashSuiteOptions = {
  rangeConfig: { ecsTaskStartMinMs: 30_000, ecsTaskStartMaxMs: 45_000 },
  settleMs: 180_000,
  expectedSteps: ["check-green-steady", "change-weights"],
  scenario: (ctx) =>
    scenarioOf(
      ctx,
      DEMO_APPS.profile,
      { kind: "shift", greenPercent: 50 },
      async (state) => {
        expect(state.configured.greenPercent).toBe(50);
        expect(weights(state)).toEqual([
          ["blue", 50],
          ["green", 50],
        ]);
        expect((await ecsServices(ctx.clients, ["profile-blue"]))["profile-blue"]).toEqual([4, "profile:41"]);
      },
      async (state) => {
        expect(state.configured.greenPercent).toBe(0);
        expect(weights(state)).toEqual([
          ["blue", 100],
          ["green", 0],
        ]);
        expect((await ecsServices(ctx.clients, ["profile-blue"]))["profile-blue"]).toEqual([4, "profile:41"]);
      },
    ),
};

export const ECS_ROLLING_CRASH: CrashSuiteOptions = {
  rangeConfig: { ecsTaskStartMinMs: 30_000, ecsTaskStartMaxMs: 45_000 },
  settleMs: 180_000,
  expectedSteps: ["deploy-revision"],
  scenario: (ctx) =>
    scenarioOf(
      ctx,
      DEMO_APPS.notifications,
      { kind: "deploy-revision", taskDefinition: "notifications:42" },
      async (state) => {
        expect(state.rollout).toMatchObject({ state: "COMPLETED", primaryTaskDefinition: "notifications:42" });
        expect(await ecsServices(ctx.clients, ["notifications"])).toEqual({ notifications: [4, "notifications:42"] });
      },
      async (state) => {
        expect(state.rollout).toMatchObject({ state: "COMPLETED", primaryTaskDefinition: "notifications:41" });
        expect(await ecsServices(ctx.clients, ["notifications"])).toEqual({ notifications: [4, "notifications:41"] });
      },
    ),
};
