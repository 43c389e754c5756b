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
import { ChangeResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import type { DnsWeightedAppConfig } from "@/lib/config/schema";
import { demoApps, firstOf, startOf, type AppStarts, type DemoApps } from "./demo-apps";
import { seedAlbApps, type AlbApps } from "./seed-alb";
import { tagApps } from "./seed-tags";
import { seedAsg, type AsgDemo } from "./seed-asg";
import { demoZone, seedEcsApps, type EcsApps } from "./seed-ecs";

const shop = firstOf(demoApps().dnsWeighted, "dns-weighted");
/** The demo hosted zone and the record of the (first) dns-weighted demo application (shop). */
export const DEMO_ZONE = zoneName(shop.dns.hostedZone);
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

/** What the seed made for a set of applications, per kind, in the config's order. */
export interface SeededApps {
  /** The one hosted zone of the DNS applications ("" when there are none). */
  hostedZoneId: string;
  /** The change that wrote every weighted record ("" when there are none). */
  changeId: string;
  dnsWeighted: { app: DnsWeightedAppConfig; environments: DemoEnvironment[] }[];
  ecs: EcsApps;
  asg: AsgDemo;
  alb: AlbApps;
}

export interface SeedAppsOptions {
  /** How each application starts (default: all traffic on blue, green on v42). */
  starts?: AppStarts;
  /** Number ECS revisions as a long-lived family's (v41 is family:41; default true); see SeedEcsOptions. */
  pastRevisions?: boolean;
}

const COLOURS = [
  { color: "blue", version: "v41", imageId: "ami-041b1e0000000041" },
  { color: "green", version: "v42", imageId: "ami-042a0e0000000042" },
] as const;

function zoneName(name: string): string {
  return name.endsWith(".") ? name : `${name}.`;
}

/**
 * Creates the applications of `apps` through the range's AWS APIs at `endpointUrl`, each as `opts.starts`
 * says (default: all traffic on blue, green on v42). The DNS applications share one hosted zone,
 * found or created, and all their weighted records are written in one change: Route 53 refuses a
 * second change batch for a zone while the first is PENDING.
 */
export async function seedApps(endpointUrl: string, region: string, apps: DemoApps, opts: SeedAppsOptions = {}): Promise<SeededApps> {
  const { starts } = opts;
  const config = { endpoint: endpointUrl, region, credentials: { accessKeyId: "demo", secretAccessKey: "demo" } };
  const route53 = new Route53Client(config);
  const elb = new ElasticLoadBalancingClient(config);
  const ec2 = new EC2Client(config);
  try {
    const dnsApps = [...apps.dnsWeighted, ...apps.ecsDnsSwap];
    const zone = dnsApps[0] === undefined ? undefined : zoneName(dnsApps[0].dns.hostedZone);
    for (const app of dnsApps) {
      if (zoneName(app.dns.hostedZone) !== zone) throw new Error(`${app.id}: the practice range's DNS applications share one hosted zone, ${zone}.`);
    }
    const hostedZoneId = zone === undefined ? "" : await demoZone(route53, zone, "teal-demo-world");
    const zones = [`${region}a`, `${region}b`, `${region}c`];

    // Every dns-weighted application: a classic ELB per colour, three instances each.
    const dnsWeighted: SeededApps["dnsWeighted"] = [];
    for (const app of apps.dnsWeighted) {
      const start = startOf(starts, app);
      const environments: DemoEnvironment[] = [];
      for (const colour of COLOURS) {
        const green = colour.color === "green";
        const env = {
          ...colour,
          version: green ? start.greenVersion : colour.version,
          weight: green ? start.greenWeight : 100 - start.greenWeight,
          loadBalancerName: app[colour.color].loadBalancer,
        };
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
      dnsWeighted.push({ app, environments });
    }

    const ecs = await seedEcsApps(endpointUrl, region, { apps, starts, hostedZoneId, deferRecords: true, pastRevisions: opts.pastRevisions });
    const asg = await seedAsg(endpointUrl, region, apps);
    const alb = await seedAlbApps(endpointUrl, region, apps, starts);
    const changes = [
      ...dnsWeighted.flatMap(({ app, environments: envs }) =>
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
    ];
    let changeId = "";
    if (changes.length > 0) {
      const change = await route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: hostedZoneId,
          ChangeBatch: {
            Comment: `Teal demo: ${dnsApps.map((a) => a.dns.recordName.replace(/\.$/, "")).join(", ")}`,
            Changes: changes,
          },
        }),
      );
      changeId = change.ChangeInfo?.Id ?? "";
    }
    return { hostedZoneId, changeId, dnsWeighted, ecs, asg, alb };
  } finally {
    route53.destroy();
    elb.destroy();
    ec2.destroy();
  }
}

/** Creates the demo world through the range's AWS APIs at `endpointUrl`. */
export async function seedDemoWorld(endpointUrl: string, region = "us-east-1"): Promise<DemoWorld> {
  const apps = demoApps();
  const seeded = await seedApps(endpointUrl, region, apps);
  // The `teal:*` tags `teal discover` reads the demo applications back from.
  await tagApps(endpointUrl, region, apps);
  return {
    hostedZoneId: seeded.hostedZoneId,
    zoneName: DEMO_ZONE,
    recordName: DEMO_RECORD,
    changeId: seeded.changeId,
    environments: firstOf(seeded.dnsWeighted, "dns-weighted").environments,
  };
}
