import type { Color } from "@/lib/domain/basics";
import type { MetricSeries } from "@/lib/domain/snapshot";
import { GREEN_WINDOW_MINUTES, type ColorWindow, type GreenJudgeInput } from "@/lib/domain/green-verdict";

/** The series names per metric family, classic ELB and ALB target group alike (see catalog.ts). */
const REQUESTS = new Set(["RequestCount"]);
const ERRORS = new Set(["HTTPCode_Backend_5XX", "HTTPCode_Target_5XX_Count"]);
const LATENCY = new Set(["Latency", "TargetResponseTime"]);

function find(series: MetricSeries[], color: Color, metrics: Set<string>, stat: string): MetricSeries | undefined {
  return series.find((s) => s.color === color && metrics.has(s.metric) && s.stat === stat);
}

function colorWindow(series: MetricSeries[], color: Color, fromMs: number, toMs: number): ColorWindow | null {
  const requests = find(series, color, REQUESTS, "Sum");
  if (!requests) return null;
  const inWindow = (p: { t: number }) => p.t >= fromMs && p.t < toMs;
  const countAt = new Map<number, number>();
  for (const p of requests.points.filter(inWindow)) countAt.set(p.t, (countAt.get(p.t) ?? 0) + p.v);
  const total = [...countAt.values()].reduce((a, v) => a + v, 0);
  const errors = (find(series, color, ERRORS, "Sum")?.points ?? []).filter(inWindow).reduce((a, p) => a + p.v, 0);
  // Minute values weighted by that minute's requests: exact for the mean (Average × count is the
  // sum); for p99 an approximation, since CloudWatch percentiles of different minutes cannot be merged.
  const weighted = (s: MetricSeries | undefined): number | null => {
    if (!s) return null;
    let sum = 0;
    let weight = 0;
    for (const p of s.points.filter(inWindow)) {
      const n = countAt.get(p.t) ?? 0;
      if (n <= 0) continue;
      sum += p.v * n;
      weight += n;
    }
    return weight > 0 ? (sum / weight) * 1000 : null;
  };
  return {
    requests: Math.round(total),
    errors: Math.round(errors),
    p99Ms: weighted(find(series, color, LATENCY, "p99")),
    meanMs: weighted(find(series, color, LATENCY, "Average")),
  };
}

/**
 * What the green judge needs, from the series of one snapshot: each colour's requests, 5xx and
 * latency over the `windowMinutes` whole minutes before `endMs` (the end of the last whole period
 * the snapshot asked CloudWatch for). Series shared by both colours (`color: null`), or request
 * counts of one colour only, cannot be compared: the input says so.
 */
export function greenJudgeInput(series: MetricSeries[], endMs: number, windowMinutes: number): GreenJudgeInput {
  const fromMs = endMs - windowMinutes * 60_000;
  const blue = colorWindow(series, "blue", fromMs, endMs);
  const green = colorWindow(series, "green", fromMs, endMs);
  if (blue && green) return { kind: "per-color", windowMinutes, blue, green };
  const sharedRequests = series.find((s) => s.color === null && REQUESTS.has(s.metric));
  if (sharedRequests?.sharedBy === "target-group") {
    return { kind: "shared", why: "Blue and green share one target group: CloudWatch counts their requests together, so Teal cannot compare them." };
  }
  if (series.some((s) => s.color === null)) {
    return { kind: "shared", why: "Blue and green share one load balancer: CloudWatch counts their requests together, so Teal cannot compare them." };
  }
  if (blue || green) {
    return {
      kind: "shared",
      why: "CloudWatch reports this application's requests for the whole service, not per colour, so Teal cannot compare them.",
    };
  }
  return { kind: "shared", why: "Teal reads no per-colour request metrics for this pattern, so it cannot compare green with blue." };
}

/**
 * Whether the green verdict (and the wall's 5xx sparkline, over the same series) reads a series'
 * points: a colour's requests, 5xx and latency. The overview reads only these; the others matter
 * only to a chart (greenJudgeInput answers the same with the others' points left out).
 */
export function judgeReads(s: Pick<MetricSeries, "color" | "metric" | "stat">): boolean {
  if (s.color === null) return false;
  if (s.stat === "Sum") return REQUESTS.has(s.metric) || ERRORS.has(s.metric);
  return LATENCY.has(s.metric) && (s.stat === "p99" || s.stat === "Average");
}

/** Which colours carried requests: each over the wall's 5xx span (its sparkline), and over the green verdict's window. */
export interface Traffic {
  blue: boolean;
  green: boolean;
  /** Green had requests in the verdict's window: it can be judged (against blue, or alone against absolute limits). */
  greenJudged: boolean;
  /** Both colours had requests in the verdict's window: blue's latency is compared with green's. */
  both: boolean;
}

/**
 * The traffic each colour carried, from its request counts per period up to `endMs` (exclusive):
 * each over `spanMinutes` (the wall's sparkline: lib/wall/errors.ts), and in the verdict's window.
 */
export function trafficOf(
  requests: { blue: readonly { t: number; v: number }[]; green: readonly { t: number; v: number }[] },
  endMs: number,
  spanMinutes: number,
): Traffic {
  const had = (points: readonly { t: number; v: number }[], minutes: number) =>
    points.some((p) => p.v > 0 && p.t >= endMs - minutes * 60_000 && p.t < endMs);
  const span = Math.max(spanMinutes, GREEN_WINDOW_MINUTES);
  const greenJudged = had(requests.green, GREEN_WINDOW_MINUTES);
  return {
    blue: had(requests.blue, span),
    green: had(requests.green, span),
    greenJudged,
    both: greenJudged && had(requests.blue, GREEN_WINDOW_MINUTES),
  };
}

/**
 * Whether a series the green verdict or the wall reads is worth reading with this traffic: requests
 * always (the observed share), a colour's 5xx while it carries requests (the sparkline, the verdict),
 * green's latency while green can be judged (with all the traffic it is held to absolute limits),
 * blue's while both carry requests (compared with green's).
 */
export function trafficReads(s: Pick<MetricSeries, "color" | "metric" | "stat">, traffic: Traffic): boolean {
  if (s.color === null) return false;
  if (s.stat === "Sum" && REQUESTS.has(s.metric)) return true;
  if (s.stat === "Sum" && ERRORS.has(s.metric)) return traffic[s.color];
  return s.color === "green" ? traffic.greenJudged : traffic.both;
}
