import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  DuplicateListenerException,
  DuplicateLoadBalancerNameException,
  ElasticLoadBalancingV2Client,
  InvalidTargetException,
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  ModifyListenerCommand,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  OperationNotPermittedException,
  PriorityInUseException,
  RegisterTargetsCommand,
  ResourceInUseException,
  RuleNotFoundException,
  TargetGroupAssociationLimitException,
  TargetGroupNotFoundException,
  type Action,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { ElasticLoadBalancingServiceException } from "@aws-sdk/client-elastic-load-balancing";
import { ElasticLoadBalancingV2ServiceException } from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_VPC_ID, subnetOf } from "./ec2";
import { DEFAULT_SECURITY_GROUP_ID } from "@/range/world/network";
import { startTestRange, type TestRange } from "@/test/support/range";

let range: TestRange;
let elbv2: ElasticLoadBalancingV2Client;
let ec2: EC2Client;

beforeAll(async () => {
  range = await startTestRange({ instanceBootMs: 20_000, albProvisioningMs: 60_000, albActionDelayMs: 2_000 });
  elbv2 = new ElasticLoadBalancingV2Client(range.clientConfig);
  ec2 = new EC2Client(range.clientConfig);
});

afterAll(async () => {
  elbv2.destroy();
  ec2.destroy();
  await range.close();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

const SUBNETS = [subnetOf("us-east-1a"), subnetOf("us-east-1b")];
let counter = 0;

async function newAlb(): Promise<{ arn: string; name: string; dnsName: string }> {
  counter += 1;
  const name = `alb-${counter}`;
  const out = await elbv2.send(new CreateLoadBalancerCommand({ Name: name, Subnets: SUBNETS, Type: "application" }));
  const lb = out.LoadBalancers?.[0];
  if (lb?.LoadBalancerArn === undefined || lb.DNSName === undefined) throw new Error("no load balancer");
  return { arn: lb.LoadBalancerArn, name, dnsName: lb.DNSName };
}

async function newTg(extra: { TargetType?: "instance" | "ip" } = {}): Promise<string> {
  counter += 1;
  const out = await elbv2.send(new CreateTargetGroupCommand({ Name: `tg-${counter}`, Protocol: "HTTP", Port: 80, VpcId: DEFAULT_VPC_ID, ...extra }));
  const arn = out.TargetGroups?.[0]?.TargetGroupArn;
  if (arn === undefined) throw new Error("no target group");
  return arn;
}

function forward(...groups: [string, number][]): Action[] {
  return [{ Type: "forward", ForwardConfig: { TargetGroups: groups.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })) } }];
}

async function newListener(albArn: string, actions: Action[], port = 80): Promise<string> {
  const out = await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: albArn, Protocol: "HTTP", Port: port, DefaultActions: actions }));
  const arn = out.Listeners?.[0]?.ListenerArn;
  if (arn === undefined) throw new Error("no listener");
  return arn;
}

