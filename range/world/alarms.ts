/**
 * CloudWatch metric alarms for the practice range: the model behind PutMetricAlarm, DescribeAlarms,
 * DeleteAlarms and SetAlarmState, and `evaluateAlarms`, which moves alarm states with the metric
 * store (docs/aws-behaviour.md §6.3, §11 CloudWatch).
 *
 * Evaluation (as the CloudWatch user guide describes "evaluation range" and missing data):
 * - an alarm is evaluated at every boundary of its period (epoch ms divisible by Period); the
 *   datapoint of a period is stamped with the period's start, so at boundary b the newest datapoint
 *   is [b − Period, b);
 * - CloudWatch fetches more periods than EvaluationPeriods (N), the evaluation range; the range
 *   uses N + 2, the size of AWS's own 3-of-3 example (the exact size is not documented);
 * - at least N real datapoints in the range: the newest N decide, TreatMissingData plays no part;
 * - fewer: every real datapoint counts and the rest are filled per TreatMissingData. `breaching`
 *   and `notBreaching` fill with bad or good points; `missing` and `ignore` fill with nothing, so
 *   the alarm only moves when the real points alone decide it (M breaching → ALARM, more than N − M
 *   good → OK) and otherwise keeps its state; with no real datapoint at all `missing` goes to
 *   INSUFFICIENT_DATA and `ignore` keeps the state;
 * - M of N: ALARM when at least DatapointsToAlarm (M) of the N evaluated points breach, else OK.
 *
 * Timing: evaluation is idempotent per boundary and catches up on boundaries missed since the last
 * call, stamping each transition with its boundary time, so calling it lazily (the CloudWatch
 * handler does, on every request) gives the same history as calling it on every world tick.
 * Periods of 10/20/30 s are accepted (high-resolution alarms) but the store keeps 60-second data
 * only, so such alarms see no datapoints — as AWS's do on a standard-resolution metric.
 */
import { SimApiError } from "@/range/protocols/errors";
import { parseStatistic, statisticValue, type MetricStore } from "./metrics";
import type { SimAlarmState, SimMetricAlarm, SimWorld } from "./state";

export const ALARM_STATES: readonly SimAlarmState[] = ["OK", "ALARM", "INSUFFICIENT_DATA"];
export const COMPARISON_OPERATORS: readonly SimMetricAlarm["comparisonOperator"][] = [
  "GreaterThanOrEqualToThreshold",
  "GreaterThanThreshold",
  "LessThanThreshold",
  "LessThanOrEqualToThreshold",
];
/** Anomaly-detection operators: valid in AWS, need ThresholdMetricId, which the range does not model. */
const BAND_OPERATORS = ["LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold"];
export const TREAT_MISSING: readonly SimMetricAlarm["treatMissingData"][] = ["breaching", "notBreaching", "ignore", "missing"];
/** Extra periods fetched beyond EvaluationPeriods (see the module comment). */
const EXTRA_RANGE_PERIODS = 2;
/** Boundaries evaluated at most when catching up after a long gap (older ones are superseded). */
const MAX_CATCH_UP = 64;
const MAX_NAMES = 100;
const DEFAULT_MAX_RECORDS = 50;

/** PutMetricAlarm parameters, decoded from either wire protocol. */
export interface PutMetricAlarmInput {
  AlarmName?: string;
  AlarmDescription?: string;
  Namespace?: string;
  MetricName?: string;
  Dimensions: { Name: string; Value: string }[];
  Statistic?: string;
  ExtendedStatistic?: string;
  Unit?: string;
  Period?: number;
  EvaluationPeriods?: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator?: string;
  TreatMissingData?: string;
  ActionsEnabled?: boolean;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  /** Metric math alarms (`Metrics`) and anomaly bands (`ThresholdMetricId`) are refused. */
  hasMetrics: boolean;
  ThresholdMetricId?: string;
}

