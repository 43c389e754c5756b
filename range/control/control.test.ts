/**
 * The control API's hardening and the fault, clock and reset endpoints, through real SDK v3 clients
 * against a range with a manual clock.
 */
import { Socket } from "node:net";
import { IncomingMessage } from "node:http";
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand,
  DescribeInstanceHealthCommand,
  ElasticLoadBalancingClient,
  RegisterInstancesWithLoadBalancerCommand,
} from "@aws-sdk/client-elastic-load-balancing";
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeClustersCommand, ECSClient, ListClustersCommand } from "@aws-sdk/client-ecs";
import { ListHostedZonesCommand, Route53Client } from "@aws-sdk/client-route-53";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isLoopbackAddress, startRange, toSimRequest } from "@/range/protocols/server";
import type { SimHttpRequest } from "@/range/protocols/http";
import { startTestRange, type TestRange } from "@/test/support/range";

let range: TestRange;

beforeAll(async () => {
  range = await startTestRange();
});

afterEach(async () => {
  await control("DELETE", "/_sim/faults");
  await control("POST", "/_sim/config", { throttling: "off", retryAfterHeader: false });
  range.buckets.clear();
});

afterAll(async () => {
  await range.close();
});

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${range.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`not an Error: ${String(err)}`);
  }
  throw new Error("expected the call to fail");
}

function simRequest(path: string, remoteAddress: string | undefined, method = "GET", body = ""): SimHttpRequest {
  return { method, path, query: new URLSearchParams(), headers: { "content-type": "application/json" }, body: Buffer.from(body), remoteAddress };
}

describe("control API: loopback only", () => {
  it("recognises loopback addresses and nothing else", () => {
    for (const a of ["127.0.0.1", "127.255.3.9", "::1", "::ffff:127.0.0.1", "::FFFF:127.1.2.3", "0:0:0:0:0:0:0:1"])
      expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of [
      undefined,
      "",
      "10.0.0.7",
      "192.168.1.2",
      "::ffff:10.0.0.1",
      "128.0.0.1",
      "fe80::1",
      "::2",
      "127.0.0.1.evil",
      "127.0.0.256",
      "localhost",
    ]) {
      expect(isLoopbackAddress(a), String(a)).toBe(false);
    }
  });

  it("takes the peer address from the request's socket", async () => {
    const socket = new Socket();
    Object.defineProperty(socket, "remoteAddress", { value: "10.1.2.3" });
    const msg = new IncomingMessage(socket);
    msg.method = "POST";
    msg.url = "/_sim/faults?x=1";
    msg.headers = { "content-type": "application/json" };
    msg.push('{"errorRate":1}');
    msg.push(null);
    const req = await toSimRequest(msg);
    expect(req.remoteAddress).toBe("10.1.2.3");
    expect(req.path).toBe("/_sim/faults");
    expect(req.body.toString()).toBe('{"errorRate":1}');
    socket.destroy();
  });

  it("answers a non-loopback peer 403 and changes nothing; loopback peers (also IPv4-mapped) get through", async () => {
    const refused = await range.handle(simRequest("/_sim/faults", "10.0.0.8", "POST", '{"errorRate":1}'));
    expect(refused.status).toBe(403);
    expect(String(refused.body)).toContain("loopback");
    expect(range.world.faults.errorRate).toBe(0);
    expect((await range.handle(simRequest("/_sim/state", "192.168.0.4"))).status).toBe(403);
    expect((await range.handle(simRequest("/_sim/state", undefined))).status).toBe(403);
    expect((await range.handle(simRequest("/_sim/health", "::ffff:127.0.0.1"))).status).toBe(200);
    expect((await range.handle(simRequest("/_sim/health", "::1"))).status).toBe(200);
    // Over real HTTP on loopback.
    expect((await control("GET", "/_sim/health")).status).toBe(200);
  });
});

