// launch-swap end to end on the practice range with the real SDK clients over HTTP, once with launch
// configurations (checkout-web) and once with a launch template (search-api): observe → plan → run
// each step through the gateway on a hand-driven fast clock → observe and check the group itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppState } from "@/lib/domain/app-state";
import type { AwsGateway } from "@/lib/domain/gateway";
import type { Intent } from "@/lib/domain/intent";
import type { Plan } from "@/lib/domain/plan";
import { describeAsgGroups, type AsgInstanceInfo } from "@/lib/aws/autoscaling";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import type { LaunchSwapAppConfig } from "@/lib/config/schema";
import { seedAsg } from "@/range/demo/seed-asg";
import { startTestRange, type TestRange } from "@/test/support/range";
import { observeLaunchSwap } from "./asg-common-observe";
import { planLaunchSwap } from "./launch-swap";

let range: TestRange;
let clients: AwsClients;
let gateway: AwsGateway;
let templateId = "";

const SPEED = 10;

const checkout: LaunchSwapAppConfig = {
  id: "checkout-web",
  name: "Checkout web",
  pattern: "launch-swap",
  region: "us-east-1",
  autoScalingGroup: "checkout-web",
  loadBalancer: { kind: "classic", name: "checkout-lb" },
  blue: { launchConfiguration: "checkout-v41" },
  green: { launchConfiguration: "checkout-v42" },
};

function search(): LaunchSwapAppConfig {
  return {
    id: "search-api",
    name: "Search API",
    pattern: "launch-swap",
    region: "us-east-1",
    autoScalingGroup: "search-api",
    loadBalancer: { kind: "classic", name: "search-lb" },
    blue: { launchTemplate: { name: "search-api", version: "1" } },
    green: { launchTemplate: { id: templateId, version: "$Latest" } },
  };
}

async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    range.tick(Math.min(1000, ms - t));
    await fetch(`${range.url}/_sim/health`);
  }
}

async function execute(plan: Plan): Promise<void> {
  for (const step of plan.steps) {
    if (step.skipIf && (await gateway.check(step.skipIf, null)).done) continue;
    const output = step.call ? await gateway.call(step.call) : null;
    if (step.wait) {
      let check = await gateway.check(step.wait, output);
      for (let i = 0; i < 300 && !check.done; i++) {
        await advance(step.wait.pollMs);
        check = await gateway.check(step.wait, output);
      }
      expect(check.done, `${step.id}: ${check.detail}`).toBe(true);
    }
  }
}

async function run(app: LaunchSwapAppConfig, intent: Intent): Promise<AppState> {
  const before = await observeLaunchSwap(clients, app);
  const result = planLaunchSwap(before, intent, { waitScale: 1 / SPEED });
  if (!result.ok) throw new Error(result.reason);
  await execute(result.plan);
  const after = await observeLaunchSwap(clients, app);
  expect(after.version).not.toBe(before.version);
  return after;
}

/** The group as Auto Scaling reports it: desired capacity, what it launches from, and "launch lifecycle" per instance. */
async function group(name: string): Promise<{ desired: number; launch: string; instances: string[] }> {
  const g = (await describeAsgGroups(clients.autoscaling, [name])).get(name);
  if (!g) throw new Error(`no group ${name}`);
  const launch = g.launch?.kind === "launch-configuration" ? g.launch.name : `${g.launch?.id ?? ""}:${g.launch?.version ?? ""}`;
  const row = (i: AsgInstanceInfo) => `${i.launch} ${i.lifecycle}`;
  return {
    desired: g.view.desired,
    launch,
    instances: g.instances
      .filter((i) => i.lifecycle !== "Terminating")
      .map(row)
      .sort(),
  };
}

beforeAll(async () => {
  range = await startTestRange({ speed: SPEED });
  templateId = (await seedAsg(range.url)).launchTemplateId;
  clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  gateway = createAwsGateway(clients);
  await advance(60_000);
}, 60_000);

afterAll(async () => {
  await range?.close();
});

