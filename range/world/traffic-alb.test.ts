import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  RegisterTargetsCommand,
  type Action,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client, type Change } from "@aws-sdk/client-route-53";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_VPC_ID, subnetOf } from "@/range/protocols/ec2";
import { parseStatistic, statisticValue } from "./metrics";
import { startTestRange, type TestRange } from "@/test/support/range";
import { configureTraffic } from "./traffic";
import { advance } from "./world";

let range: TestRange;
let elbv2: ElasticLoadBalancingV2Client;
let ec2: EC2Client;

beforeEach(async () => {
  range = await startTestRange({ instanceBootMs: 20_000, albProvisioningMs: 30_000, albActionDelayMs: 2_000 });
  configureTraffic(range.world, { seed: 7, wobble: false });
  for (const profile of range.world.versions.values()) {
    profile.errorRate = 0;
    profile.connectionErrorRate = 0;
  }
  elbv2 = new ElasticLoadBalancingV2Client(range.clientConfig);
  ec2 = new EC2Client(range.clientConfig);
});

afterEach(async () => {
  elbv2.destroy();
  ec2.destroy();
  await range.close();
});

/** Moves the clock and the world forward (as the next request or background tick would). */
function wait(ms: number): void {
  range.tick(ms);
  advance(range.world, range.metrics, range.nowMs());
}

let counter = 0;

async function alb(name: string): Promise<{ arn: string; dnsName: string; dim: string }> {
  const out = await elbv2.send(new CreateLoadBalancerCommand({ Name: name, Subnets: [subnetOf("us-east-1a"), subnetOf("us-east-1b")] }));
  const lb = out.LoadBalancers?.[0];
  if (lb?.LoadBalancerArn === undefined || lb.DNSName === undefined) throw new Error("no ALB");
  return { arn: lb.LoadBalancerArn, dnsName: lb.DNSName, dim: lb.LoadBalancerArn.split(":loadbalancer/")[1] ?? "" };
}

/** A target group with one instance of `version` registered (health check every 10 s). */
async function groupWithInstance(version: string): Promise<{ arn: string; dim: string; instanceId: string }> {
  counter += 1;
  const out = await elbv2.send(
    new CreateTargetGroupCommand({
      Name: `tg-${version}-${counter}`,
      Protocol: "HTTP",
      Port: 80,
      VpcId: DEFAULT_VPC_ID,
      HealthCheckIntervalSeconds: 10,
    }),
  );
  const arn = out.TargetGroups?.[0]?.TargetGroupArn;
  if (arn === undefined) throw new Error("no target group");
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: "ami-1",
      InstanceType: "t3.micro",
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: version }] }],
    }),
  );
  const instanceId = run.Instances?.[0]?.InstanceId;
  if (instanceId === undefined) throw new Error("no instance");
  await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: instanceId }] }));
  return { arn, dim: arn.slice(arn.lastIndexOf(":") + 1), instanceId };
}

function weights(blue: string, b: number, green: string, g: number, stickyS?: number): Action[] {
  return [
    {
      Type: "forward",
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: blue, Weight: b },
          { TargetGroupArn: green, Weight: g },
        ],
        TargetGroupStickinessConfig: stickyS === undefined ? { Enabled: false } : { Enabled: true, DurationSeconds: stickyS },
      },
    },
  ];
}

/** A statistic over [fromMs, toMs) from per-minute points (periods align to the period, so use 60 s). */
function metric(metricName: string, dims: { Name: string; Value: string }[], fromMs: number, toMs: number, stat = "Sum"): number | undefined {
  const parsed = parseStatistic(stat);
  if (parsed === undefined) throw new Error(stat);
  const points = range.metrics.statistics({
    key: { namespace: "AWS/ApplicationELB", metricName, dimensions: dims },
    startMs: fromMs,
    endMs: toMs,
    periodS: 60,
  });
  if (points.length === 0) return undefined;
  if (stat === "Sum") return points.reduce((s, p) => s + p.sum, 0);
  if (stat === "Average") return points.reduce((s, p) => s + p.sum, 0) / points.reduce((s, p) => s + p.sampleCount, 0);
  // Maximum, Minimum and percentiles: the extreme per-minute value is enough for these checks.
  const values = points.map((p) => statisticValue(p, parsed)).filter((v): v is number => v !== undefined);
  return stat === "Minimum" ? Math.min(...values) : Math.max(...values);
}

