import { CreateHostedZoneCommand, ListHostedZonesCommand, Route53Client } from "@aws-sdk/client-route-53";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createStats,
  isMutatingOperation,
  RECENT_REQUESTS,
  recordRequest,
  resetStats,
  statsView,
  type RangeStats,
  type RequestRecord,
} from "./stats";
import { startTestRange, type TestRange } from "@/test/support/range";

describe("isMutatingOperation", () => {
  it("treats Describe*, List* and Get* as reads and everything else as a change", () => {
    for (const op of ["DescribeInstanceHealth", "ListResourceRecordSets", "GetChange", "GetMetricData", "DescribeServices", "ListTasks"]) {
      expect(isMutatingOperation(op)).toBe(false);
    }
    for (const op of ["ChangeResourceRecordSets", "UpdateService", "ModifyListener", "ExitStandby", "SetDesiredCapacity", "Getaway"]) {
      expect(isMutatingOperation(op)).toBe(true);
    }
  });
});

describe("the ring of the latest requests", () => {
  it("keeps each request's arrival time, status, cost, kind, throttling and user agent, oldest first in the view", () => {
    const stats = createStats(0);
    recordRequest(stats, "route53", "ListResourceRecordSets", 0.4, { receivedAtMs: 1_000, status: 200, userAgent: "sdk teal/page" });
    recordRequest(stats, "route53", "ChangeResourceRecordSets", 0.7, { receivedAtMs: 1_010, status: 200 });
    recordRequest(stats, "elbv2", "ModifyListener", 0.2, { receivedAtMs: 1_020, status: 400, throttled: true, userAgent: "x".repeat(400) });
    expect(statsView(stats).requests).toEqual<RequestRecord[]>([
      {
        seq: 1,
        receivedAtMs: 1_000,
        service: "route53",
        operation: "ListResourceRecordSets",
        mutating: false,
        status: 200,
        processingMs: 0.4,
        throttled: false,
        userAgent: "sdk teal/page",
      },
      {
        seq: 2,
        receivedAtMs: 1_010,
        service: "route53",
        operation: "ChangeResourceRecordSets",
        mutating: true,
        status: 200,
        processingMs: 0.7,
        throttled: false,
        userAgent: "",
      },
      {
        seq: 3,
        receivedAtMs: 1_020,
        service: "elbv2",
        operation: "ModifyListener",
        mutating: true,
        status: 400,
        processingMs: 0.2,
        throttled: true,
        userAgent: "x".repeat(300),
      },
    ]);
  });

  it("is bounded: the oldest entries are overwritten, and the view stays in arrival order", () => {
    const stats = createStats(0);
    const n = RECENT_REQUESTS + 7;
    for (let i = 1; i <= n; i++) recordRequest(stats, "ecs", "UpdateService", 1, { receivedAtMs: i, status: 200 });
    expect(stats.requests).toHaveLength(RECENT_REQUESTS);
    const seqs = (statsView(stats).requests ?? []).map((r) => r.seq);
    expect(seqs[0]).toBe(n - RECENT_REQUESTS + 1);
    expect(seqs[seqs.length - 1]).toBe(n);
    expect(seqs.every((s, i) => i === 0 || s === (seqs[i - 1] ?? 0) + 1)).toBe(true);
    // Counters still see every request.
    expect(stats.total).toBe(n);
  });

  it("records nothing without detail, and a reset empties it", () => {
    const stats = createStats(0);
    recordRequest(stats, "ecs", "DescribeServices", 1);
    expect(stats.requests).toEqual([]);
    recordRequest(stats, "ecs", "UpdateService", 1, { receivedAtMs: 5, status: 200 });
    expect(stats.requests).toHaveLength(1);
    resetStats(stats, 10);
    expect(stats.requests).toEqual([]);
    expect(stats.total).toBe(0);
  });
});

describe("the range's /_sim/stats", () => {
  let range: TestRange;
  let r53: Route53Client;

  beforeAll(async () => {
    range = await startTestRange();
    r53 = new Route53Client(range.clientConfig);
  });

  afterAll(async () => {
    r53.destroy();
    await range.close();
  });

  it("answers the latest requests with their wall-clock arrival, reads and changes told apart", async () => {
    await fetch(`${range.url}/_sim/stats/reset`, { method: "POST" });
    const before = Date.now();
    await r53.send(new ListHostedZonesCommand({}));
    await r53.send(new CreateHostedZoneCommand({ Name: "ring.example", CallerReference: "ring" }));
    const after = Date.now();
    const stats = (await (await fetch(`${range.url}/_sim/stats`)).json()) as RangeStats;
    const requests = stats.requests ?? [];
    expect(requests.map((r) => [r.seq, r.operation, r.mutating, r.status, r.throttled])).toEqual([
      [1, "ListHostedZones", false, 200, false],
      [2, "CreateHostedZone", true, 201, false],
    ]);
    // The SDK's User-Agent header, as CloudTrail keeps it.
    expect(requests.every((r) => r.userAgent.includes("aws-sdk-js"))).toBe(true);
    for (const r of requests) {
      // The wall clock, not the range's hand-driven one.
      expect(r.receivedAtMs).toBeGreaterThanOrEqual(before);
      expect(r.receivedAtMs).toBeLessThanOrEqual(after);
      expect(r.processingMs).toBeGreaterThanOrEqual(0);
    }
    expect((requests[1]?.receivedAtMs ?? 0) >= (requests[0]?.receivedAtMs ?? Infinity)).toBe(true);
  });
});
