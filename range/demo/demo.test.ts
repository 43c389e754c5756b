import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeInstanceHealthCommand, ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import { GetChangeCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoRange, WARMUP_MS, type DemoRange } from "./demo";

const HOUR = 3_600_000;
let range: DemoRange;
let startedAt: number;

beforeAll(async () => {
  startedAt = Date.now();
  range = await startDemoRange({ port: 0, historyMs: 3 * HOUR });
}, 60_000);

afterAll(async () => {
  await range.close();
});

function clientConfig(): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
  return { endpoint: range.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
}

describe("demo range", () => {
  // How long the backfill takes is a benchmark figure, not an assertion: on a loaded machine it varies.
  it("builds three hours of history and then runs on the wall clock", async () => {
    expect(range.backfillMs).toBeGreaterThan(0);
    // Any request advances the world to the wall clock, whatever the backfill left behind.
    await fetch(`${range.url}/_sim/health`);
    expect(Math.abs(range.world.nowMs - Date.now())).toBeLessThan(2_000);
    // The world was born before the history window (warm-up included).
    const firstLaunch = Math.min(...[...range.world.instances.values()].map((i) => i.launchedAtMs));
    expect(firstLaunch).toBeLessThan(startedAt - 3 * HOUR);
    expect(firstLaunch).toBeGreaterThan(startedAt - 3 * HOUR - WARMUP_MS - 60_000);
    expect(range.stats.total).toBe(0);
  });

  it("has the weighted records, in sync, pointing at the two load balancers", async () => {
    const r53 = new Route53Client(clientConfig());
    const blue = range.demo.environments.find((e) => e.color === "blue");
    const green = range.demo.environments.find((e) => e.color === "green");
    const out = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: range.demo.hostedZoneId, StartRecordName: "shop.example.com" }));
    expect(out.ResourceRecordSets?.filter((r) => r.Name === "shop.example.com.")).toEqual([
      { Name: "shop.example.com.", Type: "CNAME", SetIdentifier: "blue", Weight: 100, TTL: 60, ResourceRecords: [{ Value: blue?.dnsName }] },
      { Name: "shop.example.com.", Type: "CNAME", SetIdentifier: "green", Weight: 0, TTL: 60, ResourceRecords: [{ Value: green?.dnsName }] },
    ]);
    expect((await r53.send(new GetChangeCommand({ Id: range.demo.changeId }))).ChangeInfo?.Status).toBe("INSYNC");
    r53.destroy();
  });

  it("has three InService instances behind each load balancer, running the demo versions", async () => {
    const elb = new ElasticLoadBalancingClient(clientConfig());
    for (const env of range.demo.environments) {
      const health = await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: env.loadBalancerName }));
      expect(health.InstanceStates?.map((s) => s.State)).toEqual(["InService", "InService", "InService"]);
      for (const id of env.instanceIds) expect(range.world.instances.get(id)?.version).toBe(env.version);
    }
    expect(range.demo.environments.map((e) => [e.loadBalancerName, e.version])).toEqual([
      ["shop-blue", "v41"],
      ["shop-green", "v42"],
    ]);
    const blue = range.world.loadBalancers.get("shop-blue");
    expect(blue?.healthCheck).toEqual({ target: "HTTP:80/health", intervalS: 10, timeoutS: 5, unhealthyThreshold: 2, healthyThreshold: 3 });
    expect(blue?.connectionDraining).toEqual({ enabled: true, timeoutS: 60 });
    elb.destroy();
  });

  it("CloudWatch returns blue's request counts over the whole three hours", async () => {
    const cw = new CloudWatchClient(clientConfig());
    const end = new Date(Math.floor(Date.now() / 300_000) * 300_000);
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(end.getTime() - 3 * HOUR),
        EndTime: end,
        MetricDataQueries: [
          {
            Id: "blue",
            MetricStat: {
              Metric: { Namespace: "AWS/ELB", MetricName: "RequestCount", Dimensions: [{ Name: "LoadBalancerName", Value: "shop-blue" }] },
              Period: 300,
              Stat: "Sum",
            },
          },
        ],
      }),
    );
    const values = out.MetricDataResults?.[0]?.Values ?? [];
    expect(values).toHaveLength(36);
    expect(Math.min(...values)).toBeGreaterThan(0);
    cw.destroy();
  });
});
