/**
 * The Auto Scaling applications of the demo world (those of teal.config.yaml, see demo-apps.ts),
 * built through the AWS APIs like a user would:
 * - payments-api (asg-swap): groups payments-blue (4 × v41, serving) and payments-green (v42,
 *   launch configuration ready, idle at 0) behind the classic load balancer payments-lb;
 * - checkout-web (launch-swap, launch configurations): group checkout-web on checkout-v41 (4
 *   instances) behind checkout-lb; checkout-v42 created and waiting;
 * - search-api (launch-swap, launch template): group search-api on template search-api version 1
 *   (v41) behind search-lb; version 2 (v42) created and waiting.
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand, CreateLaunchConfigurationCommand } from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand,
  ElasticLoadBalancingClient,
  ModifyLoadBalancerAttributesCommand,
} from "@aws-sdk/client-elastic-load-balancing";
import { classicLoadBalancer, demoApps, stem, type DemoApps, type LaunchTemplateSwapApp } from "./demo-apps";

const AMI = { v41: "ami-041b1e0000000041", v42: "ami-042a0e0000000042" } as const;

export interface AsgDemo {
  loadBalancers: string[];
  groups: string[];
  /** The launch template id of the first launch-template application (search-api). */
  launchTemplateId: string;
}

/** The launch template a launch-template demo application swaps between two versions of (by name). */
function templateName(app: LaunchTemplateSwapApp): string {
  const name = app.blue.launchTemplate.name;
  if (name === undefined) throw new Error(`${app.id}: the demo world names its launch templates (launchTemplate.name).`);
  return name;
}

function userData(version: string): string {
  return Buffer.from(`#!/bin/sh\nteal:version=${version}\n`, "utf8").toString("base64");
}

/**
 * Creates the asg-swap and launch-swap applications of `apps` (default: the demo's) through the
 * range's AWS APIs at `endpointUrl`.
 */
export async function seedAsg(endpointUrl: string, region = "us-east-1", apps: DemoApps = demoApps()): Promise<AsgDemo> {
  const config = { endpoint: endpointUrl, region, credentials: { accessKeyId: "demo", secretAccessKey: "demo" } };
  const elb = new ElasticLoadBalancingClient(config);
  const autoscaling = new AutoScalingClient(config);
  const ec2 = new EC2Client(config);
  const zones = [`${region}a`, `${region}b`];
  const swaps = apps.asgSwap;
  const configurations = apps.launchConfigurations;
  const templates = apps.launchTemplates;
  try {
    const loadBalancers = [...swaps, ...configurations, ...templates].map(classicLoadBalancer);
    for (const name of loadBalancers) {
      await elb.send(
        new CreateLoadBalancerCommand({
          LoadBalancerName: name,
          Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 80 }],
          AvailabilityZones: zones,
        }),
      );
      await elb.send(
        new ConfigureHealthCheckCommand({
          LoadBalancerName: name,
          HealthCheck: { Target: "HTTP:80/health", Interval: 10, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 3 },
        }),
      );
      await elb.send(
        new ModifyLoadBalancerAttributesCommand({
          LoadBalancerName: name,
          LoadBalancerAttributes: { ConnectionDraining: { Enabled: true, Timeout: 30 }, CrossZoneLoadBalancing: { Enabled: true } },
        }),
      );
    }

    const launchConfigurations: [string, "v41" | "v42"][] = [
      ...swaps.flatMap((app) => [[`${stem(app)}-v41`, "v41"] as [string, "v41"], [`${stem(app)}-v42`, "v42"] as [string, "v42"]]),
      ...configurations.flatMap((app) => [
        [app.blue.launchConfiguration, "v41"] as [string, "v41"],
        [app.green.launchConfiguration, "v42"] as [string, "v42"],
      ]),
    ];
    for (const [name, version] of launchConfigurations) {
      await autoscaling.send(
        new CreateLaunchConfigurationCommand({
          LaunchConfigurationName: name,
          ImageId: AMI[version],
          InstanceType: "t3.small",
          UserData: userData(version),
        }),
      );
    }

    const templateIds: string[] = [];
    for (const app of templates) {
      const template = await ec2.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: templateName(app),
          VersionDescription: "v41",
          LaunchTemplateData: {
            ImageId: AMI.v41,
            InstanceType: "t3.small",
            TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: "v41" }] }],
          },
        }),
      );
      const launchTemplateId = template.LaunchTemplate?.LaunchTemplateId;
      if (launchTemplateId === undefined) throw new Error("CreateLaunchTemplate returned no template id");
      await ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: launchTemplateId,
          SourceVersion: "1",
          VersionDescription: "v42",
          LaunchTemplateData: {
            ImageId: AMI.v42,
            TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: "v42" }] }],
          },
        }),
      );
      templateIds.push(launchTemplateId);
    }

    // The grace period outlasts HealthyThreshold × Interval (3 × 10 s), or instances back from Standby get replaced.
    const common = { AvailabilityZones: zones, HealthCheckType: "ELB", HealthCheckGracePeriod: 120, MinSize: 0, MaxSize: 8 };
    const groups = [
      ...swaps.flatMap((app) => [
        { name: app.blue.autoScalingGroup, lc: `${stem(app)}-v41`, desired: 4, lb: classicLoadBalancer(app), version: "v41" },
        { name: app.green.autoScalingGroup, lc: `${stem(app)}-v42`, desired: app.green.idleCapacity, lb: undefined, version: "v42" },
      ]),
      ...configurations.map((app) => ({
        name: app.autoScalingGroup,
        lc: app.blue.launchConfiguration,
        desired: 4,
        lb: classicLoadBalancer(app),
        version: undefined,
      })),
    ];
    for (const g of groups) {
      await autoscaling.send(
        new CreateAutoScalingGroupCommand({
          ...common,
          AutoScalingGroupName: g.name,
          LaunchConfigurationName: g.lc,
          DesiredCapacity: g.desired,
          TrafficSources: g.lb ? [{ Identifier: g.lb, Type: "elb" }] : undefined,
          // The version tag names what a group's instances run when both colours have their own group;
          // checkout-web's instances take theirs from the launch configuration's AMI instead.
          Tags: g.version ? [{ Key: "teal:version", Value: g.version, PropagateAtLaunch: true }] : undefined,
        }),
      );
    }
    for (const [i, app] of templates.entries()) {
      await autoscaling.send(
        new CreateAutoScalingGroupCommand({
          ...common,
          AutoScalingGroupName: app.autoScalingGroup,
          LaunchTemplate: { LaunchTemplateId: templateIds[i], Version: app.blue.launchTemplate.version },
          DesiredCapacity: 4,
          TrafficSources: [{ Identifier: classicLoadBalancer(app), Type: "elb" }],
        }),
      );
    }
    return {
      loadBalancers,
      groups: [...groups.map((g) => g.name), ...templates.map((app) => app.autoScalingGroup)],
      launchTemplateId: templateIds[0] ?? "",
    };
  } finally {
    elb.destroy();
    autoscaling.destroy();
    ec2.destroy();
  }
}
