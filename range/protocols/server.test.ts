import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { DescribeLoadBalancersCommand, ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import { CreateHostedZoneCommand, ListHostedZonesCommand, Route53Client } from "@aws-sdk/client-route-53";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RangeStats } from "@/range/control/stats";
import { startTestRange, type TestRange } from "@/test/support/range";

let range: TestRange;
let r53: Route53Client;
let elb: ElasticLoadBalancingClient;
let ec2: EC2Client;
let cw: CloudWatchClient;

beforeAll(async () => {
  range = await startTestRange();
  r53 = new Route53Client(range.clientConfig);
  elb = new ElasticLoadBalancingClient(range.clientConfig);
  ec2 = new EC2Client(range.clientConfig);
  cw = new CloudWatchClient(range.clientConfig);
});

afterEach(() => {
  range.world.faults = { throttleRate: 0, errorRate: 0, latencyMs: 0 };
});

afterAll(async () => {
  for (const client of [r53, elb, ec2, cw]) client.destroy();
  await range.close();
});

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`not an Error: ${String(err)}`);
  }
  throw new Error("expected the call to fail");
}

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${range.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

function metricDataCall(): GetMetricDataCommand {
  const end = new Date(range.nowMs());
  return new GetMetricDataCommand({
    StartTime: new Date(end.getTime() - 3_600_000),
    EndTime: end,
    MetricDataQueries: [
      {
        Id: "q",
        MetricStat: {
          Metric: { Namespace: "AWS/ELB", MetricName: "RequestCount", Dimensions: [{ Name: "LoadBalancerName", Value: "x" }] },
          Period: 60,
          Stat: "Sum",
        },
      },
    ],
  });
}

describe("fault injection", () => {
  it("throttles every service in its own protocol shape", async () => {
    expect((await control("POST", "/_sim/faults", { throttleRate: 1 })).status).toBe(200);
    const route53 = await rejection(r53.send(new ListHostedZonesCommand({})));
    expect(route53.name).toBe("Throttling");
    expect(route53.message).toBe("Rate exceeded");
    expect(route53.$metadata?.httpStatusCode).toBe(400);

    const lb = await rejection(elb.send(new DescribeLoadBalancersCommand({})));
    expect(lb.name).toBe("Throttling");
    expect(lb.message).toBe("Rate exceeded");

    const instances = await rejection(ec2.send(new DescribeInstancesCommand({})));
    expect(instances.name).toBe("RequestLimitExceeded");

    const metrics = await rejection(cw.send(metricDataCall()));
    expect(metrics.name).toBe("Throttling");
    expect(metrics.$metadata?.httpStatusCode).toBe(400);
  });

  it("answers 500 InternalFailure / InternalError at the error rate", async () => {
    await control("POST", "/_sim/faults", { errorRate: 1 });
    const route53 = await rejection(r53.send(new ListHostedZonesCommand({})));
    expect(route53.name).toBe("InternalFailure");
    expect(route53.$metadata?.httpStatusCode).toBe(500);
    const instances = await rejection(ec2.send(new DescribeInstancesCommand({})));
    expect(instances.name).toBe("InternalError");
    const lb = await rejection(elb.send(new DescribeLoadBalancersCommand({})));
    expect(lb.name).toBe("InternalFailure");
  });

  it("the SDK's retries get through a partial throttle rate, and the fault dice are seeded", async () => {
    await control("POST", "/_sim/faults", { throttleRate: 0.3 });
    const retrying = new Route53Client({ ...range.clientConfig, maxAttempts: 10 });
    let ok = 0;
    for (let i = 0; i < 5; i++) {
      const out = await retrying.send(new ListHostedZonesCommand({})).catch(() => undefined);
      if (out !== undefined) ok += 1;
    }
    retrying.destroy();
    expect(ok).toBe(5);
    expect(range.stats.throttled).toBeGreaterThan(0);
  }, 20_000);

  it("adds latency to API calls but not to the control API", async () => {
    await control("POST", "/_sim/faults", { latencyMs: 150 });
    const started = Date.now();
    await r53.send(new ListHostedZonesCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const controlStarted = Date.now();
    await control("GET", "/_sim/health");
    expect(Date.now() - controlStarted).toBeLessThan(140);
  });
});

describe("routing", () => {
  it("falls back to the path, the target header and the query Version without a signature", async () => {
    const zones = await fetch(`${range.url}/2013-04-01/hostedzone`);
    expect(zones.status).toBe(200);
    expect(await zones.text()).toContain("<ListHostedZonesResponse");

    const lbs = await fetch(range.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=DescribeLoadBalancers&Version=2012-06-01",
    });
    expect(await lbs.text()).toContain("<DescribeLoadBalancersResponse");

    const ec2Text = await (
      await fetch(range.url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "Action=DescribeInstances&Version=2016-11-15",
      })
    ).text();
    expect(ec2Text).toContain("<DescribeInstancesResponse");

    const nowhere = await fetch(`${range.url}/nothing`);
    expect(nowhere.status).toBe(400);
  });

  it("answers an unknown action in the service's error shape", async () => {
    const res = await fetch(range.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=EnableAvailabilityZonesForLoadBalancer&Version=2012-06-01",
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain("<ErrorResponse");
    expect(text).toContain("<Code>InvalidAction</Code>");
  });
});

describe("statistics", () => {
  it("counts requests per service and operation, with processing time, and resets", async () => {
    await control("POST", "/_sim/stats/reset");
    await r53.send(new ListHostedZonesCommand({}));
    await r53.send(new ListHostedZonesCommand({}));
    await r53.send(new CreateHostedZoneCommand({ Name: "stats.example", CallerReference: "stats" }));
    await elb.send(new DescribeLoadBalancersCommand({}));
    await ec2.send(new RunInstancesCommand({ ImageId: "ami-0abc", MinCount: 1, MaxCount: 1 }));
    const { json } = await control("GET", "/_sim/stats");
    const stats = json as RangeStats;
    expect(stats.total).toBe(5);
    expect(stats.services.route53?.count).toBe(3);
    expect(stats.services.route53?.operations.ListHostedZones?.count).toBe(2);
    expect(stats.services.route53?.operations.CreateHostedZone?.count).toBe(1);
    expect(stats.services.elb?.operations.DescribeLoadBalancers?.count).toBe(1);
    expect(stats.services.ec2?.operations.RunInstances?.count).toBe(1);
    expect(stats.processingMs).toBeGreaterThan(0);
    await control("POST", "/_sim/stats/reset");
    expect(((await control("GET", "/_sim/stats")).json as RangeStats).total).toBe(0);
  });

  it("counts the CloudWatch metrics each GetMetricData asks for (what AWS bills), not expressions", async () => {
    await control("POST", "/_sim/stats/reset");
    const end = new Date(range.nowMs());
    const stat = (name: string) => ({
      Metric: { Namespace: "AWS/ELB", MetricName: name, Dimensions: [{ Name: "LoadBalancerName", Value: "x" }] },
      Period: 60,
      Stat: "Sum",
    });
    await cw.send(metricDataCall());
    await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(end.getTime() - 600_000),
        EndTime: end,
        MetricDataQueries: [
          { Id: "a", MetricStat: stat("RequestCount"), ReturnData: false },
          { Id: "b", MetricStat: stat("HTTPCode_Backend_5XX") },
          { Id: "share", Expression: "b / a" },
        ],
      }),
    );
    const stats = (await control("GET", "/_sim/stats")).json as RangeStats;
    expect(stats.metricsRequested).toBe(3);
    expect(stats.services.cloudwatch?.metricsRequested).toBe(3);
    expect(stats.services.cloudwatch?.operations.GetMetricData?.metricsRequested).toBe(3);
    await control("POST", "/_sim/stats/reset");
    expect(((await control("GET", "/_sim/stats")).json as RangeStats).metricsRequested).toBe(0);
  });
});

