import { describe, expect, it } from "vitest";
import type { AppState, EcsServiceView, EnvironmentState } from "./app-state";
import { appFigures, healthFigure, rolloutPercent, trafficFigure } from "./figures";

function env(color: "blue" | "green", healthy: number, unhealthy: number, ecs?: Partial<EcsServiceView>): EnvironmentState {
  const e: EnvironmentState = { color, version: "v", loadBalancer: { kind: "target-group", name: `${color}-tg` }, healthy, unhealthy, instances: [] };
  if (ecs) {
    e.ecs = {
      cluster: "prod",
      service: `orders-${color}`,
      taskDefinition: "orders:7",
      desired: 2,
      running: 2,
      pending: 0,
      deployments: [],
      events: [],
      circuitBreaker: null,
      ...ecs,
    };
  }
  return e;
}

function state(over: Partial<AppState>): AppState {
  return {
    appId: "app",
    pattern: "dns-weighted",
    observedAt: "2026-12-06T00:00:00.000Z",
    environments: { blue: env("blue", 4, 0), green: env("green", 4, 0) },
    configured: { greenPercent: 0 },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    granularityPercent: 1,
    version: "v",
    ...over,
  };
}

describe("trafficFigure", () => {
  it("says a share whose request counts were not read is not measured, never no traffic", () => {
    for (const unmeasured of ["metrics unavailable", "not read"] as const) {
      const figure = trafficFigure(
        state({ configured: { greenPercent: 25 }, observed: { greenPercent: null, blueRequests: 0, greenRequests: 0, unmeasured } }),
      );
      expect(figure).toMatchObject({ kind: "split", configuredGreenPercent: 25, observedGreenPercent: null, observedFrom: "none", requests: null });
      if (figure.kind !== "split") throw new Error("a split");
      expect(figure.observedText).toMatch(/^Not measured/);
      expect(figure.observedText).not.toMatch(/No requests/);
    }
  });

  it("shows request counts only where the share is made of them", () => {
    const byRequests = trafficFigure(
      state({ configured: { greenPercent: 25 }, observed: { greenPercent: 24.1, blueRequests: 759, greenRequests: 241 } }),
    );
    expect(byRequests).toEqual({
      kind: "split",
      configuredGreenPercent: 25,
      observedGreenPercent: 24.1,
      observedFrom: "requests",
      requests: { blue: 759, green: 241 },
      observedText: "From 1000 requests: blue 759, green 241",
    });
    // asg-swap / launch-swap: the share of instances in service behind one ELB, never "Blue 0, Green 0".
    const byInstances = trafficFigure(
      state({
        pattern: "asg-swap",
        environments: { blue: env("blue", 4, 0), green: env("green", 0, 0) },
        observed: { greenPercent: 0, blueRequests: 0, greenRequests: 0, source: "instances" },
      }),
    );
    expect(byInstances).toMatchObject({ kind: "split", observedGreenPercent: 0, observedFrom: "instances", requests: null });
    expect(byInstances.kind === "split" && byInstances.observedText).toMatch(
      /healthy instances in service behind green-tg: it has no per-colour request count/,
    );
  });

  it("says 'not measured' where both colours share one target group (ecs-elb-swap), never 'Blue 0, Green 0'", () => {
    expect(
      trafficFigure(state({ pattern: "ecs-elb-swap", observed: { greenPercent: null, blueRequests: 0, greenRequests: 0, source: "none" } })),
    ).toMatchObject({
      observedGreenPercent: null,
      observedFrom: "none",
      requests: null,
      observedText: expect.stringMatching(/^Not measured/),
    });
  });

  it("has no observed share without requests", () => {
    expect(trafficFigure(state({ observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 } }))).toMatchObject({
      observedGreenPercent: null,
      observedText: "No requests in the window",
    });
  });

  it("is the rollout's share for an ECS rolling update, never a blue/green split", () => {
    const rollout = { state: "COMPLETED" as const, progressPercent: 100, primaryTaskDefinition: "notifications:41", previousTaskDefinition: null };
    const s = state({ pattern: "ecs-rolling", configured: { greenPercent: 100 }, rollout });
    expect(trafficFigure(s)).toEqual({
      kind: "rollout",
      percent: 100,
      primary: "notifications:41",
      state: "COMPLETED",
      text: "100 % of running tasks on notifications:41",
    });
    expect(rolloutPercent({ ...rollout, progressPercent: 62.5 })).toBe(62.5);
    expect(rolloutPercent({ ...rollout, progressPercent: 140 })).toBe(100);
  });
});

