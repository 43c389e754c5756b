import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "@/test/support/store";
import type { Actor } from "@/lib/domain/operation";
import { credentialsAuthorizer } from "./build-options";
import { createLocalUserAs, storedUserSource } from "./local-users";
import { DEMO_PASSWORD, demoUsers, listUserSource, userDirectoryOver } from "./users";

const ADMIN: Actor = { id: "demo:admin", email: "admin@example.com", role: "admin" };
const PASSWORD = "correct horse battery";

describe("local users", () => {
  let t: TestStore;

  beforeEach(async () => {
    t = await openTestStore("sqlite");
  });

  afterEach(async () => {
    await t.cleanup();
  });

  it("are created by an admin with a hashed password, audited without it, and sign in with it", async () => {
    const { user, generatedPassword } = await createLocalUserAs(t.store, ADMIN, {
      email: "  Dana@Example.com ",
      role: "operator",
      password: PASSWORD,
    });
    expect(generatedPassword).toBeNull();
    expect(user).toMatchObject({ email: "dana@example.com", role: "operator", createdBy: { id: ADMIN.id, email: ADMIN.email } });
    const stored = await t.store.findLocalUserByEmail("dana@example.com");
    expect(stored?.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored?.passwordHash).not.toContain(PASSWORD);

    const [record] = await t.store.listAudit({ action: "user.created" });
    expect(record).toMatchObject({ actor: ADMIN, after: { userId: user.id, email: "dana@example.com", role: "operator" } });
    expect(JSON.stringify(record)).not.toContain(PASSWORD);
    expect(JSON.stringify(record)).not.toContain(stored?.passwordHash ?? "no hash");

    const authorize = credentialsAuthorizer(userDirectoryOver([storedUserSource(async () => t.store)]));
    expect(await authorize({ email: "DANA@example.com", password: PASSWORD })).toEqual({
      id: user.id,
      email: "dana@example.com",
      name: "dana@example.com",
      role: "operator",
    });
    expect(await authorize({ email: "dana@example.com", password: "correct horse battery!" })).toBeNull();
  });

  it("get a password made by Teal when none is given, which signs in", async () => {
    const { user, generatedPassword } = await createLocalUserAs(t.store, ADMIN, { email: "eli@example.com", role: "viewer" });
    expect(generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const directory = userDirectoryOver([storedUserSource(async () => t.store)]);
    expect(await directory.authenticate("eli@example.com", generatedPassword ?? "")).toEqual({
      id: user.id,
      email: "eli@example.com",
      role: "viewer",
    });
  });

  it("refuse bad input and non-admins, changing nothing", async () => {
    const operator: Actor = { id: "demo:operator", email: "operator@example.com", role: "operator" };
    await expect(createLocalUserAs(t.store, operator, { email: "x@example.com", role: "viewer" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(createLocalUserAs(t.store, ADMIN, { email: "not-an-email", role: "viewer" })).rejects.toMatchObject({
      code: "invalid",
      userMessage: "Invalid input: email: not an email address",
    });
    await expect(createLocalUserAs(t.store, ADMIN, { email: "x@example.com", role: "root" })).rejects.toMatchObject({ code: "invalid" });
    await expect(createLocalUserAs(t.store, ADMIN, { email: "x@example.com", role: "viewer", password: "short" })).rejects.toMatchObject({
      userMessage: "Invalid input: password: at least 12 characters",
    });
    await expect(createLocalUserAs(t.store, ADMIN, { email: "x@example.com", role: "viewer", extra: 1 })).rejects.toMatchObject({ code: "invalid" });
    await createLocalUserAs(t.store, ADMIN, { email: "x@example.com", role: "viewer", password: PASSWORD });
    await expect(createLocalUserAs(t.store, ADMIN, { email: "X@example.com", role: "admin", password: PASSWORD })).rejects.toMatchObject({
      code: "conflict",
    });
    expect((await t.store.listLocalUsers()).map((u) => [u.email, u.role])).toEqual([["x@example.com", "viewer"]]);
    expect(await t.store.listAudit({ action: "user.created" })).toHaveLength(1);
  });

  it("once disabled, cannot sign in and their sessions have no role; demo users are asked first", async () => {
    const { user } = await createLocalUserAs(t.store, ADMIN, { email: "fay@example.com", role: "responder", password: PASSWORD });
    const directory = userDirectoryOver([listUserSource(demoUsers()), storedUserSource(async () => t.store)]);
    expect(await directory.roleOf(user.id)).toBe("responder");
    expect(await directory.roleOf("demo:admin")).toBe("admin");
    expect(await directory.authenticate("admin@example.com", DEMO_PASSWORD)).toMatchObject({ id: "demo:admin" });
    expect(await directory.knows("fay@example.com")).toBe(true);
    await t.store.disableLocalUser(user.id);
    expect(await directory.authenticate("fay@example.com", PASSWORD)).toBeNull();
    expect(await directory.knows("fay@example.com")).toBe(false);
    expect(await directory.roleOf(user.id)).toBeNull();
  });
});
