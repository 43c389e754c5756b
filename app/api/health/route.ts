import { NextResponse } from "next/server";

export const dynamic = "force-dynamic";

// Liveness for load balancers and the start script; reveals nothing about AWS or users.
export function GET() {
  return NextResponse.json({ ok: true }, { headers: { "cache-control": "no-store" } });
}
