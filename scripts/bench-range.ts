/**
 * Practice range benchmark (not a test): `npx tsx scripts/bench-range.ts [requests] [historyHours]`.
 *
 * Starts the demo range in this process (the demo world seeded through the SDK, with its metric
 * history backfilled, real clock), then, when the demo world has fewer than TARGET_INSTANCES
 * instances, tops it up with classic-ELB blue/green applications (a weighted CNAME pair, two load
 * balancers, instances behind each) until the world has 7 applications' worth of ~200 instances.
 * It then measures
 * - the world tick: the range's own 1 s background tick over an idle window (no requests), as the
 *   tick's handling time from /_sim/stats and as the process's CPU time, each as % of one core;
 * - per service, requests/s and client-side p50/p99 of one Describe call over sequential requests,
 *   and the range-side p50/p99 handling time of that call from /_sim/stats (advance included).
 * Goals: range-side p99 < 5 ms and tick < 5 % of one core.
 */
import { DescribeAutoScalingGroupsCommand, AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import {
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand,
  DescribeInstanceHealthCommand,
  ElasticLoadBalancingClient,
  RegisterInstancesWithLoadBalancerCommand,
} from "@aws-sdk/client-elastic-load-balancing";
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client, type Change } from "@aws-sdk/client-route-53";
import { startDemoRange } from "../range/demo/demo";
import type { RunningRange } from "../range/protocols/server";
import { percentile } from "../range/control/stats";

const REQUESTS = Number(process.argv[2] ?? 500);
const HISTORY_HOURS = Number(process.argv[3] ?? 3);
const TARGET_INSTANCES = 200;
const INSTANCES_PER_LB = 14;
const IDLE_WINDOW_MS = 10_000;

interface Row {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  rangeP50: number;
  rangeP99: number;
}

interface OperationView {
  count: number;
  p50Ms?: number;
  p99Ms?: number;
}

interface StatsView {
  tick?: { count: number; totalMs: number; maxMs: number };
  services: Record<string, { operations: Record<string, OperationView> }>;
}

async function stats(range: RunningRange, reset = false): Promise<StatsView> {
  const res = await fetch(`${range.url}/_sim/stats${reset ? "/reset" : ""}`, { method: reset ? "POST" : "GET" });
  return (await res.json()) as StatsView;
}

async function measure(range: RunningRange, name: string, service: string, operation: string, call: () => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < 20; i++) await call(); // warm-up: connections, JIT
  await stats(range, true);
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  const total = performance.now() - started;
  const op = (await stats(range)).services[service]?.operations[operation];
  return {
    name,
    requests: REQUESTS,
    rps: (REQUESTS / total) * 1000,
    p50: percentile(times, 50) ?? NaN,
    p99: percentile(times, 99) ?? NaN,
    rangeP50: op?.p50Ms ?? NaN,
    rangeP99: op?.p99Ms ?? NaN,
  };
}

