/**
 * Test support for the security suites: Teal's real runtime (store on a temp SQLite file, engine,
 * AWS SDK clients) pointed at a practice range seeded with the demo world, personas presenting
 * real credentials (next-auth session cookies, kiosk tokens), and a fingerprint of everything a
 * call could change (the range's world and the store), so a refused call can be shown to change
 * nothing.
 */

import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "next-auth/jwt";
import type { Actor } from "@/lib/domain/operation";
import type { OperationStatus } from "@/lib/domain/operation-status";
import type { Role } from "@/lib/domain/basics";
import { seedDemoWorld } from "@/range/demo/seed";
import { startTestRange, type TestRange } from "@/test/support/range";
import { AUDIT_ACTIONS } from "@/lib/history/query";
import type { Runtime } from "@/lib/runtime/runtime";
import type { Store } from "@/lib/store/store";
import { setFakeRequest, sessionFromFakeRequest, type FakeRequest } from "./fake-request";
import { ACTIVE_STATUSES, isTerminalStatus } from "@/lib/domain/operation-status";

/**
 * A GET of the test's own range, sent again once when the connection was reset. The fuzz suites
 * keep this process's event loop busy for seconds at a time: the client's idle keep-alive socket
 * then outlives the server's 5 s keep-alive, and the next request on it meets the server's close
 * (ECONNRESET, seen once in a full run). A read of the range's state changes nothing, so sending it
 * again is safe.
 */
async function rangeText(url: string): Promise<string> {
  try {
    return await (await fetch(url)).text();
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? (error.cause as NodeJS.ErrnoException).code : undefined;
    if (cause !== "ECONNRESET") throw error;
    return (await fetch(url)).text();
  }
}

export const SECRET = "security-suite-secret-0123456789abcdef";
export const SESSION_COOKIE = "next-auth.session-token";
export const APP_ID = "shop";

export const PERSONAS = ["none", "viewer", "responder", "operator", "admin", "kiosk", "revokedKiosk", "expired", "forged", "apiToken"] as const;
export type Persona = (typeof PERSONAS)[number];

/** The role a persona signs in with, or null for those holding no valid session. */
export function personaRole(p: Persona): Role | null {
  return p === "viewer" || p === "responder" || p === "operator" || p === "admin" ? p : null;
}

/** The role of a persona's API token (valid on the REST API only), or null for those presenting none. */
export function personaTokenRole(p: Persona): Role | null {
  return p === "apiToken" ? "operator" : null;
}

export const ADMIN: Actor = { id: "demo:admin", email: "admin@example.com", role: "admin" };