function lbDims(dim: string): { Name: string; Value: string }[] {
  return [{ Name: "LoadBalancer", Value: dim }];
}

function tgDims(lb: string, tg: string): { Name: string; Value: string }[] {
  return [
    { Name: "LoadBalancer", Value: lb },
    { Name: "TargetGroup", Value: tg },
  ];
}

/** A minute-aligned start after `ms` from now (so sums cover whole minutes). */
function nextMinute(): number {
  return Math.ceil(range.nowMs() / 60_000) * 60_000;
}

/** ALB with blue (100) and green (0) groups whose targets are healthy and traffic flows. */
async function blueGreen(stickyS?: number): Promise<{
  lb: Awaited<ReturnType<typeof alb>>;
  blue: Awaited<ReturnType<typeof groupWithInstance>>;
  green: Awaited<ReturnType<typeof groupWithInstance>>;
  listener: string;
}> {
  counter += 1;
  const lb = await alb(`shop-${counter}`);
  const blue = await groupWithInstance("v41");
  const green = await groupWithInstance("v42");
  const out = await elbv2.send(
    new CreateListenerCommand({ LoadBalancerArn: lb.arn, Protocol: "HTTP", Port: 80, DefaultActions: weights(blue.arn, 100, green.arn, 0, stickyS) }),
  );
  const listener = out.Listeners?.[0]?.ListenerArn;
  if (listener === undefined) throw new Error("no listener");
  wait(60_000);
  return { lb, blue, green, listener };
}

