import { describe, expect, it } from "vitest";
import type { Service, Task, TaskDefinition } from "@aws-sdk/client-ecs";
import { mapService, mapTask, taskDefinitionVersion } from "./ecs";

const ARN = "arn:aws:ecs:us-east-1:123456789012";

describe("mapService", () => {
  it("maps deployments, events newest first and the circuit breaker", () => {
    const s: Service = {
      serviceName: "notifications",
      taskDefinition: `${ARN}:task-definition/notifications:42`,
      desiredCount: 4,
      runningCount: 3,
      pendingCount: 1,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      deployments: [
        {
          id: "ecs-svc/2",
          status: "PRIMARY",
          taskDefinition: `${ARN}:task-definition/notifications:42`,
          desiredCount: 4,
          runningCount: 1,
          pendingCount: 1,
          failedTasks: 0,
          rolloutState: "IN_PROGRESS",
          rolloutStateReason: "ECS deployment ecs-svc/2 in progress.",
          createdAt: new Date("2026-01-01T12:05:00Z"),
          updatedAt: new Date("2026-01-01T12:06:00Z"),
        },
        { id: "ecs-svc/1", status: "ACTIVE", taskDefinition: `${ARN}:task-definition/notifications:41`, runningCount: 2, rolloutState: "COMPLETED" },
      ],
      events: [
        { id: "e1", createdAt: new Date("2026-01-01T12:00:00Z"), message: "(service notifications) has reached a steady state." },
        { id: "e2", createdAt: new Date("2026-01-01T12:05:30Z"), message: "(service notifications) has started 1 tasks: (task abc)." },
      ],
    };
    const view = mapService(s, "prod");
    expect(view).toMatchObject({ cluster: "prod", service: "notifications", taskDefinition: "notifications:42", desired: 4, running: 3, pending: 1 });
    expect(view.circuitBreaker).toEqual({ enabled: true, rollback: true });
    expect(view.deployments[0]).toEqual({
      id: "ecs-svc/2",
      status: "PRIMARY",
      taskDefinition: "notifications:42",
      desired: 4,
      pending: 1,
      running: 1,
      failed: 0,
      rolloutState: "IN_PROGRESS",
      rolloutStateReason: "ECS deployment ecs-svc/2 in progress.",
      createdAt: "2026-01-01T12:05:00.000Z",
      updatedAt: "2026-01-01T12:06:00.000Z",
    });
    expect(view.deployments[1]).toMatchObject({
      status: "ACTIVE",
      taskDefinition: "notifications:41",
      running: 2,
      desired: 0,
      rolloutState: "COMPLETED",
      createdAt: null,
    });
    expect(view.events.map((e) => e.id)).toEqual(["e2", "e1"]);
  });

  it("has no circuit breaker when the service sets none", () => {
    expect(mapService({ serviceName: "x" }, "prod").circuitBreaker).toBeNull();
  });
});

describe("mapTask", () => {
  it("reads id, task definition, status, the ENI address and health", () => {
    const t: Task = {
      taskArn: `${ARN}:task/prod/0a1b2c3d4e5f`,
      taskDefinitionArn: `${ARN}:task-definition/profile:42`,
      lastStatus: "RUNNING",
      desiredStatus: "RUNNING",
      availabilityZone: "us-east-1b",
      healthStatus: "HEALTHY",
      startedAt: new Date("2026-01-01T12:00:00Z"),
      attachments: [{ type: "ElasticNetworkInterface", details: [{ name: "privateIPv4Address", value: "10.0.1.17" }] }],
    };
    expect(mapTask(t)).toEqual({
      arn: `${ARN}:task/prod/0a1b2c3d4e5f`,
      id: "0a1b2c3d4e5f",
      taskDefinition: "profile:42",
      lastStatus: "RUNNING",
      desiredStatus: "RUNNING",
      ip: "10.0.1.17",
      availabilityZone: "us-east-1b",
      healthStatus: "HEALTHY",
      startedAt: "2026-01-01T12:00:00.000Z",
    });
  });

  it("falls back to the container's address, then to none", () => {
    expect(mapTask({ containers: [{ networkInterfaces: [{ privateIpv4Address: "10.0.2.3" }] }] }).ip).toBe("10.0.2.3");
    expect(mapTask({ lastStatus: "PROVISIONING" })).toMatchObject({ ip: null, healthStatus: "UNKNOWN", lastStatus: "PROVISIONING" });
  });
});

describe("taskDefinitionVersion", () => {
  it.each([
    [{ containerDefinitions: [{ image: "repo/profile:v42", environment: [{ name: "TEAL_VERSION", value: "v43" }] }] }, "v43"],
    [{ containerDefinitions: [{ image: "123.dkr.ecr.us-east-1.amazonaws.com/profile:v41" }] }, "v41"],
    [{ taskDefinitionArn: `${ARN}:task-definition/profile:7`, containerDefinitions: [{ image: "profile" }] }, "profile:7"],
  ] as [TaskDefinition, string][])("%o runs %s", (def, version) => {
    expect(taskDefinitionVersion(def)).toBe(version);
  });
});
