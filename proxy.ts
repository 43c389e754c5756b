import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy } from "@/lib/http/security-headers";
import { checkRequest, refusalResponse } from "@/lib/http/request-guard";
import { REQUESTED_PATH_HEADER } from "@/lib/http/requested-path";

// Every request first passes the malformed-request check (lib/http/request-guard.ts), so that what
// Next would answer 500 is answered 4xx; then pages get their Content-Security-Policy.
export async function proxy(request: NextRequest): Promise<NextResponse | Response> {
  const refused = await checkRequest(request);
  if (refused) return refusalResponse(refused);
  if (!wantsPagePolicy(request)) return NextResponse.next();
  return withPagePolicy(request);
}

/** Pages only: API routes carry their own fixed policy (next.config.mjs), prefetches need none. */
function wantsPagePolicy(request: NextRequest): boolean {
  const path = request.nextUrl.pathname;
  if (path === "/api" || path.startsWith("/api/") || path === "/metrics") return false;
  if (request.headers.has("next-router-prefetch") || request.headers.get("purpose") === "prefetch") return false;
  return true;
}

// Every page gets a Content-Security-Policy with a nonce of its own: Next reads the nonce from
// the request's policy and puts it on its scripts, the root layout on the theme script.
function withPagePolicy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const https = request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
  const policy = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development", https });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  // The page asked for, so a signed-out visit can come back to it after sign-in (the layout reads it;
  // the sign-in page keeps only a same-origin path, so a forged header can lead nowhere else).
  requestHeaders.set(REQUESTED_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Everything but build assets: the request check covers API routes and prefetches too.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
