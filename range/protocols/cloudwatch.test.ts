/**
 * CloudWatch over HTTP with the real `@aws-sdk/client-cloudwatch`: the JSON 1.0 (query-compatible)
 * protocol the SDK sends today, and the classic awsQuery form through the SDK's own query protocol.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidNextToken,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  ListMetricsCommand,
  MissingRequiredParameterException,
  ValidationException,
  type MetricDataQuery,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { AwsQueryProtocol } from "@aws-sdk/core/protocols";
import { XMLParser } from "fast-xml-parser";
import { cloudWatchError, handleCloudWatch } from "./cloudwatch";
import { MetricStore } from "@/range/world/metrics";
import type { SimHttpRequest } from "./http";
import type { SimMetricKey, SimWorld } from "@/range/world/state";

const T0 = Date.UTC(2026, 8, 1, 12, 0, 0);
const MIN = 60_000;

function key(metricName: string, lb = "blue"): SimMetricKey {
  return { namespace: "AWS/ELB", metricName, dimensions: [{ Name: "LoadBalancerName", Value: lb }] };
}

function makeWorld(): SimWorld {
  return {
    nowMs: T0 + 60 * MIN,
    config: {
      speed: 1,
      route53PropagationMs: 30_000,
      route53ProcessingMs: 2_000,
      instanceBootMs: 60_000,
      dnsClients: { clients: 10, ignoreTtlShare: 0, stickyMs: 1, requestsPerSecond: 0 },
      region: "us-east-1",
      accountId: "123456789012",
    },
    faults: { throttleRate: 0, errorRate: 0, latencyMs: 0 },
    zones: new Map(),
    changes: new Map(),
    loadBalancers: new Map(),
    instances: new Map(),
    versions: new Map(),
  };
}

/**
 * Known data: minutes 0, 1, 2 and 4 (minute 3 missing) of blue. In minute m, Latency samples
 * are (1..100) × (m + 1) ms and RequestCount is 100 requests; HTTPCode_Backend_5XX is 5 in minute 1.
 */
function seed(store: MetricStore): void {
  for (const m of [0, 1, 2, 4]) {
    for (let i = 1; i <= 100; i++)
      store.recordStatistics(
        key("Latency"),
        T0 + m * MIN + i * 100,
        { sampleCount: 1, sum: (i * (m + 1)) / 1000, min: (i * (m + 1)) / 1000, max: (i * (m + 1)) / 1000 },
        [(i * (m + 1)) / 1000],
        "Seconds",
      );
    store.recordStatistics(key("RequestCount"), T0 + m * MIN, { sampleCount: 100, sum: 100, min: 1, max: 1 }, undefined, "Count");
  }
  store.recordStatistics(key("HTTPCode_Backend_5XX"), T0 + MIN, { sampleCount: 5, sum: 5, min: 1, max: 1 }, undefined, "Count");
  store.recordStatistics(key("RequestCount", "green"), T0, { sampleCount: 7, sum: 7, min: 1, max: 1 }, undefined, "Count");
  store.record(
    {
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      dimensions: [
        { Name: "ClusterName", Value: "c1" },
        { Name: "ServiceName", Value: "s1" },
      ],
    },
    T0,
    42,
  );
}

let server: Server;
let endpoint: string;
let json: CloudWatchClient;
let query: CloudWatchClient;
const world = makeWorld();
const store = new MetricStore();
/** When set, the next request is answered with this error (as the server's fault injection does). */
let injectFault: { code: string; message: string; status: number } | undefined;
/** Content type of the last request, to prove which protocol each client spoke. */
let lastContentType = "";

beforeAll(async () => {
  seed(store);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
      const simReq: SimHttpRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers,
        body: Buffer.concat(chunks),
      };
      lastContentType = headers["content-type"] ?? "";
      const fault = injectFault;
      injectFault = undefined;
      const response = fault ? cloudWatchError(simReq, fault.code, fault.message, fault.status) : handleCloudWatch(world, store, simReq);
      res.writeHead(response.status, response.headers);
      res.end(response.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const common = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
  json = new CloudWatchClient(common);
  query = new CloudWatchClient({ ...common, protocol: AwsQueryProtocol });
});

