import { describe, expect, it } from "vitest";
import { createPrng, seedFromString } from "./prng";

describe("createPrng", () => {
  it("is reproducible from its seed", () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const seqA = Array.from({ length: 20 }, () => a.next());
    const seqB = Array.from({ length: 20 }, () => b.next());
    expect(seqA).toEqual(seqB);
    const c = createPrng(43);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
  });

  it("accepts string seeds", () => {
    expect(createPrng("traffic").next()).toBe(createPrng(seedFromString("traffic")).next());
    expect(seedFromString("a")).not.toBe(seedFromString("b"));
  });

  it("yields uniform floats in [0, 1) with the right mean", () => {
    const rng = createPrng(7);
    let sum = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const v = rng.next();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      sum += v;
    }
    expect(sum / n).toBeCloseTo(0.5, 1);
  });

  it("yields integers in range covering every value", () => {
    const rng = createPrng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const v = rng.int(6);
      expect(Number.isInteger(v)).toBe(true);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("yields standard normal deviates", () => {
    const rng = createPrng(3);
    const n = 20_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const v = rng.normal();
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / n;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(sumSq / n - mean * mean).toBeCloseTo(1, 1);
  });

  it("forks independent but reproducible generators", () => {
    const f1 = createPrng(9).fork();
    const f2 = createPrng(9).fork();
    expect(f1.next()).toBe(f2.next());
  });
});
