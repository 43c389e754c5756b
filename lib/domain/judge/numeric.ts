/** Small numeric helpers for the judge: stable log-sum-exp and the standard normal tail. */

/** log(Σ wᵢ·exp(xᵢ)) computed without overflow; −∞ when every weight is 0. */
export function logWeightedSumExp(logs: readonly number[], weights: readonly number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logs.length; i++) if ((weights[i] ?? 0) > 0 && (logs[i] ?? 0) > max) max = logs[i] ?? 0;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (let i = 0; i < logs.length; i++) sum += (weights[i] ?? 0) * Math.exp((logs[i] ?? 0) - max);
  return max + Math.log(sum);
}

/**
 * The complementary error function, erfc(x), to about 1e-7 relative accuracy (the Chebyshev fit of
 * Numerical Recipes' erfcc), enough for p-values.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** The anytime-valid p-value from the largest log e-value seen so far: min(1, 1/max E). */
export function pValueFromLogE(maxLogE: number): number {
  return Math.min(1, Math.exp(-maxLogE));
}