describe("healthFigure", () => {
  it("counts an ECS service against its desired tasks: half lost in a zone failure is degraded, not 2/2 healthy", () => {
    const events = [
      { id: "3", at: "t3", message: "(service orders-blue) has started 2 tasks: (task a) (task b)." },
      {
        id: "2",
        at: "t2",
        message: "(service orders-blue) (task c) (port 8080) is unhealthy in (target-group arn) due to (reason Health checks failed).",
      },
      { id: "1", at: "t1", message: "(service orders-blue) has reached a steady state." },
    ];
    const lost = env("blue", 2, 0, { desired: 4, running: 2, pending: 2, events });
    expect(healthFigure(state({ environments: { blue: lost, green: env("green", 0, 0, { desired: 0, running: 0 }) } }), "blue")).toEqual({
      label: "Degraded",
      tone: "warning",
      icon: "!",
      text: "2/4 running — 2 lost (stopped after failing health checks); ECS is starting 2 replacements",
      healthy: 2,
      unhealthy: 0,
      of: 4,
    });
    const twoOfTwo = env("blue", 2, 0, { desired: 2, running: 2 });
    expect(healthFigure(state({ environments: { blue: twoOfTwo, green: twoOfTwo } }), "blue")).toMatchObject({
      label: "Healthy",
      text: "2/2 healthy",
    });
    const runningNotHealthy = env("blue", 1, 1, { desired: 2, running: 2 });
    expect(healthFigure(state({ environments: { blue: runningNotHealthy, green: twoOfTwo } }), "blue")).toMatchObject({
      label: "Degraded",
      text: "1/2 healthy — 1 unhealthy",
    });
    const none = env("green", 0, 0, { desired: 0, running: 0 });
    expect(healthFigure(state({ environments: { blue: twoOfTwo, green: none } }), "green")).toMatchObject({ label: "No tasks" });
  });

  it("an ECS rolling update counts each colour's own deployments: blue with nothing left to replace has no tasks, not 0/4 down", () => {
    const view = { desired: 4, running: 4 };
    const green = { ...env("green", 4, 0, view), capacity: { desired: 4, inService: 4, pending: 0, standby: 0 } };
    const blue = { ...env("blue", 0, 0, view), capacity: { desired: 0, inService: 0, pending: 0, standby: 0 } };
    const s = state({ pattern: "ecs-rolling", environments: { blue, green } });
    expect(healthFigure(s, "blue")).toMatchObject({ label: "No tasks" });
    expect(healthFigure(s, "green")).toMatchObject({ label: "Healthy", text: "4/4 healthy" });
  });

  it("keeps the instance view for Auto Scaling and DNS patterns", () => {
    expect(healthFigure(state({}), "blue")).toMatchObject({ label: "Healthy", text: "4/4 healthy", of: 4 });
    expect(healthFigure(state({ environments: { blue: env("blue", 0, 2), green: env("green", 0, 0) } }), "blue")).toMatchObject({
      label: "Down",
      tone: "danger",
    });
    expect(healthFigure(state({ environments: { blue: env("blue", 4, 0), green: env("green", 0, 0) } }), "green")).toMatchObject({
      label: "No instances",
    });
  });

  it("appFigures gathers the traffic and both colours", () => {
    const f = appFigures(state({}));
    expect(f.traffic.kind).toBe("split");
    expect(Object.keys(f.health)).toEqual(["blue", "green"]);
  });
});
