import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { generateKioskSecret, hashKioskSecret, KIOSK_COOKIE } from "@/lib/auth/kiosk-token";

// The wall link's cookie on a real host name: Secure only when Teal is served over https.
const dir = mkdtempSync(join(tmpdir(), "teal-wall-session-"));
process.env.DATABASE_URL = `file:${join(dir, "teal.db")}`;

let secret: string;

beforeAll(async () => {
  const { getStore } = await import("@/lib/store");
  secret = generateKioskSecret();
  await (
    await getStore()
  ).createKioskToken({
    label: "Ops TV",
    tokenHash: hashKioskSecret(secret),
    createdBy: { id: "demo:admin", email: "admin@example.com", role: "admin" },
  });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  const { getStore } = await import("@/lib/store");
  await (await getStore()).close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(link: string): Promise<Response> {
  const { GET } = await import("./route");
  return GET(new NextRequest(link));
}

describe("GET /wall/session", () => {
  it("sets the kiosk cookie without Secure for a plain-HTTP NEXTAUTH_URL, even in production", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("NEXTAUTH_URL", "http://teal.ops.example:3000");
    const res = await open(`http://teal.ops.example:3000/wall/session?token=${secret}`);
    expect(res.status).toBe(303);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toContain(`${KIOSK_COOKIE}=${secret}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=strict/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("marks it Secure when NEXTAUTH_URL is https, whatever NODE_ENV says", async () => {
    vi.stubEnv("NODE_ENV", "development");
    vi.stubEnv("NEXTAUTH_URL", "https://teal.ops.example");
    const res = await open(`https://teal.ops.example/wall/session?token=${secret}`);
    expect(res.headers.get("set-cookie") ?? "").toMatch(/;\s*Secure/i);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("keeps Referrer-Policy no-referrer on a refused link too, and sets no cookie", async () => {
    const res = await open(`http://teal.ops.example:3000/wall/session?token=${generateKioskSecret()}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/wall?refused=1");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("set-cookie") ?? "").not.toContain(secret);
  });
});