async function main(): Promise<void> {
  const built = performance.now();
  const range = await startDemoRange({ port: 0, historyMs: HISTORY_HOURS * 3_600_000, seed: "bench" });
  const config = { endpoint: range.url, region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" }, maxAttempts: 1 };
  const r53 = new Route53Client(config);
  const elb = new ElasticLoadBalancingClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const ec2 = new EC2Client(config);
  const asg = new AutoScalingClient(config);
  const ecs = new ECSClient(config);
  const cw = new CloudWatchClient(config);
  try {
    const w = range.world;
    const demoInstances = w.instances.size;
    // Top up to the size of seven applications when the demo world is smaller.
    let padApps = 0;
    while (w.instances.size < TARGET_INSTANCES) {
      const changes: Change[] = [];
      for (const colour of ["blue", "green"] as const) {
        const name = `pad${padApps}-${colour}`;
        const lb = await elb.send(
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
            ImageId: "ami-0abc1234",
            InstanceType: "t3.micro",
            MinCount: INSTANCES_PER_LB,
            MaxCount: INSTANCES_PER_LB,
            TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: colour === "blue" ? "v41" : "v42" }] }],
          }),
        );
        await elb.send(
          new RegisterInstancesWithLoadBalancerCommand({
            LoadBalancerName: name,
            Instances: (run.Instances ?? []).map((i) => ({ InstanceId: i.InstanceId })),
          }),
        );
        changes.push({
          Action: "UPSERT",
          ResourceRecordSet: {
            Name: `pad${padApps}.example.com.`,
            Type: "CNAME",
            SetIdentifier: colour,
            Weight: colour === "blue" ? 90 : 10,
            TTL: 60,
            ResourceRecords: [{ Value: lb.DNSName ?? "" }],
          },
        });
      }
      await r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: range.demo.hostedZoneId, ChangeBatch: { Changes: changes } }));
      // The range keeps a zone busy briefly after a change (PriorRequestNotComplete), as Route 53 does.
      await new Promise((r) => setTimeout(r, 1_100));
      padApps += 1;
    }
    // Let the padding boot and pass its checks (the clock is real; speed it up for this, then back).
    if (padApps > 0) {
      await fetch(`${range.url}/_sim/clock`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ speed: 100 }),
      });
      await new Promise((r) => setTimeout(r, 3_000));
      await fetch(`${range.url}/_sim/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ speed: 1 }) });
    }
    const tasks = [...(w.tasks?.values() ?? [])].filter((t) => t.lastStatus !== "STOPPED").length;
    console.log(
      `world: ${w.instances.size} instances (${demoInstances} from the demo world, ${w.instances.size - demoInstances} padding in ${padApps} extra applications), ` +
        `${w.loadBalancers.size} classic LBs, ${w.albs?.size ?? 0} ALBs, ${w.targetGroups?.size ?? 0} target groups, ${w.autoScalingGroups?.size ?? 0} ASGs, ` +
        `${w.services?.size ?? 0} ECS services with ${tasks} tasks; ${HISTORY_HOURS} h history (backfill ${(range.backfillMs / 1000).toFixed(1)} s); built in ${((performance.now() - built) / 1000).toFixed(1)} s`,
    );

    // Idle tick: nothing but the range's own background tick runs in this process now.
    await stats(range, true);
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await new Promise((r) => setTimeout(r, IDLE_WINDOW_MS));
    const cpu = process.cpuUsage(cpuBefore);
    const windowMs = performance.now() - wallBefore;
    const processShare = ((cpu.user + cpu.system) / 1000 / windowMs) * 100;
    const tick = (await stats(range)).tick;
    const tickShare = ((tick?.totalMs ?? 0) / windowMs) * 100;

    const firstClb = [...w.loadBalancers.keys()][0] ?? "";
    const firstTg = [...(w.targetGroups?.values() ?? [])][0]?.arn;
    const firstService = [...(w.services?.values() ?? [])][0];
    const queries: MetricDataQuery[] = [];
    const metricsPerLb: [string, string][] = [
      ["RequestCount", "Sum"],
      ["HTTPCode_Backend_5XX", "Sum"],
      ["HTTPCode_ELB_5XX", "Sum"],
      ["Latency", "p50"],
      ["Latency", "p99"],
      ["HealthyHostCount", "Minimum"],
      ["UnHealthyHostCount", "Maximum"],
      ["SurgeQueueLength", "Maximum"],
    ];
    for (const lb of [...w.loadBalancers.keys()].slice(0, 2)) {
      for (const [metricName, stat] of metricsPerLb) {
        queries.push({
          Id: `q${queries.length}`,
          MetricStat: {
            Metric: { Namespace: "AWS/ELB", MetricName: metricName, Dimensions: [{ Name: "LoadBalancerName", Value: lb }] },
            Period: 60,
            Stat: stat,
          },
        });
      }
    }
    const rows: Row[] = [];
    rows.push(
      await measure(range, "Route 53 ListResourceRecordSets", "route53", "ListResourceRecordSets", () =>
        r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: range.demo.hostedZoneId })),
      ),
    );
    rows.push(
      await measure(range, "ELB DescribeInstanceHealth", "elb", "DescribeInstanceHealth", () =>
        elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: firstClb })),
      ),
    );
    if (firstTg !== undefined) {
      rows.push(
        await measure(range, "ELBv2 DescribeTargetHealth", "elbv2", "DescribeTargetHealth", () =>
          elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: firstTg })),
        ),
      );
    }
    rows.push(
      await measure(range, `EC2 DescribeInstances (${w.instances.size})`, "ec2", "DescribeInstances", () =>
        ec2.send(new DescribeInstancesCommand({})),
      ),
    );
    rows.push(
      await measure(
        range,
        `Auto Scaling DescribeAutoScalingGroups (${w.autoScalingGroups?.size ?? 0})`,
        "autoscaling",
        "DescribeAutoScalingGroups",
        () => asg.send(new DescribeAutoScalingGroupsCommand({})),
      ),
    );
    if (firstService !== undefined) {
      rows.push(
        await measure(range, "ECS DescribeServices", "ecs", "DescribeServices", () =>
          ecs.send(new DescribeServicesCommand({ cluster: firstService.clusterArn, services: [firstService.name] })),
        ),
      );
    }
    rows.push(
      await measure(range, `CloudWatch GetMetricData (${queries.length} queries, 3 h)`, "cloudwatch", "GetMetricData", () =>
        cw.send(new GetMetricDataCommand({ StartTime: new Date(Date.now() - 3 * 3_600_000), EndTime: new Date(), MetricDataQueries: queries })),
      ),
    );

    const pad = (s: string, n: number) => s.padEnd(n);
    const num = (v: number, d: number) => v.toFixed(d).padStart(9);
    console.log(
      `\n${pad("call", 50)}${"requests".padStart(9)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"range p50".padStart(10)}${"range p99".padStart(10)}  goal range p99 < 5 ms`,
    );
    for (const r of rows) {
      console.log(
        `${pad(r.name, 50)}${String(r.requests).padStart(9)}${num(r.rps, 0)}${num(r.p50, 2)}${num(r.p99, 2)}${num(r.rangeP50, 2).padStart(10)}${num(r.rangeP99, 2).padStart(10)}   ${r.rangeP99 < 5 ? "met" : "MISSED"}`,
      );
    }
    console.log(
      `\nworld tick, idle ${(windowMs / 1000).toFixed(1)} s: ${tick?.count ?? 0} ticks, ${tickShare.toFixed(2)} % of one core (mean ${((tick?.totalMs ?? 0) / Math.max(1, tick?.count ?? 0)).toFixed(2)} ms, max ${(tick?.maxMs ?? 0).toFixed(2)} ms)` +
        `  goal < 5 %: ${tickShare < 5 ? "met" : "MISSED"}; whole process CPU meanwhile: ${processShare.toFixed(2)} %`,
    );
    console.log(
      "(p50/p99 are client-observed: SDK serialisation + HTTP on loopback + the range; 'range' columns are the range's own handling time, advance included)",
    );
  } finally {
    for (const c of [r53, elb, elbv2, ec2, asg, ecs, cw]) c.destroy();
    await range.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
