/**
 * CloudWatch (API 2010-08-01) for the practice range: GetMetricData, GetMetricStatistics and
 * ListMetrics over the metric store, PutMetricData into it (custom namespaces: values, value and
 * count arrays, statistic sets; docs/aws-behaviour.md §6.6), and the metric alarm operations PutMetricAlarm,
 * DescribeAlarms, DeleteAlarms and SetAlarmState (the model and evaluation live in alarms.ts).
 *
 * Wire protocols:
 * - What `@aws-sdk/client-cloudwatch` sends today: AWS JSON 1.0 with query compatibility:
 *   `POST /`, `Content-Type: application/x-amz-json-1.0`,
 *   `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, `x-amzn-query-mode: true`.
 *   Timestamps are epoch seconds (numbers). Errors carry `__type` in the body and
 *   `x-amzn-query-error: <QueryCode>;Sender` — the SDK maps the query code (e.g.
 *   "InvalidParameterValue") to its exception class (InvalidParameterValueException).
 * - The classic awsQuery form older SDKs send: form-encoded `Action=GetMetricData&Version=2010-08-01`
 *   with `member.N` lists, ISO-8601 timestamps, XML responses and `<ErrorResponse>` errors.
 *
 * Semantics (docs/aws-behaviour.md §6): StartTime is rounded down to the minute (5 minutes beyond 15 days,
 * the hour beyond 63 days); Period ≥ 60 and a multiple of 60 (the range stores 60-second data only);
 * periods are aligned to multiples of the period; periods without data are absent; GetMetricData
 * returns newest first unless ScanBy is TimestampAscending, pages with NextToken beyond MaxDatapoints
 * (at most 100,800) and marks a cut series PartialData; GetMetricStatistics answers at most 1,440
 * datapoints, in no particular time order (as AWS warns, so clients must sort).
 * Metric math: arithmetic (+ - * /, parentheses, numbers, query ids) and FILL(id, number); other
 * expressions are refused with a ValidationError naming what is supported.
 */
import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { deleteAlarms, describeAlarms, evaluateAlarms, putMetricAlarm, setAlarmState, type PutMetricAlarmInput } from "@/range/world/alarms";
import { SimApiError } from "./errors";
import type { SimHttpRequest, SimHttpResponse } from "./http";
import { MINUTE_MS, parseStatistic, statisticValue, type MetricStore, type ParsedStatistic } from "@/range/world/metrics";
import type { SimMetricAlarm, SimMetricKey, SimWorld } from "@/range/world/state";

const JSON_TARGET_PREFIX = "GraniteServiceVersion20100801.";
const XML_NAMESPACE = "http://monitoring.amazonaws.com/doc/2010-08-01/";
const API_VERSION = "2010-08-01";
/** GetMetricData limits (docs/aws-behaviour.md §0.3, §6.1). */
export const MAX_METRIC_DATA_QUERIES = 500;
export const MAX_DATAPOINTS_PER_CALL = 100_800;
/** GetMetricStatistics limit per call. */
export const MAX_STATISTICS_DATAPOINTS = 1_440;
const LIST_METRICS_PAGE = 500;
const ID_RE = /^[a-z][a-zA-Z0-9_]*$/;
const DAY_MS = 86_400_000;

type Protocol = "json" | "query";

