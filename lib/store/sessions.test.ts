import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { DIALECTS, openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";

afterAll(async () => {
  await stopTestCluster();
});

describe.each(DIALECTS)("sign-in sessions on %s", (dialect) => {
  let t: TestStore;
  let nowMs = Date.parse("2026-03-01T10:00:00.000Z");

  beforeEach(async () => {
    t = await openTestStore(dialect, { now: () => nowMs });
  });

  afterEach(async () => {
    await t.cleanup();
  });

  const start = (userId: string, hours = 8) =>
    t.store.createSession({
      userId,
      email: `${userId}@example.com`,
      role: "operator",
      provider: "credentials",
      expiresAt: new Date(nowMs + hours * 3_600_000).toISOString(),
    });

  it("records a session and reads it back", async () => {
    const s = await start("u1");
    expect(s.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await t.store.getSession(s.id)).toEqual({ ...s, createdAt: "2026-03-01T10:00:00.000Z", revokedAt: null });
    expect(await t.store.getSession("no-such-session")).toBeNull();
  });

  it("revokes one session once, and all of a user's at once", async () => {
    const a = await start("u1");
    const b = await start("u1");
    const other = await start("u2");
    nowMs += 1000;
    expect(await t.store.revokeSession(a.id)).toBe(true);
    expect(await t.store.revokeSession(a.id)).toBe(false);
    expect((await t.store.getSession(a.id))?.revokedAt).toBe("2026-03-01T10:00:01.000Z");
    expect(await t.store.revokeUserSessions("u1")).toBe(1);
    expect((await t.store.getSession(b.id))?.revokedAt).not.toBeNull();
    expect((await t.store.getSession(other.id))?.revokedAt).toBeNull();
  });

  it("lists live sessions only, newest first", async () => {
    const old = await start("u1", 1);
    nowMs += 60_000;
    const fresh = await start("u2");
    const revoked = await start("u3");
    await t.store.revokeSession(revoked.id);
    expect((await t.store.listActiveSessions(new Date(nowMs).toISOString())).map((s) => s.id)).toEqual([fresh.id, old.id]);
    expect((await t.store.listActiveSessions(new Date(nowMs + 3_600_000).toISOString())).map((s) => s.id)).toEqual([fresh.id]);
  });
});
