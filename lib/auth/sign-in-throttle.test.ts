/**
 * Sign-in resists guessing, through next-auth's own handler and the real credentials check:
 * after a few failures an account (or a client) is refused at once with a growing Retry-After,
 * without any password being checked; refusals are audited as one entry per account and client
 * per window with a count, unknown identifiers as a keyed hash; and 400 attempts at once never
 * run more than two password derivations together, so a signed-in viewer's read is answered
 * while they are still being refused. Counts and refusals only: timings are for scripts/bench-sign-in.ts.
 */

import NextAuth from "next-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";
import { buildAuthOptions } from "./build-options";
import { createDeniedSignInLog, DENIED_WINDOW_MS } from "./denied-sign-ins";
import { MAX_CONCURRENT_CHECKS, MAX_QUEUED_CHECKS, passwordGateStats } from "./passwords";
import { createSignInGuard } from "./sign-in-guard";
import { authClient, type RouteHandler } from "@/test/support/auth";
import { throttledAnswer } from "./throttled-answer";

const SECRET = "throttle-suite-secret-0123456789abcdef";
let t: TestStore;
let nowMs = Date.parse("2026-03-01T10:00:00.000Z");
const clock = () => nowMs;

function world(env: Record<string, string> = { AWS_ENDPOINT_URL: "http://127.0.0.1:4580" }) {
  const denied = createDeniedSignInLog({
    now: clock,
    write: async (summary) => {
      await t.store.appendAudit({
        action: "auth.denied",
        actor: null,
        appId: null,
        operationId: null,
        reason: "refused sign-ins",
        before: null,
        after: { ...summary },
      });
    },
  });
  const options = buildAuthOptions(
    { NEXTAUTH_SECRET: SECRET, TEAL_DEMO_USERS: "1", ...env },
    {},
    { guard: createSignInGuard({ now: clock }), denied },
  );
  const handler: RouteHandler = NextAuth(options);
  // As app/api/auth/[...nextauth]/route.ts answers: a throttled sign-in becomes 429 with Retry-After.
  const client = authClient({ GET: handler, POST: async (req, ctx) => throttledAnswer(await handler(req, ctx)) });
  return { client, denied };
}

beforeAll(async () => {
  process.env.NEXTAUTH_URL = "http://127.0.0.1:3000";
  t = await openTestStore("sqlite");
});

afterAll(async () => {
  await t.cleanup();
  await stopTestCluster();
});