describe("control API: validation", () => {
  it("answers 400 to bad bodies and changes nothing", async () => {
    const before = JSON.stringify({ faults: range.world.faults, config: range.world.config, now: range.nowMs() });
    const bad: [string, string, unknown][] = [
      ["POST", "/_sim/faults", { rules: [{ errorRate: 1 }] }], // names neither service nor operation
      ["POST", "/_sim/faults", { rules: [{ service: "ecs" }] }], // sets no rate
      ["POST", "/_sim/faults", { rules: [{ service: "sqs", errorRate: 1 }] }],
      ["POST", "/_sim/faults", { errorRate: 0.5, rules: [{ service: "ecs", errorRate: 3 }] }], // valid part not applied either
      ["POST", "/_sim/config", { throttling: "fast" }],
      ["POST", "/_sim/config", { throttleBuckets: { ecs: { burst: 0, refillPerSecond: 1 } } }],
      ["POST", "/_sim/config", { speed: 2, retryAfterHeader: "yes" }],
      ["POST", "/_sim/clock", {}],
      ["POST", "/_sim/clock", { advanceSeconds: -5 }],
      ["POST", "/_sim/clock", { speed: 2, extra: true }],
      ["POST", "/_sim/reset", { now: true }],
      ["POST", "/_sim/stats/reset", { all: true }],
      ["POST", "/_sim/zones/us-east-1a/fail", { hard: true }],
      ["POST", "/_sim/zones/mars-1a/fail", undefined],
      ["POST", "/_sim/faults", "{not json"],
    ];
    for (const [method, path, body] of bad) {
      const res = await control(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(typeof res.json.error).toBe("string");
    }
    expect(JSON.stringify({ faults: range.world.faults, config: range.world.config, now: range.nowMs() })).toBe(before);
    expect(range.world.faults.failedZones ?? {}).toEqual({});
  });
});

describe("per-operation faults", () => {
  it("fails one operation with 5xx as the SDK's exception, and the SDK retries it", async () => {
    const res = await control("POST", "/_sim/faults", { rules: [{ service: "elbv2", operation: "DescribeTargetGroups", errorRate: 1 }] });
    expect(res.status).toBe(200);
    const once = new ElasticLoadBalancingV2Client(range.clientConfig);
    const thrice = new ElasticLoadBalancingV2Client({ ...range.clientConfig, maxAttempts: 3 });
    try {
      await control("POST", "/_sim/stats/reset");
      const err = await rejection(once.send(new DescribeTargetGroupsCommand({})));
      expect(err.name).toBe("InternalFailure");
      expect(err.$metadata?.httpStatusCode).toBe(500);
      // Other operations of the service are untouched.
      expect((await once.send(new DescribeLoadBalancersCommand({}))).LoadBalancers).toEqual([]);

      const retried = await rejection(thrice.send(new DescribeTargetGroupsCommand({})));
      expect(retried.name).toBe("InternalFailure");
      expect(retried.$metadata?.attempts).toBe(3);
      // The range saw every attempt: 1 + 3 failing, 1 passing.
      expect(range.stats.services.elbv2?.operations.DescribeTargetGroups?.count).toBe(4);
      expect(range.stats.injectedErrors).toBe(4);
    } finally {
      once.destroy();
      thrice.destroy();
    }
  });

  it("throttles one operation with the service's throttling error; the SDK retries it as throttling", async () => {
    await control("POST", "/_sim/faults", { rules: [{ operation: "ListHostedZones", throttleRate: 1 }] });
    const r53 = new Route53Client({ ...range.clientConfig, maxAttempts: 2 });
    const ecs = new ECSClient(range.clientConfig);
    try {
      await control("POST", "/_sim/stats/reset");
      const err = await rejection(r53.send(new ListHostedZonesCommand({})));
      expect(err.name).toBe("Throttling");
      expect(err.$metadata?.httpStatusCode).toBe(400);
      expect(err.$metadata?.attempts).toBe(2);
      expect(range.stats.throttled).toBe(2);

      // Most specific first: the ECS service fails, except ListClusters which a more specific rule clears.
      await control("POST", "/_sim/faults", {
        rules: [
          { service: "ecs", errorRate: 1 },
          { service: "ecs", operation: "ListClusters", errorRate: 0 },
        ],
      });
      expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toEqual([]);
      const failed = await rejection(ecs.send(new DescribeClustersCommand({ clusters: ["default"] })));
      expect(failed.$metadata?.httpStatusCode).toBe(500);
      expect((await control("GET", "/_sim/faults")).json.rules).toHaveLength(2);
      // DELETE clears every API fault.
      await control("DELETE", "/_sim/faults");
      expect((await ecs.send(new DescribeClustersCommand({ clusters: ["default"] }))).$metadata.httpStatusCode).toBe(200);
    } finally {
      r53.destroy();
      ecs.destroy();
    }
  });
});

describe("token-bucket throttling", () => {
  it("is off by default: a hundred Describe calls in one instant all pass", async () => {
    const elbv2 = new ElasticLoadBalancingV2Client(range.clientConfig);
    try {
      const calls = await Promise.all(Array.from({ length: 100 }, () => elbv2.send(new DescribeLoadBalancersCommand({}))));
      expect(calls).toHaveLength(100);
    } finally {
      elbv2.destroy();
    }
  });

  it("ELBv2 Describe*: burst 40, then Throttling, then 10 per second back (manual clock)", async () => {
    expect((await control("POST", "/_sim/config", { throttling: "aws" })).json.throttling).toBe("aws");
    const elbv2 = new ElasticLoadBalancingV2Client(range.clientConfig);
    try {
      const results = [];
      for (let i = 0; i < 45; i++) {
        results.push(
          await elbv2.send(new DescribeLoadBalancersCommand({})).then(
            () => "ok",
            (err: unknown) => (err instanceof Error ? err.name : "?"),
          ),
        );
      }
      expect(results.filter((r) => r === "ok")).toHaveLength(40);
      expect(results.slice(40)).toEqual(["Throttling", "Throttling", "Throttling", "Throttling", "Throttling"]);

      expect((await control("POST", "/_sim/clock", { advanceSeconds: 1 })).status).toBe(200);
      let passed = 0;
      for (let i = 0; i < 12; i++) {
        if (
          await elbv2.send(new DescribeLoadBalancersCommand({})).then(
            () => true,
            () => false,
          )
        )
          passed += 1;
      }
      expect(passed).toBe(10);
    } finally {
      elbv2.destroy();
    }
  });

  it("Route 53 legacy mode: 5 per second, with x-amz-retry-after when asked for", async () => {
    await control("POST", "/_sim/config", { throttling: "legacy", retryAfterHeader: true });
    // The REST path alone routes to Route 53 (ListHostedZones).
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) {
      last = await fetch(`${range.url}/2013-04-01/hostedzone`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 400]);
    expect(last?.headers.get("x-amz-retry-after")).toBe("200");
    expect(await last?.text()).toContain("<Code>Throttling</Code>");

    // The SDK retries a throttled call; the range sees each attempt (the manual clock does not move).
    const r53 = new Route53Client({ ...range.clientConfig, maxAttempts: 2 });
    try {
      await control("POST", "/_sim/stats/reset");
      const err = await rejection(r53.send(new ListHostedZonesCommand({})));
      expect(err.name).toBe("Throttling");
      expect(range.stats.throttled).toBe(2);
    } finally {
      r53.destroy();
    }
  });
});

