import { describe, expect, it } from "vitest";
import type { AppState, EnvironmentState } from "@/lib/domain/app-state";
import type { Operation, OperationStep } from "@/lib/domain/operation";
import { wallAlarms, wallOperation } from "./detail";

function step(index: number, status: OperationStep["status"]): OperationStep {
  return { index, id: `s${index}`, title: `Step ${index + 1}`, status, startedAt: null, finishedAt: null, output: null, error: null };
}

const op: Operation = {
  id: "op-1",
  appId: "shop",
  pattern: "dns-weighted",
  intent: { kind: "shift", greenPercent: 25 },
  summary: "Shift green from 0 % to 25 %",
  status: "running",
  actor: { id: "u", email: "operator@example.com", role: "operator" },
  reason: "canary",
  createdAt: "2025-03-01T10:00:00.000Z",
  startedAt: null,
  finishedAt: null,
  error: null,
  steps: [step(0, "succeeded"), step(1, "running"), step(2, "pending")],
};

function env(color: "blue" | "green", healthy: number, unhealthy: number): EnvironmentState {
  return { color, version: "v", loadBalancer: { kind: "classic", name: color }, healthy, unhealthy, instances: [] };
}

function state(green: number, blue: EnvironmentState, greenEnv: EnvironmentState): AppState {
  return {
    appId: "shop",
    pattern: "dns-weighted",
    observedAt: "2025-03-01T10:00:00.000Z",
    environments: { blue, green: greenEnv },
    configured: { greenPercent: green },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    granularityPercent: 1,
    version: "v",
  };
}

describe("wallOperation", () => {
  it("shows who runs what and the step in progress as k of n", () => {
    expect(wallOperation(op)).toEqual({
      id: "op-1",
      status: "running",
      summary: op.summary,
      actorEmail: "operator@example.com",
      step: 2,
      steps: 3,
      stepTitle: "Step 2",
    });
  });

  it("points a pending operation at its first step and an interrupted one at where it stopped", () => {
    expect(wallOperation({ ...op, status: "pending", steps: [step(0, "pending"), step(1, "pending")] })).toMatchObject({ step: 1, steps: 2 });
    expect(wallOperation({ ...op, status: "interrupted", steps: [step(0, "succeeded"), step(1, "failed"), step(2, "pending")] })).toMatchObject({
      step: 2,
      stepTitle: "Step 2",
    });
  });

  it("hides finished operations and copes with a plan without steps", () => {
    expect(wallOperation({ ...op, status: "succeeded" })).toBeNull();
    expect(wallOperation(null)).toBeNull();
    expect(wallOperation({ ...op, steps: [] })).toMatchObject({ step: 0, steps: 0, stepTitle: null });
  });
});

describe("wallAlarms", () => {
  it("raises nothing for a healthy application", () => {
    expect(wallAlarms({ state: state(25, env("blue", 4, 0), env("green", 2, 0)), readError: null, lastOperation: null })).toEqual([]);
  });

  it("is critical when a colour carrying traffic has no healthy targets, a warning when some are unhealthy", () => {
    const alarms = wallAlarms({ state: state(25, env("blue", 3, 1), env("green", 0, 2)), readError: null, lastOperation: null });
    expect(alarms).toEqual([
      { id: "green-down", severity: "critical", text: "Green takes 25 % of traffic with no healthy targets (0 of 2)" },
      { id: "blue-degraded", severity: "warning", text: "Blue: 3/4 healthy — 1 unhealthy" },
    ]);
  });

  it("does not call blue down while a rollback step registers its instances again", () => {
    const registering = {
      health: "unhealthy" as const,
      state: "OutOfService",
      description: "Instance registration is still in progress.",
      lifecycle: "InService",
    };
    const blue = {
      ...env("blue", 0, 2),
      instances: [
        { id: "i-1", ...registering },
        { id: "i-2", ...registering },
      ],
    };
    expect(wallAlarms({ state: state(50, blue, env("green", 2, 0)), readError: null, lastOperation: null })).toEqual([]);
  });

  it("does not alarm on an idle colour with nothing running", () => {
    expect(wallAlarms({ state: state(0, env("blue", 2, 0), env("green", 0, 0)), readError: null, lastOperation: null })).toEqual([]);
  });

  it("reports unreadable state, circuit-breaker rollbacks and interrupted or failed operations", () => {
    const s = state(0, env("blue", 2, 0), env("green", 0, 0));
    s.rollout = {
      state: "COMPLETED",
      progressPercent: 100,
      primaryTaskDefinition: "web:6",
      previousTaskDefinition: null,
      circuitBreakerRollback: { failedTaskDefinition: "web:7", failedDeploymentId: "d", reason: null, rolledBackTo: "web:6" },
    };
    expect(wallAlarms({ state: s, readError: null, lastOperation: { ...op, status: "failed" } }).map((a) => [a.id, a.severity])).toEqual([
      ["circuit-breaker", "critical"],
      ["operation-failed", "warning"],
    ]);
    expect(wallAlarms({ state: null, readError: "Access denied", lastOperation: { ...op, status: "interrupted" } }).map((a) => a.text)).toEqual([
      "State unreadable: Access denied",
      "Interrupted: Shift green from 0 % to 25 % (resume or roll back)",
    ]);
  });

  it("says when AWS differs from Teal's last operation, with the figures", () => {
    const drift = {
      kind: "share" as const,
      actualGreenPercent: 40,
      expectedGreenPercent: 0,
      text: "green 40 %, expected 0 %",
      operation: { id: "op-0", summary: "Roll back shop", finishedAt: "2025-03-01T09:00:00.000Z" },
    };
    expect(wallAlarms({ state: state(40, env("blue", 2, 0), env("green", 2, 0)), readError: null, lastOperation: null, drift })).toEqual([
      { id: "drift", severity: "warning", text: "AWS differs from Teal's last operation: green 40 %, expected 0 %" },
    ]);
  });
});

describe("wallAlarms with ECS services", () => {
  it("warns when a service lost tasks (a zone failure), with the figure every view shows", () => {
    const ecs = (running: number, desired: number) => ({
      cluster: "prod",
      service: "orders",
      taskDefinition: "orders:7",
      desired,
      running,
      pending: desired - running,
      deployments: [],
      events: [],
      circuitBreaker: null,
    });
    const blue = { ...env("blue", 1, 0), ecs: ecs(1, 2) };
    const green = { ...env("green", 0, 0), ecs: ecs(0, 0) };
    expect(wallAlarms({ state: state(0, blue, green), readError: null, lastOperation: null })).toEqual([
      { id: "blue-degraded", severity: "warning", text: "Blue: 1/2 running — 1 lost; ECS is starting 1 replacement" },
    ]);
  });
});