export interface SecurityWorld {
  range: TestRange;
  /** Where the app's AWS clients send requests (the range, or a fault front in the leak test). */
  endpoint: string;
  rt: Runtime;
  store: Store;
  requests: Record<Persona, FakeRequest>;
  kioskSecret: string;
  /** Makes `persona` the caller of the next action or route call. */
  as(persona: Persona): void;
  /** Hash of the range's world and of the store's operations, audit head, tokens and locks. */
  fingerprint(): Promise<string>;
  /** Moves the range clock until the operation ends (waits need simulated time to pass). */
  runToCompletion(operationId: string): Promise<OperationStatus>;
  /** Ends every operation still active (aborted by an admin), so the next cell starts quiet. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** A session cookie as next-auth issues it at sign-in: it names a live server-side session of the store. */
async function sessionCookie(store: Store, role: Role, secret: string, maxAge: number): Promise<string> {
  const user = { id: `demo:${role}`, email: `${role}@example.com`, role };
  const session = await store.createSession({
    userId: user.id,
    email: user.email,
    role,
    provider: "credentials",
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  return encode({ token: { sub: user.id, email: user.email, name: user.email, role, sid: session.id }, secret, maxAge });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts the range, seeds the demo world, points Teal's runtime at it (through `frontFor` when
 * given: a proxy in front of the range) and opens the store. One per test file (runtime singletons).
 */
export async function startSecurityWorld(
  options: {
    frontFor?: (range: TestRange) => Promise<string>;
    /** Where the range's hand-driven clock starts (Teal's metric windows follow the wall clock). */
    startMs?: number;
  } = {},
): Promise<SecurityWorld> {
  const range = await startTestRange({}, options.startMs);
  await seedDemoWorld(range.url);
  // Instances boot and pass HealthyThreshold × Interval before the demo apps can be shifted.
  for (let t = 0; t < 180_000; t += 10_000) {
    range.tick(10_000);
    await fetch(`${range.url}/_sim/health`);
  }
  const endpoint = options.frontFor ? await options.frontFor(range) : range.url;
  const dir = mkdtempSync(join(tmpdir(), "teal-security-"));
  Object.assign(process.env, {
    DATABASE_URL: `file:${join(dir, "teal.db")}`,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: "us-east-1",
    NEXTAUTH_SECRET: SECRET,
    // An operation's polls every half second instead of every 2 s (ECS's 10 s poll × the scale):
    // the clock is moved by hand between them, so longer pauses only made the matrix wait (its
    // allowed cells that run an operation to its end took 70 s in all at 0.2, 51 s at 0.05).
    TEAL_WAIT_SCALE: "0.05",
    TEAL_REFRESH_MS: "1000",
    TEAL_DEMO_USERS: "1",
    // The matrix starts hundreds of operations in seconds, whose calls would put the AWS budget in
    // debt, and the pages' reads would then be held back (503, "throttled") as designed. What is
    // tested here is who may call what and how bad input is refused; the budget has its own suite
    // (lib/aws/read-budget.test.ts, lib/runtime/read-budget.integration.test.ts).
    TEAL_READ_BUDGET: "off",
  });
  const { authOptions } = await import("@/lib/auth/options");
  const { setSessionSourceForTests } = await import("@/lib/auth/session");
  const { getRuntime } = await import("@/lib/runtime/runtime");
  const { generateKioskSecret, hashKioskSecret } = await import("@/lib/auth/kiosk-token");
  const { generateApiSecret, hashApiSecret } = await import("@/lib/auth/api-token");
  setSessionSourceForTests(sessionFromFakeRequest(authOptions));
  const rt = await getRuntime();
  const store = rt.store;

  const kioskSecret = generateKioskSecret();
  await store.createKioskToken({ label: "lobby", tokenHash: hashKioskSecret(kioskSecret), createdBy: ADMIN });
  const revokedSecret = generateKioskSecret();
  const revoked = await store.createKioskToken({ label: "old lobby", tokenHash: hashKioskSecret(revokedSecret), createdBy: ADMIN });
  await store.revokeKioskToken(revoked.id);
  // An operator's API token for every application: a credential on the REST API, nowhere else.
  const apiSecret = generateApiSecret();
  await store.createApiToken({
    name: "pipeline",
    role: "operator",
    apps: null,
    tokenHash: hashApiSecret(apiSecret),
    createdBy: ADMIN,
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  });

  const signedIn = async (role: Role): Promise<FakeRequest> => ({
    headers: {},
    cookies: { [SESSION_COOKIE]: await sessionCookie(store, role, SECRET, 3600) },
  });
  const kiosk = (secret: string): FakeRequest => ({ headers: { authorization: `Bearer ${secret}` }, cookies: { teal_kiosk: secret } });
  const requests: Record<Persona, FakeRequest> = {
    none: { headers: {}, cookies: {} },
    viewer: await signedIn("viewer"),
    responder: await signedIn("responder"),
    operator: await signedIn("operator"),
    admin: await signedIn("admin"),
    kiosk: kiosk(kioskSecret),
    revokedKiosk: kiosk(revokedSecret),
    // An admin's cookie that expired an hour ago, and one signed with another server's secret.
    expired: { headers: {}, cookies: { [SESSION_COOKIE]: await sessionCookie(store, "admin", SECRET, -3600) } },
    forged: { headers: {}, cookies: { [SESSION_COOKIE]: await sessionCookie(store, "admin", "another-secret-0123456789abcdef", 3600) } },
    apiToken: { headers: { authorization: `Bearer ${apiSecret}` }, cookies: {} },
  };

  const fingerprint = async (): Promise<string> => {
    const world = await rangeText(`${range.url}/_sim/state`);
    const ops = (await store.listOperations({ limit: 500 })).map((o) => `${o.id}:${o.status}`);
    // A signed-in user's refusal is audited (`action.refused`), and an API token's read
    // (`token.used`): records of the call, not changes.
    const [head] = await store.listAudit({ limit: 1, action: AUDIT_ACTIONS.filter((a) => a !== "action.refused" && a !== "token.used") });
    const tokens = [
      ...(await store.listKioskTokens()).map((t) => `${t.id}:${t.label}:${t.revokedAt ?? "-"}`),
      ...(await store.listApiTokens()).map((t) => `${t.id}:${t.name}:${t.revokedAt ?? "-"}`),
      ...(await store.webhooks.listWebhooks()).map((h) => `webhook ${h.id}`),
      ...(await store.webhooks.listDeliveries({ limit: 500 })).map((d) => `delivery ${d.id}`),
    ];
    const locks = await Promise.all(rt.config.applications.map(async (a) => `${a.id}:${(await store.getLock(a.id))?.holder ?? "-"}`));
    // A polluted Object.prototype would change every object in the process: count it as a change.
    const polluted = Object.getOwnPropertyNames(Object.prototype).sort().join(",");
    return createHash("sha256")
      .update(JSON.stringify({ world, ops, audit: head?.seq ?? 0, tokens, locks, polluted }))
      .digest("hex");
  };

  const runToCompletion = async (operationId: string): Promise<OperationStatus> => {
    for (let i = 0; i < 400; i++) {
      const status = await store.getOperationStatus(operationId);
      if (isTerminalStatus(status)) {
        await rt.engine.whenIdle(operationId);
        return status;
      }
      range.tick(10_000);
      await fetch(`${range.url}/_sim/health`);
      await sleep(50);
    }
    throw new Error(`operation ${operationId} did not finish`);
  };

  const settle = async (): Promise<void> => {
    for (const op of await store.listOperations({ status: [...ACTIVE_STATUSES], limit: 100 })) {
      await rt.engine.abort(op.id, ADMIN, "security suite: end of cell").catch(() => undefined);
    }
    await rt.engine.whenIdle();
  };

  return {
    range,
    endpoint,
    rt,
    store,
    requests,
    kioskSecret,
    as: (persona) => setFakeRequest(requests[persona]),
    fingerprint,
    runToCompletion,
    settle,
    close: async () => {
      await settle();
      await range.close();
    },
  };
}
