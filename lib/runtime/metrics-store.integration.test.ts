// The pages' CloudWatch reads through the Region's held series (lib/metrics/series-store.ts),
// against the practice range over HTTP with the real SDK client: each series read once per
// period and only its new periods, every application's due series in one GetMetricData call, the
// overview reading only the series it shows, and what the pages get unchanged. The range's clock
// is driven, and the held series follow it: counts are exact, not timings.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testRuntime } from "@/test/support/runtime";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { getMetricData, type MetricQuery } from "@/lib/aws/cloudwatch";
import { loadTealConfig } from "@/lib/config/load";
import type { AppConfig } from "@/lib/config/schema";
import { thresholdJudge, GREEN_WINDOW_MINUTES, type GreenVerdict } from "@/lib/domain/green-verdict";
import { greenJudgeInput, trafficOf } from "@/lib/metrics/green-window";
import { createSeriesStore, MAX_QUERIES_PER_CALL, type MetricReader } from "@/lib/metrics/series-store";
import { metricPlanFor, observeWithPattern, type MetricPlan } from "@/lib/patterns/registry";
import { openStore, type Store } from "@/lib/store/store";
import { WALL_ERROR_MINUTES, wallErrorRates } from "@/lib/wall/errors";
import { seedDemoWorld } from "@/range/demo/seed";
import { startTestRange, type TestRange } from "@/test/support/range";
import { ChangeResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { listRecordSets, resolveHostedZoneId } from "@/lib/aws/route53";
import { observeApp, OBSERVED_WINDOW_MINUTES, overviewPlan } from "./observe";
import type { Runtime } from "./runtime";
import { createSnapshotService } from "./snapshots";

const MIN = 60_000;
let range: TestRange;
let store: Store;
let rt: Runtime;
let clients: AwsClients;
let dir: string;
let plans: { app: AppConfig; plan: MetricPlan }[];
/** Metric queries sent in GetMetricData requests, counted on the wire by the client. */
let queriesSent = 0;

/** GetMetricData requests the range answered since it started. */
function metricCalls(): number {
  return range.stats.services.cloudwatch?.operations.GetMetricData?.count ?? 0;
}

/** Moves the range's clock by `ms` with its world following (traffic, metrics), 10 s at a time. */
async function advance(ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 10_000) {
    range.tick(Math.min(10_000, left));
    await fetch(`${range.url}/_sim/health`);
  }
}

/** Into the next minute, `secondsIn` seconds past it. */
async function toNextMinute(secondsIn = 5): Promise<void> {
  const now = range.nowMs();
  await advance(Math.floor(now / MIN) * MIN + MIN + secondsIn * 1000 - now);
}

const reader: MetricReader = (queries, start, end) => getMetricData(clients.cloudwatch, queries, start, end);

/** A fresh full read of a plan's queries, as Teal read before: the points of each returned id. */
async function freshRead(plan: MetricPlan, startMs: number, endMs: number): Promise<Map<string, { t: number; v: number }[]>> {
  const { results } = await getMetricData(clients.cloudwatch, plan.queries, new Date(startMs), new Date(endMs));
  return new Map(results.map((r) => [r.id, r.points]));
}

/**
 * What the overview reads of a plan now, with the application's traffic taken from a fresh read of
 * its request counts straight from CloudWatch (not from the held series).
 */
async function overviewPlanNow(plan: MetricPlan): Promise<MetricPlan> {
  if (!plan.requests) return overviewPlan(plan);
  const endMs = Math.floor(range.nowMs() / MIN) * MIN;
  const points = await freshRead(overviewPlan(plan), endMs - 60 * MIN, endMs);
  const requests = { blue: points.get(plan.requests.blue) ?? [], green: points.get(plan.requests.green) ?? [] };
  return overviewPlan(plan, trafficOf(requests, endMs, WALL_ERROR_MINUTES));
}

