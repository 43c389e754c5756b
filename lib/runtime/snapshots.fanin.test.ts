// AWS calls must not grow with viewers: 50 dashboards polling one application cost what one costs.
// Nor with chart ranges: the AWS state is read once per application per refresh interval, whatever
// range a page shows (a longer range costs one GetMetricData call, not another round of Describe
// calls), and the plan path reads the same whole state the pages show (the observed share included).
// The snapshot service runs against the practice range with the real SDK clients; the refresh
// interval is driven by an injected clock so the counts are exact, not a timing.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testRuntime } from "@/test/support/runtime";
import { createClients } from "@/lib/aws/clients";
import { loadTealConfig } from "@/lib/config/load";
import { seedDemoWorld } from "@/range/demo/seed";
import { resetStats } from "@/range/control/stats";
import { startTestRange, type TestRange } from "@/test/support/range";
import { openStore, type Store } from "@/lib/store/store";
import { METRICS_NOT_READ, observeApp } from "./observe";
import { planIntent } from "./plan-service";
import type { Runtime } from "./runtime";
import { createSnapshotService, SUMMARY_FIRST_WAIT_MS } from "./snapshots";

let range: TestRange;
let store: Store;
let rt: Runtime;
let dir: string;

/** What reached the range since the last reset: every request, and GetMetricData calls apart. */
async function requests(): Promise<{ describes: number; getMetricData: number }> {
  const res = await fetch(`${range.url}/_sim/stats`);
  const stats = (await res.json()) as { total: number; services: Record<string, { operations: Record<string, { count: number }> }> };
  const getMetricData = stats.services.cloudwatch?.operations.GetMetricData?.count ?? 0;
  return { describes: stats.total - getMetricData, getMetricData };
}

async function resetRequests(): Promise<void> {
  expect((await fetch(`${range.url}/_sim/stats/reset`, { method: "POST" })).ok).toBe(true);
}

beforeAll(async () => {
  // The range's clock four minutes behind the real one, then moved up to it with traffic flowing:
  // the last whole minutes the observed share sums (real time) hold requests.
  range = await startTestRange({}, Date.now() - 240_000);
  await seedDemoWorld(range.url);
  for (let i = 0; i < 24; i++) {
    range.tick(10_000);
    await fetch(`${range.url}/_sim/health`);
  }
  dir = mkdtempSync(path.join(os.tmpdir(), "teal-fanin-"));
  store = await openStore(`file:${path.join(dir, "teal.db")}`);
  const clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  rt = testRuntime({ config: loadTealConfig("teal.config.yaml"), store, clients });
  // Warm-up: the hosted zone id is resolved once per process and then cached.
  await createSnapshotService(rt).snapshot("shop", 60);
}, 120_000);

