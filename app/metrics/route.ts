import { NextResponse, type NextRequest } from "next/server";
import { metricsAllowed, metricsResponse } from "@/lib/http/metrics-route";
import { getRuntime } from "@/lib/runtime/runtime";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import { publishOutcomeMetrics } from "@/lib/history/outcome-metrics";
import { logger } from "@/lib/telemetry/log";

export const dynamic = "force-dynamic";

// Prometheus metrics for a scraper inside the network; TEAL_METRICS_TOKEN, when set, is the bearer
// token it must present (lib/http/metrics-route.ts). It takes no input: a query string is ignored.
export async function GET(req: NextRequest) {
  try {
    const rt = await getRuntime();
    // The snapshot service registers its gauges (each application's data age) when it is created.
    getSnapshotService(rt);
    // The delivery outcomes, for a scraper that may read them (at most once a minute); a journal
    // that cannot be read leaves them out of this scrape rather than failing it.
    if (metricsAllowed(req, rt.env.TEAL_METRICS_TOKEN)) {
      await publishOutcomeMetrics(
        rt.store,
        rt.config.applications.map((a) => a.id),
      ).catch((error: unknown) => logger.warn("metrics.outcomes_failed", { error }));
    }
    return metricsResponse(req, rt.env.TEAL_METRICS_TOKEN);
  } catch (error) {
    logger.error("metrics.failed", { error });
    return NextResponse.json(
      { error: { code: "unavailable", message: "Metrics are unavailable; see the server log." } },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
}
