/**
 * The one-load-balancer part of the demo world (the alb-weighted and ecs-elb-swap applications of
 * teal.config.yaml, see demo-apps.ts), built through the AWS APIs with the SDK v3 clients (never by
 * writing world internals):
 *
 * - catalog-api (alb-weighted): ALB catalog-alb, HTTP :80 forwarding to the instance target groups
 *   catalog-blue (weight 100) and catalog-green (weight 0) with target-group stickiness on (60 s);
 *   two EC2 instances each, tagged teal:version v41 (blue) and v42 (green).
 * - orders-service (ecs-elb-swap): ALB orders-alb, HTTP :80 forwarding to ONE ip target group
 *   orders-tg that both services of cluster "prod" register into: orders-blue (4 tasks, v41) and
 *   orders-green (0 tasks, v42: deployed and idle). Green's share = its share of the running tasks.
 */
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { AlbWeightedAppConfig, EcsElbSwapAppConfig } from "@/lib/config/schema";
import { demoApps, firstOf, startOf, stem, type AppStart, type AppStarts, type DemoApps } from "./demo-apps";
import { DEFAULT_VPC_ID, subnetOf } from "@/range/protocols/ec2";

/** The cluster of the (first) ecs-elb-swap demo application. */
export const ALB_DEMO_CLUSTER = firstOf(demoApps().ecsElbSwap, "ecs-elb-swap").cluster;
const ORDERS_PORT = 8080;

/** What the seed made for the first alb-weighted (catalog-api) and ecs-elb-swap (orders-service) applications. */
export interface AlbDemo {
  catalog: {
    loadBalancerArn: string;
    listenerArn: string;
    targetGroupArns: Record<"blue" | "green", string>;
    instanceIds: Record<"blue" | "green", string[]>;
  };
  orders: {
    cluster: string;
    loadBalancerArn: string;
    listenerArn: string;
    targetGroupArn: string;
    services: Record<"blue" | "green", { service: string; taskDefinition: string; desiredCount: number }>;
  };
}

