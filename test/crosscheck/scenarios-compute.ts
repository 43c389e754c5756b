/**
 * Cross-check scenarios for ELBv2 (ALB), EC2 Auto Scaling and ECS: the calls Teal's blue/green
 * patterns make (weighted forward and ModifyListener, target registration and health, launch
 * templates, standby, traffic sources, template swaps, ECS rolling updates).
 */
import {
  AttachLoadBalancersCommand,
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLoadBalancersCommand as DescribeAsgLoadBalancersCommand,
  DescribeScalingActivitiesCommand,
  DetachLoadBalancersCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
} from "@aws-sdk/client-auto-scaling";
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { CreateLoadBalancerCommand as CreateClassicLoadBalancerCommand, ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  RegisterTargetsCommand,
  type Action,
  type TargetHealthDescription,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from "@aws-sdk/client-ecs";
import { errorOf, outcome, sortedBy, type Observations, type Scenario, type Target } from "./harness";

/** An AMI id moto ships with (moto refuses unknown AMIs); the range accepts any. */
const IMAGE_ID = "ami-12c6146b";

/** Subnets in two zones and their VPC: moto's default VPC, or the range's fixed network. Setup only, never observed. */
async function network(t: Target): Promise<{ vpcId: string; subnets: string[] }> {
  if (t.name === "range") return { vpcId: "vpc-0d3fa017e5c0a1b2c", subnets: ["subnet-0d3fa017e5c0000a", "subnet-0d3fa017e5c0000b"] };
  const ec2 = new EC2Client(t.clientConfig);
  try {
    const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs?.[0]?.VpcId ?? "";
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] }))).Subnets ?? [];
    const byZone = sortedBy(subnets, (s) => s.AvailabilityZone ?? "");
    return { vpcId: vpc, subnets: byZone.slice(0, 2).map((s) => s.SubnetId ?? "") };
  } finally {
    ec2.destroy();
  }
}

