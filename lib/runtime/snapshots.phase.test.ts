import { describe, expect, it } from "vitest";
import { fleetAppId } from "@/range/demo/fleet";
import { IDLE_GROUP_APPS, idlePhaseOf, phaseOf } from "./snapshots";

describe("phaseOf", () => {
  const ids = ["shop", "profile-service", "notifications", "catalog-api", "orders-service", "payments-api", "checkout-web", "search-api"];
  for (let i = 1; i <= 192; i++) ids.push(fleetAppId(i));

  it("is a share of the window, the same for the same id", () => {
    for (const id of ids) {
      expect(phaseOf(id)).toBeGreaterThanOrEqual(0);
      expect(phaseOf(id)).toBeLessThan(1);
      expect(phaseOf(id)).toBe(phaseOf(`${id}`));
    }
    expect(phaseOf("shop")).not.toBe(phaseOf("shop2"));
  });

  it("spreads 200 applications over the six 5 s polls of a 30 s window, none with much more than its share", () => {
    const perSlot = Array.from({ length: 6 }, () => 0);
    for (const id of ids) perSlot[Math.floor(phaseOf(id) * 6)] = (perSlot[Math.floor(phaseOf(id) * 6)] ?? 0) + 1;
    // An even spread is 33 a slot; all 200 in one slot is what the windows did before.
    for (const n of perSlot) expect(n).toBeLessThanOrEqual(50);
    expect(perSlot.reduce((a, b) => a + b, 0)).toBe(200);
  });

  it("groups a fleet's idle reads: 8 applications read together, 200 in ten groups of about 20 at even starts", () => {
    const demo = ids.slice(0, 8);
    for (const id of demo) expect(idlePhaseOf(id, demo.length)).toBe(0);
    const groups = new Map<number, number>();
    for (const id of ids) {
      const phase = idlePhaseOf(id, ids.length);
      // One of ten evenly spaced starts, and the group of the application's own hash phase.
      expect(Number.isInteger(Math.round(phase * 10 * 1e9) / 1e9)).toBe(true);
      expect(phase).toBeLessThanOrEqual(phaseOf(id));
      expect(phaseOf(id) - phase).toBeLessThan(0.1);
      groups.set(phase, (groups.get(phase) ?? 0) + 1);
    }
    expect(groups.size).toBe(Math.ceil(ids.length / IDLE_GROUP_APPS));
    for (const n of groups.values()) expect(n).toBeLessThanOrEqual(2 * IDLE_GROUP_APPS);
    // A group size of one is the old spread: each application at its own phase.
    expect(idlePhaseOf("shop", 8, 1)).toBe(Math.floor(phaseOf("shop") * 8) / 8);
  });
});
