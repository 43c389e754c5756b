// The range's IAM mode: the policy's evaluation, and what the real SDK clients see when a request
// is denied (each service's own error name and status), over HTTP against a range with the demo world.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { DescribeInstanceHealthCommand, DescribeLoadBalancersCommand, ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand as DescribeAlbsCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { toAppError } from "@/lib/aws/errors";
import { seedDemoWorld, type DemoWorld } from "@/range/demo/seed";
import { startRange } from "@/range/protocols/server";
import { startTestRange, type TestRange } from "@/test/support/range";
import { isAllowed, loadIamPolicyFile, rangeIamPolicySchema, wildcardMatch, type RangeIamPolicy } from "./iam";

describe("the IAM mode's evaluation", () => {
  const policy = (statements: unknown[]): RangeIamPolicy => rangeIamPolicySchema.parse({ Version: "2012-10-17", Statement: statements });

  it("matches * across ARN segments and ? as one character; actions ignore case, resources do not", () => {
    expect(
      wildcardMatch(
        "arn:aws:autoscaling:*:autoScalingGroupName/web",
        "arn:aws:autoscaling:us-east-1:1:autoScalingGroup:ab-cd:autoScalingGroupName/web",
      ),
    ).toBe(true);
    expect(wildcardMatch("arn:aws:ecs:*:service/prod/web-?", "arn:aws:ecs:r:1:service/prod/web-b")).toBe(true);
    expect(wildcardMatch("arn:aws:ecs:*:service/prod/web-?", "arn:aws:ecs:r:1:service/prod/web-bb")).toBe(false);
    expect(wildcardMatch("a.b(c)", "a.b(c)")).toBe(true);
    expect(wildcardMatch("a.b", "axb")).toBe(false);
    expect(wildcardMatch("*", "")).toBe(true);
    expect(wildcardMatch("a*", "a")).toBe(true);
    expect(wildcardMatch("*b*", "abc")).toBe(true);
    expect(wildcardMatch("a*c", "abcbd")).toBe(false);
    // Many stars against a long value (a regular expression would backtrack for ages here).
    expect(wildcardMatch(`${"*a".repeat(40)}*b`, "a".repeat(2000))).toBe(false);
    const p = policy([{ Effect: "Allow", Action: "EC2:describe*", Resource: "arn:aws:ec2:*:instance/I-1" }]);
    expect(isAllowed(p, "ec2:DescribeInstances", "arn:aws:ec2:r:1:instance/I-1")).toBe(true);
    expect(isAllowed(p, "ec2:DescribeInstances", "arn:aws:ec2:r:1:instance/i-1")).toBe(false);
    expect(isAllowed(p, "ec2:RunInstances", "arn:aws:ec2:r:1:instance/I-1")).toBe(false);
  });

  it("denies what no Allow matches, and what a Deny matches whatever the Allows say; `*` needs a `*` resource", () => {
    const p = policy([
      { Effect: "Allow", Action: ["ecs:*"], Resource: "*" },
      { Effect: "Deny", Action: "ecs:UpdateService", Resource: "arn:aws:ecs:*:service/prod/*" },
    ]);
    expect(isAllowed(p, "ecs:UpdateService", "arn:aws:ecs:r:1:service/dev/web")).toBe(true);
    expect(isAllowed(p, "ecs:UpdateService", "arn:aws:ecs:r:1:service/prod/web")).toBe(false);
    expect(isAllowed(p, "autoscaling:SetDesiredCapacity", "*")).toBe(false);
    const scoped = policy([{ Effect: "Allow", Action: "ec2:DescribeInstances", Resource: "arn:aws:ec2:*" }]);
    expect(isAllowed(scoped, "ec2:DescribeInstances", "*")).toBe(false);
  });

  it("refuses what it would not evaluate (conditions, NotAction, principals) rather than ignore it", () => {
    for (const statement of [
      { Effect: "Allow", Action: "ec2:*", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } },
      { Effect: "Allow", NotAction: "ec2:*", Resource: "*" },
      { Effect: "Allow", Action: "ec2:*", Resource: "*", Principal: "*" },
      { Effect: "Maybe", Action: "ec2:*", Resource: "*" },
    ]) {
      expect(rangeIamPolicySchema.safeParse({ Statement: [statement] }).success, JSON.stringify(statement)).toBe(false);
    }
  });
});

describe("RANGE_IAM_POLICY's file", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "range-iam-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it("is read and validated, with the file and the problem named", () => {
    const good = file("good.json", JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "ec2:*", Resource: "*" } }));
    expect(loadIamPolicyFile(good).Statement).toEqual([{ Effect: "Allow", Action: ["ec2:*"], Resource: ["*"] }]);
    expect(() => loadIamPolicyFile(file("bad.json", "{ not json"))).toThrow(/bad\.json: not a readable JSON file/);
    const conditioned = file("cond.json", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ec2:*", Resource: "*", Condition: {} }] }));
    expect(() => loadIamPolicyFile(conditioned)).toThrow(/cond\.json: not a policy the range evaluates \(Statement.*Condition/);
    expect(() => loadIamPolicyFile(path.join(dir, "missing.json"))).toThrow(/missing\.json/);
  });
});

