import { describe, expect, it } from "vitest";
import { answerDistribution, chooseCandidate, normaliseDnsName, type DnsCandidate } from "./dns-clients";
import { MetricStore, parseStatistic, statisticValue } from "./metrics";
import { configureTraffic, simulateTraffic, SURGE_QUEUE_MAX, surgeQueueLength } from "./traffic";
import type { SimClassicLoadBalancer, SimDnsClientConfig, SimInstance, SimRecordSet, SimRegistration, SimVersionProfile, SimWorld } from "./state";

const T0 = Date.UTC(2026, 8, 1, 12, 0, 0);
const MIN = 60_000;
const STEP = 10_000;

interface LbSpec {
  name: string;
  instances: { id: string; version: string; az?: string; state?: SimRegistration["state"]; draining?: boolean; failing?: boolean }[];
  crossZone?: boolean;
}

function dnsOf(lb: string): string {
  return `${lb}-123456789.eu-west-1.elb.amazonaws.com`;
}

function makeWorld(opts: {
  lbs: LbSpec[];
  versions: Record<string, Partial<SimVersionProfile>>;
  records?: SimRecordSet[];
  dns?: Partial<SimDnsClientConfig>;
  speed?: number;
}): SimWorld {
  const instances = new Map<string, SimInstance>();
  const loadBalancers = new Map<string, SimClassicLoadBalancer>();
  for (const spec of opts.lbs) {
    const registrations: SimRegistration[] = [];
    for (const i of spec.instances) {
      instances.set(i.id, {
        id: i.id,
        imageId: "ami-0123",
        instanceType: "t3.micro",
        availabilityZone: i.az ?? "eu-west-1a",
        version: i.version,
        state: "running",
        launchedAtMs: 0,
        readyAtMs: 0,
        failing: i.failing ?? false,
        tags: {},
      });
      registrations.push({
        instanceId: i.id,
        registeredAtMs: 0,
        state: i.state ?? "InService",
        reasonCode: "N/A",
        description: "N/A",
        consecutiveOk: 10,
        consecutiveFail: 0,
        nextCheckAtMs: 0,
        drainingUntilMs: i.draining ? T0 + 3_600_000 : undefined,
      });
    }
    loadBalancers.set(spec.name, {
      name: spec.name,
      dnsName: dnsOf(spec.name),
      canonicalHostedZoneNameId: "Z32O12XQLNTSW2",
      createdAtMs: 0,
      scheme: "internet-facing",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      listeners: [{ protocol: "HTTP", loadBalancerPort: 80, instanceProtocol: "HTTP", instancePort: 80 }],
      healthCheck: { target: "HTTP:80/health", intervalS: 30, timeoutS: 5, unhealthyThreshold: 2, healthyThreshold: 10 },
      connectionDraining: { enabled: true, timeoutS: 300 },
      crossZone: spec.crossZone ?? true,
      idleTimeoutS: 60,
      registrations,
    });
  }
  const versions = new Map<string, SimVersionProfile>();
  for (const [k, v] of Object.entries(opts.versions)) {
    versions.set(k, { baseLatencyMs: 20, errorRate: 0, connectionErrorRate: 0, capacityRps: 1_000, healthy: true, ...v });
  }
  const world: SimWorld = {
    nowMs: T0,
    config: {
      speed: opts.speed ?? 1,
      route53PropagationMs: 30_000,
      route53ProcessingMs: 2_000,
      instanceBootMs: 60_000,
      dnsClients: { clients: 1_000, ignoreTtlShare: 0, stickyMs: 600_000, requestsPerSecond: 100, ...opts.dns },
      region: "eu-west-1",
      accountId: "123456789012",
    },
    faults: { throttleRate: 0, errorRate: 0, latencyMs: 0 },
    zones: new Map(),
    changes: new Map(),
    loadBalancers,
    instances,
    versions,
  };
  if (opts.records) {
    world.zones.set("Z1", { id: "Z1", name: "example.com.", callerReference: "r", privateZone: false, records: opts.records, busyUntilMs: 0 });
  }
  configureTraffic(world, { seed: 1, wobble: false });
  return world;
}

