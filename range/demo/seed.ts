/**
 * The demo world, created the way a user would build it: through the AWS APIs with the real SDK v3
 * clients against the range's endpoint, never by writing world internals. Its applications are
 * those of teal.config.yaml (demo-apps.ts). A classic DNS blue/green
 * setup: hosted zone example.com., load balancers shop-blue and shop-green with three instances each
 * (blue runs v41, green v42), and weighted CNAMEs shop.example.com. (blue 100 / green 0).
 */
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand,
  ElasticLoadBalancingClient,
  ModifyLoadBalancerAttributesCommand,
  RegisterInstancesWithLoadBalancerCommand,
} from "@aws-sdk/client-elastic-load-balancing";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { demoApps, firstOf } from "./demo-apps";
import { seedAlb } from "./seed-alb";
import { seedAsg } from "./seed-asg";
import { seedEcs } from "./seed-ecs";

const shop = firstOf(demoApps().dnsWeighted, "dns-weighted");
/** The demo hosted zone and the record of the (first) dns-weighted demo application (shop). */
export const DEMO_ZONE = shop.dns.hostedZone.endsWith(".") ? shop.dns.hostedZone : `${shop.dns.hostedZone}.`;
export const DEMO_RECORD = shop.dns.recordName;

export interface DemoEnvironment {
  color: "blue" | "green";
  loadBalancerName: string;
  dnsName: string;
  version: string;
  instanceIds: string[];
  weight: number;
}

export interface DemoWorld {
  hostedZoneId: string;
  zoneName: string;
  recordName: string;
  changeId: string;
  environments: DemoEnvironment[];
}

const COLOURS = [
  { color: "blue", version: "v41", imageId: "ami-041b1e0000000041", weight: 100 },
  { color: "green", version: "v42", imageId: "ami-042a0e0000000042", weight: 0 },
] as const;

/** Creates the demo world through the range's AWS APIs at `endpointUrl`. */
export async function seedDemoWorld(endpointUrl: string, region = "us-east-1"): Promise<DemoWorld> {
  const config = { endpoint: endpointUrl, region, credentials: { accessKeyId: "demo", secretAccessKey: "demo" } };
  const route53 = new Route53Client(config);
  const elb = new ElasticLoadBalancingClient(config);
  const ec2 = new EC2Client(config);
  try {
    const zone = await route53.send(new CreateHostedZoneCommand({ Name: DEMO_ZONE, CallerReference: "teal-demo-world" }));
    const hostedZoneId = zone.HostedZone?.Id;
    if (hostedZoneId === undefined) throw new Error("CreateHostedZone returned no zone id");
    const zones = [`${region}a`, `${region}b`, `${region}c`];

    // Every dns-weighted application of teal.config.yaml: a classic ELB per colour, three instances each.
    const apps = demoApps().dnsWeighted;
    for (const app of apps) {
      const zone = app.dns.hostedZone.endsWith(".") ? app.dns.hostedZone : `${app.dns.hostedZone}.`;
      if (zone !== DEMO_ZONE) throw new Error(`${app.id}: the demo world has one hosted zone, ${DEMO_ZONE}.`);
    }
    const byApp: { app: (typeof apps)[number]; environments: DemoEnvironment[] }[] = [];
    for (const app of apps) {
      const environments: DemoEnvironment[] = [];
      for (const colour of COLOURS) {
        const env = { ...colour, loadBalancerName: app[colour.color].loadBalancer };
        const created = await elb.send(
          new CreateLoadBalancerCommand({
            LoadBalancerName: env.loadBalancerName,
            Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 80 }],
            AvailabilityZones: zones,
            Tags: [{ Key: "teal:color", Value: env.color }],
          }),
        );
        if (created.DNSName === undefined) throw new Error(`CreateLoadBalancer ${env.loadBalancerName} returned no DNS name`);
        await elb.send(
          new ConfigureHealthCheckCommand({
            LoadBalancerName: env.loadBalancerName,
            HealthCheck: { Target: "HTTP:80/health", Interval: 10, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 3 },
          }),
        );
        await elb.send(
          new ModifyLoadBalancerAttributesCommand({
            LoadBalancerName: env.loadBalancerName,
            LoadBalancerAttributes: { ConnectionDraining: { Enabled: true, Timeout: 60 }, CrossZoneLoadBalancing: { Enabled: true } },
          }),
        );
        const run = await ec2.send(
          new RunInstancesCommand({
            ImageId: env.imageId,
            InstanceType: "t3.small",
            MinCount: 3,
            MaxCount: 3,
            TagSpecifications: [
              {
                ResourceType: "instance",
                Tags: [
                  { Key: "Name", Value: env.loadBalancerName },
                  { Key: "teal:version", Value: env.version },
                  { Key: "teal:color", Value: env.color },
                ],
              },
            ],
          }),
        );
        const instanceIds = (run.Instances ?? []).map((i) => i.InstanceId).filter((id): id is string => id !== undefined);
        await elb.send(
          new RegisterInstancesWithLoadBalancerCommand({
            LoadBalancerName: env.loadBalancerName,
            Instances: instanceIds.map((InstanceId) => ({ InstanceId })),
          }),
        );
        environments.push({
          color: env.color,
          loadBalancerName: env.loadBalancerName,
          dnsName: created.DNSName,
          version: env.version,
          instanceIds,
          weight: env.weight,
        });
      }
      byApp.push({ app, environments });
    }
    const environments = firstOf(byApp, "dns-weighted").environments;

    const ecs = await seedEcs(endpointUrl, region, { hostedZoneId, deferRecords: true });
    await seedAsg(endpointUrl, region);
    await seedAlb(endpointUrl, region);
    const change = await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId,
        ChangeBatch: {
          Comment: `Teal demo: ${apps.map((a) => a.dns.recordName.replace(/\.$/, "")).join(", ")} on blue`,
          Changes: [
            ...byApp.flatMap(({ app, environments: envs }) =>
              envs.map((env) => ({
                Action: "CREATE" as const,
                ResourceRecordSet: {
                  Name: app.dns.recordName,
                  Type: app.dns.recordType,
                  SetIdentifier: app[env.color].setIdentifier,
                  Weight: env.weight,
                  TTL: 60,
                  ResourceRecords: [{ Value: env.dnsName }],
                },
              })),
            ),
            ...ecs.recordChanges,
          ],
        },
      }),
    );
    return {
      hostedZoneId,
      zoneName: DEMO_ZONE,
      recordName: DEMO_RECORD,
      changeId: change.ChangeInfo?.Id ?? "",
      environments,
    };
  } finally {
    route53.destroy();
    elb.destroy();
    ec2.destroy();
  }
}
