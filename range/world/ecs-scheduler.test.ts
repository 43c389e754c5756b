import { CloudWatchClient, GetMetricStatisticsCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
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
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_VPC_ID, subnetOf } from "@/range/protocols/ec2";
import { addServiceEvent, circuitBreakerThreshold, maximumTasks, MAX_SERVICE_EVENTS, minimumHealthyTasks } from "./ecs-scheduler";
import type { SimEcsService, SimTask } from "./state";
import { startTestRange, type TestRange } from "@/test/support/range";
import { createWorld } from "./world";

let range: TestRange;
let ecs: ECSClient;

beforeEach(async () => {
  range = await startTestRange({ ecsTaskStartMinMs: 30_000, ecsTaskStartMaxMs: 60_000 });
  ecs = new ECSClient(range.clientConfig);
  await ecs.send(new CreateClusterCommand({ clusterName: "prod" }));
});

afterEach(async () => {
  ecs.destroy();
  await range.close();
});

const NETWORK = { awsvpcConfiguration: { subnets: [subnetOf("us-east-1a"), subnetOf("us-east-1b")] } };

async function register(version: string): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "shop",
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      containerDefinitions: [{ name: "web", image: `shop:${version}`, portMappings: [{ containerPort: 8080 }] }],
    }),
  );
  return out.taskDefinition?.taskDefinitionArn ?? "";
}

async function describe1(name = "web"): Promise<Service> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster: "prod", services: [name] }));
  const service = out.services?.[0];
  if (service === undefined) throw new Error("service missing");
  return service;
}

function worldTasks(name = "web"): SimTask[] {
  return [...(range.world.tasks?.values() ?? [])].filter((t) => t.serviceName === name);
}

function simService(name = "web"): SimEcsService {
  const s = [...(range.world.services?.values() ?? [])].find((x) => x.name === name);
  if (s === undefined) throw new Error("no service");
  return s;
}

/** Ticks in `stepMs` steps until `done` holds (fails after `maxMs`), calling `check` after each step. */
async function runUntil(done: (s: Service) => boolean, check: (s: Service) => void, stepMs = 5_000, maxMs = 30 * 60_000): Promise<Service> {
  for (let t = 0; t <= maxMs; t += stepMs) {
    range.tick(stepMs);
    const s = await describe1();
    check(s);
    if (done(s)) return s;
  }
  throw new Error("condition not reached in time");
}

/** The PRIMARY deployment completed, every other one INACTIVE, the service at its desired count. */
const completed = (s: Service): boolean =>
  s.deployments?.[0]?.rolloutState === "COMPLETED" &&
  s.deployments.slice(1).every((d) => d.status === "INACTIVE") &&
  s.runningCount === s.desiredCount;

function expectEventsNewestFirst(s: Service): void {
  const events = s.events ?? [];
  const ids = new Set(events.map((e) => e.id));
  expect(ids.size).toBe(events.length);
  for (let i = 1; i < events.length; i++) {
    expect((events[i - 1]?.createdAt?.getTime() ?? 0) >= (events[i]?.createdAt?.getTime() ?? 0)).toBe(true);
  }
}

describe("rounding rules", () => {
  it("rounds the minimum up, the maximum down and clamps the circuit-breaker threshold", () => {
    expect(minimumHealthyTasks(4, 50)).toBe(2);
    expect(minimumHealthyTasks(2, 75)).toBe(2);
    expect(minimumHealthyTasks(3, 50)).toBe(2);
    expect(maximumTasks(4, 200)).toBe(8);
    expect(maximumTasks(3, 150)).toBe(4);
    expect(circuitBreakerThreshold(1)).toBe(3);
    expect(circuitBreakerThreshold(9)).toBe(5);
    expect(circuitBreakerThreshold(1000)).toBe(200);
  });
});

