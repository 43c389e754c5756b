/**
 * The ECS part of the demo world, built through the AWS APIs with the SDK v3 clients like the rest
 * of the seed (never by writing world internals). Cluster "prod" with:
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
import { DEFAULT_VPC_ID, subnetOf } from "@/range/protocols/ec2";

export const ECS_DEMO_CLUSTER = "prod";
export const PROFILE_RECORD = "profile.example.com.";
const ZONE = "example.com.";

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

/** Registers revisions 1…`upTo` of a family; returns the "family:revision" of those in `keep`, deregistering the others. */
async function registerFamily(c: Clients, family: string, upTo: number, keep: Record<number, string>): Promise<Map<number, string>> {
  const kept = new Map<number, string>();
  const retired: string[] = [];
  for (let rev = 1; rev <= upTo; rev++) {
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

async function createService(
  c: Clients,
  name: string,
  taskDefinition: string,
  desiredCount: number,
  targetGroupArn: string,
  container: string,
): Promise<void> {
  await c.ecs.send(
    new CreateServiceCommand({
      cluster: ECS_DEMO_CLUSTER,
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

/** The demo zone example.com.: found when the DNS seed made it, else created. */
async function demoZone(route53: Route53Client): Promise<string> {
  let marker: string | undefined;
  do {
    const page = await route53.send(new ListHostedZonesCommand({ Marker: marker }));
    const zone = page.HostedZones?.find((z) => z.Name === ZONE);
    if (zone?.Id) return zone.Id;
    marker = page.IsTruncated ? page.NextMarker : undefined;
  } while (marker);
  const created = await route53.send(new CreateHostedZoneCommand({ Name: ZONE, CallerReference: "teal-demo-world-ecs" }));
  if (created.HostedZone?.Id === undefined) throw new Error("CreateHostedZone returned no zone id");
  return created.HostedZone.Id;
}

/** Creates the ECS demo applications through the range's AWS APIs at `endpointUrl`. */
export async function seedEcs(endpointUrl: string, region = "us-east-1", opts: SeedEcsOptions = {}): Promise<EcsDemo> {
  const config = { endpoint: endpointUrl, region, credentials: { accessKeyId: "demo", secretAccessKey: "demo" } };
  const c: Clients = { ecs: new ECSClient(config), elbv2: new ElasticLoadBalancingV2Client(config), route53: new Route53Client(config), region };
  try {
    await c.ecs.send(new CreateClusterCommand({ clusterName: ECS_DEMO_CLUSTER }));

    const [profileRevs, notifRevs] = await Promise.all([
      registerFamily(c, "profile", 42, { 41: "v41", 42: "v42" }),
      registerFamily(c, "notifications", 42, { 40: "v40", 41: "v41", 42: "v42" }),
    ]);

    // profile-service: two services, two ALBs, weighted alias records.
    const profileColor = async (color: "blue" | "green", rev: number, desiredCount: number) => {
      const { alb, targetGroupArn } = await albWithTargetGroup(c, `profile-${color}`, `profile-${color}-tg`);
      const taskDefinition = profileRevs.get(rev) ?? "";
      await createService(c, `profile-${color}`, taskDefinition, desiredCount, targetGroupArn, "profile");
      return { alb, service: { service: `profile-${color}`, loadBalancer: `profile-${color}`, targetGroupArn, taskDefinition, desiredCount } };
    };
    const blue = await profileColor("blue", 41, 4);
    const green = await profileColor("green", 42, 2);
    const albs = { blue: blue.alb, green: green.alb };
    const hostedZoneId = opts.hostedZoneId ?? (await demoZone(c.route53));
    const recordChanges: Change[] = (["blue", "green"] as const).map((color) => ({
      Action: "CREATE",
      ResourceRecordSet: {
        Name: PROFILE_RECORD,
        Type: "A",
        SetIdentifier: color,
        Weight: color === "blue" ? 100 : 0,
        AliasTarget: {
          HostedZoneId: albs[color].CanonicalHostedZoneId ?? "",
          DNSName: `dualstack.${albs[color].DNSName ?? ""}`,
          EvaluateTargetHealth: true,
        },
      },
    }));
    if (!opts.deferRecords) {
      await c.route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: hostedZoneId,
          ChangeBatch: { Comment: "Teal demo: profile.example.com on blue", Changes: recordChanges },
        }),
      );
    }

    // notifications: one service rolled from revision to revision.
    const notif = await albWithTargetGroup(c, "notifications-alb", "notifications-tg");
    const v41 = notifRevs.get(41) ?? "";
    await createService(c, "notifications", v41, 4, notif.targetGroupArn, "notifications");

    return {
      cluster: ECS_DEMO_CLUSTER,
      profile: { hostedZoneId, recordName: PROFILE_RECORD, services: { blue: blue.service, green: green.service } },
      notifications: {
        service: "notifications",
        loadBalancer: "notifications-alb",
        targetGroupArn: notif.targetGroupArn,
        taskDefinitions: { v40: notifRevs.get(40) ?? "", v41, v42: notifRevs.get(42) ?? "" },
      },
      recordChanges,
    };
  } finally {
    c.ecs.destroy();
    c.elbv2.destroy();
    c.route53.destroy();
  }
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