/** The metrics the overview reads per minute for every application. */
async function overviewQueriesNow(): Promise<number> {
  let n = 0;
  for (const { plan } of plans) n += (await overviewPlanNow(plan)).queries.length;
  return n;
}

/** Shop's DNS weights set straight on Route 53, as another tool would. */
async function setShopWeights(blue: number, green: number): Promise<void> {
  const zone = await resolveHostedZoneId(clients.route53, "example.com.");
  const records = await listRecordSets(clients.route53, zone, "shop.example.com.", "CNAME");
  const Changes = records.map((r) => ({
    Action: "UPSERT" as const,
    ResourceRecordSet: {
      Name: r.name,
      Type: "CNAME" as const,
      SetIdentifier: r.setIdentifier ?? undefined,
      Weight: r.setIdentifier === "green" ? green : blue,
      TTL: r.ttl ?? 60,
      ResourceRecords: r.values.map((Value) => ({ Value })),
    },
  }));
  await clients.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone, ChangeBatch: { Changes } }));
}

/**
 * A verdict as the overview's reads give it: while green has no requests in the verdict's window,
 * nothing is judged and blue's latency is not read (lib/metrics/green-window.ts, `trafficReads`).
 */
function judged(verdict: GreenVerdict | undefined): GreenVerdict | undefined {
  if (!verdict?.blue || !verdict.green || verdict.green.requests > 0) return verdict;
  return { ...verdict, blue: { ...verdict.blue, p99Ms: null, meanMs: null } };
}

beforeAll(async () => {
  range = await startTestRange({}, Date.UTC(2026, 0, 1, 12, 0, 30));
  await seedDemoWorld(range.url);
  await advance(12 * MIN);
  dir = mkdtempSync(path.join(os.tmpdir(), "teal-series-"));
  store = await openStore(`file:${path.join(dir, "teal.db")}`);
  clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  clients.cloudwatch.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { MetricDataQueries?: unknown[] };
      queriesSent += input.MetricDataQueries?.length ?? 0;
      return next(args);
    },
    { step: "initialize", name: "countMetricQueries" },
  );
  const config = loadTealConfig("teal.config.yaml");
  rt = testRuntime({ config, store, clients });
  plans = [];
  for (const app of config.applications) {
    const state = await observeWithPattern(clients, app, {});
    plans.push({ app, plan: metricPlanFor(app, state, 60) });
  }
  expect(
    plans.some((p) => p.plan.queries.some((q) => "expression" in q)),
    "the demo world has an expression (launch-swap's instance CPU)",
  ).toBe(true);
}, 120_000);

