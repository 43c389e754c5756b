// Drift, end to end on the server: Teal shifts shop, someone changes the record weights with the
// real SDK behind Teal's back, and the snapshot, the overview summary and the wall say so at the
// next refresh; a viewer cannot re-assert, a responder can, through the engine (journaled and
// audited with the drift figures), and Route 53 holds Teal's weights again.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AppState } from "@/lib/domain/app-state";
import { startSecurityWorld, ADMIN, type SecurityWorld } from "@/test/security/harness";

vi.mock("next/headers", async () => (await import("@/test/security/fake-request")).fakeNextHeaders);

let w: SecurityWorld;

beforeAll(async () => {
  w = await startSecurityWorld();
}, 120_000);

afterAll(async () => {
  await w?.close();
});

async function shopState(): Promise<AppState> {
  const { observeApp } = await import("@/lib/runtime/observe");
  const app = w.rt.app("shop");
  if (!app) throw new Error("shop is not in the config");
  return (await observeApp(w.rt, app)).state;
}

/** Route 53 weights set with the SDK, not through Teal: a person in the AWS console. */
async function setWeightsBehindTealsBack(greenPercent: number): Promise<void> {
  const { planDnsWeighted } = await import("@/lib/patterns/dns-weighted");
  const { createAwsGateway } = await import("@/lib/aws/gateway");
  const planned = planDnsWeighted(await shopState(), { kind: "shift", greenPercent }, { waitScale: 1 });
  const call = planned.ok ? planned.plan.steps.find((s) => s.call)?.call : undefined;
  if (!call) throw new Error(planned.ok ? "no call" : planned.reason);
  await createAwsGateway(w.rt.clients("us-east-1")).call(call);
}

function weights(state: AppState): Record<string, number> {
  return Object.fromEntries((state.dns?.records ?? []).map((r) => [r.color, r.weight]));
}

describe("drift", () => {
  it("shows on the snapshot, the overview and the wall within one refresh; a responder re-asserts Teal's last state", async () => {
    const { planIntent } = await import("@/lib/runtime/plan-service");
    const { getSnapshotService } = await import("@/lib/runtime/snapshots");
    const { wallSnapshot } = await import("@/lib/wall/service");
    const { reassertDrift } = await import("@/lib/actions/reassert-drift");
    const app = w.rt.app("shop");
    if (!app) throw new Error("shop is not in the config");
    const snapshots = getSnapshotService(w.rt);

    const { result } = await planIntent(w.rt, app, { kind: "shift", greenPercent: 20 });
    if (!result.ok) throw new Error(result.reason);
    const shift = await w.rt.engine.start({ plan: result.plan, actor: ADMIN, reason: "canary" });
    expect(await w.runToCompletion(shift.operationId)).toBe("succeeded");
    snapshots.invalidate("shop");
    expect((await snapshots.snapshot("shop", 60)).drift).toBeNull();

    await setWeightsBehindTealsBack(40);
    // Shop's page is open (the snapshot route marks it so on every poll): it is read at the fast
    // interval, 1 s in this suite's runtime, and the next read after it sees the change.
    snapshots.watch("shop");
    await new Promise((resolve) => setTimeout(resolve, Number(w.rt.env.TEAL_REFRESH_MS) + 100));
    const expected = {
      kind: "share",
      actualGreenPercent: 40,
      expectedGreenPercent: 20,
      text: "green 40 %, expected 20 %",
      operation: { id: shift.operationId },
    };
    const snap = await snapshots.snapshot("shop", 60);
    expect(snap.drift).toMatchObject(expected);
    expect((await snapshots.summaries()).find((s) => s.id === "shop")?.drift).toMatchObject(expected);
    const tile = (await wallSnapshot()).apps.find((a) => a.appId === "shop");
    expect(tile?.alarms).toContainEqual({
      id: "drift",
      severity: "warning",
      text: "AWS differs from Teal's last operation: green 40 %, expected 20 %",
    });

    const input = { appId: "shop", referenceId: shift.operationId, expectedVersion: snap.state.version };
    w.as("viewer");
    expect(await reassertDrift(input)).toMatchObject({ ok: false, code: "forbidden" });
    w.as("responder");
    expect(await reassertDrift({ ...input, expectedVersion: "not-the-version" })).toMatchObject({ ok: false, code: "stale" });
    expect(await reassertDrift({ ...input, referenceId: "another-op" })).toMatchObject({ ok: false, code: "stale" });
    const started = await reassertDrift(input);
    if (!started.ok) throw new Error(started.message);
    expect(await w.runToCompletion(started.data.operationId)).toBe("succeeded");

    expect(weights(await shopState())).toEqual({ blue: 80, green: 20 });
    const op = await w.store.getOperation(started.data.operationId);
    expect(op).toMatchObject({ intent: { kind: "shift", greenPercent: 20 }, actor: { role: "responder" }, after: { greenPercent: 20 } });
    expect(op?.summary).toMatch(/^Re-assert last state: /);
    const audit = await w.store.listAudit({ appId: "shop", limit: 50 });
    const entry = audit.find((a) => a.action === "drift.reasserted");
    expect(entry).toMatchObject({
      operationId: started.data.operationId,
      actor: { email: "responder@example.com" },
      before: { kind: "share", greenPercent: 40, expectedGreenPercent: 20, referenceOperationId: shift.operationId },
      after: { intent: "shift", greenPercent: 20 },
    });
    expect(audit.some((a) => a.action === "operation.started" && a.operationId === started.data.operationId)).toBe(true);

    // Put back: nothing left to re-assert, and the snapshot says so at the next refresh.
    expect(await reassertDrift({ ...input, referenceId: started.data.operationId })).toMatchObject({ ok: false, code: "invalid" });
    snapshots.invalidate("shop");
    expect((await snapshots.snapshot("shop", 60)).drift).toBeNull();
  }, 60_000);
});
