import { describe, expect, it } from "vitest";
import { mannWhitney } from "./mann-whitney";

// Reference values: scipy.stats.mannwhitneyu(x, y, method="asymptotic") (scipy 1.17: normal
// approximation, tie correction, continuity correction, two-sided), statistic = U of x.
describe("Mann–Whitney U", () => {
  it("matches scipy without ties", () => {
    const r = mannWhitney([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.u).toBe(17);
    expect(r.pTwoSided).toBeCloseTo(0.11134688653314041, 6);
  });

  it("matches scipy with many ties (per-minute error rates mostly 0)", () => {
    const r = mannWhitney([0, 0, 1, 2, 0, 3, 1], [0, 0, 0, 1, 0, 0, 0, 0]);
    expect(r.u).toBe(41.5);
    expect(r.pTwoSided).toBeCloseTo(0.0717866422886419, 6);
  });

  it("matches scipy on a larger sample and is symmetric in its samples", () => {
    const x = [1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7, 8.8, 9.9, 10.5, 11.2, 12.8];
    const y = [3.0, 3.5, 4.1, 5.0, 5.2, 6.0, 7.1, 7.3];
    const r = mannWhitney(x, y);
    expect(r.u).toBe(63);
    expect(r.pTwoSided).toBeCloseTo(0.2632684493870402, 6);
    const swapped = mannWhitney(y, x);
    expect(swapped.u).toBe(x.length * y.length - 63);
    expect(swapped.pTwoSided).toBeCloseTo(r.pTwoSided, 12);
  });

  it("answers p = 1 when it cannot test (an empty sample, every value tied)", () => {
    expect(mannWhitney([], [1, 2]).pTwoSided).toBe(1);
    expect(mannWhitney([0, 0, 0], [0, 0]).pTwoSided).toBe(1);
  });
});
