/** The practice range's internal request/response shapes, shared by every protocol handler. */
export interface SimHttpRequest {
  method: string;
  /** Path without the query string, e.g. "/2013-04-01/hostedzone". */
  path: string;
  query: URLSearchParams;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface SimHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}