/** The last path segments of an ARN with its ids masked: `targetgroup/xcheck-blue/*`. */
function maskArn(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const resource = arn.split(":").slice(5).join(":");
  return resource.replace(/\/[0-9a-f]{16}$/, "/*").replace(/\/[0-9a-f]{16}\//, "/*/");
}

// ---------------------------------------------------------------------------------------------
// ELBv2

function healthRows(rows: TargetHealthDescription[] | undefined, names: Map<string, string>): unknown {
  return sortedBy(rows ?? [], (r) => names.get(r.Target?.Id ?? "") ?? "").map((r) => ({
    Target: names.get(r.Target?.Id ?? "") ?? "?",
    Port: r.Target?.Port,
    State: r.TargetHealth?.State,
    Reason: r.TargetHealth?.Reason,
  }));
}

function forwardView(actions: Action[] | undefined): unknown {
  return (actions ?? []).map((a) => ({
    Type: a.Type,
    TargetGroups: sortedBy(a.ForwardConfig?.TargetGroups ?? [], (g) => g.TargetGroupArn ?? "").map((g) => [maskArn(g.TargetGroupArn), g.Weight]),
  }));
}

const elbv2Scenario: Scenario = {
  name: "elbv2",
  async run(t: Target, obs: Observations) {
    const elbv2 = new ElasticLoadBalancingV2Client(t.clientConfig);
    const ec2Client = new EC2Client(t.clientConfig);
    try {
      const net = await network(t);
      const alb = await elbv2.send(
        new CreateLoadBalancerCommand({ Name: "xcheck-alb", Subnets: net.subnets, Type: "application", Scheme: "internet-facing" }),
      );
      const lb = alb.LoadBalancers?.[0];
      obs.see("CreateLoadBalancer", {
        Name: lb?.LoadBalancerName,
        Type: lb?.Type,
        Scheme: lb?.Scheme,
        Arn: maskArn(lb?.LoadBalancerArn),
        Zones: (lb?.AvailabilityZones ?? []).length,
      });
      const tgArns: Record<string, string> = {};
      for (const color of ["blue", "green"]) {
        const tg = await elbv2.send(
          new CreateTargetGroupCommand({
            Name: `xcheck-${color}`,
            Protocol: "HTTP",
            Port: 80,
            VpcId: net.vpcId,
            TargetType: "instance",
            HealthCheckPath: "/health",
          }),
        );
        const g = tg.TargetGroups?.[0];
        tgArns[color] = g?.TargetGroupArn ?? "";
        obs.see(`CreateTargetGroup ${color}`, {
          Name: g?.TargetGroupName,
          Arn: maskArn(g?.TargetGroupArn),
          Protocol: g?.Protocol,
          Port: g?.Port,
          HealthCheckPath: g?.HealthCheckPath,
          TargetType: g?.TargetType,
        });
      }
      const weights = (blue: number, green: number): Action[] => [
        {
          Type: "forward",
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: tgArns.blue, Weight: blue },
              { TargetGroupArn: tgArns.green, Weight: green },
            ],
          },
        },
      ];
      const listener = await elbv2.send(
        new CreateListenerCommand({ LoadBalancerArn: lb?.LoadBalancerArn, Protocol: "HTTP", Port: 80, DefaultActions: weights(100, 0) }),
      );
      const listenerArn = listener.Listeners?.[0]?.ListenerArn ?? "";
      obs.see("CreateListener weighted forward", forwardView(listener.Listeners?.[0]?.DefaultActions));

      const run = await ec2Client.send(new RunInstancesCommand({ ImageId: IMAGE_ID, InstanceType: "t3.micro", MinCount: 2, MaxCount: 2 }));
      const ids = (run.Instances ?? []).map((i) => i.InstanceId ?? "");
      const names = new Map(ids.map((id, i) => [id, `instance-${i}`]));
      await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tgArns.blue, Targets: ids.map((Id) => ({ Id, Port: 80 })) }));
      const health = async (color: string) =>
        healthRows((await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArns[color] }))).TargetHealthDescriptions, names);
      obs.see("DescribeTargetHealth at once", await health("blue"));
      await t.advance(150_000);
      obs.see("DescribeTargetHealth after boot and checks", await health("blue"));

      const modified = await elbv2.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: weights(0, 100) }));
      obs.see("ModifyListener to green", forwardView(modified.Listeners?.[0]?.DefaultActions));
      const listed = await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
      obs.see(
        "DescribeListeners after ModifyListener",
        (listed.Listeners ?? []).map((l) => ({ Port: l.Port, Protocol: l.Protocol, Actions: forwardView(l.DefaultActions) })),
      );
      const groups = await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
      obs.see(
        "DescribeTargetGroups of the load balancer",
        sortedBy(groups.TargetGroups ?? [], (g) => g.TargetGroupName ?? "").map((g) => ({
          Name: g.TargetGroupName,
          LoadBalancers: (g.LoadBalancerArns ?? []).map(maskArn),
        })),
      );

      const [first] = ids;
      await elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArns.blue, Targets: first === undefined ? [] : [{ Id: first, Port: 80 }] }));
      obs.see("DescribeTargetHealth right after deregistering", await health("blue"));
      await t.advance(330_000);
      obs.see("DescribeTargetHealth after the deregistration delay", await health("blue"));
      obs.see(
        "DescribeTargetGroups of an unknown name",
        errorOf(await outcome(elbv2.send(new DescribeTargetGroupsCommand({ Names: ["xcheck-none"] })))) ?? "accepted",
      );
      obs.see(
        "ModifyListener with six target groups",
        errorOf(
          await outcome(
            elbv2.send(
              new ModifyListenerCommand({
                ListenerArn: listenerArn,
                DefaultActions: [
                  { Type: "forward", ForwardConfig: { TargetGroups: Array.from({ length: 6 }, () => ({ TargetGroupArn: tgArns.blue, Weight: 1 })) } },
                ],
              }),
            ),
          ),
        ) ?? "accepted",
      );
    } finally {
      elbv2.destroy();
      ec2Client.destroy();
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Auto Scaling

function groupView(g: AutoScalingGroup | undefined): unknown {
  return {
    Name: g?.AutoScalingGroupName,
    Min: g?.MinSize,
    Max: g?.MaxSize,
    Desired: g?.DesiredCapacity,
    Zones: g?.AvailabilityZones,
    LaunchTemplateVersion: g?.LaunchTemplate?.Version,
    LoadBalancerNames: g?.LoadBalancerNames,
    Instances: sortedBy(g?.Instances ?? [], (i) => `${i.LifecycleState ?? ""} ${i.LaunchTemplate?.Version ?? ""}`).map((i) => ({
      LifecycleState: i.LifecycleState,
      HealthStatus: i.HealthStatus,
      LaunchTemplateVersion: i.LaunchTemplate?.Version,
    })),
  };
}

const autoScalingScenario: Scenario = {
  name: "autoscaling",
  async run(t: Target, obs: Observations) {
    const asg = new AutoScalingClient(t.clientConfig);
    const ec2 = new EC2Client(t.clientConfig);
    const elb = new ElasticLoadBalancingClient(t.clientConfig);
    try {
      const lt = await ec2.send(
        new CreateLaunchTemplateCommand({ LaunchTemplateName: "xcheck-web", LaunchTemplateData: { ImageId: IMAGE_ID, InstanceType: "t3.micro" } }),
      );
      const templateId = lt.LaunchTemplate?.LaunchTemplateId ?? "";
      obs.see("CreateLaunchTemplate", {
        Name: lt.LaunchTemplate?.LaunchTemplateName,
        Default: lt.LaunchTemplate?.DefaultVersionNumber,
        Latest: lt.LaunchTemplate?.LatestVersionNumber,
      });
      await asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: "xcheck-asg",
          LaunchTemplate: { LaunchTemplateId: templateId, Version: "1" },
          MinSize: 1,
          MaxSize: 4,
          DesiredCapacity: 2,
          AvailabilityZones: ["us-east-1a", "us-east-1b"],
        }),
      );
      const describe = async () =>
        groupView((await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["xcheck-asg"] }))).AutoScalingGroups?.[0]);
      await t.advance(10_000);
      obs.see("DescribeAutoScalingGroups after 10 s", await describe());
      await t.advance(150_000);
      obs.see("DescribeAutoScalingGroups after boot", await describe());

      await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "xcheck-asg", DesiredCapacity: 3 }));
      await t.advance(150_000);
      obs.see("SetDesiredCapacity 3, after boot", await describe());

      await elb.send(
        new CreateClassicLoadBalancerCommand({
          LoadBalancerName: "xcheck-asg-lb",
          Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 80 }],
          AvailabilityZones: ["us-east-1a", "us-east-1b"],
        }),
      );
      await asg.send(new AttachLoadBalancersCommand({ AutoScalingGroupName: "xcheck-asg", LoadBalancerNames: ["xcheck-asg-lb"] }));
      const lbStates = async () =>
        ((await asg.send(new DescribeAsgLoadBalancersCommand({ AutoScalingGroupName: "xcheck-asg" }))).LoadBalancers ?? []).map((l) => [
          l.LoadBalancerName,
          l.State,
        ]);
      obs.see("DescribeLoadBalancers after AttachLoadBalancers", await lbStates());

      const instances =
        (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["xcheck-asg"] }))).AutoScalingGroups?.[0]?.Instances ?? [];
      const standbyId = sortedBy(instances, (i) => i.InstanceId ?? "")[0]?.InstanceId ?? "";
      const entered = await asg.send(
        new EnterStandbyCommand({ AutoScalingGroupName: "xcheck-asg", InstanceIds: [standbyId], ShouldDecrementDesiredCapacity: true }),
      );
      obs.see(
        "EnterStandby activity",
        (entered.Activities ?? []).map((a) => a.StatusCode !== undefined),
      );
      await t.advance(10_000);
      const lifecycle = async () =>
        (await asg.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [standbyId] }))).AutoScalingInstances?.map((i) => [
          i.LifecycleState,
          i.HealthStatus,
        ]);
      obs.see("DescribeAutoScalingInstances after EnterStandby", await lifecycle());
      obs.see("Desired after EnterStandby", ((await describe()) as { Desired?: number }).Desired);
      await asg.send(new ExitStandbyCommand({ AutoScalingGroupName: "xcheck-asg", InstanceIds: [standbyId] }));
      obs.see("DescribeAutoScalingInstances right after ExitStandby", await lifecycle());
      await t.advance(120_000);
      obs.see("DescribeAutoScalingInstances after ExitStandby and checks", await lifecycle());

      await ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: templateId,
          SourceVersion: "1",
          LaunchTemplateData: { InstanceType: "t3.small" },
        }),
      );
      await asg.send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "xcheck-asg", LaunchTemplate: { LaunchTemplateId: templateId, Version: "2" } }),
      );
      obs.see("DescribeAutoScalingGroups after UpdateAutoScalingGroup to version 2", await describe());

      await asg.send(new DetachLoadBalancersCommand({ AutoScalingGroupName: "xcheck-asg", LoadBalancerNames: ["xcheck-asg-lb"] }));
      await t.advance(400_000);
      obs.see("DescribeLoadBalancers after DetachLoadBalancers", await lbStates());
      const activities = await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "xcheck-asg" }));
      obs.see(
        "DescribeScalingActivities has the launches",
        (activities.Activities ?? []).filter((a) => (a.Description ?? "").startsWith("Launching")).length >= 3,
      );
      // Last: moto accepts it and would carry desired 9 into every later step.
      obs.see(
        "SetDesiredCapacity above MaxSize",
        errorOf(await outcome(asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "xcheck-asg", DesiredCapacity: 9 })))) ?? "accepted",
      );
      obs.see(
        "DescribeAutoScalingGroups of an unknown name",
        ((await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["xcheck-none"] }))).AutoScalingGroups ?? []).length,
      );
    } finally {
      asg.destroy();
      ec2.destroy();
      elb.destroy();
    }
  },
};

