// Teal's own AWS path end to end, with the real SDK clients over HTTP against the practice range:
// observe → plan → execute each step through the gateway → observe again, plus the error mapping.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { AppError } from "@/lib/domain/app-error";
import type { AppState } from "@/lib/domain/app-state";
import type { AwsGateway } from "@/lib/domain/gateway";
import type { Plan } from "@/lib/domain/plan";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { getMetricData } from "@/lib/aws/cloudwatch";
import { createAwsGateway } from "@/lib/aws/gateway";
import { resolveHostedZoneId } from "@/lib/aws/route53";
import type { DnsWeightedAppConfig } from "@/lib/config/schema";
import { classicElbQueries, observedShare } from "@/lib/metrics/catalog";
import { seedDemoWorld, type DemoWorld } from "@/range/demo/seed";
import { startTestRange, type TestRange } from "@/test/support/range";
import { planDnsWeighted } from "./dns-weighted";
import { observeDnsWeighted } from "./dns-weighted-observe";

let range: TestRange;
let demo: DemoWorld;
let clients: AwsClients;
let gateway: AwsGateway;

const app: DnsWeightedAppConfig = {
  id: "shop",
  name: "Shop",
  pattern: "dns-weighted",
  region: "us-east-1",
  dns: { hostedZone: "example.com.", recordName: "shop.example.com.", recordType: "CNAME" },
  blue: { setIdentifier: "blue", loadBalancer: "shop-blue" },
  green: { setIdentifier: "green", loadBalancer: "shop-green" },
};

/** Moves the range's clock in 10 s steps, letting the world tick (health checks, traffic). */
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
      for (let i = 0; i < 60 && !done; i++) {
        const check = await gateway.check(step.wait, output);
        details.push(check.detail);
        done = check.done;
        if (!done) await advance(5_000);
      }
      expect(done, `wait ${step.wait.kind} never held`).toBe(true);
    }
  }
  return details;
}

function planOrFail(state: AppState, intent: Parameters<typeof planDnsWeighted>[1]): Plan {
  const result = planDnsWeighted(state, intent, { waitScale: 1 });
  if (!result.ok) throw new Error(result.reason);
  return result.plan;
}

beforeAll(async () => {
  range = await startTestRange({});
  demo = await seedDemoWorld(range.url);
  clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  gateway = createAwsGateway(clients);
  await advance(120_000); // boot + HealthyThreshold × Interval
});

afterAll(async () => {
  await range?.close();
});

