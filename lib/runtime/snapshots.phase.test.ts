import { describe, expect, it } from "vitest";
import { fleetAppId } from "@/range/demo/fleet";
import { phaseOf } from "./snapshots";

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
});
