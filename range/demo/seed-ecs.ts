/**
 * The ECS part of the demo world (the ecs-dns-swap and ecs-rolling applications of teal.config.yaml,
 * see demo-apps.ts), built through the AWS APIs with the SDK v3 clients like the rest of the seed
 * (never by writing world internals). Cluster "prod" with:
 *
 * - profile-service (ecs-dns-swap): services profile-blue (4 tasks, profile:41 = v41) and
 *   profile-green (2 tasks, profile:42 = v42), each behind its own ALB (profile-blue / profile-green,
 *   ip target groups profile-blue-tg / profile-green-tg), and weighted alias A records
 *   profile.example.com. pointing at them (blue 100 / green 0): green deployed and idle beside blue.
 * - notifications (ecs-rolling): service notifications (4 tasks) behind the ALB notifications-alb
 *   (target group notifications-tg), running notifications:41 (v41) with :40 and :42 (v42) also
 *   registered and ACTIVE; circuit breaker with rollback.
 *
 * Revisions are numbered the way a long-lived family is: earlier ones were registered and
 * deregistered, so :41 and :42 carry their real numbers.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeregisterTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  type LoadBalancer,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListHostedZonesCommand,
  Route53Client,
  type Change,
} from "@aws-sdk/client-route-53";
import type { EcsDnsSwapAppConfig, EcsRollingAppConfig } from "@/lib/config/schema";
import { demoApps, firstOf, startOf, stem, type AppStarts, type DemoApps } from "./demo-apps";
import { DEFAULT_VPC_ID, subnetOf } from "@/range/protocols/ec2";

/** The cluster and record of the (first) ecs-dns-swap demo application (profile-service). */
export const ECS_DEMO_CLUSTER = firstOf(demoApps().ecsDnsSwap, "ecs-dns-swap").cluster;
export const PROFILE_RECORD = firstOf(demoApps().ecsDnsSwap, "ecs-dns-swap").dns.recordName;

export interface EcsDemo {
  cluster: string;
  profile: {
    hostedZoneId: string;
    recordName: string;
    services: Record<
      "blue" | "green",
      { service: string; loadBalancer: string; targetGroupArn: string; taskDefinition: string; desiredCount: number }
    >;
  };
  notifications: { service: string; loadBalancer: string; targetGroupArn: string; taskDefinitions: Record<"v40" | "v41" | "v42", string> };
  /** The weighted alias records of profile.example.com. (written, or left to the caller with `deferRecords`). */
  recordChanges: Change[];
}

export interface SeedEcsOptions {
  /** The applications to build (default: the demo's). */
  apps?: DemoApps;
  /** How each starts (default: all traffic on blue). */
  starts?: AppStarts;
  /**
   * Register the revisions before the ones kept, then deregister them, so v41 is family:41 as in a
   * long-lived family (default true; false registers the kept ones only: fewer calls for a fleet).
   */
  pastRevisions?: boolean;
  /** The demo zone, when the caller already has it. */
  hostedZoneId?: string;
  /**
   * Leave the records to the caller: Route 53 refuses a second change batch for a zone while the
   * first is PENDING (PriorRequestNotComplete), so the demo world writes all its records in one.
   */
  deferRecords?: boolean;
}

interface Clients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  route53: Route53Client;
  region: string;
}

const PORT = 8080;

/** A Fargate task definition of one container listening on PORT; the version is its image tag and TEAL_VERSION. */
function taskDefinitionInput(family: string, version: string, region: string): RegisterTaskDefinitionCommandInput {
  return {
    family,
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: "512",
    memory: "1024",
    containerDefinitions: [
      {
        name: family,
        image: `123456789012.dkr.ecr.${region}.amazonaws.com/${family}:${version}`,
        essential: true,
        environment: [{ name: "TEAL_VERSION", value: version }],
        portMappings: [{ containerPort: PORT, protocol: "tcp" }],
      },
    ],
  };
}

/**
 * Registers revisions 1…`upTo` of a family; returns the "family:revision" of those in `keep`,
 * deregistering the others. Without `past`, only those in `keep` are registered (numbered 1, 2, …),
 * and the map still names them by their key in `keep`.
 */
async function registerFamily(c: Clients, family: string, upTo: number, keep: Record<number, string>, past = true): Promise<Map<number, string>> {
  const kept = new Map<number, string>();
  const retired: string[] = [];
  const revisions = past ? Array.from({ length: upTo }, (_, i) => i + 1) : Object.keys(keep).map(Number);
  for (const rev of revisions) {
    const version = keep[rev] ?? `v${rev}`;
    const out = await c.ecs.send(new RegisterTaskDefinitionCommand(taskDefinitionInput(family, version, c.region)));
    const arn = out.taskDefinition?.taskDefinitionArn;
    if (arn === undefined) throw new Error(`RegisterTaskDefinition ${family} returned no ARN`);
    const short = arn.slice(arn.lastIndexOf("/") + 1);
    if (rev in keep) kept.set(rev, short);
    else retired.push(short);
  }
  // Revision numbers follow registration order, so only the deregistrations run side by side.
  await Promise.all(retired.map((taskDefinition) => c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition }))));
  return kept;
}

