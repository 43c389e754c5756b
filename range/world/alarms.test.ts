/**
 * CloudWatch metric alarms: the evaluation rules on a hand-filled metric store (M of N, missing
 * data, reasons, catch-up), and the API with the real `@aws-sdk/client-cloudwatch` through a running
 * practice range, in both wire protocols, including an OK → ALARM → OK lifecycle driven by the
 * traffic model's own AWS/ELB metrics.
 */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  InvalidFormatFault,
  InvalidNextToken,
  InvalidParameterCombinationException,
  MissingRequiredParameterException,
  PutMetricAlarmCommand,
  ResourceNotFound,
  SetAlarmStateCommand,
  ValidationException,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
} from "@aws-sdk/client-cloudwatch";
import { AwsQueryProtocol } from "@aws-sdk/core/protocols";
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand,
  ElasticLoadBalancingClient,
  RegisterInstancesWithLoadBalancerCommand,
} from "@aws-sdk/client-elastic-load-balancing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alarmsOf, evaluateAlarms, putMetricAlarm, setAlarmState, type PutMetricAlarmInput } from "./alarms";
import { MetricStore } from "./metrics";
import type { SimMetricKey } from "./state";
import { startTestRange, type TestRange } from "@/test/support/range";
import { createWorld } from "./world";

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);
const KEY: SimMetricKey = { namespace: "AWS/ELB", metricName: "HTTPCode_Backend_5XX", dimensions: [{ Name: "LoadBalancerName", Value: "shop" }] };

function alarmInput(overrides: Partial<PutMetricAlarmInput> = {}): PutMetricAlarmInput {
  return {
    AlarmName: "shop-5xx",
    Namespace: KEY.namespace,
    MetricName: KEY.metricName,
    Dimensions: KEY.dimensions,
    Statistic: "Sum",
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 5,
    ComparisonOperator: "GreaterThanThreshold",
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    hasMetrics: false,
    ...overrides,
  };
}

/** A world at T0 with an alarm, and a store that gets `values[i]` in minute i (undefined = no data). */
function scenario(values: (number | undefined)[], overrides: Partial<PutMetricAlarmInput> = {}) {
  const world = createWorld({}, { now: () => T0 });
  const store = new MetricStore();
  values.forEach((v, i) => {
    if (v !== undefined) store.recordStatistics(KEY, T0 + i * MIN + 1_000, { sampleCount: 1, sum: v, min: v, max: v }, [v], "Count");
  });
  putMetricAlarm(world, alarmInput(overrides));
  const alarm = alarmsOf(world).get(overrides.AlarmName ?? "shop-5xx");
  if (!alarm) throw new Error("alarm not stored");
  /** Evaluates at the boundary after minute `minute` (i.e. with minutes 0..minute complete). */
  const at = (minute: number) => {
    world.nowMs = T0 + (minute + 1) * MIN;
    evaluateAlarms(world, store, world.nowMs);
    return alarm;
  };
  return { world, store, alarm, at };
}