/** A client error raised while handling a request; becomes the protocol's error response. */
class CloudWatchError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Query error code ↔ modelled exception shape (from the SDK's awsQueryError traits). */
const ERROR_SHAPES: readonly { query: string; shape: string; status: number }[] = [
  { query: "InvalidParameterValue", shape: "InvalidParameterValueException", status: 400 },
  { query: "InvalidParameterCombination", shape: "InvalidParameterCombinationException", status: 400 },
  { query: "MissingParameter", shape: "MissingRequiredParameterException", status: 400 },
  { query: "ValidationError", shape: "ValidationException", status: 400 },
  { query: "InvalidNextToken", shape: "InvalidNextToken", status: 400 },
  { query: "InternalServiceError", shape: "InternalServiceFault", status: 500 },
  { query: "LimitExceeded", shape: "LimitExceededFault", status: 400 },
  { query: "ResourceNotFound", shape: "ResourceNotFound", status: 404 },
  { query: "InvalidFormat", shape: "InvalidFormatFault", status: 400 },
];

function protocolOf(req: SimHttpRequest): Protocol {
  const target = req.headers["x-amz-target"];
  if (target !== undefined) return "json";
  return (req.headers["content-type"] ?? "").includes("x-amz-json") ? "json" : "query";
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/**
 * An error response in the protocol the request used. `code` may be the query error code
 * ("InvalidParameterValue", "Throttling", "InternalFailure") or the SDK's shape name
 * ("InvalidParameterValueException"); both resolve to the same exception class in the SDK.
 */
export function cloudWatchError(req: SimHttpRequest, code: string, message: string, status: number): SimHttpResponse {
  const known = ERROR_SHAPES.find((e) => e.query === code || e.shape === code);
  const queryCode = known?.query ?? code;
  const shape = known?.shape ?? code;
  const requestId = randomUUID();
  const type = status >= 500 ? "Receiver" : "Sender";
  if (protocolOf(req) === "json") {
    return {
      status,
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-requestid": requestId,
        "x-amzn-query-error": `${queryCode};${type}`,
      },
      body: JSON.stringify({ __type: `com.amazonaws.cloudwatch#${shape}`, message }),
    };
  }
  return {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body:
      `<ErrorResponse xmlns="${XML_NAMESPACE}"><Error><Type>${type}</Type><Code>${xmlEscape(queryCode)}</Code>` +
      `<Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

// ---------------------------------------------------------------------------------------------
// Input decoding: both protocols become the same plain object tree (query values stay strings).

type Input = Record<string, unknown>;

function isRecord(v: unknown): v is Input {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Turns `a.member.1.b=x` form parameters into nested objects with arrays for `member` lists. */
function decodeQueryParams(params: URLSearchParams): Input {
  const root: Input = {};
  for (const [key, value] of params) {
    const parts = key.split(".");
    let node: Input = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        node[part] = value;
        return;
      }
      const next = node[part];
      if (isRecord(next)) node = next;
      else {
        const created: Input = {};
        node[part] = created;
        node = created;
      }
    });
  }
  const fold = (v: unknown): unknown => {
    if (!isRecord(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "member" && isRecord(v.member)) {
      const members = v.member;
      return Object.keys(members)
        .filter((k) => /^\d+$/.test(k))
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => fold(members[k]));
    }
    // "Statistics.member" with no items encodes an empty list in awsQuery.
    if (keys.length === 1 && keys[0] === "member" && v.member === "") return [];
    const out: Input = {};
    for (const k of keys) out[k] = fold(v[k]);
    return out;
  };
  const folded = fold(root);
  return isRecord(folded) ? folded : {};
}

function bodyText(req: SimHttpRequest): string {
  // The SDK gzips large bodies; the server may already have inflated them, so trust the magic bytes.
  const gzipped = req.body.length > 2 && req.body[0] === 0x1f && req.body[1] === 0x8b;
  const raw = gzipped ? gunzipSync(req.body) : req.body;
  return raw.toString("utf8");
}

function decodeRequest(req: SimHttpRequest, protocol: Protocol): { operation: string; input: Input } {
  if (protocol === "json") {
    const target = req.headers["x-amz-target"] ?? "";
    const operation = target.startsWith(JSON_TARGET_PREFIX) ? target.slice(JSON_TARGET_PREFIX.length) : target;
    const text = bodyText(req).trim();
    let parsed: unknown = {};
    if (text !== "") {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new CloudWatchError("SerializationException", "The request body is not valid JSON.");
      }
    }
    if (!isRecord(parsed)) throw new CloudWatchError("SerializationException", "The request body must be a JSON object.");
    return { operation, input: parsed };
  }
  const params = new URLSearchParams(req.query);
  const contentType = req.headers["content-type"] ?? "";
  if (req.body.length > 0 && (contentType === "" || contentType.includes("x-www-form-urlencoded"))) {
    for (const [k, v] of new URLSearchParams(bodyText(req))) params.set(k, v);
  }
  const version = params.get("Version");
  if (version !== null && version !== API_VERSION) {
    throw new CloudWatchError(
      "InvalidParameterValue",
      `The value ${version} for parameter Version is invalid; this service supports ${API_VERSION}.`,
    );
  }
  const operation = params.get("Action") ?? "";
  params.delete("Action");
  params.delete("Version");
  return { operation, input: decodeQueryParams(params) };
}

function optString(input: Input, name: string, path = name): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string")
    throw new CloudWatchError(
      "ValidationError",
      `1 validation error detected: Value at '${path}' failed to satisfy constraint: Member must be a string`,
    );
  return v;
}

function reqString(input: Input, name: string, path = name): string {
  const v = optString(input, name, path);
  if (v === undefined || v === "") throw new CloudWatchError("MissingParameter", `The parameter ${path} is required.`);
  return v;
}

function optNumber(input: Input, name: string, path = name): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new CloudWatchError("InvalidParameterValue", `The value ${String(v)} for parameter ${path} is not a number.`);
  return n;
}

function optBoolean(input: Input, name: string, path = name): boolean | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw new CloudWatchError("InvalidParameterValue", `The value ${String(v)} for parameter ${path} is not a boolean.`);
}

/** JSON sends epoch seconds (number); awsQuery ISO-8601 (epoch seconds as text accepted too). */
function reqTime(input: Input, name: string): number {
  const v = input[name];
  if (v === undefined || v === null || v === "") throw new CloudWatchError("MissingParameter", `The parameter ${name} is required.`);
  let ms = NaN;
  if (typeof v === "number") ms = v * 1000;
  else if (typeof v === "string") ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
  if (!Number.isFinite(ms)) throw new CloudWatchError("InvalidParameterValue", `The parameter ${name} must be a valid timestamp.`);
  return ms;
}

function optList(input: Input, name: string): unknown[] | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v;
  if (v === "") return [];
  throw new CloudWatchError("ValidationError", `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must be a list`);
}

function dimensionsOf(list: unknown[] | undefined, path: string, requireValue: boolean): { Name: string; Value?: string }[] {
  if (!list) return [];
  if (list.length > 30)
    throw new CloudWatchError(
      "ValidationError",
      `1 validation error detected: Value at '${path}' failed to satisfy constraint: Member must have length less than or equal to 30`,
    );
  return list.map((d, i) => {
    const item = isRecord(d) ? d : {};
    const name = reqString(item, "Name", `${path}.member.${i + 1}.Name`);
    const value = requireValue
      ? reqString(item, "Value", `${path}.member.${i + 1}.Value`)
      : optString(item, "Value", `${path}.member.${i + 1}.Value`);
    return value === undefined ? { Name: name } : { Name: name, Value: value };
  });
}

function metricKey(namespace: string, metricName: string, dims: { Name: string; Value?: string }[]): SimMetricKey {
  return { namespace, metricName, dimensions: dims.map((d) => ({ Name: d.Name, Value: d.Value ?? "" })) };
}

/** AWS rounds StartTime down: to the minute under 15 days old, 5 minutes under 63 days, else the hour. */
function roundStart(startMs: number, nowMs: number): number {
  const age = nowMs - startMs;
  const unit = age > 63 * DAY_MS ? 3_600_000 : age > 15 * DAY_MS ? 300_000 : MINUTE_MS;
  return Math.floor(startMs / unit) * unit;
}

function validatePeriod(period: number | undefined, path: string): number {
  if (period === undefined) throw new CloudWatchError("MissingParameter", `The parameter ${path} is required.`);
  if (!Number.isInteger(period) || period < 60 || period % 60 !== 0) {
    throw new CloudWatchError(
      "InvalidParameterValue",
      `The parameter ${path} must be a multiple of 60 and at least 60 (the practice range keeps 60-second data only); got ${period}.`,
    );
  }
  if (period > 86_400) throw new CloudWatchError("InvalidParameterValue", `The parameter ${path} must not exceed 86400; got ${period}.`);
  return period;
}

// ---------------------------------------------------------------------------------------------
// Metric math: a small arithmetic subset.

type Expr =
  | { kind: "number"; value: number }
  | { kind: "ref"; id: string }
  | { kind: "neg"; arg: Expr }
  | { kind: "binary"; op: "+" | "-" | "*" | "/"; left: Expr; right: Expr }
  | { kind: "fill"; arg: Expr; value: number }
  /** AVG(m1): the mean of one series' datapoints (a scalar); AVG([m1, m2, …]): one series, the mean of the series present at each time. */
  | { kind: "avg"; args: Expr[]; array: boolean };

const SUPPORTED_MATH =
  "The practice range supports metric math with + - * /, parentheses, numbers, query ids, FILL(id, number) and AVG(id) / AVG([id, …]).";

function parseExpression(text: string, path: string): Expr {
  const tokens = text.match(/\s*(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/(),[\]]|\S)/g)?.map((t) => t.trim()) ?? [];
  let pos = 0;
  const fail = (why: string): never => {
    throw new CloudWatchError("ValidationError", `Invalid metric math expression in ${path} (${why}): ${text}. ${SUPPORTED_MATH}`);
  };
  const peek = (): string | undefined => tokens[pos];
  const take = (expected?: string): string => {
    const t = tokens[pos];
    if (t === undefined || (expected !== undefined && t !== expected)) return fail(expected ? `expected "${expected}"` : "unexpected end");
    pos++;
    return t;
  };
  const expr = (): Expr => {
    let left = term();
    while (peek() === "+" || peek() === "-") {
      const op = take() as "+" | "-";
      left = { kind: "binary", op, left, right: term() };
    }
    return left;
  };
  const term = (): Expr => {
    let left = factor();
    while (peek() === "*" || peek() === "/") {
      const op = take() as "*" | "/";
      left = { kind: "binary", op, left, right: factor() };
    }
    return left;
  };
  const factor = (): Expr => {
    const t = take();
    if (t === "-") return { kind: "neg", arg: factor() };
    if (t === "(") {
      const inner = expr();
      take(")");
      return inner;
    }
    if (/^\d/.test(t)) return { kind: "number", value: Number(t) };
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === "(" && t === "AVG") {
        take("(");
        if (peek() === "[") {
          take("[");
          const args = [expr()];
          while (peek() === ",") {
            take(",");
            args.push(expr());
          }
          take("]");
          take(")");
          return { kind: "avg", args, array: true };
        }
        const arg = expr();
        take(")");
        return { kind: "avg", args: [arg], array: false };
      }
      if (peek() === "(") {
        if (t !== "FILL") return fail(`function ${t} is not supported`);
        take("(");
        const arg = expr();
        take(",");
        const neg = peek() === "-" ? (take(), -1) : 1;
        const v = take();
        if (!/^\d/.test(v)) return fail("FILL needs a number as its second argument");
        take(")");
        return { kind: "fill", arg, value: neg * Number(v) };
      }
      return { kind: "ref", id: t };
    }
    return fail(`unexpected "${t}"`);
  };
  const result = expr();
  if (pos !== tokens.length) fail(`unexpected "${tokens[pos] ?? ""}"`);
  return result;
}

function refsOf(e: Expr): string[] {
  switch (e.kind) {
    case "number":
      return [];
    case "ref":
      return [e.id];
    case "neg":
    case "fill":
      return refsOf(e.arg);
    case "binary":
      return [...refsOf(e.left), ...refsOf(e.right)];
    case "avg":
      return e.args.flatMap(refsOf);
  }
}

/** A time series keyed by period start (epoch ms), or a scalar. */
type Value = { kind: "scalar"; value: number } | { kind: "series"; points: Map<number, number> };

// ---------------------------------------------------------------------------------------------
// GetMetricData

interface ParsedQuery {
  id: string;
  label?: string;
  returnData: boolean;
  metric?: { key: SimMetricKey; periodS: number; stat: ParsedStatistic; unit?: string };
  expression?: Expr;
  periodS?: number;
}

interface QueryResult {
  id: string;
  label: string;
  points: { t: number; v: number }[];
}

function parseQueries(list: unknown[]): ParsedQuery[] {
  if (list.length > MAX_METRIC_DATA_QUERIES) {
    throw new CloudWatchError(
      "ValidationError",
      `1 validation error detected: Value at 'metricDataQueries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_METRIC_DATA_QUERIES}`,
    );
  }
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const path = `MetricDataQueries.member.${i + 1}`;
    const q = isRecord(raw) ? raw : {};
    const id = reqString(q, "Id", `${path}.Id`);
    if (!ID_RE.test(id) || id.length > 255) {
      throw new CloudWatchError(
        "ValidationError",
        `1 validation error detected: Value '${id}' at 'metricDataQueries.${i + 1}.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z][a-zA-Z0-9_]*$`,
      );
    }
    if (seen.has(id)) throw new CloudWatchError("ValidationError", `The value ${id} for field Id in MetricDataQueries is not unique.`);
    seen.add(id);
    const stat = q.MetricStat;
    const expression = optString(q, "Expression", `${path}.Expression`);
    if ((stat === undefined) === (expression === undefined)) {
      throw new CloudWatchError("ValidationError", `Exactly one of MetricStat and Expression must be specified in ${path}.`);
    }
    const label = optString(q, "Label", `${path}.Label`);
    const returnData = optBoolean(q, "ReturnData", `${path}.ReturnData`) ?? true;
    const queryPeriod = optNumber(q, "Period", `${path}.Period`);
    if (expression !== undefined) {
      return {
        id,
        label,
        returnData,
        expression: parseExpression(expression, `${path}.Expression`),
        periodS: queryPeriod === undefined ? undefined : validatePeriod(queryPeriod, `${path}.Period`),
      };
    }
    const ms = isRecord(stat) ? stat : {};
    const metric = isRecord(ms.Metric) ? ms.Metric : undefined;
    if (!metric) throw new CloudWatchError("MissingParameter", `The parameter ${path}.MetricStat.Metric is required.`);
    const namespace = reqString(metric, "Namespace", `${path}.MetricStat.Metric.Namespace`);
    const metricName = reqString(metric, "MetricName", `${path}.MetricStat.Metric.MetricName`);
    const dims = dimensionsOf(optList(metric, "Dimensions"), `${path}.MetricStat.Metric.Dimensions`, true);
    const periodS = validatePeriod(optNumber(ms, "Period", `${path}.MetricStat.Period`), `${path}.MetricStat.Period`);
    const statName = reqString(ms, "Stat", `${path}.MetricStat.Stat`);
    const parsed = parseStatistic(statName);
    if (!parsed)
      throw new CloudWatchError(
        "InvalidParameterValue",
        `The value ${statName} for parameter ${path}.MetricStat.Stat is not a valid statistic (Average, Sum, Minimum, Maximum, SampleCount, pNN or pNN.NN).`,
      );
    const unit = optString(ms, "Unit", `${path}.MetricStat.Unit`);
    return { id, label, returnData, metric: { key: metricKey(namespace, metricName, dims), periodS, stat: parsed, unit } };
  });
}

