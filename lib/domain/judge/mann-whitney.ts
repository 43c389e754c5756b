/**
 * The Mann–Whitney U test (Wilcoxon rank-sum) with the normal approximation, the tie correction
 * and the continuity correction — what Kayenta's canary judge runs per metric on the two
 * colours' per-minute values over a fixed window. Here it is the baseline the sequential judge is
 * measured against.
 */

import { normalUpperTail } from "./numeric";

export interface MannWhitneyResult {
  /** U of the first sample: the number of (x, y) pairs with x > y, ties counting ½. */
  u: number;
  /** n₁·n₂/2, U's mean when both samples come from one distribution. */
  meanU: number;
  /** Standard deviation of U under that null, tie-corrected; 0 when every value is tied. */
  sdU: number;
  /** The continuity-corrected z for the two-sided test (≥ 0). */
  z: number;
  /** Two-sided p-value (1 when it cannot be computed: an empty sample or all values tied). */
  pTwoSided: number;
}

/** Ranks 1…n of the pooled values, ties getting the mean of their ranks; also Σ(t³ − t) over tie groups. */
function pooledRanks(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length).fill(0);
  let tieTerm = 0;
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.v === order[start]?.v) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]?.i ?? 0] = rank;
    const t = end - start + 1;
    tieTerm += t * t * t - t;
    start = end + 1;
  }
  return { ranks, tieTerm };
}

export function mannWhitney(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if ([...x, ...y].some((v) => !Number.isFinite(v))) throw new RangeError("Mann–Whitney: values must be finite");
  const meanU = (n1 * n2) / 2;
  if (n1 === 0 || n2 === 0) return { u: 0, meanU, sdU: 0, z: 0, pTwoSided: 1 };
  const { ranks, tieTerm } = pooledRanks([...x, ...y]);
  let rankSumX = 0;
  for (let i = 0; i < n1; i++) rankSumX += ranks[i] ?? 0;
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const sdU = variance > 0 ? Math.sqrt(variance) : 0;
  if (sdU === 0) return { u, meanU, sdU, z: 0, pTwoSided: 1 };
  const z = Math.max(0, (Math.abs(u - meanU) - 0.5) / sdU);
  return { u, meanU, sdU, z, pTwoSided: Math.min(1, 2 * normalUpperTail(z)) };
}