describe.each([
  { min: 50, max: 200 },
  { min: 100, max: 200 },
])("rolling deployment, desired 4, min $min% / max $max%", ({ min, max }) => {
  it("stays within the bounds at every tick, completes and writes the events newest first", async () => {
    const v41 = await register("v41");
    await ecs.send(
      new CreateServiceCommand({
        cluster: "prod",
        serviceName: "web",
        taskDefinition: v41,
        desiredCount: 4,
        networkConfiguration: NETWORK,
        deploymentConfiguration: { minimumHealthyPercent: min, maximumPercent: max },
      }),
    );
    await runUntil(completed, () => undefined);
    const before = await describe1();
    expect(before.events?.[0]?.message).toBe("(service web) has reached a steady state.");

    const v42 = await register("v42");
    const updated = await ecs.send(new UpdateServiceCommand({ cluster: "prod", service: "web", taskDefinition: v42 }));
    expect(updated.service?.deployments?.map((d) => d.status)).toEqual(["PRIMARY", "ACTIVE"]);
    expect(updated.service?.deployments?.[0]).toMatchObject({ taskDefinition: v42, rolloutState: "IN_PROGRESS" });
    expect(updated.service?.deployments?.[1]).toMatchObject({ taskDefinition: v41, rolloutState: "COMPLETED" });
    // min 50 %: two old tasks stop at once (2 stay ≥ ceil(4 × 0.5)); min 100 %: none stop before new ones are healthy.
    const oldAlive = worldTasks().filter((t) => t.taskDefinitionArn === v41 && t.desiredStatus === "RUNNING").length;
    expect(oldAlive).toBe(min === 50 ? 2 : 4);
    expect(worldTasks().filter((t) => t.taskDefinitionArn === v42 && t.desiredStatus === "RUNNING")).toHaveLength(4);

    const minHealthy = Math.ceil((4 * min) / 100);
    const maxTasks = Math.floor((4 * max) / 100);
    let sawBoth = false;
    const done = await runUntil(completed, (s) => {
      const tasks = worldTasks();
      const running = tasks.filter((t) => t.lastStatus === "RUNNING").length;
      const wanted = tasks.filter((t) => t.desiredStatus === "RUNNING").length;
      const healthy = tasks.filter((t) => t.desiredStatus === "RUNNING" && t.lastStatus === "RUNNING" && t.healthyAtMs !== undefined).length;
      expect(running).toBeLessThanOrEqual(maxTasks);
      expect(wanted).toBeLessThanOrEqual(maxTasks);
      expect(healthy).toBeGreaterThanOrEqual(minHealthy);
      if ((s.deployments?.length ?? 0) >= 2 && (s.deployments?.[0]?.runningCount ?? 0) > 0 && (s.deployments?.[1]?.runningCount ?? 0) > 0)
        sawBoth = true;
      expectEventsNewestFirst(s);
    });
    expect(sawBoth).toBe(true);
    expect(done.taskDefinition).toBe(v42);
    expect(done.deployments?.[0]).toMatchObject({ status: "PRIMARY", taskDefinition: v42, runningCount: 4, pendingCount: 0 });
    expect(done.deployments?.[1]).toMatchObject({ status: "INACTIVE", taskDefinition: v41, runningCount: 0 });
    expect(
      worldTasks()
        .filter((t) => t.lastStatus === "RUNNING")
        .every((t) => t.version === "v42"),
    ).toBe(true);

    const messages = (done.events ?? []).map((e) => e.message ?? "");
    const deploymentId = done.deployments?.[0]?.id ?? "";
    expect(messages[0]).toBe("(service web) has reached a steady state.");
    expect(messages[1]).toBe(`(service web) (deployment ${deploymentId}) deployment completed.`);
    const stops = messages.filter((m) => /^\(service web\) has stopped \d+ running tasks: (\(task [0-9a-f]{32}\) ?)+\.$/.test(m));
    expect(stops.length).toBeGreaterThan(0);
    const stoppedCount = stops.reduce((n, m) => n + Number(/stopped (\d+)/.exec(m)?.[1] ?? 0), 0);
    expect(stoppedCount).toBe(4);
    // The old deployment is INACTIVE a moment, then dropped from the list.
    range.tick(6 * 60_000);
    expect((await describe1()).deployments?.map((d) => d.status)).toEqual(["PRIMARY"]);
  });
});