function evaluateQueries(queries: ParsedQuery[], metrics: MetricStore, startMs: number, endMs: number): Map<string, QueryResult> {
  const byId = new Map(queries.map((q) => [q.id, q]));
  const values = new Map<string, { value: Value; periodS: number }>();
  const visiting = new Set<string>();

  const evalQuery = (q: ParsedQuery): { value: Value; periodS: number } => {
    const done = values.get(q.id);
    if (done) return done;
    if (visiting.has(q.id)) throw new CloudWatchError("ValidationError", `Circular reference in metric math at query ${q.id}.`);
    visiting.add(q.id);
    let result: { value: Value; periodS: number };
    if (q.metric) {
      const points = new Map<number, number>();
      for (const p of metrics.statistics({ key: q.metric.key, startMs, endMs, periodS: q.metric.periodS, unit: q.metric.unit })) {
        const v = statisticValue(p, q.metric.stat);
        if (v !== undefined && Number.isFinite(v)) points.set(p.timestampMs, v);
      }
      result = { value: { kind: "series", points }, periodS: q.metric.periodS };
    } else {
      const expr = q.expression as Expr;
      for (const ref of refsOf(expr)) {
        if (!byId.has(ref))
          throw new CloudWatchError("ValidationError", `Unrecognized metric or expression "${ref}" in the expression of query ${q.id}.`);
      }
      const refPeriods = refsOf(expr).map((ref) => evalQuery(byId.get(ref) as ParsedQuery).periodS);
      const periodS = q.periodS ?? (refPeriods.length > 0 ? Math.max(...refPeriods) : 60);
      result = { value: evalExpr(expr, periodS), periodS };
    }
    visiting.delete(q.id);
    values.set(q.id, result);
    return result;
  };

  const evalExpr = (e: Expr, periodS: number): Value => {
    switch (e.kind) {
      case "number":
        return { kind: "scalar", value: e.value };
      case "ref":
        return evalQuery(byId.get(e.id) as ParsedQuery).value;
      case "neg":
        return mapValue(evalExpr(e.arg, periodS), (x) => -x);
      case "fill": {
        const inner = evalExpr(e.arg, periodS);
        if (inner.kind === "scalar") return inner;
        const periodMs = periodS * 1000;
        const points = new Map<number, number>();
        for (let t = Math.floor(startMs / periodMs) * periodMs; t < endMs; t += periodMs) points.set(t, inner.points.get(t) ?? e.value);
        return { kind: "series", points };
      }
      case "binary": {
        const op = (a: number, b: number): number => (e.op === "+" ? a + b : e.op === "-" ? a - b : e.op === "*" ? a * b : a / b);
        return combine(evalExpr(e.left, periodS), evalExpr(e.right, periodS), op);
      }
      case "avg": {
        const args = e.args.map((a) => evalExpr(a, periodS));
        if (!e.array) {
          const only = args[0];
          if (!only || only.kind === "scalar") return only ?? { kind: "scalar", value: Number.NaN };
          const vs = [...only.points.values()];
          return { kind: "scalar", value: vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : Number.NaN };
        }
        // Across an array: at each time, the mean of the series that have a datapoint then.
        const sums = new Map<number, { sum: number; n: number }>();
        for (const v of args) {
          if (v.kind !== "series") continue;
          for (const [t, x] of v.points) {
            const acc = sums.get(t) ?? { sum: 0, n: 0 };
            acc.sum += x;
            acc.n++;
            sums.set(t, acc);
          }
        }
        const points = new Map<number, number>();
        for (const [t, acc] of sums) points.set(t, acc.sum / acc.n);
        return { kind: "series", points };
      }
    }
  };

  const out = new Map<string, QueryResult>();
  for (const q of queries) {
    const { value } = evalQuery(q);
    let points: { t: number; v: number }[] = [];
    if (value.kind === "series") {
      points = [...value.points].filter(([, v]) => Number.isFinite(v)).map(([t, v]) => ({ t, v }));
    } else if (Number.isFinite(value.value)) {
      // A constant expression is drawn over the whole range.
      const periodMs = (values.get(q.id)?.periodS ?? 60) * 1000;
      for (let t = Math.floor(startMs / periodMs) * periodMs; t < endMs; t += periodMs) points.push({ t, v: value.value });
    }
    points.sort((a, b) => a.t - b.t);
    out.set(q.id, { id: q.id, label: q.label ?? q.metric?.key.metricName ?? q.id, points });
  }
  return out;
}