describe("ALB traffic", () => {
  it("takes a target initial → healthy after its first passing check, and only then serves it", async () => {
    counter += 1;
    const lb = await alb(`hc-${counter}`);
    const tg = await groupWithInstance("v1");
    await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.arn,
        Protocol: "HTTP",
        Port: 80,
        DefaultActions: [{ Type: "forward", TargetGroupArn: tg.arn }],
      }),
    );
    const state = async (): Promise<string | undefined> =>
      (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.arn }))).TargetHealthDescriptions?.[0]?.TargetHealth?.State;
    expect(await state()).toBe("initial");
    // The instance boots for 20 s; the first checks fail (Elb.InitialHealthChecking), then one pass.
    wait(10_000);
    const early = (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.arn }))).TargetHealthDescriptions?.[0]?.TargetHealth;
    expect(early).toMatchObject({ State: "initial", Reason: "Elb.InitialHealthChecking" });
    wait(20_000);
    expect(await state()).toBe("healthy");
    const from = nextMinute();
    wait(from - range.nowMs() + 120_000);
    expect(metric("HTTPCode_Target_2XX_Count", tgDims(lb.dim, tg.dim), from, from + 120_000)).toBeGreaterThan(0);
    expect(metric("HealthyHostCount", tgDims(lb.dim, tg.dim), from, from + 120_000, "Maximum")).toBe(1);
  });

  it("shows ≈10 % of RequestCount on green after a 90/10 ModifyListener and the weight delay", async () => {
    const { lb, blue, green, listener } = await blueGreen();
    expect(range.world.albs?.get(lb.arn)?.state).toBe("active");
    await elbv2.send(new ModifyListenerCommand({ ListenerArn: listener, DefaultActions: weights(blue.arn, 90, green.arn, 10) }));
    const rule = range.world.albs?.get(lb.arn)?.listeners[0]?.rules[0];
    const greenWeight = (): number | undefined => {
      const a = rule?.trafficActions[0];
      return a?.type === "forward" ? a.targetGroups[1]?.weight : undefined;
    };
    wait(1_000);
    expect(greenWeight()).toBe(0);
    wait(1_500);
    expect(greenWeight()).toBe(10);
    const from = nextMinute();
    wait(from - range.nowMs() + 5 * 60_000);
    const total = metric("RequestCount", lbDims(lb.dim), from, from + 5 * 60_000) ?? 0;
    const onGreen = metric("RequestCount", tgDims(lb.dim, green.dim), from, from + 5 * 60_000) ?? 0;
    const onBlue = metric("RequestCount", tgDims(lb.dim, blue.dim), from, from + 5 * 60_000) ?? 0;
    expect(total).toBeGreaterThan(10_000); // 40 rps direct traffic for 5 minutes
    expect(onBlue + onGreen).toBe(total);
    expect(onGreen / total).toBeGreaterThan(0.085);
    expect(onGreen / total).toBeLessThan(0.115);
    expect(metric("TargetResponseTime", lbDims(lb.dim), from, from + 5 * 60_000, "Average")).toBeGreaterThan(0.02);
    expect(metric("TargetResponseTime", tgDims(lb.dim, green.dim), from, from + 5 * 60_000, "p99")).toBeGreaterThan(0.02);
  });

  it("keeps sticky clients on their group: a 0/100 flip lags with stickiness, not without", async () => {
    const sticky = await blueGreen(600);
    await elbv2.send(
      new ModifyListenerCommand({ ListenerArn: sticky.listener, DefaultActions: weights(sticky.blue.arn, 0, sticky.green.arn, 100, 600) }),
    );
    wait(3_000);
    const from = nextMinute();
    wait(from - range.nowMs() + 60_000);
    const blueFirst = metric("RequestCount", tgDims(sticky.lb.dim, sticky.blue.dim), from, from + 60_000) ?? 0;
    const totalFirst = metric("RequestCount", lbDims(sticky.lb.dim), from, from + 60_000) ?? 0;
    // Cookies last 600 s: after about a minute most clients are still stuck to blue.
    expect(blueFirst / totalFirst).toBeGreaterThan(0.8);
    wait(60 * 60_000);
    const late = nextMinute();
    wait(late - range.nowMs() + 60_000);
    expect(metric("RequestCount", tgDims(sticky.lb.dim, sticky.blue.dim), late, late + 60_000) ?? 0).toBeLessThan(
      0.01 * (metric("RequestCount", lbDims(sticky.lb.dim), late, late + 60_000) ?? 1),
    );

    const plain = await blueGreen();
    await elbv2.send(new ModifyListenerCommand({ ListenerArn: plain.listener, DefaultActions: weights(plain.blue.arn, 0, plain.green.arn, 100) }));
    wait(3_000);
    const f2 = nextMinute();
    wait(f2 - range.nowMs() + 60_000);
    expect(metric("RequestCount", tgDims(plain.lb.dim, plain.blue.dim), f2, f2 + 60_000)).toBeUndefined();
  });

  it("fails open when every target is unhealthy, and answers 503 itself when there are none", async () => {
    const { lb, blue } = await blueGreen();
    const profile = range.world.versions.get("v41");
    if (profile === undefined) throw new Error("no profile");
    profile.healthy = false; // health checks fail, but the application still answers requests
    wait(30_000);
    const state = (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: blue.arn }))).TargetHealthDescriptions?.[0]?.TargetHealth;
    expect(state).toMatchObject({ State: "unhealthy", Reason: "Target.ResponseCodeMismatch" });
    const from = nextMinute();
    wait(from - range.nowMs() + 60_000);
    expect(metric("HTTPCode_Target_2XX_Count", tgDims(lb.dim, blue.dim), from, from + 60_000)).toBeGreaterThan(1_000);
    expect(metric("HTTPCode_ELB_5XX_Count", lbDims(lb.dim), from, from + 60_000)).toBeUndefined();
    expect(metric("UnHealthyHostCount", tgDims(lb.dim, blue.dim), from, from + 60_000, "Maximum")).toBe(1);
    expect(metric("HealthyHostCount", tgDims(lb.dim, blue.dim), from, from + 60_000, "Maximum")).toBe(0);

    counter += 1;
    const empty = await elbv2.send(new CreateTargetGroupCommand({ Name: `empty-${counter}`, Protocol: "HTTP", Port: 80, VpcId: DEFAULT_VPC_ID }));
    const emptyArn = empty.TargetGroups?.[0]?.TargetGroupArn ?? "";
    const lonely = await alb(`lonely-${counter}`);
    await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lonely.arn,
        Protocol: "HTTP",
        Port: 80,
        DefaultActions: [{ Type: "forward", TargetGroupArn: emptyArn }],
      }),
    );
    wait(31_000);
    const f2 = nextMinute();
    wait(f2 - range.nowMs() + 60_000);
    const requests = metric("RequestCount", lbDims(lonely.dim), f2, f2 + 60_000) ?? 0;
    expect(requests).toBeGreaterThan(1_000);
    expect(metric("HTTPCode_ELB_5XX_Count", lbDims(lonely.dim), f2, f2 + 60_000)).toBe(requests);
    expect(metric("HTTPCode_Target_5XX_Count", lbDims(lonely.dim), f2, f2 + 60_000)).toBeUndefined();
  });

  it("reports nothing for an ALB that is still provisioning", async () => {
    counter += 1;
    const lb = await alb(`new-${counter}`);
    const from = range.nowMs();
    wait(20_000);
    expect(metric("RequestCount", lbDims(lb.dim), from - 60_000, from + 60_000)).toBeUndefined();
  });

  it("routes weighted Route 53 alias records (dualstack. names) to ALBs, served through CloudWatch", async () => {
    const a = await blueGreen();
    const b = await blueGreen();
    const r53 = new Route53Client(range.clientConfig);
    const cw = new CloudWatchClient(range.clientConfig);
    try {
      const zone = await r53.send(new CreateHostedZoneCommand({ Name: "example.com", CallerReference: `z-${counter}` }));
      const zoneId = zone.HostedZone?.Id ?? "";
      const alias = (id: string, dnsName: string, weight: number): Change => ({
        Action: "CREATE",
        ResourceRecordSet: {
          Name: "shop.example.com",
          Type: "A",
          SetIdentifier: id,
          Weight: weight,
          AliasTarget: { HostedZoneId: "Z35SXDOTRQ7X7K", DNSName: `dualstack.${dnsName}`, EvaluateTargetHealth: true },
        },
      });
      await r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: { Changes: [alias("a", a.lb.dnsName, 3), alias("b", b.lb.dnsName, 1)] },
        }),
      );
      wait(60_000);
      const from = nextMinute();
      wait(from - range.nowMs() + 10 * 60_000);
      const onA = metric("RequestCount", lbDims(a.lb.dim), from, from + 10 * 60_000) ?? 0;
      const onB = metric("RequestCount", lbDims(b.lb.dim), from, from + 10 * 60_000) ?? 0;
      // One traffic name (40 rps) split 3:1; neither ALB gets direct traffic on top.
      expect(onA + onB).toBeGreaterThan(0.9 * 40 * 600);
      expect(onA + onB).toBeLessThan(1.1 * 40 * 600);
      expect(onA / (onA + onB)).toBeGreaterThan(0.65);
      expect(onA / (onA + onB)).toBeLessThan(0.85);
      const stats = await cw.send(
        new GetMetricStatisticsCommand({
          Namespace: "AWS/ApplicationELB",
          MetricName: "RequestCount",
          Dimensions: [{ Name: "LoadBalancer", Value: a.lb.dim }],
          StartTime: new Date(from),
          EndTime: new Date(from + 10 * 60_000),
          Period: 60,
          Statistics: ["Sum"],
        }),
      );
      expect(stats.Datapoints).toHaveLength(10);
      expect((stats.Datapoints ?? []).reduce((sum, d) => sum + (d.Sum ?? 0), 0)).toBe(onA);
    } finally {
      r53.destroy();
      cw.destroy();
    }
  });
});
