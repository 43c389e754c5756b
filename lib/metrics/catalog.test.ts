import { describe, expect, it } from "vitest";
import { albTargetGroupQueries, classicElbQueries, ecsServiceQueries, observedShare, periodFor } from "./catalog";

describe("classicElbQueries", () => {
  it("asks for every classic ELB metric of both colours with valid, unique ids", () => {
    const qs = classicElbQueries({ blue: "shop-blue", green: "shop-green" }, 60);
    expect(qs).toHaveLength(16);
    expect(new Set(qs.map((q) => q.id)).size).toBe(16);
    for (const q of qs) expect(q.id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    const metrics = new Set(qs.map((q) => q.metricName));
    for (const m of ["Latency", "RequestCount", "SurgeQueueLength", "SpilloverCount", "BackendConnectionErrors"]) expect(metrics).toContain(m);
    expect(qs.find((q) => q.id === "green_surge_max")).toMatchObject({ stat: "Maximum", dimensions: { LoadBalancerName: "shop-green" } });
  });

  it("uses 1-minute points up to 3 h and 5-minute points beyond", () => {
    expect(periodFor(60)).toBe(60);
    expect(periodFor(180)).toBe(60);
    expect(periodFor(720)).toBe(300);
  });
});

describe("albTargetGroupQueries / ecsServiceQueries", () => {
  const dims = { loadBalancer: "app/catalog-alb/50dc6c495c0c9188", targetGroup: "targetgroup/catalog-green/73e2d6bc24d8a067" };

  it("asks for the ALB metrics of a colour's target group with TargetGroup + LoadBalancer dimensions", () => {
    const qs = albTargetGroupQueries("green", dims, 60);
    expect(qs.map((q) => q.id)).toEqual([
      "green_latency_avg",
      "green_latency_p99",
      "green_requests",
      "green_target_5xx",
      "green_rejected",
      "green_healthy_hosts",
      "green_unhealthy_hosts",
    ]);
    expect(qs.find((q) => q.id === "green_latency_p99")).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metricName: "TargetResponseTime",
      stat: "p99",
      dimensions: { TargetGroup: dims.targetGroup, LoadBalancer: dims.loadBalancer },
    });
    expect(qs.find((q) => q.id === "green_unhealthy_hosts")?.metricName).toBe("UnHealthyHostCount");
    // Published per load balancer only (docs/aws-behaviour.md §3.4).
    expect(qs.find((q) => q.id === "green_rejected")?.dimensions).toEqual({ LoadBalancer: dims.loadBalancer });
    expect(albTargetGroupQueries("blue", dims, 60, "shared")[0]?.id).toBe("shared_latency_avg");
  });

  it("asks for ECS CPU and memory per service", () => {
    expect(ecsServiceQueries("blue", { cluster: "prod", service: "orders-blue" }, 300)).toEqual([
      {
        id: "blue_cpu",
        namespace: "AWS/ECS",
        metricName: "CPUUtilization",
        dimensions: { ClusterName: "prod", ServiceName: "orders-blue" },
        stat: "Average",
        periodS: 300,
      },
      {
        id: "blue_memory",
        namespace: "AWS/ECS",
        metricName: "MemoryUtilization",
        dimensions: { ClusterName: "prod", ServiceName: "orders-blue" },
        stat: "Average",
        periodS: 300,
      },
    ]);
  });
});

describe("observedShare", () => {
  const now = Date.UTC(2026, 10, 26, 12, 10, 30);
  const minute = (m: number) => Date.UTC(2026, 10, 26, 12, m);

  it("uses only complete minutes in the window", () => {
    const blue = [minute(7), minute(8), minute(9), minute(10)].map((t) => ({ t, v: 75 }));
    const green = [minute(6), minute(7), minute(8), minute(9), minute(10)].map((t) => ({ t, v: 25 }));
    expect(observedShare(blue, green, now)).toEqual({ greenPercent: 25, blueRequests: 225, greenRequests: 75 });
  });

  it("is null without traffic, and 100 when only green served", () => {
    expect(observedShare([], [], now).greenPercent).toBeNull();
    expect(observedShare([], [{ t: minute(9), v: 3 }], now).greenPercent).toBe(100);
  });
});
