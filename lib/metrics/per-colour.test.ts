import { describe, expect, it } from "vitest";
import { toSdkQuery } from "@/lib/aws/cloudwatch";
import { SHARED_CHART_NOTE } from "@/components/charts/chart-catalog";
import {
  MAX_INSTANCES_PER_COLOUR,
  SHARED_NOTE,
  groupCpuPlan,
  instanceCpuPlan,
  mergePlans,
  perColourTargetGroupPlan,
  serviceUtilisationPlan,
  sharedClassicElbPlan,
  sharedTargetGroupPlan,
} from "./per-colour";

const TG = { loadBalancer: "app/orders-alb/0123456789abcdef", targetGroup: "targetgroup/orders-tg/fedcba9876543210" };

describe("a classic ELB both colours share", () => {
  const plan = sharedClassicElbPlan("payments-lb", 60);
  it("asks AWS/ELB by LoadBalancerName only: it has no per-group dimension", () => {
    expect(plan.queries.find((q) => q.id === "lb_requests")).toEqual({
      id: "lb_requests",
      namespace: "AWS/ELB",
      metricName: "RequestCount",
      dimensions: { LoadBalancerName: "payments-lb" },
      stat: "Sum",
      periodS: 60,
    });
    for (const q of plan.queries) expect("dimensions" in q && Object.keys(q.dimensions)).toEqual(["LoadBalancerName"]);
  });
  it("marks every series as one for both colours, and measures no per-colour share", () => {
    expect(plan.series.every((s) => s.color === null && s.sharedBy === "load-balancer")).toBe(true);
    expect(plan.requests).toBeNull();
  });
});

describe("per Auto Scaling group CPU (asg-swap)", () => {
  it("asks AWS/EC2 CPUUtilization Average by AutoScalingGroupName, one per colour", () => {
    const plan = groupCpuPlan({ blue: "payments-blue", green: "payments-green" }, 60);
    expect(plan.queries).toEqual([
      {
        id: "blue_cpu",
        namespace: "AWS/EC2",
        metricName: "CPUUtilization",
        dimensions: { AutoScalingGroupName: "payments-blue" },
        stat: "Average",
        periodS: 60,
      },
      {
        id: "green_cpu",
        namespace: "AWS/EC2",
        metricName: "CPUUtilization",
        dimensions: { AutoScalingGroupName: "payments-green" },
        stat: "Average",
        periodS: 60,
      },
    ]);
    expect(plan.series.map((s) => [s.id, s.color, s.unit])).toEqual([
      ["blue_cpu", "blue", "Percent"],
      ["green_cpu", "green", "Percent"],
    ]);
  });
});

