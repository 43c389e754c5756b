import {
  ClientException,
  ClusterContainsServicesException,
  ClusterNotFoundException,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  ServiceNotActiveException,
  ServiceNotFoundException,
  StopTaskCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRange, type TestRange } from "@/test/support/range";

let range: TestRange;
let ecs: ECSClient;

beforeAll(async () => {
  range = await startTestRange({ ecsTaskStartMinMs: 30_000, ecsTaskStartMaxMs: 30_000 });
  ecs = new ECSClient(range.clientConfig);
});

afterAll(async () => {
  ecs.destroy();
  await range.close();
});

const NETWORK = { awsvpcConfiguration: { subnets: ["subnet-0d3fa017e5c0000a", "subnet-0d3fa017e5c0000b"], securityGroups: ["sg-1"] } };

async function register(family: string, image: string, env: { name: string; value: string }[] = []): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      containerDefinitions: [{ name: "web", image, essential: true, environment: env, portMappings: [{ containerPort: 8080 }] }],
    }),
  );
  const arn = out.taskDefinition?.taskDefinitionArn;
  if (arn === undefined) throw new Error("no task definition arn");
  return arn;
}

describe("ECS clusters", () => {
  it("creates, lists, describes (with MISSING failures) and deletes a cluster", async () => {
    const created = await ecs.send(new CreateClusterCommand({ clusterName: "c-one", tags: [{ key: "team", value: "teal" }] }));
    expect(created.cluster).toMatchObject({ clusterName: "c-one", status: "ACTIVE", clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/c-one" });
    const again = await ecs.send(new CreateClusterCommand({ clusterName: "c-one" }));
    expect(again.cluster?.clusterArn).toBe(created.cluster?.clusterArn);

    const listed = await ecs.send(new ListClustersCommand({}));
    expect(listed.clusterArns).toContain(created.cluster?.clusterArn);

    const described = await ecs.send(new DescribeClustersCommand({ clusters: ["c-one", "nope"] }));
    expect(described.clusters?.[0]).toMatchObject({ clusterName: "c-one", runningTasksCount: 0, activeServicesCount: 0 });
    expect(described.failures).toEqual([{ arn: "arn:aws:ecs:us-east-1:123456789012:cluster/nope", reason: "MISSING" }]);

    const deleted = await ecs.send(new DeleteClusterCommand({ cluster: "c-one" }));
    expect(deleted.cluster?.status).toBe("INACTIVE");
    expect((await ecs.send(new ListClustersCommand({}))).clusterArns).not.toContain(created.cluster?.clusterArn);
    await expect(ecs.send(new DeleteClusterCommand({ cluster: "c-one" }))).rejects.toBeInstanceOf(ClusterNotFoundException);
  });

  it("answers ClusterNotFoundException for a missing cluster and for the default cluster before it exists", async () => {
    await expect(ecs.send(new ListServicesCommand({ cluster: "ghost" }))).rejects.toBeInstanceOf(ClusterNotFoundException);
    await expect(ecs.send(new ListServicesCommand({}))).rejects.toThrow("Cluster not found.");
  });
});

describe("ECS task definitions", () => {
  it("increments the revision per family and derives the version from TEAL_VERSION or the image tag", async () => {
    const r1 = await register("td-app", "registry.local:5000/shop:v41");
    const r2 = await register("td-app", "shop:ignored", [{ name: "TEAL_VERSION", value: "v42" }]);
    expect(r1).toBe("arn:aws:ecs:us-east-1:123456789012:task-definition/td-app:1");
    expect(r2).toMatch(/:task-definition\/td-app:2$/);
    expect(range.world.taskDefinitions?.get(r1)?.version).toBe("v41");
    expect(range.world.taskDefinitions?.get(r2)?.version).toBe("v42");

    const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "td-app" }));
    expect(latest.taskDefinition).toMatchObject({ revision: 2, status: "ACTIVE", family: "td-app", networkMode: "awsvpc", cpu: "256" });
    expect(latest.taskDefinition?.registeredAt).toBeInstanceOf(Date);
    expect(latest.taskDefinition?.containerDefinitions?.[0]?.portMappings?.[0]?.containerPort).toBe(8080);

    const dereg = await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "td-app:2" }));
    expect(dereg.taskDefinition?.status).toBe("INACTIVE");
    // The family now resolves to the latest ACTIVE revision.
    expect((await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "td-app" }))).taskDefinition?.revision).toBe(1);
    const r3 = await register("td-app", "shop:v43");
    expect(r3).toMatch(/td-app:3$/);

    const active = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "td-app" }));
    expect(active.taskDefinitionArns).toEqual([r1, r3]);
    const desc = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "td-app", sort: "DESC" }));
    expect(desc.taskDefinitionArns).toEqual([r3, r1]);
    const inactive = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "td-app", status: "INACTIVE" }));
    expect(inactive.taskDefinitionArns).toEqual([r2]);
  });

  it("refuses invalid registrations and unknown definitions with ClientException", async () => {
    await expect(
      ecs.send(
        new RegisterTaskDefinitionCommand({
          family: "bad",
          requiresCompatibilities: ["FARGATE"],
          networkMode: "bridge",
          cpu: "256",
          memory: "512",
          containerDefinitions: [{ name: "a", image: "x:1" }],
        }),
      ),
    ).rejects.toBeInstanceOf(ClientException);
    await expect(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "never:1" }))).rejects.toBeInstanceOf(ClientException);
    await expect(ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "td-app" }))).rejects.toThrow("Invalid revision number");
  });
});