async function runningInstance(): Promise<string> {
  const out = await ec2.send(new RunInstancesCommand({ ImageId: "ami-1", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
  const id = out.Instances?.[0]?.InstanceId;
  if (id === undefined) throw new Error("no instance");
  return id;
}

describe("ELBv2 routing", () => {
  it("tells ELBv2 from classic ELB by the Version parameter", async () => {
    // Both clients sign for "elasticloadbalancing"; the answer must come from the ELBv2 handler.
    const err = await rejection(elbv2.send(new DescribeLoadBalancersCommand({ Names: ["missing"] })));
    expect(err).toBeInstanceOf(LoadBalancerNotFoundException);
    expect(err).not.toBeInstanceOf(ElasticLoadBalancingServiceException);
    expect(range.stats.services.elbv2?.count).toBeGreaterThan(0);
  });
});

describe("load balancers", () => {
  it("creates an ALB provisioning, with an ELB DNS name, then active after the delay", async () => {
    const out = await elbv2.send(new CreateLoadBalancerCommand({ Name: "shop-alb", Subnets: SUBNETS, SecurityGroups: [DEFAULT_SECURITY_GROUP_ID] }));
    const lb = out.LoadBalancers?.[0];
    expect(lb?.LoadBalancerArn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/shop-alb\/[0-9a-f]{16}$/);
    expect(lb?.DNSName).toMatch(/^shop-alb-\d{10}\.us-east-1\.elb\.amazonaws\.com$/);
    expect(lb?.CanonicalHostedZoneId).toBe("Z35SXDOTRQ7X7K");
    expect(lb?.State?.Code).toBe("provisioning");
    expect(lb?.Type).toBe("application");
    expect(lb?.Scheme).toBe("internet-facing");
    expect(lb?.VpcId).toBe(DEFAULT_VPC_ID);
    expect(lb?.SecurityGroups).toEqual([DEFAULT_SECURITY_GROUP_ID]);
    expect(lb?.AvailabilityZones?.map((z) => z.ZoneName)).toEqual(["us-east-1a", "us-east-1b"]);
    expect(lb?.CreatedTime).toBeInstanceOf(Date);
    range.tick(61_000);
    const described = await elbv2.send(new DescribeLoadBalancersCommand({ Names: ["shop-alb"] }));
    expect(described.LoadBalancers?.[0]?.State?.Code).toBe("active");
    const byArn = await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb?.LoadBalancerArn ?? ""] }));
    expect(byArn.LoadBalancers?.[0]?.LoadBalancerName).toBe("shop-alb");
  });

  it("rejects a duplicate name, a single subnet, and unknown names or ARNs", async () => {
    await elbv2.send(new CreateLoadBalancerCommand({ Name: "dup-alb", Subnets: SUBNETS }));
    expect(await rejection(elbv2.send(new CreateLoadBalancerCommand({ Name: "dup-alb", Subnets: SUBNETS })))).toBeInstanceOf(
      DuplicateLoadBalancerNameException,
    );
    const one = await rejection(elbv2.send(new CreateLoadBalancerCommand({ Name: "one-subnet", Subnets: [SUBNETS[0] ?? ""] })));
    expect((one as ElasticLoadBalancingV2ServiceException).name).toBe("ValidationError");
    expect(
      await rejection(
        elbv2.send(
          new DescribeLoadBalancersCommand({
            LoadBalancerArns: ["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/0000000000000000"],
          }),
        ),
      ),
    ).toBeInstanceOf(LoadBalancerNotFoundException);
  });

  it("deletes a load balancer (and deleting again succeeds, as on AWS)", async () => {
    const alb = await newAlb();
    await elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: alb.arn }));
    await elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: alb.arn }));
    expect(await rejection(elbv2.send(new DescribeLoadBalancersCommand({ Names: [alb.name] })))).toBeInstanceOf(LoadBalancerNotFoundException);
  });

  it("describes up to 20 load balancers per call, and refuses more", async () => {
    const alb = await newAlb();
    const twenty = await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: Array.from({ length: 20 }, () => alb.arn) }));
    expect(twenty.LoadBalancers?.[0]?.LoadBalancerArn).toBe(alb.arn);
    const err = await rejection(elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: Array.from({ length: 21 }, () => alb.arn) })));
    expect((err as ElasticLoadBalancingV2ServiceException).name).toBe("ValidationError");
  });

  it("pages DescribeLoadBalancers with PageSize and Marker", async () => {
    const all = await elbv2.send(new DescribeLoadBalancersCommand({}));
    const count = all.LoadBalancers?.length ?? 0;
    expect(count).toBeGreaterThanOrEqual(2);
    const first = await elbv2.send(new DescribeLoadBalancersCommand({ PageSize: 1 }));
    expect(first.LoadBalancers).toHaveLength(1);
    expect(first.NextMarker).toBeDefined();
    const second = await elbv2.send(new DescribeLoadBalancersCommand({ PageSize: 1, Marker: first.NextMarker }));
    expect(second.LoadBalancers?.[0]?.LoadBalancerArn).not.toBe(first.LoadBalancers?.[0]?.LoadBalancerArn);
  });
});