export interface DescribeAlarmsInput {
  AlarmNames?: string[];
  AlarmNamePrefix?: string;
  AlarmTypes?: string[];
  StateValue?: string;
  ActionPrefix?: string;
  MaxRecords?: number;
  NextToken?: string;
}

/** The alarm map of a world, created on first use (the field is optional in SimWorld). */
export function alarmsOf(world: SimWorld): Map<string, SimMetricAlarm> {
  if (!world.alarms) world.alarms = new Map();
  return world.alarms;
}

function validation(message: string): SimApiError {
  return new SimApiError("ValidationError", message);
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined || value === "") throw new SimApiError("MissingParameter", `The parameter ${name} is required.`);
  return value;
}

function lengthBetween(value: string, name: string, min: number, max: number): string {
  if (value.length < min || value.length > max) {
    throw validation(
      `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must have length between ${min} and ${max}`,
    );
  }
  return value;
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw validation(
      `1 validation error detected: Value '${value}' at '${name}' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  }
  return value;
}

/** Creates or replaces a metric alarm. A replaced alarm keeps its state (AWS: the update overwrites the configuration only). */
export function putMetricAlarm(world: SimWorld, input: PutMetricAlarmInput): SimMetricAlarm {
  const name = lengthBetween(required(input.AlarmName, "AlarmName"), "alarmName", 1, 255);
  if (input.hasMetrics)
    throw validation("The practice range does not evaluate metric math alarms (Metrics); give Namespace, MetricName and Statistic.");
  if (input.ThresholdMetricId !== undefined) throw validation("The practice range does not model anomaly detection bands (ThresholdMetricId).");
  const namespace = required(input.Namespace, "Namespace");
  const metricName = required(input.MetricName, "MetricName");
  if (input.Dimensions.length > 30)
    throw validation(
      "1 validation error detected: Value at 'dimensions' failed to satisfy constraint: Member must have length less than or equal to 30",
    );
  if ((input.Statistic === undefined) === (input.ExtendedStatistic === undefined)) {
    throw new SimApiError("InvalidParameterCombination", "Exactly one of Statistic and ExtendedStatistic must be specified for a metric alarm.");
  }
  if (input.Statistic !== undefined && !["SampleCount", "Average", "Sum", "Minimum", "Maximum"].includes(input.Statistic)) {
    throw validation(
      `1 validation error detected: Value '${input.Statistic}' at 'statistic' failed to satisfy constraint: Member must satisfy enum value set: [Maximum, SampleCount, Sum, Minimum, Average]`,
    );
  }
  if (input.ExtendedStatistic !== undefined && parseStatistic(input.ExtendedStatistic)?.kind !== "percentile") {
    throw new SimApiError(
      "InvalidParameterValue",
      `The value ${input.ExtendedStatistic} for parameter ExtendedStatistic is not supported; the practice range evaluates pNN and pNN.NN.`,
    );
  }
  const periodS = positiveInt(required(input.Period, "Period"), "period");
  if (!(periodS === 10 || periodS === 20 || periodS === 30 || periodS % 60 === 0)) {
    throw validation(`Period must be 10, 20, 30 or a multiple of 60; got ${periodS}.`);
  }
  const evaluationPeriods = positiveInt(required(input.EvaluationPeriods, "EvaluationPeriods"), "evaluationPeriods");
  // docs/aws-behaviour.md §6.3: one day of evaluation for periods under an hour, seven days otherwise.
  if (periodS < 3_600 && periodS * evaluationPeriods > 86_400) {
    throw validation("Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= 86400).");
  }
  if (periodS >= 3_600 && periodS * evaluationPeriods > 604_800) {
    throw validation("Metrics cannot be checked across more than a week (EvaluationPeriods * Period must be <= 604800).");
  }
  const datapointsToAlarm = positiveInt(input.DatapointsToAlarm ?? evaluationPeriods, "datapointsToAlarm");
  if (datapointsToAlarm > evaluationPeriods) {
    throw validation(`DatapointsToAlarm (${datapointsToAlarm}) must be less than or equal to EvaluationPeriods (${evaluationPeriods}).`);
  }
  const operator = required(input.ComparisonOperator, "ComparisonOperator");
  if (BAND_OPERATORS.includes(operator))
    throw validation(`ComparisonOperator ${operator} needs an anomaly detection band (ThresholdMetricId), which the practice range does not model.`);
  const comparisonOperator = COMPARISON_OPERATORS.find((o) => o === operator);
  if (comparisonOperator === undefined) {
    throw validation(
      `1 validation error detected: Value '${operator}' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [${[...COMPARISON_OPERATORS, ...BAND_OPERATORS].join(", ")}]`,
    );
  }
  const threshold = required(input.Threshold, "Threshold");
  const treat = input.TreatMissingData ?? "missing";
  const treatMissingData = TREAT_MISSING.find((t) => t === treat);
  if (treatMissingData === undefined) {
    throw validation(`The value ${treat} for parameter TreatMissingData is not valid; use breaching, notBreaching, ignore or missing.`);
  }
  for (const [list, field] of [
    [input.OKActions, "OKActions"],
    [input.AlarmActions, "AlarmActions"],
    [input.InsufficientDataActions, "InsufficientDataActions"],
  ] as const) {
    if (list.length > 5)
      throw validation(
        `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to 5`,
      );
  }

  const alarms = alarmsOf(world);
  const existing = alarms.get(name);
  const now = world.nowMs;
  const alarm: SimMetricAlarm = {
    name,
    arn: `arn:aws:cloudwatch:${world.config.region}:${world.config.accountId}:alarm:${name}`,
    description: input.AlarmDescription,
    namespace,
    metricName,
    dimensions: input.Dimensions.map((d) => ({ Name: d.Name, Value: d.Value })),
    statistic: input.Statistic,
    extendedStatistic: input.ExtendedStatistic,
    unit: input.Unit,
    periodS,
    evaluationPeriods,
    datapointsToAlarm,
    threshold,
    comparisonOperator,
    treatMissingData,
    actionsEnabled: input.ActionsEnabled ?? true,
    okActions: [...input.OKActions],
    alarmActions: [...input.AlarmActions],
    insufficientDataActions: [...input.InsufficientDataActions],
    configurationUpdatedMs: now,
    state: existing?.state ?? "INSUFFICIENT_DATA",
    stateReason: existing?.stateReason ?? "Unchecked: Initial alarm creation",
    stateReasonData: existing?.stateReasonData,
    stateUpdatedMs: existing?.stateUpdatedMs ?? now,
    stateTransitionedMs: existing?.stateTransitionedMs ?? now,
    // The first evaluation is at the next period boundary after the (re)configuration.
    evaluatedThroughMs: Math.floor(now / (periodS * 1000)) * periodS * 1000,
  };
  alarms.set(name, alarm);
  return alarm;
}

function encodeToken(name: string): string {
  return Buffer.from(JSON.stringify({ after: name })).toString("base64");
}

function decodeToken(raw: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, "base64").toString("utf8"));
    if (typeof parsed === "object" && parsed !== null && "after" in parsed && typeof parsed.after === "string") return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw new SimApiError("InvalidNextToken", "The specified NextToken is invalid.");
}

/** DescribeAlarms over metric alarms, sorted by name, paged by MaxRecords (1–100, default 50). */
export function describeAlarms(world: SimWorld, input: DescribeAlarmsInput): { alarms: SimMetricAlarm[]; nextToken?: string } {
  const names = input.AlarmNames ?? [];
  if (names.length > 0 && input.AlarmNamePrefix !== undefined) {
    throw new SimApiError("InvalidParameterCombination", "AlarmNames and AlarmNamePrefix are mutually exclusive; specify at most one of them.");
  }
  if (names.length > MAX_NAMES)
    throw validation(
      `1 validation error detected: Value at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to ${MAX_NAMES}`,
    );
  if (input.StateValue !== undefined && !ALARM_STATES.some((s) => s === input.StateValue)) {
    throw validation(
      `1 validation error detected: Value '${input.StateValue}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]`,
    );
  }
  for (const t of input.AlarmTypes ?? []) {
    if (t !== "MetricAlarm" && t !== "CompositeAlarm") {
      throw validation(
        `1 validation error detected: Value '[${t}]' at 'alarmTypes' failed to satisfy constraint: Member must satisfy enum value set: [CompositeAlarm, MetricAlarm]`,
      );
    }
  }
  const maxRecords = input.MaxRecords ?? DEFAULT_MAX_RECORDS;
  if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > 100) {
    throw validation(
      `1 validation error detected: Value '${maxRecords}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100`,
    );
  }
  // AlarmTypes omitted means metric alarms only; composite alarms are not modelled.
  const wantsMetric = input.AlarmTypes === undefined || input.AlarmTypes.length === 0 || input.AlarmTypes.includes("MetricAlarm");
  if (!wantsMetric) return { alarms: [] };
  const after = input.NextToken === undefined || input.NextToken === "" ? undefined : decodeToken(input.NextToken);
  const nameSet = new Set(names);
  const matching = [...alarmsOf(world).values()]
    .filter((a) => nameSet.size === 0 || nameSet.has(a.name))
    .filter((a) => input.AlarmNamePrefix === undefined || a.name.startsWith(input.AlarmNamePrefix))
    .filter((a) => input.StateValue === undefined || a.state === input.StateValue)
    .filter(
      (a) =>
        input.ActionPrefix === undefined ||
        [...a.okActions, ...a.alarmActions, ...a.insufficientDataActions].some((x) => x.startsWith(input.ActionPrefix ?? "")),
    )
    .filter((a) => after === undefined || a.name > after)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = matching.slice(0, maxRecords);
  const last = page[page.length - 1];
  return { alarms: page, nextToken: matching.length > maxRecords && last !== undefined ? encodeToken(last.name) : undefined };
}