describe("ECS services and tasks", () => {
  it("creates a service, starts tasks through the lifecycle and reports them", async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: "svc" }));
    const td = await register("svc-app", "shop:v41");
    const created = await ecs.send(
      new CreateServiceCommand({
        cluster: "svc",
        serviceName: "web",
        taskDefinition: "svc-app",
        desiredCount: 2,
        launchType: "FARGATE",
        networkConfiguration: NETWORK,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    const svc = created.service;
    expect(svc).toMatchObject({
      serviceName: "web",
      serviceArn: "arn:aws:ecs:us-east-1:123456789012:service/svc/web",
      status: "ACTIVE",
      desiredCount: 2,
      pendingCount: 2,
      runningCount: 0,
      taskDefinition: td,
      launchType: "FARGATE",
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    expect(svc?.deployments).toHaveLength(1);
    expect(svc?.deployments?.[0]).toMatchObject({
      status: "PRIMARY",
      rolloutState: "IN_PROGRESS",
      desiredCount: 2,
      pendingCount: 2,
      runningCount: 0,
      failedTasks: 0,
    });
    expect(svc?.deployments?.[0]?.id).toMatch(/^ecs-svc\/\d{19}$/);
    expect(svc?.events?.[0]?.message).toMatch(/^\(service web\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/);

    const listed = await ecs.send(new ListTasksCommand({ cluster: "svc", serviceName: "web" }));
    expect(listed.taskArns).toHaveLength(2);
    const first = await ecs.send(new DescribeTasksCommand({ cluster: "svc", tasks: listed.taskArns ?? [] }));
    expect(first.tasks?.every((t) => t.lastStatus === "PROVISIONING" && t.desiredStatus === "RUNNING")).toBe(true);
    expect(first.tasks?.[0]?.attachments?.[0]?.details?.find((d) => d.name === "privateIPv4Address")?.value).toMatch(/^172\.31\./);
    expect(first.tasks?.[0]?.group).toBe("service:web");

    range.tick(10_000);
    const pending = await ecs.send(new DescribeTasksCommand({ cluster: "svc", tasks: listed.taskArns ?? [] }));
    expect(pending.tasks?.map((t) => t.lastStatus)).toEqual(["PENDING", "PENDING"]);
    range.tick(25_000);
    const running = await ecs.send(new DescribeTasksCommand({ cluster: "svc", tasks: listed.taskArns ?? [] }));
    expect(running.tasks?.map((t) => t.lastStatus)).toEqual(["RUNNING", "RUNNING"]);
    expect(running.tasks?.[0]?.startedAt).toBeInstanceOf(Date);

    // 40 s after RUNNING without load balancer the tasks count healthy: steady state.
    range.tick(50_000);
    const steady = await ecs.send(new DescribeServicesCommand({ cluster: "svc", services: ["web"] }));
    const s = steady.services?.[0];
    expect(s).toMatchObject({ runningCount: 2, pendingCount: 0 });
    expect(s?.deployments?.[0]).toMatchObject({ rolloutState: "COMPLETED", runningCount: 2 });
    expect(s?.deployments?.[0]?.rolloutStateReason).toBe(`ECS deployment ${s?.deployments?.[0]?.id ?? ""} completed.`);
    expect(s?.events?.[0]?.message).toBe("(service web) has reached a steady state.");
    expect(s?.events?.[1]?.message).toBe(`(service web) (deployment ${s?.deployments?.[0]?.id ?? ""}) deployment completed.`);
    expect(s?.events?.[0]?.createdAt).toBeInstanceOf(Date);

    const clusters = await ecs.send(new DescribeClustersCommand({ clusters: ["svc"] }));
    expect(clusters.clusters?.[0]).toMatchObject({ runningTasksCount: 2, activeServicesCount: 1 });
  });

  it("describes unknown services as MISSING failures and refuses more than 10 names", async () => {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: "svc", services: ["web", "ghost"] }));
    expect(out.services?.map((s) => s.serviceName)).toEqual(["web"]);
    expect(out.failures).toEqual([{ arn: "arn:aws:ecs:us-east-1:123456789012:service/svc/ghost", reason: "MISSING" }]);
    const names = Array.from({ length: 11 }, (_, i) => `s${i}`);
    await expect(ecs.send(new DescribeServicesCommand({ cluster: "svc", services: names }))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it("lists services and refuses a duplicate name, an inactive task definition and a missing network configuration", async () => {
    expect((await ecs.send(new ListServicesCommand({ cluster: "svc" }))).serviceArns).toEqual(["arn:aws:ecs:us-east-1:123456789012:service/svc/web"]);
    await expect(
      ecs.send(
        new CreateServiceCommand({ cluster: "svc", serviceName: "web", taskDefinition: "svc-app", desiredCount: 1, networkConfiguration: NETWORK }),
      ),
    ).rejects.toThrow("Creation of service was not idempotent.");
    const old = await register("svc-old", "shop:v1");
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: old }));
    await expect(
      ecs.send(
        new CreateServiceCommand({ cluster: "svc", serviceName: "other", taskDefinition: old, desiredCount: 1, networkConfiguration: NETWORK }),
      ),
    ).rejects.toBeInstanceOf(ClientException);
    await expect(ecs.send(new UpdateServiceCommand({ cluster: "svc", service: "web", taskDefinition: old }))).rejects.toThrow(
      "TaskDefinition is inactive",
    );
    await expect(
      ecs.send(new CreateServiceCommand({ cluster: "svc", serviceName: "other", taskDefinition: "svc-app", desiredCount: 1 })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(ecs.send(new UpdateServiceCommand({ cluster: "svc", service: "ghost", desiredCount: 1 }))).rejects.toBeInstanceOf(
      ServiceNotFoundException,
    );
    await expect(ecs.send(new ListTasksCommand({ cluster: "svc", serviceName: "ghost" }))).rejects.toBeInstanceOf(ServiceNotFoundException);
  });

  it("stops a task on request (UserInitiated) and the scheduler replaces it", async () => {
    const arns = (await ecs.send(new ListTasksCommand({ cluster: "svc", serviceName: "web" }))).taskArns ?? [];
    const victim = arns[0] ?? "";
    const stopped = await ecs.send(new StopTaskCommand({ cluster: "svc", task: victim, reason: "drill" }));
    expect(stopped.task).toMatchObject({ desiredStatus: "STOPPED", lastStatus: "DEACTIVATING", stopCode: "UserInitiated", stoppedReason: "drill" });
    // The scheduler notices on its next pass (the next world step).
    range.tick(1_000);
    const after = await ecs.send(new DescribeServicesCommand({ cluster: "svc", services: ["web"] }));
    expect(after.services?.[0]?.runningCount).toBe(1);
    expect(after.services?.[0]?.events?.[0]?.message).toMatch(/^\(service web\) has started 1 tasks: \(task [0-9a-f]{32}\)\.$/);
    range.tick(30_000);
    const gone = await ecs.send(new DescribeTasksCommand({ cluster: "svc", tasks: [victim] }));
    expect(gone.tasks?.[0]).toMatchObject({ lastStatus: "STOPPED" });
    expect(gone.tasks?.[0]?.stoppedAt).toBeInstanceOf(Date);
    const stoppedList = await ecs.send(new ListTasksCommand({ cluster: "svc", serviceName: "web", desiredStatus: "STOPPED" }));
    expect(stoppedList.taskArns).toContain(victim);
    const missing = await ecs.send(new DescribeTasksCommand({ cluster: "svc", tasks: ["0123"] }));
    expect(missing.failures?.[0]).toMatchObject({ arn: "0123", reason: "MISSING" });
    await expect(ecs.send(new StopTaskCommand({ cluster: "svc", task: "0123" }))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it("deletes a service only when scaled to 0 or forced; then it drains to INACTIVE", async () => {
    await expect(ecs.send(new DeleteServiceCommand({ cluster: "svc", service: "web" }))).rejects.toThrow(
      "The service cannot be stopped while it is scaled above 0.",
    );
    await expect(ecs.send(new DeleteClusterCommand({ cluster: "svc" }))).rejects.toBeInstanceOf(ClusterContainsServicesException);
    const deleted = await ecs.send(new DeleteServiceCommand({ cluster: "svc", service: "web", force: true }));
    expect(deleted.service).toMatchObject({ status: "DRAINING", desiredCount: 0 });
    await expect(ecs.send(new UpdateServiceCommand({ cluster: "svc", service: "web", desiredCount: 2 }))).rejects.toBeInstanceOf(
      ServiceNotActiveException,
    );
    expect((await ecs.send(new ListServicesCommand({ cluster: "svc" }))).serviceArns).toEqual([]);
    range.tick(60_000);
    const gone = await ecs.send(new DescribeServicesCommand({ cluster: "svc", services: ["web"] }));
    expect(gone.services?.[0]).toMatchObject({ status: "INACTIVE", runningCount: 0 });
    range.tick(60_000);
    expect((await ecs.send(new DeleteClusterCommand({ cluster: "svc" }))).cluster?.status).toBe("INACTIVE");
  });
});

describe("ECS control API", () => {
  it("shows ECS resources in /_sim/state and fails a task through /_sim/tasks/:arn/fail", async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: "ctl" }));
    await ecs.send(
      new CreateServiceCommand({
        cluster: "ctl",
        serviceName: "api",
        taskDefinition: await register("ctl-app", "api:v1"),
        desiredCount: 1,
        networkConfiguration: NETWORK,
      }),
    );
    const state = (await (await fetch(`${range.url}/_sim/state`)).json()) as {
      services: { name: string }[];
      clusters: { name: string }[];
      tasks: { arn: string; serviceName: string }[];
    };
    expect(state.clusters.map((c) => c.name)).toContain("ctl");
    expect(state.services.map((s) => s.name)).toContain("api");
    const task = state.tasks.find((t) => t.serviceName === "api");
    expect(task).toBeDefined();
    range.tick(70_000);
    await ecs.send(new DescribeServicesCommand({ cluster: "ctl", services: ["api"] }));
    const failed = await fetch(`${range.url}/_sim/tasks/${encodeURIComponent(task?.arn ?? "")}/fail`, { method: "POST" });
    expect(failed.status).toBe(200);
    expect(((await failed.json()) as { failing: boolean }).failing).toBe(true);
    range.tick(40_000);
    const out = await ecs.send(new DescribeServicesCommand({ cluster: "ctl", services: ["api"] }));
    expect(
      out.services?.[0]?.events?.some(
        (e) => e.message === `(service api) (task ${(task?.arn ?? "").split("/").pop() ?? ""}) failed container health checks.`,
      ),
    ).toBe(true);
    expect((await fetch(`${range.url}/_sim/tasks/nope/fail`, { method: "POST" })).status).toBe(404);
  });
});
