// The pages' reads of many applications merged (lib/aws/batched-reads.ts), against the practice
// range with the real SDK clients: an overview refresh of the demo world costs one
// DescribeAutoScalingGroups, one listing of the hosted zone and one DescribeServices for the cluster
// instead of one (or more) per application, every application's state is exactly what it is when
// read alone, a missing resource fails only the application that names it, a throttled merged call
// fails every caller as its own call would have, and an operation's reads are never merged.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testRuntime } from "@/test/support/runtime";
import { isAppError } from "@/lib/domain/app-error";
import { describeAsgGroups } from "@/lib/aws/autoscaling";
import { batcherOf } from "@/lib/aws/batched-reads";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { describeInstanceVersions } from "@/lib/aws/ec2";
import { describeTargetGroup } from "@/lib/aws/elbv2";
import { listRecordSets, resolveHostedZoneId } from "@/lib/aws/route53";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, DeleteHostedZoneCommand, type Change } from "@aws-sdk/client-route-53";
import { UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { loadTealConfig, parseEnv } from "@/lib/config/load";
import type { AppConfig } from "@/lib/config/schema";
import { observeWithPattern } from "@/lib/patterns/registry";
import { openStore, type Store } from "@/lib/store/store";
import { resetStats } from "@/range/control/stats";
import { seedDemoWorld } from "@/range/demo/seed";
import { startTestRange, type TestRange } from "@/test/support/range";
import { createAwsAccess, type Runtime } from "./runtime";
import { createSnapshotService } from "./snapshots";

let range: TestRange;
let store: Store;
let dir: string;
let alone: AwsClients;
let batched: AwsClients;
const config = loadTealConfig("teal.config.yaml");
const apps: AppConfig[] = config.applications;

/** A runtime whose page reads go through `pages` (and everything else alone). */
function runtime(pages: AwsClients): Runtime {
  return testRuntime({ config, store, clients: alone, pages });
}

/** Requests per operation that reached the range since the last reset, CloudWatch apart. */
function counts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [service, stats] of Object.entries(range.stats.services)) {
    if (service === "cloudwatch") continue;
    for (const [op, s] of Object.entries(stats.operations)) out[op] = (out[op] ?? 0) + s.count;
  }
  return out;
}
const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

/** One overview refresh (every application's summary, each read fresh) through `pages`; what it sent. */
async function overviewRefresh(pages: AwsClients): Promise<Record<string, number>> {
  const service = createSnapshotService(runtime(pages));
  resetStats(range.stats, range.nowMs());
  const summaries = await service.summaries();
  expect(summaries.map((s) => s.error)).toEqual(apps.map(() => null));
  return counts();
}

beforeAll(async () => {
  range = await startTestRange({}, Date.now() - 240_000);
  await seedDemoWorld(range.url);
  for (let i = 0; i < 24; i++) {
    range.tick(10_000);
    await fetch(`${range.url}/_sim/health`);
  }
  dir = mkdtempSync(path.join(os.tmpdir(), "teal-batch-"));
  store = await openStore(`file:${path.join(dir, "teal.db")}`);
  alone = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  batched = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1, batchWindowMs: 5 });
  // The hosted zone's id is resolved once per client and then cached: out of the counts.
  await Promise.all([alone, batched].map((c) => observeWithPattern(c, apps.find((a) => a.id === "shop") as AppConfig)));
}, 120_000);

