// Proof on moto: Teal's Auto Scaling patterns (asg-swap, launch-swap) against an AWS emulator the
// project did not write, as far as moto goes. moto is seeded through the SDK (a launch template with
// two versions, a classic load balancer shared by a blue and a green group, and a group behind an
// ALB target group). Where moto's gaps stop Teal, the test asserts the exact gap (docs/moto.md), so
// it fails the day moto closes it and the suite can go further.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AttachLoadBalancersCommand,
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeTrafficSourcesCommand,
} from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreateLoadBalancerCommand as CreateClassicLoadBalancerCommand, ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { describeAsgGroups } from "@/lib/aws/autoscaling";
import { createAwsGateway } from "@/lib/aws/gateway";
import { describeInstanceHealth } from "@/lib/aws/elb";
import { planIntent } from "@/lib/runtime/plan-service";
import type { Runtime } from "@/lib/runtime/runtime";
import type { AppConfig, AsgSwapAppConfig, LaunchSwapAppConfig } from "@/lib/config/schema";
import { planAsgSwap } from "@/lib/patterns/asg-swap";
import { planLaunchSwap } from "@/lib/patterns/launch-swap";
import { asgSwapState, launchLabel, launchSwapState } from "./asg-state";
import {
  appOf,
  CALL_RETRY,
  configure,
  defaultNetwork,
  describeMotoMissing,
  IMAGE_ID,
  motoAvailable,
  runPlan,
  startTealOnMoto,
  stepOutcomes,
  type TealOnMoto,
} from "./teal-on-moto";

function asgSwapApp(app: AppConfig): AsgSwapAppConfig {
  if (app.pattern !== "asg-swap") throw new Error(`${app.id} is not asg-swap`);
  return app;
}

function launchSwapApp(app: AppConfig): LaunchSwapAppConfig {
  if (app.pattern !== "launch-swap") throw new Error(`${app.id} is not launch-swap`);
  return app;
}

describeMotoMissing("asg-swap and launch-swap");

