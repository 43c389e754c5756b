import { describe, expect, it, vi } from "vitest";
import { MetricStore } from "./metrics";
import { simulateTraffic } from "./traffic";
import type { SimClassicLoadBalancer, SimRegistration } from "./state";
import {
  advance,
  createWorld,
  deregisterInstance,
  drawPrng,
  ELB_DESCRIPTIONS,
  launchInstance,
  registerInstance,
  setSpeed,
  terminateInstance,
  type RangeWorld,
} from "./world";

vi.mock("./traffic", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./traffic")>();
  return { ...actual, simulateTraffic: vi.fn(actual.simulateTraffic) };
});

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function worldAt(speed = 1): { world: RangeWorld; metrics: MetricStore } {
  const world = createWorld({ speed, instanceBootMs: 30_000 }, { now: () => T0, seed: 7 });
  return { world, metrics: new MetricStore() };
}

function addLb(world: RangeWorld, overrides: Partial<SimClassicLoadBalancer> = {}): SimClassicLoadBalancer {
  const lb: SimClassicLoadBalancer = {
    name: "lb",
    dnsName: "lb-1.us-east-1.elb.amazonaws.com",
    canonicalHostedZoneNameId: "Z35SXDOTRQ7X7K",
    createdAtMs: world.nowMs,
    scheme: "internet-facing",
    availabilityZones: ["us-east-1a"],
    listeners: [{ protocol: "HTTP", loadBalancerPort: 80, instanceProtocol: "HTTP", instancePort: 80 }],
    healthCheck: { target: "HTTP:80/health", intervalS: 10, timeoutS: 5, unhealthyThreshold: 2, healthyThreshold: 3 },
    connectionDraining: { enabled: true, timeoutS: 60 },
    crossZone: true,
    idleTimeoutS: 60,
    registrations: [],
    ...overrides,
  };
  world.loadBalancers.set(lb.name, lb);
  return lb;
}

function addInstance(world: RangeWorld, id: string, version = "v1"): void {
  launchInstance(world, {
    id,
    imageId: "ami-1",
    instanceType: "t3.micro",
    availabilityZone: "us-east-1a",
    tags: { "teal:version": version },
    reservationId: "r-1",
  });
}

function reg(lb: SimClassicLoadBalancer, id: string): SimRegistration | undefined {
  return lb.registrations.find((r) => r.instanceId === id);
}

describe("createWorld", () => {
  it("starts at the injected clock with defaults, demo versions and a seeded id generator", () => {
    const a = createWorld({ speed: 5 }, { now: () => T0, seed: "x" });
    const b = createWorld({ speed: 5 }, { now: () => T0, seed: "x" });
    expect(a.nowMs).toBe(T0);
    expect(a.config.speed).toBe(5);
    expect(a.config.region).toBe("us-east-1");
    expect([...a.versions.keys()]).toEqual(expect.arrayContaining(["v1", "v41", "v42"]));
    expect(a.versions.get("v41")?.baseLatencyMs).toBe(40);
    expect(drawPrng(a).next()).toBe(drawPrng(b).next());
    expect(drawPrng(a).next()).not.toBe(drawPrng(createWorld({}, { seed: "y" })).next());
  });
});

describe("instances", () => {
  it("boot from pending to running at readyAtMs, scaled by speed", () => {
    const { world, metrics } = worldAt(10);
    addInstance(world, "i-1");
    expect(world.instances.get("i-1")?.state).toBe("pending");
    advance(world, metrics, T0 + 2_999);
    expect(world.instances.get("i-1")?.state).toBe("pending");
    advance(world, metrics, T0 + 3_000);
    expect(world.instances.get("i-1")?.state).toBe("running");
  });

  it("terminate: shutting-down, then terminated and dropped from load balancers", () => {
    const { world, metrics } = worldAt();
    const lb = addLb(world);
    addInstance(world, "i-1");
    registerInstance(world, lb, "i-1");
    advance(world, metrics, T0 + 60_000);
    const instance = world.instances.get("i-1");
    if (instance === undefined) throw new Error("instance missing");
    terminateInstance(world, instance);
    expect(instance.state).toBe("shutting-down");
    advance(world, metrics, T0 + 60_000 + 15_000);
    expect(instance.state).toBe("terminated");
    expect(lb.registrations).toHaveLength(0);
  });
});

