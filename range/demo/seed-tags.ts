/**
 * Tags the demo applications' resources as an operator would for `teal discover`: `teal:app` (the
 * application id), `teal:pattern` on the resource that stands for the application, and `teal:color`
 * (blue or green) on each colour's own resources. Through the range's AWS APIs, after the resources
 * exist. Route 53 record sets carry no tags: discover finds them by what they point at.
 */
import { AutoScalingClient, CreateOrUpdateTagsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeServicesCommand, ECSClient, TagResourceCommand } from "@aws-sdk/client-ecs";
import { AddTagsCommand as AddClassicTagsCommand, ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import {
  AddTagsCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { AppConfig } from "@/lib/config/schema";
import type { DemoApps } from "./demo-apps";

type Color = "blue" | "green";
const COLORS: readonly Color[] = ["blue", "green"];

interface Clients {
  elb: ElasticLoadBalancingClient;
  elbv2: ElasticLoadBalancingV2Client;
  autoscaling: AutoScalingClient;
  ecs: ECSClient;
}

function tagsOf(app: AppConfig, extra: { color?: Color; pattern?: boolean }): Record<string, string> {
  return {
    "teal:app": app.id,
    ...(extra.pattern === true ? { "teal:pattern": app.pattern } : {}),
    ...(extra.color !== undefined ? { "teal:color": extra.color } : {}),
  };
}

function pairs(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

async function tagClassic(c: Clients, name: string, tags: Record<string, string>): Promise<void> {
  await c.elb.send(new AddClassicTagsCommand({ LoadBalancerNames: [name], Tags: pairs(tags) }));
}

async function tagAlb(c: Clients, name: string, tags: Record<string, string>): Promise<void> {
  const out = await c.elbv2.send(new DescribeLoadBalancersCommand({ Names: [name] }));
  const arn = out.LoadBalancers?.[0]?.LoadBalancerArn;
  if (arn === undefined) throw new Error(`no load balancer ${name} to tag`);
  await c.elbv2.send(new AddTagsCommand({ ResourceArns: [arn], Tags: pairs(tags) }));
}

async function tagTargetGroup(c: Clients, name: string, tags: Record<string, string>): Promise<void> {
  const out = await c.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
  const arn = out.TargetGroups?.[0]?.TargetGroupArn;
  if (arn === undefined) throw new Error(`no target group ${name} to tag`);
  await c.elbv2.send(new AddTagsCommand({ ResourceArns: [arn], Tags: pairs(tags) }));
}

async function tagService(c: Clients, cluster: string, name: string, tags: Record<string, string>): Promise<void> {
  const out = await c.ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
  const arn = out.services?.[0]?.serviceArn;
  if (arn === undefined) throw new Error(`no ECS service ${cluster}/${name} to tag`);
  await c.ecs.send(new TagResourceCommand({ resourceArn: arn, tags: Object.entries(tags).map(([key, value]) => ({ key, value })) }));
}

async function tagGroup(c: Clients, name: string, tags: Record<string, string>): Promise<void> {
  await c.autoscaling.send(
    new CreateOrUpdateTagsCommand({
      Tags: Object.entries(tags).map(([Key, Value]) => ({
        ResourceId: name,
        ResourceType: "auto-scaling-group",
        Key,
        Value,
        PropagateAtLaunch: false,
      })),
    }),
  );
}

async function tagApp(c: Clients, app: AppConfig): Promise<void> {
  const top = tagsOf(app, { pattern: true });
  switch (app.pattern) {
    case "dns-weighted":
      for (const color of COLORS) await tagClassic(c, app[color].loadBalancer, tagsOf(app, { color, pattern: true }));
      return;
    case "ecs-dns-swap":
      for (const color of COLORS) {
        const side = app[color];
        await tagService(c, app.cluster, side.service, tagsOf(app, { color, pattern: true }));
        await tagAlb(c, side.loadBalancer, tagsOf(app, { color }));
        if (side.targetGroup !== undefined) await tagTargetGroup(c, side.targetGroup, tagsOf(app, { color }));
      }
      return;
    case "ecs-rolling":
      await tagService(c, app.cluster, app.service, top);
      if (app.loadBalancer !== undefined) await tagAlb(c, app.loadBalancer, tagsOf(app, {}));
      if (app.targetGroup !== undefined) await tagTargetGroup(c, app.targetGroup, tagsOf(app, {}));
      return;
    case "alb-weighted":
      await tagAlb(c, app.loadBalancer, top);
      for (const color of COLORS) await tagTargetGroup(c, app[color].targetGroup, tagsOf(app, { color }));
      return;
    case "ecs-elb-swap":
      await tagAlb(c, app.loadBalancer, top);
      for (const color of COLORS) await tagService(c, app.cluster, app[color].service, tagsOf(app, { color }));
      // One target group for both colours: it belongs to the application, not to a colour.
      for (const tg of new Set(COLORS.map((color) => app[color].targetGroup))) await tagTargetGroup(c, tg, tagsOf(app, {}));
      return;
    case "asg-swap":
      for (const color of COLORS) await tagGroup(c, app[color].autoScalingGroup, tagsOf(app, { color, pattern: true }));
      if (app.loadBalancer.kind === "classic") await tagClassic(c, app.loadBalancer.name, tagsOf(app, {}));
      else await tagTargetGroup(c, app.loadBalancer.targetGroup, tagsOf(app, {}));
      return;
    case "launch-swap":
      await tagGroup(c, app.autoScalingGroup, top);
      if (app.loadBalancer.kind === "classic") await tagClassic(c, app.loadBalancer.name, tagsOf(app, {}));
      else await tagTargetGroup(c, app.loadBalancer.targetGroup, tagsOf(app, {}));
      return;
  }
}

/** Tags every resource of `apps` (already created) with the application's `teal:*` tags. */
export async function tagApps(endpointUrl: string, region: string, apps: DemoApps): Promise<void> {
  const config = { endpoint: endpointUrl, region, credentials: { accessKeyId: "demo", secretAccessKey: "demo" } };
  const c: Clients = {
    elb: new ElasticLoadBalancingClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    autoscaling: new AutoScalingClient(config),
    ecs: new ECSClient(config),
  };
  try {
    for (const app of apps.all) await tagApp(c, app);
  } finally {
    c.elb.destroy();
    c.elbv2.destroy();
    c.autoscaling.destroy();
    c.ecs.destroy();
  }
}
