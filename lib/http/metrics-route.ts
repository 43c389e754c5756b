import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { NextResponse } from "next/server";
import { METRICS_CONTENT_TYPE, renderMetrics } from "@/lib/telemetry/metrics";
// Declares every Teal metric, so a scrape lists each one (HELP and TYPE) before anything is counted.
import "@/lib/telemetry/teal-metrics";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Whether the request carries `token` as its bearer token (compared in constant time). */
function presentsToken(req: Request, token: string): boolean {
  const match = /^Bearer (\S+)$/.exec(req.headers.get("authorization") ?? "");
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), digest(token));
}

/** Whether a scrape may read the metrics: no token is set, or the request carries it. */
export function metricsAllowed(req: Request, token: string | undefined): boolean {
  return token === undefined || presentsToken(req, token);
}

/**
 * `/metrics`' answer: Prometheus's text format 0.0.4 or, when `token` (TEAL_METRICS_TOKEN) is set
 * and the request does not carry it as `Authorization: Bearer …`, 401. Prometheus cannot sign in,
 * so no session is asked for; without a token the metrics are open to whoever reaches the server,
 * which suits a scraper inside the network. They carry counts, durations and configured
 * application ids, never a user, a secret or AWS's text.
 */
export function metricsResponse(req: Request, token: string | undefined): NextResponse {
  const headers = { "cache-control": "no-store" };
  if (!metricsAllowed(req, token)) {
    return NextResponse.json(
      { error: { code: "unauthenticated", message: "This endpoint needs the metrics token (Authorization: Bearer …)." } },
      { status: 401, headers: { ...headers, "www-authenticate": 'Bearer realm="teal-metrics"' } },
    );
  }
  return new NextResponse(renderMetrics(), { status: 200, headers: { ...headers, "content-type": METRICS_CONTENT_TYPE } });
}
