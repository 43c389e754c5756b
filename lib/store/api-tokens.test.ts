import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./store";
import type { CreateApiTokenInput } from "./api-tokens";
import { DIALECTS, openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";

const HASH_A = "a".repeat(64);
const HASH_B = "b".repeat(64);
const ADMIN = { id: "demo:admin", email: "admin@example.com" };

function input(over: Partial<CreateApiTokenInput> = {}): CreateApiTokenInput {
  return { name: "ci", role: "operator", apps: null, tokenHash: HASH_A, createdBy: ADMIN, expiresAt: "2025-06-01T00:00:00.000Z", ...over };
}

afterAll(async () => {
  await stopTestCluster();
});

describe.each(DIALECTS)("API tokens and idempotency keys on %s", (dialect) => {
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

  it("creates a token with its name, role, applications and times, finds it by hash, and never returns the hash", async () => {
    const token = await store.createApiToken(input({ apps: ["shop", "payments-api"] }));
    expect(token).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "ci",
      role: "operator",
      apps: ["shop", "payments-api"],
      createdBy: ADMIN,
      createdAt: "2025-03-01T10:00:00.000Z",
      expiresAt: "2025-06-01T00:00:00.000Z",
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(await store.findApiTokenByHash(HASH_A)).toEqual(token);
    expect(await store.findApiTokenByHash(HASH_B)).toBeNull();
    expect(JSON.stringify(token)).not.toContain(HASH_A);
    expect((await store.createApiToken(input({ name: "all", tokenHash: HASH_B }))).apps).toBeNull();
  });

  it("refuses a second live token of the same name, and anything but a SHA-256 hex digest as the hash", async () => {
    const first = await store.createApiToken(input());
    await expect(store.createApiToken(input({ tokenHash: HASH_B }))).rejects.toMatchObject({ code: "conflict" });
    await expect(store.createApiToken(input({ name: "x", tokenHash: "teal_api_abc" }))).rejects.toMatchObject({ code: "internal" });
    // Once the first is revoked the name is free again.
    await store.revokeApiToken(first.id);
    clock += 1_000;
    expect((await store.createApiToken(input({ tokenHash: HASH_B }))).name).toBe("ci");
    expect((await store.listApiTokens()).map((x) => [x.name, x.revokedAt !== null])).toEqual([
      ["ci", false],
      ["ci", true],
    ]);
  });

  it("revokes once, keeping the first time; records the last use at most once a minute", async () => {
    const token = await store.createApiToken(input());
    clock += 1_000;
    await store.touchApiToken(token.id);
    clock += 30_000;
    await store.touchApiToken(token.id);
    expect((await store.findApiTokenByHash(HASH_A))?.lastUsedAt).toBe("2025-03-01T10:00:01.000Z");
    clock += 30_000;
    await store.touchApiToken(token.id);
    expect((await store.findApiTokenByHash(HASH_A))?.lastUsedAt).toBe("2025-03-01T10:01:01.000Z");
    const revoked = await store.revokeApiToken(token.id);
    clock += 5_000;
    expect((await store.revokeApiToken(token.id))?.revokedAt).toBe(revoked?.revokedAt);
    expect(revoked?.revokedAt).toBe("2025-03-01T10:01:01.000Z");
    expect(await store.revokeApiToken("00000000-0000-4000-8000-000000000000")).toBeNull();
  });

  it("claims a key once: the same request is replayed, another is a mismatch, a running one is in progress", async () => {
    const claim = { caller: "token:1", key: "k-1", requestHash: HASH_A, ttlMs: 86_400_000, abandonAfterMs: 120_000 };
    expect(await store.claimIdempotencyKey(claim)).toEqual({ kind: "claimed" });
    expect(await store.claimIdempotencyKey(claim)).toEqual({ kind: "in_progress" });
    expect(await store.claimIdempotencyKey({ ...claim, requestHash: HASH_B })).toEqual({ kind: "mismatch" });
    // Another caller's key of the same text is its own.
    expect(await store.claimIdempotencyKey({ ...claim, caller: "token:2" })).toEqual({ kind: "claimed" });
    await store.completeIdempotencyKey("token:1", "k-1", 202, '{"operation":{"id":"op-1"}}');
    expect(await store.claimIdempotencyKey(claim)).toEqual({ kind: "replay", status: 202, body: '{"operation":{"id":"op-1"}}' });
    // A second completion does not overwrite the first answer.
    await store.completeIdempotencyKey("token:1", "k-1", 409, "{}");
    expect(await store.claimIdempotencyKey(claim)).toMatchObject({ kind: "replay", status: 202 });
    // After a day the key is forgotten and may be used again, for anything.
    clock += 86_400_000;
    expect(await store.claimIdempotencyKey({ ...claim, requestHash: HASH_B })).toEqual({ kind: "claimed" });
  });

  it("gives a released key back, and takes over one whose request was abandoned", async () => {
    const claim = { caller: "u", key: "k", requestHash: HASH_A, ttlMs: 86_400_000, abandonAfterMs: 120_000 };
    expect(await store.claimIdempotencyKey(claim)).toEqual({ kind: "claimed" });
    await store.releaseIdempotencyKey("u", "k");
    expect(await store.claimIdempotencyKey(claim)).toEqual({ kind: "claimed" });
    clock += 60_000;
    expect(await store.claimIdempotencyKey(claim)).toEqual({ kind: "in_progress" });
    clock += 61_000;
    expect(await store.claimIdempotencyKey(claim)).toEqual({ kind: "claimed" });
    expect(await store.claimIdempotencyKey(claim)).toEqual({ kind: "in_progress" });
  });

  it("keeps tokens when the database is opened again (the migration runs once)", async () => {
    await store.createApiToken(input());
    const again = await openStore(t.url);
    try {
      expect((await again.listApiTokens()).map((x) => x.name)).toEqual(["ci"]);
    } finally {
      await again.close();
    }
  });
});
