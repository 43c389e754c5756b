// asg-swap end to end on the practice range with the real SDK clients over HTTP: observe → plan →
// run each step through the gateway (as the engine does, on a hand-driven fast clock) → observe.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppState } from "@/lib/domain/app-state";
import type { AwsGateway } from "@/lib/domain/gateway";
import type { Intent } from "@/lib/domain/intent";
import type { Plan } from "@/lib/domain/plan";
import { describeAsgGroups, describeTrafficSourceState } from "@/lib/aws/autoscaling";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import type { AsgSwapAppConfig } from "@/lib/config/schema";
import { keptWarmOf } from "@/lib/domain/kept-warm";
import { seedAsg } from "@/range/demo/seed-asg";
import { startTestRange, type TestRange } from "@/test/support/range";
import { observeAsgSwap } from "./asg-common-observe";
import { planAsgSwap } from "./asg-swap";

let range: TestRange;
let clients: AwsClients;
let gateway: AwsGateway;

const app: AsgSwapAppConfig = {
  id: "payments-api",
  name: "Payments API",
  pattern: "asg-swap",
  region: "us-east-1",
  loadBalancer: { kind: "classic", name: "payments-lb" },
  blue: { autoScalingGroup: "payments-blue" },
  green: { autoScalingGroup: "payments-green", idleCapacity: 0 },
};

const SPEED = 10;

async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    range.tick(Math.min(1000, ms - t));
    await fetch(`${range.url}/_sim/health`);
  }
}

/** Runs a plan the way the engine does: skipIf, call, then poll the wait while the clock moves. */
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

async function run(intent: Intent): Promise<AppState> {
  const before = await observeAsgSwap(clients, app);
  const result = planAsgSwap(before, intent, { waitScale: 1 / SPEED });
  if (!result.ok) throw new Error(result.reason);
  await execute(result.plan);
  const after = await observeAsgSwap(clients, app);
  expect(after.version).not.toBe(before.version);
  return after;
}

async function group(name: string) {
  const g = (await describeAsgGroups(clients.autoscaling, [name])).get(name);
  const states = (g?.instances ?? []).map((i) => i.lifecycle).sort();
  const lb = await describeTrafficSourceState(clients.autoscaling, name, "payments-lb");
  return { desired: g?.view.desired, states, lb };
}

beforeAll(async () => {
  range = await startTestRange({ speed: SPEED });
  await seedAsg(range.url);
  clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  gateway = createAwsGateway(clients);
  await advance(60_000);
}, 60_000);

afterAll(async () => {
  await range?.close();
});

describe("asg-swap on the practice range", () => {
  it("observes blue serving all four instances and green idle", async () => {
    const s = await observeAsgSwap(clients, app);
    expect(s.configured.greenPercent).toBe(0);
    expect(s.observed.greenPercent).toBe(0);
    expect(s.granularityPercent).toBe(25);
    expect(s.environments.blue).toMatchObject({ version: "v41", healthy: 4, capacity: { desired: 4, inService: 4, standby: 0, min: 0, max: 8 } });
    expect(s.environments.green.capacity).toMatchObject({ desired: 0, inService: 0 });
    expect(s.asg?.groups.blue.attachment).toBe("InService");
    expect(s.asg?.groups.green.attachment).toBeNull();
    expect(s.environments.blue.instances.every((i) => i.lifecycle === "InService" && i.health === "healthy")).toBe(true);
  });

  it("shifts to 50 %: green 2 attached and healthy, blue 2 in Standby", async () => {
    const s = await run({ kind: "shift", greenPercent: 50 });
    expect(s.configured.greenPercent).toBe(50);
    expect(s.observed.greenPercent).toBe(50);
    expect(s.environments.green.version).toBe("v42");
    expect(await group("payments-green")).toEqual({ desired: 2, states: ["InService", "InService"], lb: "InService" });
    expect(await group("payments-blue")).toEqual({ desired: 2, states: ["InService", "InService", "Standby", "Standby"], lb: "InService" });
  }, 120_000);

  it("promotes to 100 %: green 4, blue detached with its instances kept", async () => {
    const s = await run({ kind: "promote" });
    expect(s.configured.greenPercent).toBe(100);
    expect(s.observed.greenPercent).toBe(100);
    expect(await group("payments-green")).toMatchObject({ desired: 4, lb: "InService" });
    const blue = await group("payments-blue");
    expect(blue.lb === null || blue.lb === "Removed").toBe(true);
    expect(blue.states).toEqual(["InService", "InService", "Standby", "Standby"]);
  }, 120_000);

  it("after the promote, blue's detached instances read as kept warm, with the health check that gates their return", async () => {
    const s = await observeAsgSwap(clients, app);
    expect(s.environments.blue.healthy).toBe(0);
    expect(s.asg?.healthCheck).toEqual({ intervalS: 10, healthyThreshold: 3 });
    expect(keptWarmOf(s, "blue")).toMatchObject({
      count: 4,
      how: "detached",
      backInSeconds: 30,
      text: "4 instances running, detached from payments-lb",
    });
    expect(keptWarmOf(s, "green")).toBeNull();
  });

  it("rolls back: blue re-attached and healthy with all four, green detached and scaled to 0", async () => {
    const s = await run({ kind: "rollback" });
    expect(s.configured.greenPercent).toBe(0);
    expect(s.observed.greenPercent).toBe(0);
    expect(await group("payments-blue")).toEqual({ desired: 4, states: ["InService", "InService", "InService", "InService"], lb: "InService" });
    const green = await group("payments-green");
    expect(green.desired).toBe(0);
    expect(green.lb === null || green.lb === "Removed").toBe(true);
    await advance(60_000);
    expect((await group("payments-green")).states).toEqual([]);
  }, 120_000);

  it("a second rollback finds blue already serving everything: no step, and it says so", async () => {
    const s = await observeAsgSwap(clients, app);
    const result = planAsgSwap(s, { kind: "rollback" }, { waitScale: 1 / SPEED });
    if (!result.ok) throw new Error(result.reason);
    expect(result.plan.steps).toEqual([]);
    expect(result.plan.nothingToDo?.headline).toBe("Already on blue — nothing to do");
    // A rollback preempting an operation re-asserts blue all the same.
    const again = planAsgSwap(s, { kind: "rollback" }, { waitScale: 1 / SPEED, reassert: true });
    expect(again.ok && again.plan.steps.length).toBeGreaterThan(0);
  });

  it("puts a blue instance into Standby and takes it back", async () => {
    const s0 = await observeAsgSwap(clients, app);
    const id = s0.environments.blue.instances[0]?.id ?? "";
    const s1 = await run({ kind: "standby-enter", color: "blue", instanceIds: [id] });
    expect(s1.environments.blue.instances.find((i) => i.id === id)?.lifecycle).toBe("Standby");
    expect(s1.environments.blue.capacity).toMatchObject({ desired: 3, standby: 1 });
    const s2 = await run({ kind: "standby-exit", color: "blue" });
    expect(s2.environments.blue.instances.find((i) => i.id === id)).toMatchObject({ lifecycle: "InService", health: "healthy" });
    expect(s2.environments.blue.capacity).toMatchObject({ desired: 4, standby: 0 });
  }, 120_000);
});
