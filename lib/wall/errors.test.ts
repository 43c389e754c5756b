import { describe, expect, it } from "vitest";
import type { MetricSeries } from "@/lib/domain/snapshot";
import { wallErrorRates } from "./errors";

const MIN = 60_000;
const END = 100 * MIN;

function s(metric: string, color: MetricSeries["color"], values: number[]): MetricSeries {
  // values[k] is the minute starting at END - (values.length - k) minutes.
  return {
    id: `${metric}-${color}`,
    metric,
    stat: "Sum",
    color,
    unit: "Count",
    points: values.map((v, k) => ({ t: END - (values.length - k) * MIN, v })),
  };
}

describe("wallErrorRates", () => {
  it("gives each colour's 5xx per request minute by minute, with gaps where a colour had no requests", () => {
    const series = [
      s("RequestCount", "blue", [100, 200, 100]),
      s("HTTPCode_Backend_5XX", "blue", [1, 0, 2]),
      s("RequestCount", "green", [0, 50, 100]),
      s("HTTPCode_Backend_5XX", "green", [0, 15, 30]),
    ];
    // A partial minute after the end is left out.
    expect(wallErrorRates(series, END + 30_000, 4)).toEqual({
      kind: "per-color",
      minutes: 4,
      endMs: END,
      blue: [null, 0.01, 0, 0.02],
      green: [null, null, 0.3, 0.3],
    });
  });

  it("reads ALB target-group series too", () => {
    const series = [s("RequestCount", "blue", [10]), s("HTTPCode_Target_5XX_Count", "blue", [5]), s("RequestCount", "green", [10])];
    expect(wallErrorRates(series, END, 1)).toMatchObject({ blue: [0.5], green: [0] });
  });

  it("says so in words where blue and green cannot be told apart, instead of drawing a line", () => {
    expect(wallErrorRates([s("RequestCount", null, [100])], END)).toEqual({ kind: "none", text: "No 5xx per colour: one shared load balancer" });
    expect(wallErrorRates([s("RequestCount", "blue", [100])], END)).toEqual({ kind: "none", text: "No per-colour 5xx metrics" });
    expect(wallErrorRates([], END).kind).toBe("none");
  });
});
