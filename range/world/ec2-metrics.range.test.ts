// The range's AWS/EC2 metrics over HTTP with the real CloudWatch client: what exists per Auto
// Scaling group and per instance, and what does not (no per-group AWS/ELB series, as on AWS).
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instanceCpuPercent } from "./ec2-metrics";
import { seedAsg } from "@/range/demo/seed-asg";
import { startTestRange, type TestRange } from "@/test/support/range";

let range: TestRange;
let cw: CloudWatchClient;

beforeAll(async () => {
  range = await startTestRange({ speed: 10 });
  await seedAsg(range.url);
  cw = new CloudWatchClient(range.clientConfig);
  for (let t = 0; t < 6 * 60_000; t += 5_000) {
    range.tick(5_000);
    await fetch(`${range.url}/_sim/health`);
  }
}, 120_000);

afterAll(async () => {
  cw?.destroy();
  await range?.close();
});

describe("AWS/EC2 CPUUtilization", () => {
  it("is published per AutoScalingGroupName and per InstanceId, in Percent", async () => {
    const byGroup = await cw.send(
      new ListMetricsCommand({
        Namespace: "AWS/EC2",
        MetricName: "CPUUtilization",
        Dimensions: [{ Name: "AutoScalingGroupName", Value: "payments-blue" }],
      }),
    );
    expect(byGroup.Metrics).toEqual([
      { Namespace: "AWS/EC2", MetricName: "CPUUtilization", Dimensions: [{ Name: "AutoScalingGroupName", Value: "payments-blue" }] },
    ]);
    const byInstance = await cw.send(
      new ListMetricsCommand({ Namespace: "AWS/EC2", MetricName: "CPUUtilization", Dimensions: [{ Name: "InstanceId" }] }),
    );
    // payments-blue 4, checkout-web 4, search-api: every running instance of the demo.
    expect(byInstance.Metrics?.length ?? 0).toBeGreaterThanOrEqual(8);
    const now = range.nowMs();
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 5 * 60_000),
        EndTime: new Date(Math.floor(now / 60_000) * 60_000),
        MetricDataQueries: [
          {
            Id: "avg",
            MetricStat: {
              Metric: { Namespace: "AWS/EC2", MetricName: "CPUUtilization", Dimensions: [{ Name: "AutoScalingGroupName", Value: "payments-blue" }] },
              Period: 60,
              Stat: "Average",
            },
          },
          {
            Id: "n",
            MetricStat: {
              Metric: { Namespace: "AWS/EC2", MetricName: "CPUUtilization", Dimensions: [{ Name: "AutoScalingGroupName", Value: "payments-blue" }] },
              Period: 60,
              Stat: "SampleCount",
            },
          },
        ],
      }),
    );
    const avg = out.MetricDataResults?.find((r) => r.Id === "avg")?.Values ?? [];
    expect(avg.length).toBeGreaterThan(2);
    for (const v of avg) expect(v).toBeGreaterThan(instanceCpuPercent(0));
    // One datapoint per instance and minute: the group's SampleCount is its running instances.
    expect(out.MetricDataResults?.find((r) => r.Id === "n")?.Values?.[0]).toBe(4);
  });

  it("has no per-group AWS/ELB series: a classic ELB is reported as a whole", async () => {
    const out = await cw.send(new ListMetricsCommand({ Namespace: "AWS/ELB", Dimensions: [{ Name: "AutoScalingGroupName" }] }));
    expect(out.Metrics ?? []).toEqual([]);
    const ids = await cw.send(new ListMetricsCommand({ Namespace: "AWS/ELB", Dimensions: [{ Name: "InstanceId" }] }));
    expect(ids.Metrics ?? []).toEqual([]);
  });

  it("reads idle for no load and grows with load, capped at 100", () => {
    expect(instanceCpuPercent(0)).toBe(3);
    expect(instanceCpuPercent(0.5)).toBeGreaterThan(instanceCpuPercent(0.1));
    expect(instanceCpuPercent(10)).toBeLessThanOrEqual(100);
  });
});
