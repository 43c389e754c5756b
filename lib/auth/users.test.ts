import { describe, expect, it } from "vitest";
import { hashPassword } from "./passwords";
import { createUserDirectory, DEMO_PASSWORD, demoUsers } from "./users";

describe("demo users", () => {
  it("are the four roles, stored as scrypt hashes of the demo password", async () => {
    const users = await demoUsers();
    expect(users.map((u) => [u.email, u.role])).toEqual([
      ["viewer@example.com", "viewer"],
      ["responder@example.com", "responder"],
      ["operator@example.com", "operator"],
      ["admin@example.com", "admin"],
    ]);
    for (const u of users) {
      expect(u.passwordHash).toMatch(/^scrypt\$/);
      expect(u.passwordHash).not.toContain(DEMO_PASSWORD);
    }
  });

  it("sign in with the demo password only", async () => {
    const directory = createUserDirectory(demoUsers());
    expect(await directory.authenticate("operator@example.com", "teal-demo")).toEqual({
      id: "demo:operator",
      email: "operator@example.com",
      role: "operator",
    });
    expect(await directory.authenticate("  Admin@Example.com ", "teal-demo")).toMatchObject({ role: "admin" });
    expect(await directory.authenticate("operator@example.com", "wrong")).toBeNull();
    expect(await directory.authenticate("nobody@example.com", "teal-demo")).toBeNull();
  });
});

describe("user directory", () => {
  it("with no users refuses everyone", async () => {
    const directory = createUserDirectory([]);
    expect(await directory.authenticate("viewer@example.com", "teal-demo")).toBeNull();
  });

  it("spends comparable time on unknown emails and wrong passwords", async () => {
    const directory = createUserDirectory([{ id: "u1", email: "a@example.com", role: "viewer", passwordHash: await hashPassword("right") }]);
    await directory.authenticate("warm@example.com", "x");
    const time = async (email: string) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < 3; i++) await directory.authenticate(email, "wrong");
      return Number(process.hrtime.bigint() - t0);
    };
    const unknown = await time("nobody@example.com");
    const known = await time("a@example.com");
    // Both run a full scrypt derivation: an unknown email is not answered instantly.
    expect(unknown).toBeGreaterThan(known / 4);
  });
});
