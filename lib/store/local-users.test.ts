import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CreateLocalUserInput } from "@/lib/domain/local-user";
import { DIALECTS, openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";
import { openStore, type Store } from "./store";

const ADMIN = { id: "demo:admin", email: "admin@example.com" };
const HASH = "scrypt$16384$8$1$c2FsdA==$aGFzaA==";

function input(over: Partial<CreateLocalUserInput> = {}): CreateLocalUserInput {
  return { email: "dana@example.com", role: "operator", passwordHash: HASH, createdBy: ADMIN, ...over };
}

afterAll(async () => {
  await stopTestCluster();
});

describe.each(DIALECTS)("local users on %s", (dialect) => {
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

  it("records a user, finds them by email with the hash, and lists them without it", async () => {
    const user = await store.createLocalUser(input());
    expect(user).toEqual({
      id: expect.stringMatching(/^local:[0-9a-f-]{36}$/),
      email: "dana@example.com",
      role: "operator",
      createdBy: ADMIN,
      createdAt: "2025-03-01T10:00:00.000Z",
      disabledAt: null,
    });
    expect(await store.findLocalUserByEmail("dana@example.com")).toEqual({ ...user, passwordHash: HASH });
    expect(await store.findLocalUserByEmail("nobody@example.com")).toBeNull();
    expect(await store.getLocalUser(user.id)).toEqual(user);
    await store.createLocalUser(input({ email: "ali@example.com", role: "viewer" }));
    const listed = await store.listLocalUsers();
    expect(listed.map((u) => [u.email, u.role])).toEqual([
      ["ali@example.com", "viewer"],
      ["dana@example.com", "operator"],
    ]);
    expect(JSON.stringify(listed)).not.toContain(HASH);
  });

  it("refuses a second user with the same email, and a password that is not a scrypt hash", async () => {
    await store.createLocalUser(input());
    await expect(store.createLocalUser(input({ role: "admin" }))).rejects.toMatchObject({ code: "conflict" });
    await expect(store.createLocalUser(input({ email: "x@example.com", passwordHash: "plain-text-password" }))).rejects.toMatchObject({
      code: "internal",
    });
    expect((await store.listLocalUsers()).map((u) => u.role)).toEqual(["operator"]);
  });

  it("disables once, keeping the first time; unknown ids are null", async () => {
    const user = await store.createLocalUser(input());
    clock += 1_000;
    const disabled = await store.disableLocalUser(user.id);
    expect(disabled?.disabledAt).toBe("2025-03-01T10:00:01.000Z");
    clock += 5_000;
    expect((await store.disableLocalUser(user.id))?.disabledAt).toBe("2025-03-01T10:00:01.000Z");
    expect(await store.disableLocalUser("local:00000000-0000-4000-8000-000000000000")).toBeNull();
  });

  it("keeps users when the database is opened again (the migration runs once)", async () => {
    await store.createLocalUser(input());
    const again = await openStore(t.url);
    try {
      expect((await again.listLocalUsers()).map((u) => u.email)).toEqual(["dana@example.com"]);
    } finally {
      await again.close();
    }
  });
});