describe("dns-weighted on the practice range", () => {
  it("resolves the hosted zone by name and by id", async () => {
    const id = await resolveHostedZoneId(clients.route53, "example.com");
    expect(id).toBe(demo.hostedZoneId.replace("/hostedzone/", ""));
    expect(await resolveHostedZoneId(clients.route53, demo.hostedZoneId)).toBe(id);
    await expect(resolveHostedZoneId(clients.route53, "nowhere.example.")).rejects.toMatchObject({ code: "not_found" });
  });

  it("observes both colours: weights, health, versions, DNS", async () => {
    const state = await observeDnsWeighted(clients, app);
    expect(state.configured.greenPercent).toBe(0);
    expect(state.dns?.records.map((r) => [r.color, r.weight, r.ttl])).toEqual([
      ["blue", 100, 60],
      ["green", 0, 60],
    ]);
    expect(state.environments.blue).toMatchObject({ version: "v41", healthy: 3, unhealthy: 0 });
    expect(state.environments.green).toMatchObject({ version: "v42", healthy: 3, unhealthy: 0 });
    expect(state.environments.green.loadBalancer.dnsName).toMatch(/shop-green/);
    expect(state.dns?.reactionSeconds).toBe(180);
  });

  it("shifts green to 25 %, waits for INSYNC, traffic follows, and rolls back to blue 100 %", async () => {
    const before = await observeDnsWeighted(clients, app);
    const shift = planOrFail(before, { kind: "shift", greenPercent: 25 });
    const details = await execute(shift);
    expect(details.some((d) => /is PENDING/.test(d))).toBe(true);
    expect(details.at(-1)).toMatch(/is INSYNC/);

    const changeId = details.at(-1)?.match(/change (\S+) is/)?.[1] ?? null;
    const after = await observeDnsWeighted(clients, app, { lastChangeId: changeId });
    expect(after.configured.greenPercent).toBe(25);
    expect(after.dns?.records.map((r) => r.weight)).toEqual([75, 25]);
    expect(after.dns?.changeStatus).toBe("INSYNC");
    expect(after.version).not.toBe(before.version);

    // DNS caches expire (TTL 60 s), then whole minutes of traffic at the new split.
    await advance(6 * 60_000);
    const now = range.nowMs();
    const { results, requests } = await getMetricData(
      clients.cloudwatch,
      classicElbQueries({ blue: "shop-blue", green: "shop-green" }, 60),
      new Date(now - 10 * 60_000),
      new Date(now),
    );
    expect(requests).toBe(1);
    const pts = (id: string) => results.find((r) => r.id === id)?.points ?? [];
    expect(pts("blue_latency_p99").length).toBeGreaterThan(0);
    const share = observedShare(pts("blue_requests"), pts("green_requests"), now, 3);
    expect(share.greenPercent).not.toBeNull();
    expect(share.greenPercent ?? 0).toBeGreaterThan(15);
    expect(share.greenPercent ?? 0).toBeLessThan(35);

    const back = planOrFail(after, { kind: "rollback" });
    await execute(back);
    const final = await observeDnsWeighted(clients, app);
    expect(final.configured.greenPercent).toBe(0);
    expect(final.dns?.records.map((r) => r.weight)).toEqual([100, 0]);
  });

  it("maps AWS refusals to user-safe AppErrors with the SDK's error name", async () => {
    const state = await observeDnsWeighted(clients, app);
    const plan = planOrFail(state, { kind: "shift", greenPercent: 10 });
    const change = plan.steps.find((s) => s.call)?.call;
    if (!change) throw new Error("plan has no call");
    const bad = JSON.parse(JSON.stringify(change)) as typeof change;
    const batch = bad.input.ChangeBatch as { Changes: { ResourceRecordSet: { Weight: number } }[] };
    const first = batch.Changes[0];
    if (first) first.ResourceRecordSet.Weight = 256;
    const err = await gateway.call(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "invalid" });
    expect((err as AppError).userMessage).toMatch(/^ChangeResourceRecordSets failed: InvalidChangeBatch/);

    await expect(gateway.call({ service: "route53", operation: "DeleteHostedZone", input: { Id: "Z1" } })).rejects.toMatchObject({
      code: "invalid",
    });
  });

  it("surfaces PriorRequestNotComplete as a conflict", async () => {
    const state = await observeDnsWeighted(clients, app);
    const plan = planOrFail(state, { kind: "shift", greenPercent: 5 });
    const change = plan.steps.find((s) => s.call)?.call;
    if (!change) throw new Error("plan has no call");
    await gateway.call(change);
    // A second batch for the same zone while Route 53 still processes the first one.
    const err = await gateway.call(change).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "conflict" });
    expect((err as AppError).userMessage).toMatch(/PriorRequestNotComplete/);
    await advance(60_000);
    const restore = planOrFail(await observeDnsWeighted(clients, app), { kind: "rollback" });
    await execute(restore);
  });
});

describe("a journal that outlived the range", () => {
  it("observes an application whose last change id Route 53 no longer knows", async () => {
    const state = await observeDnsWeighted(clients, app, { lastChangeId: "/change/C0000000000000FORGOTTEN" });
    expect(state.dns?.changeStatus).toBeNull();
    expect(state.dns?.records).toHaveLength(2);
  });
});