describe("target groups", () => {
  it("creates a target group with AWS health-check defaults", async () => {
    const out = await elbv2.send(new CreateTargetGroupCommand({ Name: "blue-tg", Protocol: "HTTP", Port: 8080, VpcId: DEFAULT_VPC_ID }));
    const tg = out.TargetGroups?.[0];
    expect(tg?.TargetGroupArn).toMatch(/:targetgroup\/blue-tg\/[0-9a-f]{16}$/);
    expect(tg).toMatchObject({
      TargetGroupName: "blue-tg",
      Protocol: "HTTP",
      Port: 8080,
      VpcId: DEFAULT_VPC_ID,
      TargetType: "instance",
      HealthCheckProtocol: "HTTP",
      HealthCheckPort: "traffic-port",
      HealthCheckEnabled: true,
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      HealthCheckPath: "/",
      Matcher: { HttpCode: "200" },
      LoadBalancerArns: [],
    });
  });

  it("rejects out-of-range health-check settings and a conflicting duplicate name", async () => {
    const err = await rejection(
      elbv2.send(new CreateTargetGroupCommand({ Name: "bad-tg", Protocol: "HTTP", Port: 80, VpcId: DEFAULT_VPC_ID, HealthyThresholdCount: 11 })),
    );
    expect((err as ElasticLoadBalancingV2ServiceException).name).toBe("ValidationError");
    await elbv2.send(new CreateTargetGroupCommand({ Name: "same-tg", Protocol: "HTTP", Port: 80, VpcId: DEFAULT_VPC_ID }));
    const again = await elbv2.send(new CreateTargetGroupCommand({ Name: "same-tg", Protocol: "HTTP", Port: 80, VpcId: DEFAULT_VPC_ID }));
    expect(again.TargetGroups?.[0]?.TargetGroupName).toBe("same-tg");
    const conflict = await rejection(
      elbv2.send(new CreateTargetGroupCommand({ Name: "same-tg", Protocol: "HTTP", Port: 81, VpcId: DEFAULT_VPC_ID })),
    );
    expect((conflict as ElasticLoadBalancingV2ServiceException).name).toBe("DuplicateTargetGroupNameException");
  });

  it("describes by ARN, name and load balancer; unknown ones are TargetGroupNotFound", async () => {
    const alb = await newAlb();
    const tg = await newTg();
    const other = await newTg();
    await newListener(alb.arn, forward([tg, 1]));
    const byLb = await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: alb.arn }));
    expect(byLb.TargetGroups?.map((g) => g.TargetGroupArn)).toEqual([tg]);
    expect(byLb.TargetGroups?.[0]?.LoadBalancerArns).toEqual([alb.arn]);
    const byArn = await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [other] }));
    expect(byArn.TargetGroups?.[0]?.LoadBalancerArns).toEqual([]);
    const byName = await elbv2.send(new DescribeTargetGroupsCommand({ Names: [byArn.TargetGroups?.[0]?.TargetGroupName ?? ""] }));
    expect(byName.TargetGroups?.[0]?.TargetGroupArn).toBe(other);
    expect(await rejection(elbv2.send(new DescribeTargetGroupsCommand({ Names: ["nope"] })))).toBeInstanceOf(TargetGroupNotFoundException);
    expect(await rejection(elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [`${other}x`] })))).toBeInstanceOf(
      TargetGroupNotFoundException,
    );
  });

  it("modifies health-check settings", async () => {
    const tg = await newTg();
    const out = await elbv2.send(
      new ModifyTargetGroupCommand({ TargetGroupArn: tg, HealthCheckIntervalSeconds: 10, HealthCheckPath: "/health", HealthyThresholdCount: 2 }),
    );
    expect(out.TargetGroups?.[0]).toMatchObject({
      HealthCheckIntervalSeconds: 10,
      HealthCheckPath: "/health",
      HealthyThresholdCount: 2,
      HealthCheckTimeoutSeconds: 5,
    });
    expect(await rejection(elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: `${tg}0`, HealthCheckIntervalSeconds: 10 })))).toBeInstanceOf(
      TargetGroupNotFoundException,
    );
  });

  it("describes and modifies attributes with AWS defaults and ranges", async () => {
    const tg = await newTg();
    const attrs = async (): Promise<Record<string, string>> => {
      const out = await elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg }));
      return Object.fromEntries((out.Attributes ?? []).map((a) => [a.Key ?? "", a.Value ?? ""]));
    };
    expect(await attrs()).toMatchObject({
      "deregistration_delay.timeout_seconds": "300",
      "stickiness.enabled": "false",
      "stickiness.type": "lb_cookie",
      "stickiness.lb_cookie.duration_seconds": "86400",
    });
    const out = await elbv2.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: tg,
        Attributes: [
          { Key: "deregistration_delay.timeout_seconds", Value: "30" },
          { Key: "stickiness.enabled", Value: "true" },
          { Key: "stickiness.lb_cookie.duration_seconds", Value: "600" },
        ],
      }),
    );
    expect(out.Attributes?.find((a) => a.Key === "deregistration_delay.timeout_seconds")?.Value).toBe("30");
    expect(await attrs()).toMatchObject({ "stickiness.enabled": "true", "stickiness.lb_cookie.duration_seconds": "600" });
    const err = await rejection(
      elbv2.send(
        new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: "deregistration_delay.timeout_seconds", Value: "3601" }] }),
      ),
    );
    expect((err as ElasticLoadBalancingV2ServiceException).name).toBe("ValidationError");
    expect((await attrs())["deregistration_delay.timeout_seconds"]).toBe("30");
    expect(await rejection(elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: `${tg}0` })))).toBeInstanceOf(
      TargetGroupNotFoundException,
    );
  });

  it("refuses to delete a target group a listener forwards to (ResourceInUse), deletes it after", async () => {
    const alb = await newAlb();
    const tg = await newTg();
    const listener = await newListener(alb.arn, forward([tg, 1]));
    expect(await rejection(elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg })))).toBeInstanceOf(ResourceInUseException);
    await elbv2.send(new DeleteListenerCommand({ ListenerArn: listener }));
    await elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg }));
    expect(await rejection(elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [tg] })))).toBeInstanceOf(TargetGroupNotFoundException);
  });
});

