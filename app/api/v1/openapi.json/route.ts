import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/api/openapi";

export const dynamic = "force-dynamic";

// The REST API's OpenAPI 3.1 document, generated from the schemas the handlers validate with. Public:
// it describes the API and holds nothing about AWS or users.
export function GET() {
  return NextResponse.json(openApiDocument(), { headers: { "cache-control": "no-store" } });
}
