/**
 * A kiosk token can only read: the wall's read routes accept it, every server action and every
 * other route refuses it. The request context (cookies, headers, session) is injected through
 * mocks of next/headers and next-auth, as Next would provide it for a real request.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NextRequest } from "next/server";
import type { Session } from "next-auth";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppSummary } from "@/lib/domain/snapshot";
import type { WallSnapshot } from "@/lib/domain/wall";
import { generateKioskSecret, hashKioskSecret, KIOSK_COOKIE } from "@/lib/auth/kiosk-token";
import { openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";

const ctx = vi.hoisted(() => ({
  cookies: new Map<string, string>(),
  headers: new Headers(),
  session: null as Session | null,
  store: null as unknown,
}));

vi.mock("next/headers", () => ({
  cookies: async () => ({ get: (name: string) => (ctx.cookies.has(name) ? { name, value: ctx.cookies.get(name) } : undefined) }),
  headers: async () => ctx.headers,
}));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => ctx.session,
}));
vi.mock("@/lib/store", () => ({ getStore: async () => ctx.store }));

const summary: AppSummary = {
  id: "shop",
  name: "Shop storefront",
  pattern: "dns-weighted",
  region: "us-east-1",
  configuredGreenPercent: 0,
  observedGreenPercent: null,
  health: null,
  operation: null,
  dataAgeMs: 0,
  error: null,
};
const wall: WallSnapshot = { apps: [{ appId: "shop", operation: null, alarms: [] }], generatedAt: "2025-03-01T10:00:00.000Z" };
vi.mock("@/lib/runtime/runtime", () => ({ getRuntime: async () => ({ store: ctx.store, config: { applications: [] }, app: () => undefined }) }));
vi.mock("@/lib/runtime/snapshots", () => ({ getSnapshotService: () => ({ summaries: async () => [summary], invalidate: () => undefined }) }));
vi.mock("@/lib/wall/service", () => ({ wallSnapshot: async () => wall }));

const adminSession: Session = { expires: "2099-01-01T00:00:00.000Z", user: { id: "demo:admin", email: "admin@example.com", role: "admin" } };

let t: TestStore;
let secret: string;
let tokenId: string;

beforeEach(async () => {
  t = await openTestStore("sqlite");
  ctx.store = t.store;
  secret = generateKioskSecret();
  tokenId = (
    await t.store.createKioskToken({
      label: "Ops room TV",
      tokenHash: hashKioskSecret(secret),
      createdBy: { id: "demo:admin", email: "admin@example.com", role: "admin" },
    })
  ).id;
  ctx.session = null;
  ctx.headers = new Headers();
  ctx.cookies = new Map([[KIOSK_COOKIE, secret]]);
});

afterEach(async () => {
  await t.cleanup();
});

afterAll(async () => {
  await stopTestCluster();
});

/** Every server action module of lib/actions (files that start with "use server"). */
function actionModules(): string[] {
  const dir = join(process.cwd(), "lib", "actions");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .filter((f) => readFileSync(join(dir, f), "utf8").trimStart().startsWith('"use server"'));
}

/** Input that passes each action's schema, so a refusal can only come from authorization. */
function plausibleInput(name: string): unknown {
  switch (name) {
    case "shiftTraffic":
      return { appId: "shop", greenPercent: 25, expectedVersion: "v1", reason: "kiosk attempt" };
    case "rollback":
      return { appId: "shop", reason: "kiosk attempt" };
    case "abortOperation":
    case "resumeOperation":
      return { appId: "shop", operationId: "op-1" };
    case "createKioskToken":
      return { label: "sneaky" };
    case "revokeKioskToken":
      return { tokenId };
    default:
      return { appId: "shop" };
  }
}

async function get(path: string): Promise<Response> {
  const url = new URL(path, "http://teal.test");
  if (url.pathname === "/api/apps") return (await import("@/app/api/apps/route")).GET();
  if (url.pathname === "/api/wall") return (await import("@/app/api/wall/route")).GET();
  if (url.pathname === "/api/history/operations") return (await import("@/app/api/history/operations/route")).GET(new NextRequest(url));
  if (url.pathname === "/api/history/audit") return (await import("@/app/api/history/audit/route")).GET(new NextRequest(url));
  throw new Error(`no route ${path}`);
}

