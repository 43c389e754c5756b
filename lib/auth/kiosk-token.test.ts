import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bearerKioskSecret, generateKioskSecret, hashKioskSecret, isKioskSecret, KIOSK_TOKEN_PREFIX } from "./kiosk-token";

describe("kiosk secrets", () => {
  it("are the prefix and 32 random bytes in base64url", () => {
    const secret = generateKioskSecret();
    expect(secret.startsWith(KIOSK_TOKEN_PREFIX)).toBe(true);
    expect(Buffer.from(secret.slice(KIOSK_TOKEN_PREFIX.length), "base64url")).toHaveLength(32);
    expect(isKioskSecret(secret)).toBe(true);
  });

  it("are never repeated", () => {
    const secrets = new Set(Array.from({ length: 200 }, () => generateKioskSecret()));
    expect(secrets.size).toBe(200);
  });

  it("hash to SHA-256 hex", () => {
    const secret = generateKioskSecret();
    expect(hashKioskSecret(secret)).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(hashKioskSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuse the wrong shape before any lookup", () => {
    expect(isKioskSecret("teal_kiosk_short")).toBe(false);
    expect(isKioskSecret(`teal_kiosk_${"a".repeat(42)}=`)).toBe(false);
    expect(isKioskSecret(`other_${"a".repeat(43)}`)).toBe(false);
    expect(isKioskSecret(` ${generateKioskSecret()}`)).toBe(false);
  });
});

describe("bearerKioskSecret", () => {
  it("reads a kiosk secret from a Bearer header, and nothing else", () => {
    const secret = generateKioskSecret();
    expect(bearerKioskSecret(`Bearer ${secret}`)).toBe(secret);
    expect(bearerKioskSecret(`bearer   ${secret} `)).toBe(secret);
    expect(bearerKioskSecret("Bearer some-other-token")).toBeNull();
    expect(bearerKioskSecret(`Basic ${secret}`)).toBeNull();
    expect(bearerKioskSecret(null)).toBeNull();
    expect(bearerKioskSecret("")).toBeNull();
  });
});
