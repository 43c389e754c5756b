import {
  AlreadyExistsFault,
  ActiveInstanceRefreshNotFoundFault,
  AttachLoadBalancersCommand,
  AttachLoadBalancerTargetGroupsCommand,
  AttachTrafficSourcesCommand,
  AutoScalingClient,
  AutoScalingServiceException,
  CancelInstanceRefreshCommand,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DeleteAutoScalingGroupCommand,
  DeleteLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeInstanceRefreshesCommand,
  DescribeLaunchConfigurationsCommand,
  DescribeLoadBalancersCommand,
  DescribeLoadBalancerTargetGroupsCommand,
  DescribeScalingActivitiesCommand,
  DescribeTrafficSourcesCommand,
  DetachLoadBalancersCommand,
  DetachLoadBalancerTargetGroupsCommand,
  DetachTrafficSourcesCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  InstanceRefreshInProgressFault,
  IrreversibleInstanceRefreshFault,
  ResourceInUseFault,
  ResumeProcessesCommand,
  RollbackInstanceRefreshCommand,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
  StartInstanceRefreshCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
} from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreateLoadBalancerCommand, ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimTargetGroup } from "@/range/world/state";
import { startTestRange, type TestRange } from "@/test/support/range";

let range: TestRange;
let asg: AutoScalingClient;
let ec2: EC2Client;
let elb: ElasticLoadBalancingClient;
let templateId = "";

const BOOT_MS = 30_000;

beforeAll(async () => {
  range = await startTestRange({ instanceBootMs: BOOT_MS });
  asg = new AutoScalingClient(range.clientConfig);
  ec2 = new EC2Client(range.clientConfig);
  elb = new ElasticLoadBalancingClient(range.clientConfig);
  const lt = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: "web",
      LaunchTemplateData: {
        ImageId: "ami-0aaa",
        InstanceType: "t3.small",
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: "v41" }] }],
      },
    }),
  );
  templateId = lt.LaunchTemplate?.LaunchTemplateId ?? "";
  await ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: templateId,
      SourceVersion: "1",
      LaunchTemplateData: { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: "v42" }] }] },
    }),
  );
  await elb.send(
    new CreateLoadBalancerCommand({
      LoadBalancerName: "web-lb",
      Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 80 }],
      AvailabilityZones: ["us-east-1a", "us-east-1b"],
    }),
  );
});

afterAll(async () => {
  asg.destroy();
  ec2.destroy();
  elb.destroy();
  await range.close();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`rejected with a non-error: ${String(err)}`);
  }
  throw new Error("expected the call to fail");
}

async function group(name: string): Promise<AutoScalingGroup> {
  const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const found = out.AutoScalingGroups?.[0];
  if (found === undefined) throw new Error(`group ${name} not found`);
  return found;
}

/** Moves the clock in steps and lets the range catch up (each request advances the world). */
async function wait(ms: number): Promise<void> {
  range.tick(ms);
  await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["-"] }));
}

async function createGroup(name: string, extra: Partial<ConstructorParameters<typeof CreateAutoScalingGroupCommand>[0]> = {}): Promise<void> {
  await asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      LaunchTemplate: { LaunchTemplateId: templateId, Version: "1" },
      MinSize: 1,
      MaxSize: 4,
      DesiredCapacity: 2,
      AvailabilityZones: ["us-east-1a", "us-east-1b"],
      ...extra,
    }),
  );
}

function testTargetGroup(name: string): SimTargetGroup {
  const arn = `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/0123456789abcdef`;
  const tg: SimTargetGroup = {
    arn,
    name,
    protocol: "HTTP",
    port: 80,
    vpcId: "vpc-0d3fa017e5c0a1b2c",
    targetType: "instance",
    protocolVersion: "HTTP1",
    ipAddressType: "ipv4",
    createdAtMs: range.nowMs(),
    healthCheck: {
      enabled: true,
      protocol: "HTTP",
      port: "traffic-port",
      path: "/",
      intervalS: 30,
      timeoutS: 5,
      healthyThreshold: 5,
      unhealthyThreshold: 2,
      matcher: "200",
    },
    attributes: { deregistrationDelayS: 300, stickinessEnabled: false, stickinessType: "lb_cookie", stickinessDurationS: 86_400, extra: {} },
    targets: [],
    tags: {},
  };
  range.world.targetGroups ??= new Map();
  range.world.targetGroups.set(arn, tg);
  return tg;
}

