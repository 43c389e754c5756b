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
  queries: MetricQuery[],
  start: Date,
  end: Date,
): Promise<{ results: MetricResult[]; requests: number }> {
  const sdkQueries: MetricDataQuery[] = queries.map((q) => ({
    Id: q.id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: q.namespace,
        MetricName: q.metricName,
        Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: q.periodS,
      Stat: q.stat,
    },
  }));
  const byId = new Map<string, MetricResult>(queries.map((q) => [q.id, { id: q.id, points: [], status: "Complete" }]));
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
