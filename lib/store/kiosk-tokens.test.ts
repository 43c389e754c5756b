import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/domain/operation";
import { openStore, type DialectName, type Store } from "./store";
import { DIALECTS, openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";

const admin: Actor = { id: "demo:admin", email: "admin@example.com", role: "admin" };
const HASH_A = "a".repeat(64);
const HASH_B = "b".repeat(64);

/** Every value of every kiosk_tokens row, read behind the store's back. */
async function rawTokenRows(dialect: DialectName, url: string): Promise<Record<string, unknown>[]> {
  if (dialect === "sqlite") {
    const { default: SqliteDatabase } = await import("better-sqlite3");
    const db = new SqliteDatabase(url.slice("file:".length), { readonly: true });
    try {
      return db.prepare("select * from kiosk_tokens").all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>("select * from kiosk_tokens")).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await stopTestCluster();
});

describe.each(DIALECTS)("kiosk tokens on %s", (dialect) => {
  let t: TestStore;
  let store: Store;
  let clock: number;

  beforeEach(async () => {
    clock = Date.parse("2025-03-01T10:00:00.000Z");
    t = await openTestStore(dialect, { now: () => clock });
    store = t.store;
  });

  afterEach(async () => {
    await t.cleanup();
  });

  it("creates a token with its label, creator and times, and finds it by hash", async () => {
    const token = await store.createKioskToken({ label: "Ops room TV", tokenHash: HASH_A, createdBy: admin });
    expect(token).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      label: "Ops room TV",
      createdBy: { id: "demo:admin", email: "admin@example.com" },
      createdAt: "2025-03-01T10:00:00.000Z",
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(await store.findKioskTokenByHash(HASH_A)).toEqual(token);
    expect(await store.findKioskTokenByHash(HASH_B)).toBeNull();
  });

  it("stores the hash and nothing that could be the secret; the info never carries the hash", async () => {
    const token = await store.createKioskToken({ label: "Lobby", tokenHash: HASH_A, createdBy: admin });
    const rows = await rawTokenRows(dialect, t.url);
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual(["created_at", "created_by", "id", "label", "last_used_at", "revoked_at", "token_hash"]);
    expect(String(rows[0]?.token_hash).trim()).toBe(HASH_A);
    expect(JSON.stringify(token)).not.toContain(HASH_A);
  });

  it("refuses anything but a SHA-256 hex digest as the hash (a secret passed by mistake)", async () => {
    await expect(store.createKioskToken({ label: "x", tokenHash: "teal_kiosk_abc", createdBy: admin })).rejects.toMatchObject({ code: "internal" });
    expect(await store.listKioskTokens()).toEqual([]);
  });

  it("refuses a second token with the same hash", async () => {
    await store.createKioskToken({ label: "one", tokenHash: HASH_A, createdBy: admin });
    await expect(store.createKioskToken({ label: "two", tokenHash: HASH_A, createdBy: admin })).rejects.toThrow();
  });

  it("lists newest first, revoked ones included", async () => {
    const first = await store.createKioskToken({ label: "first", tokenHash: HASH_A, createdBy: admin });
    clock += 1000;
    const second = await store.createKioskToken({ label: "second", tokenHash: HASH_B, createdBy: admin });
    await store.revokeKioskToken(first.id);
    expect((await store.listKioskTokens()).map((x) => [x.label, x.revokedAt !== null])).toEqual([
      ["second", false],
      ["first", true],
    ]);
    expect(second.revokedAt).toBeNull();
  });

  it("revokes once: a second revocation keeps the first time; unknown ids give null", async () => {
    const token = await store.createKioskToken({ label: "Lobby", tokenHash: HASH_A, createdBy: admin });
    clock += 5_000;
    const revoked = await store.revokeKioskToken(token.id);
    expect(revoked?.revokedAt).toBe("2025-03-01T10:00:05.000Z");
    clock += 5_000;
    expect((await store.revokeKioskToken(token.id))?.revokedAt).toBe("2025-03-01T10:00:05.000Z");
    expect((await store.findKioskTokenByHash(HASH_A))?.revokedAt).toBe("2025-03-01T10:00:05.000Z");
    expect(await store.revokeKioskToken("00000000-0000-4000-8000-000000000000")).toBeNull();
  });

  it("records the last use at most once per interval", async () => {
    const token = await store.createKioskToken({ label: "Lobby", tokenHash: HASH_A, createdBy: admin });
    clock += 1_000;
    await store.touchKioskToken(token.id);
    expect((await store.findKioskTokenByHash(HASH_A))?.lastUsedAt).toBe("2025-03-01T10:00:01.000Z");
    clock += 30_000;
    await store.touchKioskToken(token.id);
    expect((await store.findKioskTokenByHash(HASH_A))?.lastUsedAt).toBe("2025-03-01T10:00:01.000Z");
    clock += 30_000;
    await store.touchKioskToken(token.id);
    expect((await store.findKioskTokenByHash(HASH_A))?.lastUsedAt).toBe("2025-03-01T10:01:01.000Z");
    clock += 1_000;
    await store.touchKioskToken(token.id, { minIntervalMs: 0 });
    expect((await store.findKioskTokenByHash(HASH_A))?.lastUsedAt).toBe("2025-03-01T10:01:02.000Z");
  });

  it("keeps tokens when the database is opened again (the migration runs once)", async () => {
    await store.createKioskToken({ label: "Lobby", tokenHash: HASH_A, createdBy: admin });
    const again = await openStore(t.url);
    try {
      expect((await again.listKioskTokens()).map((x) => x.label)).toEqual(["Lobby"]);
    } finally {
      await again.close();
    }
  });
});