afterAll(async () => {
  await store?.close();
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the held series of a Region", () => {
  it("read every application's series in one call, then only the new periods, and equal a fresh full read", async () => {
    const series = createSeriesStore({ read: reader, now: () => range.nowMs(), keepMs: 10 * MIN });
    const all = () => Promise.all(plans.map(({ plan }) => series.read(plan.queries, 60, 60)));

    // First read: everything at once (the reads start together, so one call may take in all; at most one per application).
    await toNextMinute();
    let calls = metricCalls();
    await all();
    expect(metricCalls() - calls).toBeLessThanOrEqual(plans.length);

    for (let round = 0; round < 3; round++) {
      await toNextMinute();
      calls = metricCalls();
      const reads = await all();
      expect(metricCalls() - calls, "one call for every application's new minute").toBe(1);
      // The same points as a fresh read of each plan over the hour.
      for (const [i, { plan }] of plans.entries()) {
        const read = reads[i];
        if (!read) throw new Error("no read");
        const fresh = await freshRead(plan, read.startMs, read.endMs);
        for (const s of plan.series) expect(read.points.get(s.id) ?? [], `${plans[i]?.app.id} ${s.id}`).toEqual(fresh.get(s.id) ?? []);
      }
    }

    // Later in the same minute: nothing new has ended, nothing is asked.
    await advance(30_000);
    calls = metricCalls();
    await all();
    expect(metricCalls() - calls).toBe(0);
  });

  it("shows a period's point once the period has ended, not before", async () => {
    const shop = plans.find((p) => p.app.id === "shop");
    const requests = shop?.plan.requests?.blue;
    if (!shop || !requests) throw new Error("shop has per-colour requests");
    const series = createSeriesStore({ read: reader, now: () => range.nowMs(), keepMs: 10 * MIN });
    await toNextMinute(20);
    const minute = Math.floor(range.nowMs() / MIN) * MIN;
    const before = await series.read(shop.plan.queries, 60, 60);
    expect(before.endMs).toBe(minute);
    expect(
      (before.points.get(requests) ?? []).some((p) => p.t === minute),
      "the minute still filling is not shown",
    ).toBe(false);

    await toNextMinute();
    const after = await series.read(shop.plan.queries, 60, 60);
    const point = (after.points.get(requests) ?? []).find((p) => p.t === minute);
    expect(point?.v, "the ended minute's requests").toBeGreaterThan(0);
    const fresh = await freshRead(shop.plan, after.startMs, after.endMs);
    expect(point).toEqual(fresh.get(requests)?.find((p) => p.t === minute));
  });

  it("asks for the configured number of last periods again with each new one", async () => {
    // What each call asks, seen on the wire: with 2 periods read again, a new minute asks 3 of them.
    const windows: number[] = [];
    const series = createSeriesStore({
      read: (q, start, end) => {
        windows.push(end.getTime() - start.getTime());
        return reader(q, start, end);
      },
      now: () => range.nowMs(),
      keepMs: 10 * MIN,
      rereadPeriods: 2,
    });
    const shop = plans.find((p) => p.app.id === "shop");
    if (!shop) throw new Error("no shop");
    await toNextMinute();
    await series.read(shop.plan.queries, 60, 60);
    await toNextMinute();
    await series.read(shop.plan.queries, 60, 60);
    expect(windows).toEqual([60 * MIN, 3 * MIN]);
  });

  it("keeps what it holds when CloudWatch fails, and asks again at the next read", async () => {
    const shop = plans.find((p) => p.app.id === "shop");
    if (!shop) throw new Error("no shop");
    const series = createSeriesStore({ read: reader, now: () => range.nowMs(), keepMs: 10 * MIN });
    await toNextMinute();
    const first = await series.read(shop.plan.queries, 60, 60);
    await toNextMinute();
    const rule = { rules: [{ service: "cloudwatch", operation: "GetMetricData", errorRate: 1 }] };
    expect((await fetch(`${range.url}/_sim/faults`, { method: "POST", body: JSON.stringify(rule) })).ok).toBe(true);
    try {
      await expect(series.read(shop.plan.queries, 60, 60)).rejects.toThrow();
    } finally {
      await fetch(`${range.url}/_sim/faults`, { method: "DELETE" });
    }
    // The failed minute was not taken as read: the same minute is asked again, and the points are whole.
    const calls = metricCalls();
    const again = await series.read(shop.plan.queries, 60, 60);
    expect(metricCalls() - calls).toBe(1);
    expect(again.endMs).toBe(first.endMs + MIN);
    const fresh = await freshRead(shop.plan, again.startMs, again.endMs);
    for (const s of shop.plan.series) expect(again.points.get(s.id) ?? []).toEqual(fresh.get(s.id) ?? []);
  });

  it("packs more than 500 queries into calls of at most 500, with ids unique across callers, and follows NextToken pages", async () => {
    const shop = plans.find((p) => p.app.id === "shop");
    const base = shop?.plan.queries.find((q): q is MetricQuery => !("expression" in q) && q.stat === "p99");
    if (!base) throw new Error("shop has a p99 latency query");
    // 600 distinct series (percentiles of one latency metric), asked by two callers that both use ids q0…
    const variants = Array.from({ length: 600 }, (_, i) => ({ ...base, id: `q${i % 300}`, stat: `p${((i + 1) / 10).toFixed(1)}` }));
    const sizes: number[] = [];
    let pages = 0;
    const series = createSeriesStore({
      read: async (q, start, end) => {
        sizes.push(q.length);
        expect(new Set(q.map((x) => x.id)).size).toBe(q.length);
        const answer = await getMetricData(clients.cloudwatch, q, start, end, { maxDatapoints: 1_000 });
        pages += answer.requests;
        return answer;
      },
      now: () => range.nowMs(),
      keepMs: 10 * MIN,
    });
    await toNextMinute();
    const [first, second] = await Promise.all([series.read(variants.slice(0, 300), 60, 60), series.read(variants.slice(300), 60, 60)]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_QUERIES_PER_CALL);
    expect(sizes.reduce((a, n) => a + n, 0)).toBe(600);
    expect(pages, "more than 1,000 datapoints per call come in pages").toBeGreaterThan(sizes.length);
    expect(series.stats().calls).toBe(pages);
    if (!first || !second) throw new Error("no reads");
    // Each caller gets its own series under its own ids: compare some with a direct read.
    for (const [read, part] of [
      [first, variants.slice(0, 300)],
      [second, variants.slice(300)],
    ] as const) {
      const sample = [part[0], part[150], part[299]].filter((q) => q !== undefined);
      const { results } = await getMetricData(clients.cloudwatch, sample, new Date(read.startMs), new Date(read.endMs));
      for (const r of results) {
        expect(r.points.length).toBeGreaterThan(0);
        expect(read.points.get(r.id)).toEqual(r.points);
      }
    }
  });
});