describe("circuit breaker", () => {
  it("trips on a failing revision and rolls back to the last completed task definition", async () => {
    const good = await register("v41");
    await ecs.send(
      new CreateServiceCommand({
        cluster: "prod",
        serviceName: "web",
        taskDefinition: good,
        desiredCount: 4,
        networkConfiguration: NETWORK,
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    await runUntil(completed, () => undefined);
    const res = await fetch(`${range.url}/_sim/versions/v-bad`, { method: "PUT", body: JSON.stringify({ healthy: false }) });
    expect(res.status).toBe(200);
    const bad = await register("v-bad");
    const first = await ecs.send(new UpdateServiceCommand({ cluster: "prod", service: "web", taskDefinition: bad }));
    const badDeployment = first.service?.deployments?.[0]?.id ?? "";

    const rolledBack = await runUntil(
      (s) => s.deployments?.[0]?.taskDefinition === good && completed(s),
      () => {
        // The healthy old tasks are never stopped while the bad revision fails (min 100 %).
        const healthy = worldTasks().filter((t) => t.desiredStatus === "RUNNING" && t.healthyAtMs !== undefined && t.version === "v41").length;
        expect(healthy).toBeGreaterThanOrEqual(4);
      },
    );
    const failed = simService().deployments.find((d) => d.id === badDeployment);
    expect(failed).toMatchObject({ rolloutState: "FAILED", rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start." });
    expect(failed?.failedTasks).toBeGreaterThanOrEqual(3);
    const primary = rolledBack.deployments?.[0];
    expect(primary?.taskDefinition).toBe(good);
    const messages = (rolledBack.events ?? []).map((e) => e.message ?? "");
    expect(messages).toContain(`(service web) (deployment ${badDeployment}) deployment failed: tasks failed to start.`);
    expect(messages.filter((m) => /^\(service web\) \(task [0-9a-f]{32}\) failed container health checks\.$/.test(m)).length).toBe(3);
    expect(messages[0]).toBe("(service web) has reached a steady state.");
    expect(
      worldTasks()
        .filter((t) => t.lastStatus === "RUNNING")
        .every((t) => t.version === "v41"),
    ).toBe(true);
  });

  it("without rollback leaves the deployment FAILED and launches no more tasks", async () => {
    const good = await register("v41");
    await ecs.send(
      new CreateServiceCommand({
        cluster: "prod",
        serviceName: "web",
        taskDefinition: good,
        desiredCount: 2,
        networkConfiguration: NETWORK,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
      }),
    );
    await runUntil(completed, () => undefined);
    range.world.versions.set("v-bad", { baseLatencyMs: 50, errorRate: 0, connectionErrorRate: 0, capacityRps: 100, healthy: false });
    await ecs.send(new UpdateServiceCommand({ cluster: "prod", service: "web", taskDefinition: await register("v-bad") }));
    const s = await runUntil(
      (x) => x.deployments?.[0]?.rolloutState === "FAILED",
      () => undefined,
    );
    expect(s.deployments?.map((d) => d.status)).toEqual(["PRIMARY", "ACTIVE"]);
    const launched = worldTasks().length;
    range.tick(10 * 60_000);
    const later = await describe1();
    expect(worldTasks().filter((t) => t.version === "v-bad" && t.desiredStatus === "RUNNING")).toHaveLength(0);
    expect(worldTasks().length).toBeLessThanOrEqual(launched);
    expect(later.runningCount).toBe(2);
  });
});

describe("deployment alarms", () => {
  it("fails the deployment and rolls back when a listed alarm goes into ALARM", async () => {
    const cw = new CloudWatchClient(range.clientConfig);
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: "web-5xx",
        Namespace: "AWS/ApplicationELB",
        MetricName: "HTTPCode_Target_5XX_Count",
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 10,
        ComparisonOperator: "GreaterThanThreshold",
        TreatMissingData: "notBreaching",
      }),
    );
    const good = await register("v41");
    await ecs.send(
      new CreateServiceCommand({
        cluster: "prod",
        serviceName: "web",
        taskDefinition: good,
        desiredCount: 2,
        networkConfiguration: NETWORK,
        deploymentConfiguration: { alarms: { alarmNames: ["web-5xx"], enable: true, rollback: true } },
      }),
    );
    await runUntil(completed, () => undefined);
    const update = await ecs.send(new UpdateServiceCommand({ cluster: "prod", service: "web", taskDefinition: await register("v42") }));
    const id = update.service?.deployments?.[0]?.id ?? "";
    range.tick(5_000);
    await cw.send(new SetAlarmStateCommand({ AlarmName: "web-5xx", StateValue: "ALARM", StateReason: "drill" }));
    const s = await runUntil(
      (x) => x.deployments?.[0]?.taskDefinition === good && completed(x),
      () => undefined,
    );
    const failed = s.deployments?.find((d) => d.id === id);
    expect(failed).toMatchObject({ rolloutState: "FAILED", rolloutStateReason: "ECS deployment alarms: web-5xx in ALARM state." });
    expect(s.events?.map((e) => e.message)).toContain(`(service web) (deployment ${id}) deployment failed: alarm(s) detected.`);
    cw.destroy();
  });
});

describe("service events", () => {
  it("keeps only the latest 100, newest first, with unique ids", () => {
    const world = createWorld();
    const service: SimEcsService = {
      arn: "arn",
      name: "x",
      clusterArn: "c",
      status: "ACTIVE",
      desiredCount: 0,
      taskDefinitionArn: "td",
      launchType: "FARGATE",
      loadBalancers: [],
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        circuitBreaker: { enable: false, rollback: false },
        alarms: { alarmNames: [], enable: false, rollback: false },
      },
      healthCheckGracePeriodS: 0,
      deployments: [],
      events: [],
      createdAtMs: 0,
      steady: false,
    };
    for (let i = 0; i < 150; i++) {
      world.nowMs += 1_000;
      addServiceEvent(world, service, `event ${i}`);
    }
    expect(service.events).toHaveLength(MAX_SERVICE_EVENTS);
    expect(service.events[0]?.message).toBe("event 149");
    expect(service.events[99]?.message).toBe("event 50");
    expect(new Set(service.events.map((e) => e.id)).size).toBe(100);
  });

  it("caps a crash-looping service's events at 100 through the API", async () => {
    await fetch(`${range.url}/_sim/config`, { method: "POST", body: JSON.stringify({ speed: 20 }) });
    range.world.versions.set("v-bad", { baseLatencyMs: 50, errorRate: 0, connectionErrorRate: 0, capacityRps: 100, healthy: false });
    await ecs.send(
      new CreateServiceCommand({
        cluster: "prod",
        serviceName: "loop",
        taskDefinition: await register("v-bad"),
        desiredCount: 3,
        networkConfiguration: NETWORK,
      }),
    );
    for (let i = 0; i < 120; i++) {
      range.tick(10_000);
      await describe1("loop");
    }
    const s = await describe1("loop");
    expect(s.events).toHaveLength(100);
    expectEventsNewestFirst(s);
  });
});

describe("AWS/ECS metrics", () => {
  it("publishes CPU and memory per ClusterName+ServiceName while tasks run, nothing before", async () => {
    const cw = new CloudWatchClient(range.clientConfig);
    const start = range.nowMs();
    await ecs.send(
      new CreateServiceCommand({
        cluster: "prod",
        serviceName: "web",
        taskDefinition: await register("v41"),
        desiredCount: 2,
        networkConfiguration: NETWORK,
      }),
    );
    await runUntil(completed, () => undefined);
    range.tick(5 * 60_000);
    await describe1();
    const dims = [
      { Name: "ClusterName", Value: "prod" },
      { Name: "ServiceName", Value: "web" },
    ];
    for (const metric of ["CPUUtilization", "MemoryUtilization"]) {
      const out = await cw.send(
        new GetMetricStatisticsCommand({
          Namespace: "AWS/ECS",
          MetricName: metric,
          Dimensions: dims,
          StartTime: new Date(start - 60_000),
          EndTime: new Date(range.nowMs()),
          Period: 60,
          Statistics: ["Average", "Maximum"],
        }),
      );
      const points = (out.Datapoints ?? []).sort((a, b) => (a.Timestamp?.getTime() ?? 0) - (b.Timestamp?.getTime() ?? 0));
      expect(points.length).toBeGreaterThanOrEqual(5);
      expect(points[0]?.Timestamp?.getTime()).toBeGreaterThanOrEqual(start);
      for (const p of points) {
        expect(p.Average).toBeGreaterThan(0);
        expect(p.Maximum).toBeLessThanOrEqual(100);
      }
    }
    // Scaled to 0: once the tasks have stopped, minutes have no datapoint (not zero).
    await ecs.send(new UpdateServiceCommand({ cluster: "prod", service: "web", desiredCount: 0 }));
    range.tick(2 * 60_000);
    await describe1();
    const quietFrom = range.nowMs();
    range.tick(5 * 60_000);
    await describe1();
    const quiet = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: "AWS/ECS",
        MetricName: "CPUUtilization",
        Dimensions: dims,
        StartTime: new Date(quietFrom),
        EndTime: new Date(range.nowMs()),
        Period: 60,
        Statistics: ["Average"],
      }),
    );
    expect(quiet.Datapoints).toEqual([]);
    cw.destroy();
  });
});

