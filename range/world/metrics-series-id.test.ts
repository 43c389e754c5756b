import { describe, expect, it } from "vitest";
import { seriesId } from "./metrics";
import type { SimMetricKey } from "./state";

/** The original definition the fast version must reproduce exactly (listMetrics orders by it). */
function reference(key: SimMetricKey): string {
  const dims = [...key.dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  return JSON.stringify([key.namespace, key.metricName, dims.map((d) => [d.Name, d.Value])]);
}

describe("seriesId", () => {
  it("matches the JSON form with dimensions sorted by name, for sorted, unsorted, empty and escaped keys", () => {
    const keys: SimMetricKey[] = [
      { namespace: "AWS/ELB", metricName: "RequestCount", dimensions: [] },
      { namespace: "AWS/ELB", metricName: "Latency", dimensions: [{ Name: "LoadBalancerName", Value: "shop-blue" }] },
      {
        namespace: "AWS/ApplicationELB",
        metricName: "RequestCount",
        dimensions: [
          { Name: "TargetGroup", Value: "tg/x" },
          { Name: "LoadBalancer", Value: "app/a/1" },
        ],
      },
      {
        namespace: "AWS/ECS",
        metricName: "CPUUtilization",
        dimensions: [
          { Name: "ClusterName", Value: "c" },
          { Name: "ServiceName", Value: 'we"b\\\n' },
        ],
      },
    ];
    for (const key of keys) expect(seriesId(key)).toBe(reference(key));
    // The input is not reordered in place.
    expect(keys[2]?.dimensions.map((d) => d.Name)).toEqual(["TargetGroup", "LoadBalancer"]);
  });
});