/** An internet-facing ALB with an ip target group forwarded from HTTP :80. */
async function albWithTargetGroup(c: Clients, name: string, tgName: string): Promise<{ alb: LoadBalancer; targetGroupArn: string }> {
  const zones = [`${c.region}a`, `${c.region}b`, `${c.region}c`];
  const tg = await c.elbv2.send(
    new CreateTargetGroupCommand({
      Name: tgName,
      Protocol: "HTTP",
      Port: PORT,
      VpcId: DEFAULT_VPC_ID,
      TargetType: "ip",
      HealthCheckPath: "/health",
      HealthCheckIntervalSeconds: 10,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
    }),
  );
  const targetGroupArn = tg.TargetGroups?.[0]?.TargetGroupArn;
  if (targetGroupArn === undefined) throw new Error(`CreateTargetGroup ${tgName} returned no ARN`);
  const created = await c.elbv2.send(
    new CreateLoadBalancerCommand({
      Name: name,
      Type: "application",
      Scheme: "internet-facing",
      Subnets: zones.map(subnetOf),
      Tags: [{ Key: "teal:app", Value: name }],
    }),
  );
  const alb = created.LoadBalancers?.[0];
  if (alb?.LoadBalancerArn === undefined) throw new Error(`CreateLoadBalancer ${name} returned no ARN`);
  await c.elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: alb.LoadBalancerArn,
      Protocol: "HTTP",
      Port: 80,
      DefaultActions: [{ Type: "forward", TargetGroupArn: targetGroupArn }],
    }),
  );
  return { alb, targetGroupArn };
}

/** The ALB an ecs-rolling demo application's service sits behind. */
function rollingLoadBalancer(app: EcsRollingAppConfig): string {
  if (app.loadBalancer === undefined) throw new Error(`${app.id}: the demo world puts its ecs-rolling services behind an ALB (loadBalancer).`);
  return app.loadBalancer;
}

async function createService(
  c: Clients,
  cluster: string,
  name: string,
  taskDefinition: string,
  desiredCount: number,
  targetGroupArn: string,
  container: string,
): Promise<void> {
  await c.ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: name,
      taskDefinition,
      desiredCount,
      launchType: "FARGATE",
      networkConfiguration: {
        awsvpcConfiguration: { subnets: [`${c.region}a`, `${c.region}b`, `${c.region}c`].map(subnetOf), assignPublicIp: "DISABLED" },
      },
      loadBalancers: [{ targetGroupArn, containerName: container, containerPort: PORT }],
      healthCheckGracePeriodSeconds: 30,
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
    }),
  );
}

/** The demo zone (example.com.): found when the DNS seed made it, else created. */
export async function demoZone(route53: Route53Client, name: string, callerReference = "teal-demo-world-ecs"): Promise<string> {
  const ZONE = name.endsWith(".") ? name : `${name}.`;
  let marker: string | undefined;
  do {
    const page = await route53.send(new ListHostedZonesCommand({ Marker: marker }));
    const zone = page.HostedZones?.find((z) => z.Name === ZONE);
    if (zone?.Id) return zone.Id;
    marker = page.IsTruncated ? page.NextMarker : undefined;
  } while (marker);
  const created = await route53.send(new CreateHostedZoneCommand({ Name: ZONE, CallerReference: callerReference }));
  if (created.HostedZone?.Id === undefined) throw new Error("CreateHostedZone returned no zone id");
  return created.HostedZone.Id;
}

/** What the seed made for each ecs-dns-swap and ecs-rolling application, in the config's order. */
export interface EcsApps {
  profiles: (EcsDemo["profile"] & { cluster: string })[];
  notifications: EcsDemo["notifications"][];
  /** The weighted alias records of the ecs-dns-swap applications (written, or left to the caller with `deferRecords`). */
  recordChanges: Change[];
}

/**
 * Creates the ecs-dns-swap and ecs-rolling applications of `opts.apps` (default: the demo's) through
 * the range's AWS APIs at `endpointUrl`.
 */
