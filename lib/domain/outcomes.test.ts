import { describe, expect, it } from "vitest";
import type { Intent } from "./intent";
import type { Operation } from "./operation";
import { deliveryOutcomes, fleetOutcomes, isChange, median } from "./outcomes";

const WINDOW = { since: "2026-12-01T00:00:00.000Z", until: "2026-12-08T00:00:00.000Z" };

let next = 0;
/** An operation of `appId` started at `start` (minutes after 2026-12-05 10:00 UTC), lasting `seconds`. */
function op(appId: string, intent: Intent, start: number, seconds = 60, extra: Partial<Operation> = {}): Operation {
  const startedAt = new Date(Date.UTC(2026, 11, 5, 10, 0, 0) + start * 60_000).toISOString();
  const finishedAt = new Date(Date.parse(startedAt) + seconds * 1000).toISOString();
  next += 1;
  const share = "greenPercent" in intent ? intent.greenPercent : intent.kind === "promote" ? 100 : 0;
  return {
    id: `op-${String(next).padStart(4, "0")}`,
    appId,
    pattern: "dns-weighted",
    intent,
    summary: intent.kind,
    status: "succeeded",
    actor: { id: "demo:operator", email: "operator@example.com", role: "operator" },
    reason: "test",
    createdAt: startedAt,
    startedAt,
    finishedAt,
    error: null,
    steps: [],
    before: { greenPercent: intent.kind === "rollback" ? 25 : 0 },
    after: { greenPercent: share },
    ...extra,
  };
}

const shift = (greenPercent: number): Intent => ({ kind: "shift", greenPercent });
const rollback: Intent = { kind: "rollback" };

describe("isChange", () => {
  it("counts shifts that raise green's share, promotes and deploys; not shifts down, rollbacks, standby or scaling", () => {
    expect(isChange(op("shop", shift(25), 0))).toBe(true);
    expect(isChange(op("shop", { kind: "promote" }, 0))).toBe(true);
    expect(isChange(op("shop", { kind: "deploy-revision", taskDefinition: "notifications:42" }, 0))).toBe(true);
    expect(isChange(op("shop", shift(10), 0, 60, { before: { greenPercent: 50 }, after: { greenPercent: 10 } }))).toBe(false);
    expect(isChange(op("shop", rollback, 0))).toBe(false);
    expect(isChange(op("shop", { kind: "standby-enter", color: "blue" }, 0))).toBe(false);
    expect(isChange(op("shop", { kind: "scale-green", capacity: 4 }, 0))).toBe(false);
  });

  it("without journaled ends (old rows), a shift to a share above zero counts", () => {
    const old = op("shop", shift(30), 0);
    delete old.before;
    delete old.after;
    expect(isChange(old)).toBe(true);
    expect(isChange({ ...old, intent: shift(0) })).toBe(false);
  });
});

describe("median", () => {
  it("is the middle value, or the mean of the two middle ones", () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });
});

describe("deliveryOutcomes", () => {
  it("counts a change rolled back before the next change as failed, with the times to detect and to roll back", () => {
    const ops = [
      op("shop", shift(25), 0), // rolled back 10 min later: failed, detected in 600 s
      op("shop", rollback, 10, 45), // 45 s
      op("shop", shift(25), 60), // not rolled back
      op("shop", { kind: "promote" }, 90), // rolled back 3 min later: failed, 180 s
      op("shop", rollback, 93, 15), // 15 s
    ];
    const [shop] = deliveryOutcomes(ops, WINDOW);
    expect(shop).toEqual({
      appId: "shop",
      changes: 3,
      failedChanges: 2,
      changeFailureRate: 2 / 3,
      rollbacks: 2,
      rollbacksSucceeded: 2,
      medianDetectSeconds: (600 + 180) / 2,
      medianRollbackSeconds: (45 + 15) / 2,
      lastRollbackAt: ops[4]?.startedAt,
    });
  });

  it("counts a rollback against the latest change only, and two rollbacks of one change once", () => {
    const ops = [op("shop", shift(10), 0), op("shop", shift(50), 5), op("shop", rollback, 7, 30), op("shop", rollback, 8, 20)];
    const [shop] = deliveryOutcomes(ops, WINDOW);
    expect(shop).toMatchObject({ changes: 2, failedChanges: 1, medianDetectSeconds: 120, rollbacks: 2, medianRollbackSeconds: 25 });
  });

  it("times only rollbacks that succeeded, counts the others, and keeps applications apart", () => {
    const ops = [
      op("shop", shift(25), 0),
      op("shop", rollback, 2, 30, { status: "failed", error: "AWS refused" }),
      op("orders", shift(25), 1),
      op("orders", rollback, 4, 12),
    ];
    const out = deliveryOutcomes(ops, WINDOW);
    const shop = out.find((o) => o.appId === "shop");
    const orders = out.find((o) => o.appId === "orders");
    expect(shop).toMatchObject({
      changes: 1,
      failedChanges: 1,
      rollbacks: 1,
      rollbacksSucceeded: 0,
      medianRollbackSeconds: null,
      medianDetectSeconds: 120,
    });
    expect(orders).toMatchObject({
      changes: 1,
      failedChanges: 1,
      rollbacks: 1,
      rollbacksSucceeded: 1,
      medianRollbackSeconds: 12,
      medianDetectSeconds: 180,
    });
  });

  it("leaves out operations that never started or started outside the window, and lists configured applications with none", () => {
    const never = op("shop", shift(25), 0, 60, { startedAt: null, status: "aborted" });
    const before = op("shop", shift(25), -60 * 24 * 10);
    const out = deliveryOutcomes([never, before, op("shop", rollback, 5)], WINDOW, ["shop", "orders"]);
    expect(out.map((o) => o.appId)).toEqual(["shop", "orders"]);
    expect(out[0]).toMatchObject({ changes: 0, failedChanges: 0, changeFailureRate: null, rollbacks: 1, medianDetectSeconds: null });
    expect(out[1]).toMatchObject({ changes: 0, rollbacks: 0, changeFailureRate: null, lastRollbackAt: null });
  });
});

describe("fleetOutcomes", () => {
  it("adds counts up and takes medians over every application's pairs, never pairing across applications", () => {
    const ops = [
      op("shop", shift(25), 0),
      op("orders", shift(25), 1),
      // orders' rollback comes after shop's change but is orders' own.
      op("orders", rollback, 3, 10),
      op("shop", rollback, 20, 50),
      op("search", shift(25), 2),
    ];
    const fleet = fleetOutcomes(ops, WINDOW);
    expect(fleet).toMatchObject({ appId: "*", changes: 3, failedChanges: 2, rollbacks: 2, rollbacksSucceeded: 2 });
    expect(fleet.changeFailureRate).toBeCloseTo(2 / 3);
    // shop: 1200 s, orders: 120 s.
    expect(fleet.medianDetectSeconds).toBe(660);
    expect(fleet.medianRollbackSeconds).toBe(30);
    expect(fleet.lastRollbackAt).toBe(ops[3]?.startedAt);
  });
});