describe("Auto Scaling groups", () => {
  it("DescribeAutoScalingGroups takes up to 50 names, or up to MaxRecords (≤ 100) when given, and refuses more", async () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `no-such-group-${i}`);
    expect((await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names(50) }))).AutoScalingGroups).toEqual([]);
    const err = await rejection(asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names(51) })));
    expect(err.name).toBe("ValidationError");
    await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names(100), MaxRecords: 100 }));
    expect((await rejection(asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names(101), MaxRecords: 100 })))).name).toBe(
      "ValidationError",
    );
  });

  it("CreateAutoScalingGroup and DescribeAutoScalingGroups: settings, then Pending and InService instances from the template", async () => {
    await createGroup("ops-a", {
      HealthCheckType: "ELB",
      HealthCheckGracePeriod: 120,
      TerminationPolicies: ["OldestLaunchTemplate", "Default"],
      Tags: [{ Key: "app", Value: "shop", PropagateAtLaunch: true }],
    });
    const created = await group("ops-a");
    expect(created.AutoScalingGroupARN).toMatch(
      /^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/ops-a$/,
    );
    expect(created.LaunchTemplate).toEqual({ LaunchTemplateId: templateId, LaunchTemplateName: "web", Version: "1" });
    expect([created.MinSize, created.MaxSize, created.DesiredCapacity]).toEqual([1, 4, 2]);
    expect(created.AvailabilityZones).toEqual(["us-east-1a", "us-east-1b"]);
    expect(created.HealthCheckType).toBe("ELB");
    expect(created.HealthCheckGracePeriod).toBe(120);
    expect(created.TerminationPolicies).toEqual(["OldestLaunchTemplate", "Default"]);
    expect(created.Tags?.[0]).toMatchObject({ Key: "app", Value: "shop", PropagateAtLaunch: true });
    expect(created.CreatedTime).toBeInstanceOf(Date);
    expect(created.Instances).toEqual([]);

    await wait(1_000);
    const pending = await group("ops-a");
    expect(pending.Instances?.map((i) => i.LifecycleState)).toEqual(["Pending", "Pending"]);
    expect(new Set(pending.Instances?.map((i) => i.AvailabilityZone))).toEqual(new Set(["us-east-1a", "us-east-1b"]));
    expect(pending.Instances?.[0]).toMatchObject({
      HealthStatus: "Healthy",
      InstanceType: "t3.small",
      ProtectedFromScaleIn: false,
      LaunchTemplate: { LaunchTemplateId: templateId, LaunchTemplateName: "web", Version: "1" },
    });

    await wait(BOOT_MS);
    const running = await group("ops-a");
    expect(running.Instances?.map((i) => i.LifecycleState)).toEqual(["InService", "InService"]);

    const ids = (running.Instances ?? []).map((i) => i.InstanceId ?? "");
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    const tags = described.Reservations?.[0]?.Instances?.[0]?.Tags ?? [];
    expect(tags).toContainEqual({ Key: "aws:autoscaling:groupName", Value: "ops-a" });
    expect(tags).toContainEqual({ Key: "teal:version", Value: "v41" });
    expect(tags).toContainEqual({ Key: "app", Value: "shop" });
    expect(range.world.instances.get(ids[0] ?? "")?.version).toBe("v41");

    const one = await asg.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [ids[0] ?? ""] }));
    expect(one.AutoScalingInstances).toHaveLength(1);
    expect(one.AutoScalingInstances?.[0]).toMatchObject({
      InstanceId: ids[0],
      AutoScalingGroupName: "ops-a",
      LifecycleState: "InService",
      HealthStatus: "Healthy",
    });
  });

  it("CreateAutoScalingGroup refuses a duplicate name, a missing template, bad sizes and MixedInstancesPolicy", async () => {
    const dup = await rejection(createGroup("ops-a"));
    expect(dup).toBeInstanceOf(AlreadyExistsFault);
    expect(dup.message).toBe("AutoScalingGroup by this name already exists - A group with the name ops-a already exists");

    const noTemplate = await rejection(createGroup("ops-x", { LaunchTemplate: { LaunchTemplateName: "nope", Version: "$Latest" } }));
    expect(noTemplate).toBeInstanceOf(AutoScalingServiceException);
    expect(noTemplate.name).toBe("ValidationError");
    expect(noTemplate.message).toContain("You must use a valid fully-formed launch template");

    const sizes = await rejection(createGroup("ops-x", { MinSize: 3, MaxSize: 2 }));
    expect(sizes.message).toBe("Max bound, 2, must be greater than or equal to min bound, 3");
    const desired = await rejection(createGroup("ops-x", { DesiredCapacity: 9 }));
    expect(desired.message).toBe("Desired capacity:9 must be between the specified min size:1 and max size:4");

    const mixed = await rejection(
      createGroup("ops-x", {
        LaunchTemplate: undefined,
        MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: templateId } } },
      }),
    );
    expect(mixed.name).toBe("ValidationError");
    expect(mixed.message).toContain("MixedInstancesPolicy is not supported");
    const none = await rejection(createGroup("ops-x", { LaunchTemplate: undefined }));
    expect(none.message).toBe(
      "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.",
    );
    const badLb = await rejection(createGroup("ops-x", { LoadBalancerNames: ["no-such-lb"] }));
    expect(badLb.message).toBe("Provided Load Balancers may not be valid. Please ensure they exist and try again.");
  });

  it("SetDesiredCapacity outside Min..Max is a ValidationError with AWS's wording; an unknown group too", async () => {
    const above = await rejection(asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "ops-a", DesiredCapacity: 5 })));
    expect(above).toBeInstanceOf(AutoScalingServiceException);
    expect(above.name).toBe("ValidationError");
    expect(above.message).toBe("New SetDesiredCapacity value 5 is above max value 4 for the AutoScalingGroup.");
    const below = await rejection(asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "ops-a", DesiredCapacity: 0 })));
    expect(below.message).toBe("New SetDesiredCapacity value 0 is below min value 1 for the AutoScalingGroup.");
    const missing = await rejection(asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "nope", DesiredCapacity: 1 })));
    expect(missing.name).toBe("ValidationError");

    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "ops-a", DesiredCapacity: 3 }));
    expect((await group("ops-a")).DesiredCapacity).toBe(3);
    await wait(1_000);
    expect((await group("ops-a")).Instances).toHaveLength(3);
  });

  it("UpdateAutoScalingGroup switches the template version for new launches only; bounds pull desired inside", async () => {
    await asg.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: "ops-a",
        LaunchTemplate: { LaunchTemplateId: templateId, Version: "$Latest" },
        MaxSize: 5,
      }),
    );
    const updated = await group("ops-a");
    expect(updated.LaunchTemplate?.Version).toBe("$Latest");
    expect(updated.MaxSize).toBe(5);
    // Existing instances keep their launch template version (moto relabels them; AWS does not).
    expect(new Set(updated.Instances?.map((i) => i.LaunchTemplate?.Version))).toEqual(new Set(["1"]));
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "ops-a", DesiredCapacity: 4 }));
    await wait(1_000);
    const versions = (await group("ops-a")).Instances?.map((i) => i.LaunchTemplate?.Version).sort();
    expect(versions).toEqual(["1", "1", "1", "2"]);

    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "ops-a", MaxSize: 3, MinSize: 1 }));
    expect((await group("ops-a")).DesiredCapacity).toBe(3);
    const bad = await rejection(asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "ops-a", DesiredCapacity: 7 })));
    expect(bad.message).toBe("Desired capacity:7 must be between the specified min size:1 and max size:3");
    const mixed = await rejection(
      asg.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: "ops-a",
          MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: templateId } } },
        }),
      ),
    );
    expect(mixed.message).toContain("MixedInstancesPolicy is not supported");
    await wait(BOOT_MS);
  });

  it("AttachLoadBalancers / DescribeLoadBalancers / DetachLoadBalancers", async () => {
    await asg.send(new AttachLoadBalancersCommand({ AutoScalingGroupName: "ops-a", LoadBalancerNames: ["web-lb"] }));
    expect((await asg.send(new DescribeLoadBalancersCommand({ AutoScalingGroupName: "ops-a" }))).LoadBalancers).toEqual([
      { LoadBalancerName: "web-lb", State: "Adding" },
    ]);
    expect((await group("ops-a")).LoadBalancerNames).toEqual(["web-lb"]);
    await wait(10_000);
    expect((await asg.send(new DescribeLoadBalancersCommand({ AutoScalingGroupName: "ops-a" }))).LoadBalancers?.[0]?.State).toBe("Added");
    expect(range.world.loadBalancers.get("web-lb")?.registrations).toHaveLength(3);

    await asg.send(new DetachLoadBalancersCommand({ AutoScalingGroupName: "ops-a", LoadBalancerNames: ["web-lb"] }));
    expect((await group("ops-a")).LoadBalancerNames).toEqual([]);
    await wait(10_000);
    expect((await asg.send(new DescribeLoadBalancersCommand({ AutoScalingGroupName: "ops-a" }))).LoadBalancers?.[0]?.State).toBe("Removed");
    expect(range.world.loadBalancers.get("web-lb")?.registrations).toHaveLength(0);
  });

  it("AttachLoadBalancerTargetGroups / DescribeLoadBalancerTargetGroups / DetachLoadBalancerTargetGroups", async () => {
    const tg = testTargetGroup("ops-tg");
    await asg.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "ops-a", TargetGroupARNs: [tg.arn] }));
    expect((await group("ops-a")).TargetGroupARNs).toEqual([tg.arn]);
    await wait(10_000);
    const described = await asg.send(new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "ops-a" }));
    expect(described.LoadBalancerTargetGroups).toEqual([{ LoadBalancerTargetGroupARN: tg.arn, State: "Added" }]);
    expect(tg.targets.map((t) => t.id).sort()).toEqual(((await group("ops-a")).Instances ?? []).map((i) => i.InstanceId).sort());

    await asg.send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: "ops-a", TargetGroupARNs: [tg.arn] }));
    expect((await group("ops-a")).TargetGroupARNs).toEqual([]);
    const bad = await rejection(
      asg.send(
        new AttachLoadBalancerTargetGroupsCommand({
          AutoScalingGroupName: "ops-a",
          TargetGroupARNs: ["arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/none/1"],
        }),
      ),
    );
    expect(bad.message).toBe("Provided Target Groups may not be valid. Please ensure they exist and try again.");
  });

  it("AttachTrafficSources / DescribeTrafficSources / DetachTrafficSources", async () => {
    await asg.send(new AttachTrafficSourcesCommand({ AutoScalingGroupName: "ops-a", TrafficSources: [{ Identifier: "web-lb", Type: "elb" }] }));
    const adding = await asg.send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: "ops-a", TrafficSourceType: "elb" }));
    expect(adding.TrafficSources).toEqual([{ TrafficSource: "web-lb", Identifier: "web-lb", Type: "elb", State: "Adding" }]);
    expect((await group("ops-a")).TrafficSources).toEqual([{ Identifier: "web-lb", Type: "elb" }]);
    await wait(10_000);
    expect(
      (await asg.send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: "ops-a", TrafficSourceType: "elb" }))).TrafficSources?.[0]?.State,
    ).toBe("Added");
    await asg.send(new DetachTrafficSourcesCommand({ AutoScalingGroupName: "ops-a", TrafficSources: [{ Identifier: "web-lb", Type: "elb" }] }));
    expect(
      (await asg.send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: "ops-a", TrafficSourceType: "elb" }))).TrafficSources?.[0]?.State,
    ).toBe("Removing");
    const lattice = await rejection(
      asg.send(
        new AttachTrafficSourcesCommand({
          AutoScalingGroupName: "ops-a",
          TrafficSources: [{ Identifier: "arn:aws:vpc-lattice:x", Type: "vpc-lattice" }],
        }),
      ),
    );
    expect(lattice.message).toContain("vpc-lattice traffic sources are not supported");
  });

  it("EnterStandby needs ShouldDecrementDesiredCapacity and keeps desired ≥ Min; ExitStandby needs Standby", async () => {
    const g = await group("ops-a");
    const id = g.Instances?.find((i) => i.LifecycleState === "InService")?.InstanceId ?? "";
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "ops-a", MinSize: 3 }));
    const belowMin = await rejection(
      asg.send(new EnterStandbyCommand({ AutoScalingGroupName: "ops-a", InstanceIds: [id], ShouldDecrementDesiredCapacity: true })),
    );
    expect(belowMin.name).toBe("ValidationError");
    expect(belowMin.message).toBe(
      "AutoScalingGroup ops-a has min-size=3, max-size=3, and desired-size=3. To place into standby 1 instances, please update the AutoScalingGroup sizes appropriately.",
    );
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "ops-a", MinSize: 1 }));
    const notStandby = await rejection(asg.send(new ExitStandbyCommand({ AutoScalingGroupName: "ops-a", InstanceIds: [id] })));
    expect(notStandby.message).toBe(`The instance ${id} is not in Standby.`);

    const entered = await asg.send(
      new EnterStandbyCommand({ AutoScalingGroupName: "ops-a", InstanceIds: [id], ShouldDecrementDesiredCapacity: true }),
    );
    expect(entered.Activities?.[0]?.Description).toBe(`Moving EC2 instance to Standby: ${id}`);
    expect(entered.Activities?.[0]?.Cause).toMatch(/was moved to standby in response to a user request, shrinking the capacity from 3 to 2\.$/);
    expect((await group("ops-a")).DesiredCapacity).toBe(2);
    await wait(10_000);
    expect((await group("ops-a")).Instances?.find((i) => i.InstanceId === id)?.LifecycleState).toBe("Standby");

    const exited = await asg.send(new ExitStandbyCommand({ AutoScalingGroupName: "ops-a", InstanceIds: [id] }));
    expect(exited.Activities?.[0]?.Description).toBe(`Moving EC2 instance out of Standby: ${id}`);
    const after = await group("ops-a");
    expect(after.DesiredCapacity).toBe(3);
    expect(after.Instances?.find((i) => i.InstanceId === id)?.LifecycleState).toBe("Pending");
    await wait(10_000);
    expect((await group("ops-a")).Instances?.find((i) => i.InstanceId === id)?.LifecycleState).toBe("InService");
  });

  it("SetInstanceProtection and TerminateInstanceInAutoScalingGroup with and without decrement", async () => {
    const ids = ((await group("ops-a")).Instances ?? []).map((i) => i.InstanceId ?? "");
    await asg.send(new SetInstanceProtectionCommand({ AutoScalingGroupName: "ops-a", InstanceIds: [ids[0] ?? ""], ProtectedFromScaleIn: true }));
    expect((await group("ops-a")).Instances?.find((i) => i.InstanceId === ids[0])?.ProtectedFromScaleIn).toBe(true);

    const out = await asg.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: ids[1], ShouldDecrementDesiredCapacity: true }));
    expect(out.Activity?.Description).toBe(`Terminating EC2 instance: ${ids[1]}`);
    expect(out.Activity?.Cause).toMatch(/taken out of service in response to a user request, shrinking the capacity from 3 to 2\.$/);
    expect(out.Activity?.StatusCode).toBe("InProgress");
    const g = await group("ops-a");
    expect(g.DesiredCapacity).toBe(2);
    expect(g.Instances?.find((i) => i.InstanceId === ids[1])?.LifecycleState).toBe("Terminating");
    await wait(20_000);
    expect((await group("ops-a")).Instances?.map((i) => i.InstanceId)).not.toContain(ids[1]);

    const unknown = await rejection(
      asg.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: "i-0000000000000000f", ShouldDecrementDesiredCapacity: false })),
    );
    expect(unknown.message).toBe("Instance Id not found - No managed instance found for instance ID: i-0000000000000000f");
  });

  it("SuspendProcesses / ResumeProcesses show in SuspendedProcesses; unknown names are refused", async () => {
    await asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: "ops-a", ScalingProcesses: ["AZRebalance", "Launch"] }));
    const suspended = (await group("ops-a")).SuspendedProcesses ?? [];
    expect(suspended.map((p) => p.ProcessName)).toEqual(["AZRebalance", "Launch"]);
    expect(suspended[0]?.SuspensionReason).toMatch(/^User suspended at 2026-/);
    await asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: "ops-a", ScalingProcesses: ["Launch"] }));
    expect((await group("ops-a")).SuspendedProcesses?.map((p) => p.ProcessName)).toEqual(["AZRebalance"]);
    await asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: "ops-a" }));
    expect((await group("ops-a")).SuspendedProcesses).toEqual([]);
    const bad = await rejection(asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: "ops-a", ScalingProcesses: ["Nap"] })));
    expect(bad.name).toBe("ValidationError");
  });

  it("StartInstanceRefresh / DescribeInstanceRefreshes / CancelInstanceRefresh / RollbackInstanceRefresh", async () => {
    // AZRebalance may have added an instance to the emptied zone: the refresh replaces every live one.
    const live = ((await group("ops-a")).Instances ?? []).filter((i) => i.LifecycleState === "InService" || i.LifecycleState === "Pending").length;
    const noneActive = await rejection(asg.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: "ops-a" })));
    expect(noneActive).toBeInstanceOf(ActiveInstanceRefreshNotFoundFault);

    const started = await asg.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: "ops-a",
        Preferences: { MinHealthyPercentage: 50, InstanceWarmup: 30, CheckpointPercentages: [50, 100], CheckpointDelay: 600 },
      }),
    );
    expect(started.InstanceRefreshId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await rejection(asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: "ops-a" })));
    expect(again).toBeInstanceOf(InstanceRefreshInProgressFault);
    const irreversible = await rejection(asg.send(new RollbackInstanceRefreshCommand({ AutoScalingGroupName: "ops-a" })));
    expect(irreversible).toBeInstanceOf(IrreversibleInstanceRefreshFault);

    const described = await asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: "ops-a" }));
    const refresh = described.InstanceRefreshes?.[0];
    expect(refresh).toMatchObject({
      InstanceRefreshId: started.InstanceRefreshId,
      AutoScalingGroupName: "ops-a",
      Status: "Pending",
      PercentageComplete: 0,
      InstancesToUpdate: live,
      Strategy: "Rolling",
    });
    expect(refresh?.Preferences).toMatchObject({
      MinHealthyPercentage: 50,
      InstanceWarmup: 30,
      CheckpointPercentages: [50, 100],
      CheckpointDelay: 600,
      SkipMatching: false,
    });
    expect(refresh?.StartTime).toBeInstanceOf(Date);

    const cancelled = await asg.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: "ops-a" }));
    expect(cancelled.InstanceRefreshId).toBe(started.InstanceRefreshId);
    expect((await asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: "ops-a" }))).InstanceRefreshes?.[0]?.Status).toBe(
      "Cancelling",
    );
    // Cancelling lasts while launches already under way finish.
    await wait(BOOT_MS);
    const done = (await asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: "ops-a" }))).InstanceRefreshes?.[0];
    expect(done?.Status).toBe("Cancelled");
    expect(done?.EndTime).toBeInstanceOf(Date);
  });

  it("DescribeScalingActivities lists launches and terminations newest first with AWS-like texts", async () => {
    const out = await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "ops-a" }));
    const activities = out.Activities ?? [];
    expect(activities.length).toBeGreaterThan(5);
    const starts = activities.map((a) => a.StartTime?.getTime() ?? 0);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    const firstLaunch = activities[activities.length - 1];
    expect(firstLaunch?.Description).toMatch(/^Launching a new EC2 instance: i-[0-9a-f]{17}$/);
    expect(firstLaunch?.Cause).toMatch(
      /^At 2026-01-01T12:00:00Z a user request created an AutoScalingGroup changing the desired capacity from 0 to 2\.  At 2026-01-01T12:00:01Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 2\.$/,
    );
    expect(firstLaunch?.StatusCode).toBe("Successful");
    expect(firstLaunch?.Progress).toBe(100);
    expect(firstLaunch?.EndTime).toBeInstanceOf(Date);
    expect(JSON.parse(firstLaunch?.Details ?? "{}")).toHaveProperty("Availability Zone");
    expect(activities.some((a) => a.Description?.startsWith("Terminating EC2 instance:"))).toBe(true);
    const paged = await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "ops-a", MaxRecords: 2 }));
    expect(paged.Activities).toHaveLength(2);
    const next = await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "ops-a", MaxRecords: 2, NextToken: paged.NextToken }));
    expect(next.Activities?.[0]?.ActivityId).toBe(activities[2]?.ActivityId);
  });

  it("DeleteAutoScalingGroup: ResourceInUse with instances; ForceDelete terminates them, then the group is gone", async () => {
    const inUse = await rejection(asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "ops-a" })));
    expect(inUse).toBeInstanceOf(ResourceInUseFault);
    await asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "ops-a", ForceDelete: true }));
    const deleting = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["ops-a"] }));
    expect(deleting.AutoScalingGroups?.[0]?.Status).toBe("Delete in progress");
    await wait(10_000);
    await wait(10_000);
    await wait(10_000);
    expect((await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["ops-a"] }))).AutoScalingGroups).toEqual([]);
  });
});

