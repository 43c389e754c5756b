/**
 * Auto Scaling scenarios on the manual clock, through the real SDK clients: what a blue/green console
 * sees while a group boots, attaches to and detaches from a classic ELB, moves instances through
 * standby, scales in, swaps its launch template and refreshes its instances.
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  DescribeScalingActivitiesCommand,
  DescribeTrafficSourcesCommand,
  DetachTrafficSourcesCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  ResumeProcessesCommand,
  RollbackInstanceRefreshCommand,
  SetDesiredCapacityCommand,
  StartInstanceRefreshCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
  type InstanceRefresh,
} from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand,
  DescribeInstanceHealthCommand,
  ElasticLoadBalancingClient,
  ModifyLoadBalancerAttributesCommand,
} from "@aws-sdk/client-elastic-load-balancing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestRange, type TestRange } from "@/test/support/range";

const BOOT_MS = 30_000;
const ZONES = ["us-east-1a", "us-east-1b"];

let range: TestRange;
let asg: AutoScalingClient;
let ec2: EC2Client;
let elb: ElasticLoadBalancingClient;
let cw: CloudWatchClient;
let templateId = "";

beforeEach(async () => {
  range = await startTestRange({ instanceBootMs: BOOT_MS });
  asg = new AutoScalingClient(range.clientConfig);
  ec2 = new EC2Client(range.clientConfig);
  elb = new ElasticLoadBalancingClient(range.clientConfig);
  cw = new CloudWatchClient(range.clientConfig);
  const lt = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: "app",
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
      LoadBalancerName: "lb",
      Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 80 }],
      AvailabilityZones: ZONES,
    }),
  );
  // Checks every 5 s, two to pass or fail: InService 10 s after registration.
  await elb.send(
    new ConfigureHealthCheckCommand({
      LoadBalancerName: "lb",
      HealthCheck: { Target: "HTTP:80/health", Interval: 5, Timeout: 2, HealthyThreshold: 2, UnhealthyThreshold: 2 },
    }),
  );
  await elb.send(
    new ModifyLoadBalancerAttributesCommand({
      LoadBalancerName: "lb",
      LoadBalancerAttributes: { ConnectionDraining: { Enabled: true, Timeout: 30 } },
    }),
  );
});

afterEach(async () => {
  asg.destroy();
  ec2.destroy();
  elb.destroy();
  cw.destroy();
  await range.close();
});

/** Moves the clock and lets the range catch up (any request advances the world). */
async function wait(ms: number): Promise<void> {
  range.tick(ms);
  await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["-"] }));
}

async function group(name = "app"): Promise<AutoScalingGroup> {
  const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const found = out.AutoScalingGroups?.[0];
  if (found === undefined) throw new Error(`group ${name} not found`);
  return found;
}

function states(g: AutoScalingGroup): string[] {
  return (g.Instances ?? []).map((i) => i.LifecycleState ?? "").sort();
}

async function sourceState(name = "app"): Promise<string | undefined> {
  return (await asg.send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: name }))).TrafficSources?.[0]?.State;
}

async function health(ids?: string[]): Promise<{ id: string; state: string; description: string }[]> {
  const out = await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: "lb", Instances: ids?.map((InstanceId) => ({ InstanceId })) }));
  return (out.InstanceStates ?? []).map((s) => ({ id: s.InstanceId ?? "", state: s.State ?? "", description: s.Description ?? "" }));
}

async function refresh(name = "app"): Promise<InstanceRefresh> {
  const found = (await asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: name }))).InstanceRefreshes?.[0];
  if (found === undefined) throw new Error("no instance refresh");
  return found;
}

function templateVersions(g: AutoScalingGroup): string[] {
  return (g.Instances ?? []).map((i) => i.LaunchTemplate?.Version ?? "").sort();
}

async function createGroup(extra: Partial<ConstructorParameters<typeof CreateAutoScalingGroupCommand>[0]> = {}): Promise<void> {
  await asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: "app",
      LaunchTemplate: { LaunchTemplateId: templateId, Version: "1" },
      MinSize: 0,
      MaxSize: 6,
      DesiredCapacity: 2,
      AvailabilityZones: ZONES,
      ...extra,
    }),
  );
}

/** A group of two behind the ELB, every instance InService on both sides. */
async function servingGroup(extra: Partial<ConstructorParameters<typeof CreateAutoScalingGroupCommand>[0]> = {}): Promise<string[]> {
  await createGroup({ TrafficSources: [{ Identifier: "lb", Type: "elb" }], HealthCheckType: "ELB", HealthCheckGracePeriod: 60, ...extra });
  await wait(1_000);
  await wait(BOOT_MS);
  await wait(10_000);
  await wait(10_000);
  const g = await group();
  expect(states(g)).toEqual(["InService", "InService"]);
  expect((await health()).map((h) => h.state)).toEqual(["InService", "InService"]);
  return (g.Instances ?? []).map((i) => i.InstanceId ?? "");
}