describe("a kiosk token", () => {
  it("is accepted by the read routes the wall polls, by cookie or Bearer header", async () => {
    const apps = await get("/api/apps");
    expect(apps.status).toBe(200);
    expect(await apps.json()).toEqual({ apps: [summary] });
    expect((await get("/api/wall")).status).toBe(200);

    ctx.cookies.clear();
    ctx.headers = new Headers({ authorization: `Bearer ${secret}` });
    expect((await get("/api/apps")).status).toBe(200);
    expect((await t.store.findKioskTokenByHash(hashKioskSecret(secret)))?.lastUsedAt).not.toBeNull();
  });

  it("is refused by the same routes once revoked", async () => {
    await t.store.revokeKioskToken(tokenId);
    const apps = await get("/api/apps");
    expect(apps.status).toBe(401);
    expect(await apps.json()).toEqual({
      error: { code: "unauthenticated", message: "This wall link is no longer authorized. Ask an admin for a new kiosk token." },
    });
    expect((await get("/api/wall")).status).toBe(401);
  });

  it("is refused by the other read routes (history exports)", async () => {
    expect((await get("/api/history/operations?format=csv")).status).toBe(401);
    expect((await get("/api/history/audit?format=json")).status).toBe(401);
  });

  it("is refused by every server action, and nothing is written", async () => {
    const files = actionModules();
    expect(files).toEqual(
      expect.arrayContaining(["shift-traffic.ts", "rollback.ts", "abort-operation.ts", "create-kiosk-token.ts", "revoke-kiosk-token.ts"]),
    );
    let called = 0;
    for (const file of files) {
      // Found at run time, so a new action is covered without editing this test.
      const mod: Record<string, unknown> = await import(/* @vite-ignore */ join(process.cwd(), "lib", "actions", file));
      for (const [name, fn] of Object.entries(mod)) {
        if (typeof fn !== "function") continue;
        called += 1;
        const result: unknown = await fn(plausibleInput(name));
        expect(result, `${file} ${name}`).toEqual({ ok: false, code: "unauthenticated", message: "Sign in to continue." });
      }
    }
    expect(called).toBeGreaterThanOrEqual(5);
    expect((await t.store.listKioskTokens()).map((x) => [x.label, x.revokedAt])).toEqual([["Ops room TV", null]]);
    expect(await t.store.listAudit()).toEqual([]);
    expect(await t.store.listOperations()).toEqual([]);
  });

  it("does not stop an admin session from using the token actions (the refusal above is the token's)", async () => {
    ctx.session = adminSession;
    const { createKioskToken } = await import("./create-kiosk-token");
    const { revokeKioskToken } = await import("./revoke-kiosk-token");
    const created = await createKioskToken({ label: "Lobby" });
    if (!created.ok) throw new Error(created.message);
    expect(created.data.secret).toMatch(/^teal_kiosk_/);
    expect(created.data.wallPath).toBe(`/wall?token=${created.data.secret}`);
    const revoked = await revokeKioskToken({ tokenId: created.data.token.id });
    expect(revoked).toMatchObject({ ok: true, data: { token: { label: "Lobby", revokedAt: expect.any(String) } } });
    const audit = await t.store.listAudit();
    expect(audit.map((r) => [r.action, r.actor?.email, r.after])).toEqual([
      [
        "token.revoked",
        "admin@example.com",
        { tokenId: created.data.token.id, label: "Lobby", revokedAt: revoked.ok ? revoked.data.token.revokedAt : null },
      ],
      ["token.created", "admin@example.com", { tokenId: created.data.token.id, label: "Lobby" }],
    ]);
    // The audit log never holds the secret or its hash.
    expect(JSON.stringify(audit)).not.toContain(created.data.secret);
    expect(JSON.stringify(audit)).not.toContain(hashKioskSecret(created.data.secret));
  });

  it("token actions refuse signed-in users below admin", async () => {
    ctx.session = { expires: "2099-01-01T00:00:00.000Z", user: { id: "demo:operator", email: "operator@example.com", role: "operator" } };
    const { createKioskToken } = await import("./create-kiosk-token");
    expect(await createKioskToken({ label: "Lobby" })).toMatchObject({ ok: false, code: "forbidden" });
  });
});