describe("the IAM mode on the range, through the SDK clients", () => {
  let range: TestRange;
  let demo: DemoWorld;
  let zoneId: string;
  const cfg = () => range.clientConfig;

  async function control(method: "GET" | "PUT" | "DELETE", body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${range.url}/_sim/iam`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, json: await res.json() };
  }

  /** The SDK's error of a call that must fail, with its HTTP status. */
  async function refusal(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string; err: unknown }> {
    try {
      await call;
    } catch (err) {
      const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
      return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message, err };
    }
    throw new Error("the call was not refused");
  }

  const POLICY = () => ({
    Version: "2012-10-17",
    Statement: [
      { Sid: "Zone", Effect: "Allow", Action: "route53:ListResourceRecordSets", Resource: `arn:aws:route53:::hostedzone/${zoneId}` },
      { Sid: "Lbs", Effect: "Allow", Action: "elasticloadbalancing:DescribeLoadBalancers", Resource: "*" },
      {
        Sid: "Green",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: "arn:aws:autoscaling:us-east-1:*:autoScalingGroup:*:autoScalingGroupName/payments-green",
      },
      { Sid: "Orders", Effect: "Allow", Action: "ecs:DescribeServices", Resource: "arn:aws:ecs:us-east-1:*:service/prod/orders-*" },
      { Sid: "NotGreen", Effect: "Deny", Action: "ecs:*", Resource: "arn:aws:ecs:us-east-1:*:service/prod/orders-green" },
    ],
  });

  beforeAll(async () => {
    range = await startTestRange();
    demo = await seedDemoWorld(range.url);
    zoneId = demo.hostedZoneId.replace("/hostedzone/", "");
    // The groups launch their instances.
    range.tick(120_000);
    await fetch(`${range.url}/_sim/health`);
    expect((await control("PUT", POLICY())).status).toBe(200);
  });

  afterAll(async () => {
    await range?.close();
  });

  it("Route 53 (REST-XML): allowed on the policy's zone, AccessDenied 403 for actions it does not name", async () => {
    const r53 = new Route53Client(cfg());
    const listed = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    expect(listed.ResourceRecordSets?.length).toBeGreaterThan(0);
    const change = await refusal(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: [{ Action: "UPSERT", ResourceRecordSet: { Name: "x.example.com.", Type: "TXT", TTL: 60, ResourceRecords: [{ Value: '"x"' }] } }],
          },
        }),
      ),
    );
    expect([change.name, change.status]).toEqual(["AccessDenied", 403]);
    expect(change.message).toBe(
      `User: arn:aws:iam::123456789012:user/practice-range is not authorized to perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/${zoneId} because no identity-based policy allows the route53:ChangeResourceRecordSets action`,
    );
    const get = await refusal(r53.send(new GetChangeCommand({ Id: demo.changeId })));
    expect([get.name, get.status]).toEqual(["AccessDenied", 403]);
    // The record was not written.
    const after = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    expect(after.ResourceRecordSets?.some((r) => r.Name === "x.example.com.")).toBe(false);
  });

  it("classic ELB and ELBv2 (query): one action name for both, AccessDenied 403", async () => {
    const elb = new ElasticLoadBalancingClient(cfg());
    expect((await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancerDescriptions?.length).toBeGreaterThan(0);
    const health = await refusal(elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: "shop-blue" })));
    expect([health.name, health.status]).toEqual(["AccessDenied", 403]);
    expect(health.message).toMatch(/not authorized to perform: elasticloadbalancing:DescribeInstanceHealth because/);

    const elbv2 = new ElasticLoadBalancingV2Client(cfg());
    const albs = await elbv2.send(new DescribeAlbsCommand({ Names: ["catalog-alb"] }));
    const albArn = albs.LoadBalancers?.[0]?.LoadBalancerArn ?? "";
    const listeners = await refusal(elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: albArn })));
    expect([listeners.name, listeners.status]).toEqual(["AccessDenied", 403]);
    const modify = await refusal(
      elbv2.send(new ModifyListenerCommand({ ListenerArn: `${albArn.replace(":loadbalancer/", ":listener/")}/0123456789abcdef` })),
    );
    expect([modify.name, modify.status]).toEqual(["AccessDenied", 403]);
    expect(modify.message).toMatch(
      /elasticloadbalancing:ModifyListener on resource: arn:aws:elasticloadbalancing:us-east-1:123456789012:listener\/app\/catalog-alb\//,
    );
  });

  it("Auto Scaling (query): a write on the group the policy names passes, on another group AccessDenied 403 and nothing changes", async () => {
    const asg = new AutoScalingClient(cfg());
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "payments-green", DesiredCapacity: 1 }));
    const blue = await refusal(asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "payments-blue", DesiredCapacity: 0 })));
    expect([blue.name, blue.status]).toEqual(["AccessDenied", 403]);
    expect(blue.message).toMatch(
      /autoscaling:SetDesiredCapacity on resource: arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[^:]+:autoScalingGroupName\/payments-blue /,
    );
    // TerminateInstanceInAutoScalingGroup names the instance only: its group is the resource checked.
    const blueInstance = range.world.autoScalingGroups?.get("payments-blue")?.instances[0]?.instanceId ?? "";
    const terminate = await refusal(
      asg.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: blueInstance, ShouldDecrementDesiredCapacity: false })),
    );
    expect(blueInstance).not.toBe("");
    expect([terminate.name, terminate.status]).toEqual(["AccessDenied", 403]);
    expect(terminate.message).toMatch(
      /autoscaling:TerminateInstanceInAutoScalingGroup on resource: arn:aws:autoscaling:\S+:autoScalingGroupName\/payments-blue /,
    );
    const describe = await refusal(asg.send(new DescribeAutoScalingGroupsCommand({})));
    expect([describe.name, describe.status]).toEqual(["AccessDenied", 403]);
    const groups = range.world.autoScalingGroups;
    expect(groups?.get("payments-green")?.desiredCapacity).toBe(1);
    expect(groups?.get("payments-blue")?.desiredCapacity).toBeGreaterThan(0);
    expect(groups?.get("payments-blue")?.instances.find((i) => i.instanceId === blueInstance)?.lifecycleState).not.toMatch(/Terminat/);
    // The same call on an instance of the green group (launched meanwhile) is allowed.
    range.tick(30_000);
    await fetch(`${range.url}/_sim/health`);
    const greenInstance = groups?.get("payments-green")?.instances[0]?.instanceId ?? "";
    expect(greenInstance).not.toBe("");
    const ended = await asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: greenInstance, ShouldDecrementDesiredCapacity: false }),
    );
    expect(ended.Activity?.Description).toMatch(new RegExp(`Terminating EC2 instance: ${greenInstance}`));
  });

  it("EC2 (its own query shape): UnauthorizedOperation 403", async () => {
    const ec2 = new EC2Client(cfg());
    const denied = await refusal(ec2.send(new DescribeInstancesCommand({})));
    expect([denied.name, denied.status]).toEqual(["UnauthorizedOperation", 403]);
    expect(denied.message).toMatch(/^You are not authorized to perform this operation\. User: .* ec2:DescribeInstances because/);
  });

  it("ECS (JSON): AccessDeniedException 400; a Deny on one of the services named refuses the whole call", async () => {
    const ecs = new ECSClient(cfg());
    const read = await ecs.send(new DescribeServicesCommand({ cluster: "prod", services: ["orders-blue"] }));
    expect(read.services?.[0]?.serviceName).toBe("orders-blue");
    const both = await refusal(ecs.send(new DescribeServicesCommand({ cluster: "prod", services: ["orders-blue", "orders-green"] })));
    expect([both.name, both.status]).toEqual(["AccessDeniedException", 400]);
    expect(both.message).toMatch(/ecs:DescribeServices on resource: arn:aws:ecs:us-east-1:123456789012:service\/prod\/orders-green /);
    const update = await refusal(ecs.send(new UpdateServiceCommand({ cluster: "prod", service: "orders-blue", desiredCount: 0 })));
    expect([update.name, update.status]).toEqual(["AccessDeniedException", 400]);
  });

  it("CloudWatch: AccessDenied 403", async () => {
    const cw = new CloudWatchClient(cfg());
    const now = new Date(range.nowMs());
    const denied = await refusal(
      cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(now.getTime() - 600_000),
          EndTime: now,
          MetricDataQueries: [{ Id: "q", MetricStat: { Metric: { Namespace: "AWS/ELB", MetricName: "RequestCount" }, Period: 60, Stat: "Sum" } }],
        }),
      ),
    );
    expect([denied.name, denied.status]).toEqual(["AccessDenied", 403]);
  });

  it("Teal's translation of a refusal says so plainly, without AWS's text, an ARN or the account", async () => {
    const asg = new AutoScalingClient(cfg());
    const denied = await refusal(asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "payments-blue", DesiredCapacity: 0 })));
    const mapped = toAppError(denied.err, "SetDesiredCapacity");
    expect(mapped.code).toBe("forbidden");
    expect(mapped.userMessage).toBe(
      "SetDesiredCapacity failed: AccessDenied: Teal's AWS credentials are not allowed to do this (IAM action autoscaling:SetDesiredCapacity; teal iam-policy prints the policy Teal needs)",
    );
    expect(mapped.userMessage).not.toMatch(/arn:|\d{12}/);
  });

  it("is set, shown and turned off through /_sim/iam; a policy it would not evaluate is a 400 that changes nothing", async () => {
    const shown = await control("GET");
    expect(shown.json).toMatchObject({ enabled: true, policy: { Statement: expect.arrayContaining([expect.objectContaining({ Sid: "Zone" })]) } });
    const bad = await control("PUT", { Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: {} }] });
    expect(bad.status).toBe(400);
    expect((await control("GET")).json).toEqual(shown.json);
    const ec2 = new EC2Client(cfg());
    await refusal(ec2.send(new DescribeInstancesCommand({})));
    expect((await control("DELETE")).json).toEqual({ enabled: false, policy: null });
    expect((await ec2.send(new DescribeInstancesCommand({}))).Reservations?.length).toBeGreaterThan(0);
    expect((await fetch(`${range.url}/_sim/iam`, { method: "POST" })).status).toBe(404);
  });
});

describe("the IAM mode and a reset of the world", () => {
  it("seeds the world again outside the policy, and keeps the policy afterwards", async () => {
    const range = await startRange({
      port: 0,
      host: "127.0.0.1",
      now: () => Date.UTC(2026, 0, 1, 12),
      onReset: async (r) => void (await seedDemoWorld(r.url)),
    });
    try {
      const only = { Statement: [{ Effect: "Allow", Action: "ec2:DescribeInstances", Resource: "*" }] };
      expect((await fetch(`${range.url}/_sim/iam`, { method: "PUT", body: JSON.stringify(only) })).status).toBe(200);
      const reset = await fetch(`${range.url}/_sim/reset`, { method: "POST" });
      expect(reset.status, await reset.text()).toBe(200);
      expect(range.world.zones.size).toBe(1);
      expect(range.world.autoScalingGroups?.size).toBeGreaterThan(0);
      const after = (await (await fetch(`${range.url}/_sim/iam`)).json()) as { enabled: boolean };
      expect(after.enabled).toBe(true);
      const asg = new AutoScalingClient({
        endpoint: range.url,
        region: "us-east-1",
        credentials: { accessKeyId: "t", secretAccessKey: "t" },
        maxAttempts: 1,
      });
      expect(await refusalName(asg.send(new DescribeAutoScalingGroupsCommand({})))).toBe("AccessDenied");
    } finally {
      await range.close();
    }
  });
});

async function refusalName(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    return (err as { name: string }).name;
  }
  return "allowed";
}

/** Runs `range/main.ts` with `env`; resolves with its output once it serves (or its exit code). */
function runRangeMain(env: Record<string, string>): Promise<{ url: string | null; code: number | null; out: string; stop: () => Promise<void> }> {
  const tsx = path.join(process.cwd(), "node_modules", "tsx", "dist", "cli.mjs");
  const proc = spawn(process.execPath, [tsx, "range/main.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, PORT: "0", RANGE_HISTORY_HOURS: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const stop = async () => {
    if (proc.exitCode !== null) return;
    proc.kill("SIGTERM");
    const killer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(killer);
  };
  return new Promise((resolve) => {
    let out = "";
    const seen = (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url !== undefined && out.includes("control API:")) resolve({ url, code: null, out, stop });
    };
    proc.stdout.on("data", seen);
    proc.stderr.on("data", seen);
    proc.once("exit", (code) => resolve({ url: null, code, out, stop }));
  });
}

describe("RANGE_IAM_POLICY on the range's command line", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "range-iam-main-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("seeds the demo world, then authorizes every request against the file's policy; a bad file stops it with exit 2", async () => {
    const file = path.join(dir, "policy.json");
    writeFileSync(file, JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }] }));
    const started = await runRangeMain({ RANGE_IAM_POLICY: file });
    try {
      expect(started.url, started.out).not.toBeNull();
      expect(started.out).toMatch(/IAM mode: every AWS request is authorized against .*policy\.json/);
      const config = { endpoint: started.url ?? "", region: "us-east-1", credentials: { accessKeyId: "t", secretAccessKey: "t" }, maxAttempts: 1 };
      expect((await new EC2Client(config).send(new DescribeInstancesCommand({}))).Reservations?.length).toBeGreaterThan(0);
      expect(await refusalName(new AutoScalingClient(config).send(new DescribeAutoScalingGroupsCommand({})))).toBe("AccessDenied");
    } finally {
      await started.stop();
    }
    writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: {} }] }));
    const refused = await runRangeMain({ RANGE_IAM_POLICY: path.join(dir, "bad.json") });
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/RANGE_IAM_POLICY=.*bad\.json: not a policy the range evaluates/);
  }, 60_000);
});
