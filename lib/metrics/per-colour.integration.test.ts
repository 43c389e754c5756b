// Per-colour metrics of the patterns whose colours share a load balancer, read from the practice
// range over HTTP with the real CloudWatch SDK client: the plans of lib/metrics/per-colour.ts, the
// range's AWS/EC2 emission and its AVG([...]) metric math.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getMetricData } from "@/lib/aws/cloudwatch";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import type { AsgSwapAppConfig, LaunchSwapAppConfig } from "@/lib/config/schema";
import { asgSwapMetrics, launchSwapMetrics, observeAsgSwap, observeLaunchSwap } from "@/lib/patterns/asg-common-observe";
import { seedAsg } from "@/range/demo/seed-asg";
import { startTestRange, type TestRange } from "@/test/support/range";
import { instanceCpuPlan } from "./per-colour";

const payments: AsgSwapAppConfig = {
  id: "payments-api",
  name: "Payments API",
  pattern: "asg-swap",
  region: "us-east-1",
  loadBalancer: { kind: "classic", name: "payments-lb" },
  blue: { autoScalingGroup: "payments-blue" },
  green: { autoScalingGroup: "payments-green", idleCapacity: 0 },
};

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

let range: TestRange;
let clients: AwsClients;

async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5_000) {
    range.tick(Math.min(5_000, ms - t));
    await fetch(`${range.url}/_sim/health`);
  }
}

async function read(queries: Parameters<typeof getMetricData>[1]) {
  const now = range.nowMs();
  const { results, requests } = await getMetricData(
    clients.cloudwatch,
    queries,
    new Date(now - 20 * 60_000),
    new Date(Math.floor(now / 60_000) * 60_000),
  );
  return { byId: new Map(results.map((r) => [r.id, r.points])), requests };
}

beforeAll(async () => {
  range = await startTestRange({ speed: 10 });
  await seedAsg(range.url);
  clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  await advance(8 * 60_000);
}, 120_000);

afterAll(async () => {
  await range?.close();
});

describe("asg-swap behind one classic ELB", () => {
  it("reads each colour's group CPU and the load balancer once, in one call", async () => {
    const state = await observeAsgSwap(clients, payments);
    const plan = asgSwapMetrics(payments, state, 60);
    const { byId, requests } = await read(plan.queries);
    expect(requests).toBe(1);
    const blueCpu = byId.get("blue_cpu") ?? [];
    expect(blueCpu.length).toBeGreaterThan(3);
    for (const p of blueCpu) expect(p.v).toBeGreaterThan(0);
    for (const p of blueCpu) expect(p.v).toBeLessThanOrEqual(100);
    // Green's group is idle at 0 instances: no datapoint at all (absent, not zero).
    expect(byId.get("green_cpu")).toEqual([]);
    expect((byId.get("lb_requests") ?? []).length).toBeGreaterThan(3);
    expect(plan.series.find((s) => s.id === "lb_requests")).toMatchObject({ color: null, sharedBy: "load-balancer" });
  });
});

describe("launch-swap: both colours in one group", () => {
  it("averages each colour's instances with AVG([...]) and matches the instances' own series", async () => {
    const state = await observeLaunchSwap(clients, checkout);
    const blueIds = state.environments.blue.instances.map((i) => i.id);
    expect(blueIds.length).toBe(4);
    const plan = launchSwapMetrics(checkout, state, 60);
    const { byId } = await read(plan.queries);
    // The hidden inputs are not returned, only the per-colour expression.
    expect([...byId.keys()].some((id) => id.includes("_cpu_i"))).toBe(false);
    const blue = byId.get("blue_cpu") ?? [];
    expect(blue.length).toBeGreaterThan(3);

    // The same instances read one by one: the expression is their mean at each minute.
    const single = instanceCpuPlan({ blue: blueIds, green: [] }, 60).queries.map((q) => ("returnData" in q ? { ...q, returnData: true } : q));
    const each = (await read(single.filter((q) => "returnData" in q))).byId;
    for (const p of blue) {
      const vs = [...each.values()].map((pts) => pts.find((x) => x.t === p.t)?.v).filter((v): v is number => v !== undefined);
      expect(vs.length).toBeGreaterThan(0);
      expect(p.v).toBeCloseTo(vs.reduce((a, b) => a + b, 0) / vs.length, 6);
    }
    // Green (the new launch configuration) has no instance yet: no line, not a zero line.
    expect(byId.get("green_cpu") ?? []).toEqual([]);
    expect(plan.series.find((s) => s.metric === "RequestCount")).toMatchObject({ color: null, sharedBy: "load-balancer" });
  });
});