describe("ECS behind an ALB target group", () => {
  it("registers task IPs, waits for healthy targets, and deregisters old tasks during a rolling update", async () => {
    const elbv2 = new ElasticLoadBalancingV2Client(range.clientConfig);
    const tg = await elbv2.send(
      new CreateTargetGroupCommand({
        Name: "web-tg",
        Protocol: "HTTP",
        Port: 8080,
        VpcId: DEFAULT_VPC_ID,
        TargetType: "ip",
        HealthCheckIntervalSeconds: 10,
      }),
    );
    const tgArn = tg.TargetGroups?.[0]?.TargetGroupArn ?? "";
    const alb = await elbv2.send(
      new CreateLoadBalancerCommand({ Name: "web-alb", Subnets: [subnetOf("us-east-1a"), subnetOf("us-east-1b")], Type: "application" }),
    );
    await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: alb.LoadBalancers?.[0]?.LoadBalancerArn ?? "",
        Protocol: "HTTP",
        Port: 80,
        DefaultActions: [{ Type: "forward", TargetGroupArn: tgArn }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: "prod",
        serviceName: "web",
        taskDefinition: await register("v41"),
        desiredCount: 2,
        networkConfiguration: NETWORK,
        loadBalancers: [{ targetGroupArn: tgArn, containerName: "web", containerPort: 8080 }],
      }),
    );
    const steady = await runUntil(completed, () => undefined);
    expect(steady.loadBalancers).toEqual([{ targetGroupArn: tgArn, containerName: "web", containerPort: 8080 }]);
    const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    const ips = worldTasks()
      .filter((t) => t.lastStatus === "RUNNING")
      .map((t) => t.ip)
      .sort();
    expect(health.TargetHealthDescriptions?.map((d) => d.Target?.Id).sort()).toEqual(ips);
    expect(health.TargetHealthDescriptions?.every((d) => d.TargetHealth?.State === "healthy" && d.Target?.Port === 8080)).toBe(true);
    const messages = (steady.events ?? []).map((e) => e.message ?? "");
    expect(
      messages.some(
        (m) =>
          m === `(service web) registered 2 targets in (target-group ${tgArn})` ||
          m === `(service web) registered 1 targets in (target-group ${tgArn})`,
      ),
    ).toBe(true);

    await ecs.send(new UpdateServiceCommand({ cluster: "prod", service: "web", taskDefinition: await register("v42") }));
    const done = await runUntil(completed, () => {
      // Healthy targets never drop below desired × 100 %.
      const healthy = worldTasks().filter((t) => t.desiredStatus === "RUNNING" && t.healthyAtMs !== undefined).length;
      expect(healthy).toBeGreaterThanOrEqual(2);
    });
    const after = (done.events ?? []).map((e) => e.message ?? "");
    expect(after.some((m) => /^\(service web\) deregistered [12] targets in \(target-group .+\)$/.test(m))).toBe(true);
    const finalHealth = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    const v42Ips = worldTasks()
      .filter((t) => t.lastStatus === "RUNNING" && t.version === "v42")
      .map((t) => t.ip)
      .sort();
    expect(finalHealth.TargetHealthDescriptions?.map((d) => d.Target?.Id).sort()).toEqual(v42Ips);
    elbv2.destroy();
  });

  it("stops tasks that fail the target group's health checks", async () => {
    const elbv2 = new ElasticLoadBalancingV2Client(range.clientConfig);
    const tg = await elbv2.send(
      new CreateTargetGroupCommand({
        Name: "bad-tg",
        Protocol: "HTTP",
        Port: 8080,
        VpcId: DEFAULT_VPC_ID,
        TargetType: "ip",
        HealthCheckIntervalSeconds: 10,
      }),
    );
    const tgArn = tg.TargetGroups?.[0]?.TargetGroupArn ?? "";
    const alb = await elbv2.send(
      new CreateLoadBalancerCommand({ Name: "bad-alb", Subnets: [subnetOf("us-east-1a"), subnetOf("us-east-1b")], Type: "application" }),
    );
    await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: alb.LoadBalancers?.[0]?.LoadBalancerArn ?? "",
        Protocol: "HTTP",
        Port: 80,
        DefaultActions: [{ Type: "forward", TargetGroupArn: tgArn }],
      }),
    );
    range.world.versions.set("v-bad", { baseLatencyMs: 50, errorRate: 0, connectionErrorRate: 0, capacityRps: 100, healthy: false });
    await ecs.send(
      new CreateServiceCommand({
        cluster: "prod",
        serviceName: "web",
        taskDefinition: await register("v-bad"),
        desiredCount: 1,
        networkConfiguration: NETWORK,
        loadBalancers: [{ targetGroupArn: tgArn, containerName: "web", containerPort: 8080 }],
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    const failed = await runUntil(
      (s) => s.deployments?.[0]?.rolloutState === "FAILED",
      () => undefined,
    );
    const messages = (failed.events ?? []).map((e) => e.message ?? "");
    expect(
      messages.some((m) =>
        new RegExp(
          `^\\(service web\\) \\(task [0-9a-f]{32}\\) \\(port 8080\\) is unhealthy in \\(target-group ${tgArn.replace(/[/.]/g, "\\$&")}\\) due to \\(reason Health checks failed\\)\\.$`,
        ).test(m),
      ),
    ).toBe(true);
    // The first deployment has no completed deployment to roll back to.
    expect(failed.deployments).toHaveLength(1);
    const stopped = worldTasks().filter((t) => t.stoppedReason?.startsWith("Task failed ELB health checks in (target-group "));
    expect(stopped.length).toBeGreaterThanOrEqual(3);
    elbv2.destroy();
  });
});