function weighted(id: string, lb: string, weight: number, alias = false): SimRecordSet {
  return alias
    ? {
        Name: "app.example.com.",
        Type: "A",
        SetIdentifier: id,
        Weight: weight,
        AliasTarget: { HostedZoneId: "Z32O12XQLNTSW2", DNSName: `dualstack.${dnsOf(lb)}.`, EvaluateTargetHealth: true },
      }
    : { Name: "app.example.com.", Type: "CNAME", SetIdentifier: id, Weight: weight, TTL: 60, ResourceRecords: [{ Value: dnsOf(lb) }] };
}

function run(world: SimWorld, metrics: MetricStore, fromMs: number, toMs: number): void {
  for (let t = fromMs; t < toMs; t += STEP) {
    world.nowMs = t;
    simulateTraffic(world, metrics, t, Math.min(toMs, t + STEP));
  }
  world.nowMs = toMs;
}

function sum(metrics: MetricStore, metricName: string, lb: string, fromMs: number, toMs: number, stat = "Sum"): number | undefined {
  const parsed = parseStatistic(stat);
  if (!parsed) throw new Error(stat);
  const periodS = (toMs - fromMs) / 1000;
  const [p] = metrics.statistics({
    key: { namespace: "AWS/ELB", metricName, dimensions: [{ Name: "LoadBalancerName", Value: lb }] },
    startMs: fromMs,
    endMs: toMs,
    periodS: Math.max(60, Math.ceil(periodS / 60) * 60),
  });
  return p ? statisticValue(p, parsed) : undefined;
}

function greenShare(metrics: MetricStore, fromMs: number, toMs: number): number {
  const blue = sum(metrics, "RequestCount", "blue", fromMs, toMs) ?? 0;
  const green = sum(metrics, "RequestCount", "green", fromMs, toMs) ?? 0;
  return green / (blue + green);
}

const twoColours = (): LbSpec[] => [
  {
    name: "blue",
    instances: [
      { id: "i-b1", version: "v1" },
      { id: "i-b2", version: "v1", az: "eu-west-1b" },
    ],
  },
  {
    name: "green",
    instances: [
      { id: "i-g1", version: "v2" },
      { id: "i-g2", version: "v2", az: "eu-west-1b" },
    ],
  },
];

describe("Route 53 answer choice", () => {
  const c = (target: string, weight: number | undefined, healthy = true): DnsCandidate => ({ target, weight, ttlS: 60, healthy });

  it("shares by weight, never answers weight 0, and splits equally when all are 0", () => {
    expect(answerDistribution([c("a", 1), c("b", 255)])).toEqual(
      new Map([
        ["a", 1 / 256],
        ["b", 255 / 256],
      ]),
    );
    expect(answerDistribution([c("a", 0), c("b", 3)])).toEqual(new Map([["b", 1]]));
    expect(answerDistribution([c("a", 0), c("b", 0)])).toEqual(
      new Map([
        ["a", 0.5],
        ["b", 0.5],
      ]),
    );
    for (let u = 0; u < 1; u += 0.01) expect(chooseCandidate([c("a", 0), c("b", 3)], u)?.target).toBe("b");
  });

  it("follows the health table: zero weight only when every weighted record is unhealthy, fail open", () => {
    expect(answerDistribution([c("r1", 1, false), c("r2", 1, false), c("r3", 0, true)])).toEqual(new Map([["r3", 1]]));
    expect(answerDistribution([c("r1", 1, false), c("r2", 1, true), c("r3", 0, true)])).toEqual(new Map([["r2", 1]]));
    expect(answerDistribution([c("r1", 1, false), c("r2", 1, false), c("r3", 0, false)])).toEqual(
      new Map([
        ["r1", 0.5],
        ["r2", 0.5],
      ]),
    );
  });

  it("normalises names for load balancer matching", () => {
    expect(normaliseDnsName("DualStack.My-LB-1.eu-west-1.ELB.amazonaws.com.")).toBe("my-lb-1.eu-west-1.elb.amazonaws.com");
  });
});