// ---------------------------------------------------------------------------------------------
// ECS

function serviceView(s: Service | undefined): unknown {
  return {
    Name: s?.serviceName,
    Status: s?.status,
    Desired: s?.desiredCount,
    Running: s?.runningCount,
    TaskDefinition: s?.taskDefinition?.split("/").pop(),
    Deployments: sortedBy(s?.deployments ?? [], (d) => d.status ?? "").map((d) => ({
      Status: d.status,
      TaskDefinition: d.taskDefinition?.split("/").pop(),
      Desired: d.desiredCount,
      RolloutState: d.rolloutState,
    })),
  };
}

const ecsScenario: Scenario = {
  name: "ecs",
  async run(t: Target, obs: Observations) {
    const ecs = new ECSClient(t.clientConfig);
    try {
      const net = await network(t);
      const cluster = await ecs.send(new CreateClusterCommand({ clusterName: "xcheck" }));
      obs.see("CreateCluster", { Name: cluster.cluster?.clusterName, Status: cluster.cluster?.status });
      const revisions: string[] = [];
      for (const image of ["web:41", "web:42"]) {
        const td = await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: "xcheck-web",
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: "256",
            memory: "512",
            containerDefinitions: [{ name: "web", image, essential: true, portMappings: [{ containerPort: 80 }] }],
          }),
        );
        revisions.push(td.taskDefinition?.taskDefinitionArn ?? "");
        obs.see(`RegisterTaskDefinition ${image}`, {
          Family: td.taskDefinition?.family,
          Revision: td.taskDefinition?.revision,
          Status: td.taskDefinition?.status,
        });
      }
      await ecs.send(
        new CreateServiceCommand({
          cluster: "xcheck",
          serviceName: "web",
          taskDefinition: "xcheck-web:1",
          desiredCount: 2,
          launchType: "FARGATE",
          // moto 5.2 answers 500 when awsvpcConfiguration has no securityGroups, so an empty list is sent.
          networkConfiguration: { awsvpcConfiguration: { subnets: net.subnets, securityGroups: [] } },
        }),
      );
      const describe = async () => (await ecs.send(new DescribeServicesCommand({ cluster: "xcheck", services: ["web"] }))).services?.[0];
      obs.see("DescribeServices at once", serviceView(await describe()));
      await t.advance(180_000);
      obs.see("DescribeServices after tasks start", serviceView(await describe()));

      const updated = await ecs.send(new UpdateServiceCommand({ cluster: "xcheck", service: "web", taskDefinition: "xcheck-web:2" }));
      obs.see("UpdateService to revision 2", serviceView(updated.service));
      await t.advance(600_000);
      const settled = await describe();
      obs.see("DescribeServices after the rollout", serviceView(settled));
      obs.see(
        "DescribeServices events mention steady state",
        (settled?.events ?? []).some((e) => (e.message ?? "").includes("has reached a steady state")),
      );
      const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: revisions[0] }));
      obs.see("DescribeTaskDefinition revision 1", { Family: described.taskDefinition?.family, Revision: described.taskDefinition?.revision });
      const missing = await ecs.send(new DescribeServicesCommand({ cluster: "xcheck", services: ["nope"] }));
      obs.see("DescribeServices of an unknown service", {
        services: (missing.services ?? []).length,
        failures: (missing.failures ?? []).map((f) => f.reason),
      });
    } finally {
      ecs.destroy();
    }
  },
};

export const COMPUTE_SCENARIOS: readonly Scenario[] = [elbv2Scenario, autoScalingScenario, ecsScenario];
