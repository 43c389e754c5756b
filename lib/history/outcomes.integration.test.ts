// Outcomes read from a real journal (SQLite and PostgreSQL), page by page: every operation of the
// window is read once, also when the rows of one millisecond straddle a page's end.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/domain/operation";
import type { Intent } from "@/lib/domain/intent";
import type { Store } from "@/lib/store/store";
import { DIALECTS, openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";
import { renderMetrics } from "@/lib/telemetry/metrics";
import { publishOutcomeMetrics } from "./outcome-metrics";
import { outcomeDaysOf, outcomeReport } from "./outcomes";

const operator: Actor = { id: "u-op", email: "operator@example.com", role: "operator" };
const NOW = Date.parse("2026-12-05T12:00:00.000Z");

afterAll(async () => {
  await stopTestCluster();
});

describe("outcomeDaysOf", () => {
  it("takes an offered window and falls back to 30 days for anything else", () => {
    expect(outcomeDaysOf("7")).toBe(7);
    expect(outcomeDaysOf(["90", "7"])).toBe(90);
    expect(outcomeDaysOf(undefined)).toBe(30);
    expect(outcomeDaysOf("365")).toBe(30);
    expect(outcomeDaysOf("7; drop table")).toBe(30);
  });
});

describe.each(DIALECTS)("outcomeReport on %s", (dialect) => {
  let t: TestStore;
  let store: Store;

  beforeEach(async () => {
    t = await openTestStore(dialect, { now: () => NOW });
    store = t.store;
  });

  afterEach(async () => {
    await t.cleanup();
  });

  /** Journals an operation created and started `minutesAgo` before NOW that ran `seconds`. */
  async function ran(id: string, appId: string, intent: Intent, minutesAgo: number, seconds: number, createdAt?: string): Promise<void> {
    const started = new Date(NOW - minutesAgo * 60_000);
    await store.createOperation({
      id,
      appId,
      pattern: "dns-weighted",
      intent,
      summary: id,
      actor: operator,
      reason: "test",
      steps: [],
      createdAt: createdAt ?? started.toISOString(),
      before: { greenPercent: 0 },
      after: { greenPercent: intent.kind === "shift" ? intent.greenPercent : 0 },
    });
    await store.updateOperation(id, {
      status: "succeeded",
      startedAt: started.toISOString(),
      finishedAt: new Date(started.getTime() + seconds * 1000).toISOString(),
    });
  }

  it("computes each application's figures from the journal, pages of 3 reading what one page reads", async () => {
    // shop: two changes, the second rolled back 5 minutes after it started; orders: one, kept.
    await ran("s1", "shop", { kind: "shift", greenPercent: 25 }, 120, 30);
    await ran("s2", "shop", { kind: "shift", greenPercent: 50 }, 60, 30);
    await ran("r1", "shop", { kind: "rollback" }, 55, 40);
    await ran("o1", "orders", { kind: "promote" }, 30, 20);
    // Two operations created in one millisecond: with pages of 3 they straddle a page's end.
    const sameMs = new Date(NOW - 20 * 60_000).toISOString();
    for (const id of ["x1", "x2"]) await ran(id, "search", { kind: "standby-enter", color: "blue" }, 20, 5, sameMs);
    // Outside the 7-day window.
    await ran("old", "shop", { kind: "shift", greenPercent: 10 }, 60 * 24 * 8, 30);

    const whole = await outcomeReport(store, ["shop", "orders", "search"], 7, { now: NOW });
    const paged = await outcomeReport(store, ["shop", "orders", "search"], 7, { now: NOW, pageSize: 3 });
    expect(paged).toEqual(whole);
    expect(whole.partial).toBe(false);
    expect(whole.operations).toBe(6);
    const shop = whole.perApp.find((a) => a.appId === "shop");
    expect(shop).toMatchObject({
      changes: 2,
      failedChanges: 1,
      rollbacks: 1,
      rollbacksSucceeded: 1,
      medianDetectSeconds: 300,
      medianRollbackSeconds: 40,
    });
    expect(whole.perApp.find((a) => a.appId === "orders")).toMatchObject({ changes: 1, failedChanges: 0, changeFailureRate: 0 });
    expect(whole.perApp.find((a) => a.appId === "search")).toMatchObject({ changes: 0, changeFailureRate: null });
    expect(whole.fleet).toMatchObject({ changes: 3, failedChanges: 1 });

    // Thirty days reach the old shift: a third change for shop, not rolled back.
    const month = await outcomeReport(store, ["shop"], 30, { now: NOW });
    expect(month.perApp[0]).toMatchObject({ changes: 3, failedChanges: 1 });
  });

  it("exports each configured application's figures as gauges, and none for an application that is not configured", async () => {
    await ran("s1", "shop", { kind: "shift", greenPercent: 25 }, 60, 30);
    await ran("r1", "shop", { kind: "rollback" }, 50, 45);
    await ran("g1", "gone", { kind: "promote" }, 40, 10);
    await publishOutcomeMetrics(store, ["shop", "orders"], { now: NOW, force: true });
    const text = renderMetrics();
    expect(text).toContain('teal_changes{app="shop"} 1');
    expect(text).toContain('teal_changes{app="orders"} 0');
    expect(text).toContain('teal_changes_rolled_back{app="shop"} 1');
    expect(text).toContain('teal_change_failure_ratio{app="shop"} 1');
    expect(text).toContain('teal_time_to_detect_median_seconds{app="shop"} 600');
    expect(text).toContain('teal_time_to_rollback_median_seconds{app="shop"} 45');
    // No change for orders: no ratio and no times, rather than a zero that reads as "never fails".
    expect(text).not.toContain('teal_change_failure_ratio{app="orders"}');
    expect(text).not.toContain('app="gone"');
  });

  it("says the figures are partial when one millisecond holds more operations than a page, and reads on before it", async () => {
    const sameMs = new Date(NOW - 10 * 60_000).toISOString();
    for (const id of ["y1", "y2", "y3", "y4"]) await ran(id, "search", { kind: "standby-enter", color: "blue" }, 10, 5, sameMs);
    await ran("s1", "shop", { kind: "shift", greenPercent: 25 }, 60, 30);
    await ran("r1", "shop", { kind: "rollback" }, 50, 30);
    const paged = await outcomeReport(store, ["shop"], 7, { now: NOW, pageSize: 3 });
    expect(paged.partial).toBe(true);
    expect(paged.perApp[0]).toMatchObject({ changes: 1, failedChanges: 1, medianDetectSeconds: 600 });
    expect((await outcomeReport(store, ["shop"], 7, { now: NOW })).partial).toBe(false);
  });
});