describe("alarm evaluation", () => {
  it("starts INSUFFICIENT_DATA and crosses with an AWS-like reason and reason data", () => {
    const { alarm, at } = scenario([1, 12, 2]);
    expect(alarm.state).toBe("INSUFFICIENT_DATA");
    expect(alarm.stateReason).toBe("Unchecked: Initial alarm creation");
    expect(at(0).state).toBe("OK");
    expect(at(1).state).toBe("ALARM");
    expect(alarm.stateReason).toBe(
      "Threshold Crossed: 1 out of the last 1 datapoints [12.0 (26/11/26 10:01:00)] was greater than the threshold (5.0) (minimum 1 datapoint for OK -> ALARM transition).",
    );
    expect(alarm.stateUpdatedMs).toBe(T0 + 2 * MIN);
    const data = JSON.parse(alarm.stateReasonData ?? "{}") as {
      statistic: string;
      period: number;
      recentDatapoints: number[];
      threshold: number;
      evaluatedDatapoints: { timestamp: string; value: number }[];
    };
    expect(data).toMatchObject({ statistic: "Sum", period: 60, recentDatapoints: [12], threshold: 5 });
    expect(data.evaluatedDatapoints).toEqual([{ timestamp: "2026-11-26T10:01:00.000+0000", sampleCount: 1, value: 12 }]);
    expect(at(2).state).toBe("OK");
    expect(alarm.stateReason).toBe(
      "Threshold Crossed: 1 out of the last 1 datapoints [2.0 (26/11/26 10:02:00)] was not greater than the threshold (5.0) (minimum 1 datapoint for ALARM -> OK transition).",
    );
  });

  it("needs M of N breaching datapoints, and N − M + 1 good ones to return to OK", () => {
    const { alarm, at } = scenario([9, 1, 9, 9, 1, 1], { EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(at(1).state).toBe("INSUFFICIENT_DATA"); // two real points, 1 bad: neither side settled
    expect(at(2).state).toBe("ALARM"); // 9 1 9: two of three
    expect(alarm.stateReason).toContain("2 out of the last 3 datapoints [9.0 (26/11/26 10:02:00), 9.0 (26/11/26 10:00:00)] were greater than");
    expect(alarm.stateReason).toContain("(minimum 2 datapoints for INSUFFICIENT_DATA -> ALARM transition)");
    expect(at(3).state).toBe("ALARM"); // 1 9 9
    expect(at(4).state).toBe("ALARM"); // 9 9 1
    expect(at(5).state).toBe("OK"); // 9 1 1: two good ones are needed (3 − 2 + 1)
    expect(alarm.stateReason).toContain("(minimum 2 datapoints for ALARM -> OK transition)");
  });

  it.each([
    ["missing", "INSUFFICIENT_DATA", "Insufficient Data: 1 datapoint was unknown."],
    ["breaching", "ALARM", "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [Breaching]."],
    ["notBreaching", "OK", undefined],
    ["ignore", "OK", undefined],
  ] as const)("with no data at all and TreatMissingData %s goes to %s", (treat, state, reason) => {
    // Minutes 0-1 are fine; then nothing for longer than the evaluation range (1 + 2 periods).
    const { alarm, at } = scenario([1, 1], { TreatMissingData: treat });
    expect(at(1).state).toBe("OK");
    const before = alarm.stateReason;
    expect(at(6).state).toBe(state);
    // Without a transition the reason stays the one of the last change.
    expect(alarm.stateReason).toBe(reason ?? before);
  });

  it("with notBreaching reports the missing datapoints it treated as good", () => {
    const { alarm, at } = scenario([9, 9], { TreatMissingData: "notBreaching" });
    expect(at(1).state).toBe("ALARM");
    expect(at(6).state).toBe("OK");
    expect(alarm.stateReason).toBe(
      "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].",
    );
  });

  it("uses older real datapoints from the evaluation range before filling in missing ones", () => {
    // 3 of 3 with the newest minute missing: minutes 0..2 still give three real bad points.
    const { alarm, at } = scenario([9, 9, 9, undefined], { EvaluationPeriods: 3, TreatMissingData: "notBreaching" });
    expect(at(3).state).toBe("ALARM");
    // Fill only what is missing: 2 real bad points + 1 filled as breaching reach 3 of 3.
    // Minutes 1..5 form the range at 10:06: only two real points, so one is filled in.
    const filled = scenario([1, undefined, undefined, undefined, 9, 9], { EvaluationPeriods: 3, TreatMissingData: "breaching", AlarmName: "filled" });
    expect(filled.at(4).state).toBe("OK");
    expect(filled.at(5).state).toBe("ALARM");
    expect(filled.alarm.stateReason).toContain("(1 missing datapoint treated as [Breaching])");
    expect(alarm.state).toBe("ALARM");
  });

  it("catches up on missed boundaries and stamps each transition with its own boundary", () => {
    const { alarm, world, store } = scenario([1, 1, 9, 9, 9]);
    world.nowMs = T0 + 10 * MIN;
    evaluateAlarms(world, store, world.nowMs);
    // OK at 10:01, ALARM at 10:03 (minute 2), then no data: `missing` → INSUFFICIENT_DATA at 10:08.
    expect(alarm.state).toBe("INSUFFICIENT_DATA");
    expect(alarm.stateUpdatedMs).toBe(T0 + 8 * MIN);
    // A second call at the same time changes nothing.
    evaluateAlarms(world, store, world.nowMs);
    expect(alarm.stateUpdatedMs).toBe(T0 + 8 * MIN);
  });

  it("is returned to the state the data asks for after SetAlarmState", () => {
    const { alarm, at, world } = scenario([1, 1, 1]);
    expect(at(0).state).toBe("OK");
    setAlarmState(world, "shop-5xx", "ALARM", "testing");
    expect(alarm.state).toBe("ALARM");
    expect(alarm.stateReason).toBe("testing");
    expect(at(1).state).toBe("OK");
  });

  it("sees no datapoints for high-resolution periods over 60-second data", () => {
    const { at } = scenario([9, 9, 9], { Period: 10, EvaluationPeriods: 3 });
    expect(at(2).state).toBe("INSUFFICIENT_DATA");
  });
});

// ---------------------------------------------------------------------------------------------
// Through the running range with the real SDK

let range: TestRange;
let json: CloudWatchClient;
let query: CloudWatchClient;
let elb: ElasticLoadBalancingClient;
let ec2: EC2Client;

beforeAll(async () => {
  range = await startTestRange({ instanceBootMs: 10_000, dnsClients: { clients: 100, ignoreTtlShare: 0, stickyMs: MIN, requestsPerSecond: 20 } }, T0);
  json = new CloudWatchClient(range.clientConfig);
  query = new CloudWatchClient({ ...range.clientConfig, protocol: AwsQueryProtocol });
  elb = new ElasticLoadBalancingClient(range.clientConfig);
  ec2 = new EC2Client(range.clientConfig);
});

afterAll(async () => {
  for (const c of [json, query, elb, ec2]) c.destroy();
  await range.close();
});

const sdkAlarm = (name: string, overrides: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput => ({
  AlarmName: name,
  Namespace: "AWS/ELB",
  MetricName: "HTTPCode_Backend_5XX",
  Dimensions: [{ Name: "LoadBalancerName", Value: "canary" }],
  Statistic: "Sum",
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 5,
  ComparisonOperator: "GreaterThanThreshold",
  TreatMissingData: "notBreaching",
  ...overrides,
});

async function expectError(promise: Promise<unknown>, ctor: abstract new (...args: never[]) => Error, message?: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ctor);
  if (message) expect((caught as Error).message).toMatch(message);
}

async function stateOf(client: CloudWatchClient, name: string): Promise<MetricAlarm | undefined> {
  const out = await client.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  return out.MetricAlarms?.[0];
}

describe("alarms through the range with the real SDK", () => {
  it("goes INSUFFICIENT_DATA → OK → ALARM → OK with a version's real 5xx rate", async () => {
    range.world.versions.set("canary-v2", { baseLatencyMs: 40, errorRate: 0, connectionErrorRate: 0, capacityRps: 150, healthy: true });
    await elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: "canary",
        Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 80 }],
        AvailabilityZones: ["us-east-1a"],
      }),
    );
    await elb.send(
      new ConfigureHealthCheckCommand({
        LoadBalancerName: "canary",
        HealthCheck: { Target: "HTTP:80/health", Interval: 5, Timeout: 2, UnhealthyThreshold: 2, HealthyThreshold: 2 },
      }),
    );
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: "ami-0abc",
        InstanceType: "t3.micro",
        MinCount: 2,
        MaxCount: 2,
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: "canary-v2" }] }],
      }),
    );
    await elb.send(
      new RegisterInstancesWithLoadBalancerCommand({
        LoadBalancerName: "canary",
        Instances: (run.Instances ?? []).map((i) => ({ InstanceId: i.InstanceId })),
      }),
    );
    await json.send(new PutMetricAlarmCommand(sdkAlarm("canary-5xx")));
    const created = await stateOf(json, "canary-5xx");
    expect(created?.StateValue).toBe("INSUFFICIENT_DATA");
    expect(created?.StateReason).toBe("Unchecked: Initial alarm creation");

    const elapse = async (ms: number) => {
      for (let t = 0; t < ms; t += 10_000) {
        range.tick(10_000);
        await json.send(new DescribeAlarmsCommand({ AlarmNames: ["canary-5xx"] }));
      }
    };
    await elapse(2 * MIN); // healthy traffic: no 5xx datapoints, treated as not breaching
    expect((await stateOf(json, "canary-5xx"))?.StateValue).toBe("OK");

    const profile = range.world.versions.get("canary-v2");
    if (!profile) throw new Error("profile missing");
    profile.errorRate = 0.2; // ~20 rps × 20% = ~240 errors a minute
    await elapse(2 * MIN);
    const alarmed = await stateOf(query, "canary-5xx");
    expect(alarmed?.StateValue).toBe("ALARM");
    expect(alarmed?.StateReason).toMatch(
      /^Threshold Crossed: 1 out of the last 1 datapoints \[\d+\.0 \(26\/11\/26 10:0\d:00\)\] was greater than the threshold \(5\.0\) \(minimum 1 datapoint for OK -> ALARM transition\)\.$/,
    );
    expect(alarmed?.StateUpdatedTimestamp?.getTime() ?? 0).toBeGreaterThan(T0);
    expect((await json.send(new DescribeAlarmsCommand({ StateValue: "ALARM" }))).MetricAlarms?.map((a) => a.AlarmName)).toEqual(["canary-5xx"]);

    profile.errorRate = 0; // the fix: 5xx stop, the metric goes absent
    // The last error minutes stay real datapoints of the evaluation range (N + 2 periods), and real
    // datapoints win over missing ones, so the alarm holds ALARM until they age out — as AWS's does.
    await elapse(2 * MIN);
    expect((await stateOf(json, "canary-5xx"))?.StateValue).toBe("ALARM");
    await elapse(2 * MIN);
    const recovered = await stateOf(json, "canary-5xx");
    expect(recovered?.StateValue).toBe("OK");
    expect(recovered?.StateReason).toContain("treated as [NonBreaching]");
  });

  it.each([
    ["JSON 1.0", () => json],
    ["awsQuery", () => query],
  ])("puts, describes with filters and paging, sets state and deletes over %s", async (_name, client) => {
    const c = client();
    const prefix = `page-${_name === "awsQuery" ? "q" : "j"}-`;
    for (let i = 0; i < 5; i++) {
      await c.send(
        new PutMetricAlarmCommand(
          sdkAlarm(`${prefix}${i}`, {
            AlarmDescription: `alarm ${i}`,
            AlarmActions: ["arn:aws:sns:us-east-1:123456789012:ops"],
            DatapointsToAlarm: 1,
            EvaluationPeriods: 3,
          }),
        ),
      );
    }
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await c.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, MaxRecords: 2, NextToken: token }));
      expect(page.MetricAlarms?.length).toBeLessThanOrEqual(2);
      names.push(...(page.MetricAlarms ?? []).map((a) => a.AlarmName ?? ""));
      token = page.NextToken;
    } while (token);
    expect(names).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}${i}`));

    const one = await stateOf(c, `${prefix}2`);
    expect(one).toMatchObject({
      AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${prefix}2`,
      AlarmDescription: "alarm 2",
      ActionsEnabled: true,
      AlarmActions: ["arn:aws:sns:us-east-1:123456789012:ops"],
      Namespace: "AWS/ELB",
      Dimensions: [{ Name: "LoadBalancerName", Value: "canary" }],
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 1,
      Threshold: 5,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
    });
    expect(one?.AlarmConfigurationUpdatedTimestamp).toBeInstanceOf(Date);

    await c.send(new SetAlarmStateCommand({ AlarmName: `${prefix}3`, StateValue: "ALARM", StateReason: "drill", StateReasonData: "{}" }));
    const drilled = await stateOf(c, `${prefix}3`);
    expect(drilled?.StateValue).toBe("ALARM");
    expect(drilled?.StateReason).toBe("drill");
    const byAction = await c.send(new DescribeAlarmsCommand({ ActionPrefix: "arn:aws:sns:us-east-1:123456789012:ops", AlarmNamePrefix: prefix }));
    expect(byAction.MetricAlarms).toHaveLength(5);
    expect((await c.send(new DescribeAlarmsCommand({ AlarmTypes: ["CompositeAlarm"], AlarmNamePrefix: prefix }))).MetricAlarms).toEqual([]);

    // Unknown names in DeleteAlarms are skipped; the known ones go.
    await c.send(new DeleteAlarmsCommand({ AlarmNames: [...names, `${prefix}unknown`] }));
    expect((await c.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix }))).MetricAlarms).toEqual([]);
  });

  it.each([
    ["JSON 1.0", () => json],
    ["awsQuery", () => query],
  ])("raises the SDK's exception classes over %s", async (_name, client) => {
    const c = client();
    await expectError(
      c.send(new DescribeAlarmsCommand({ AlarmNames: ["a"], AlarmNamePrefix: "a" })),
      InvalidParameterCombinationException,
      /mutually exclusive/,
    );
    await expectError(c.send(new DescribeAlarmsCommand({ NextToken: "bogus" })), InvalidNextToken);
    await expectError(c.send(new DescribeAlarmsCommand({ MaxRecords: 101 })), ValidationException);
    await expectError(c.send(new PutMetricAlarmCommand(sdkAlarm("bad", { Period: 45 }))), ValidationException, /10, 20, 30 or a multiple of 60/);
    await expectError(
      c.send(new PutMetricAlarmCommand(sdkAlarm("bad", { Period: 600, EvaluationPeriods: 145 }))),
      ValidationException,
      /more than a day/,
    );
    await expectError(
      c.send(new PutMetricAlarmCommand(sdkAlarm("bad", { Period: 3_600, EvaluationPeriods: 169 }))),
      ValidationException,
      /more than a week/,
    );
    await expectError(c.send(new PutMetricAlarmCommand(sdkAlarm("bad", { DatapointsToAlarm: 2 }))), ValidationException, /DatapointsToAlarm/);
    await expectError(c.send(new PutMetricAlarmCommand(sdkAlarm("bad", { TreatMissingData: "sometimes" }))), ValidationException);
    await expectError(c.send(new PutMetricAlarmCommand(sdkAlarm("bad", { ExtendedStatistic: "p99" }))), InvalidParameterCombinationException);
    await expectError(c.send(new PutMetricAlarmCommand(sdkAlarm("bad", { Namespace: undefined }))), MissingRequiredParameterException);
    await expectError(c.send(new SetAlarmStateCommand({ AlarmName: "nope", StateValue: "OK", StateReason: "x" })), ResourceNotFound);
    await c.send(new PutMetricAlarmCommand(sdkAlarm(`fmt-${_name}`)));
    await expectError(
      c.send(new SetAlarmStateCommand({ AlarmName: `fmt-${_name}`, StateValue: "OK", StateReason: "x", StateReasonData: "{not json" })),
      InvalidFormatFault,
    );
    await c.send(new DeleteAlarmsCommand({ AlarmNames: [`fmt-${_name}`] }));
  });
});