describe("control API", () => {
  it("health and state", async () => {
    expect(await control("GET", "/_sim/health")).toEqual({ status: 200, json: { ok: true, nowMs: range.nowMs(), pid: process.pid } });
    await r53.send(new CreateHostedZoneCommand({ Name: "state.example", CallerReference: "state" }));
    const { json } = await control("GET", "/_sim/state");
    const state = json as { zones: { name: string; records: unknown[] }[]; config: { speed: number }; changes: { status: string }[] };
    expect(state.zones.map((z) => z.name)).toContain("state.example.");
    expect(state.config.speed).toBe(1);
    expect(state.changes[0]?.status).toBe("PENDING");
  });

  it("config: partial update validated, unknown fields and bad values refused", async () => {
    const ok = await control("POST", "/_sim/config", { speed: 20, route53PropagationMs: 10_000, dnsClients: { ignoreTtlShare: 0.2 } });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ speed: 20, route53PropagationMs: 10_000, dnsClients: { ignoreTtlShare: 0.2 } });
    expect(range.world.config.dnsClients.clients).toBe(500);
    expect((await control("POST", "/_sim/config", { speed: 0 })).status).toBe(400);
    expect((await control("POST", "/_sim/config", { region: "eu-west-1" })).status).toBe(400);
    expect((await control("POST", "/_sim/config", "{not json")).status).toBe(400);
    const bad = await control("POST", "/_sim/faults", { throttleRate: 2 });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: "Invalid input." });
    await control("POST", "/_sim/config", { speed: 1 });
  });

  it("versions: inject a bad green version; instances: fail and recover", async () => {
    const bad = await control("PUT", "/_sim/versions/v42", { healthy: false, baseLatencyMs: 900 });
    expect(bad.json).toMatchObject({ healthy: false, baseLatencyMs: 900, errorRate: 0.0008 });
    expect(range.world.versions.get("v42")?.healthy).toBe(false);
    const fresh = await control("PUT", "/_sim/versions/v99", { errorRate: 0.5 });
    expect(fresh.json).toMatchObject({ errorRate: 0.5, healthy: true });
    expect((await control("PUT", "/_sim/versions/v42", { healthy: "no" })).status).toBe(400);
    await control("PUT", "/_sim/versions/v42", { healthy: true, baseLatencyMs: 35 });

    const run = await ec2.send(new RunInstancesCommand({ ImageId: "ami-0abc", MinCount: 1, MaxCount: 1 }));
    const id = run.Instances?.[0]?.InstanceId ?? "";
    expect((await control("POST", `/_sim/instances/${id}/fail`)).json).toMatchObject({ id, failing: true });
    expect(range.world.instances.get(id)?.failing).toBe(true);
    expect((await control("POST", `/_sim/instances/${id}/recover`)).json).toMatchObject({ failing: false });
    expect((await control("POST", "/_sim/instances/i-nothing/fail")).status).toBe(404);
    expect((await control("GET", "/_sim/nothing")).status).toBe(404);
  });
});

describe("background tick", () => {
  it("advances the world without requests", async () => {
    range.tick(5_000);
    const target = range.nowMs();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(range.world.nowMs).toBe(target);
  });
});