describe("availability zone failure", () => {
  it("takes the zone's instances out of service, keeps new launches out of it, and recovers", async () => {
    const ec2 = new EC2Client(range.clientConfig);
    const elb = new ElasticLoadBalancingClient(range.clientConfig);
    try {
      await elb.send(
        new CreateLoadBalancerCommand({
          LoadBalancerName: "az-web",
          Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 80 }],
          AvailabilityZones: ["us-east-1a", "us-east-1b"],
        }),
      );
      await elb.send(
        new ConfigureHealthCheckCommand({
          LoadBalancerName: "az-web",
          HealthCheck: { Target: "HTTP:80/health", Interval: 10, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 2 },
        }),
      );
      const ids: Record<string, string> = {};
      for (const zone of ["us-east-1a", "us-east-1b"]) {
        const run = await ec2.send(new RunInstancesCommand({ ImageId: "ami-0abc", MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: zone } }));
        ids[zone] = run.Instances?.[0]?.InstanceId ?? "";
      }
      await elb.send(
        new RegisterInstancesWithLoadBalancerCommand({
          LoadBalancerName: "az-web",
          Instances: Object.values(ids).map((InstanceId) => ({ InstanceId })),
        }),
      );
      await control("POST", "/_sim/clock", { advanceSeconds: 90 });
      const health = async (): Promise<Record<string, string | undefined>> => {
        const out = await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: "az-web" }));
        return Object.fromEntries(Object.entries(ids).map(([zone, id]) => [zone, out.InstanceStates?.find((s) => s.InstanceId === id)?.State]));
      };
      expect(await health()).toEqual({ "us-east-1a": "InService", "us-east-1b": "InService" });

      const failed = await control("POST", "/_sim/zones/us-east-1a/fail");
      expect(failed.status).toBe(200);
      expect(failed.json.instanceIds).toEqual([ids["us-east-1a"]]);
      await control("POST", "/_sim/clock", { advanceSeconds: 30 });
      expect(await health()).toEqual({ "us-east-1a": "OutOfService", "us-east-1b": "InService" });

      // Placed in the failed zone: the launch fails. Unplaced: the other zones only.
      const refused = await rejection(
        ec2.send(new RunInstancesCommand({ ImageId: "ami-0abc", MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: "us-east-1a" } })),
      );
      expect(refused.name).toBe("InsufficientInstanceCapacity");
      const spread = await ec2.send(new RunInstancesCommand({ ImageId: "ami-0abc", MinCount: 6, MaxCount: 6 }));
      const zones = new Set((spread.Instances ?? []).map((i) => i.Placement?.AvailabilityZone));
      expect([...zones].sort()).toEqual(["us-east-1b", "us-east-1c"]);

      // An instance failed on its own stays failed when the zone recovers.
      const own = await control("POST", `/_sim/instances/${ids["us-east-1b"] ?? ""}/fail`);
      expect(own.status).toBe(200);
      const recovered = await control("POST", "/_sim/zones/us-east-1a/recover");
      expect(recovered.json).toEqual({ zone: "us-east-1a", failed: false, recovered: true });
      await control("POST", "/_sim/clock", { advanceSeconds: 30 });
      expect(await health()).toEqual({ "us-east-1a": "InService", "us-east-1b": "OutOfService" });
      const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [ids["us-east-1a"] ?? ""] }));
      expect(described.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe("running");
      expect((await control("POST", "/_sim/zones/us-east-1a/recover")).json.recovered).toBe(false);
    } finally {
      ec2.destroy();
      elb.destroy();
    }
  });
});

