/**
 * End to end through the running practice range with the real SDK clients: load balancers and
 * instances created over the ELB and EC2 APIs, a Route 53 weighted cutover, and the traffic model's
 * result read back over CloudWatch.
 */
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand, type MetricDataQuery, type MetricDataResult } from "@aws-sdk/client-cloudwatch";
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand,
  ElasticLoadBalancingClient,
  RegisterInstancesWithLoadBalancerCommand,
} from "@aws-sdk/client-elastic-load-balancing";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client, type Change } from "@aws-sdk/client-route-53";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRange, type TestRange } from "@/test/support/range";

const MIN = 60_000;
let range: TestRange;
let cw: CloudWatchClient;
let elb: ElasticLoadBalancingClient;
let ec2: EC2Client;
let r53: Route53Client;

beforeAll(async () => {
  range = await startTestRange({
    instanceBootMs: 20_000,
    route53PropagationMs: 30_000,
    dnsClients: { clients: 200, ignoreTtlShare: 0, stickyMs: MIN, requestsPerSecond: 50 },
  });
  cw = new CloudWatchClient(range.clientConfig);
  elb = new ElasticLoadBalancingClient(range.clientConfig);
  ec2 = new EC2Client(range.clientConfig);
  r53 = new Route53Client(range.clientConfig);
});

afterAll(async () => {
  for (const c of [cw, elb, ec2, r53]) c.destroy();
  await range.close();
});

async function loadBalancer(name: string, version: string): Promise<string> {
  const created = await elb.send(
    new CreateLoadBalancerCommand({
      LoadBalancerName: name,
      Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 80 }],
      AvailabilityZones: ["us-east-1a", "us-east-1b"],
    }),
  );
  await elb.send(
    new ConfigureHealthCheckCommand({
      LoadBalancerName: name,
      HealthCheck: { Target: "HTTP:80/health", Interval: 10, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 3 },
    }),
  );
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: "ami-0abc",
      InstanceType: "t3.micro",
      MinCount: 2,
      MaxCount: 2,
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: version }] }],
    }),
  );
  await elb.send(
    new RegisterInstancesWithLoadBalancerCommand({
      LoadBalancerName: name,
      Instances: (run.Instances ?? []).map((i) => ({ InstanceId: i.InstanceId })),
    }),
  );
  return created.DNSName ?? "";
}

function weights(blueDns: string, greenDns: string, blue: number, green: number): Change[] {
  const record = (id: string, dns: string, weight: number): Change => ({
    Action: "UPSERT",
    ResourceRecordSet: { Name: "shop.example.com.", Type: "CNAME", SetIdentifier: id, Weight: weight, TTL: 60, ResourceRecords: [{ Value: dns }] },
  });
  return [record("blue", blueDns, blue), record("green", greenDns, green)];
}

/** Moves the clock in 10 s ticks with a request after each, as a polling console would. */
async function elapse(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10_000) {
    range.tick(Math.min(10_000, ms - t));
    await cw.send(new ListMetricsCommand({ Namespace: "AWS/ELB", MetricName: "HealthyHostCount" }));
  }
}

const q = (id: string, lb: string, metricName: string, stat: string): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: "AWS/ELB", MetricName: metricName, Dimensions: [{ Name: "LoadBalancerName", Value: lb }] },
    Period: 60,
    Stat: stat,
  },
});

function series(results: MetricDataResult[] | undefined, id: string): Map<number, number> {
  const r = results?.find((x) => x.Id === id);
  const out = new Map<number, number>();
  r?.Timestamps?.forEach((t, i) => out.set(t.getTime(), r.Values?.[i] ?? NaN));
  return out;
}

describe("practice range: traffic read back over CloudWatch", () => {
  it("shows boot-time 503s, then healthy traffic, then a weighted DNS cutover with its lag", async () => {
    const start = range.nowMs();
    const blueDns = await loadBalancer("shop-blue", "v41");
    const greenDns = await loadBalancer("shop-green", "v42");
    const zone = await r53.send(new CreateHostedZoneCommand({ Name: "example.com", CallerReference: "cw-range-test" }));
    const zoneId = zone.HostedZone?.Id ?? "";
    await r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: weights(blueDns, greenDns, 100, 0) } }));

    await elapse(5 * MIN);
    const cut = range.nowMs();
    await r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: weights(blueDns, greenDns, 0, 100) } }));
    await elapse(5 * MIN);

    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(range.nowMs()),
        ScanBy: "TimestampAscending",
        MetricDataQueries: [
          q("blueReq", "shop-blue", "RequestCount", "Sum"),
          q("greenReq", "shop-green", "RequestCount", "Sum"),
          q("blueElb5xx", "shop-blue", "HTTPCode_ELB_5XX", "Sum"),
          q("blue2xx", "shop-blue", "HTTPCode_Backend_2XX", "Sum"),
          q("blueHealthy", "shop-blue", "HealthyHostCount", "Maximum"),
          q("blueP50", "shop-blue", "Latency", "p50"),
          q("blueP99", "shop-blue", "Latency", "p99"),
        ],
      }),
    );
    const minuteOf = (ms: number) => Math.floor(ms / MIN) * MIN;
    const firstMinute = minuteOf(start);
    // Instances boot (20 s) and pass three 10 s checks: the first minute sees the LB's own 503s.
    expect(series(out.MetricDataResults, "blueElb5xx").get(firstMinute)).toBeGreaterThan(0);
    expect(Math.max(...series(out.MetricDataResults, "blueHealthy").values())).toBe(2);
    const healthyMinute = firstMinute + 3 * MIN;
    expect(series(out.MetricDataResults, "blue2xx").get(healthyMinute)).toBeGreaterThan(2_000);
    expect(series(out.MetricDataResults, "blueElb5xx").get(healthyMinute)).toBeUndefined();
    const p50 = series(out.MetricDataResults, "blueP50").get(healthyMinute) ?? 0;
    const p99 = series(out.MetricDataResults, "blueP99").get(healthyMinute) ?? 0;
    expect(p50).toBeGreaterThan(0.02);
    expect(p50).toBeLessThan(0.08);
    expect(p99).toBeGreaterThan(p50);

    // Before the cut green receives nothing (weight 0): no datapoints at all, not zeros.
    const greenReq = series(out.MetricDataResults, "greenReq");
    for (const t of greenReq.keys()) expect(t).toBeGreaterThanOrEqual(minuteOf(cut));
    // Propagation (30 s) + TTL (60 s): two whole minutes after the cut everything is on green.
    const settled = minuteOf(cut) + 2 * MIN;
    expect(series(out.MetricDataResults, "blueReq").get(settled)).toBeUndefined();
    expect(greenReq.get(settled)).toBeGreaterThan(2_000);
  });
});