/** Deletes the named alarms; unknown names are skipped, as AWS documents. */
export function deleteAlarms(world: SimWorld, names: string[]): void {
  if (names.length === 0) throw new SimApiError("MissingParameter", "The parameter AlarmNames is required.");
  if (names.length > MAX_NAMES)
    throw validation(
      `1 validation error detected: Value at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to ${MAX_NAMES}`,
    );
  const alarms = alarmsOf(world);
  for (const name of names) alarms.delete(name);
}

/**
 * Sets an alarm's state by hand (AWS: for testing). The next evaluation moves it back to what the
 * data says, as AWS does "often within seconds".
 */
export function setAlarmState(
  world: SimWorld,
  name: string | undefined,
  state: string | undefined,
  reason: string | undefined,
  reasonData?: string,
): void {
  const alarmName = required(name, "AlarmName");
  const stateValue = required(state, "StateValue");
  const stateReason = required(reason, "StateReason");
  const target = ALARM_STATES.find((s) => s === stateValue);
  if (target === undefined) {
    throw validation(
      `1 validation error detected: Value '${stateValue}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]`,
    );
  }
  if (reasonData !== undefined) {
    try {
      JSON.parse(reasonData);
    } catch {
      throw new SimApiError("InvalidFormat", "StateReasonData is not valid JSON.");
    }
  }
  const alarm = alarmsOf(world).get(alarmName);
  if (!alarm) throw new SimApiError("ResourceNotFound", `Alarm ${alarmName} not found`, 404);
  if (alarm.state !== target) alarm.stateTransitionedMs = world.nowMs;
  alarm.state = target;
  alarm.stateReason = stateReason;
  alarm.stateReasonData = reasonData;
  alarm.stateUpdatedMs = world.nowMs;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

const OPERATOR_WORDS: Readonly<Record<SimMetricAlarm["comparisonOperator"], string>> = {
  GreaterThanOrEqualToThreshold: "greater than or equal to",
  GreaterThanThreshold: "greater than",
  LessThanThreshold: "less than",
  LessThanOrEqualToThreshold: "less than or equal to",
};

function breaches(alarm: SimMetricAlarm, value: number): boolean {
  switch (alarm.comparisonOperator) {
    case "GreaterThanOrEqualToThreshold":
      return value >= alarm.threshold;
    case "GreaterThanThreshold":
      return value > alarm.threshold;
    case "LessThanThreshold":
      return value < alarm.threshold;
    case "LessThanOrEqualToThreshold":
      return value <= alarm.threshold;
  }
}

/** A double as CloudWatch prints it in reasons (Java style: 5.0, 0.25). */
function javaDouble(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** "26/11/26 10:02:00": the dd/MM/yy HH:mm:ss (UTC) stamp of state reasons. */
function reasonTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** "2026-11-26T10:02:00.000+0000": the timestamp format of StateReasonData. */
function reasonDataTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

interface Datapoint {
  t: number;
  value: number;
  sampleCount: number;
}

function datapointsOf(alarm: SimMetricAlarm, metrics: MetricStore, startMs: number, endMs: number): Datapoint[] {
  if (alarm.periodS % 60 !== 0) return []; // high-resolution alarm over 60-second data: nothing to see
  const stat = parseStatistic(alarm.statistic ?? alarm.extendedStatistic ?? "");
  if (!stat) return [];
  const out: Datapoint[] = [];
  const key = { namespace: alarm.namespace, metricName: alarm.metricName, dimensions: alarm.dimensions };
  for (const p of metrics.statistics({ key, startMs, endMs, periodS: alarm.periodS, unit: alarm.unit })) {
    const value = statisticValue(p, stat);
    if (value !== undefined && Number.isFinite(value)) out.push({ t: p.timestampMs, value, sampleCount: p.sampleCount });
  }
  return out;
}

interface Verdict {
  state: SimAlarmState;
  reason: string;
  evaluated: Datapoint[];
}

/** The state the data asks for at boundary `b`, or undefined to keep the current state. */
function judge(alarm: SimMetricAlarm, metrics: MetricStore, b: number): Verdict | undefined {
  const n = alarm.evaluationPeriods;
  const m = alarm.datapointsToAlarm;
  const periodMs = alarm.periodS * 1000;
  const real = datapointsOf(alarm, metrics, b - (n + EXTRA_RANGE_PERIODS) * periodMs, b).sort((x, y) => y.t - x.t); // newest first
  const words = OPERATOR_WORDS[alarm.comparisonOperator];
  const threshold = javaDouble(alarm.threshold);
  const list = (points: Datapoint[]): string => points.map((p) => `${javaDouble(p.value)} (${reasonTime(p.t)})`).join(", ");
  const toAlarm = (bad: Datapoint[], filled: number, evaluated: Datapoint[]): Verdict => ({
    state: "ALARM",
    reason:
      `Threshold Crossed: ${bad.length + filled} out of the last ${n} datapoints [${list(bad)}] ${bad.length + filled === 1 ? "was" : "were"} ${words} the threshold (${threshold})` +
      (filled > 0 ? ` (${plural(filled, "missing datapoint")} treated as [Breaching])` : "") +
      ` (minimum ${plural(m, "datapoint")} for ${alarm.state} -> ALARM transition).`,
    evaluated,
  });
  const toOk = (good: Datapoint[], filled: number, evaluated: Datapoint[]): Verdict => ({
    state: "OK",
    reason:
      `Threshold Crossed: ${good.length + filled} out of the last ${n} datapoints [${list(good)}] ${good.length + filled === 1 ? "was" : "were"} not ${words} the threshold (${threshold})` +
      (filled > 0 ? ` (${plural(filled, "missing datapoint")} treated as [NonBreaching])` : "") +
      ` (minimum ${plural(n - m + 1, "datapoint")} for ${alarm.state} -> OK transition).`,
    evaluated,
  });

  if (real.length >= n) {
    const window = real.slice(0, n);
    const bad = window.filter((p) => breaches(alarm, p.value));
    return bad.length >= m
      ? toAlarm(bad, 0, window)
      : toOk(
          window.filter((p) => !breaches(alarm, p.value)),
          0,
          window,
        );
  }
  const treat = alarm.treatMissingData;
  if (real.length === 0) {
    const periods = plural(n, "period");
    if (treat === "missing")
      return {
        state: "INSUFFICIENT_DATA",
        reason: `Insufficient Data: ${plural(n, "datapoint")} ${n === 1 ? "was" : "were"} unknown.`,
        evaluated: [],
      };
    if (treat === "breaching")
      return {
        state: "ALARM",
        reason: `Threshold Crossed: no datapoints were received for ${periods} and ${plural(n, "missing datapoint")} ${n === 1 ? "was" : "were"} treated as [Breaching].`,
        evaluated: [],
      };
    if (treat === "notBreaching")
      return {
        state: "OK",
        reason: `Threshold Crossed: no datapoints were received for ${periods} and ${plural(n, "missing datapoint")} ${n === 1 ? "was" : "were"} treated as [NonBreaching].`,
        evaluated: [],
      };
    return undefined;
  }
  const filled = n - real.length;
  const bad = real.filter((p) => breaches(alarm, p.value));
  const good = real.filter((p) => !breaches(alarm, p.value));
  if (treat === "breaching") return bad.length + filled >= m ? toAlarm(bad, filled, real) : toOk(good, 0, real);
  if (treat === "notBreaching") return bad.length >= m ? toAlarm(bad, 0, real) : toOk(good, filled, real);
  // missing / ignore: only real points count; move only when they settle it either way.
  if (bad.length >= m) return toAlarm(bad, 0, real);
  if (good.length > n - m) return toOk(good, 0, real);
  return undefined;
}

function reasonData(alarm: SimMetricAlarm, b: number, queryMs: number, verdict: Verdict): string {
  const periodMs = alarm.periodS * 1000;
  return JSON.stringify({
    version: "1.0",
    queryDate: reasonDataTime(queryMs),
    startDate: reasonDataTime(b - alarm.evaluationPeriods * periodMs),
    ...(alarm.statistic !== undefined ? { statistic: alarm.statistic } : { extendedStatistic: alarm.extendedStatistic }),
    ...(alarm.unit !== undefined ? { unit: alarm.unit } : {}),
    period: alarm.periodS,
    recentDatapoints: [...verdict.evaluated].sort((x, y) => x.t - y.t).map((p) => p.value),
    threshold: alarm.threshold,
    evaluatedDatapoints: verdict.evaluated.map((p) => ({ timestamp: reasonDataTime(p.t), sampleCount: p.sampleCount, value: p.value })),
  });
}

/**
 * Evaluates every alarm at each of its period boundaries up to `nowMs` that it has not been
 * evaluated at yet, changing state (with an AWS-like reason) when the data asks for it.
 */
export function evaluateAlarms(world: SimWorld, metrics: MetricStore, nowMs: number): void {
  if (!world.alarms || world.alarms.size === 0) return;
  for (const alarm of world.alarms.values()) {
    const periodMs = alarm.periodS * 1000;
    const latest = Math.floor(nowMs / periodMs) * periodMs;
    if (latest <= alarm.evaluatedThroughMs) continue;
    const first = Math.max(alarm.evaluatedThroughMs + periodMs, latest - (MAX_CATCH_UP - 1) * periodMs);
    for (let b = first; b <= latest; b += periodMs) {
      const verdict = judge(alarm, metrics, b);
      if (verdict !== undefined && verdict.state !== alarm.state) {
        alarm.stateReason = verdict.reason;
        alarm.stateReasonData = reasonData(alarm, b, b, verdict);
        alarm.state = verdict.state;
        alarm.stateUpdatedMs = b;
        alarm.stateTransitionedMs = b;
      }
    }
    alarm.evaluatedThroughMs = latest;
  }
}