const times = (n: number, s: string) => Array.from({ length: n }, () => s);

describe.each([
  {
    label: "launch configurations",
    app: () => checkout,
    oldKey: "checkout-v41",
    newKey: "checkout-v42",
    newLaunch: "checkout-v42",
    oldLaunch: "checkout-v41",
  },
  {
    label: "a launch template",
    app: search,
    oldKey: "lt:1",
    newKey: "lt:2",
    newLaunch: "lt:$Latest",
    oldLaunch: "lt:1",
  },
])("launch-swap with $label on the practice range", ({ app, oldKey, newKey, newLaunch, oldLaunch }) => {
  const key = (k: string) => k.replace("lt:", `${templateId}:`);

  it("observes four old instances serving and none new", async () => {
    const s = await observeLaunchSwap(clients, app());
    expect(s.configured.greenPercent).toBe(0);
    expect(s.observed.greenPercent).toBe(0);
    expect(s.granularityPercent).toBe(25);
    expect(s.environments.blue).toMatchObject({ healthy: 4, capacity: { desired: 4, inService: 4, standby: 0 } });
    expect(s.environments.blue.version).toMatch(/v41|ami-041/);
    expect(s.environments.green.instances).toEqual([]);
  });

  it("shifts to 50 %: two new instances launched and healthy, two old in Standby, desired back to 4", async () => {
    const s = await run(app(), { kind: "shift", greenPercent: 50 });
    expect(s.configured.greenPercent).toBe(50);
    expect(s.observed.greenPercent).toBe(50);
    expect(s.environments.green.version).toMatch(/v42|ami-042/);
    expect(await group(app().autoScalingGroup)).toEqual({
      desired: 4,
      launch: key(newLaunch),
      instances: [...times(2, `${key(oldKey)} InService`), ...times(2, `${key(oldKey)} Standby`), ...times(2, `${key(newKey)} InService`)].sort(),
    });
  }, 120_000);

  it("shifts to 100 %: four new serving, the four old in Standby", async () => {
    const s = await run(app(), { kind: "shift", greenPercent: 100 });
    expect(s.configured.greenPercent).toBe(100);
    expect(s.observed.greenPercent).toBe(100);
    expect(await group(app().autoScalingGroup)).toEqual({
      desired: 4,
      launch: key(newLaunch),
      instances: [...times(4, `${key(oldKey)} Standby`), ...times(4, `${key(newKey)} InService`)].sort(),
    });
  }, 120_000);

  it("rolls back: old instances out of Standby, old launch restored, new ones terminated", async () => {
    const s = await run(app(), { kind: "rollback" });
    expect(s.configured.greenPercent).toBe(0);
    expect(s.observed.greenPercent).toBe(0);
    await advance(60_000);
    expect(await group(app().autoScalingGroup)).toEqual({
      desired: 4,
      launch: key(oldLaunch),
      instances: times(4, `${key(oldKey)} InService`),
    });
  }, 120_000);

  it("puts old instances into Standby and back", async () => {
    const s0 = await observeLaunchSwap(clients, app());
    // One per zone: two from the same zone would unbalance the group and AZRebalance would step in.
    const zones = [...new Set(s0.environments.blue.instances.map((i) => i.availabilityZone))];
    const ids = zones.map((z) => s0.environments.blue.instances.find((i) => i.availabilityZone === z)?.id ?? "");
    const s1 = await run(app(), { kind: "standby-enter", color: "blue", instanceIds: ids });
    expect(s1.environments.blue.capacity).toMatchObject({ desired: 2, standby: 2, inService: 2 });
    const s2 = await run(app(), { kind: "standby-exit", color: "blue" });
    expect(s2.environments.blue.capacity).toMatchObject({ desired: 4, standby: 0, inService: 4 });
    expect(s2.environments.blue.healthy).toBe(4);
    expect(s2.environments.blue.instances.map((i) => i.id).sort()).toEqual(s0.environments.blue.instances.map((i) => i.id).sort());
  }, 120_000);
});
