/**
 * A small seeded pseudo-random number generator for the practice range.
 *
 * The simulator never uses Math.random: every random choice (DNS answers, latency samples, fault
 * dice) comes from a seeded generator so a test run is reproducible from its seed.
 */

/** A seeded random source. `next()` returns a float in [0, 1). */
export interface Prng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** Standard normal deviate (mean 0, standard deviation 1). */
  normal(): number;
  /** Independent generator derived from this one (for sub-systems that must not disturb each other). */
  fork(): Prng;
}

/** The mulberry32 step: a 32-bit state, good enough statistical quality for simulation. */
function mulberry32Step(state: number): { state: number; value: number } {
  const s = (state + 0x6d2b79f5) | 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { state: s, value: ((t ^ (t >>> 14)) >>> 0) / 4294967296 };
}

/** Hashes a string to a 32-bit seed (FNV-1a), so seeds can be names like "traffic". */
export function seedFromString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Creates a mulberry32 generator. The same seed always yields the same sequence.
 * @param seed any number (truncated to 32 bits) or a string (hashed).
 */
export function createPrng(seed: number | string): Prng {
  let state = typeof seed === "string" ? seedFromString(seed) : seed >>> 0;
  // Box-Muller yields two deviates per pair of uniforms; keep the spare one.
  let spareNormal: number | undefined;

  const next = (): number => {
    const step = mulberry32Step(state);
    state = step.state;
    return step.value;
  };

  const prng: Prng = {
    next,
    int(maxExclusive: number): number {
      return Math.floor(next() * maxExclusive);
    },
    normal(): number {
      if (spareNormal !== undefined) {
        const value = spareNormal;
        spareNormal = undefined;
        return value;
      }
      // 1 - next() is in (0, 1], so the logarithm is finite.
      const u1 = 1 - next();
      const u2 = next();
      const radius = Math.sqrt(-2 * Math.log(u1));
      spareNormal = radius * Math.sin(2 * Math.PI * u2);
      return radius * Math.cos(2 * Math.PI * u2);
    },
    fork(): Prng {
      return createPrng(Math.floor(next() * 4294967296));
    },
  };
  return prng;
}