afterAll(async () => {
  json.destroy();
  query.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const stat = (id: string, metricName: string, s: string, lb = "blue", period = 60): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: "AWS/ELB", MetricName: metricName, Dimensions: [{ Name: "LoadBalancerName", Value: lb }] },
    Period: period,
    Stat: s,
  },
});

function byId(results: MetricDataResult[] | undefined, id: string): MetricDataResult {
  const r = results?.find((x) => x.Id === id);
  if (!r) throw new Error(`no result ${id}`);
  return r;
}

async function expectError(promise: Promise<unknown>, ctor: abstract new (...args: never[]) => Error, message?: RegExp): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ctor);
    if (message) expect((err as Error).message).toMatch(message);
    return err as Error;
  }
  throw new Error("expected the call to fail");
}

describe.each([
  ["JSON 1.0", () => json, "application/x-amz-json-1.0"],
  ["awsQuery", () => query, "application/x-www-form-urlencoded"],
])("CloudWatch over %s with the real SDK", (_name, client, contentType) => {
  it("speaks the expected wire protocol", async () => {
    await client().send(new ListMetricsCommand({}));
    expect(lastContentType).toBe(contentType);
  });

  it("answers GetMetricData with several queries, p99 included, newest first", async () => {
    const out = await client().send(
      new GetMetricDataCommand({
        StartTime: new Date(T0 + 30_000), // rounded down to T0
        EndTime: new Date(T0 + 10 * MIN),
        MetricDataQueries: [
          stat("p99", "Latency", "p99"),
          stat("avg", "Latency", "Average"),
          stat("requests", "RequestCount", "Sum"),
          { ...stat("errors", "HTTPCode_Backend_5XX", "Sum"), ReturnData: false },
          { Id: "errorRate", Expression: "100 * FILL(errors, 0) / requests", Label: "5xx %" },
        ],
      }),
    );
    const minutes = (r: MetricDataResult) => r.Timestamps?.map((t) => (t.getTime() - T0) / MIN);
    const p99 = byId(out.MetricDataResults, "p99");
    expect(p99.Label).toBe("Latency");
    expect(p99.StatusCode).toBe("Complete");
    expect(minutes(p99)).toEqual([4, 2, 1, 0]); // minute 3 had no data: absent, not zero
    expect(p99.Values).toEqual([0.495, 0.297, 0.198, 0.099]);
    expect(byId(out.MetricDataResults, "avg").Values?.[3]).toBeCloseTo(0.0505, 10);
    expect(byId(out.MetricDataResults, "requests").Values).toEqual([100, 100, 100, 100]);
    expect(out.MetricDataResults?.some((r) => r.Id === "errors")).toBe(false);
    const rate = byId(out.MetricDataResults, "errorRate");
    expect(rate.Label).toBe("5xx %");
    expect(minutes(rate)).toEqual([4, 2, 1, 0]);
    expect(rate.Values).toEqual([0, 0, 5, 0]);
    expect(out.NextToken).toBeUndefined();
  });

  it("averages an array of series with AVG([...]) at each time, over the series present then", async () => {
    const out = await client().send(
      new GetMetricDataCommand({
        StartTime: new Date(T0),
        EndTime: new Date(T0 + 10 * MIN),
        ScanBy: "TimestampAscending",
        MetricDataQueries: [
          { ...stat("requests", "RequestCount", "Sum"), ReturnData: false },
          { ...stat("p99", "Latency", "p99"), ReturnData: false },
          { Id: "mean", Expression: "AVG([requests, p99])" },
          { Id: "scalar", Expression: "AVG(requests)" },
        ],
      }),
    );
    const mean = byId(out.MetricDataResults, "mean");
    expect(mean.Timestamps?.map((t) => (t.getTime() - T0) / MIN)).toEqual([0, 1, 2, 4]);
    expect(mean.Values?.[0]).toBeCloseTo((100 + 0.099) / 2, 10);
    expect(byId(out.MetricDataResults, "scalar").Values?.[0]).toBe(100);
    expect(out.MetricDataResults?.map((r) => r.Id)).toEqual(["mean", "scalar"]);
  });

  it("aggregates periods, scans ascending and omits empty periods", async () => {
    const out = await client().send(
      new GetMetricDataCommand({
        StartTime: new Date(T0),
        EndTime: new Date(T0 + 60 * MIN),
        ScanBy: "TimestampAscending",
        MetricDataQueries: [
          stat("sum", "RequestCount", "Sum", "blue", 300),
          stat("max", "Latency", "Maximum", "blue", 300),
          stat("none", "RequestCount", "Sum", "nobody", 300),
        ],
      }),
    );
    expect(byId(out.MetricDataResults, "sum").Timestamps).toEqual([new Date(T0)]);
    expect(byId(out.MetricDataResults, "sum").Values).toEqual([400]);
    expect(byId(out.MetricDataResults, "max").Values).toEqual([0.5]);
    expect(byId(out.MetricDataResults, "none").Values).toEqual([]);
    expect(byId(out.MetricDataResults, "none").StatusCode).toBe("Complete");
  });

  it("pages with NextToken and PartialData beyond MaxDatapoints", async () => {
    const input = {
      StartTime: new Date(T0),
      EndTime: new Date(T0 + 10 * MIN),
      MaxDatapoints: 3,
      MetricDataQueries: [stat("a", "RequestCount", "Sum"), stat("b", "Latency", "p50")],
    };
    const first = await client().send(new GetMetricDataCommand(input));
    expect(byId(first.MetricDataResults, "a").Values).toHaveLength(3);
    expect(byId(first.MetricDataResults, "a").StatusCode).toBe("PartialData");
    expect(byId(first.MetricDataResults, "b").Values).toHaveLength(0);
    expect(first.NextToken).toBeDefined();
    const collected = new Map<string, number[]>();
    let token = first.NextToken;
    for (const r of first.MetricDataResults ?? []) collected.set(r.Id ?? "", [...(r.Values ?? [])]);
    let pages = 1;
    while (token) {
      const page = await client().send(new GetMetricDataCommand({ ...input, NextToken: token }));
      for (const r of page.MetricDataResults ?? []) collected.set(r.Id ?? "", [...(collected.get(r.Id ?? "") ?? []), ...(r.Values ?? [])]);
      token = page.NextToken;
      pages++;
    }
    expect(pages).toBe(3);
    expect(collected.get("a")).toEqual([100, 100, 100, 100]);
    expect(collected.get("b")).toEqual([0.25, 0.15, 0.1, 0.05]);
  });

  it("answers GetMetricStatistics with Statistics or ExtendedStatistics", async () => {
    const base = {
      Namespace: "AWS/ELB",
      MetricName: "Latency",
      Dimensions: [{ Name: "LoadBalancerName", Value: "blue" }],
      StartTime: new Date(T0),
      EndTime: new Date(T0 + 10 * MIN),
      Period: 60,
    };
    const simple = await client().send(
      new GetMetricStatisticsCommand({ ...base, Statistics: ["Average", "Sum", "SampleCount", "Minimum", "Maximum"] }),
    );
    expect(simple.Label).toBe("Latency");
    const points = [...(simple.Datapoints ?? [])].sort((a, b) => (a.Timestamp?.getTime() ?? 0) - (b.Timestamp?.getTime() ?? 0));
    expect(points.map((p) => ((p.Timestamp?.getTime() ?? 0) - T0) / MIN)).toEqual([0, 1, 2, 4]);
    expect(points[0]).toMatchObject({ SampleCount: 100, Minimum: 0.001, Maximum: 0.1, Unit: "Seconds" });
    expect(points[0]?.Sum).toBeCloseTo(5.05, 10);
    const ext = await client().send(new GetMetricStatisticsCommand({ ...base, ExtendedStatistics: ["p99", "p50", "p99.5"] }));
    const first = ext.Datapoints?.find((p) => p.Timestamp?.getTime() === T0);
    expect(first?.ExtendedStatistics).toEqual({ p99: 0.099, p50: 0.05, "p99.5": 0.1 });
    expect(first?.Average).toBeUndefined();
  });

  it("lists metrics with namespace, name and dimension filters", async () => {
    const all = await client().send(new ListMetricsCommand({}));
    expect(all.Metrics).toHaveLength(5);
    const elb = await client().send(new ListMetricsCommand({ Namespace: "AWS/ELB", MetricName: "RequestCount" }));
    expect(elb.Metrics?.map((m) => m.Dimensions?.[0]?.Value)).toEqual(["blue", "green"]);
    const green = await client().send(new ListMetricsCommand({ Dimensions: [{ Name: "LoadBalancerName", Value: "green" }] }));
    expect(green.Metrics).toEqual([{ Namespace: "AWS/ELB", MetricName: "RequestCount", Dimensions: [{ Name: "LoadBalancerName", Value: "green" }] }]);
    const ecs = await client().send(new ListMetricsCommand({ Dimensions: [{ Name: "ServiceName" }] }));
    expect(ecs.Metrics?.[0]?.Dimensions).toEqual([
      { Name: "ClusterName", Value: "c1" },
      { Name: "ServiceName", Value: "s1" },
    ]);
  });

  it("raises the SDK's exception classes for invalid requests", async () => {
    const range = { StartTime: new Date(T0), EndTime: new Date(T0 + 10 * MIN) };
    await expectError(
      client().send(new GetMetricDataCommand({ ...range, MetricDataQueries: [stat("Bad", "Latency", "p99")] })),
      ValidationException,
      /regular expression/,
    );
    await expectError(
      client().send(new GetMetricDataCommand({ ...range, MetricDataQueries: [stat("a", "Latency", "p99"), stat("a", "Latency", "Sum")] })),
      ValidationException,
      /not unique/,
    );
    await expectError(
      client().send(new GetMetricDataCommand({ ...range, MetricDataQueries: [{ ...stat("a", "Latency", "p99"), Expression: "a" }] })),
      ValidationException,
      /Exactly one/,
    );
    await expectError(client().send(new GetMetricDataCommand({ ...range, MetricDataQueries: [{ Id: "a" }] })), ValidationException);
    await expectError(
      client().send(new GetMetricDataCommand({ ...range, MetricDataQueries: [stat("a", "Latency", "p99", "blue", 30)] })),
      InvalidParameterValueException,
      /multiple of 60/,
    );
    await expectError(
      client().send(new GetMetricDataCommand({ ...range, MetricDataQueries: [stat("a", "Latency", "p999")] })),
      InvalidParameterValueException,
      /statistic/,
    );
    await expectError(
      client().send(
        new GetMetricDataCommand({
          ...range,
          MetricDataQueries: [stat("a", "Latency", "p99"), { Id: "b", Expression: "ANOMALY_DETECTION_BAND(a)" }],
        }),
      ),
      ValidationException,
      /supports metric math/,
    );
    await expectError(
      client().send(new GetMetricDataCommand({ ...range, MetricDataQueries: [{ Id: "b", Expression: "c * 2" }] })),
      ValidationException,
      /Unrecognized/,
    );
    await expectError(
      client().send(new GetMetricDataCommand({ StartTime: new Date(T0), EndTime: new Date(T0), MetricDataQueries: [stat("a", "Latency", "p99")] })),
      InvalidParameterValueException,
      /StartTime/,
    );
    const many = Array.from({ length: 501 }, (_, i) => stat(`q${i}`, "Latency", "Sum"));
    await expectError(client().send(new GetMetricDataCommand({ ...range, MetricDataQueries: many })), ValidationException, /500/);
    await expectError(
      client().send(new GetMetricDataCommand({ ...range, MetricDataQueries: [stat("a", "Latency", "p99")], NextToken: "bm9wZQ==" })),
      InvalidNextToken,
    );

    const statsBase = { Namespace: "AWS/ELB", MetricName: "Latency", Period: 60, ...range };
    await expectError(
      client().send(new GetMetricStatisticsCommand(statsBase)),
      InvalidParameterCombinationException,
      /Statistics or ExtendedStatistics/,
    );
    await expectError(
      client().send(new GetMetricStatisticsCommand({ ...statsBase, Statistics: ["Sum"], EndTime: new Date(T0 + 1_441 * MIN) })),
      InvalidParameterCombinationException,
      /1,441 datapoints.*1,440/,
    );
    await expectError(
      client().send(new GetMetricStatisticsCommand({ ...statsBase, ExtendedStatistics: ["median"] })),
      InvalidParameterValueException,
    );
    await expectError(
      client().send(new GetMetricStatisticsCommand({ ...statsBase, Namespace: "", Statistics: ["Sum"] })),
      MissingRequiredParameterException,
      /Namespace/,
    );
  });

  it("answers injected throttling and server faults so the SDK classifies them", async () => {
    injectFault = { code: "Throttling", message: "Rate exceeded", status: 400 };
    const throttled = await expectError(client().send(new ListMetricsCommand({})), Error, /Rate exceeded/);
    expect(throttled.name).toBe("Throttling");
    injectFault = { code: "InternalServiceError", message: "boom", status: 500 };
    const failed = await expectError(client().send(new ListMetricsCommand({})), Error, /boom/);
    expect(failed.name).toBe("InternalServiceFault");
  });
});

