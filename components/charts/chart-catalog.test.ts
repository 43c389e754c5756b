import { describe, expect, it } from "vitest";
import type { Color } from "@/lib/domain/basics";
import type { MetricSeries } from "@/lib/domain/snapshot";
import { chartsForSeries } from "./chart-catalog";
import { lineStyle } from "./chart-palette";

function series(metric: string, stat: string, color: Color | null, unit: MetricSeries["unit"] = "Count"): MetricSeries {
  return { id: `${color ?? "lb"}_${metric}_${stat}`, metric, stat, color, unit, points: [{ t: 0, v: 1 }] };
}

describe("chartsForSeries", () => {
  it("draws a shared load balancer as one neutral line with its own label", () => {
    const charts = chartsForSeries([
      series("Latency", "Average", null, "Seconds"),
      series("Latency", "p99", null, "Seconds"),
      series("RequestCount", "Sum", null),
    ]);
    expect(charts.map((c) => c.title)).toEqual(["Latency", "Requests"]);
    const latency = charts[0];
    expect(latency?.lines.map((l) => l.label)).toEqual(["Both colours avg", "Both colours p99"]);
    expect(latency?.lines.every((l) => l.color === null)).toBe(true);
    expect(latency?.lines[1]?.emphasis).toBe("secondary");
    expect(charts[1]?.lines.map((l) => l.label)).toEqual(["Both colours"]);
  });

  it("titles ALB and ECS metrics and orders blue before green", () => {
    const charts = chartsForSeries([
      series("CPUUtilization", "Average", "green", "Percent"),
      series("CPUUtilization", "Average", "blue", "Percent"),
      series("HTTPCode_Target_5XX_Count", "Sum", "blue"),
      series("TargetResponseTime", "p99", "blue", "Seconds"),
      series("TargetResponseTime", "Average", "blue", "Seconds"),
      series("RejectedConnectionCount", "Sum", null),
      series("HealthyHostCount", "Average", "green"),
      series("MemoryUtilization", "Average", "blue", "Percent"),
    ]);
    expect(charts.map((c) => c.title)).toEqual(["Target response time", "Target 5xx", "Rejected connections", "CPU", "Memory", "Healthy hosts"]);
    expect(charts[0]?.lines.map((l) => l.label)).toEqual(["Blue avg", "Blue p99"]);
    expect(charts[3]?.lines.map((l) => l.label)).toEqual(["Blue", "Green"]);
    expect(charts[3]?.unit).toBe("Percent");
    expect(charts[2]?.lines[0]?.label).toBe("Both colours");
  });

  it("says on a shared chart that AWS reports the load balancer or target group as a whole, and only there", () => {
    const charts = chartsForSeries([
      { ...series("RequestCount", "Sum", null), sharedBy: "target-group" },
      { ...series("HTTPCode_Backend_5XX", "Sum", null), sharedBy: "load-balancer" },
      series("Latency", "Average", null, "Seconds"),
      series("CPUUtilization", "Average", "blue", "Percent"),
      series("CPUUtilization", "Average", "green", "Percent"),
    ]);
    const note = (title: string) => charts.find((c) => c.title === title)?.note;
    expect(note("Requests")).toBe("One series for both colours: AWS reports this target group as a whole");
    expect(note("Backend 5xx")).toBe("One series for both colours: AWS reports this load balancer as a whole");
    expect(note("Latency")).toBe("One series for both colours: AWS reports this load balancer as a whole");
    expect(note("CPU")).toBeUndefined();
  });

  it("keeps a metric it does not know, under its own name, last", () => {
    const charts = chartsForSeries([series("Foo", "Sum", "blue"), series("RequestCount", "Sum", "blue")]);
    expect(charts.map((c) => c.title)).toEqual(["Requests", "Foo"]);
  });

  it("has no chart without series", () => {
    expect(chartsForSeries([])).toEqual([]);
  });
});

describe("lineStyle", () => {
  it("tells blue, green and the shared load balancer apart by dash, not colour alone", () => {
    const dashes = (["blue", "green", null] as const).map((color) => lineStyle({ color, emphasis: "main" }).dash);
    expect(new Set(dashes).size).toBe(3);
  });
});
