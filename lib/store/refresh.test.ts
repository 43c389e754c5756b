// The pages' refresh shared by the servers on one database (migration 0007): the Region lease taken
// by one server at a time (two servers racing on PostgreSQL, each with its own pool: one wins), and
// the stored observations, never overwritten by an older read.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATIONS, migrationProvider } from "./migrations";
import { openStore, type Store } from "./store";
import { DIALECTS, openTestStore, rawExec, stopTestCluster, type TestStore } from "@/test/support/store";

const KEY = "test-audit-key-0123456789abcdef-0123456789";
const T0 = Date.parse("2026-03-01T10:00:00.000Z");
const LEASE_MS = 35_000;
const REGION = "us-east-1";

afterAll(async () => {
  await stopTestCluster();
});

describe.each(DIALECTS)("the shared refresh's tables on %s", (dialect) => {
  let t: TestStore;
  let store: Store;

  beforeEach(async () => {
    t = await openTestStore(dialect, { auditKey: Buffer.from(KEY), headSink: null });
    store = t.store;
  });

  afterEach(async () => {
    await t.cleanup();
  });

  it("gives a Region's lease to one server until it lapses; its holder renews it; force takes it", async () => {
    expect(await store.tryTakeRefreshLease(REGION, "server-a", { nowMs: T0, leaseMs: LEASE_MS })).toBe(true);
    expect(await store.tryTakeRefreshLease(REGION, "server-b", { nowMs: T0 + 1_000, leaseMs: LEASE_MS })).toBe(false);
    // Another Region is another lease.
    expect(await store.tryTakeRefreshLease("eu-west-1", "server-b", { nowMs: T0 + 1_000, leaseMs: LEASE_MS })).toBe(true);
    // The holder renews: the lease now runs from its renewal, and says the holder's interval now.
    expect(await store.tryTakeRefreshLease(REGION, "server-a", { nowMs: T0 + 30_000, leaseMs: LEASE_MS, intervalMs: 40_000 })).toBe(true);
    expect(await store.getRefreshLeases([REGION, "eu-west-1", "ap-south-1"])).toEqual(
      expect.arrayContaining([
        { scope: REGION, holder: "server-a", expiresAtMs: T0 + 30_000 + LEASE_MS, intervalMs: 40_000 },
        { scope: "eu-west-1", holder: "server-b", expiresAtMs: T0 + 1_000 + LEASE_MS, intervalMs: null },
      ]),
    );
    expect(await store.getRefreshLeases([REGION, "eu-west-1"])).toHaveLength(2);
    expect(await store.tryTakeRefreshLease(REGION, "server-b", { nowMs: T0 + 30_000 + LEASE_MS - 1, leaseMs: LEASE_MS })).toBe(false);
    // Lapsed: the other server takes it.
    expect(await store.tryTakeRefreshLease(REGION, "server-b", { nowMs: T0 + 30_000 + LEASE_MS, leaseMs: LEASE_MS })).toBe(true);
    expect(await store.tryTakeRefreshLease(REGION, "server-a", { nowMs: T0 + 70_000, leaseMs: LEASE_MS })).toBe(false);
    // Forced (a server waited longer than the holder should have needed): taken whoever holds it.
    expect(await store.tryTakeRefreshLease(REGION, "server-a", { nowMs: T0 + 70_000, leaseMs: LEASE_MS, force: true })).toBe(true);
    expect((await store.getRefreshLeases([REGION]))[0]?.holder).toBe("server-a");
    expect(await store.getRefreshLeases([])).toEqual([]);
  });

  it("keeps the newest read of each application: an older one never overwrites it; a failure keeps the last good read", async () => {
    expect(await store.getObservation("shop")).toBeNull();
    expect(await store.saveObservation("shop", "server-a", T0, { payload: '{"n":1}' }, 30_000)).toBe(true);
    expect(await store.saveObservation("shop", "server-b", T0 + 5_000, { payload: '{"n":2}' }, null)).toBe(true);
    // A slow server's read that began earlier lands late: refused.
    expect(await store.saveObservation("shop", "server-a", T0 + 4_000, { payload: '{"n":0}' }, 30_000)).toBe(false);
    expect(await store.getObservation("shop")).toEqual({
      appId: "shop",
      refreshedAtMs: T0 + 5_000,
      writer: "server-b",
      payload: '{"n":2}',
      error: null,
      // Written by a server that does not hold the lease: the holder's interval stays.
      holderIntervalMs: 30_000,
    });
    // A failed refresh: its text beside the last good read; the next good read clears it.
    expect(await store.saveObservation("shop", "server-a", T0 + 30_000, { error: "AWS did not answer." }, 5_000)).toBe(true);
    expect(await store.getObservation("shop")).toMatchObject({
      refreshedAtMs: T0 + 30_000,
      payload: '{"n":2}',
      error: "AWS did not answer.",
      holderIntervalMs: 5_000,
    });
    expect(await store.saveObservation("shop", "server-a", T0 + 35_000, { payload: '{"n":3}' }, 5_000)).toBe(true);
    expect(await store.getObservation("shop")).toMatchObject({ payload: '{"n":3}', error: null });
    // The first write of an application may be a failure: no read to keep.
    expect(await store.saveObservation("orders", "server-a", T0, { error: "Throttled." }, null)).toBe(true);
    expect(await store.getObservation("orders")).toMatchObject({ payload: null, error: "Throttled.", holderIntervalMs: null });
    expect(await store.getObservationTimes(["shop", "orders", "none"])).toEqual(
      new Map([
        ["shop", T0 + 35_000],
        ["orders", T0],
      ]),
    );
    expect(await store.getObservationTimes([])).toEqual(new Map());
  });

  it("migrates down and up again", async () => {
    const db =
      dialect === "postgres"
        ? new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 2 }) }) })
        : new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: new SqliteDatabase(t.url.slice("file:".length)) }) });
    try {
      const migrator = new Migrator({ db, provider: migrationProvider });
      expect((await migrator.migrateTo("0006_operation_settled")).error).toBeUndefined();
      await expect(rawExec(dialect, t.url, "SELECT * FROM refresh_leases")).rejects.toThrow();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
    } finally {
      await db.destroy();
    }
    expect(await store.tryTakeRefreshLease(REGION, "server-a", { nowMs: T0, leaseMs: LEASE_MS })).toBe(true);
  });
});

