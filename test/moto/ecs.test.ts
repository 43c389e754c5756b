// Proof on moto: Teal's ECS patterns (ecs-rolling, ecs-elb-swap, ecs-dns-swap) against an AWS
// emulator the project did not write, as far as moto goes. moto is seeded through the SDK (a
// cluster, a task definition family with two revisions, services behind ALB target groups in its
// default VPC, a hosted zone with weighted alias records to two ALBs). Teal observes each
// application and runs its operations through the engine; where moto's gaps stop them, the test
// asserts the exact gap (docs/moto.md), so it fails the day moto closes it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from "@aws-sdk/client-ecs";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type LoadBalancer,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import type { Runtime } from "@/lib/runtime/runtime";
import { planIntent } from "@/lib/runtime/plan-service";
import {
  appOf,
  configure,
  defaultNetwork,
  describeMotoMissing,
  motoAvailable,
  observe,
  runIntentToEnd,
  startTealOnMoto,
  stepOutcomes,
  type TealOnMoto,
} from "./teal-on-moto";

describeMotoMissing("ecs-rolling, ecs-elb-swap and ecs-dns-swap");

const ZONE = "moto-ecs.example.com.";
const RECORD = "profile.moto-ecs.example.com.";

describe.runIf(motoAvailable())("ECS patterns on moto", () => {
  let teal: TealOnMoto;
  let rt: Runtime;
  let ecs: ECSClient;
  let route53: Route53Client;
  let elbv2: ElasticLoadBalancingV2Client;
  let zoneId = "";
  let ordersTgArn = "";

  beforeAll(async () => {
    teal = await startTealOnMoto();
    rt = teal.rt;
    const client = teal.moto.clientConfig;
    ecs = new ECSClient(client);
    route53 = new Route53Client(client);
    elbv2 = new ElasticLoadBalancingV2Client(client);
    const net = await defaultNetwork(client);
    await ecs.send(new CreateClusterCommand({ clusterName: "proof" }));
    for (const version of ["v1", "v2"]) {
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: "proof-web",
          containerDefinitions: [
            {
              name: "web",
              image: `public.ecr.aws/nginx/nginx:${version}`,
              memory: 256,
              portMappings: [{ containerPort: 80 }],
              environment: [{ name: "VERSION", value: version }],
            },
          ],
        }),
      );
    }
    /** An ALB with one target group its listener forwards to. */
    const albWithGroup = async (name: string): Promise<{ alb: LoadBalancer; tgArn: string }> => {
      const alb = await elbv2.send(
        new CreateLoadBalancerCommand({ Name: name, Subnets: net.subnets.map((s) => s.id), Type: "application", Scheme: "internet-facing" }),
      );
      const tg = await elbv2.send(
        new CreateTargetGroupCommand({ Name: `${name}-tg`, Protocol: "HTTP", Port: 80, VpcId: net.vpcId, TargetType: "ip" }),
      );
      const tgArn = tg.TargetGroups?.[0]?.TargetGroupArn ?? "";
      const lb = alb.LoadBalancers?.[0] ?? {};
      await elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: "HTTP",
          Port: 80,
          DefaultActions: [{ Type: "forward", TargetGroupArn: tgArn }],
        }),
      );
      return { alb: lb, tgArn };
    };
    const createService = (name: string, revision: number, desiredCount: number, tgArn: string) =>
      ecs.send(
        new CreateServiceCommand({
          cluster: "proof",
          serviceName: name,
          taskDefinition: `proof-web:${revision}`,
          desiredCount,
          loadBalancers: [{ targetGroupArn: tgArn, containerName: "web", containerPort: 80 }],
        }),
      );
    // ecs-rolling: one service on revision 1.
    const notify = await albWithGroup("proof-notify");
    await createService("notify", 1, 2, notify.tgArn);
    await createService("mailer", 1, 0, notify.tgArn);
    await ecs.send(new UpdateServiceCommand({ cluster: "proof", service: "mailer", desiredCount: 2 }));
    // ecs-elb-swap: blue (2 tasks, revision 1) and green (0, revision 2) in one target group.
    const orders = await albWithGroup("proof-orders");
    ordersTgArn = orders.tgArn;
    await createService("orders-blue", 1, 2, orders.tgArn);
    await createService("orders-green", 2, 0, orders.tgArn);
    // ecs-dns-swap: each colour's service behind its own ALB; weighted alias records, all on blue.
    const zone = await route53.send(new CreateHostedZoneCommand({ Name: ZONE, CallerReference: "moto-proof-ecs" }));
    zoneId = zone.HostedZone?.Id ?? "";
    const blue = await albWithGroup("proof-profile-blue");
    const green = await albWithGroup("proof-profile-green");
    await createService("profile-blue", 1, 2, blue.tgArn);
    await createService("profile-green", 2, 0, green.tgArn);
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: (
            [
              ["blue", blue.alb, 100],
              ["green", green.alb, 0],
            ] as const
          ).map(([color, alb, weight]) => ({
            Action: "CREATE",
            ResourceRecordSet: {
              Name: RECORD,
              Type: "A",
              SetIdentifier: color,
              Weight: weight,
              AliasTarget: { DNSName: alb.DNSName, HostedZoneId: alb.CanonicalHostedZoneId, EvaluateTargetHealth: true },
            },
          })),
        },
      }),
    );
    configure(rt, [
      {
        id: "notifications",
        name: "Notifications",
        pattern: "ecs-rolling",
        region: client.region,
        cluster: "proof",
        service: "notify",
        loadBalancer: "proof-notify",
        targetGroup: "proof-notify-tg",
      },
      {
        id: "mailer",
        name: "Mailer",
        pattern: "ecs-rolling",
        region: client.region,
        cluster: "proof",
        service: "mailer",
      },
      {
        id: "orders",
        name: "Orders",
        pattern: "ecs-elb-swap",
        region: client.region,
        cluster: "proof",
        loadBalancer: "proof-orders",
        blue: { service: "orders-blue", targetGroup: "proof-orders-tg" },
        green: { service: "orders-green", targetGroup: "proof-orders-tg" },
        totalTasks: 2,
      },
      {
        id: "profile",
        name: "Profile",
        pattern: "ecs-dns-swap",
        region: client.region,
        cluster: "proof",
        dns: { hostedZone: ZONE, recordName: RECORD, recordType: "A" },
        blue: { service: "profile-blue", setIdentifier: "blue", loadBalancer: "proof-profile-blue", targetGroup: "proof-profile-blue-tg" },
        green: { service: "profile-green", setIdentifier: "green", loadBalancer: "proof-profile-green", targetGroup: "proof-profile-green-tg" },
      },
    ]);
  });

  afterAll(async () => {
    ecs?.destroy();
    route53?.destroy();
    elbv2?.destroy();
    await teal?.close();
  });

  /** The weighted alias pair as Route 53 lists it: `setIdentifier:weight`. */
  async function aliasWeights(): Promise<string[]> {
    const out = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: RECORD, StartRecordType: "A" }));
    return (out.ResourceRecordSets ?? [])
      .filter((r) => r.Name === RECORD && r.Type === "A")
      .map((r) => `${r.SetIdentifier}:${r.Weight}`)
      .sort();
  }

  async function service(name: string): Promise<Service> {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: "proof", services: [name] }));
    const found = out.services?.[0];
    if (!found) throw new Error(`service ${name} not found`);
    return found;
  }

  async function runningTasks(name: string): Promise<number> {
    return (await ecs.send(new ListTasksCommand({ cluster: "proof", serviceName: name }))).taskArns?.length ?? 0;
  }

  it("moto gap: a service created with 2 tasks never starts them, its deployment stays IN_PROGRESS, and Teal refuses to deploy over it", async () => {
    const app = appOf(rt, "notifications");
    const { state } = await observe(rt, app);
    const view = state.environments.green.ecs;
    expect(view).toMatchObject({ taskDefinition: "proof-web:1", desired: 2, running: 0, pending: 2, events: [] });
    expect(view?.deployments.map((d) => `${d.status} ${d.taskDefinition} ${d.rolloutState}`)).toEqual(["PRIMARY proof-web:1 IN_PROGRESS"]);
    expect(state.environments.green.instances).toEqual([]);
    expect(await runningTasks("notify")).toBe(0);
    const { result } = await planIntent(rt, app, { kind: "deploy-revision", taskDefinition: "proof-web:2" });
    expect(result).toEqual({ ok: false, reason: "A rollout of proof-web:1 is in progress on notify: wait until it completes, or roll back." });
  });

  it("moto gap: ecs-rolling's deploy sends UpdateService, which changes the service's revision but adds no deployment, so Teal's wait for the rollout times out", async () => {
    const app = appOf(rt, "mailer");
    const before = await observe(rt, app);
    // Created empty, then scaled to 2: moto says 2 running (with no task) and its one deployment COMPLETED.
    expect(before.state.environments.green.ecs).toMatchObject({ taskDefinition: "proof-web:1", desired: 2, running: 2, pending: 0 });
    expect(await runningTasks("mailer")).toBe(0);
    const { operation } = await runIntentToEnd(rt, app, { kind: "deploy-revision", taskDefinition: "proof-web:2" }, before.state.version);
    expect(stepOutcomes(operation)).toEqual([
      "deploy-revision: failed (Timed out after 3.6 s waiting for ECS service mailer to be steady (deployment completed, running = desired) on proof-web:2 " +
        "(last: mailer: 2/2 running on proof-web:1, rollout COMPLETED).)",
    ]);
    // AWS starts a PRIMARY deployment of revision 2 and keeps revision 1's ACTIVE until it drains.
    const after = await service("mailer");
    expect(after.taskDefinition?.split("/").pop()).toBe("proof-web:2");
    expect(after.deployments?.map((d) => `${d.status} ${d.taskDefinition?.split("/").pop()} ${d.rolloutState}`)).toEqual([
      "PRIMARY proof-web:1 COMPLETED",
    ]);
  });

  it("moto gap: ecs-elb-swap's shift raises green, whose task never starts, so no target registers and Teal's health wait times out", async () => {
    const app = appOf(rt, "orders");
    const seen = await observe(rt, app);
    expect(seen.state.configured.greenPercent).toBe(0);
    const { operation } = await runIntentToEnd(rt, app, { kind: "shift", greenPercent: 50 }, seen.state.version);
    const group = ordersTgArn.split(":").pop() ?? "";
    expect(stepOutcomes(operation)).toEqual([
      "raise-green: succeeded",
      `check-healthy: failed (Timed out after 1.8 s waiting for 1 target to be healthy in target group proof-orders-tg (last: 0 of 1 targets healthy in ${group}).)`,
      "lower-blue: skipped",
    ]);
    // moto counts green's task as running, starts none, and registers nothing in the target group.
    expect(await service("orders-green")).toMatchObject({ desiredCount: 1, runningCount: 1 });
    expect(await runningTasks("orders-green")).toBe(0);
    const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: ordersTgArn }));
    expect(health.TargetHealthDescriptions).toEqual([]);
  });

  it("ecs-dns-swap: scales green, shifts 50 %, promotes and rolls back, each read back through Route 53 and ECS", async () => {
    const app = appOf(rt, "profile");
    const seen = await observe(rt, app);
    expect(seen.state.configured.greenPercent).toBe(0);
    expect(await aliasWeights()).toEqual(["blue:100", "green:0"]);

    const shift = await runIntentToEnd(rt, app, { kind: "shift", greenPercent: 50 }, seen.state.version);
    expect(stepOutcomes(shift.operation)).toEqual(["scale-green: succeeded", "change-weights: succeeded"]);
    expect(await aliasWeights()).toEqual(["blue:50", "green:50"]);
    // Green was scaled to blue's size; moto counts its tasks running without starting any (docs/moto.md).
    expect(await service("profile-green")).toMatchObject({ desiredCount: 2, runningCount: 2 });
    expect(await runningTasks("profile-green")).toBe(0);

    const promote = await runIntentToEnd(rt, app, { kind: "promote" });
    expect(stepOutcomes(promote.operation)).toEqual(["check-green-steady: succeeded", "change-weights: succeeded"]);
    expect(await aliasWeights()).toEqual(["blue:0", "green:100"]);

    const rollback = await runIntentToEnd(rt, app, { kind: "rollback" });
    expect(stepOutcomes(rollback.operation)).toEqual(["change-weights: succeeded"]);
    expect(await aliasWeights()).toEqual(["blue:100", "green:0"]);
    expect((await observe(rt, app)).state.configured.greenPercent).toBe(0);
  });
});