describe("classic ELB health checks", () => {
  it("go InService after HealthyThreshold passing checks, with the AWS descriptions on the way", () => {
    const { world, metrics } = worldAt();
    const lb = addLb(world);
    addInstance(world, "i-1");
    advance(world, metrics, T0 + 30_000); // booted
    registerInstance(world, lb, "i-1");
    const r = reg(lb, "i-1");
    expect(r).toMatchObject({ state: "OutOfService", reasonCode: "ELB", description: ELB_DESCRIPTIONS.registrationInProgress });
    advance(world, metrics, T0 + 40_000); // first check (interval 10 s)
    expect(r).toMatchObject({ state: "OutOfService", reasonCode: "Instance", description: ELB_DESCRIPTIONS.notPassedHealthy });
    advance(world, metrics, T0 + 59_999);
    expect(r?.state).toBe("OutOfService");
    advance(world, metrics, T0 + 60_000); // third pass
    expect(r).toMatchObject({ state: "InService", reasonCode: "N/A", description: "N/A" });
  });

  it("compress the interval by speed", () => {
    const { world, metrics } = worldAt(10);
    const lb = addLb(world);
    addInstance(world, "i-1");
    advance(world, metrics, T0 + 3_000);
    registerInstance(world, lb, "i-1");
    advance(world, metrics, T0 + 3_000 + 2_999);
    expect(reg(lb, "i-1")?.state).toBe("OutOfService");
    advance(world, metrics, T0 + 3_000 + 3_000);
    expect(reg(lb, "i-1")?.state).toBe("InService");
  });

  it("report a pending instance, then count passes once it runs", () => {
    const { world, metrics } = worldAt();
    const lb = addLb(world);
    addInstance(world, "i-1"); // boots at +30 s
    registerInstance(world, lb, "i-1");
    advance(world, metrics, T0 + 10_000);
    expect(reg(lb, "i-1")).toMatchObject({ state: "OutOfService", description: ELB_DESCRIPTIONS.pending });
    advance(world, metrics, T0 + 30_000); // check at 30 s runs after the boot at 30 s
    expect(reg(lb, "i-1")?.consecutiveOk).toBe(1);
    advance(world, metrics, T0 + 50_000);
    expect(reg(lb, "i-1")?.state).toBe("InService");
  });

  it("take a failing instance out after UnhealthyThreshold failures and bring it back after recovery", () => {
    const { world, metrics } = worldAt();
    const lb = addLb(world);
    addInstance(world, "i-1");
    advance(world, metrics, T0 + 30_000);
    registerInstance(world, lb, "i-1");
    advance(world, metrics, T0 + 60_000);
    expect(reg(lb, "i-1")?.state).toBe("InService");
    const instance = world.instances.get("i-1");
    if (instance === undefined) throw new Error("instance missing");
    instance.failing = true;
    advance(world, metrics, T0 + 70_000); // one failure: still in service
    expect(reg(lb, "i-1")).toMatchObject({ state: "InService", consecutiveFail: 1 });
    advance(world, metrics, T0 + 80_000);
    expect(reg(lb, "i-1")).toMatchObject({ state: "OutOfService", reasonCode: "Instance", description: ELB_DESCRIPTIONS.failedUnhealthy });
    instance.failing = false;
    advance(world, metrics, T0 + 100_000);
    expect(reg(lb, "i-1")).toMatchObject({ state: "OutOfService", description: ELB_DESCRIPTIONS.notPassedHealthy });
    advance(world, metrics, T0 + 110_000);
    expect(reg(lb, "i-1")?.state).toBe("InService");
  });

  it("fail instances of an unhealthy version or one slower than the check timeout", () => {
    const { world, metrics } = worldAt();
    const lb = addLb(world);
    world.versions.set("bad", { baseLatencyMs: 30, errorRate: 0, connectionErrorRate: 0, capacityRps: 100, healthy: false });
    world.versions.set("slow", { baseLatencyMs: 6_000, errorRate: 0, connectionErrorRate: 0, capacityRps: 100, healthy: true });
    addInstance(world, "i-bad", "bad");
    addInstance(world, "i-slow", "slow");
    addInstance(world, "i-ok", "v42");
    advance(world, metrics, T0 + 30_000);
    for (const id of ["i-bad", "i-slow", "i-ok"]) registerInstance(world, lb, id);
    advance(world, metrics, T0 + 120_000);
    expect(reg(lb, "i-bad")?.state).toBe("OutOfService");
    expect(reg(lb, "i-slow")?.state).toBe("OutOfService");
    expect(reg(lb, "i-ok")?.state).toBe("InService");
  });
});

