/**
 * Each colour's 5xx rate, minute by minute, for the wall's sparkline: from the CloudWatch series the
 * snapshot already read (the same series lib/metrics/green-window.ts judges green with; no extra
 * AWS call). Pure.
 */

import type { Color } from "@/lib/domain/basics";
import type { MetricSeries } from "@/lib/domain/snapshot";
import type { WallErrorRates } from "@/lib/domain/wall";

/** The same metric names green-window.ts reads: classic ELB and ALB target group alike. */
const REQUESTS = new Set(["RequestCount"]);
const ERRORS = new Set(["HTTPCode_Backend_5XX", "HTTPCode_Target_5XX_Count"]);

/** Minutes the sparkline spans. */
export const WALL_ERROR_MINUTES = 15;

function find(series: MetricSeries[], color: Color, names: Set<string>): MetricSeries | undefined {
  return series.find((s) => s.color === color && names.has(s.metric) && s.stat === "Sum");
}

function sumAt(s: MetricSeries | undefined, fromMs: number, toMs: number): number {
  let total = 0;
  for (const p of s?.points ?? []) if (p.t >= fromMs && p.t < toMs) total += p.v;
  return total;
}

/**
 * 5xx per request for each whole minute in the `minutes` before `endMs` (the end of the last whole
 * minute the snapshot asked CloudWatch for). A minute without requests is null: a gap, not a zero.
 * Where CloudWatch cannot tell blue's requests from green's, the answer says so in words.
 */
export function wallErrorRates(series: MetricSeries[], endMs: number, minutes: number = WALL_ERROR_MINUTES): WallErrorRates {
  const requests = { blue: find(series, "blue", REQUESTS), green: find(series, "green", REQUESTS) };
  if (!requests.blue || !requests.green) {
    const shared = series.some((s) => s.color === null);
    return { kind: "none", text: shared ? "No 5xx per colour: one shared load balancer" : "No per-colour 5xx metrics" };
  }
  const end = Math.floor(endMs / 60_000) * 60_000;
  const rates = (color: Color): (number | null)[] => {
    const errors = find(series, color, ERRORS);
    const out: (number | null)[] = [];
    for (let i = minutes; i >= 1; i -= 1) {
      const from = end - i * 60_000;
      const n = sumAt(requests[color], from, from + 60_000);
      out.push(n > 0 ? Math.min(1, sumAt(errors, from, from + 60_000) / n) : null);
    }
    return out;
  };
  return { kind: "per-color", minutes, endMs: end, blue: rates("blue"), green: rates("green") };
}