describe("CloudWatch awsQuery wire format", () => {
  const form = (params: Record<string, string>) =>
    fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: new URLSearchParams({ Version: "2010-08-01", ...params }).toString(),
    });

  it("answers XML with ISO-8601 timestamps", async () => {
    const res = await form({
      Action: "GetMetricData",
      StartTime: new Date(T0).toISOString(),
      EndTime: new Date(T0 + 3 * MIN).toISOString(),
      "MetricDataQueries.member.1.Id": "m1",
      "MetricDataQueries.member.1.MetricStat.Metric.Namespace": "AWS/ELB",
      "MetricDataQueries.member.1.MetricStat.Metric.MetricName": "RequestCount",
      "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name": "LoadBalancerName",
      "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value": "blue",
      "MetricDataQueries.member.1.MetricStat.Period": "60",
      "MetricDataQueries.member.1.MetricStat.Stat": "Sum",
    });
    expect(res.status).toBe(200);
    const doc = new XMLParser({ isArray: (name) => name === "member" }).parse(await res.text()) as {
      GetMetricDataResponse: {
        GetMetricDataResult: { MetricDataResults: { member: { Id: string; Timestamps: { member: string[] }; StatusCode: string }[] } };
      };
    };
    const [r] = doc.GetMetricDataResponse.GetMetricDataResult.MetricDataResults.member;
    expect(r?.Id).toBe("m1");
    expect(r?.Timestamps.member).toEqual(["2026-09-01T12:02:00Z", "2026-09-01T12:01:00Z", "2026-09-01T12:00:00Z"]);
    expect(r?.StatusCode).toBe("Complete");
  });

  it("answers errors as ErrorResponse with the query code", async () => {
    const res = await form({
      Action: "GetMetricStatistics",
      Namespace: "AWS/ELB",
      MetricName: "Latency",
      StartTime: new Date(T0).toISOString(),
      EndTime: new Date(T0 + MIN).toISOString(),
      Period: "60",
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain("<Code>InvalidParameterCombination</Code>");
    expect(text).toContain("<Type>Sender</Type>");
    const unknown = await form({ Action: "PutDashboard" });
    expect(await unknown.text()).toContain("<Code>InvalidAction</Code>");
  });
});