describe("simulateTraffic: DNS", () => {
  it("splits traffic by record weights", () => {
    const world = makeWorld({
      lbs: twoColours(),
      versions: { v1: {}, v2: {} },
      records: [weighted("blue", "blue", 3), weighted("green", "green", 1)],
    });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + 30 * MIN);
    const total = (sum(metrics, "RequestCount", "blue", T0, T0 + 30 * MIN) ?? 0) + (sum(metrics, "RequestCount", "green", T0, T0 + 30 * MIN) ?? 0);
    expect(total).toBeGreaterThan(100 * 1800 * 0.95);
    expect(total).toBeLessThan(100 * 1800 * 1.05);
    expect(greenShare(metrics, T0, T0 + 30 * MIN)).toBeGreaterThan(0.22);
    expect(greenShare(metrics, T0, T0 + 30 * MIN)).toBeLessThan(0.28);
  });

  it("follows alias records (dualstack target) too", () => {
    const world = makeWorld({
      lbs: twoColours(),
      versions: { v1: {}, v2: {} },
      records: [weighted("blue", "blue", 1, true), weighted("green", "green", 1, true)],
    });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + 10 * MIN);
    expect(greenShare(metrics, T0, T0 + 10 * MIN)).toBeCloseTo(0.5, 1);
  });

  it("shifts traffic with a TTL lag after a weight change", () => {
    const records = [weighted("blue", "blue", 1), weighted("green", "green", 0)];
    const world = makeWorld({ lbs: twoColours(), versions: { v1: {}, v2: {} }, records });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + 5 * MIN);
    expect(sum(metrics, "RequestCount", "green", T0, T0 + 5 * MIN)).toBeUndefined();
    // Cut over: the change is visible at once (no pending change); caches expire over one TTL (60 s).
    records[0] = weighted("blue", "blue", 0);
    records[1] = weighted("green", "green", 1);
    const cut = T0 + 5 * MIN;
    run(world, metrics, cut, cut + 5 * MIN);
    const firstMinute = greenShare(metrics, cut, cut + MIN);
    expect(firstMinute).toBeGreaterThan(0.35);
    expect(firstMinute).toBeLessThan(0.65);
    expect(greenShare(metrics, cut + MIN, cut + 2 * MIN)).toBe(1);
  });

  it("keeps TTL-ignoring clients on the old answer for stickyMs", () => {
    const records = [weighted("blue", "blue", 1), weighted("green", "green", 0)];
    const world = makeWorld({ lbs: twoColours(), versions: { v1: {}, v2: {} }, records, dns: { ignoreTtlShare: 0.2, stickyMs: 10 * MIN } });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + 15 * MIN);
    records[0] = weighted("blue", "blue", 0);
    records[1] = weighted("green", "green", 1);
    const cut = T0 + 15 * MIN;
    run(world, metrics, cut, cut + 12 * MIN);
    // After the TTL the honest 80 % moved; the sticky 20 % drain over ten minutes.
    const blueAfter2 = 1 - greenShare(metrics, cut + 2 * MIN, cut + 3 * MIN);
    expect(blueAfter2).toBeGreaterThan(0.1);
    expect(blueAfter2).toBeLessThan(0.2);
    const blueAfter6 = 1 - greenShare(metrics, cut + 6 * MIN, cut + 7 * MIN);
    expect(blueAfter6).toBeGreaterThan(0.03);
    expect(blueAfter6).toBeLessThan(blueAfter2);
    expect(greenShare(metrics, cut + 11 * MIN, cut + 12 * MIN)).toBe(1);
  });

  it("divides cache durations by the world speed", () => {
    const records = [weighted("blue", "blue", 1), weighted("green", "green", 0)];
    const world = makeWorld({ lbs: twoColours(), versions: { v1: {}, v2: {} }, records, speed: 6 });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + 2 * MIN);
    records[0] = weighted("blue", "blue", 0);
    records[1] = weighted("green", "green", 1);
    const cut = T0 + 2 * MIN;
    run(world, metrics, cut, cut + 2 * MIN);
    // TTL 60 s at speed 6 = 10 s: the first minute is almost entirely green.
    expect(greenShare(metrics, cut, cut + MIN)).toBeGreaterThan(0.9);
  });

  it("makes a change visible to resolvers only when Route 53 reports it INSYNC", () => {
    const records = [weighted("blue", "blue", 1), weighted("green", "green", 0)];
    const world = makeWorld({ lbs: twoColours(), versions: { v1: {}, v2: {} }, records });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + 3 * MIN);
    const cut = T0 + 3 * MIN;
    records[0] = weighted("blue", "blue", 0);
    records[1] = weighted("green", "green", 1);
    world.changes.set("C1", { id: "C1", zoneId: "Z1", submittedAtMs: cut, insyncAtMs: cut + 2 * MIN });
    run(world, metrics, cut, cut + 5 * MIN);
    expect(sum(metrics, "RequestCount", "green", cut, cut + 2 * MIN)).toBeUndefined();
    expect(greenShare(metrics, cut + 2 * MIN, cut + 3 * MIN)).toBeGreaterThan(0.3);
    expect(greenShare(metrics, cut + 3 * MIN, cut + 4 * MIN)).toBe(1);
  });

  it("sends direct traffic to a load balancer no record points at", () => {
    const world = makeWorld({ lbs: [{ name: "solo", instances: [{ id: "i-1", version: "v1" }] }], versions: { v1: {} } });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + MIN);
    expect(sum(metrics, "RequestCount", "solo", T0, T0 + MIN)).toBeGreaterThan(5_000);
  });
});

