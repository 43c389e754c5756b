/**
 * Sessions end on the server: a session cookie captured before sign-out is refused after it, an
 * admin's revocation ends another user's session, and a role change in the user source applies
 * within a minute (hand-driven clock). Through next-auth's own route handler, with real cookies,
 * on a real SQLite store.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import NextAuth from "next-auth";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Role } from "@/lib/domain/basics";
import { sessionFromFakeRequest, setFakeRequest } from "@/test/security/fake-request";
import { openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";
import { buildAuthOptions, currentRoleFrom } from "./build-options";
import { createSessionRegistry } from "./server-sessions";
import { authClient, type RouteHandler } from "@/test/support/auth";
import { createUserDirectory, hashPasswordsOf, type LocalUser } from "./users";

vi.mock("next/headers", async () => (await import("@/test/security/fake-request")).fakeNextHeaders);

const dir = mkdtempSync(join(tmpdir(), "teal-sessions-"));
Object.assign(process.env, {
  DATABASE_URL: `file:${join(dir, "teal.db")}`,
  NEXTAUTH_SECRET: "sessions-suite-secret-0123456789abcdef",
  TEAL_DEMO_USERS: "1",
  // The demo users sign in only on an emulator; nothing here calls it.
  AWS_ENDPOINT_URL: "http://127.0.0.1:9",
  NEXTAUTH_URL: "http://127.0.0.1:3000",
});

afterAll(async () => {
  const { getStore } = await import("@/lib/store");
  await (await getStore()).close();
  rmSync(dir, { recursive: true, force: true });
  await stopTestCluster();
});

describe("the app's sign-in route", () => {
  it("refuses a session cookie captured before sign-out once the user has signed out", async () => {
    const route = await import("@/app/api/auth/[...nextauth]/route");
    const client = authClient(route);
    const signedIn = await client.signIn("operator@example.com", "teal-demo");
    expect(signedIn.status).toBe(200);
    const captured = { ...signedIn.cookies };
    expect(await client.session(captured)).toMatchObject({ email: "operator@example.com", role: "operator" });

    const left = await client.signOut(captured);
    expect(left["next-auth.session-token"]).toBeUndefined();
    // The copy kept from before sign-out: next-auth's JWT is still valid, the server session is not.
    expect(await client.session(captured)).toBeNull();

    // Server actions and routes read the session the same way: refused there too.
    const { authOptions } = await import("./options");
    const { requireRole, setSessionSourceForTests } = await import("./session");
    setSessionSourceForTests(sessionFromFakeRequest(authOptions));
    setFakeRequest({ headers: {}, cookies: captured });
    await expect(requireRole("read")).rejects.toMatchObject({ code: "unauthenticated" });

    const { getStore } = await import("@/lib/store");
    const [signedOut] = await (await getStore()).listAudit({ action: "auth.signed_out" });
    expect(signedOut?.actor?.email).toBe("operator@example.com");
  });

  it("lets an admin end another user's sessions, audited; the admin's own session goes on", async () => {
    const route = await import("@/app/api/auth/[...nextauth]/route");
    const client = authClient(route);
    const viewer = (await client.signIn("viewer@example.com", "teal-demo", "198.51.100.20")).cookies;
    const viewerElsewhere = (await client.signIn("viewer@example.com", "teal-demo", "198.51.100.21")).cookies;
    const admin = (await client.signIn("admin@example.com", "teal-demo", "198.51.100.22")).cookies;
    expect(await client.session(viewer)).toMatchObject({ role: "viewer" });

    const { authOptions } = await import("./options");
    const { setSessionSourceForTests } = await import("./session");
    setSessionSourceForTests(sessionFromFakeRequest(authOptions));
    const { revokeUserSessions } = await import("@/lib/actions/revoke-sessions");

    // A viewer may not do it.
    setFakeRequest({ headers: {}, cookies: viewer });
    expect(await revokeUserSessions({ userId: "demo:admin" })).toMatchObject({ ok: false, code: "forbidden" });

    setFakeRequest({ headers: {}, cookies: admin });
    expect(await revokeUserSessions({ userId: "demo:viewer" })).toEqual({ ok: true, data: { revoked: 2 } });
    expect(await client.session(viewer)).toBeNull();
    expect(await client.session(viewerElsewhere)).toBeNull();
    expect(await client.session(admin)).toMatchObject({ role: "admin" });

    const { getStore } = await import("@/lib/store");
    const [audit] = await (await getStore()).listAudit({ action: "auth.sessions_revoked" });
    expect(audit).toMatchObject({ actor: { email: "admin@example.com" }, after: { userId: "demo:viewer", revoked: 2 } });
  });
});

describe("roles", () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore("sqlite");
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("follow the user source within a minute, and a removed user's sessions end", async () => {
    let nowMs = Date.parse("2026-03-01T10:00:00.000Z");
    const users: LocalUser[] = await hashPasswordsOf([{ id: "local:dana", email: "dana@example.com", role: "operator" }], "dana-password");
    const directory = createUserDirectory(() => users);
    const sessions = createSessionRegistry({
      store: async () => t.store,
      currentRole: currentRoleFrom(directory),
      maxAgeMs: 8 * 3_600_000,
      now: () => nowMs,
    });
    const handler: RouteHandler = NextAuth(
      buildAuthOptions({ NEXTAUTH_SECRET: "roles-suite-secret-0123456789abcdef" }, {}, { users: directory, sessions }),
    );
    const client = authClient({ GET: handler, POST: handler });

    const cookies = (await client.signIn("dana@example.com", "dana-password")).cookies;
    expect(await client.session(cookies)).toMatchObject({ role: "operator" });

    const setRole = (role: Role) => users.splice(0, 1, { ...users[0]!, role });
    setRole("viewer");
    nowMs += 60_000;
    expect(await client.session(cookies)).toMatchObject({ email: "dana@example.com", role: "viewer" });

    setRole("admin");
    nowMs += 60_000;
    expect(await client.session(cookies)).toMatchObject({ role: "admin" });

    users.splice(0, 1);
    nowMs += 60_000;
    expect(await client.session(cookies)).toBeNull();
  });
});
