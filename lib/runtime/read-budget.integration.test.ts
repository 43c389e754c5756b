// Reads yield to operations: with the practice range throttling as AWS does ("aws" mode, buckets set
// low), the pages read every application of the demo world as fast as they can while a rollback
// runs. The AWS budget keeps the pages' reads within half of each limit and sends every call of the
// rollback at once: the range's own request log shows none of the rollback's calls throttled, and
// the pages' reads throttled not at all (or almost). Real SDK clients over HTTP, the runtime's own
// client sets (`createAwsAccess`), a range on the real clock (token buckets are about real rates).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { budgetDiff, configuredApp, runToEnd } from "@/test/support/budget";
import type { AppConfig } from "@/lib/config/schema";
import { loadTealConfig, parseEnv } from "@/lib/config/load";
import { READ_BUDGET_MESSAGE } from "@/lib/aws/read-budget";
import { createEngine } from "@/lib/engine/engine";
import type { Actor } from "@/lib/domain/operation";
import { openStore, type Store } from "@/lib/store/store";
import { seedDemoWorld } from "@/range/demo/seed";
import { startRange, type RunningRange } from "@/range/protocols/server";
import { resetStats, type RequestRecord } from "@/range/control/stats";
import { observeApp } from "./observe";
import { planIntent } from "./plan-service";
import { createAwsAccess, type Runtime } from "./runtime";
import { createSnapshotService } from "./snapshots";

/** The range's buckets in this test: 10 tokens, 4 per second, for every bucket the pages read from. */
const RANGE_BUCKET = { burst: 10, refillPerSecond: 4 };
const LOW_BUCKETS = ["route53", "elb:describe", "elbv2:describe", "ecs", "autoscaling", "ec2:describe", "cloudwatch:GetMetricData"];
/** Teal told the same limits (rate/burst); its budget is half of them: 2 per second, 5 at once. */
const LIMITS = "route53=4/10,elb=4/10,elbv2=4/10,ecs=4/10,autoscaling=4/10,ec2=4/10,cloudwatch=4/10";

const ACTOR: Actor = { id: "responder", email: "responder@example.com", role: "responder" };

let range: RunningRange;
let offsetMs = 0;
let store: Store;
let rt: Runtime;
let dir: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function simConfig(body: object): Promise<void> {
  const res = await fetch(`${range.url}/_sim/config`, { method: "POST", body: JSON.stringify(body) });
  expect(res.ok, await res.text()).toBe(true);
}

beforeAll(async () => {
  // The real clock (the range's token buckets refill in real time, as the budget's do), which the
  // test can move ahead to let the seeded world settle; world durations compressed 20×.
  range = await startRange({
    port: 0,
    host: "127.0.0.1",
    config: { speed: 20 },
    now: () => Date.now() + offsetMs,
    seed: "budget",
    advanceClock: (ms) => {
      offsetMs += ms;
    },
  });
  await seedDemoWorld(range.url);
  offsetMs += 240_000;
  dir = mkdtempSync(path.join(os.tmpdir(), "teal-budget-"));
  store = await openStore(`file:${path.join(dir, "teal.db")}`);
  const env = parseEnv({
    AWS_ENDPOINT_URL: range.url,
    TEAL_WAIT_SCALE: "0.1",
    TEAL_READ_BUDGET_LIMITS: LIMITS,
    TEAL_READ_BUDGET_WAIT_MS: "1000",
  });
  const config = loadTealConfig("teal.config.yaml");
  const apps = new Map(config.applications.map((a) => [a.id, a]));
  const access = createAwsAccess(env);
  rt = { env, config, store, engine: createEngine({ store, gateway: access.gateway }), ...access, app: (id) => apps.get(id) };
  // Shop with half of its traffic on green, so that there is something to roll back.
  const { result } = await planIntent(rt, configuredApp(rt, "shop"), { kind: "shift", greenPercent: 50 });
  if (!result.ok) throw new Error(result.reason);
  const shift = await rt.engine.start({ plan: result.plan, actor: ACTOR, reason: "canary" });
  expect(await runToEnd(store, shift.operationId)).toBe("succeeded");
}, 60_000);