describe("simulateTraffic: load balancer and instances", () => {
  it("answers 503 from the load balancer when no instance is in service", () => {
    const world = makeWorld({ lbs: [{ name: "solo", instances: [{ id: "i-1", version: "v1", state: "OutOfService" }] }], versions: { v1: {} } });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + MIN);
    const requests = sum(metrics, "RequestCount", "solo", T0, T0 + MIN);
    expect(requests).toBeGreaterThan(5_000);
    expect(sum(metrics, "HTTPCode_ELB_5XX", "solo", T0, T0 + MIN)).toBe(requests);
    expect(sum(metrics, "HTTPCode_Backend_2XX", "solo", T0, T0 + MIN)).toBeUndefined();
    expect(sum(metrics, "Latency", "solo", T0, T0 + MIN)).toBeUndefined();
    expect(sum(metrics, "HealthyHostCount", "solo", T0, T0 + MIN, "Maximum")).toBe(0);
    expect(sum(metrics, "UnHealthyHostCount", "solo", T0, T0 + MIN, "Minimum")).toBe(1);
  });

  it("sends nothing to draining or out-of-service instances", () => {
    const world = makeWorld({
      lbs: [
        {
          name: "solo",
          instances: [
            { id: "i-1", version: "v1" },
            { id: "i-2", version: "bad", draining: true },
            { id: "i-3", version: "bad", state: "OutOfService" },
          ],
        },
      ],
      versions: { v1: {}, bad: { errorRate: 1 } },
    });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + MIN);
    expect(sum(metrics, "HTTPCode_Backend_5XX", "solo", T0, T0 + MIN)).toBeUndefined();
    expect(sum(metrics, "HTTPCode_Backend_2XX", "solo", T0, T0 + MIN)).toBe(sum(metrics, "RequestCount", "solo", T0, T0 + MIN));
  });

  it("queues overload in the surge queue, then spills over", () => {
    // 100 rps offered to one instance serving 40 rps: the queue grows 600 per step until 1,024.
    const world = makeWorld({ lbs: [{ name: "solo", instances: [{ id: "i-1", version: "v1" }] }], versions: { v1: { capacityRps: 40 } } });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + STEP);
    const afterOne = surgeQueueLength(world, "solo");
    expect(afterOne).toBeGreaterThan(400);
    expect(afterOne).toBeLessThan(SURGE_QUEUE_MAX);
    expect(sum(metrics, "SpilloverCount", "solo", T0, T0 + MIN)).toBeUndefined();
    run(world, metrics, T0 + STEP, T0 + 3 * MIN);
    expect(surgeQueueLength(world, "solo")).toBe(SURGE_QUEUE_MAX);
    expect(sum(metrics, "SurgeQueueLength", "solo", T0 + MIN, T0 + 2 * MIN, "Maximum")).toBe(SURGE_QUEUE_MAX);
    const spill = sum(metrics, "SpilloverCount", "solo", T0 + MIN, T0 + 2 * MIN) ?? 0;
    expect(spill).toBeGreaterThan(60 * 50);
    expect(spill).toBeLessThan(60 * 70);
    expect(sum(metrics, "HTTPCode_ELB_5XX", "solo", T0 + MIN, T0 + 2 * MIN)).toBe(spill);
    // Served requests are capped by capacity; queueing shows in latency.
    expect(sum(metrics, "HTTPCode_Backend_2XX", "solo", T0 + MIN, T0 + 2 * MIN)).toBe(40 * 60);
    expect(sum(metrics, "Latency", "solo", T0 + 2 * MIN, T0 + 3 * MIN, "p50")).toBeGreaterThan(10);
  });

  it("drains the surge queue once capacity returns", () => {
    const world = makeWorld({ lbs: [{ name: "solo", instances: [{ id: "i-1", version: "v1" }] }], versions: { v1: { capacityRps: 60 } } });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + MIN);
    expect(surgeQueueLength(world, "solo")).toBeGreaterThan(0);
    const profile = world.versions.get("v1");
    if (profile) profile.capacityRps = 1_000;
    run(world, metrics, T0 + MIN, T0 + 2 * MIN);
    expect(surgeQueueLength(world, "solo")).toBe(0);
  });

  it("serves fractional capacity in short steps instead of queueing", () => {
    // 100 rps against 150 rps of capacity, advanced in 50 ms steps (7.5 requests of capacity each).
    const world = makeWorld({ lbs: [{ name: "solo", instances: [{ id: "i-1", version: "v1" }] }], versions: { v1: { capacityRps: 150 } } });
    const metrics = new MetricStore();
    for (let t = T0; t < T0 + MIN; t += 50) simulateTraffic(world, metrics, t, t + 50);
    expect(sum(metrics, "SurgeQueueLength", "solo", T0, T0 + MIN, "Maximum")).toBeLessThan(20);
    expect(sum(metrics, "SpilloverCount", "solo", T0, T0 + MIN)).toBeUndefined();
    const requests = sum(metrics, "RequestCount", "solo", T0, T0 + MIN) ?? 0;
    expect(requests).toBeGreaterThan(5_500);
    expect(sum(metrics, "Latency", "solo", T0, T0 + MIN, "p50")).toBeLessThan(0.05);
  });

  it("shows a bad version in 5xx and latency", () => {
    const world = makeWorld({
      lbs: twoColours(),
      versions: { v1: { baseLatencyMs: 20 }, v2: { baseLatencyMs: 200, errorRate: 0.2, connectionErrorRate: 0.05 } },
      records: [weighted("blue", "blue", 1), weighted("green", "green", 1)],
    });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + 10 * MIN);
    const end = T0 + 10 * MIN;
    expect(sum(metrics, "HTTPCode_Backend_5XX", "blue", T0, end)).toBeUndefined();
    const greenRequests = sum(metrics, "RequestCount", "green", T0, end) ?? 0;
    const green5xx = sum(metrics, "HTTPCode_Backend_5XX", "green", T0, end) ?? 0;
    const connErrors = sum(metrics, "BackendConnectionErrors", "green", T0, end) ?? 0;
    expect(connErrors / greenRequests).toBeCloseTo(0.05, 2);
    expect(green5xx / (greenRequests - connErrors)).toBeCloseTo(0.2, 1);
    expect(sum(metrics, "HTTPCode_ELB_5XX", "green", T0, end)).toBe(connErrors);
    const blueP50 = sum(metrics, "Latency", "blue", T0, end, "p50") ?? 0;
    const greenP50 = sum(metrics, "Latency", "green", T0, end, "p50") ?? 0;
    const greenP99 = sum(metrics, "Latency", "green", T0, end, "p99") ?? 0;
    expect(blueP50).toBeGreaterThan(0.015);
    expect(blueP50).toBeLessThan(0.03);
    expect(greenP50).toBeGreaterThan(0.15);
    expect(greenP99).toBeGreaterThan(greenP50 * 1.5);
    // Latency's SampleCount counts requests answered by the backend.
    expect(sum(metrics, "Latency", "green", T0, end, "SampleCount")).toBe(greenRequests - connErrors);
  });

  it("counts a failing instance's requests as connection errors", () => {
    const world = makeWorld({
      lbs: [
        {
          name: "solo",
          instances: [
            { id: "i-1", version: "v1" },
            { id: "i-2", version: "v1", failing: true },
          ],
        },
      ],
      versions: { v1: {} },
    });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + MIN);
    const requests = sum(metrics, "RequestCount", "solo", T0, T0 + MIN) ?? 0;
    expect((sum(metrics, "BackendConnectionErrors", "solo", T0, T0 + MIN) ?? 0) / requests).toBeCloseTo(0.5, 1);
  });

  it("records per-AZ metrics and splits per zone without cross-zone load balancing", () => {
    const world = makeWorld({
      lbs: [
        {
          name: "solo",
          crossZone: false,
          instances: [
            { id: "i-1", version: "v1" },
            { id: "i-2", version: "v1" },
            { id: "i-3", version: "v1", az: "eu-west-1b" },
          ],
        },
      ],
      versions: { v1: {} },
    });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + MIN);
    const az = (zone: string) =>
      metrics.statistics({
        key: {
          namespace: "AWS/ELB",
          metricName: "RequestCount",
          dimensions: [
            { Name: "LoadBalancerName", Value: "solo" },
            { Name: "AvailabilityZone", Value: zone },
          ],
        },
        startMs: T0,
        endMs: T0 + MIN,
        periodS: 60,
      })[0]?.sum ?? 0;
    expect(az("eu-west-1a") / az("eu-west-1b")).toBeCloseTo(1, 1);
  });

  it("reports nothing in minutes without requests", () => {
    const world = makeWorld({ lbs: twoColours(), versions: { v1: {}, v2: {} }, dns: { requestsPerSecond: 0 } });
    const metrics = new MetricStore();
    run(world, metrics, T0, T0 + 5 * MIN);
    expect(metrics.listMetrics({ namespace: "AWS/ELB" })).toHaveLength(0);
    // A running instance still reports its (idle) CPU, as EC2 does whether or not requests flow.
    expect(metrics.listMetrics().every((m) => m.namespace === "AWS/EC2" && m.metricName === "CPUUtilization")).toBe(true);
  });

  it("is deterministic for a seed", () => {
    const make = () =>
      makeWorld({
        lbs: twoColours(),
        versions: { v1: {}, v2: { errorRate: 0.1 } },
        records: [weighted("blue", "blue", 1), weighted("green", "green", 1)],
      });
    const a = new MetricStore();
    const b = new MetricStore();
    run(make(), a, T0, T0 + 3 * MIN);
    run(make(), b, T0, T0 + 3 * MIN);
    for (const m of ["RequestCount", "HTTPCode_Backend_5XX"]) expect(sum(a, m, "green", T0, T0 + 3 * MIN)).toBe(sum(b, m, "green", T0, T0 + 3 * MIN));
    expect(sum(a, "Latency", "green", T0, T0 + 3 * MIN, "p99")).toBe(sum(b, "Latency", "green", T0, T0 + 3 * MIN, "p99"));
  });

  // How fast the backfill runs is a benchmark figure (scripts/bench-range.ts), not a timed assertion.
  it("backfills three hours of a demo-sized world with one point per minute", () => {
    const lbs: LbSpec[] = [];
    const records: SimRecordSet[] = [];
    for (let app = 0; app < 4; app++) {
      for (const colour of ["blue", "green"]) {
        const name = `app${app}-${colour}`;
        lbs.push({
          name,
          instances: Array.from({ length: 4 }, (_, i) => ({ id: `i-${name}-${i}`, version: colour, az: i % 2 ? "eu-west-1a" : "eu-west-1b" })),
        });
        records.push({ ...weighted(name, name, colour === "blue" ? 9 : 1), Name: `app${app}.example.com.` });
      }
    }
    const world = makeWorld({ lbs, versions: { blue: {}, green: {} }, records, dns: { clients: 1_000, ignoreTtlShare: 0.1 } });
    configureTraffic(world, { seed: 2, wobble: true });
    const metrics = new MetricStore();
    simulateTraffic(world, metrics, T0 - 3 * 3_600_000, T0);
    const points = metrics.statistics({
      key: { namespace: "AWS/ELB", metricName: "RequestCount", dimensions: [{ Name: "LoadBalancerName", Value: "app0-blue" }] },
      startMs: T0 - 3 * 3_600_000,
      endMs: T0,
      periodS: 60,
    });
    expect(points).toHaveLength(180);
    // The wobble makes the rate move from minute to minute.
    expect(new Set(points.map((p) => p.sum)).size).toBeGreaterThan(100);
  });
});