describe("listeners", () => {
  it("creates a weighted forward listener and describes it", async () => {
    const alb = await newAlb();
    const blue = await newTg();
    const green = await newTg();
    const out = await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: alb.arn,
        Protocol: "HTTP",
        Port: 80,
        DefaultActions: [
          {
            Type: "forward",
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blue, Weight: 90 },
                { TargetGroupArn: green, Weight: 10 },
              ],
              TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
            },
          },
        ],
      }),
    );
    const listener = out.Listeners?.[0];
    expect(listener?.ListenerArn).toMatch(/:listener\/app\/alb-\d+\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    expect(listener?.DefaultActions?.[0]?.ForwardConfig).toEqual({
      TargetGroups: [
        { TargetGroupArn: blue, Weight: 90 },
        { TargetGroupArn: green, Weight: 10 },
      ],
      TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
    });
    const described = await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: alb.arn }));
    expect(described.Listeners?.map((l) => [l.Port, l.Protocol, l.LoadBalancerArn])).toEqual([[80, "HTTP", alb.arn]]);
    const byArn = await elbv2.send(new DescribeListenersCommand({ ListenerArns: [listener?.ListenerArn ?? ""] }));
    expect(byArn.Listeners?.[0]?.DefaultActions?.[0]?.Type).toBe("forward");
  });

  it("accepts the legacy single TargetGroupArn form and echoes it", async () => {
    const alb = await newAlb();
    const tg = await newTg();
    const out = await elbv2.send(
      new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: "HTTP", Port: 80, DefaultActions: [{ Type: "forward", TargetGroupArn: tg }] }),
    );
    expect(out.Listeners?.[0]?.DefaultActions?.[0]).toMatchObject({
      Type: "forward",
      TargetGroupArn: tg,
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } },
    });
  });

  it("validates weights, the five-group quota, unknown groups, duplicate ports and one load balancer per group", async () => {
    const alb = await newAlb();
    const tgs = await Promise.all([newTg(), newTg(), newTg(), newTg(), newTg(), newTg()]);
    const name = async (p: Promise<unknown>): Promise<string> => ((await rejection(p)) as ElasticLoadBalancingV2ServiceException).name;
    const [a = "", b = ""] = tgs;
    expect(
      await name(elbv2.send(new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: "HTTP", Port: 80, DefaultActions: forward([a, 1000]) }))),
    ).toBe("ValidationError");
    expect(
      await name(
        elbv2.send(
          new CreateListenerCommand({
            LoadBalancerArn: alb.arn,
            Protocol: "HTTP",
            Port: 80,
            DefaultActions: forward(...tgs.map((t): [string, number] => [t, 1])),
          }),
        ),
      ),
    ).toBe("ValidationError");
    expect(
      await rejection(
        elbv2.send(new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: "HTTP", Port: 80, DefaultActions: forward([`${a}0`, 1]) })),
      ),
    ).toBeInstanceOf(TargetGroupNotFoundException);
    await newListener(alb.arn, forward([a, 1]));
    expect(
      await rejection(
        elbv2.send(new CreateListenerCommand({ LoadBalancerArn: alb.arn, Protocol: "HTTP", Port: 80, DefaultActions: forward([b, 1]) })),
      ),
    ).toBeInstanceOf(DuplicateListenerException);
    const otherAlb = await newAlb();
    expect(
      await rejection(
        elbv2.send(new CreateListenerCommand({ LoadBalancerArn: otherAlb.arn, Protocol: "HTTP", Port: 80, DefaultActions: forward([a, 1]) })),
      ),
    ).toBeInstanceOf(TargetGroupAssociationLimitException);
    expect(
      await rejection(
        elbv2.send(new CreateListenerCommand({ LoadBalancerArn: `${alb.arn}0`, Protocol: "HTTP", Port: 81, DefaultActions: forward([b, 1]) })),
      ),
    ).toBeInstanceOf(LoadBalancerNotFoundException);
  });

  it("ModifyListener replaces the default actions wholesale and keeps what is not given", async () => {
    const alb = await newAlb();
    const blue = await newTg();
    const green = await newTg();
    const listener = await newListener(alb.arn, [
      {
        Type: "forward",
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: blue, Weight: 100 },
            { TargetGroupArn: green, Weight: 0 },
          ],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
        },
      },
    ]);
    const out = await elbv2.send(new ModifyListenerCommand({ ListenerArn: listener, DefaultActions: forward([green, 100]) }));
    expect(out.Listeners?.[0]?.DefaultActions).toEqual([
      {
        Type: "forward",
        TargetGroupArn: green,
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: green, Weight: 100 }], TargetGroupStickinessConfig: { Enabled: false } },
      },
    ]);
    const portOnly = await elbv2.send(new ModifyListenerCommand({ ListenerArn: listener, Port: 8080 }));
    expect(portOnly.Listeners?.[0]?.Port).toBe(8080);
    expect(portOnly.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups).toEqual([{ TargetGroupArn: green, Weight: 100 }]);
    expect(await rejection(elbv2.send(new ModifyListenerCommand({ ListenerArn: `${listener}0`, Port: 81 })))).toBeInstanceOf(
      ListenerNotFoundException,
    );
  });

  it("deletes a listener; an unknown listener is ListenerNotFound", async () => {
    const alb = await newAlb();
    const listener = await newListener(alb.arn, forward([await newTg(), 1]));
    await elbv2.send(new DeleteListenerCommand({ ListenerArn: listener }));
    expect(await rejection(elbv2.send(new DeleteListenerCommand({ ListenerArn: listener })))).toBeInstanceOf(ListenerNotFoundException);
    expect((await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: alb.arn }))).Listeners).toEqual([]);
  });
});

