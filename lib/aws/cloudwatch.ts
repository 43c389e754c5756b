import "server-only";
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { toAppError } from "./errors";

export interface MetricQuery {
  /** Must match [a-z][a-zA-Z0-9_]* (CloudWatch rule). */
  id: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: string;
  periodS: number;
  /** false: an input of an expression, not returned (CloudWatch's ReturnData). Default true. */
  returnData?: boolean;
}

/** A metric math query over other queries of the same call, e.g. `AVG([blue_cpu_0, blue_cpu_1])`. */
export interface MetricExpression {
  id: string;
  expression: string;
  label?: string;
}

/** The SDK's form of one query (pure; exported for tests). */
export function toSdkQuery(q: MetricQuery | MetricExpression): MetricDataQuery {
  if ("expression" in q) return { Id: q.id, Expression: q.expression, ReturnData: true, ...(q.label ? { Label: q.label } : {}) };
  return {
    Id: q.id,
    ReturnData: q.returnData ?? true,
    MetricStat: {
      Metric: {
        Namespace: q.namespace,
        MetricName: q.metricName,
        Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: q.periodS,
      Stat: q.stat,
    },
  };
}

export interface MetricResult {
  id: string;
  points: { t: number; v: number }[];
  status: string;
}

/**
 * All queries in one GetMetricData call (following NextToken pages), so one refresh of an
 * application costs one request whatever the number of charts. Points come back oldest first.
 */
export async function getMetricData(
  client: CloudWatchClient,
  queries: readonly (MetricQuery | MetricExpression)[],
  start: Date,
  end: Date,
  /** CloudWatch's MaxDatapoints: at most this many datapoints per page (the rest follows with NextToken). */
  opts: { maxDatapoints?: number } = {},
): Promise<{ results: MetricResult[]; requests: number }> {
  const sdkQueries: MetricDataQuery[] = queries.map(toSdkQuery);
  const returned = queries.filter((q) => "expression" in q || q.returnData !== false);
  const byId = new Map<string, MetricResult>(returned.map((q) => [q.id, { id: q.id, points: [], status: "Complete" }]));
  let nextToken: string | undefined;
  let requests = 0;
  try {
    do {
      const out = await client.send(
        new GetMetricDataCommand({
          MetricDataQueries: sdkQueries,
          StartTime: start,
          EndTime: end,
          ScanBy: "TimestampAscending",
          NextToken: nextToken,
          ...(opts.maxDatapoints !== undefined ? { MaxDatapoints: opts.maxDatapoints } : {}),
        }),
      );
      requests++;
      for (const r of out.MetricDataResults ?? []) {
        const target = r.Id ? byId.get(r.Id) : undefined;
        if (!target) continue;
        const ts = r.Timestamps ?? [];
        const vs = r.Values ?? [];
        for (let i = 0; i < Math.min(ts.length, vs.length); i++) {
          const t = ts[i];
          const v = vs[i];
          if (t !== undefined && v !== undefined) target.points.push({ t: t.getTime(), v });
        }
        if (r.StatusCode && r.StatusCode !== "Complete") target.status = r.StatusCode;
      }
      nextToken = out.NextToken;
    } while (nextToken && requests < 20);
  } catch (err) {
    throw toAppError(err, "GetMetricData");
  }
  for (const r of byId.values()) r.points.sort((a, b) => a.t - b.t);
  return { results: [...byId.values()], requests };
}
