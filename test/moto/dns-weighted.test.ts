// Proof on moto: Teal's dns-weighted pattern end to end against an AWS emulator the project did not
// write. moto is seeded through the SDK (its default VPC, two classic load balancers with two
// instances each, a hosted zone with a weighted pair), then Teal observes, plans and runs shift 25 %,
// promote and roll back through its engine, and every result is read back through Route 53.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  CreateLoadBalancerCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingClient,
  RegisterInstancesWithLoadBalancerCommand,
} from "@aws-sdk/client-elastic-load-balancing";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { getMetricData } from "@/lib/aws/cloudwatch";
import { classicElbQueries } from "@/lib/metrics/catalog";
import type { Runtime } from "@/lib/runtime/runtime";
import {
  appOf,
  configure,
  defaultNetwork,
  describeMotoMissing,
  IMAGE_ID,
  motoAvailable,
  observe,
  runIntentToEnd,
  startTealOnMoto,
  stepOutcomes,
  type TealOnMoto,
} from "./teal-on-moto";

describeMotoMissing("dns-weighted");

const ZONE = "moto-proof.example.com.";
const RECORD = "shop.moto-proof.example.com.";

describe.runIf(motoAvailable())("dns-weighted on moto", () => {
  let teal: TealOnMoto;
  let rt: Runtime;
  let route53: Route53Client;
  let zoneId = "";

  /** The weighted pair as Route 53 lists it: `setIdentifier:weight`, by set identifier. */
  async function weightsInRoute53(): Promise<string[]> {
    const out = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: RECORD, StartRecordType: "CNAME" }));
    return (out.ResourceRecordSets ?? [])
      .filter((r) => r.Name === RECORD && r.Type === "CNAME")
      .map((r) => `${r.SetIdentifier}:${r.Weight}`)
      .sort();
  }

  beforeAll(async () => {
    teal = await startTealOnMoto();
    rt = teal.rt;
    const client = teal.moto.clientConfig;
    route53 = new Route53Client(client);
    const ec2 = new EC2Client(client);
    const elb = new ElasticLoadBalancingClient(client);
    try {
      const net = await defaultNetwork(client);
      const zone = await route53.send(new CreateHostedZoneCommand({ Name: ZONE, CallerReference: "moto-proof-dns" }));
      zoneId = zone.HostedZone?.Id ?? "";
      const dnsNames: Record<string, string> = {};
      for (const [color, version] of [
        ["blue", "v1"],
        ["green", "v2"],
      ] as const) {
        await elb.send(
          new CreateLoadBalancerCommand({
            LoadBalancerName: `proof-${color}`,
            Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 80 }],
            Subnets: net.subnets.map((s) => s.id),
          }),
        );
        const run = await ec2.send(
          new RunInstancesCommand({
            ImageId: IMAGE_ID,
            InstanceType: "t3.micro",
            MinCount: 2,
            MaxCount: 2,
            SubnetId: net.subnets[0]?.id,
            TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: version }] }],
          }),
        );
        await elb.send(
          new RegisterInstancesWithLoadBalancerCommand({
            LoadBalancerName: `proof-${color}`,
            Instances: (run.Instances ?? []).map((i) => ({ InstanceId: i.InstanceId })),
          }),
        );
        const described = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: [`proof-${color}`] }));
        dnsNames[color] = described.LoadBalancerDescriptions?.[0]?.DNSName ?? "";
      }
      await route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: (["blue", "green"] as const).map((color) => ({
              Action: "CREATE",
              ResourceRecordSet: {
                Name: RECORD,
                Type: "CNAME",
                SetIdentifier: color,
                Weight: color === "blue" ? 100 : 0,
                TTL: 60,
                ResourceRecords: [{ Value: dnsNames[color] }],
              },
            })),
          },
        }),
      );
    } finally {
      ec2.destroy();
      elb.destroy();
    }
    configure(rt, [
      {
        id: "shop",
        name: "Shop",
        pattern: "dns-weighted",
        region: client.region,
        dns: { hostedZone: ZONE, recordName: RECORD, recordType: "CNAME" },
        blue: { setIdentifier: "blue", loadBalancer: "proof-blue" },
        green: { setIdentifier: "green", loadBalancer: "proof-green" },
      },
    ]);
  });

  afterAll(async () => {
    route53?.destroy();
    await teal?.close();
  });

  it("observes both colours: the weighted pair, each load balancer's instances and their versions", async () => {
    const { state } = await observe(rt, appOf(rt, "shop"));
    expect(state.dns?.hostedZoneId).toBe(zoneId.replace("/hostedzone/", ""));
    expect(state.dns?.records.map((r) => [r.color, r.weight, r.ttl])).toEqual([
      ["blue", 100, 60],
      ["green", 0, 60],
    ]);
    expect(state.configured.greenPercent).toBe(0);
    expect(state.environments.blue).toMatchObject({ version: "v1", healthy: 2, unhealthy: 0 });
    expect(state.environments.green).toMatchObject({ version: "v2", healthy: 2, unhealthy: 0 });
  });

  it("shifts green to 25 %, promotes to 100 and rolls back to 0, each read back through Route 53", async () => {
    const app = appOf(rt, "shop");
    const seen = await observe(rt, app);

    const shift = await runIntentToEnd(rt, app, { kind: "shift", greenPercent: 25 }, seen.state.version);
    expect(stepOutcomes(shift.operation)).toEqual(["check-green-healthy: succeeded", "change-weights: succeeded"]);
    expect(shift.operation.status).toBe("succeeded");
    expect(await weightsInRoute53()).toEqual(["blue:75", "green:25"]);
    // moto answers a change INSYNC at once (docs/moto.md, Route 53 changes): Teal's wait holds on its first poll.
    expect(shift.operation.steps[1]?.progress?.polls).toBe(1);

    const promote = await runIntentToEnd(rt, app, { kind: "promote" });
    expect(promote.operation.status).toBe("succeeded");
    expect(promote.before.configured.greenPercent).toBe(25);
    expect(await weightsInRoute53()).toEqual(["blue:0", "green:100"]);

    const rollback = await runIntentToEnd(rt, app, { kind: "rollback" });
    expect(stepOutcomes(rollback.operation)).toEqual(["change-weights: succeeded"]);
    expect(await weightsInRoute53()).toEqual(["blue:100", "green:0"]);
    const after = await observe(rt, app);
    expect(after.state.configured.greenPercent).toBe(0);
    expect(after.state.dns?.changeStatus).toBe("INSYNC");
  });

  it("reads CloudWatch with the observe: moto answers the classic ELB charts' GetMetricData while no data exists", async () => {
    const { metricsError, recent } = await observe(rt, appOf(rt, "shop"));
    expect(metricsError).toBeNull();
    expect(recent.series.map((s) => s.id)).toContain("blue_latency_p99");
    expect(recent.series.every((s) => s.points.length === 0)).toBe(true);
  });

  it("moto gap: once data exists, the p99 statistic answers 500, so Teal's observe keeps the state and says the metrics are unavailable", async () => {
    const cloudwatch = new CloudWatchClient({ ...teal.moto.clientConfig, disableRequestCompression: true });
    try {
      // moto takes data into AWS/ namespaces (AWS refuses it: docs/moto.md), which is how a test can give it some.
      // Two minutes ago: the observe reads whole minutes of the last hour.
      const now = new Date(Date.now() - 120_000);
      for (const color of ["blue", "green"]) {
        await cloudwatch.send(
          new PutMetricDataCommand({
            Namespace: "AWS/ELB",
            MetricData: [
              {
                MetricName: "RequestCount",
                Dimensions: [{ Name: "LoadBalancerName", Value: `proof-${color}` }],
                Timestamp: now,
                Value: 10,
                Unit: "Count",
              },
              {
                MetricName: "Latency",
                Dimensions: [{ Name: "LoadBalancerName", Value: `proof-${color}` }],
                Timestamp: now,
                Value: 0.05,
                Unit: "Seconds",
              },
            ],
          }),
        );
      }
      const app = appOf(rt, "shop");
      const { state, metricsError } = await observe(rt, app);
      expect(metricsError).toMatchObject({ code: "aws_error" });
      expect(state.observed.unmeasured).toBe("metrics unavailable");
      expect(state.configured.greenPercent).toBe(0);

      // The same queries without the p99 ones are answered, with the data just put.
      const queries = classicElbQueries({ blue: "proof-blue", green: "proof-green" }, 60);
      const start = new Date(now.getTime() - 10 * 60_000);
      const end = new Date(now.getTime() + 120_000);
      const without = await getMetricData(
        rt.clients(app.region).cloudwatch,
        queries.filter((q) => q.stat !== "p99"),
        start,
        end,
      );
      expect(without.results.find((r) => r.id === "blue_requests")?.points.map((p) => p.v)).toEqual([10]);
      const p99 = await getMetricData(
        rt.clients(app.region).cloudwatch,
        queries.filter((q) => q.stat === "p99"),
        start,
        end,
      ).catch((e: unknown) => e);
      expect(p99).toMatchObject({ code: "aws_error" });
    } finally {
      cloudwatch.destroy();
    }
  });
});
