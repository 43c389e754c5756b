import { describe, expect, it } from "vitest";
import type { AppState, EcsServiceView, EnvironmentState } from "@/lib/domain/app-state";
import { ecsServicesOf } from "./ecs-services";

function service(name: string): EcsServiceView {
  return {
    cluster: "prod",
    service: name,
    taskDefinition: `${name}:1`,
    desired: 2,
    running: 2,
    pending: 0,
    deployments: [],
    events: [],
    circuitBreaker: null,
  };
}

function env(color: "blue" | "green", ecs?: EcsServiceView): EnvironmentState {
  return { color, version: "v", loadBalancer: { kind: "none", name: "x" }, healthy: 0, unhealthy: 0, instances: [], ...(ecs ? { ecs } : {}) };
}

function state(blue?: EcsServiceView, green?: EcsServiceView): AppState {
  return {
    appId: "a",
    pattern: "ecs-elb-swap",
    observedAt: "",
    environments: { blue: env("blue", blue), green: env("green", green) },
    configured: { greenPercent: 0 },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    granularityPercent: 1,
    version: "v",
  };
}

describe("ecsServicesOf", () => {
  it("shows one service per colour for a swap", () => {
    expect(ecsServicesOf(state(service("orders-blue"), service("orders-green"))).map((s) => [s.color, s.service.service])).toEqual([
      ["blue", "orders-blue"],
      ["green", "orders-green"],
    ]);
  });
  it("shows a rolling update's one service once, without a colour", () => {
    const one = service("notifications");
    expect(ecsServicesOf(state(one, { ...one }))).toEqual([{ color: null, service: one }]);
  });
  it("shows nothing for a pattern without ECS", () => {
    expect(ecsServicesOf(state())).toEqual([]);
  });
});
