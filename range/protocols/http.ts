/** The practice range's internal request/response shapes, shared by every protocol handler. */
export interface SimHttpRequest {
  method: string;
  /** Path without the query string, e.g. "/2013-04-01/hostedzone". */
  path: string;
  query: URLSearchParams;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: Buffer;
  /** The peer's address as the socket reports it (the control API answers loopback peers only). */
  remoteAddress?: string;
}

export interface SimHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /**
   * The CloudWatch metrics a GetMetricData request asked for (its MetricStat queries), which AWS
   * bills per 1,000 whatever the time span; kept in the range's statistics, never sent.
   */
  metricsRequested?: number;
}
