import { describe, expect, it } from "vitest";
import type { Color } from "@/lib/domain/basics";
import type { MetricSeries } from "@/lib/domain/snapshot";
import { thresholdJudge } from "@/lib/domain/green-verdict";
import { greenJudgeInput, trafficOf, trafficReads } from "./green-window";

const END = Date.UTC(2026, 0, 1, 12, 30);
const MIN = 60_000;

/** One point per minute for the `values.length` minutes before END (oldest first). */
function minutes(values: number[]): { t: number; v: number }[] {
  return values.map((v, i) => ({ t: END - (values.length - i) * MIN, v }));
}

function s(color: Color | null, metric: string, stat: string, values: number[]): MetricSeries {
  return {
    id: `${color ?? "lb"}_${metric}_${stat}`,
    metric,
    stat,
    color,
    unit: metric === "Latency" || metric === "TargetResponseTime" ? "Seconds" : "Count",
    points: minutes(values),
  };
}

describe("each colour's window from a snapshot's series", () => {
  it("sums requests and 5xx over the last 5 whole minutes and weights latency by requests (classic ELB)", () => {
    const series = [
      // Seven minutes: the two oldest fall outside the window.
      s("blue", "RequestCount", "Sum", [9999, 9999, 360, 360, 360, 360, 360]),
      s("blue", "HTTPCode_Backend_5XX", "Sum", [500, 500, 1, 2, 1, 2, 1]),
      s("blue", "Latency", "p99", [9, 9, 0.08, 0.08, 0.08, 0.08, 0.08]),
      s("blue", "Latency", "Average", [9, 9, 0.04, 0.04, 0.04, 0.04, 0.04]),
      s("green", "RequestCount", "Sum", [0, 0, 0, 100, 150, 150, 200]),
      s("green", "HTTPCode_Backend_5XX", "Sum", [0, 0, 0, 30, 45, 44, 60]),
      s("green", "Latency", "p99", [0, 0, 0, 0.2, 0.1, 0.1, 0.1]),
      s("green", "Latency", "Average", [0, 0, 0, 0.05, 0.03, 0.03, 0.03]),
    ];
    const input = greenJudgeInput(series, END, 5);
    expect(input).toEqual({
      kind: "per-color",
      windowMinutes: 5,
      blue: { requests: 1800, errors: 7, p99Ms: 80, meanMs: 40 },
      green: {
        requests: 600,
        errors: 179,
        p99Ms: expect.closeTo(((0.2 * 100 + 0.1 * 500) / 600) * 1000, 6),
        meanMs: expect.closeTo(((0.05 * 100 + 0.03 * 500) / 600) * 1000, 6),
      },
    });
    const verdict = thresholdJudge().judge(input);
    expect(verdict.status).toBe("failing");
    expect(verdict.figures).toBe("green 5xx 29.8 % vs blue 0.4 %");
  });

  it("reads ALB target-group series by their own names", () => {
    const series = [
      s("blue", "RequestCount", "Sum", [400, 400]),
      s("blue", "HTTPCode_Target_5XX_Count", "Sum", [0, 1]),
      s("blue", "TargetResponseTime", "p99", [0.1, 0.1]),
      s("green", "RequestCount", "Sum", [100, 100]),
      s("green", "HTTPCode_Target_5XX_Count", "Sum", [2, 0]),
      s("green", "TargetResponseTime", "p99", [0.5, 0.5]),
    ];
    const input = greenJudgeInput(series, END, 5);
    expect(input).toEqual({
      kind: "per-color",
      windowMinutes: 5,
      blue: { requests: 800, errors: 1, p99Ms: 100, meanMs: null },
      green: { requests: 200, errors: 2, p99Ms: 500, meanMs: null },
    });
    expect(thresholdJudge().judge(input).status).toBe("slower");
  });

  it("says there are no per-colour metrics when one load balancer serves both colours", () => {
    const series = [s(null, "RequestCount", "Sum", [800, 800]), s(null, "HTTPCode_Backend_5XX", "Sum", [200, 200])];
    const input = greenJudgeInput(series, END, 5);
    expect(input.kind).toBe("shared");
    const verdict = thresholdJudge().judge(input);
    expect(verdict.status).toBe("unavailable");
    expect(verdict.label).toBe("No per-colour metrics");
    expect(verdict.detail).toMatch(/share one load balancer/);
  });

  it("names the target group when blue and green share one (ecs-elb-swap), and judges per colour when each has its own", () => {
    const shared = greenJudgeInput(
      [
        { ...s(null, "RequestCount", "Sum", [800, 800]), sharedBy: "target-group" },
        s("blue", "CPUUtilization", "Average", [20]),
        s("green", "CPUUtilization", "Average", [20]),
      ],
      END,
      5,
    );
    expect(shared).toMatchObject({ kind: "shared", why: expect.stringMatching(/share one target group/) });
    const own = greenJudgeInput(
      [
        s("blue", "RequestCount", "Sum", [400, 400]),
        s("blue", "HTTPCode_Target_5XX_Count", "Sum", [1, 1]),
        s("green", "RequestCount", "Sum", [300, 300]),
        s("green", "HTTPCode_Target_5XX_Count", "Sum", [90, 90]),
      ],
      END,
      5,
    );
    expect(own).toMatchObject({ kind: "per-color", blue: { requests: 800, errors: 2 }, green: { requests: 600, errors: 180 } });
  });

  it("says so too when only the whole service is measured (a rolling update) or no requests at all (CPU only)", () => {
    expect(greenJudgeInput([s("green", "RequestCount", "Sum", [800])], END, 5)).toMatchObject({
      kind: "shared",
      why: expect.stringMatching(/whole service/),
    });
    expect(greenJudgeInput([s("blue", "CPUUtilization", "Average", [20]), s("green", "CPUUtilization", "Average", [20])], END, 5)).toMatchObject({
      kind: "shared",
    });
  });

  it("counts a colour with no points in the window as zero requests: not enough traffic yet", () => {
    const input = greenJudgeInput(
      [s("blue", "RequestCount", "Sum", [400, 400, 400]), { ...s("green", "RequestCount", "Sum", []), points: [] }],
      END,
      5,
    );
    expect(input).toMatchObject({ kind: "per-color", green: { requests: 0, errors: 0, p99Ms: null, meanMs: null } });
    expect(thresholdJudge().judge(input).status).toBe("insufficient");
  });
});