describe("per instance CPU averaged per colour (launch-swap)", () => {
  it("reads each instance (not returned) and returns AVG([...]) per colour", () => {
    const plan = instanceCpuPlan({ blue: ["i-b2", "i-b1", "i-b1"], green: ["i-g1"] }, 300);
    expect(plan.queries).toEqual([
      {
        id: "blue_cpu_i0",
        namespace: "AWS/EC2",
        metricName: "CPUUtilization",
        dimensions: { InstanceId: "i-b1" },
        stat: "Average",
        periodS: 300,
        returnData: false,
      },
      {
        id: "blue_cpu_i1",
        namespace: "AWS/EC2",
        metricName: "CPUUtilization",
        dimensions: { InstanceId: "i-b2" },
        stat: "Average",
        periodS: 300,
        returnData: false,
      },
      { id: "blue_cpu", expression: "AVG([blue_cpu_i0, blue_cpu_i1])", label: "blue instances CPU" },
      {
        id: "green_cpu_i0",
        namespace: "AWS/EC2",
        metricName: "CPUUtilization",
        dimensions: { InstanceId: "i-g1" },
        stat: "Average",
        periodS: 300,
        returnData: false,
      },
      { id: "green_cpu", expression: "AVG([green_cpu_i0])", label: "green instances CPU" },
    ]);
    expect(plan.series.map((s) => s.id)).toEqual(["blue_cpu", "green_cpu"]);
  });
  it("asks nothing for a colour without instances and caps a large colour", () => {
    const many = Array.from({ length: MAX_INSTANCES_PER_COLOUR + 20 }, (_, i) => `i-${String(i).padStart(4, "0")}`);
    const plan = instanceCpuPlan({ blue: many, green: [] }, 60);
    expect(plan.queries.filter((q) => q.id.startsWith("green"))).toEqual([]);
    expect(plan.queries.filter((q) => "returnData" in q)).toHaveLength(MAX_INSTANCES_PER_COLOUR);
  });
  it("becomes a CloudWatch expression query and hidden inputs on the wire", () => {
    const [input, , expression] = instanceCpuPlan({ blue: ["i-1", "i-2"], green: [] }, 60).queries;
    expect(input && toSdkQuery(input)).toMatchObject({
      Id: "blue_cpu_i0",
      ReturnData: false,
      MetricStat: { Metric: { Namespace: "AWS/EC2", Dimensions: [{ Name: "InstanceId", Value: "i-1" }] } },
    });
    expect(expression && toSdkQuery(expression)).toEqual({
      Id: "blue_cpu",
      Expression: "AVG([blue_cpu_i0, blue_cpu_i1])",
      ReturnData: true,
      Label: "blue instances CPU",
    });
  });
});

describe("ALB target groups", () => {
  it("one target group for both colours: TargetGroup + LoadBalancer once, marked shared", () => {
    const plan = sharedTargetGroupPlan(TG, 60);
    expect(plan.queries.find((q) => q.id === "shared_target_5xx")).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metricName: "HTTPCode_Target_5XX_Count",
      stat: "Sum",
      dimensions: { TargetGroup: TG.targetGroup, LoadBalancer: TG.loadBalancer },
    });
    expect(plan.series.find((s) => s.metric === "RequestCount")).toMatchObject({ color: null, sharedBy: "target-group" });
    expect(plan.series.find((s) => s.metric === "RejectedConnectionCount")).toMatchObject({ color: null, sharedBy: "load-balancer" });
    expect(plan.requests).toBeNull();
  });
  it("a target group per colour: per-colour requests, 5xx and latency, and the observed share", () => {
    const green = { ...TG, targetGroup: "targetgroup/orders-green/1111111111111111" };
    const plan = perColourTargetGroupPlan({ blue: TG, green }, 60);
    expect(plan.requests).toEqual({ blue: "blue_requests", green: "green_requests" });
    expect(plan.queries.find((q) => q.id === "green_requests")).toMatchObject({
      dimensions: { TargetGroup: green.targetGroup, LoadBalancer: TG.loadBalancer },
    });
    expect(plan.series.filter((s) => s.metric === "HTTPCode_Target_5XX_Count").map((s) => s.color)).toEqual(["blue", "green"]);
    expect(plan.series.filter((s) => s.metric === "RejectedConnectionCount")).toEqual([
      expect.objectContaining({ color: null, sharedBy: "load-balancer" }),
    ]);
  });
});

describe("ECS services and merging", () => {
  it("asks AWS/ECS by ClusterName + ServiceName per colour and keeps ids distinct when merged", () => {
    const plan = mergePlans(sharedTargetGroupPlan(TG, 60), serviceUtilisationPlan("prod", { blue: "orders-blue", green: "orders-green" }, 60));
    expect(plan.queries.find((q) => q.id === "green_memory")).toMatchObject({
      namespace: "AWS/ECS",
      dimensions: { ClusterName: "prod", ServiceName: "orders-green" },
    });
    const ids = plan.queries.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
  });
  it("says the same shared note as the charts", () => {
    expect(SHARED_NOTE).toEqual(SHARED_CHART_NOTE);
  });
});