describe("credentials sign-in throttling", () => {
  it("refuses an account at once after five failures, with delays that double, even for the right password", async () => {
    const { client } = world();
    const derived = () => passwordGateStats().derived;
    const before = derived();
    for (let i = 0; i < 6; i++) expect((await client.signIn("operator@example.com", `guess-${i}`)).error).toBe("CredentialsSignin");
    expect(derived() - before).toBe(6);

    const waits: number[] = [];
    for (let round = 0; round < 4; round++) {
      // Blocked: refused at once, even with the right password, and from another address too.
      const refused = await client.signIn("operator@example.com", "teal-demo", "203.0.113.9");
      expect(refused.status).toBe(429);
      expect(refused.error).toMatch(/^Throttled:\d+$/);
      expect(refused.cookies["next-auth.session-token"]).toBeUndefined();
      waits.push(Number(refused.retryAfter));
      nowMs += Number(refused.retryAfter) * 1000;
      expect((await client.signIn("operator@example.com", "another-guess")).error).toBe("CredentialsSignin");
    }
    expect(waits).toEqual([1, 2, 4, 8]);

    // A guessing run while blocked: 100 attempts, every one refused, not one password checked.
    const checked = derived();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 100; i++) {
      const answer = await client.signIn("operator@example.com", `run-${i}`);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 429: 100 });
    expect(derived()).toBe(checked);

    // Once the wait is over, the right password signs in.
    nowMs += 16_000;
    const ok = await client.signIn("operator@example.com", "teal-demo");
    expect(ok.status).toBe(200);
    expect(ok.cookies["next-auth.session-token"]).toBeTruthy();
  });

  it("never signs a demo user in against real AWS (no AWS_ENDPOINT_URL): their password is published", async () => {
    const { client } = world({});
    const refused = await client.signIn("admin@example.com", "teal-demo", "198.51.100.7");
    expect(refused.status).toBe(401);
    expect(refused.error).toBe("CredentialsSignin");
    expect(refused.cookies["next-auth.session-token"]).toBeFalsy();
  });

  it("throttles a client address that tries many accounts", async () => {
    const { client } = world();
    for (let i = 0; i < 20; i++) expect((await client.signIn(`user${i}@example.com`, "x", "192.0.2.50")).status).toBe(401);
    expect((await client.signIn("user20@example.com", "x", "192.0.2.50")).status).toBe(401);
    const refused = await client.signIn("viewer@example.com", "teal-demo", "192.0.2.50");
    expect(refused.status).toBe(429);
    // The same account from elsewhere is not affected.
    expect((await client.signIn("viewer@example.com", "teal-demo", "192.0.2.51")).status).toBe(200);
  });

  it("audits refusals as one entry per account and client per window, unknown identifiers only as a keyed hash", async () => {
    const { client, denied } = world();
    nowMs += 3_600_000;
    const typed = "hunter2-Correct-Horse";
    for (let i = 0; i < 12; i++) await client.signIn("responder@example.com", `nope-${i}`, "198.51.100.99");
    for (let i = 0; i < 3; i++) await client.signIn(typed, "pw", "198.51.100.99");
    nowMs += DENIED_WINDOW_MS;
    await denied.flush();

    const rows = (await t.store.listAudit({ action: "auth.denied", limit: 1000 })).filter((r) => JSON.stringify(r.after).includes("198.51.100.99"));
    expect(rows).toHaveLength(2);
    const byAccount = Object.fromEntries(
      rows.map((r) => [String(r.after && typeof r.after === "object" && !Array.isArray(r.after) ? r.after.account : ""), r.after]),
    );
    expect(byAccount["responder@example.com"]).toMatchObject({ client: "198.51.100.99", count: 12, throttled: 6 });
    const unknown = Object.entries(byAccount).find(([account]) => account.startsWith("unknown:"));
    expect(unknown?.[1]).toMatchObject({ count: 3, throttled: 0 });
    expect(JSON.stringify(rows).toLowerCase()).not.toContain(typed.toLowerCase());
  });

  it("answers 400 attempts at once with at most two password checks running; a viewer's read is served meanwhile", async () => {
    const { client } = world();
    nowMs += 3_600_000;
    const viewer = (await client.signIn("viewer@example.com", "teal-demo", "198.51.100.200")).cookies;
    const peakBefore = passwordGateStats();

    let settled = 0;
    const attempts = Array.from({ length: 400 }, (_, i) =>
      client.signIn(`guess${i}@example.com`, `pw-${i}`, `10.0.${Math.floor(i / 250)}.${i % 250}`).then((answer) => {
        settled += 1;
        return answer;
      }),
    );
    const read = await client.session(viewer);
    const settledAtRead = settled;
    const answers = await Promise.all(attempts);

    expect(read).toMatchObject({ email: "viewer@example.com", role: "viewer" });
    // The read did not wait behind the guesses.
    expect(settledAtRead).toBeLessThan(400);
    const stats = passwordGateStats();
    expect(stats.peakRunning).toBeLessThanOrEqual(MAX_CONCURRENT_CHECKS);
    const refused = answers.filter((a) => a.status === 429);
    const checked = answers.filter((a) => a.status === 401);
    expect(refused.length + checked.length).toBe(400);
    expect(stats.derived - peakBefore.derived).toBe(checked.length);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((a) => a.retryAfter !== null && Number(a.retryAfter) >= 1)).toBe(true);
    // Never more queued than the gate holds, however many arrive.
    expect(stats.queued).toBe(0);
    expect(MAX_QUEUED_CHECKS).toBeLessThan(400);
  });
});