describe("trafficOf and trafficReads", () => {
  const MIN = 60_000;
  const end = 100 * MIN;
  const at = (minutesAgo: number, v: number) => ({ t: end - minutesAgo * MIN, v });
  const series = (color: "blue" | "green" | null, metric: string, stat: string) => ({ color, metric, stat });

  it("says which colours carried requests in the sparkline's span, and whether both did in the verdict's window", () => {
    const none = { blue: false, green: false, greenJudged: false, both: false };
    expect(trafficOf({ blue: [at(1, 500)], green: [] }, end, 15)).toEqual({ ...none, blue: true });
    expect(trafficOf({ blue: [at(1, 500)], green: [at(2, 0), at(1, 0)] }, end, 15)).toEqual({ ...none, blue: true });
    // Green's requests ten minutes ago: its 5xx still on the 15-minute sparkline, no verdict.
    expect(trafficOf({ blue: [at(1, 500)], green: [at(10, 40)] }, end, 15)).toEqual({ ...none, blue: true, green: true });
    expect(trafficOf({ blue: [at(1, 500)], green: [at(3, 40)] }, end, 15)).toEqual({ blue: true, green: true, greenJudged: true, both: true });
    // All on green (after a promote): green is judged alone.
    expect(trafficOf({ blue: [at(12, 500)], green: [at(1, 40)] }, end, 15)).toEqual({ blue: true, green: true, greenJudged: true, both: false });
    // Points at or after the end are not counted (the period still filling); nor those past the span.
    expect(trafficOf({ blue: [at(0, 500), at(16, 500)], green: [] }, end, 15)).toEqual(none);
  });

  it("reads requests always, a colour's 5xx while it carries requests, green's latency while it can be judged, blue's while both carry requests", () => {
    const quiet = { blue: true, green: false, greenJudged: false, both: false };
    const promoted = { blue: false, green: true, greenJudged: true, both: false };
    const split = { blue: true, green: true, greenJudged: true, both: true };
    expect(trafficReads(series("green", "RequestCount", "Sum"), quiet)).toBe(true);
    expect(trafficReads(series("blue", "HTTPCode_Target_5XX_Count", "Sum"), quiet)).toBe(true);
    expect(trafficReads(series("green", "HTTPCode_Target_5XX_Count", "Sum"), quiet)).toBe(false);
    expect(trafficReads(series("blue", "TargetResponseTime", "p99"), quiet)).toBe(false);
    expect(trafficReads(series("green", "HTTPCode_Backend_5XX", "Sum"), split)).toBe(true);
    expect(trafficReads(series("blue", "Latency", "Average"), split)).toBe(true);
    expect(trafficReads(series("green", "TargetResponseTime", "p99"), promoted)).toBe(true);
    expect(trafficReads(series("blue", "TargetResponseTime", "p99"), promoted)).toBe(false);
    expect(trafficReads(series(null, "RequestCount", "Sum"), split)).toBe(false);
  });
});
