import "server-only";
import { headers } from "next/headers";
import { NextResponse } from "next/server";
import { isAppError, type AppErrorCode } from "@/lib/domain/app-error";
import { withoutArns } from "@/lib/domain/arn";
import type { Actor } from "@/lib/domain/operation";
import type { Capability } from "@/lib/auth/roles";
import { requireReader } from "@/lib/auth/reader";
import { requireRole } from "@/lib/auth/session";
import { logger, requestIdFrom, withLogContext } from "@/lib/telemetry/log";

export const ERROR_STATUS: Readonly<Record<AppErrorCode, number>> = {
  unauthenticated: 401,
  forbidden: 403,
  invalid: 400,
  not_found: 404,
  conflict: 409,
  stale: 409,
  throttled: 503,
  aws_error: 502,
  internal: 500,
};

export function errorResponse(err: unknown): NextResponse {
  if (isAppError(err)) {
    return NextResponse.json(
      { error: { code: err.code, message: err.userMessage } },
      { status: ERROR_STATUS[err.code], headers: { "cache-control": "no-store" } },
    );
  }
  logger.error("route.failed", { error: err });
  return NextResponse.json(
    { error: { code: "internal", message: "Teal hit an unexpected error. See the server log." } },
    { status: 500, headers: { "cache-control": "no-store" } },
  );
}

/** The caller's `x-request-id` (a load balancer's) when it is a sane one, else a new id. */
async function requestId(): Promise<string> {
  try {
    return requestIdFrom((await headers()).get("x-request-id"));
  } catch {
    // Outside a request scope (a script, a test calling the handler bare).
    return requestIdFrom(null);
  }
}

/** Runs a route's work with its request id on every log line, and names the id in the answer. */
async function withRequestId(work: () => Promise<NextResponse>): Promise<NextResponse> {
  const id = await requestId();
  const res = await withLogContext({ requestId: id }, work);
  res.headers.set("x-request-id", id);
  return res;
}

/**
 * Every GET route goes through here: the caller's role is checked on the server first, then the
 * handler runs; errors become a JSON body with a code and a user-safe message. The answer carries
 * no ARN (lib/domain/arn.ts): an ARN names the AWS account.
 */
export async function authorizedJson<T>(capability: Capability, handler: (actor: Actor) => Promise<T>): Promise<NextResponse> {
  return withRequestId(async () => {
    try {
      const actor = await requireRole(capability);
      const body = await handler(actor);
      return NextResponse.json(withoutArns(body), { headers: { "cache-control": "no-store" } });
    } catch (err) {
      return errorResponse(err);
    }
  });
}

/**
 * For the read-only routes a wall monitor polls: like `authorizedJson("read")`, but a valid kiosk
 * token (cookie or Bearer header) is accepted as well as a session. Use it nowhere else.
 */
export async function readerJson<T>(handler: (actor: Actor) => Promise<T>): Promise<NextResponse> {
  return withRequestId(async () => {
    try {
      const actor = await requireReader();
      const body = await handler(actor);
      return NextResponse.json(withoutArns(body), { headers: { "cache-control": "no-store" } });
    } catch (err) {
      return errorResponse(err);
    }
  });
}