function mapValue(v: Value, f: (x: number) => number): Value {
  if (v.kind === "scalar") return { kind: "scalar", value: f(v.value) };
  const points = new Map<number, number>();
  for (const [t, x] of v.points) points.set(t, f(x));
  return { kind: "series", points };
}

/** Series ∘ series keeps the timestamps both have (a missing point stays missing). */
function combine(a: Value, b: Value, op: (x: number, y: number) => number): Value {
  if (a.kind === "scalar" && b.kind === "scalar") return { kind: "scalar", value: op(a.value, b.value) };
  if (a.kind === "scalar") return mapValue(b, (y) => op(a.value, y));
  if (b.kind === "scalar") return mapValue(a, (x) => op(x, b.value));
  const points = new Map<number, number>();
  for (const [t, x] of a.points) {
    const y = b.points.get(t);
    if (y !== undefined) points.set(t, op(x, y));
  }
  return { kind: "series", points };
}

interface PageToken {
  offset: number;
  fingerprint: string;
}

function fingerprintOf(parts: unknown): string {
  // Cheap stable hash (FNV-1a) of the request, so a token is only accepted for the same query.
  const text = JSON.stringify(parts);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

function encodeToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t)).toString("base64");
}

function decodeToken(raw: string | undefined, fingerprint: string): number {
  if (raw === undefined || raw === "") return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, "base64").toString("utf8"));
    if (isRecord(parsed) && typeof parsed.offset === "number" && parsed.fingerprint === fingerprint && parsed.offset >= 0) return parsed.offset;
  } catch {
    // fall through to the error below
  }
  throw new CloudWatchError("InvalidNextToken", "The NextToken is invalid or does not belong to this request.");
}

interface MetricDataResultOut {
  Id: string;
  Label: string;
  Timestamps: number[];
  Values: number[];
  StatusCode: "Complete" | "PartialData";
}

function getMetricData(
  world: SimWorld,
  metrics: MetricStore,
  input: Input,
): { results: MetricDataResultOut[]; nextToken?: string; metricsRequested: number } {
  const list = optList(input, "MetricDataQueries");
  if (!list) throw new CloudWatchError("MissingParameter", "The parameter MetricDataQueries is required.");
  const rawStart = reqTime(input, "StartTime");
  const endMs = reqTime(input, "EndTime");
  if (rawStart >= endMs) throw new CloudWatchError("InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime.");
  const scanBy = optString(input, "ScanBy") ?? "TimestampDescending";
  if (scanBy !== "TimestampDescending" && scanBy !== "TimestampAscending") {
    throw new CloudWatchError(
      "ValidationError",
      `1 validation error detected: Value '${scanBy}' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]`,
    );
  }
  const maxDatapoints = optNumber(input, "MaxDatapoints");
  if (maxDatapoints !== undefined && (!Number.isInteger(maxDatapoints) || maxDatapoints < 1)) {
    throw new CloudWatchError("InvalidParameterValue", "The parameter MaxDatapoints must be a positive integer.");
  }
  const pageSize = Math.min(maxDatapoints ?? MAX_DATAPOINTS_PER_CALL, MAX_DATAPOINTS_PER_CALL);
  const queries = parseQueries(list);
  const startMs = roundStart(rawStart, Math.max(world.nowMs, endMs));
  const fingerprint = fingerprintOf([list, startMs, endMs, scanBy, pageSize]);
  const offset = decodeToken(optString(input, "NextToken"), fingerprint);

  const evaluated = evaluateQueries(queries, metrics, startMs, endMs);
  const results: MetricDataResultOut[] = [];
  let position = 0; // datapoints before the current query in the whole answer
  const pageEnd = offset + pageSize;
  let total = 0;
  for (const q of queries) {
    if (!q.returnData) continue;
    const r = evaluated.get(q.id);
    if (!r) continue;
    const points = scanBy === "TimestampDescending" ? [...r.points].reverse() : r.points;
    const from = Math.max(0, offset - position);
    const to = Math.min(points.length, pageEnd - position);
    const slice = to > from ? points.slice(from, to) : [];
    const complete = position + points.length <= pageEnd;
    const wasDone = position + points.length <= offset && offset > 0;
    if (!wasDone && (slice.length > 0 || offset === 0)) {
      results.push({
        Id: r.id,
        Label: r.label,
        Timestamps: slice.map((p) => p.t),
        Values: slice.map((p) => p.v),
        StatusCode: complete ? "Complete" : "PartialData",
      });
    }
    position += points.length;
    total = position;
  }
  return {
    results,
    nextToken: total > pageEnd ? encodeToken({ offset: pageEnd, fingerprint }) : undefined,
    // Billed per metric requested: every MetricStat query, whether or not it returns data.
    metricsRequested: queries.filter((q) => q.metric !== undefined).length,
  };
}

