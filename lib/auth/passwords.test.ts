import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./passwords";

describe("passwords", () => {
  it("hashes with scrypt and a random salt, and verifies", async () => {
    const a = await hashPassword("teal-demo");
    const b = await hashPassword("teal-demo");
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("teal-demo", a)).toBe(true);
    expect(await verifyPassword("teal-demo", b)).toBe(true);
  });

  it("refuses a wrong password", async () => {
    const h = await hashPassword("teal-demo");
    expect(await verifyPassword("teal-demo ", h)).toBe(false);
    expect(await verifyPassword("Teal-demo", h)).toBe(false);
    expect(await verifyPassword("", h)).toBe(false);
  });

  it("treats equivalent Unicode spellings as the same password", async () => {
    const h = await hashPassword("caf\u00e9");
    expect(await verifyPassword("cafe\u0301", h)).toBe(true);
  });

  it("is deterministic for a given salt", async () => {
    const salt = Buffer.alloc(16, 7);
    expect(await hashPassword("x", salt)).toBe(await hashPassword("x", salt));
  });

  it("refuses malformed, tampered or abusive hashes without throwing", async () => {
    const h = await hashPassword("teal-demo");
    const parts = h.split("$");
    const tampered = [...parts.slice(0, 5), Buffer.alloc(32, 1).toString("base64")].join("$");
    expect(await verifyPassword("teal-demo", tampered)).toBe(false);
    expect(await verifyPassword("teal-demo", "")).toBe(false);
    expect(await verifyPassword("teal-demo", "plain-text")).toBe(false);
    expect(await verifyPassword("teal-demo", h.replace("scrypt", "bcrypt"))).toBe(false);
    expect(await verifyPassword("teal-demo", ["scrypt", 1 << 30, 8, 1, parts[4], parts[5]].join("$"))).toBe(false);
  });
});