export async function seedEcsApps(endpointUrl: string, region = "us-east-1", opts: SeedEcsOptions = {}): Promise<EcsApps> {
  const config = { endpoint: endpointUrl, region, credentials: { accessKeyId: "demo", secretAccessKey: "demo" } };
  const c: Clients = { ecs: new ECSClient(config), elbv2: new ElasticLoadBalancingV2Client(config), route53: new Route53Client(config), region };
  const apps = opts.apps ?? demoApps();
  const profiles = apps.ecsDnsSwap;
  const rollings = apps.ecsRolling;
  try {
    for (const cluster of new Set([...profiles, ...rollings].map((app) => app.cluster))) {
      await c.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    }

    const [profileRevs, notifRevs] = await Promise.all([
      Promise.all(profiles.map((app) => registerFamily(c, stem(app), 42, { 41: "v41", 42: "v42" }, opts.pastRevisions))),
      Promise.all(rollings.map((app) => registerFamily(c, stem(app), 42, { 40: "v40", 41: "v41", 42: "v42" }, opts.pastRevisions))),
    ]);

    // ecs-dns-swap (profile-service): two services, two ALBs, weighted alias records.
    const profileColor = async (app: EcsDnsSwapAppConfig, revs: Map<number, string>, color: "blue" | "green", rev: number, desiredCount: number) => {
      const side = app[color];
      const { alb, targetGroupArn } = await albWithTargetGroup(c, side.loadBalancer, side.targetGroup ?? `${side.loadBalancer}-tg`);
      const taskDefinition = revs.get(rev) ?? "";
      await createService(c, app.cluster, side.service, taskDefinition, desiredCount, targetGroupArn, stem(app));
      return { alb, service: { service: side.service, loadBalancer: side.loadBalancer, targetGroupArn, taskDefinition, desiredCount } };
    };
    const seeded: { app: EcsDnsSwapAppConfig; blue: Awaited<ReturnType<typeof profileColor>>; green: Awaited<ReturnType<typeof profileColor>> }[] =
      [];
    for (const [i, app] of profiles.entries()) {
      const revs = profileRevs[i] ?? new Map<number, string>();
      const blue = await profileColor(app, revs, "blue", 41, 4);
      const green = await profileColor(app, revs, "green", 42, 2);
      seeded.push({ app, blue, green });
    }
    const first = seeded[0];
    const hostedZoneId = first === undefined ? "" : (opts.hostedZoneId ?? (await demoZone(c.route53, first.app.dns.hostedZone)));
    const recordChanges: Change[] = seeded.flatMap(({ app, blue, green }) => {
      const albs = { blue: blue.alb, green: green.alb };
      const { greenWeight } = startOf(opts.starts, app);
      return (["blue", "green"] as const).map((color) => ({
        Action: "CREATE" as const,
        ResourceRecordSet: {
          Name: app.dns.recordName,
          Type: app.dns.recordType,
          SetIdentifier: app[color].setIdentifier,
          Weight: color === "blue" ? 100 - greenWeight : greenWeight,
          AliasTarget: {
            HostedZoneId: albs[color].CanonicalHostedZoneId ?? "",
            DNSName: `dualstack.${albs[color].DNSName ?? ""}`,
            EvaluateTargetHealth: true,
          },
        },
      }));
    });
    if (!opts.deferRecords && recordChanges.length > 0) {
      await c.route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: hostedZoneId,
          ChangeBatch: {
            Comment: `Teal demo: ${seeded.map((p) => p.app.dns.recordName.replace(/\.$/, "")).join(", ")} on blue`,
            Changes: recordChanges,
          },
        }),
      );
    }

    // ecs-rolling (notifications): one service rolled from revision to revision.
    const rolled: EcsDemo["notifications"][] = [];
    for (const [i, app] of rollings.entries()) {
      const revs = notifRevs[i] ?? new Map<number, string>();
      const notif = await albWithTargetGroup(c, rollingLoadBalancer(app), app.targetGroup ?? `${app.service}-tg`);
      const v41 = revs.get(41) ?? "";
      await createService(c, app.cluster, app.service, v41, 4, notif.targetGroupArn, stem(app));
      rolled.push({
        service: app.service,
        loadBalancer: rollingLoadBalancer(app),
        targetGroupArn: notif.targetGroupArn,
        taskDefinitions: { v40: revs.get(40) ?? "", v41, v42: revs.get(42) ?? "" },
      });
    }

    return {
      profiles: seeded.map(({ app, blue, green }) => ({
        cluster: app.cluster,
        hostedZoneId,
        recordName: app.dns.recordName,
        services: { blue: blue.service, green: green.service },
      })),
      notifications: rolled,
      recordChanges,
    };
  } finally {
    c.ecs.destroy();
    c.elbv2.destroy();
    c.route53.destroy();
  }
}

/** Creates the ECS demo applications through the range's AWS APIs at `endpointUrl`. */
export async function seedEcs(endpointUrl: string, region = "us-east-1", opts: SeedEcsOptions = {}): Promise<EcsDemo> {
  const seeded = await seedEcsApps(endpointUrl, region, opts);
  const { cluster, ...profile } = firstOf(seeded.profiles, "ecs-dns-swap");
  return { cluster, profile, notifications: firstOf(seeded.notifications, "ecs-rolling"), recordChanges: seeded.recordChanges };
}

/** Registers the next revision of a demo family running `version` (e.g. a bad build for a rollout drill). */
export async function registerDemoRevision(endpointUrl: string, family: string, version: string, region = "us-east-1"): Promise<string> {
  const ecs = new ECSClient({ endpoint: endpointUrl, region, credentials: { accessKeyId: "demo", secretAccessKey: "demo" } });
  try {
    const out = await ecs.send(new RegisterTaskDefinitionCommand(taskDefinitionInput(family, version, region)));
    const arn = out.taskDefinition?.taskDefinitionArn;
    if (arn === undefined) throw new Error(`RegisterTaskDefinition ${family} returned no ARN`);
    return arn.slice(arn.lastIndexOf("/") + 1);
  } finally {
    ecs.destroy();
  }
}