describe.runIf(motoAvailable())("asg-swap and launch-swap on moto", () => {
  let teal: TealOnMoto;
  let rt: Runtime;
  let autoscaling: AutoScalingClient;
  let templateId = "";
  let zones: string[] = [];

  beforeAll(async () => {
    teal = await startTealOnMoto();
    rt = teal.rt;
    const client = teal.moto.clientConfig;
    autoscaling = new AutoScalingClient(client);
    const ec2 = new EC2Client(client);
    const elb = new ElasticLoadBalancingClient(client);
    const elbv2 = new ElasticLoadBalancingV2Client(client);
    try {
      const net = await defaultNetwork(client);
      zones = net.subnets.map((s) => s.zone);
      const subnets = net.subnets.map((s) => s.id).join(",");
      const template = await ec2.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: "proof-web",
          LaunchTemplateData: {
            ImageId: IMAGE_ID,
            InstanceType: "t3.micro",
            TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: "v1" }] }],
          },
        }),
      );
      templateId = template.LaunchTemplate?.LaunchTemplateId ?? "";
      await ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: templateId,
          SourceVersion: "1",
          LaunchTemplateData: { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: "v2" }] }] },
        }),
      );
      // asg-swap: blue (2 instances, version 1) attached to a classic load balancer; green (version 2) empty.
      await elb.send(
        new CreateClassicLoadBalancerCommand({
          LoadBalancerName: "proof-classic",
          Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 80 }],
          Subnets: net.subnets.map((s) => s.id),
        }),
      );
      for (const [color, version, desired] of [
        ["blue", "1", 2],
        ["green", "2", 0],
      ] as const) {
        await autoscaling.send(
          new CreateAutoScalingGroupCommand({
            AutoScalingGroupName: `proof-${color}`,
            LaunchTemplate: { LaunchTemplateId: templateId, Version: version },
            MinSize: 0,
            MaxSize: 4,
            DesiredCapacity: desired,
            VPCZoneIdentifier: subnets,
            HealthCheckType: "ELB",
          }),
        );
      }
      await autoscaling.send(new AttachLoadBalancersCommand({ AutoScalingGroupName: "proof-blue", LoadBalancerNames: ["proof-classic"] }));
      // launch-swap: one group on version 1, 2 instances, behind an ALB target group.
      const alb = await elbv2.send(new CreateLoadBalancerCommand({ Name: "proof-alb", Subnets: net.subnets.map((s) => s.id), Type: "application" }));
      const tg = await elbv2.send(new CreateTargetGroupCommand({ Name: "proof-launch", Protocol: "HTTP", Port: 80, VpcId: net.vpcId }));
      const tgArn = tg.TargetGroups?.[0]?.TargetGroupArn ?? "";
      await elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: alb.LoadBalancers?.[0]?.LoadBalancerArn,
          Protocol: "HTTP",
          Port: 80,
          DefaultActions: [{ Type: "forward", TargetGroupArn: tgArn }],
        }),
      );
      await autoscaling.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: "proof-launch",
          LaunchTemplate: { LaunchTemplateId: templateId, Version: "1" },
          MinSize: 0,
          MaxSize: 4,
          DesiredCapacity: 2,
          VPCZoneIdentifier: subnets,
          TargetGroupARNs: [tgArn],
          HealthCheckType: "ELB",
        }),
      );
    } finally {
      ec2.destroy();
      elb.destroy();
      elbv2.destroy();
    }
    configure(rt, [
      {
        id: "payments",
        name: "Payments",
        pattern: "asg-swap",
        region: client.region,
        loadBalancer: { kind: "classic", name: "proof-classic" },
        blue: { autoScalingGroup: "proof-blue" },
        green: { autoScalingGroup: "proof-green", idleCapacity: 0 },
      },
      {
        id: "checkout",
        name: "Checkout",
        pattern: "launch-swap",
        region: client.region,
        autoScalingGroup: "proof-launch",
        loadBalancer: { kind: "target-group", targetGroup: "proof-launch" },
        blue: { launchTemplate: { id: templateId, version: "1" } },
        green: { launchTemplate: { id: templateId, version: "2" } },
      },
    ]);
  });

  afterAll(async () => {
    autoscaling?.destroy();
    await teal?.close();
  });

  /** Teal's words for moto's answer to any traffic-source call: a 500 HTML page, not an AWS error. */
  const NOT_AN_AWS_ANSWER = "failed: the answer was not one AWS gives (a proxy or a failing endpoint answered; safe to retry)";

  it("moto gap: Teal's observe of both patterns stops at DescribeTrafficSources, which moto answers with a 500 page", async () => {
    for (const id of ["payments", "checkout"]) {
      const err = await planIntent(rt, appOf(rt, id), { kind: "shift", greenPercent: 50 }).catch((e: unknown) => e);
      expect(err, id).toMatchObject({ code: "aws_error", userMessage: `DescribeTrafficSources ${NOT_AN_AWS_ANSWER}` });
    }
    // The call itself, with the SDK: HTTP 500, whose HTML body no AWS protocol parses.
    const raw = await autoscaling.send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: "proof-blue" })).catch((e: unknown) => e);
    expect(raw).toMatchObject({ $metadata: { httpStatusCode: 500 } });
  });

  it("moto gap: a group given subnets in two Availability Zones launches all its instances in the first", async () => {
    expect(zones).toHaveLength(2);
    expect(new Set(zones).size).toBe(2);
    const groups = await describeAsgGroups(rt.clients(teal.moto.clientConfig.region).autoscaling, ["proof-blue", "proof-launch"]);
    // AWS spreads a group's instances evenly over its enabled zones: one in each here.
    expect(groups.get("proof-blue")?.instances.map((i) => i.availabilityZone)).toEqual([zones[0], zones[0]]);
    expect(groups.get("proof-launch")?.instances.map((i) => i.availabilityZone)).toEqual([zones[0], zones[0]]);
  });

  it("asg-swap: Teal's shift to 50 % runs on moto up to the attach step, whose check and call moto does not implement", async () => {
    const app = asgSwapApp(appOf(rt, "payments"));
    const clients = rt.clients(app.region);
    // Everything but the attachment is Teal's read of moto; the attachment moto cannot answer is the seed's.
    const state = await asgSwapState(clients, app, { blue: "InService", green: null });
    expect(state.environments.blue.instances.map((i) => i.health)).toEqual(["healthy", "healthy"]);
    const planned = planAsgSwap(state, { kind: "shift", greenPercent: 50 }, { waitScale: rt.env.TEAL_WAIT_SCALE });
    const { operation } = await runPlan(rt, planned);
    expect(operation.status).toBe("failed");
    // Green scaled to 1 and its instance InService (at once on moto); then the attach step's
    // "already attached?" check reads DescribeTrafficSources, tried 5 times, and fails the step.
    expect(stepOutcomes(operation)).toEqual([
      "scale-green: succeeded",
      "green-in-service: succeeded",
      `attach-green: failed (DescribeTrafficSources ${NOT_AN_AWS_ANSWER})`,
      "green-healthy: skipped",
      "blue-standby: skipped",
    ]);
    expect(operation.steps[2]?.progress).toMatchObject({ calls: 0, polls: CALL_RETRY.attempts });
    const groups = await describeAsgGroups(clients.autoscaling, ["proof-green"]);
    expect(groups.get("proof-green")?.instances.map((i) => i.lifecycle)).toEqual(["InService"]);
    // The step's call itself, through Teal's gateway: moto does not implement AttachTrafficSources either.
    const attach = operation.steps[2]?.call;
    expect(attach?.operation).toBe("AttachTrafficSources");
    if (!attach) throw new Error("the attach step has no call");
    const err = await createAwsGateway(clients)
      .call(attach)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "aws_error", userMessage: `AttachTrafficSources ${NOT_AN_AWS_ANSWER}` });
  });

  it("moto gap: attaching green to the classic load balancer blue is behind evicts blue's instances from it", async () => {
    const app = appOf(rt, "payments");
    const clients = rt.clients(app.region);
    const before = await describeAsgGroups(clients.autoscaling, ["proof-blue", "proof-green"]);
    const ids = (g: string) => (before.get(g)?.instances ?? []).map((i) => i.id).sort();
    expect((await describeInstanceHealth(clients.elb, "proof-classic")).map((i) => i.id).sort()).toEqual(ids("proof-blue"));
    // The older call moto has (Teal attaches with AttachTrafficSources, which moto lacks).
    await autoscaling.send(new AttachLoadBalancersCommand({ AutoScalingGroupName: "proof-green", LoadBalancerNames: ["proof-classic"] }));
    // AWS adds green's instance beside blue's two; moto leaves only green's behind the load balancer.
    expect((await describeInstanceHealth(clients.elb, "proof-classic")).map((i) => i.id).sort()).toEqual(ids("proof-green"));
  });

  it("moto gap: launch-swap's shift launches green's instance from version 2, which moto reports as version 1, so Teal's wait for it never holds", async () => {
    const app = launchSwapApp(appOf(rt, "checkout"));
    const clients = rt.clients(app.region);
    const state = await launchSwapState(clients, app, "InService");
    const launches = state.asg?.launches;
    if (!launches) throw new Error("no launches read");
    expect([launchLabel(launches.blue), launchLabel(launches.green)]).toEqual([`${templateId}:1`, `${templateId}:2`]);
    expect(state.environments.blue.instances).toHaveLength(2);
    const planned = planLaunchSwap(state, { kind: "shift", greenPercent: 50 }, { waitScale: rt.env.TEAL_WAIT_SCALE });
    const { operation } = await runPlan(rt, planned);
    expect(operation.status).toBe("failed");
    const waitedFor = `1 instance to be InService in proof-launch on ${templateId}:2`;
    expect(stepOutcomes(operation)).toEqual([
      "launch-new: succeeded",
      "grow: succeeded",
      `new-in-service: failed (Timed out after 1.8 s waiting for ${waitedFor} (last: 0 of 1 instances InService in proof-launch on ${templateId}:2).)`,
      "new-healthy: skipped",
      "old-standby: skipped",
    ]);
    // The group launches from version 2 now and launched a third instance; moto says all three run version 1.
    const groups = await describeAsgGroups(clients.autoscaling, ["proof-launch"]);
    const group = groups.get("proof-launch");
    expect(group?.launch).toMatchObject({ kind: "launch-template", id: templateId, version: "2" });
    expect(group?.instances.map((i) => `${i.lifecycle} ${i.launch}`)).toEqual(Array(3).fill(`InService ${templateId}:1`));
  });
});