interface Clients {
  elbv2: ElasticLoadBalancingV2Client;
  ec2: EC2Client;
  ecs: ECSClient;
  region: string;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} returned nothing`);
  return value;
}

async function createAlb(c: Clients, name: string): Promise<string> {
  const zones = [`${c.region}a`, `${c.region}b`, `${c.region}c`];
  const out = await c.elbv2.send(
    new CreateLoadBalancerCommand({
      Name: name,
      Type: "application",
      Scheme: "internet-facing",
      Subnets: zones.map(subnetOf),
      Tags: [{ Key: "teal:app", Value: name }],
    }),
  );
  return required(out.LoadBalancers?.[0]?.LoadBalancerArn, `CreateLoadBalancer ${name}`);
}

async function createTargetGroup(c: Clients, name: string, type: "instance" | "ip", port: number): Promise<string> {
  const out = await c.elbv2.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: "HTTP",
      Port: port,
      VpcId: DEFAULT_VPC_ID,
      TargetType: type,
      HealthCheckPath: "/health",
      HealthCheckIntervalSeconds: 10,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
    }),
  );
  const arn = required(out.TargetGroups?.[0]?.TargetGroupArn, `CreateTargetGroup ${name}`);
  await c.elbv2.send(
    new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: "deregistration_delay.timeout_seconds", Value: "30" }] }),
  );
  return arn;
}

async function seedCatalog(c: Clients, app: AlbWeightedAppConfig, start: Required<AppStart>): Promise<AlbDemo["catalog"]> {
  const loadBalancerArn = await createAlb(c, app.loadBalancer);
  const targetGroupArns = {
    blue: await createTargetGroup(c, app.blue.targetGroup, "instance", 80),
    green: await createTargetGroup(c, app.green.targetGroup, "instance", 80),
  };
  const instanceIds = { blue: [] as string[], green: [] as string[] };
  for (const [color, version, ami] of [
    ["blue", "v41", "ami-041b1e0000000041"],
    ["green", start.greenVersion, "ami-042a0e0000000042"],
  ] as const) {
    const run = await c.ec2.send(
      new RunInstancesCommand({
        ImageId: ami,
        InstanceType: "t3.small",
        MinCount: 2,
        MaxCount: 2,
        TagSpecifications: [
          {
            ResourceType: "instance",
            Tags: [
              { Key: "Name", Value: app[color].targetGroup },
              { Key: "teal:version", Value: version },
              { Key: "teal:color", Value: color },
            ],
          },
        ],
      }),
    );
    instanceIds[color] = (run.Instances ?? []).map((i) => i.InstanceId).filter((id): id is string => id !== undefined);
    await c.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: targetGroupArns[color], Targets: instanceIds[color].map((Id) => ({ Id })) }));
  }
  const listener = await c.elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: loadBalancerArn,
      Protocol: "HTTP",
      Port: app.listenerPort,
      DefaultActions: [
        {
          Type: "forward",
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: targetGroupArns.blue, Weight: 100 - start.greenWeight },
              { TargetGroupArn: targetGroupArns.green, Weight: start.greenWeight },
            ],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
          },
        },
      ],
    }),
  );
  const listenerArn = required(listener.Listeners?.[0]?.ListenerArn, `CreateListener ${app.loadBalancer}`);
  return { loadBalancerArn, listenerArn, targetGroupArns, instanceIds };
}

async function registerOrders(c: Clients, family: string, version: string): Promise<string> {
  const out = await c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "512",
      memory: "1024",
      containerDefinitions: [
        {
          name: family,
          image: `123456789012.dkr.ecr.${c.region}.amazonaws.com/${family}:${version}`,
          essential: true,
          portMappings: [{ containerPort: ORDERS_PORT, protocol: "tcp" }],
        },
      ],
    }),
  );
  const arn = required(out.taskDefinition?.taskDefinitionArn, `RegisterTaskDefinition ${family}`);
  return arn.slice(arn.lastIndexOf("/") + 1);
}

async function seedOrders(c: Clients, app: EcsElbSwapAppConfig): Promise<AlbDemo["orders"]> {
  // CreateCluster returns the existing cluster when the ECS seed already made "prod".
  await c.ecs.send(new CreateClusterCommand({ clusterName: app.cluster }));
  const loadBalancerArn = await createAlb(c, app.loadBalancer);
  if (app.blue.targetGroup !== app.green.targetGroup)
    throw new Error(`${app.id}: both colours of an ecs-elb-swap demo application share one target group.`);
  const targetGroupArn = await createTargetGroup(c, app.blue.targetGroup, "ip", ORDERS_PORT);
  const listener = await c.elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: loadBalancerArn,
      Protocol: "HTTP",
      Port: 80,
      DefaultActions: [{ Type: "forward", TargetGroupArn: targetGroupArn }],
    }),
  );
  const listenerArn = required(listener.Listeners?.[0]?.ListenerArn, `CreateListener ${app.loadBalancer}`);
  const family = stem(app);
  const services = {
    blue: { service: app.blue.service, taskDefinition: await registerOrders(c, family, "v41"), desiredCount: app.totalTasks ?? 4 },
    green: { service: app.green.service, taskDefinition: await registerOrders(c, family, "v42"), desiredCount: 0 },
  };
  for (const s of Object.values(services)) {
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: app.cluster,
        serviceName: s.service,
        taskDefinition: s.taskDefinition,
        desiredCount: s.desiredCount,
        launchType: "FARGATE",
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [`${c.region}a`, `${c.region}b`, `${c.region}c`].map(subnetOf), assignPublicIp: "DISABLED" },
        },
        // Both colours register into the one target group: the ALB spreads requests over all its tasks.
        loadBalancers: [{ targetGroupArn, containerName: family, containerPort: ORDERS_PORT }],
        healthCheckGracePeriodSeconds: 30,
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
  }
  return { cluster: app.cluster, loadBalancerArn, listenerArn, targetGroupArn, services };
}

/** What the seed made for each alb-weighted and ecs-elb-swap application, in the config's order. */
export interface AlbApps {
  catalogs: AlbDemo["catalog"][];
  orders: AlbDemo["orders"][];
}

/**
 * Creates the alb-weighted and ecs-elb-swap applications of `apps` through the range's AWS APIs at
 * `endpointUrl`, each as `starts` says (default: all traffic on blue).
 */
export async function seedAlbApps(endpointUrl: string, region: string, apps: DemoApps, starts?: AppStarts): Promise<AlbApps> {
  const config = { endpoint: endpointUrl, region, credentials: { accessKeyId: "demo", secretAccessKey: "demo" } };
  const c: Clients = { elbv2: new ElasticLoadBalancingV2Client(config), ec2: new EC2Client(config), ecs: new ECSClient(config), region };
  try {
    const catalogs = [];
    for (const app of apps.albWeighted) catalogs.push(await seedCatalog(c, app, startOf(starts, app)));
    const orders = [];
    for (const app of apps.ecsElbSwap) orders.push(await seedOrders(c, app));
    return { catalogs, orders };
  } finally {
    c.elbv2.destroy();
    c.ec2.destroy();
    c.ecs.destroy();
  }
}

/** Creates the one-load-balancer demo applications through the range's AWS APIs at `endpointUrl`. */
export async function seedAlb(endpointUrl: string, region = "us-east-1"): Promise<AlbDemo> {
  const { catalogs, orders } = await seedAlbApps(endpointUrl, region, demoApps());
  return { catalog: firstOf(catalogs, "alb-weighted"), orders: firstOf(orders, "ecs-elb-swap") };
}