describe("deregistration and draining", () => {
  function inService(speed = 1): { world: RangeWorld; metrics: MetricStore; lb: SimClassicLoadBalancer } {
    const { world, metrics } = worldAt(speed);
    const lb = addLb(world);
    addInstance(world, "i-1");
    advance(world, metrics, T0 + 30_000 / speed);
    registerInstance(world, lb, "i-1");
    advance(world, metrics, T0 + 60_000 / speed);
    expect(reg(lb, "i-1")?.state).toBe("InService");
    return { world, metrics, lb };
  }

  it("drain for the timeout, shown as InService deregistration in progress", () => {
    const { world, metrics, lb } = inService();
    deregisterInstance(world, lb, "i-1");
    expect(reg(lb, "i-1")).toMatchObject({ state: "InService", description: ELB_DESCRIPTIONS.deregistrationInProgress });
    advance(world, metrics, T0 + 60_000 + 59_999);
    expect(reg(lb, "i-1")).toBeDefined();
    advance(world, metrics, T0 + 120_000);
    expect(reg(lb, "i-1")).toBeUndefined();
  });

  it("drain for timeout/speed", () => {
    const { world, metrics, lb } = inService(4);
    deregisterInstance(world, lb, "i-1");
    advance(world, metrics, T0 + 15_000 + 14_999);
    expect(reg(lb, "i-1")).toBeDefined();
    advance(world, metrics, T0 + 15_000 + 15_000);
    expect(reg(lb, "i-1")).toBeUndefined();
  });

  it("remove at once when draining is disabled or the instance is out of service", () => {
    const { world, lb } = inService();
    lb.connectionDraining.enabled = false;
    deregisterInstance(world, lb, "i-1");
    expect(reg(lb, "i-1")).toBeUndefined();

    addInstance(world, "i-2");
    registerInstance(world, lb, "i-2");
    lb.connectionDraining.enabled = true;
    deregisterInstance(world, lb, "i-2"); // OutOfService: no draining
    expect(reg(lb, "i-2")).toBeUndefined();
  });

  it("cancel draining when the instance is registered again", () => {
    const { world, metrics, lb } = inService();
    deregisterInstance(world, lb, "i-1");
    registerInstance(world, lb, "i-1");
    advance(world, metrics, T0 + 200_000);
    expect(reg(lb, "i-1")).toMatchObject({ state: "InService", description: "N/A" });
  });
});

describe("setSpeed", () => {
  it("rescales what is already scheduled", () => {
    const { world, metrics } = worldAt();
    addInstance(world, "i-1"); // ready at +30 s at speed 1
    advance(world, metrics, T0 + 10_000);
    setSpeed(world, 10); // 20 s left → 2 s
    advance(world, metrics, T0 + 11_999);
    expect(world.instances.get("i-1")?.state).toBe("pending");
    advance(world, metrics, T0 + 12_000);
    expect(world.instances.get("i-1")?.state).toBe("running");
  });
});

describe("advance", () => {
  it("never goes backwards and feeds the traffic model contiguous steps of at most 10 s", () => {
    const { world, metrics } = worldAt();
    const traffic = vi.mocked(simulateTraffic);
    traffic.mockClear();
    advance(world, metrics, T0 + 25_000);
    expect(world.nowMs).toBe(T0 + 25_000);
    advance(world, metrics, T0 + 1_000);
    expect(world.nowMs).toBe(T0 + 25_000);
    const steps = traffic.mock.calls.map(([, , from, to]) => [from - T0, to - T0]);
    expect(steps).toEqual([
      [0, 10_000],
      [10_000, 20_000],
      [20_000, 25_000],
    ]);
  });
});