describe("Auto Scaling scenarios", () => {
  it("boot, then ELB health checks, before an instance gets traffic; the traffic source goes Adding → Added → InService", async () => {
    await createGroup({ TrafficSources: [{ Identifier: "lb", Type: "elb" }], HealthCheckType: "ELB" });
    expect(await sourceState()).toBe("Adding");
    await wait(1_000);
    expect(states(await group())).toEqual(["Pending", "Pending"]);
    await wait(9_000);
    expect(await sourceState()).toBe("Added");
    // Still booting: not registered with the load balancer yet.
    expect(await health()).toEqual([]);

    // Launched at +1 s: booted at +31 s.
    await wait(BOOT_MS - 10_000);
    expect(states(await group())).toEqual(["Pending", "Pending"]);
    await wait(1_000);
    expect(states(await group())).toEqual(["InService", "InService"]);
    const registered = await health();
    expect(registered.map((h) => [h.state, h.description])).toEqual([
      ["OutOfService", "Instance registration is still in progress."],
      ["OutOfService", "Instance registration is still in progress."],
    ]);
    expect(await sourceState()).toBe("Added");
    expect(range.world.loadBalancers.get("lb")?.registrations.every((r) => r.state === "OutOfService")).toBe(true);

    await wait(10_000);
    await wait(1_000);
    expect((await health()).map((h) => h.state)).toEqual(["InService", "InService"]);
    expect(await sourceState()).toBe("InService");
  });

  it("DetachTrafficSources: Removing while connections drain, then Removed", async () => {
    const ids = await servingGroup();
    await asg.send(new DetachTrafficSourcesCommand({ AutoScalingGroupName: "app", TrafficSources: [{ Identifier: "lb", Type: "elb" }] }));
    expect(await sourceState()).toBe("Removing");
    expect((await group()).TrafficSources).toEqual([]);
    expect((await health(ids)).map((h) => h.description)).toEqual([
      "Instance deregistration currently in progress.",
      "Instance deregistration currently in progress.",
    ]);
    await wait(20_000);
    expect(await sourceState()).toBe("Removing");
    await wait(20_000);
    expect(await sourceState()).toBe("Removed");
    expect((await health(ids)).map((h) => [h.state, h.description])).toEqual([
      ["OutOfService", "Instance is not currently registered with the LoadBalancer."],
      ["OutOfService", "Instance is not currently registered with the LoadBalancer."],
    ]);
  });

  it("EnterStandby takes the instance out of its classic ELB with draining; ExitStandby brings it back through Pending", async () => {
    const [id = "", other = ""] = await servingGroup();
    await asg.send(new EnterStandbyCommand({ AutoScalingGroupName: "app", InstanceIds: [id], ShouldDecrementDesiredCapacity: true }));
    let g = await group();
    expect(g.DesiredCapacity).toBe(1);
    expect(g.Instances?.find((i) => i.InstanceId === id)?.LifecycleState).toBe("EnteringStandby");
    expect((await health([id]))[0]).toEqual({ id, state: "InService", description: "Instance deregistration currently in progress." });
    // Only the other instance still takes new requests.
    expect(
      range.world.loadBalancers
        .get("lb")
        ?.registrations.filter((r) => r.drainingUntilMs === undefined)
        .map((r) => r.instanceId),
    ).toEqual([other]);

    await wait(20_000);
    await wait(20_000);
    g = await group();
    expect(g.Instances?.find((i) => i.InstanceId === id)?.LifecycleState).toBe("Standby");
    expect((await health([id]))[0]?.description).toBe("Instance is not currently registered with the LoadBalancer.");
    expect(g.Instances).toHaveLength(2); // no replacement: desired was decremented

    await asg.send(new ExitStandbyCommand({ AutoScalingGroupName: "app", InstanceIds: [id] }));
    g = await group();
    expect(g.DesiredCapacity).toBe(2);
    expect(g.Instances?.find((i) => i.InstanceId === id)?.LifecycleState).toBe("Pending");
    await wait(10_000);
    expect((await group()).Instances?.find((i) => i.InstanceId === id)?.LifecycleState).toBe("InService");
    expect((await health([id]))[0]?.description).toBe("Instance registration is still in progress.");
    await wait(10_000);
    await wait(1_000);
    expect((await health([id]))[0]?.state).toBe("InService");
  });

  it("EnterStandby without decrement launches a replacement", async () => {
    const [id = ""] = await servingGroup();
    await asg.send(new EnterStandbyCommand({ AutoScalingGroupName: "app", InstanceIds: [id], ShouldDecrementDesiredCapacity: false }));
    await wait(10_000);
    const g = await group();
    expect(g.DesiredCapacity).toBe(2);
    expect(states(g)).toEqual(["EnteringStandby", "InService", "Pending"].sort());
  });

  it("scale-in balances zones first, then terminates the oldest launch configuration", async () => {
    await asg.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: "lc-old", ImageId: "ami-0aaa", InstanceType: "t3.micro" }));
    range.tick(1_000);
    await asg.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: "lc-new", ImageId: "ami-0bbb", InstanceType: "t3.micro" }));
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: "lc",
        LaunchConfigurationName: "lc-old",
        MinSize: 0,
        MaxSize: 6,
        DesiredCapacity: 1,
        AvailabilityZones: ["us-east-1b"],
        TerminationPolicies: ["OldestLaunchConfiguration"],
      }),
    );
    await asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: "lc", ScalingProcesses: ["AZRebalance"] }));
    await wait(1_000);
    await wait(BOOT_MS);
    // New instances go to zone a only: zone a then holds two new-LC instances, zone b the old one.
    await asg.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: "lc",
        LaunchConfigurationName: "lc-new",
        AvailabilityZones: ["us-east-1a"],
        DesiredCapacity: 3,
      }),
    );
    await wait(1_000);
    await wait(BOOT_MS);
    const before = (await group("lc")).Instances ?? [];
    expect(before.map((i) => `${i.AvailabilityZone}:${i.LaunchConfigurationName}`).sort()).toEqual([
      "us-east-1a:lc-new",
      "us-east-1a:lc-new",
      "us-east-1b:lc-old",
    ]);
    // docs/aws-behaviour.md §4.5: the zone with the most instances loses one first, even a new-LC one.
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "lc", DesiredCapacity: 2 }));
    await wait(1_000);
    const first = ((await group("lc")).Instances ?? []).filter((i) => i.LifecycleState === "Terminating");
    expect(first.map((i) => `${i.AvailabilityZone}:${i.LaunchConfigurationName}`)).toEqual(["us-east-1a:lc-new"]);
    await wait(20_000);
    // Zones now even: the policy decides, and the oldest launch configuration goes.
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "lc", DesiredCapacity: 1 }));
    await wait(1_000);
    const second = ((await group("lc")).Instances ?? []).filter((i) => i.LifecycleState === "Terminating");
    expect(second.map((i) => `${i.AvailabilityZone}:${i.LaunchConfigurationName}`)).toEqual(["us-east-1b:lc-old"]);
    const activities = (await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "lc" }))).Activities ?? [];
    expect(activities[0]?.Description).toBe(`Terminating EC2 instance: ${second[0]?.InstanceId ?? ""}`);
    expect(activities[0]?.Cause).toMatch(
      /a user request explicitly set group desired capacity changing the desired capacity from 2 to 1\.  At .* an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 2 to 1\.  At .* instance i-[0-9a-f]+ was selected for termination\.$/,
    );
  });

  it("launch swap: new template version, desired 2N, new instances InService, desired N removes the old ones (OldestLaunchTemplate)", async () => {
    const oldIds = await servingGroup({ TerminationPolicies: ["OldestLaunchTemplate"] });
    await asg.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "app", LaunchTemplate: { LaunchTemplateId: templateId, Version: "2" } }),
    );
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "app", DesiredCapacity: 4 }));
    await wait(1_000);
    let g = await group();
    expect(templateVersions(g)).toEqual(["1", "1", "2", "2"]);
    const newIds = (g.Instances ?? []).filter((i) => i.LaunchTemplate?.Version === "2").map((i) => i.InstanceId ?? "");
    expect(new Set(newIds.map((id) => range.world.instances.get(id)?.availabilityZone))).toEqual(new Set(ZONES));
    await wait(BOOT_MS);
    await wait(10_000);
    await wait(1_000);
    expect((await health(newIds)).map((h) => h.state)).toEqual(["InService", "InService"]);

    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "app", DesiredCapacity: 2 }));
    await wait(1_000);
    g = await group();
    expect(
      (g.Instances ?? [])
        .filter((i) => i.LifecycleState === "Terminating")
        .map((i) => i.InstanceId)
        .sort(),
    ).toEqual([...oldIds].sort());
    // The old instances drain before EC2 terminates them.
    expect((await health(oldIds)).map((h) => h.description)).toEqual([
      "Instance deregistration currently in progress.",
      "Instance deregistration currently in progress.",
    ]);
    for (let i = 0; i < 6; i++) await wait(10_000);
    g = await group();
    expect(templateVersions(g)).toEqual(["2", "2"]);
    expect(states(g)).toEqual(["InService", "InService"]);
    expect(newIds.map((id) => range.world.instances.get(id)?.version)).toEqual(["v42", "v42"]);
    expect(oldIds.map((id) => range.world.instances.get(id)?.state)).toEqual(["terminated", "terminated"]);
  });

  it("instance refresh: replaces within MinHealthyPercentage, reports progress, then the group takes the desired configuration", async () => {
    await servingGroup();
    await asg.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: "app",
        DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: templateId, Version: "2" } },
        Preferences: { MinHealthyPercentage: 50, InstanceWarmup: 20 },
      }),
    );
    expect((await refresh()).Status).toBe("Pending");
    await wait(1_000);
    let g = await group();
    // One at a time: one old instance goes, the other keeps serving.
    expect(states(g)).toEqual(["InService", "Pending", "Terminating"]);
    expect((await refresh()).Status).toBe("InProgress");
    expect((await refresh()).InstancesToUpdate).toBe(2);

    let r = await refresh();
    for (let i = 0; i < 12 && r.PercentageComplete === 0; i++) {
      await wait(10_000);
      r = await refresh();
    }
    expect(r.PercentageComplete).toBe(50);
    expect(r.InstancesToUpdate).toBe(1);
    for (let i = 0; i < 12 && r.Status === "InProgress"; i++) {
      await wait(10_000);
      r = await refresh();
    }
    expect(r.Status).toBe("Successful");
    expect(r.PercentageComplete).toBe(100);
    expect(r.EndTime).toBeInstanceOf(Date);
    g = await group();
    expect(g.LaunchTemplate?.Version).toBe("2");
    expect(templateVersions(g)).toEqual(["2", "2"]);
    const activities = (await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "app" }))).Activities ?? [];
    expect(activities.some((a) => (a.Cause ?? "").includes("taken out of service in response to an instance refresh"))).toBe(true);
  });

  it("instance refresh with MaxHealthyPercentage 200 launches before it terminates", async () => {
    await servingGroup();
    await asg.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: "app",
        DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: templateId, Version: "2" } },
        Preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 200, InstanceWarmup: 0 },
      }),
    );
    await wait(1_000);
    await wait(1_000);
    expect(states(await group())).toEqual(["InService", "InService", "Pending", "Pending"]);
    await wait(BOOT_MS);
    await wait(1_000);
    expect(templateVersions(await group())).toEqual(["1", "1", "2", "2"]);
    expect(states(await group()).filter((s) => s === "Terminating")).toHaveLength(2);
    for (let i = 0; i < 8; i++) await wait(10_000);
    expect((await refresh()).Status).toBe("Successful");
    expect(templateVersions(await group())).toEqual(["2", "2"]);
  });

  it("RollbackInstanceRefresh puts the previous template version back", async () => {
    await servingGroup();
    await asg.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: "app",
        DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: templateId, Version: "2" } },
        Preferences: { MinHealthyPercentage: 50, InstanceWarmup: 0 },
      }),
    );
    await wait(1_000);
    await wait(BOOT_MS);
    await wait(10_000);
    expect(templateVersions(await group()).filter((v) => v === "2").length).toBeGreaterThan(0);
    await asg.send(new RollbackInstanceRefreshCommand({ AutoScalingGroupName: "app" }));
    let r = await refresh();
    expect(r.Status).toBe("RollbackInProgress");
    expect(r.RollbackDetails?.RollbackReason).toBe("Rollback requested by the user.");
    expect(r.RollbackDetails?.RollbackStartTime).toBeInstanceOf(Date);
    for (let i = 0; i < 15 && r.Status === "RollbackInProgress"; i++) {
      await wait(10_000);
      r = await refresh();
    }
    expect(r.Status).toBe("RollbackSuccessful");
    const g = await group();
    expect(g.LaunchTemplate?.Version).toBe("1");
    expect(templateVersions(g)).toEqual(["1", "1"]);
  });

  it("instance refresh with AutoRollback rolls back when a listed alarm goes to ALARM", async () => {
    await servingGroup();
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: "app-5xx",
        Namespace: "AWS/ELB",
        MetricName: "HTTPCode_Backend_5XX",
        Dimensions: [{ Name: "LoadBalancerName", Value: "lb" }],
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 10,
        ComparisonOperator: "GreaterThanThreshold",
      }),
    );
    await asg.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: "app",
        DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: templateId, Version: "2" } },
        Preferences: { MinHealthyPercentage: 50, InstanceWarmup: 0, AutoRollback: true, AlarmSpecification: { Alarms: ["app-5xx"] } },
      }),
    );
    await wait(1_000);
    await cw.send(new SetAlarmStateCommand({ AlarmName: "app-5xx", StateValue: "ALARM", StateReason: "test" }));
    await wait(1_000);
    const r = await refresh();
    expect(r.Status).toBe("RollbackInProgress");
    expect(r.RollbackDetails?.RollbackReason).toContain("app-5xx");
  });

  it("suspended processes are honoured: Launch, Terminate, AddToLoadBalancer", async () => {
    await createGroup({ DesiredCapacity: 0, TrafficSources: [{ Identifier: "lb", Type: "elb" }] });
    await asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: "app", ScalingProcesses: ["Launch", "AddToLoadBalancer"] }));
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "app", DesiredCapacity: 2 }));
    await wait(20_000);
    expect((await group()).Instances).toEqual([]);

    await asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: "app", ScalingProcesses: ["Launch"] }));
    await wait(1_000);
    await wait(BOOT_MS);
    expect(states(await group())).toEqual(["InService", "InService"]);
    // Launched while AddToLoadBalancer was suspended: not registered, not even after resuming.
    expect(await health()).toEqual([]);
    await asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: "app", ScalingProcesses: ["AddToLoadBalancer"] }));
    await wait(10_000);
    expect(await health()).toEqual([]);

    await asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: "app", ScalingProcesses: ["Terminate"] }));
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "app", DesiredCapacity: 1 }));
    await wait(10_000);
    expect(states(await group())).toEqual(["InService", "InService"]);
    await asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: "app", ScalingProcesses: ["Terminate"] }));
    await wait(1_000);
    expect(states(await group())).toEqual(["InService", "Terminating"]);
  });

  it("AZRebalance evens the zones unless suspended", async () => {
    await createGroup({ AvailabilityZones: ["us-east-1a"], DesiredCapacity: 2 });
    await wait(1_000);
    await wait(BOOT_MS);
    await asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: "app", ScalingProcesses: ["AZRebalance"] }));
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "app", AvailabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"] }));
    await wait(20_000);
    expect((await group()).Instances?.map((i) => i.AvailabilityZone)).toEqual(["us-east-1a", "us-east-1a"]);
    await asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: "app", ScalingProcesses: ["AZRebalance"] }));
    await wait(10_000);
    // Launch in the empty zone first, then terminate in the crowded one.
    let g = await group();
    expect(g.Instances?.find((i) => i.LifecycleState === "Pending")?.AvailabilityZone).toBe("us-east-1b");
    await wait(BOOT_MS);
    await wait(10_000);
    g = await group();
    const live = (g.Instances ?? []).filter((i) => i.LifecycleState === "InService" || i.LifecycleState === "Pending");
    expect(live.map((i) => i.AvailabilityZone).sort()).toEqual(["us-east-1a", "us-east-1b"]);
  });

  it("an instance failing its ELB health checks is replaced once the grace period is over", async () => {
    const [id = ""] = await servingGroup();
    const instance = range.world.instances.get(id);
    if (instance === undefined) throw new Error("instance missing");
    instance.failing = true;
    await wait(10_000);
    await wait(1_000);
    let g = await group();
    // Grace period (60 s from InService) still running: unhealthy on the ELB, not yet replaced.
    expect((await health([id]))[0]?.state).toBe("OutOfService");
    expect(g.Instances?.find((i) => i.InstanceId === id)?.HealthStatus).toBe("Healthy");
    await wait(10_000);
    await wait(10_000);
    expect((await group()).Instances?.find((i) => i.InstanceId === id)?.HealthStatus).toBe("Healthy");
    await wait(10_000);
    g = await group();
    expect(g.Instances?.find((i) => i.InstanceId === id)?.LifecycleState).toBe("Terminating");
    expect(g.Instances?.find((i) => i.InstanceId === id)?.HealthStatus).toBe("Unhealthy");
    expect(states(g)).toContain("Pending");
    const activities = (await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "app" }))).Activities ?? [];
    expect(activities.find((a) => a.Description === `Terminating EC2 instance: ${id}`)?.Cause).toMatch(
      /in response to an ELB system health check failure\.$/,
    );
  });
});