afterAll(async () => {
  await fetch(`${range.url}/_sim/faults`, { method: "DELETE" }).catch(() => undefined);
  await store?.close();
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `viewers` clients poll the snapshot every 2 s for a minute; returns what reached the range. */
async function poll(viewers: number): Promise<{ total: number; getMetricData: number; refreshes: number }> {
  let t = 1_000_000;
  // CloudWatch's minute held still: the held series are read once in it (lib/metrics/series-store.ts).
  const minute = range.nowMs();
  const service = createSnapshotService(rt, { now: () => t, metricsNow: () => minute });
  resetStats(range.stats, range.nowMs());
  for (let round = 0; round < 30; round++) {
    // Each viewer has shop's page open: the route marks it watched on every poll.
    const snapshots = await Promise.all(
      Array.from({ length: viewers }, () => {
        service.watch("shop");
        return service.snapshot("shop", 60);
      }),
    );
    expect(snapshots.every((s) => s.state.appId === "shop")).toBe(true);
    t += 2_000;
  }
  const cw = range.stats.services.cloudwatch?.operations.GetMetricData?.count ?? 0;
  return { total: range.stats.total, getMetricData: cw, refreshes: service.loads() };
}

describe("snapshot fan-in", () => {
  it("costs the same AWS requests for 50 viewers as for one, with one GetMetricData per CloudWatch period", async () => {
    const one = await poll(1);
    const fifty = await poll(50);
    // 60 s of polling against a 5 s refresh window: one refresh per window (polls every 2 s land
    // in every window), whatever the number of viewers.
    expect(one.refreshes).toBe(12);
    expect(fifty.refreshes).toBe(one.refreshes);
    expect(fifty.total).toBe(one.total);
    expect(one.getMetricData, "every refresh within one minute: its series read once").toBe(1);
    expect(one.total).toBeGreaterThan(0);
  });
});

describe("the cadence follows what is on screen", () => {
  /** Polls as the overview does (every application's summary every 5 s) for `ms`; `also` runs each round. */
  async function overview(service: ReturnType<typeof createSnapshotService>, clock: { t: number }, ms: number, also = () => undefined as void) {
    for (const end = clock.t + ms; clock.t < end; clock.t += 5_000) {
      also();
      await service.summaries();
    }
  }

  it("reads an application only the overview shows every idle interval, one whose page is open or that has an operation in flight every fast one", async () => {
    const clock = { t: 1_020_000 }; // a multiple of 30 s: the windows start with the test
    // Every idle window on the clock's multiples (no spread), so that each window's reads can be counted.
    const service = createSnapshotService(rt, { now: () => clock.t, spreadIdleReads: false });
    const apps = rt.config.applications.length;
    expect(apps).toBeGreaterThan(1);

    // The overview alone for two minutes: every application read once per 30 s window.
    resetStats(range.stats, range.nowMs());
    await overview(service, clock, 120_000);
    expect(service.loads()).toBe(apps * 4);
    const idle = range.stats.total;
    expect(rt.config.applications.map((a) => service.refreshMs(a.id))).toEqual(rt.config.applications.map(() => 30_000));

    // Shop's page open beside it for a minute: shop every 5 s, the others still every 30 s.
    let before = service.loads();
    await overview(service, clock, 60_000, () => service.watch("shop"));
    expect(service.loads() - before).toBe(12 + (apps - 1) * 2);
    // Each summary says which interval its data follows.
    const summaries = await service.summaries();
    expect(summaries.find((a) => a.id === "shop")?.refreshMs).toBe(5_000);
    expect(summaries.find((a) => a.id === "orders-service")?.refreshMs).toBe(30_000);

    // Shop's page closed: after the grace of three fast intervals, back to the idle interval.
    clock.t += 15_000;
    expect(service.refreshMs("shop")).toBe(30_000);

    // An operation in flight on orders (the journal says so): read fast until it has ended.
    const op = await store.createOperation({
      appId: "orders-service",
      pattern: "ecs-elb-swap",
      intent: { kind: "shift", greenPercent: 50 },
      summary: "Shift 10 % to green",
      actor: { id: "operator", email: "operator@example.com", role: "operator" },
      reason: "cadence test",
      steps: [],
    });
    try {
      await service.summaries();
      expect(service.refreshMs("orders-service")).toBe(5_000);
      before = service.loads();
      clock.t = Math.ceil(clock.t / 30_000) * 30_000;
      await overview(service, clock, 30_000);
      expect(service.loads() - before, "orders six times, every other application once").toBe(6 + (apps - 1));
    } finally {
      await store.updateOperation(op.id, { status: "succeeded", finishedAt: new Date().toISOString() });
    }
    await service.summaries();
    expect(service.refreshMs("orders-service")).toBe(30_000);

    // What the overview costs: per application and minute, about one sixth of a read every 5 s.
    const perLoad = idle / (apps * 4);
    console.info(
      `[cadence] overview only: ${(idle / apps / 2).toFixed(1)} AWS requests per application per minute (${perLoad.toFixed(1)} per read; every 5 s it would be ${(perLoad * 12).toFixed(1)})`,
    );
    expect(idle / apps / 2).toBeLessThanOrEqual((perLoad * 12) / 6 + 0.001);
  });

  it("spreads the idle reads over the window a group at a time: no poll of the overview reads every application at once", async () => {
    const apps = rt.config.applications.length;
    /** Loads each overview poll started, over two minutes after the first poll (which reads everything). */
    async function loadsPerPoll(spreadIdleReads: boolean, idleGroupApps?: number): Promise<number[]> {
      const clock = { t: 2_040_000 }; // a multiple of 30 s
      const service = createSnapshotService(rt, { now: () => clock.t, spreadIdleReads, ...(idleGroupApps ? { idleGroupApps } : {}) });
      await service.summaries();
      const perPoll: number[] = [];
      for (const end = clock.t + 120_000; clock.t < end;) {
        clock.t += 5_000;
        const before = service.loads();
        await service.summaries();
        perPoll.push(service.loads() - before);
      }
      return perPoll;
    }
    const aligned = await loadsPerPoll(false);
    // Groups of two: the 8 applications fall due as four groups (a fleet of 200 is ten groups of 20).
    const spread = await loadsPerPoll(true, 2);
    // With the default group size, a fleet of 8 is one group: one poll reads it all, so that its
    // load balancer and target group lookups merge into one call each.
    const oneGroup = await loadsPerPoll(true);
    expect(oneGroup.reduce((a, b) => a + b, 0)).toBe(apps * 4);
    expect(Math.max(...oneGroup)).toBe(apps);
    // Either way every application is read once per 30 s window: four windows in two minutes.
    expect(aligned.reduce((a, b) => a + b, 0)).toBe(apps * 4);
    expect(spread.reduce((a, b) => a + b, 0)).toBe(apps * 4);
    // Aligned, one poll in six reads them all; spread, the reads of a window fall on several polls.
    expect(Math.max(...aligned)).toBe(apps);
    expect(Math.max(...spread)).toBeLessThan(apps / 2);
    expect(spread.filter((n) => n > 0).length).toBeGreaterThan(aligned.filter((n) => n > 0).length);
  });

  it("answers the overview within its first-read wait when AWS is slow: applications not read yet say so", async () => {
    const service = createSnapshotService(rt);
    range.world.faults = { ...range.world.faults, latencyMs: 2_500 };
    try {
      const started = Date.now();
      const summaries = await service.summaries();
      expect(Date.now() - started).toBeLessThan(SUMMARY_FIRST_WAIT_MS + 1_500);
      expect(summaries.map((s) => s.error?.startsWith("Not read yet") ?? false)).toEqual(summaries.map(() => true));
      expect(summaries.map((s) => s.configuredGreenPercent)).toEqual(summaries.map(() => null));
    } finally {
      range.world.faults = { ...range.world.faults, latencyMs: 0 };
    }
    // The reads went on behind that answer: once they land, the overview has every application.
    const until = Date.now() + 30_000;
    let unread = rt.config.applications.length;
    while (unread > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      unread = (await service.summaries()).filter((s) => s.configuredGreenPercent === null).length;
    }
    expect(unread).toBe(0);
  }, 45_000);

  it("ignores a watch of an application that is not configured", () => {
    const service = createSnapshotService(rt, { now: () => 0 });
    service.watch("no-such-app");
    expect(service.refreshMs("no-such-app")).toBe(30_000);
  });
});

describe("the AWS state cache", () => {
  it("reads an application's state once per refresh whatever the chart ranges asked; each longer range adds one GetMetricData", async () => {
    let t = 1_000_000;
    // CloudWatch's clock moves with the refresh clock, 5 s into a minute: the test stays in one minute.
    const minute = Math.floor(range.nowMs() / 60_000) * 60_000 + 5_000;
    const service = createSnapshotService(rt, { now: () => t, metricsNow: () => minute + t - 1_000_000 });
    service.watch("shop");

    // One page on the default range: what one refresh of the state costs.
    await resetRequests();
    const alone = await service.snapshot("shop", 60);
    const one = await requests();
    expect(one.describes).toBeGreaterThan(0);
    expect(one.getMetricData).toBe(1);

    // The next refresh window: three pages on three ranges, one of them through lastGood (the route's path).
    t += 5_000;
    service.watch("shop");
    await resetRequests();
    const hour = await service.snapshot("shop", 60);
    const threeHours = await service.snapshot("shop", 180);
    const halfDay = (await service.lastGood("shop", 720)).snapshot;
    const three = await requests();
    expect(three.describes, "one set of Describe calls for the three ranges").toBe(one.describes);
    expect(three.getMetricData, "the hour is held from the first read (same minute): one per longer range").toBe(2);

    // The same state for every range: one read, one observed share, one version.
    expect(hour.generatedAt).not.toBe(alone.generatedAt);
    expect(threeHours.state).toEqual(hour.state);
    expect(halfDay.state).toEqual(hour.state);
    expect(threeHours.generatedAt).toBe(hour.generatedAt);
    expect(threeHours.greenVerdict).toEqual(hour.greenVerdict);
    expect([hour.metrics.rangeMinutes, threeHours.metrics.rangeMinutes, halfDay.metrics.rangeMinutes]).toEqual([60, 180, 720]);
    expect(threeHours.metrics.series.map((s) => s.id)).toEqual(hour.metrics.series.map((s) => s.id));

    // Within the window, more reads of any range cost nothing.
    await resetRequests();
    await Promise.all([service.snapshot("shop", 180), service.lastGood("shop", 60), service.lastGood("shop", 720)]);
    expect(await requests()).toEqual({ describes: 0, getMetricData: 0 });
  });

  it("plans from the whole state the pages show, the observed share included", async () => {
    const app = rt.app("shop");
    if (!app) throw new Error("shop is not in the config");
    const { state } = await planIntent(rt, app, { kind: "shift", greenPercent: 10 });
    const page = await createSnapshotService(rt).snapshot("shop", 180);
    expect(state.version).toBe(page.state.version);
    expect(state.observed.windowMinutes).toBe(3);
    expect(page.state.observed.windowMinutes).toBe(3);
    expect(state.observed.blueRequests, "the observed share is measured for the plan too").toBeGreaterThan(0);
    expect(page.state.observed.blueRequests).toBeGreaterThan(0);
  });

  it("lets a rollback's patient observe go without CloudWatch, even when it is slow; a page's read waits for it", async () => {
    const app = rt.app("shop");
    if (!app) throw new Error("shop is not in the config");
    // GetMetricData answers after 4 s (real time); every other call at once.
    const set = await fetch(`${range.url}/_sim/faults`, {
      method: "POST",
      body: JSON.stringify({ rules: [{ service: "cloudwatch", operation: "GetMetricData", latencyMs: 4_000, latencyClock: "real" }] }),
    });
    expect(set.ok).toBe(true);
    try {
      const before = (await requests()).getMetricData;
      let started = Date.now();
      const patient = await observeApp(rt, app, { patient: true });
      expect(Date.now() - started, "no wait on the slow CloudWatch").toBeLessThan(2_000);
      expect((await requests()).getMetricData, "a rollback's observe makes no GetMetricData call").toBe(before);
      expect(String(patient.metricsError)).toContain(METRICS_NOT_READ);
      expect(patient.state.observed.windowMinutes, "the observed share is left unmeasured").toBeUndefined();
      expect(patient.state.configured.greenPercent).toBe(0);

      started = Date.now();
      const page = await observeApp(rt, app);
      expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
      expect(page.metricsError).toBeNull();
      expect(page.state.observed.windowMinutes).toBe(3);
      expect(page.state.version).toBe(patient.state.version);
      expect((await requests()).getMetricData).toBe(before + 1);
    } finally {
      await fetch(`${range.url}/_sim/faults`, { method: "DELETE" });
    }
  });

  it("degrades the metrics alone when CloudWatch fails: the state stays fresh, nothing says green is fine, no AWS text", async () => {
    const service = createSnapshotService(rt);
    const before = await service.lastGood("shop");
    expect(before.snapshot.metricsError ?? null).toBeNull();
    const set = await fetch(`${range.url}/_sim/faults`, {
      method: "POST",
      body: JSON.stringify({ rules: [{ service: "cloudwatch", operation: "GetMetricData", errorRate: 1 }] }),
    });
    expect(set.ok).toBe(true);
    try {
      // A new service: its first read of shop meets the failing CloudWatch.
      const failing = createSnapshotService(rt);
      const snapshot = await failing.snapshot("shop", 60);
      expect(snapshot.metricsError).toMatch(/\S/);
      // The failed call and its code, in the words every read error uses: no ARN, request id or account.
      expect(snapshot.metricsError).toMatch(/GetMetricData failed/);
      expect(snapshot.metricsError).not.toMatch(/RequestId|arn:|\d{12}/i);
      // The control plane was read: the state and what the controls need are there and current.
      expect(snapshot.state.configured.greenPercent).toBe(before.snapshot.state.configured.greenPercent);
      expect(snapshot.state.environments.blue.healthy).toBeGreaterThan(0);
      expect(Date.parse(snapshot.generatedAt)).toBeGreaterThan(Date.parse(before.snapshot.generatedAt));
      // Nothing is judged from metrics that were not read.
      expect(snapshot.greenVerdict.status).toBe("unavailable");
      expect(snapshot.greenVerdict.label).toBe("Metrics unavailable");
      expect(snapshot.state.observed.windowMinutes, "the observed share is left unmeasured").toBeUndefined();
      for (const s of snapshot.metrics.series) expect(s.points).toEqual([]);
      // The page's poll (last good) says the same and is not stale for it; a longer range too.
      const page = await failing.lastGood("shop", 60);
      expect(page.readError).toBeNull();
      expect(page.snapshot.metricsError).toBe(snapshot.metricsError);
      const day = await failing.lastGood("shop", 1440);
      expect(day.readError).toBeNull();
      expect(day.snapshot.metricsError).toMatch(/\S/);
      expect(day.snapshot.metrics.rangeMinutes).toBe(1440);
      // The overview too: a summary with the state's figures, the verdict unavailable.
      const shop = (await failing.summaries()).find((a) => a.id === "shop");
      expect(shop?.error).toBeNull();
      expect(shop?.configuredGreenPercent).toBe(before.snapshot.state.configured.greenPercent);
      expect(shop?.greenVerdict?.status).toBe("unavailable");
    } finally {
      await fetch(`${range.url}/_sim/faults`, { method: "DELETE" });
    }
    // CloudWatch back: the next read has metrics again.
    const back = await createSnapshotService(rt).snapshot("shop", 60);
    expect(back.metricsError).toBeNull();
    expect(back.greenVerdict.status).not.toBe("unavailable");
  });
});
