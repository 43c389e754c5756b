/**
 * A rollback does not need a healthy AWS to start. With the practice range throttling 30 % and
 * failing 20 % (HTTP 500) of every AWS request, a responder clicks Roll back 20 times, round robin
 * over the demo applications: every click starts a rollback (one click each, no retry by the test).
 *
 * The real server action (`rollback`: session, authorization, validation, planning, engine start)
 * with Teal's real runtime (SDK clients over HTTP, SQLite store, engine) against a range seeded
 * with the demo world (test/security/harness.ts). The rollbacks started run on in the background
 * against the same faulty range (each is preempted by the next click on its application), so the
 * dice meet them too. Before the rollback's reads rode out faults, about half the clicks failed
 * (an observe makes 5 to 12 reads, each failing after the SDK's 3 attempts about 8 % of the time).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startSecurityWorld, type SecurityWorld } from "@/test/security/harness";

vi.mock("next/headers", async () => (await import("@/test/security/fake-request")).fakeNextHeaders);

const FAULTS = { throttleRate: 0.3, errorRate: 0.2 };
const CLICKS = 20;
/** Applications whose rollback plans from the demo world's state (green idle beside blue). */
const APPS = ["shop", "catalog-api", "profile-service", "orders-service", "payments-api", "checkout-web", "search-api"];

let w: SecurityWorld;

beforeAll(async () => {
  w = await startSecurityWorld();
}, 120_000);

afterAll(async () => {
  await w?.close();
});

describe("rollback start under AWS faults", () => {
  it(
    `${CLICKS} of ${CLICKS} rollbacks start with one click while the range throttles 30 % and fails 20 % of requests`,
    { timeout: 240_000 },
    async () => {
      const { rollback } = await import("@/lib/actions/rollback");
      w.as("responder");
      // Without faults, every application's rollback plans and starts (the case is sound).
      for (const appId of APPS) {
        const result = await rollback({ appId, reason: "drill, healthy AWS" });
        expect(result, appId).toMatchObject({ ok: true });
      }
      await w.settle();

      const res = await fetch(`${w.range.url}/_sim/faults`, { method: "POST", body: JSON.stringify(FAULTS) });
      expect(res.status).toBe(200);
      const faultedBefore = w.range.stats.throttled + w.range.stats.injectedErrors;
      const outcomes: string[] = [];
      const timings: number[] = [];
      const click = async (i: number): Promise<void> => {
        const appId = APPS[i % APPS.length] ?? "shop";
        const clicked = performance.now();
        const result = await rollback({ appId, reason: `drill ${i + 1} under faults` });
        timings.push(performance.now() - clicked);
        outcomes.push(result.ok ? `${appId}: started` : `${appId}: ${result.code}: ${result.message}`);
      };
      try {
        // In waves, one click per application at a time (responders on several applications at once).
        for (let wave = 0; wave < CLICKS; wave += APPS.length) {
          await Promise.all(Array.from({ length: Math.min(APPS.length, CLICKS - wave) }, (_, k) => click(wave + k)));
        }
      } finally {
        await fetch(`${w.range.url}/_sim/faults`, { method: "DELETE" });
        await w.settle();
      }
      const faulted = w.range.stats.throttled + w.range.stats.injectedErrors - faultedBefore;
      const sorted = [...timings].sort((a, b) => a - b);
      console.info(
        `[rollback-start] ${outcomes.filter((o) => o.endsWith(": started")).length} of ${CLICKS} started; ${faulted} requests faulted; ` +
          `answer p50 ${(sorted[Math.floor(CLICKS / 2)] ?? 0).toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms`,
      );
      expect(faulted, "the faults were there").toBeGreaterThan(0);
      expect(
        outcomes.filter((o) => !o.endsWith(": started")),
        "rollbacks that did not start",
      ).toEqual([]);
    },
  );
});
