/**
 * Random draws and splits the traffic models share (classic ELB and ALB alike): aggregate counts
 * per step, drawn from the world's seeded generator so a run is reproducible.
 */
import type { Prng } from "./prng";

/** Binomial(n, p) draw: exact for small n, normal approximation beyond. */
export function binomial(prng: Prng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n < 50) {
    let k = 0;
    for (let i = 0; i < n; i++) if (prng.next() < p) k++;
    return k;
  }
  const mean = n * p;
  return Math.min(n, Math.max(0, Math.round(mean + Math.sqrt(mean * (1 - p)) * prng.normal())));
}

/** Splits an integer total by weights (largest remainder), deterministically. */
export function splitInteger(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map((x) => Math.floor(x));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
    left--;
  }
  return out;
}

/** Median latency multiplier at utilisation u (0..1): flat at low load, steep near saturation (1/√(1−u), u capped at 0.95). */
export function loadFactor(u: number): number {
  const x = Math.min(0.95, Math.max(0, u));
  return 1 / Math.sqrt(1 - x);
}
