import { NextResponse } from "next/server";
import { logger } from "@/lib/telemetry/log";
import { getRuntime } from "@/lib/runtime/runtime";
import { getReadiness } from "@/lib/runtime/readiness";

export const dynamic = "force-dynamic";

// Readiness for load balancers and orchestrators, called without credentials: 200 when this server
// can work (not shutting down, the database answers, AWS answers in every configured Region), 503
// otherwise. The body names only the kinds of check that failed, in fixed words; the details are in
// the server log. Answers are cached a few seconds (lib/runtime/readiness.ts), so polling it costs
// AWS nothing more. It takes no input: a query string is ignored.
export async function GET() {
  const headers = { "cache-control": "no-store" };
  try {
    const readiness = await getReadiness(await getRuntime())();
    return NextResponse.json(readiness, { status: readiness.ok ? 200 : 503, headers });
  } catch (error) {
    // The runtime itself could not start (configuration, database): not ready, and nothing more said.
    logger.error("ready.failed", { error });
    return NextResponse.json({ ok: false, checks: {}, failures: ["The server is not started."] }, { status: 503, headers });
  }
}