afterAll(async () => {
  await store?.close();
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the AWS budget", () => {
  it("keeps the pages' reads within half the limits and never holds or throttles a rollback's calls", async () => {
    const budget = rt.readBudget;
    if (!budget) throw new Error("the budget is off");
    await simConfig({ throttling: "aws", throttleBuckets: Object.fromEntries(LOW_BUCKETS.map((b) => [b, RANGE_BUCKET])) });
    resetStats(range.stats, Date.now() + offsetMs);
    const seen = new Map<number, RequestRecord>();
    const collect = () => {
      for (const r of range.stats.requests ?? []) seen.set(r.seq, r);
    };
    const collector = setInterval(collect, 20);
    const before = budget.totals();

    // Two viewers per application, each reading it again 100 ms after the last read ended (or failed).
    let stop = false;
    const reads = { ok: 0, failed: 0 };
    const viewer = async (a: AppConfig) => {
      while (!stop) {
        await observeApp(rt, a, { page: true }).then(
          () => reads.ok++,
          () => reads.failed++,
        );
        await sleep(100);
      }
    };
    const viewers = rt.config.applications.flatMap((a) => [viewer(a), viewer(a)]);
    const started = Date.now();
    let rollbackStatus = "";
    let rollbackMs = 0;
    try {
      // The pages have spent their share and wait in the queue: now the rollback.
      await sleep(1_500);
      const rollbackAt = Date.now();
      const rollback = planIntent(rt, configuredApp(rt, "shop"), { kind: "rollback" }, { patient: true }).then(
        async ({ result }) => {
          if (!result.ok) return `refused: ${result.reason}`;
          const { operationId } = await rt.engine.start({ plan: result.plan, actor: ACTOR, reason: "green is failing", preempt: true });
          return runToEnd(store, operationId);
        },
        (err: unknown) => `not started: ${String(err)}`,
      );
      // Quiet, it took 2.7 s here: 15 s means it was held up.
      rollbackStatus = await Promise.race([rollback, sleep(15_000).then(() => "not ended within 15 s")]);
      rollbackMs = Date.now() - rollbackAt;
      // The pages go on a moment after it.
      await sleep(500);
    } finally {
      stop = true;
      await Promise.all(viewers);
      clearInterval(collector);
      collect();
    }
    const seconds = (Date.now() - started) / 1000;
    const counters = budgetDiff(budget.totals(), before);
    const records = [...seen.values()];
    // The range's log is complete: every request since the reset was seen.
    expect(records.length).toBe(range.stats.total);

    const isOperation = (r: RequestRecord) => /teal\/(plan|poll|patient)/.test(r.userAgent);
    const isPage = (r: RequestRecord) => r.userAgent.includes("teal/page");
    const operation = records.filter(isOperation);
    const pages = records.filter(isPage);
    expect(operation.length + pages.length, "every request comes from one of Teal's client sets").toBe(records.length);
    const count = (rs: RequestRecord[]) =>
      rs.reduce<Record<string, number>>((m, r) => ((m[`${r.service}:${r.operation}`] = (m[`${r.service}:${r.operation}`] ?? 0) + 1), m), {});
    const throttledPages = pages.filter((r) => r.throttled);
    console.info(
      `[budget] ${seconds.toFixed(1)} s: rollback ${rollbackStatus} in ${rollbackMs} ms with ${operation.length} calls ${JSON.stringify(count(operation))}; ` +
        `${pages.length} page requests (${(pages.length / seconds).toFixed(1)}/s), ${throttledPages.length} throttled; observes ${reads.ok} read, ${reads.failed} failed; ` +
        `budget ${JSON.stringify(counters)}; range throttled ${range.stats.throttled} in all`,
    );

    // The rollback ran, and none of its calls was throttled by AWS (the range) …
    expect(rollbackStatus).toBe("succeeded");
    expect(operation.some((r) => r.operation === "ChangeResourceRecordSets" && r.status === 200)).toBe(true);
    expect(operation.filter((r) => r.throttled).map((r) => `${r.service}:${r.operation}`)).toEqual([]);
    // … nor held by the budget: each of its calls was counted as an operation call, sent at once, and
    // some went past page reads that were waiting for their turn.
    expect(counters.debited).toBeGreaterThanOrEqual(operation.length);
    expect(counters.overtook).toBeGreaterThan(0);

    // The pages read as fast as the budget let them: some waited, some were refused (they show their
    // last good data), every page request that reached AWS had its token, and AWS throttled none of
    // them, or almost none.
    expect(counters.queued).toBeGreaterThan(0);
    expect(counters.refused).toBeGreaterThan(0);
    expect(counters.granted + counters.waited).toBeGreaterThanOrEqual(pages.length);
    expect(throttledPages.length).toBeLessThanOrEqual(Math.max(2, pages.length * 0.02));
    // Per service, the pages stayed within the budget: its burst plus its rate over the time.
    const perService = new Map<string, number>();
    for (const r of pages) perService.set(r.service, (perService.get(r.service) ?? 0) + 1);
    for (const [service, n] of perService) expect(n, service).toBeLessThanOrEqual(5 + 2 * seconds + 1);
  }, 30_000);

  it("a page whose read the budget refuses shows its last good data, its age and why", async () => {
    const budget = rt.readBudget;
    if (!budget) throw new Error("the budget is off");
    let t = 1_000_000;
    const service = createSnapshotService(rt, { now: () => t });
    // The pages' budget has recovered from the previous test (a page read takes a few tokens per service).
    await expect.poll(() => budget.buckets().every((b) => b.level() >= 4), { timeout: 10_000, interval: 200 }).toBe(true);
    // Its page is open: its reads wait at most TEAL_READ_BUDGET_WAIT_MS (an idle one may wait an
    // idle interval: lib/aws/read-budget.test.ts).
    service.watch("catalog-api");
    const first = await service.lastGood("catalog-api");
    expect(first.readError).toBeNull();
    // An operation's calls have run the ELBv2 budget deep into debt: the page's next read is
    // refused at once, before anything is sent.
    const elbv2 = budget.bucket("elbv2", "us-east-1");
    while (elbv2.level() > -20) elbv2.debit();
    resetStats(range.stats, Date.now() + offsetMs);
    t += 60_000;
    service.watch("catalog-api");
    const refusedBefore = elbv2.counters.refused;
    const second = await service.lastGood("catalog-api");
    expect(second.readError).toBe(READ_BUDGET_MESSAGE);
    expect(second.snapshot.generatedAt, "the last good read, with its own time").toBe(first.snapshot.generatedAt);
    expect(elbv2.counters.refused).toBeGreaterThan(refusedBefore);
    expect(range.stats.services.elbv2?.count ?? 0, "no ELBv2 request reached AWS").toBe(0);
  });
});
