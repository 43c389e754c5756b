// More traffic onto a failing green asks first, on the server. Teal's real runtime and actions run
// against the practice range over HTTP: green (v42) answers 30 % 5xx, a quarter of shop's DNS
// clients reach it, and CloudWatch's minutes (on the range's hand-driven clock, set to end near
// the wall clock Teal's metric windows follow) show green failing. A shift or promote onto it is
// refused with the figures and changes nothing; with the typed override it runs, and the audit
// keeps the override.
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fakeHeaders } from "@/test/security/fake-request";
import { startSecurityWorld, type SecurityWorld } from "@/test/security/harness";

vi.mock("next/headers", async () => (await import("@/test/security/fake-request")).fakeNextHeaders);

const MIN = 60_000;
let w: SecurityWorld;

async function currentVersion(): Promise<string> {
  const { observeApp } = await import("@/lib/runtime/observe");
  const app = w.rt.app("shop");
  if (!app) throw new Error("no shop in the config");
  return (await observeApp(w.rt, app)).state.version;
}

/** Moves the range's clock (and its traffic) forward in 10 s steps until `untilMs`. */
async function advanceTo(untilMs: number): Promise<void> {
  while (w.range.nowMs() + 10_000 <= untilMs) {
    w.range.tick(10_000);
    await fetch(`${w.range.url}/_sim/health`);
  }
}

beforeAll(async () => {
  // The range's clock starts 25 minutes behind the wall clock and is driven up to it below.
  w = await startSecurityWorld({ startMs: Date.now() - 25 * MIN });
  const put = await fetch(`${w.range.url}/_sim/versions/v42`, { method: "PUT", body: JSON.stringify({ errorRate: 0.3 }) });
  expect(put.ok).toBe(true);
  const { shiftTraffic } = await import("./shift-traffic");
  w.as("operator");
  // Green has no traffic yet, so nothing can be said against it: the first canary needs no override.
  const first = await shiftTraffic({ appId: "shop", greenPercent: 25, expectedVersion: await currentVersion(), reason: "Canary" });
  expect(first).toMatchObject({ ok: true });
  if (!first.ok) return;
  expect(await w.runToCompletion(first.data.operationId)).toBe("succeeded");
  // DNS clients follow the weights behind their caches; then whole minutes of 5xx land in CloudWatch.
  await advanceTo(Date.now() - 5_000);
}, 240_000);

afterAll(async () => {
  await w?.close();
});

describe("a shift or promote onto a failing green", () => {
  it("is judged failing from CloudWatch, with both figures", async () => {
    const { currentGreenVerdict } = await import("./green-guard");
    const verdict = await currentGreenVerdict(w.rt, "shop");
    expect(verdict.status).toBe("failing");
    expect(verdict.windowMinutes).toBe(5);
    expect(verdict.figures).toMatch(/^green 5xx (2[5-9]|3[0-5])\.\d % vs blue 0(\.\d{1,2})? %$/);
    expect(verdict.green?.requests).toBeGreaterThan(500);
  });

  it("shows the verdict in the plan preview of the dialog", async () => {
    const { GET } = await import("@/app/api/apps/[appId]/plan/route");
    w.as("operator");
    const res = await GET(
      new NextRequest(new URL("/api/apps/shop/plan?intent=shift&greenPercent=50", "http://127.0.0.1:3000"), { headers: fakeHeaders() }),
      {
        params: Promise.resolve({ appId: "shop" }),
      },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { greenVerdict?: { status: string } };
    expect(body.greenVerdict?.status).toBe("failing");
  });

  it("is refused without the override and changes nothing", async () => {
    const { shiftTraffic } = await import("./shift-traffic");
    w.as("operator");
    const expectedVersion = await currentVersion();
    const before = await w.fingerprint();
    for (const input of [
      { appId: "shop", greenPercent: 50, expectedVersion, reason: "More canary" },
      { appId: "shop", greenPercent: 50, expectedVersion, reason: "More canary", override: "yes" },
      { appId: "shop", greenPercent: 100, expectedVersion, reason: "Promote" },
    ]) {
      const result = await shiftTraffic(input);
      expect(result).toMatchObject({ ok: false, code: "conflict", overrideRequired: true });
      if (!result.ok) {
        expect(result.message).toMatch(/^Green failing: green 5xx \d+\.\d % vs blue 0(\.\d{1,2})? % \(last 5 min\)\./);
        expect(result.message).toContain('type the application id "shop"');
      }
    }
    expect(await w.fingerprint()).toBe(before);
  });

  it("goes through with the typed override, and the audit keeps it", async () => {
    const { shiftTraffic } = await import("./shift-traffic");
    w.as("operator");
    const result = await shiftTraffic({
      appId: "shop",
      greenPercent: 50,
      expectedVersion: await currentVersion(),
      reason: "Load test of the fix",
      override: "shop",
    });
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(await w.runToCompletion(result.data.operationId)).toBe("succeeded");
    const op = await w.store.getOperation(result.data.operationId);
    expect(op?.reason).toMatch(
      /^Load test of the fix \[Override: Green failing: green 5xx \d+\.\d % vs blue 0(\.\d{1,2})? % \(last 5 min\); shifting more traffic to green anyway\.\]$/,
    );
    const audit = await w.store.listAudit({ limit: 200 });
    const started = audit.find((a) => a.operationId === result.data.operationId && a.action === "operation.started");
    expect(started?.reason).toContain("Override: Green failing");
  });

  it("lets traffic move away from green without an override", async () => {
    const { shiftTraffic } = await import("./shift-traffic");
    w.as("operator");
    const result = await shiftTraffic({ appId: "shop", greenPercent: 10, expectedVersion: await currentVersion(), reason: "Back off" });
    expect(result).toMatchObject({ ok: true });
    if (result.ok) expect(await w.runToCompletion(result.data.operationId)).toBe("succeeded");
  });
});
