// Several Teal servers on one PostgreSQL database cost what one costs: the holder of the Region's
// refresh lease reads the applications from AWS and stores each read; the other server serves the
// stored read. Two snapshot services ("servers": each its own store pool and its own SDK clients)
// poll the overview of the practice range's demo world together, over HTTP, on one hand-driven clock
// (the range's): the range receives one refresh per application per window, as with one server (AWS
// requests within 5 % of one server's, against 2× without the lease), and
// both answer the same snapshots. The holder stops: the other takes over within one window. SQLite
// keeps one server's behaviour (nothing stored). Counts, not timings.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testRuntime } from "@/test/support/runtime";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { loadTealConfig } from "@/lib/config/load";
import { openStore, type Store } from "@/lib/store/store";
import { resetStats } from "@/range/control/stats";
import { seedDemoWorld } from "@/range/demo/seed";
import { startTestRange, type TestRange } from "@/test/support/range";
import { openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";
import type { AppSummary } from "@/lib/domain/snapshot";
import type { Runtime } from "./runtime";
import { createSnapshotService, type SnapshotService } from "./snapshots";

const config = loadTealConfig("teal.config.yaml");
const APPS = config.applications.map((a) => a.id);
const REGION = "us-east-1";
const IDLE_MS = 30_000;
const ROUND_MS = 5_000;
const ROUNDS_PER_WINDOW = IDLE_MS / ROUND_MS;
/** TEAL_SHARED_TEST_BATCH_MS=5 measures with the pages' reads merged as the server merges them (by hand: the counts then vary by a few %). */
const batching = process.env.TEAL_SHARED_TEST_BATCH_MS ? { batchWindowMs: Number(process.env.TEAL_SHARED_TEST_BATCH_MS) } : {};

let range: TestRange;
const opened: TestStore[] = [];
const extraStores: Store[] = [];

/** One Teal server: its own store pool on the database and its own SDK clients (warm: the hosted zone's id is known). */
interface Server {
  rt: Runtime;
  service: SnapshotService;
}

async function server(store: Store, opts: { sharedRefresh?: boolean } = {}, idleMs = IDLE_MS): Promise<Server> {
  // Counts, not timings: a loaded machine (the browser worlds run beside this suite) may take more
  // than the SDK's 3 s to connect to the range in this process, and one attempt would fail the round.
  const patience = { connectionTimeoutMs: 15_000 };
  const alone: AwsClients = createClients({ region: REGION, endpoint: range.url, maxAttempts: 1, ...patience });
  // Page reads not merged across applications here: how many reads fall into one batch window
  // varies from run to run (for one server as for two), and the counts are to show the refreshes
  // alone. BENCHMARKS.md gives the same runs with the server's 5 ms batching.
  const pages: AwsClients = createClients({ region: REGION, endpoint: range.url, maxAttempts: 1, ...patience, ...batching });
  const rt: Runtime = testRuntime({ config, store, clients: alone, pages, env: { TEAL_REFRESH_MS: "5000", TEAL_IDLE_REFRESH_MS: String(idleMs) } });
  // Warm the clients' caches (hosted zone id, immutable things) outside the counts, storing nothing.
  await createSnapshotService(rt, { sharedRefresh: false }).summaries();
  // Windows on the clock's multiples (no spread), so that each window's reads can be counted.
  const service = createSnapshotService(rt, { now: () => range.nowMs(), metricsNow: () => range.nowMs(), spreadIdleReads: false, ...opts });
  return { rt, service };
}

/** A fresh PostgreSQL database and `n` servers on it, each with its own pool. */
async function servers(n: number, opts: { sharedRefresh?: boolean } = {}): Promise<{ db: Store; list: Server[] }> {
  const t = await openTestStore("postgres");
  opened.push(t);
  const list: Server[] = [await server(t.store, opts)];
  for (let i = 1; i < n; i++) {
    const store = await openStore(t.url);
    extraStores.push(store);
    list.push(await server(store, opts));
  }
  return { db: t.store, list };
}

/** Moves the range's clock (every server's clock) to 1 s into the next whole minute: the runs see the same windows. */
function alignToMinute(): void {
  range.tick(60_000 - (range.nowMs() % 60_000) + 1_000);
}

const withoutAge = (list: AppSummary[]) => list.map(({ dataAgeMs: _age, ...rest }) => rest);

/**
 * Every server polls the overview every 5 s, together, for `rounds`; `each` runs after each round.
 * Returns the AWS requests the range received.
 */
async function overview(list: readonly Server[], rounds: number, each?: (round: number) => Promise<void>): Promise<number> {
  resetStats(range.stats, range.nowMs());
  for (let round = 0; round < rounds; round++) {
    const answers = await Promise.all(list.map((s) => s.service.summaries()));
    for (const answer of answers) expect(answer.map((a) => a.error)).toEqual(APPS.map(() => null));
    await each?.(round);
    range.tick(ROUND_MS);
  }
  return range.stats.total;
}

beforeAll(async () => {
  // The range's clock four minutes behind the real one, then moved up to it with traffic flowing.
  range = await startTestRange({}, Date.now() - 240_000);
  await seedDemoWorld(range.url);
  for (let i = 0; i < 24; i++) {
    range.tick(10_000);
    await fetch(`${range.url}/_sim/health`);
  }
}, 120_000);

afterAll(async () => {
  for (const s of extraStores) await s.close().catch(() => undefined);
  for (const t of opened) await t.cleanup().catch(() => undefined);
  await stopTestCluster();
  await range?.close();
});

describe("two servers on one PostgreSQL database", () => {
  it("make one refresh per application per window, as one server does, and answer the same snapshots", async () => {
    const windows = 4;
    // One server alone on its database (the lease is its own).
    const one = await servers(1);
    alignToMinute();
    const alone = await overview(one.list, windows * ROUNDS_PER_WINDOW);
    expect(one.list[0]?.service.loads()).toBe(APPS.length * windows);

    // Two servers sharing a database, polled together.
    const two = await servers(2);
    const [a, b] = two.list;
    if (!a || !b) throw new Error("two servers");
    alignToMinute();
    const together = await overview(two.list, windows * ROUNDS_PER_WINDOW, async (round) => {
      if (round % ROUNDS_PER_WINDOW !== ROUNDS_PER_WINDOW - 1) return;
      // Late in each window: both servers answer every application's page with the same snapshot,
      // one from its own read, the other from the read stored in the database. (Asked again until
      // then: on a busy machine a poll may have answered the last window's read while this one's
      // was still on its way; the clock stands still meanwhile, so nothing more is read.)
      await vi.waitFor(
        async () => {
          for (const id of APPS) {
            const [mine, theirs] = await Promise.all([a.service.lastGood(id), b.service.lastGood(id)]);
            expect(theirs.readError).toBeNull();
            expect(theirs.snapshot, id).toEqual(mine.snapshot);
            expect(JSON.stringify(theirs.snapshot), id).toBe(JSON.stringify(mine.snapshot));
          }
          const [sa, sb] = await Promise.all([a.service.summaries(), b.service.summaries()]);
          expect(withoutAge(sb)).toEqual(withoutAge(sa));
        },
        { timeout: 15_000, interval: 200 },
      );
    });
    // One of them read every application once per window; the other never read AWS.
    expect([a.service.loads(), b.service.loads()].sort((x, y) => x - y)).toEqual([0, APPS.length * windows]);
    const ratio = together / alone;

    // The same two servers without the shared refresh: each reads for itself.
    const apart = await servers(2, { sharedRefresh: false });
    alignToMinute();
    const separate = await overview(apart.list, windows * ROUNDS_PER_WINDOW);
    console.info(
      `[shared refresh] overview, ${APPS.length} applications, ${windows} idle windows: 1 server ${alone} AWS requests, ` +
        `2 servers sharing ${together} (${ratio.toFixed(3)}×), 2 servers apart ${separate} (${(separate / alone).toFixed(3)}×)`,
    );
    expect(ratio).toBeLessThanOrEqual(1.05);
    expect(separate / alone, "without the lease each server reads for itself").toBeGreaterThan(1.9);
  }, 120_000);

  it("follow the holder's idle interval where it is longer (its budget stretched it): the other server reads nothing itself", async () => {
    const t = await openTestStore("postgres");
    opened.push(t);
    // The holder reads every 40 s, as a holder whose budget stretched its 30 s does; the other
    // server's own idle interval is 30 s.
    const holder = await server(t.store, {}, 40_000);
    const other = await openStore(t.url);
    extraStores.push(other);
    const second = await server(other, {}, IDLE_MS);
    alignToMinute();
    await overview([holder], 1);
    const rounds = (3 * 40_000) / ROUND_MS;
    await overview([holder, second], rounds);
    // Three of the holder's windows: every application read by the holder once each (and once
    // before), never by the other, which served the holder's reads at its own 30 s windows.
    // Its summaries say the cadence its data really has: the holder's 40 s, not its own 30 s.
    expect((await second.service.summaries()).map((a) => a.refreshMs)).toEqual(APPS.map(() => 40_000));
    expect(second.service.loads()).toBe(0);
    expect(holder.service.loads()).toBe(APPS.length * 4);
  }, 120_000);

  it("hand the refresh to the other server within one window when the holder stops", async () => {
    const { db, list } = await servers(2);
    alignToMinute();
    // One window together: one of them holds the Region's lease.
    await overview(list, ROUNDS_PER_WINDOW);
    const holder = list.find((s) => s.service.loads() > 0);
    const other = list.find((s) => s.service.loads() === 0);
    if (!holder || !other) throw new Error("one server reads, the other serves its reads");
    const held = holder.service.loads();
    expect(held).toBe(APPS.length);

    // The holder stops (nobody polls it any more: as dead for the others). The next window starts
    // now; its lease, renewed at the start of the last window, lapses one idle interval and one page
    // poll after that renewal: 6 s into this window.
    const windowStart = Math.floor(range.nowMs() / IDLE_MS) * IDLE_MS;
    const readAt: number[] = [];
    await overview([other], 3 * ROUNDS_PER_WINDOW, async (round) => {
      if (round === 1) {
        // The second poll of the window (6 s in): the other server took the lease and read everything.
        await vi.waitFor(() => expect(other.service.loads()).toBe(APPS.length), { timeout: 10_000 });
        for (const id of APPS) readAt.push(Date.parse((await other.service.lastGood(id)).snapshot.generatedAt));
      }
    });
    expect(Math.min(...readAt), "read in the window the holder stopped in").toBeGreaterThanOrEqual(windowStart);
    expect(Math.max(...readAt)).toBeLessThan(windowStart + IDLE_MS);
    // Then one refresh per window, from the other server alone.
    expect(other.service.loads()).toBe(APPS.length * 3);
    expect(holder.service.loads()).toBe(held);
    expect((await db.getObservationTimes(APPS)).size).toBe(APPS.length);
  }, 60_000);

  it("hand the refresh to the other server when the holder reads nothing but a page open on it", async () => {
    const { db, list } = await servers(2);
    alignToMinute();
    await overview(list, ROUNDS_PER_WINDOW);
    const holder = list.find((s) => s.service.loads() > 0);
    const other = list.find((s) => s.service.loads() === 0);
    if (!holder || !other) throw new Error("one server reads, the other serves its reads");
    const [before] = await db.getRefreshLeases([REGION]);
    const loads = [holder.service.loads(), other.service.loads()] as const;
    // From now on the holder shows only shop's page (polled every 5 s), the other server the
    // overview. A page's reads do not renew the lease: it lapses 6 s into the next window (one idle
    // and one fast interval after the holder's last idle read, 1 s into this one), and the other
    // server takes the Region over in that window.
    await overview([other], 3 * ROUNDS_PER_WINDOW, async () => {
      holder.service.watch("shop");
      await holder.service.lastGood("shop");
    });
    const [after] = await db.getRefreshLeases([REGION]);
    expect(after?.holder).not.toBe(before?.holder);
    // Every application once in each of the three windows, from the other server; shop at most
    // once (a window's shop may be served from the old holder's fast read of it).
    const otherReads = other.service.loads() - loads[1];
    expect(otherReads).toBeGreaterThanOrEqual(3 * (APPS.length - 1));
    expect(otherReads).toBeLessThanOrEqual(3 * APPS.length);
    // The old holder read shop alone, at the fast interval (once per 5 s window, give or take the first).
    const shopReads = holder.service.loads() - loads[0];
    expect(shopReads).toBeGreaterThanOrEqual(3 * ROUNDS_PER_WINDOW - 1);
    expect(shopReads).toBeLessThanOrEqual(3 * ROUNDS_PER_WINDOW + 1);
  }, 60_000);

  it("read an application whose page is open on the server without the lease at the fast interval, from that server, once", async () => {
    const { list } = await servers(2);
    alignToMinute();
    await overview(list, ROUNDS_PER_WINDOW);
    const holder = list.find((s) => s.service.loads() > 0);
    const other = list.find((s) => s.service.loads() === 0);
    if (!holder || !other) throw new Error("one server reads, the other serves its reads");
    const before = [holder.service.loads(), other.service.loads()] as const;
    // Shop's page open on the other server for two windows: shop every 5 s, the rest every 30 s.
    await overview(list, 2 * ROUNDS_PER_WINDOW, async () => {
      other.service.watch("shop");
    });
    const reads = holder.service.loads() - before[0] + other.service.loads() - before[1];
    const single = 2 * ROUNDS_PER_WINDOW + 2 * (APPS.length - 1);
    // At a window's start the holder may read shop too, before the other server's read of it is stored.
    expect(reads).toBeGreaterThanOrEqual(single);
    expect(reads).toBeLessThanOrEqual(single + 2);
    expect(other.service.loads() - before[1], "shop, read by the server whose page shows it").toBeGreaterThanOrEqual(2 * ROUNDS_PER_WINDOW - 2);
    expect(other.service.refreshMs("shop")).toBe(5_000);
    expect(holder.service.refreshMs("shop")).toBe(IDLE_MS);

    // An operation on the other server changed shop: its next read is its own, whatever is stored.
    const stored = await other.rt.store.getObservation("shop");
    const loads = other.service.loads();
    other.service.invalidate("shop");
    await other.service.lastGood("shop");
    expect(other.service.loads()).toBe(loads + 1);
    expect((await other.rt.store.getObservation("shop"))?.refreshedAtMs).toBeGreaterThanOrEqual(stored?.refreshedAtMs ?? Infinity);
  }, 60_000);
});

describe("a server whose database does not answer the shared refresh", () => {
  it("reads for itself, as a server alone would", async () => {
    const t = await openTestStore("postgres");
    opened.push(t);
    const lost = () => Promise.reject(new Error("connection terminated"));
    const broken = new Proxy<Store>(t.store, {
      get(target, prop, receiver) {
        if (prop === "getObservation" || prop === "tryTakeRefreshLease" || prop === "saveObservation") return lost;
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const one = await server(broken);
    alignToMinute();
    // Every summary answers without an error (asserted in `overview`), read from AWS by this server.
    await overview([one], ROUNDS_PER_WINDOW);
    expect(one.service.loads()).toBe(APPS.length);
  });
});

describe("one server on SQLite", () => {
  it("reads for itself and stores nothing: the refresh is shared only on PostgreSQL", async () => {
    const t = await openTestStore("sqlite");
    opened.push(t);
    const one = await server(t.store);
    const { service } = one;
    alignToMinute();
    await overview([one], ROUNDS_PER_WINDOW);
    expect(service.loads()).toBe(APPS.length);
    expect(await t.store.getObservationTimes(APPS)).toEqual(new Map());
    expect(await t.store.getRefreshLeases([REGION])).toEqual([]);
  });
});