describe("two servers on one PostgreSQL database", () => {
  let t: TestStore;
  let other: Store;

  beforeEach(async () => {
    t = await openTestStore("postgres", { auditKey: Buffer.from(KEY), headSink: null });
    other = await openStore(t.url, { auditKey: Buffer.from(KEY), headSink: null });
  });

  afterEach(async () => {
    await other.close();
    await t.cleanup();
  });

  it("50 times asking for a lapsed lease at the same instant: exactly one gets it", async () => {
    const servers = [t.store, other] as const;
    const wins = [0, 0];
    for (let round = 0; round < 50; round++) {
      // Each round the lease has lapsed (or was never taken): both may take it, only one does.
      const now = T0 + round * LEASE_MS;
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      const got = await Promise.all(
        order.map((i) => servers[i === 0 ? 0 : 1].tryTakeRefreshLease(REGION, `server-${i}`, { nowMs: now, leaseMs: LEASE_MS })),
      );
      expect(got.filter(Boolean), `round ${round}`).toHaveLength(1);
      const winner = order[got.indexOf(true)] ?? -1;
      wins[winner] = (wins[winner] ?? 0) + 1;
      expect((await t.store.getRefreshLeases([REGION]))[0]?.holder).toBe(`server-${winner}`);
    }
    expect((wins[0] ?? 0) + (wins[1] ?? 0)).toBe(50);
  });
});

describe("a database from before the shared refresh", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "teal-refresh-upgrade-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("is migrated from before 0007 to the latest with its data kept", async () => {
    const url = `file:${join(dir, "teal.db")}`;
    const db = new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: new SqliteDatabase(url.slice("file:".length)) }) });
    const upTo6 = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < "0007"));
    // 0007 (the shared refresh) and every later migration run on open.
    expect(Object.keys(MIGRATIONS).some((name) => name.startsWith("0007"))).toBe(true);
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => upTo6 } }).migrateToLatest();
    await db.destroy();
    if (error) throw error;
    await rawExec(
      "sqlite",
      url,
      `INSERT INTO locks (app_id, holder, acquired_at, lease_expires_at) VALUES ('shop', 'op-1', '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:10.000Z')`,
    );
    const store = await openStore(url, { auditKey: Buffer.from(KEY), headSink: null });
    try {
      expect(await store.getLock("shop")).toMatchObject({ holder: "op-1" });
      expect(await store.tryTakeRefreshLease(REGION, "server-a", { nowMs: T0, leaseMs: LEASE_MS })).toBe(true);
      expect(await store.saveObservation("shop", "server-a", T0, { payload: "{}" }, 30_000)).toBe(true);
      expect((await store.getObservation("shop"))?.payload).toBe("{}");
    } finally {
      await store.close();
    }
  });

  it("keeps a lease taken before 0011 (no interval said) and takes the holder's interval from its next renewal", async () => {
    const url = `file:${join(dir, "teal.db")}`;
    const db = new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: new SqliteDatabase(url.slice("file:".length)) }) });
    const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < "0011"));
    expect(Object.keys(MIGRATIONS).some((name) => name.startsWith("0011_refresh_lease_interval"))).toBe(true);
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
    await db.destroy();
    if (error) throw error;
    const expires = new Date(T0 + LEASE_MS).toISOString();
    await rawExec("sqlite", url, `INSERT INTO refresh_leases (scope, holder, lease_expires_at) VALUES ('${REGION}', 'server-a', '${expires}')`);
    const store = await openStore(url, { auditKey: Buffer.from(KEY), headSink: null });
    try {
      expect(await store.getRefreshLeases([REGION])).toEqual([{ scope: REGION, holder: "server-a", expiresAtMs: T0 + LEASE_MS, intervalMs: null }]);
      expect(await store.tryTakeRefreshLease(REGION, "server-b", { nowMs: T0 + 1_000, leaseMs: LEASE_MS, intervalMs: 30_000 })).toBe(false);
      expect(await store.tryTakeRefreshLease(REGION, "server-a", { nowMs: T0 + 1_000, leaseMs: LEASE_MS, intervalMs: 52_000 })).toBe(true);
      expect((await store.getRefreshLeases([REGION]))[0]?.intervalMs).toBe(52_000);
    } finally {
      await store.close();
    }
  });
});