describe("Auto Scaling launch configurations", () => {
  it("Create / Describe / Delete; in-use and duplicate errors; the new-account refusal flag", async () => {
    const userData = Buffer.from("teal:version=v42\n").toString("base64");
    await asg.send(
      new CreateLaunchConfigurationCommand({ LaunchConfigurationName: "lc-1", ImageId: "ami-0abc", InstanceType: "t3.micro", UserData: userData }),
    );
    const dup = await rejection(
      asg.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: "lc-1", ImageId: "ami-0abc", InstanceType: "t3.micro" })),
    );
    expect(dup).toBeInstanceOf(AlreadyExistsFault);
    const described = await asg.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: ["lc-1"] }));
    expect(described.LaunchConfigurations?.[0]).toMatchObject({
      LaunchConfigurationName: "lc-1",
      ImageId: "ami-0abc",
      InstanceType: "t3.micro",
      UserData: userData,
    });
    expect(described.LaunchConfigurations?.[0]?.LaunchConfigurationARN).toMatch(/:launchConfiguration:.*:launchConfigurationName\/lc-1$/);
    expect(described.LaunchConfigurations?.[0]?.CreatedTime).toBeInstanceOf(Date);

    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: "lc-group",
        LaunchConfigurationName: "lc-1",
        MinSize: 0,
        MaxSize: 2,
        DesiredCapacity: 1,
        VPCZoneIdentifier: "subnet-0d3fa017e5c0000a",
      }),
    );
    const g = await group("lc-group");
    expect(g.LaunchConfigurationName).toBe("lc-1");
    expect(g.AvailabilityZones).toEqual(["us-east-1a"]);
    expect(g.VPCZoneIdentifier).toBe("subnet-0d3fa017e5c0000a");
    await wait(1_000);
    const inst = (await group("lc-group")).Instances?.[0];
    expect(inst?.LaunchConfigurationName).toBe("lc-1");
    expect(range.world.instances.get(inst?.InstanceId ?? "")?.version).toBe("v42");

    const inUse = await rejection(asg.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: "lc-1" })));
    expect(inUse).toBeInstanceOf(ResourceInUseFault);
    expect(inUse.message).toBe("Cannot delete launch configuration lc-1 because it is attached to AutoScalingGroup lc-group");
    await asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "lc-group", ForceDelete: true }));
    // The group keeps its launch configuration until its instances are gone and it disappears.
    expect((await rejection(asg.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: "lc-1" })))).name).toBe("ResourceInUseFault");
    await wait(10_000);
    await wait(10_000);
    await wait(10_000);
    expect((await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["lc-group"] }))).AutoScalingGroups).toEqual([]);
    await asg.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: "lc-1" }));
    expect((await asg.send(new DescribeLaunchConfigurationsCommand({}))).LaunchConfigurations).toEqual([]);

    const setFlag = (value: boolean): Promise<Response> =>
      fetch(`${range.url}/_sim/config`, { method: "POST", body: JSON.stringify({ launchConfigurationsDisabled: value }) });
    expect((await setFlag(true)).status).toBe(200);
    try {
      const refused = await rejection(
        asg.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: "lc-2", ImageId: "ami-0abc", InstanceType: "t3.micro" })),
      );
      expect(refused).toBeInstanceOf(AutoScalingServiceException);
      expect(refused.name).toBe("UnsupportedOperation");
      expect(refused.message).toContain("The Launch Configuration creation operation is not available in your account.");
    } finally {
      await setFlag(false);
    }
    await asg.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: "lc-2", ImageId: "ami-0abc", InstanceType: "t3.micro" }));
  });

  it("GET /_sim/state lists groups, launch configurations and launch templates", async () => {
    await createGroup("state-g", { DesiredCapacity: 1 });
    const state: unknown = await (await fetch(`${range.url}/_sim/state`)).json();
    expect(state).toMatchObject({
      autoScalingGroups: [expect.objectContaining({ name: "state-g", desiredCapacity: 1 })],
      launchConfigurations: [expect.objectContaining({ name: "lc-2" })],
      launchTemplates: [expect.objectContaining({ name: "web", latestVersion: 2 })],
    });
  });
});