describe("rules", () => {
  it("creates, describes (default rule last), modifies wholesale and deletes rules", async () => {
    const alb = await newAlb();
    const blue = await newTg();
    const green = await newTg();
    const listener = await newListener(alb.arn, [
      { Type: "fixed-response", FixedResponseConfig: { StatusCode: "404", ContentType: "text/plain", MessageBody: "no" } },
    ]);
    const created = await elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listener,
        Priority: 10,
        Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/*"] } }],
        Actions: forward([blue, 80], [green, 20]),
      }),
    );
    const rule = created.Rules?.[0];
    expect(rule?.RuleArn).toMatch(/:listener-rule\/app\/alb-\d+\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    expect(rule?.Priority).toBe("10");
    expect(rule?.IsDefault).toBe(false);
    expect(rule?.Conditions?.[0]).toMatchObject({ Field: "path-pattern", Values: ["/*"], PathPatternConfig: { Values: ["/*"] } });
    expect(
      await rejection(
        elbv2.send(
          new CreateRuleCommand({
            ListenerArn: listener,
            Priority: 10,
            Conditions: [{ Field: "path-pattern", Values: ["/a"] }],
            Actions: forward([blue, 1]),
          }),
        ),
      ),
    ).toBeInstanceOf(PriorityInUseException);
    const rules = await elbv2.send(new DescribeRulesCommand({ ListenerArn: listener }));
    expect(rules.Rules?.map((r) => [r.Priority, r.IsDefault])).toEqual([
      ["10", false],
      ["default", true],
    ]);
    expect(rules.Rules?.[1]?.Actions?.[0]?.FixedResponseConfig).toEqual({ StatusCode: "404", ContentType: "text/plain", MessageBody: "no" });
    const modified = await elbv2.send(new ModifyRuleCommand({ RuleArn: rule?.RuleArn, Actions: forward([green, 1]) }));
    expect(modified.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups).toEqual([{ TargetGroupArn: green, Weight: 1 }]);
    expect(modified.Rules?.[0]?.Conditions?.[0]?.Values).toEqual(["/*"]);
    const defaultArn = rules.Rules?.[1]?.RuleArn;
    expect(await rejection(elbv2.send(new DeleteRuleCommand({ RuleArn: defaultArn })))).toBeInstanceOf(OperationNotPermittedException);
    await elbv2.send(new DeleteRuleCommand({ RuleArn: rule?.RuleArn }));
    expect(await rejection(elbv2.send(new DescribeRulesCommand({ RuleArns: [rule?.RuleArn ?? ""] })))).toBeInstanceOf(RuleNotFoundException);
    expect(await rejection(elbv2.send(new ModifyRuleCommand({ RuleArn: rule?.RuleArn, Actions: forward([green, 1]) })))).toBeInstanceOf(
      RuleNotFoundException,
    );
  });
});

describe("targets", () => {
  it("registers, reports initial → healthy, drains and deregisters through the API", async () => {
    const alb = await newAlb();
    const tg = await newTg();
    await newListener(alb.arn, forward([tg, 1]));
    await elbv2.send(
      new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: "deregistration_delay.timeout_seconds", Value: "60" }] }),
    );
    const id = await runningInstance();
    range.tick(21_000);
    await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id }] }));
    const health = async (): Promise<{ State?: string; Reason?: string; Description?: string } | undefined> =>
      (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions?.[0]?.TargetHealth;
    expect(await health()).toEqual({ State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress" });
    const first = (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions?.[0];
    expect(first?.Target).toEqual({ Id: id, Port: 80 });
    expect(first?.HealthCheckPort).toBe("80");
    range.tick(31_000);
    expect(await health()).toEqual({ State: "healthy" });
    await elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id }] }));
    expect(await health()).toEqual({
      State: "draining",
      Reason: "Target.DeregistrationInProgress",
      Description: "Target deregistration is in progress",
    });
    range.tick(61_000);
    expect((await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions).toEqual([]);
    const asked = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg, Targets: [{ Id: id }] }));
    expect(asked.TargetHealthDescriptions?.[0]?.TargetHealth).toEqual({
      State: "unused",
      Reason: "Target.NotRegistered",
      Description: "Target is not registered to the target group",
    });
    // Deregistering a target that is not registered succeeds, as on AWS.
    await elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id }] }));
  });

  it("rejects unknown groups and invalid targets", async () => {
    const tg = await newTg();
    expect(await rejection(elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: `${tg}0`, Targets: [{ Id: "i-1" }] })))).toBeInstanceOf(
      TargetGroupNotFoundException,
    );
    expect(await rejection(elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: "i-0000000000000dead" }] })))).toBeInstanceOf(
      InvalidTargetException,
    );
    expect(await rejection(elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: `${tg}0`, Targets: [{ Id: "i-1" }] })))).toBeInstanceOf(
      TargetGroupNotFoundException,
    );
    expect(await rejection(elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: `${tg}0` })))).toBeInstanceOf(TargetGroupNotFoundException);
  });

  it("shows targets of a group no listener uses as unused / Target.NotInUse", async () => {
    const tg = await newTg({ TargetType: "ip" });
    await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: "172.31.9.9", Port: 8080 }] }));
    const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }));
    expect(out.TargetHealthDescriptions?.[0]).toMatchObject({
      Target: { Id: "172.31.9.9", Port: 8080 },
      TargetHealth: { State: "unused", Reason: "Target.NotInUse" },
    });
  });
});

describe("control API", () => {
  it("lists ALBs and target groups with their target health in GET /_sim/state", async () => {
    const alb = await newAlb();
    const tg = await newTg();
    await newListener(alb.arn, forward([tg, 1]));
    const res = await fetch(`${range.url}/_sim/state`);
    const body = (await res.json()) as { albs: { arn: string; listeners: unknown[] }[]; targetGroups: { arn: string; targetHealth: unknown[] }[] };
    expect(body.albs.find((a) => a.arn === alb.arn)?.listeners).toHaveLength(1);
    expect(body.targetGroups.find((g) => g.arn === tg)?.targetHealth).toEqual([]);
  });
});