describe("the snapshot service's metric reads", () => {
  /** The overview polled every 5 s for `minutes` minutes; what reached the range. */
  async function overview(service: ReturnType<typeof createSnapshotService>, minutes: number): Promise<{ calls: number; queries: number }> {
    const calls = metricCalls();
    const queries = queriesSent;
    for (let i = 0; i < minutes * 12; i++) {
      await service.summaries();
      await advance(5_000);
    }
    return { calls: metricCalls() - calls, queries: queriesSent - queries };
  }

  it("costs one GetMetricData call a minute for the whole overview, and only the overview's series (before/after)", async () => {
    const apps = rt.config.applications.length;
    const minutes = 5;
    await toNextMinute(0);

    // Before: every application read its whole hour of every chart series at each idle refresh (30 s).
    let calls = metricCalls();
    let queries = queriesSent;
    for (let i = 0; i < minutes * 2; i++) {
      for (const app of rt.config.applications) await observeApp(rt, app, { page: true, nowMs: range.nowMs() });
      await advance(30_000);
    }
    const before = { calls: metricCalls() - calls, queries: queriesSent - queries };
    expect(before.calls).toBe(apps * minutes * 2);

    // After: the held series, overview only.
    const service = createSnapshotService(rt, { now: () => range.nowMs(), metricsNow: () => range.nowMs() });
    await overview(service, 1); // the first read of every series (the whole hour)
    calls = metricCalls();
    queries = queriesSent;
    const after = await overview(service, minutes);
    expect(after.calls, "one call per minute for all applications").toBe(minutes);
    const overviewQueries = await overviewQueriesNow();
    expect(after.queries, "each minute, only the overview's series its traffic needs").toBe(minutes * overviewQueries);
    expect(service.metricReads().calls - (metricCalls() - calls - after.calls)).toBeGreaterThan(0);
    expect(overviewQueries).toBeLessThan(plans.reduce((n, { plan }) => n + overviewPlan(plan).queries.length, 0));

    const perAppMinute = (q: number) => q / apps / minutes;
    const monthly = (q: number) => perAppMinute(q) * 60 * 24 * 30 * (0.01 / 1000);
    console.info(
      `[metrics] overview of ${apps} applications, per minute: before ${(before.calls / minutes).toFixed(1)} GetMetricData calls, ` +
        `${perAppMinute(before.queries).toFixed(1)} metrics per application ($${monthly(before.queries).toFixed(2)} per application per month); ` +
        `after ${(after.calls / minutes).toFixed(1)} calls, ${perAppMinute(after.queries).toFixed(1)} metrics per application ($${monthly(after.queries).toFixed(2)} per month)`,
    );
    expect(after.queries * 4).toBeLessThan(before.queries);
  }, 120_000);

  it("adds an open page's chart series once a minute, not once per fast refresh (before/after)", async () => {
    const apps = rt.config.applications.length;
    const minutes = 2;
    const shop = plans.find((p) => p.app.id === "shop");
    const shopApp = rt.app("shop");
    if (!shop || !shopApp) throw new Error("no shop");
    await toNextMinute(0);

    // Before: shop's page read its whole hour every 5 s, the others every 30 s.
    let calls = metricCalls();
    let queries = queriesSent;
    for (let i = 0; i < minutes * 12; i++) {
      const apps = i % 6 === 0 ? rt.config.applications : [shopApp];
      for (const app of apps) await observeApp(rt, app, { page: true, nowMs: range.nowMs() });
      await advance(5_000);
    }
    const before = { calls: metricCalls() - calls, queries: queriesSent - queries };

    // After: the overview with shop's page open; the first minute reads shop's charts for the first time.
    const clock = () => range.nowMs();
    const service = createSnapshotService(rt, { now: clock, metricsNow: clock });
    const round = async () => {
      service.watch("shop");
      await Promise.all([service.summaries(), service.lastGood("shop", 60)]);
      await advance(5_000);
    };
    for (let i = 0; i < 12; i++) await round();
    calls = metricCalls();
    queries = queriesSent;
    for (let i = 0; i < minutes * 12; i++) await round();
    const after = { calls: metricCalls() - calls, queries: queriesSent - queries };
    const overviewQueries = await overviewQueriesNow();
    const shopOverview = (await overviewPlanNow(shop.plan)).queries.length;
    expect(after.calls).toBe(minutes);
    expect(after.queries).toBe(minutes * (overviewQueries - shopOverview + shop.plan.queries.length));
    const monthly = (q: number) => (q / minutes) * 60 * 24 * 30 * (0.01 / 1000);
    console.info(
      `[metrics] shop's page open beside the overview of ${apps} applications, per minute: before ${(before.calls / minutes).toFixed(1)} calls, ` +
        `${(before.queries / minutes).toFixed(1)} metrics ($${monthly(before.queries).toFixed(2)} a month for all); after ${(after.calls / minutes).toFixed(1)} calls, ` +
        `${(after.queries / minutes).toFixed(1)} metrics ($${monthly(after.queries).toFixed(2)} a month)`,
    );
    expect(after.queries * 4).toBeLessThan(before.queries);
  }, 120_000);

  it("reads an application's series whole again after an operation changed it, and nothing before a new minute otherwise", async () => {
    await toNextMinute();
    const clock = () => range.nowMs();
    const service = createSnapshotService(rt, { now: clock, metricsNow: clock });
    service.watch("shop");
    await service.snapshot("shop", 60);
    // The next refresh window, the same minute: the state is read again, CloudWatch is not.
    await advance(5_000);
    service.watch("shop");
    let calls = metricCalls();
    await service.snapshot("shop", 60);
    expect(metricCalls() - calls).toBe(0);
    // An operation moved shop's traffic: its whole hour is asked again (late minutes are not left out).
    service.invalidate("shop");
    calls = metricCalls();
    const queries = queriesSent;
    const windows = service.metricReads().calls;
    await service.snapshot("shop", 60);
    expect(metricCalls() - calls).toBe(1);
    expect(service.metricReads().calls - windows).toBe(1);
    const shop = plans.find((p) => p.app.id === "shop");
    expect(queriesSent - queries).toBe(shop?.plan.queries.length);
  });

  it("reads a colour's 5xx only while it carries requests and latency only while green can be judged, and judges as a fresh read does", async () => {
    const shop = plans.find((p) => p.app.id === "shop");
    if (!shop?.plan.requests) throw new Error("shop has per-colour requests");
    const judge = thresholdJudge(rt.config.greenJudge);
    const clock = () => range.nowMs();
    const service = createSnapshotService(rt, { now: clock, metricsNow: clock });
    const shopQueries = () => overviewPlanNow(shop.plan);
    const agree = async () => {
      const summary = (await service.summaries()).find((s) => s.id === "shop");
      const fresh = await observeApp(rt, shop.app, { page: true, nowMs: range.nowMs() });
      expect(summary?.greenVerdict).toEqual(judged(judge.judge(greenJudgeInput(fresh.recent.series, fresh.recent.endMs, GREEN_WINDOW_MINUTES))));
      const { snapshot } = await service.lastGood("shop");
      expect(wallErrorRates(snapshot.metrics.series, Date.parse(snapshot.generatedAt))).toEqual(wallErrorRates(fresh.recent.series, fresh.readAt));
      return summary;
    };
    try {
      // All on blue: both request counts and blue's 5xx, three metrics of eight.
      await toNextMinute();
      await agree();
      const quiet = await shopQueries();
      expect(quiet.queries.length).toBe(3);
      expect(overviewPlan(shop.plan).queries.length).toBe(8);
      // Half on green: within a minute green carries requests and its 5xx and both latencies are read too.
      await setShopWeights(50, 50);
      for (let minute = 0; minute < GREEN_WINDOW_MINUTES + 1; minute++) {
        await toNextMinute();
        await agree();
      }
      expect((await shopQueries()).queries.length).toBe(8);
      const split = await agree();
      expect(["ok", "failing", "slower"], "green judged against blue on the split").toContain(split?.greenVerdict?.status);
    } finally {
      await setShopWeights(100, 0);
    }
  }, 120_000);

  it("gives the pages the same observation, verdict, wall errors and charts as a fresh read of the same data", async () => {
    await toNextMinute();
    const clock = () => range.nowMs();
    const service = createSnapshotService(rt, { now: clock, metricsNow: clock });
    const judge = thresholdJudge(rt.config.greenJudge);
    // Shop's page open: its observation carries the full charts; the others only the overview's series.
    service.watch("shop");
    const summaries = await service.summaries();
    for (const app of rt.config.applications) {
      // The fresh read, as every refresh did before, at the same range time.
      const fresh = await observeApp(rt, app, { page: true, nowMs: range.nowMs() });
      const summary = summaries.find((s) => s.id === app.id);
      expect(summary?.observedGreenPercent, app.id).toBe(fresh.state.observed.greenPercent);
      expect(summary?.greenVerdict, app.id).toEqual(
        judged(judge.judge(greenJudgeInput(fresh.recent.series, fresh.recent.endMs, GREEN_WINDOW_MINUTES))),
      );
      const { snapshot } = await service.lastGood(app.id);
      expect(snapshot.state.observed, app.id).toEqual(fresh.state.observed);
      if (fresh.state.observed.windowMinutes !== undefined) expect(snapshot.state.observed.windowMinutes).toBe(OBSERVED_WINDOW_MINUTES);
      expect(wallErrorRates(snapshot.metrics.series, Date.parse(snapshot.generatedAt)), app.id).toEqual(
        wallErrorRates(fresh.recent.series, fresh.readAt),
      );
      if (app.id === "shop") expect(snapshot.metrics.series, "the open page's charts").toEqual(fresh.recent.series);
    }
    // A page opened on an application read for the overview alone: its charts are read at once, whole.
    const orders = rt.app("orders-service");
    if (!orders) throw new Error("no orders-service");
    service.watch("orders-service");
    const { snapshot } = await service.lastGood("orders-service", 60);
    const fresh = await observeApp(rt, orders, { page: true, nowMs: range.nowMs() });
    expect(snapshot.metrics.series).toEqual(fresh.recent.series);
    expect(snapshot.metrics.series.some((s) => s.metric === "CPUUtilization" && s.points.length > 0)).toBe(true);
  }, 120_000);
});