describe("clock", () => {
  it("advances a manual clock and changes the speed", async () => {
    const before = range.nowMs();
    const res = await control("POST", "/_sim/clock", { advanceSeconds: 12.5, speed: 4 });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ nowMs: before + 12_500, speed: 4, manual: true });
    expect(range.world.nowMs).toBe(before + 12_500);
    expect((await control("POST", "/_sim/clock", { speed: 1 })).json.speed).toBe(1);
  });

  it("refuses advanceSeconds on the wall clock with 409, but takes a speed", async () => {
    const wall = await startRange({ port: 0, host: "127.0.0.1", seed: "wall" });
    try {
      const post = async (body: unknown) => {
        const res = await fetch(`${wall.url}/_sim/clock`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        return { status: res.status, json: (await res.json()) as Record<string, unknown> };
      };
      const refused = await post({ advanceSeconds: 60 });
      expect(refused.status).toBe(409);
      expect(String(refused.json.error)).toMatch(/wall clock.*speed/s);
      // Refused as a whole: a speed in the same body is not applied either.
      expect((await post({ advanceSeconds: 60, speed: 3 })).status).toBe(409);
      expect(wall.world.config.speed).toBe(1);
      const sped = await post({ speed: 20 });
      expect(sped.status).toBe(200);
      expect(sped.json.manual).toBe(false);
      expect(wall.world.config.speed).toBe(20);
    } finally {
      await wall.close();
    }
  });
});

describe("reset", () => {
  it("empties a test range's world, metrics, faults and statistics, keeping the same world object", async () => {
    const ec2 = new EC2Client(range.clientConfig);
    try {
      await ec2.send(new RunInstancesCommand({ ImageId: "ami-0abc", MinCount: 2, MaxCount: 2 }));
      await control("POST", "/_sim/faults", { latencyMs: 1, rules: [{ service: "ecs", errorRate: 1 }] });
      await control("POST", "/_sim/zones/us-east-1c/fail");
      const world = range.world;
      expect(world.instances.size).toBeGreaterThan(0);
      const res = await control("POST", "/_sim/reset");
      expect(res.status).toBe(200);
      expect(res.json.instances).toBe(0);
      expect(range.world).toBe(world);
      expect(world.instances.size).toBe(0);
      expect(world.loadBalancers.size).toBe(0);
      expect(world.faults).toEqual({ throttleRate: 0, errorRate: 0, latencyMs: 0 });
      expect(world.nowMs).toBe(range.nowMs());
      expect(range.metrics.listMetrics()).toEqual([]);
      // The reset request itself is not an API call.
      expect(range.stats.total).toBe(0);
      expect((await ec2.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
    } finally {
      ec2.destroy();
    }
  });
});
