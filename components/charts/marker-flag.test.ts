import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { OperationMarker } from "@/lib/domain/snapshot";
import { FLAG_HEIGHT, MarkerFlag, markerTitle } from "./marker-flag";

const marker: OperationMarker = {
  id: "op1",
  at: Date.UTC(2026, 0, 1, 14, 3, 12),
  actor: "operator@example.com",
  summary: "Shift to 25 %",
  reason: "canary",
  status: "succeeded",
};

describe("MarkerFlag", () => {
  it("stands above the plot (whose top is viewBox.y), so it covers no data point", () => {
    const svg = renderToStaticMarkup(createElement("svg", null, createElement(MarkerFlag, { marker, color: "#0d9488", viewBox: { x: 500, y: 16 } })));
    const translate = /translate\(([\d.-]+), ([\d.-]+)\)/.exec(svg);
    expect(translate?.slice(1).map(Number)).toEqual([500, 16 - FLAG_HEIGHT]);
    // Everything it draws lies between its own top and the plot's top edge.
    const ys = [...svg.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => Number(m[2]));
    expect(Math.max(...ys)).toBeLessThanOrEqual(FLAG_HEIGHT);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(0);
  });
  it("names the operation, who, why and when in UTC", () => {
    expect(markerTitle(marker)).toBe("Shift to 25 % (succeeded) by operator@example.com at 14:03:12 UTC — “canary”");
  });
});
