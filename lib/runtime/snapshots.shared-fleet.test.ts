// Two Teal servers on one PostgreSQL database, on a fleet whose reads ask more of the AWS budget
// than it gives: the budget of the lease holder, which does the reads, stretches its idle interval
// (docs/aws-behaviour.md §8.3), while the other server's, which reads nothing, stays at 30 s. At 200
// applications this is what the fleet bench saw with AWS's limits; here a fleet of 28 on the practice
// range with ELBv2's limit told lower gets there within a minute. Both servers run with the runtime's
// own client sets and budget, on the range's hand-driven clock (the budget's clock too), and poll the
// overview every 5 s together. Before the holder's lease followed its interval, the lease lapsed
// between its reads or the other server took it when the holder came later than the other's own
// interval: the lease went back and forth and both servers read the fleet. Counts, not timings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv, parseTealConfig } from "@/lib/config/load";
import { createEngine } from "@/lib/engine/engine";
import type { BudgetClock } from "@/lib/aws/read-budget";
import { openStore, type Store } from "@/lib/store/store";
import { seedDemoWorld } from "@/range/demo/seed";
import { fleetConfigYaml, seedFleet } from "@/range/demo/fleet";
import { startTestRange, type TestRange } from "@/test/support/range";
import { openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";
import { createAwsAccess, type Runtime } from "./runtime";
import { createSnapshotService, type SnapshotService } from "./snapshots";

/** The demo world's 8 applications and 20 generated ones: two idle groups (IDLE_GROUP_APPS). */
const FLEET = 20;
const config = parseTealConfig(fleetConfigYaml(FLEET), "fleet.config.yaml");
const APPS = config.applications.map((a) => a.id);
const REGION = "us-east-1";
const IDLE_MS = 30_000;
const ROUND_MS = 5_000;
/** 140 s on the range's clock: the holder's interval stretches after its first cycle; before the lease followed it, the lease changed hands within a minute after that. */
const ROUNDS = 28;
/**
 * ELBv2's limit told to Teal: 1 request a second (its budget half of that) instead of AWS's 10, so
 * that this fleet's idle reads ask for more than the budget gives, as 200 applications' did.
 */
const LIMITS = "elbv2=1/1000";

let range: TestRange;
let db: TestStore;
const extraStores: Store[] = [];

/** The budget's timers on the range's clock: due ones run after each tick. */
const timers = new Set<{ at: number; fn: () => void }>();
const clock: BudgetClock = {
  now: () => range.nowMs(),
  setTimer: (fn, ms) => {
    const timer = { at: range.nowMs() + ms, fn };
    timers.add(timer);
    return timer;
  },
  clearTimer: (handle) => {
    for (const t of timers) if (t === handle) timers.delete(t);
  },
};
function tick(ms: number): void {
  range.tick(ms);
  for (const t of [...timers]) {
    if (t.at > range.nowMs()) continue;
    timers.delete(t);
    t.fn();
  }
}

interface Server {
  rt: Runtime;
  service: SnapshotService;
}

/** One Teal server: its own pool on the database, the runtime's client sets and AWS budget, the production cadence. */
function server(store: Store): Server {
  const env = parseEnv({
    AWS_ENDPOINT_URL: range.url,
    TEAL_REFRESH_MS: "5000",
    TEAL_IDLE_REFRESH_MS: String(IDLE_MS),
    TEAL_READ_BUDGET_LIMITS: LIMITS,
  });
  const apps = new Map(config.applications.map((a) => [a.id, a]));
  const access = createAwsAccess(env, { clock });
  const rt: Runtime = { env, config, store, engine: createEngine({ store, gateway: access.gateway }), ...access, app: (id) => apps.get(id) };
  return { rt, service: createSnapshotService(rt, { now: () => range.nowMs(), metricsNow: () => range.nowMs() }) };
}

beforeAll(async () => {
  range = await startTestRange({}, Date.now() - 240_000);
  await seedDemoWorld(range.url);
  // The fleet's records go into the zone the demo world's seed changed: that change ends first.
  range.tick(120_000);
  await seedFleet(range.url, FLEET);
  for (let i = 0; i < 24; i++) {
    range.tick(10_000);
    await fetch(`${range.url}/_sim/health`);
  }
  db = await openTestStore("postgres");
}, 120_000);

afterAll(async () => {
  for (const s of extraStores) await s.close().catch(() => undefined);
  await db?.cleanup().catch(() => undefined);
  await stopTestCluster();
  await range?.close();
});

describe("two servers on one PostgreSQL database, the holder's idle interval stretched by its budget", () => {
  it("read each application once per holder window, from the holder alone, and the lease never changes hands", async () => {
    const other = await openStore(db.url);
    extraStores.push(other);
    const list = [server(db.store), server(other)];
    const holders: string[] = [];
    /** Each application's stored reads: when each began (the writer's clock) and which server made it. */
    const reads = new Map<string, { at: number; writer: string }[]>();
    const intervals = new Set<number>();
    // The overview of both servers polled every 5 s.
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(list.map((s) => s.service.summaries()));
      const [lease] = await db.store.getRefreshLeases([REGION]);
      if (lease && lease.holder !== holders.at(-1)) holders.push(lease.holder);
      for (const id of APPS) {
        const stored = await db.store.getObservation(id);
        const seen = reads.get(id) ?? [];
        if (stored && seen.at(-1)?.at !== stored.refreshedAtMs) seen.push({ at: stored.refreshedAtMs, writer: stored.writer });
        reads.set(id, seen);
      }
      for (const s of list) intervals.add(s.service.refreshMs(APPS[0] ?? ""));
      tick(ROUND_MS);
    }
    const loads = list.map((s) => s.service.loads());
    const all = [...reads.values()].flat();
    console.info(
      `[shared refresh, stretched] ${APPS.length} applications, ${(ROUNDS * ROUND_MS) / 1000} s: reads from AWS ${loads.join(" and ")}, ` +
        `idle intervals seen ${[...intervals].sort((x, y) => x - y).join(", ")} ms, lease holders in turn ${holders.length}`,
    );
    // The holder's budget stretched its interval to at least twice the configured one (the other's stayed).
    expect(Math.max(...intervals)).toBeGreaterThanOrEqual(2 * IDLE_MS);
    expect(intervals.has(IDLE_MS)).toBe(true);
    // One server held the Region's lease throughout, and read every application; the other read none.
    expect(holders, "the lease never changed hands").toHaveLength(1);
    expect(
      loads.filter((n) => n === 0),
      "one server reads nothing from AWS",
    ).toHaveLength(1);
    expect(new Set(all.map((r) => r.writer))).toEqual(new Set(holders));
    // Every read it made was stored and seen on its own (no application read twice between two
    // polls), and none more often than once a configured window.
    expect(all).toHaveLength(Math.max(...loads));
    for (const [id, seen] of reads) expect(seen.length, id).toBeLessThanOrEqual((ROUNDS * ROUND_MS) / IDLE_MS + 1);
  }, 120_000);
});