// ---------------------------------------------------------------------------------------------
// GetMetricStatistics

const SIMPLE_STATS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const;

interface DatapointOut {
  Timestamp: number;
  SampleCount?: number;
  Average?: number;
  Sum?: number;
  Minimum?: number;
  Maximum?: number;
  Unit: string;
  ExtendedStatistics?: Record<string, number>;
}

function getMetricStatistics(world: SimWorld, metrics: MetricStore, input: Input): { label: string; datapoints: DatapointOut[] } {
  const namespace = reqString(input, "Namespace");
  const metricName = reqString(input, "MetricName");
  const dims = dimensionsOf(optList(input, "Dimensions"), "Dimensions", true);
  const rawStart = reqTime(input, "StartTime");
  const endMs = reqTime(input, "EndTime");
  if (rawStart >= endMs) throw new CloudWatchError("InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime.");
  const periodS = validatePeriod(optNumber(input, "Period"), "Period");
  const statistics = (optList(input, "Statistics") ?? []).map(String);
  const extended = (optList(input, "ExtendedStatistics") ?? []).map(String);
  if (statistics.length === 0 && extended.length === 0) {
    throw new CloudWatchError("InvalidParameterCombination", "Must specify either Statistics or ExtendedStatistics.");
  }
  if (statistics.length > 0 && extended.length > 0) {
    throw new CloudWatchError("InvalidParameterCombination", "The parameters Statistics and ExtendedStatistics are mutually exclusive.");
  }
  if (statistics.length > 5)
    throw new CloudWatchError(
      "ValidationError",
      "1 validation error detected: Value at 'statistics' failed to satisfy constraint: Member must have length less than or equal to 5",
    );
  if (extended.length > 10)
    throw new CloudWatchError(
      "ValidationError",
      "1 validation error detected: Value at 'extendedStatistics' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
  for (const s of statistics) {
    if (!(SIMPLE_STATS as readonly string[]).includes(s)) {
      throw new CloudWatchError(
        "InvalidParameterValue",
        `The value ${s} for parameter Statistics is not valid; use SampleCount, Average, Sum, Minimum or Maximum.`,
      );
    }
  }
  const parsedExtended = extended.map((s) => {
    const p = parseStatistic(s);
    if (!p || p.kind !== "percentile")
      throw new CloudWatchError("InvalidParameterValue", `The value ${s} for parameter ExtendedStatistics is not supported; use pNN or pNN.NN.`);
    return { name: s, p: p.percentile };
  });
  const unit = optString(input, "Unit");
  const startMs = roundStart(rawStart, Math.max(world.nowMs, endMs));
  const periodMs = periodS * 1000;
  const requested = Math.ceil((endMs - Math.floor(startMs / periodMs) * periodMs) / periodMs);
  if (requested > MAX_STATISTICS_DATAPOINTS) {
    throw new CloudWatchError(
      "InvalidParameterCombination",
      `You have requested up to ${requested.toLocaleString("en-US")} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    );
  }
  const points = metrics.statistics({ key: metricKey(namespace, metricName, dims), startMs, endMs, periodS, unit });
  const datapoints = points.map((p) => {
    const d: DatapointOut = { Timestamp: p.timestampMs, Unit: p.unit };
    for (const s of statistics) {
      const v = statisticValue(p, { kind: s as (typeof SIMPLE_STATS)[number] });
      if (v !== undefined) d[s as (typeof SIMPLE_STATS)[number]] = v;
    }
    if (parsedExtended.length > 0) {
      const ext: Record<string, number> = {};
      for (const e of parsedExtended) {
        const v = p.percentile(e.p);
        if (v !== undefined) ext[e.name] = v;
      }
      d.ExtendedStatistics = ext;
    }
    return d;
  });
  // AWS does not return datapoints in time order; a deterministic shuffle keeps clients honest.
  const scramble = (t: number): number => Math.imul(Math.floor(t / periodMs) | 0, 0x9e3779b1) >>> 0;
  datapoints.sort((a, b) => scramble(a.Timestamp) - scramble(b.Timestamp) || a.Timestamp - b.Timestamp);
  return { label: metricName, datapoints };
}

// ---------------------------------------------------------------------------------------------
// ListMetrics

function listMetrics(world: SimWorld, metrics: MetricStore, input: Input): { metrics: SimMetricKey[]; nextToken?: string } {
  const namespace = optString(input, "Namespace");
  const metricName = optString(input, "MetricName");
  const filters = dimensionsOf(optList(input, "Dimensions"), "Dimensions", false);
  if (filters.length > 10)
    throw new CloudWatchError(
      "ValidationError",
      "1 validation error detected: Value at 'dimensions' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
  const recentlyActive = optString(input, "RecentlyActive");
  if (recentlyActive !== undefined && recentlyActive !== "PT3H") {
    throw new CloudWatchError(
      "ValidationError",
      `1 validation error detected: Value '${recentlyActive}' at 'recentlyActive' failed to satisfy constraint: Member must satisfy enum value set: [PT3H]`,
    );
  }
  const all = metrics.listMetrics({
    namespace,
    metricName,
    dimensions: filters,
    activeSinceMs: recentlyActive === "PT3H" ? world.nowMs - 3 * 3_600_000 : undefined,
  });
  const fingerprint = fingerprintOf([namespace, metricName, filters, recentlyActive]);
  const offset = decodeToken(optString(input, "NextToken"), fingerprint);
  const page = all
    .slice(offset, offset + LIST_METRICS_PAGE)
    .map((m) => ({ namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions }));
  const next = offset + LIST_METRICS_PAGE;
  return { metrics: page, nextToken: next < all.length ? encodeToken({ offset: next, fingerprint }) : undefined };
}

// ---------------------------------------------------------------------------------------------
// PutMetricData (docs/aws-behaviour.md §6.6)

/** Most metrics one PutMetricData call may carry, and values in one datum's Values array. */
const MAX_PUT_METRICS = 1_000;
const MAX_PUT_VALUES = 150;
/** How far back and ahead a datum's timestamp may be. */
const PUT_PAST_MS = 14 * DAY_MS;
const PUT_FUTURE_MS = 2 * 3_600_000;
/** CloudWatch refuses magnitudes beyond 2^360 (and NaN and the infinities). */
const MAX_MAGNITUDE = 2 ** 360;
const UNITS = new Set([
  "Seconds",
  "Microseconds",
  "Milliseconds",
  "Bytes",
  "Kilobytes",
  "Megabytes",
  "Gigabytes",
  "Terabytes",
  "Bits",
  "Kilobits",
  "Megabits",
  "Gigabits",
  "Terabits",
  "Percent",
  "Count",
  "Bytes/Second",
  "Kilobytes/Second",
  "Megabytes/Second",
  "Gigabytes/Second",
  "Terabytes/Second",
  "Bits/Second",
  "Kilobits/Second",
  "Megabits/Second",
  "Gigabits/Second",
  "Terabits/Second",
  "Count/Second",
  "None",
]);

function checkedValue(v: number, path: string): number {
  if (!Number.isFinite(v) || Math.abs(v) > MAX_MAGNITUDE) {
    throw new CloudWatchError("InvalidParameterValue", `The value ${v} for parameter ${path} is invalid.`);
  }
  return v;
}

function numberList(input: Input, name: string, path: string): number[] | undefined {
  const list = optList(input, name);
  if (list === undefined) return undefined;
  return list.map((v, i) => checkedValue(optNumber({ v }, "v", `${path}.member.${i + 1}`) ?? NaN, `${path}.member.${i + 1}`));
}

/** One datum as the store takes it: aggregates, each with the sample values it stands for. */
interface PutDatum {
  key: SimMetricKey;
  atMs: number;
  unit?: string;
  parts: { stats: { sampleCount: number; sum: number; min: number; max: number }; samples?: number[] }[];
}

function putDatum(world: SimWorld, namespace: string, raw: unknown, index: number): PutDatum {
  const path = `MetricData.member.${index + 1}`;
  const item = isRecord(raw) ? raw : {};
  const metricName = reqString(item, "MetricName", `${path}.MetricName`);
  if (metricName.length > 255) throw new CloudWatchError("InvalidParameterValue", `The parameter ${path}.MetricName must be at most 255 characters.`);
  const dims = dimensionsOf(optList(item, "Dimensions"), `${path}.Dimensions`, true);
  const names = dims.map((d) => d.Name);
  if (new Set(names).size < names.length) {
    throw new CloudWatchError("InvalidParameterValue", `The dimension names of ${path} must be unique.`);
  }
  const unit = optString(item, "Unit", `${path}.Unit`);
  if (unit !== undefined && !UNITS.has(unit)) {
    throw new CloudWatchError("InvalidParameterValue", `The value ${unit} for parameter ${path}.Unit is not a CloudWatch unit.`);
  }
  const resolution = optNumber(item, "StorageResolution", `${path}.StorageResolution`);
  if (resolution !== undefined && resolution !== 1 && resolution !== 60) {
    throw new CloudWatchError("InvalidParameterValue", `The value ${resolution} for parameter ${path}.StorageResolution must be 1 or 60.`);
  }
  const atMs = item.Timestamp === undefined || item.Timestamp === null ? world.nowMs : reqTime(item, "Timestamp");
  if (atMs < world.nowMs - PUT_PAST_MS || atMs > world.nowMs + PUT_FUTURE_MS) {
    throw new CloudWatchError(
      "InvalidParameterValue",
      `The parameter ${path}.Timestamp must specify a time no more than two weeks in the past and no more than two hours in the future.`,
    );
  }
  const value = optNumber(item, "Value", `${path}.Value`);
  const statisticValues = item.StatisticValues;
  const values = numberList(item, "Values", `${path}.Values`);
  const counts = numberList(item, "Counts", `${path}.Counts`);
  const hasSet = statisticValues !== undefined && statisticValues !== null;
  // The codes and wording of these refusals are not documented; they follow what moto answers,
  // whose messages are taken from AWS's (docs/aws-behaviour.md §6.6, unverified).
  if (value !== undefined && values !== undefined) {
    throw new CloudWatchError(
      "InvalidParameterValue",
      `The parameters ${path}.Value and ${path}.Values are mutually exclusive and you have specified both.`,
    );
  }
  if (hasSet && (value !== undefined || values !== undefined)) {
    const other = value !== undefined ? "Value" : "Values";
    throw new CloudWatchError(
      "InvalidParameterCombination",
      `The parameters ${path}.${other} and ${path}.StatisticValues are mutually exclusive and you have specified both.`,
    );
  }
  if (value === undefined && values === undefined && !hasSet) {
    throw new CloudWatchError(
      "InvalidParameterCombination",
      `One of the parameters ${path}.Value, ${path}.StatisticValues or ${path}.Values must be specified.`,
    );
  }
  const key = metricKey(namespace, metricName, dims);
  if (value !== undefined) {
    const v = checkedValue(value, `${path}.Value`);
    return { key, atMs, unit, parts: [{ stats: { sampleCount: 1, sum: v, min: v, max: v }, samples: [v] }] };
  }
  if (values !== undefined) {
    if (values.length > MAX_PUT_VALUES) {
      throw new CloudWatchError("InvalidParameterValue", `The parameter ${path}.Values must have at most ${MAX_PUT_VALUES} values.`);
    }
    if (counts !== undefined && counts.length !== values.length) {
      throw new CloudWatchError("InvalidParameterValue", `The parameters ${path}.Values and ${path}.Counts must be of the same size.`);
    }
    // Each value stands for its count of samples (1 when Counts is absent); a count of 0 adds nothing.
    const parts = values.map((v, i) => {
      const c = counts?.[i] ?? 1;
      if (c < 0) throw new CloudWatchError("InvalidParameterValue", `The parameter ${path}.Counts must not be negative.`);
      return { stats: { sampleCount: c, sum: v * c, min: v, max: v }, samples: [v] };
    });
    return { key, atMs, unit, parts };
  }
  const set = isRecord(statisticValues) ? statisticValues : {};
  const setPath = `${path}.StatisticValues`;
  const read = (name: string): number => {
    const v = optNumber(set, name, `${setPath}.${name}`);
    if (v === undefined) throw new CloudWatchError("InvalidParameterValue", `Missing required parameter in ${setPath}: "${name}"`);
    return checkedValue(v, `${setPath}.${name}`);
  };
  const stats = { sampleCount: read("SampleCount"), sum: read("Sum"), min: read("Minimum"), max: read("Maximum") };
  if (stats.sampleCount <= 0 || stats.min > stats.max) {
    throw new CloudWatchError(
      "InvalidParameterValue",
      `The parameter ${setPath} must have a positive SampleCount and Minimum no greater than Maximum.`,
    );
  }
  return { key, atMs, unit, parts: [{ stats }] };
}

/** Validates the whole call first, then records: a refused call stores nothing. */
function putMetricData(world: SimWorld, metrics: MetricStore, input: Input): void {
  const namespace = reqString(input, "Namespace");
  // ASCII without control characters, 1–255 long, not starting with a colon.
  const control = [...namespace].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) > 0x7e);
  if (namespace.length > 255 || control || namespace.startsWith(":")) {
    throw new CloudWatchError("InvalidParameterValue", `The value ${namespace} for parameter Namespace is invalid.`);
  }
  if (namespace.startsWith("AWS/")) {
    throw new CloudWatchError(
      "InvalidParameterValue",
      `The value ${namespace} for parameter Namespace is invalid: AWS/ namespaces are reserved for AWS services.`,
    );
  }
  const list = optList(input, "MetricData");
  if (list === undefined || list.length === 0) throw new CloudWatchError("MissingParameter", "The parameter MetricData is required.");
  if (list.length > MAX_PUT_METRICS) {
    throw new CloudWatchError(
      "ValidationError",
      `1 validation error detected: Value at 'metricData' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PUT_METRICS}`,
    );
  }
  const data = list.map((raw, i) => putDatum(world, namespace, raw, i));
  for (const datum of data) {
    for (const part of datum.parts) metrics.recordStatistics(datum.key, datum.atMs, part.stats, part.samples, datum.unit);
  }
}

// ---------------------------------------------------------------------------------------------
// Alarms: wire decoding (the model is in alarms.ts)

function stringList(input: Input, name: string): string[] {
  return (optList(input, name) ?? []).map((v, i) => {
    if (typeof v !== "string")
      throw new CloudWatchError(
        "ValidationError",
        `1 validation error detected: Value at '${name}.member.${i + 1}' failed to satisfy constraint: Member must be a string`,
      );
    return v;
  });
}

function putMetricAlarmInput(input: Input): PutMetricAlarmInput {
  return {
    AlarmName: optString(input, "AlarmName"),
    AlarmDescription: optString(input, "AlarmDescription"),
    Namespace: optString(input, "Namespace"),
    MetricName: optString(input, "MetricName"),
    Dimensions: dimensionsOf(optList(input, "Dimensions"), "Dimensions", true).map((d) => ({ Name: d.Name, Value: d.Value ?? "" })),
    Statistic: optString(input, "Statistic"),
    ExtendedStatistic: optString(input, "ExtendedStatistic"),
    Unit: optString(input, "Unit"),
    Period: optNumber(input, "Period"),
    EvaluationPeriods: optNumber(input, "EvaluationPeriods"),
    DatapointsToAlarm: optNumber(input, "DatapointsToAlarm"),
    Threshold: optNumber(input, "Threshold"),
    ComparisonOperator: optString(input, "ComparisonOperator"),
    TreatMissingData: optString(input, "TreatMissingData"),
    ActionsEnabled: optBoolean(input, "ActionsEnabled"),
    OKActions: stringList(input, "OKActions"),
    AlarmActions: stringList(input, "AlarmActions"),
    InsufficientDataActions: stringList(input, "InsufficientDataActions"),
    hasMetrics: (optList(input, "Metrics") ?? []).length > 0,
    ThresholdMetricId: optString(input, "ThresholdMetricId"),
  };
}

/** A metric alarm in the DescribeAlarms shape; timestamps stay epoch ms until serialised. */
function alarmFields(a: SimMetricAlarm): {
  text: [string, string | number | boolean | undefined][];
  times: [string, number][];
  lists: [string, string[]][];
} {
  return {
    text: [
      ["AlarmName", a.name],
      ["AlarmArn", a.arn],
      ["AlarmDescription", a.description],
      ["ActionsEnabled", a.actionsEnabled],
      ["StateValue", a.state],
      ["StateReason", a.stateReason],
      ["StateReasonData", a.stateReasonData],
      ["MetricName", a.metricName],
      ["Namespace", a.namespace],
      ["Statistic", a.statistic],
      ["ExtendedStatistic", a.extendedStatistic],
      ["Period", a.periodS],
      ["Unit", a.unit],
      ["EvaluationPeriods", a.evaluationPeriods],
      ["DatapointsToAlarm", a.datapointsToAlarm],
      ["Threshold", a.threshold],
      ["ComparisonOperator", a.comparisonOperator],
      ["TreatMissingData", a.treatMissingData],
    ],
    times: [
      ["AlarmConfigurationUpdatedTimestamp", a.configurationUpdatedMs],
      ["StateUpdatedTimestamp", a.stateUpdatedMs],
      ["StateTransitionedTimestamp", a.stateTransitionedMs],
    ],
    lists: [
      ["OKActions", a.okActions],
      ["AlarmActions", a.alarmActions],
      ["InsufficientDataActions", a.insufficientDataActions],
    ],
  };
}

function alarmJson(a: SimMetricAlarm): Record<string, unknown> {
  const f = alarmFields(a);
  const out: Record<string, unknown> = {};
  for (const [k, v] of f.text) if (v !== undefined) out[k] = v;
  for (const [k, v] of f.times) out[k] = epochSeconds(v);
  for (const [k, v] of f.lists) out[k] = v;
  out.Dimensions = a.dimensions;
  return out;
}

function alarmXml(a: SimMetricAlarm): string {
  const f = alarmFields(a);
  let x = "";
  for (const [k, v] of f.text) if (v !== undefined) x += tag(k, typeof v === "string" ? xmlEscape(v) : String(v));
  for (const [k, v] of f.times) x += tag(k, isoMillis(v));
  for (const [k, v] of f.lists) x += tag(k, members(v.map(xmlEscape)));
  return x + dimensionsXml(a.dimensions);
}

// ---------------------------------------------------------------------------------------------
// Serialisation

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Alarm timestamps carry milliseconds, as AWS's do. */
function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

function epochSeconds(ms: number): number {
  return ms / 1000;
}

function jsonResponse(body: unknown): SimHttpResponse {
  return { status: 200, headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": randomUUID() }, body: JSON.stringify(body) };
}

function xmlResponse(operation: string, inner: string): SimHttpResponse {
  const requestId = randomUUID();
  return {
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${XML_NAMESPACE}"><${operation}Result>${inner}</${operation}Result>` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
  };
}

/** The awsQuery answer of an operation without output fields. */
function xmlEmpty(operation: string): SimHttpResponse {
  const requestId = randomUUID();
  return {
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${XML_NAMESPACE}"><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
  };
}

function tag(name: string, content: string | number): string {
  return `<${name}>${typeof content === "number" ? String(content) : content}</${name}>`;
}

function members(items: string[]): string {
  return items.map((i) => `<member>${i}</member>`).join("");
}

function dimensionsXml(dims: { Name: string; Value: string }[]): string {
  return tag("Dimensions", members(dims.map((d) => tag("Name", xmlEscape(d.Name)) + tag("Value", xmlEscape(d.Value)))));
}

/**
 * Handles one CloudWatch request in either wire protocol. Validation problems come back as the
 * protocol's error response (the SDK raises InvalidParameterValueException, ValidationException,
 * MissingRequiredParameterException, InvalidParameterCombinationException or InvalidNextToken).
 */
export function handleCloudWatch(world: SimWorld, metrics: MetricStore, req: SimHttpRequest): SimHttpResponse {
  const protocol = protocolOf(req);
  try {
    if (req.method !== "POST" && !(protocol === "query" && req.method === "GET")) {
      throw new CloudWatchError("InvalidAction", `CloudWatch expects POST requests, got ${req.method}.`);
    }
    const { operation, input } = decodeRequest(req, protocol);
    const json = protocol === "json";
    // Alarms are evaluated lazily here (idempotent per period boundary, see alarms.ts), so every
    // answer reflects the data up to now even when the world's tick does not evaluate them.
    evaluateAlarms(world, metrics, world.nowMs);
    switch (operation) {
      case "PutMetricData": {
        putMetricData(world, metrics, input);
        return json ? jsonResponse({}) : xmlEmpty(operation);
      }
      case "PutMetricAlarm": {
        putMetricAlarm(world, putMetricAlarmInput(input));
        return json ? jsonResponse({}) : xmlEmpty(operation);
      }
      case "DescribeAlarms": {
        const { alarms, nextToken } = describeAlarms(world, {
          AlarmNames: optList(input, "AlarmNames") === undefined ? undefined : stringList(input, "AlarmNames"),
          AlarmNamePrefix: optString(input, "AlarmNamePrefix"),
          AlarmTypes: optList(input, "AlarmTypes") === undefined ? undefined : stringList(input, "AlarmTypes"),
          StateValue: optString(input, "StateValue"),
          ActionPrefix: optString(input, "ActionPrefix"),
          MaxRecords: optNumber(input, "MaxRecords"),
          NextToken: optString(input, "NextToken"),
        });
        if (json) return jsonResponse({ MetricAlarms: alarms.map(alarmJson), CompositeAlarms: [], ...(nextToken ? { NextToken: nextToken } : {}) });
        return xmlResponse(
          "DescribeAlarms",
          tag("MetricAlarms", members(alarms.map(alarmXml))) + "<CompositeAlarms/>" + (nextToken ? tag("NextToken", xmlEscape(nextToken)) : ""),
        );
      }
      case "DeleteAlarms": {
        deleteAlarms(world, stringList(input, "AlarmNames"));
        return json ? jsonResponse({}) : xmlEmpty(operation);
      }
      case "SetAlarmState": {
        setAlarmState(
          world,
          optString(input, "AlarmName"),
          optString(input, "StateValue"),
          optString(input, "StateReason"),
          optString(input, "StateReasonData"),
        );
        return json ? jsonResponse({}) : xmlEmpty(operation);
      }
      case "GetMetricData": {
        const { results, nextToken, metricsRequested } = getMetricData(world, metrics, input);
        if (json) {
          return {
            ...jsonResponse({
              MetricDataResults: results.map((r) => ({ ...r, Timestamps: r.Timestamps.map(epochSeconds), Messages: [] })),
              ...(nextToken ? { NextToken: nextToken } : {}),
              Messages: [],
            }),
            metricsRequested,
          };
        }
        const items = results.map(
          (r) =>
            tag("Id", xmlEscape(r.Id)) +
            tag("Label", xmlEscape(r.Label)) +
            tag("Timestamps", members(r.Timestamps.map(isoSeconds))) +
            tag("Values", members(r.Values.map(String))) +
            tag("StatusCode", r.StatusCode) +
            "<Messages/>",
        );
        return {
          ...xmlResponse(
            "GetMetricData",
            tag("MetricDataResults", members(items)) + (nextToken ? tag("NextToken", xmlEscape(nextToken)) : "") + "<Messages/>",
          ),
          metricsRequested,
        };
      }
      case "GetMetricStatistics": {
        const { label, datapoints } = getMetricStatistics(world, metrics, input);
        if (json) return jsonResponse({ Label: label, Datapoints: datapoints.map((d) => ({ ...d, Timestamp: epochSeconds(d.Timestamp) })) });
        const items = datapoints.map((d) => {
          let x = tag("Timestamp", isoSeconds(d.Timestamp));
          for (const s of SIMPLE_STATS) if (d[s] !== undefined) x += tag(s, d[s] ?? 0);
          x += tag("Unit", xmlEscape(d.Unit));
          if (d.ExtendedStatistics) {
            x += tag(
              "ExtendedStatistics",
              Object.entries(d.ExtendedStatistics)
                .map(([k, v]) => `<entry>${tag("key", xmlEscape(k))}${tag("value", v)}</entry>`)
                .join(""),
            );
          }
          return x;
        });
        return xmlResponse("GetMetricStatistics", tag("Label", xmlEscape(label)) + tag("Datapoints", members(items)));
      }
      case "ListMetrics": {
        const { metrics: list, nextToken } = listMetrics(world, metrics, input);
        if (json) {
          return jsonResponse({
            Metrics: list.map((m) => ({ Namespace: m.namespace, MetricName: m.metricName, Dimensions: m.dimensions })),
            ...(nextToken ? { NextToken: nextToken } : {}),
          });
        }
        const items = list.map(
          (m) => tag("Namespace", xmlEscape(m.namespace)) + tag("MetricName", xmlEscape(m.metricName)) + dimensionsXml(m.dimensions),
        );
        return xmlResponse("ListMetrics", tag("Metrics", members(items)) + (nextToken ? tag("NextToken", xmlEscape(nextToken)) : ""));
      }
      default:
        if (operation === "") throw new CloudWatchError("MissingAction", "The request must name an operation (X-Amz-Target or Action).");
        throw json
          ? new CloudWatchError("UnknownOperationException", `The practice range does not implement CloudWatch ${operation}.`)
          : new CloudWatchError(
              "InvalidAction",
              `The action ${operation} is not valid for this web service (the practice range implements GetMetricData, GetMetricStatistics, ListMetrics, PutMetricData, PutMetricAlarm, DescribeAlarms, DeleteAlarms and SetAlarmState).`,
            );
    }
  } catch (err) {
    if (err instanceof CloudWatchError || err instanceof SimApiError) return cloudWatchError(req, err.code, err.message, err.status);
    const message = err instanceof Error ? err.message : String(err);
    return cloudWatchError(req, "InternalServiceError", `Internal error: ${message}`, 500);
  }
}