afterAll(async () => {
  await fetch(`${range.url}/_sim/faults`, { method: "DELETE" }).catch(() => undefined);
  await store?.close();
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("control-plane reads batched across applications", () => {
  it("reads every demo application's state exactly as alone, also from the immutable cache", async () => {
    // When it was read is the one thing that differs.
    const read = async (clients: AwsClients, app: AppConfig) => ({ ...(await observeWithPattern(clients, app)), observedAt: "" });
    const expected: Awaited<ReturnType<typeof read>>[] = [];
    for (const app of apps) expected.push(await read(alone, app));
    for (let round = 0; round < 2; round++) {
      const together = await Promise.all(apps.map((app) => read(batched, app)));
      together.forEach((state, i) => expect({ app: apps[i]?.id, state }).toEqual({ app: apps[i]?.id, state: expected[i] }));
    }
    expect(batched.batcher?.counters.cached).toBeGreaterThan(0);
  });

  it("an overview refresh sends one call per operation (and cluster, and zone) for all applications", async () => {
    const before = await overviewRefresh(alone);
    const after = await overviewRefresh(batched);
    const asgApps = apps.filter((a) => a.pattern === "asg-swap" || a.pattern === "launch-swap").length;
    expect(asgApps).toBe(3);
    // Alone: one DescribeAutoScalingGroups per Auto Scaling application, two listings of example.com.
    expect(before.DescribeAutoScalingGroups).toBe(asgApps);
    expect(before.ListResourceRecordSets).toBe(2);
    expect(before.DescribeServices).toBeGreaterThan(1);
    // Merged: one for the three applications' five groups, one listing of the one zone, one
    // DescribeServices for the five services of cluster prod (≤ 10 per call).
    expect(after.DescribeAutoScalingGroups).toBe(1);
    expect(after.ListResourceRecordSets).toBe(1);
    expect(after.DescribeServices).toBe(1);
    // ELBv2 load balancers and target groups of every application together, instances in one call
    // per stage of the observers, classic load balancers together.
    expect(after.DescribeTargetGroups).toBeLessThan(before.DescribeTargetGroups ?? 0);
    expect(after.DescribeLoadBalancers).toBeLessThan(before.DescribeLoadBalancers ?? 0);
    // Instances already seen running keep their version label (the first test read them): not asked again.
    expect(before.DescribeInstances).toBeGreaterThan(0);
    expect(after.DescribeInstances ?? 0).toBe(0);
    // The tasks of every service of the cluster described together (≤ 100 per call).
    expect(after.DescribeTasks).toBeLessThan(before.DescribeTasks ?? 0);
    // Task definition revisions and numbered launch template versions were read by the first test:
    // kept for good, not read again.
    expect(after.DescribeTaskDefinition ?? 0).toBe(0);
    expect(before.DescribeTaskDefinition).toBeGreaterThan(0);
    // Each ECS service's task list of the first test still adds up (as many tasks as the service
    // counts, all still wanted running): described again, not listed.
    expect(before.ListTasks).toBeGreaterThan(0);
    expect(after.ListTasks ?? 0).toBe(0);
    // What cannot be merged (one resource per call) is sent as often as before.
    for (const op of ["DescribeTargetHealth", "DescribeInstanceHealth", "DescribeListeners", "DescribeRules"]) {
      expect({ op, n: after[op] ?? 0 }).toEqual({ op, n: before[op] ?? 0 });
    }
    expect(total(after)).toBeLessThan(total(before));
  });

  it("lists a service's tasks again when one starts or stops, and gives the tasks an unbatched read gives", async () => {
    const app = apps.find((a) => a.pattern === "ecs-rolling");
    if (!app || app.pattern !== "ecs-rolling") throw new Error("the demo world has an ecs-rolling application");
    const pages = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1, batchWindowMs: 5 });
    const taskIds = (state: Awaited<ReturnType<typeof observeWithPattern>>) =>
      Object.values(state.environments)
        .flatMap((e) => e.instances.filter((i) => i.kind === "task").map((i) => i.id))
        .sort();
    /** A page read and an operation's read of the same moment, and the ListTasks calls of the page read. */
    const readBoth = async () => {
      resetStats(range.stats, range.nowMs());
      const page = await observeWithPattern(pages, app);
      const listed = counts().ListTasks ?? 0;
      const fresh = await observeWithPattern(alone, app);
      return { page: taskIds(page), fresh: taskIds(fresh), listed };
    };
    const scaleTo = async (desiredCount: number) => {
      await alone.ecs.send(new UpdateServiceCommand({ cluster: app.cluster, service: app.service, desiredCount }));
      // Ten minutes of the range's clock: tasks started and healthy, or drained and stopped.
      for (let i = 0; i < 60; i++) {
        range.tick(10_000);
        await fetch(`${range.url}/_sim/health`);
      }
    };
    const first = await readBoth();
    expect(first.listed).toBe(1);
    expect(first.page).toEqual(first.fresh);
    const steady = await readBoth();
    expect(steady.listed, "nothing started or stopped: described again, not listed").toBe(0);
    expect(steady.page).toEqual(steady.fresh);
    const desired = first.fresh.length;
    expect(desired).toBeGreaterThan(0);
    try {
      await scaleTo(desired + 1);
      const up = await readBoth();
      expect(up.listed, "a task started: the count no longer adds up").toBe(1);
      expect(up.page).toEqual(up.fresh);
      expect(up.page).toHaveLength(desired + 1);
    } finally {
      await scaleTo(desired);
    }
    const down = await readBoth();
    expect(down.listed, "a task stopped: listed again").toBeGreaterThanOrEqual(1);
    expect(down.page).toEqual(down.fresh);
    expect(down.page).toHaveLength(desired);
  });

  it("looks a hosted zone's name up again after the zone was deleted and created anew, without a restart", async () => {
    const name = "recreated.example.";
    const create = async (ref: string): Promise<string> => {
      const created = await alone.route53.send(new CreateHostedZoneCommand({ Name: name, CallerReference: ref }));
      return (created.HostedZone?.Id ?? "").replace("/hostedzone/", "");
    };
    for (const clients of [alone, batched]) {
      const first = await create(`recreate-1-${clients === alone ? "alone" : "batched"}`);
      expect(await resolveHostedZoneId(clients.route53, name)).toBe(first);
      expect(await listRecordSets(clients.route53, first, `www.${name}`, "A")).toEqual([]);
      await alone.route53.send(new DeleteHostedZoneCommand({ Id: first }));
      const second = await create(`recreate-2-${clients === alone ? "alone" : "batched"}`);
      expect(second).not.toBe(first);
      // The cached id is gone from AWS: that read fails as it must, and the next one finds the new zone.
      const stale = await resolveHostedZoneId(clients.route53, name);
      expect(stale).toBe(first);
      const failed = await listRecordSets(clients.route53, stale, `www.${name}`, "A").then(
        () => null,
        (e: unknown) => e,
      );
      expect(isAppError(failed) && failed.awsName).toBe("NoSuchHostedZone");
      expect(await resolveHostedZoneId(clients.route53, name)).toBe(second);
      expect(await listRecordSets(clients.route53, second, `www.${name}`, "A")).toEqual([]);
      await alone.route53.send(new DeleteHostedZoneCommand({ Id: second }));
    }
  });

  it("a missing resource fails only the application that names it", async () => {
    const groupName = "payments-blue";
    const known = (await describeAsgGroups(alone.autoscaling, [groupName])).get(groupName)?.instances[0]?.id ?? "";
    expect(known).toMatch(/^i-/);

    resetStats(range.stats, range.nowMs());
    const [okGroups, missingGroup] = await Promise.allSettled([
      describeAsgGroups(batched.autoscaling, [groupName]),
      describeAsgGroups(batched.autoscaling, ["no-such-group"]),
    ]);
    expect(counts().DescribeAutoScalingGroups).toBe(1);
    expect(okGroups.status === "fulfilled" && okGroups.value.has(groupName)).toBe(true);
    expect(missingGroup.status === "rejected" && isAppError(missingGroup.reason) && missingGroup.reason.code).toBe("not_found");

    // EC2 refuses a whole DescribeInstances for one unknown id: the other caller still gets its answer.
    const [okInstances, missingInstance] = await Promise.allSettled([
      describeInstanceVersions(batched.ec2, [known]),
      describeInstanceVersions(batched.ec2, ["i-0123456789abcdef0"]),
    ]);
    expect(okInstances.status === "fulfilled" && okInstances.value.has(known)).toBe(true);
    expect(missingInstance.status === "rejected" && isAppError(missingInstance.reason) && missingInstance.reason.code).toBe("not_found");
    const [alone1] = await Promise.allSettled([describeInstanceVersions(alone.ec2, ["i-0123456789abcdef0"])]);
    expect(alone1.status === "rejected" && isAppError(alone1.reason) && alone1.reason.userMessage).toBe(
      missingInstance.status === "rejected" && isAppError(missingInstance.reason) && missingInstance.reason.userMessage,
    );

    // Same for a target group name ELBv2 does not know.
    const tgName = apps.flatMap((a) => (a.pattern === "alb-weighted" ? [a.blue.targetGroup] : []))[0] ?? "";
    const [okTg, missingTg] = await Promise.allSettled([
      describeTargetGroup(batched.elbv2, tgName),
      describeTargetGroup(batched.elbv2, "no-such-tg"),
    ]);
    expect(okTg.status === "fulfilled" && okTg.value.arn).toMatch(/^arn:/);
    const [aloneTg] = await Promise.allSettled([describeTargetGroup(alone.elbv2, "no-such-tg")]);
    expect(aloneTg.status).toBe("rejected");
    expect(missingTg.status === "rejected" && isAppError(missingTg.reason) && missingTg.reason.code).toBe(
      aloneTg.status === "rejected" && isAppError(aloneTg.reason) && aloneTg.reason.code,
    );
  });

  it("a throttled merged call fails every caller with the throttling error, once on the wire", async () => {
    const names = ["payments-blue", "payments-green"];
    expect((await describeAsgGroups(alone.autoscaling, names)).size).toBe(2);
    expect((await fetch(`${range.url}/_sim/faults`, { method: "POST", body: JSON.stringify({ throttleRate: 1 }) })).ok).toBe(true);
    try {
      resetStats(range.stats, range.nowMs());
      const results = await Promise.allSettled(names.map((n) => describeAsgGroups(batched.autoscaling, [n])));
      expect(counts().DescribeAutoScalingGroups).toBe(1);
      for (const r of results) expect(r.status === "rejected" && isAppError(r.reason) && r.reason.code).toBe("throttled");
    } finally {
      await fetch(`${range.url}/_sim/faults`, { method: "DELETE" });
    }
  });

  it("lists a hosted zone once for the asks of a window while that costs no more calls than the asks alone, and never again once it is too big", async () => {
    /** A zone with `filler` simple records beside two weighted pairs, app-a and app-b. */
    async function zone(name: string, filler: number): Promise<string> {
      const created = await alone.route53.send(new CreateHostedZoneCommand({ Name: name, CallerReference: `batch-${name}` }));
      const id = (created.HostedZone?.Id ?? "").replace("/hostedzone/", "");
      const record = (n: string, extra: object): Change => ({
        Action: "CREATE",
        ResourceRecordSet: { Name: `${n}.${name}`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "10.0.0.1" }], ...extra },
      });
      const changes: Change[] = [
        ...Array.from({ length: filler }, (_, i) => record(`r${String(i).padStart(4, "0")}`, {})),
        ...["app-a", "app-b"].flatMap((n) => ["blue", "green"].map((c, w) => record(n, { SetIdentifier: c, Weight: w * 10 }))),
      ];
      await alone.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: changes } }));
      return id;
    }
    const both = (client: AwsClients, id: string, name: string) =>
      Promise.all(["app-a", "app-b"].map((n) => listRecordSets(client.route53, id, `${n}.${name}`, "A")));

    // 404 records: two pages of 300, as many as the two asks: one listing answers both.
    const small = await zone("two-pages.test.", 400);
    const expectedSmall = await both(alone, small, "two-pages.test.");
    expect(expectedSmall.map((r) => r.length)).toEqual([2, 2]);
    resetStats(range.stats, range.nowMs());
    expect(await both(batched, small, "two-pages.test.")).toEqual(expectedSmall);
    expect(counts().ListResourceRecordSets).toBe(2);

    // 904 records: four pages, more than two asks: after one try (two pages, then each ask alone),
    // each ask alone from then on.
    const big = await zone("four-pages.test.", 900);
    const expectedBig = await both(alone, big, "four-pages.test.");
    resetStats(range.stats, range.nowMs());
    expect(await both(batched, big, "four-pages.test.")).toEqual(expectedBig);
    expect(counts().ListResourceRecordSets).toBe(2 + 2);
    resetStats(range.stats, range.nowMs());
    expect(await both(batched, big, "four-pages.test.")).toEqual(expectedBig);
    expect(counts().ListResourceRecordSets).toBe(2);
  });

  it("an operation's reads are sent at once, alone: only the page clients carry a batcher", async () => {
    const access = createAwsAccess(parseEnv({ AWS_ENDPOINT_URL: range.url }));
    const region = "us-east-1";
    expect(batcherOf(access.pageClients(region).autoscaling)).toBeDefined();
    for (const set of [access.clients(region), access.patientClients(region), access.pollingClients(region)]) {
      for (const client of [set.autoscaling, set.ec2, set.ecs, set.elb, set.elbv2, set.route53]) expect(batcherOf(client)).toBeUndefined();
    }
    expect(batcherOf(createAwsAccess(parseEnv({ AWS_ENDPOINT_URL: range.url, TEAL_READ_BATCH_MS: "off" })).pageClients(region).ecs)).toBeUndefined();
    // Plan observes of every application at once: one DescribeAutoScalingGroups each, as before.
    resetStats(range.stats, range.nowMs());
    await Promise.all(apps.map((app) => observeWithPattern(alone, app)));
    expect(counts().DescribeAutoScalingGroups).toBe(3);
  });

  it("an idle refresh takes the load balancers' health from the refresh before it and says how old; an open page's refresh asks AWS", async () => {
    const pages = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1, batchWindowMs: 5 });
    let t = 1_000_000;
    // Idle every 30 s, health every second idle refresh (the defaults); every application due at once.
    const service = createSnapshotService(runtime(pages), { now: () => t, spreadIdleReads: false });
    const healthCalls = () => {
      const c = counts();
      return { classic: c.DescribeInstanceHealth ?? 0, v2: c.DescribeTargetHealth ?? 0 };
    };
    /** One idle cycle later: every summary read again (waiting out any refresh still landing). */
    const cycle = async (advanceMs: number) => {
      t += advanceMs;
      resetStats(range.stats, range.nowMs());
      let list = await service.summaries();
      for (let i = 0; i < 20 && list.some((s) => s.error !== null); i++) list = await service.summaries();
      expect(list.map((s) => s.error)).toEqual(apps.map(() => null));
      return { list, health: healthCalls(), all: counts() };
    };
    const first = await cycle(0);
    expect(first.health.classic).toBeGreaterThan(0);
    expect(first.health.v2).toBeGreaterThan(0);
    expect(first.list.filter((s) => s.healthAgeMs !== undefined)).toEqual([]);
    const idleIds = apps.filter((a) => a.id !== "shop").map((a) => a.id);

    // The next idle cycle: the weights, groups and services are read again, the health of only some
    // (each application reads it every second idle refresh, from an offset its id gives, so a
    // fleet's health reads are spread over the cycles). shop's page is open: its two classic load
    // balancers are asked.
    t += 31_000;
    service.watch("shop");
    const second = await cycle(0);
    expect(second.all.ListResourceRecordSets).toBe(1);
    expect(second.all.DescribeAutoScalingGroups).toBeGreaterThan(0);
    const takenFirst = second.list.filter((s) => s.healthAgeMs !== undefined).map((s) => s.id);
    expect(takenFirst).not.toContain("shop");
    expect(takenFirst.length).toBeGreaterThan(0);
    expect(takenFirst.length).toBeLessThan(idleIds.length);
    expect(second.health.classic + second.health.v2).toBeLessThan(first.health.classic + first.health.v2);
    expect(second.health.classic).toBeGreaterThanOrEqual(2);
    for (const s of second.list) if (s.healthAgeMs !== undefined) expect(s.healthAgeMs).toBeGreaterThanOrEqual(31_000);

    // One cycle on: those that took it read it again (it would be two intervals old), the others take theirs.
    const third = await cycle(31_000);
    const takenNext = third.list.filter((s) => s.healthAgeMs !== undefined).map((s) => s.id);
    expect(takenNext.filter((id) => takenFirst.includes(id))).toEqual([]);
    expect(idleIds.filter((id) => !takenFirst.includes(id) && !takenNext.includes(id))).toEqual([]);
    for (const s of third.list) if (s.healthAgeMs !== undefined) expect(s.healthAgeMs).toBeGreaterThanOrEqual(31_000);
  });
});
