import "server-only";
import { createHash } from "node:crypto";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { AppError, isAppError } from "@/lib/domain/app-error";
import { withoutArns } from "@/lib/domain/arn";
import { auditRefusal } from "@/lib/actions/refusal-audit";
import { authenticateApiCaller, requireApp, requireCapability, type ApiCaller } from "@/lib/auth/api-caller";
import type { Capability } from "@/lib/auth/roles";
import { ERROR_STATUS } from "@/lib/http/route";
import { canonicalJson } from "@/lib/store/audit-hash";
import { getStore } from "@/lib/store";
import { idempotencyKeySchema, type ApiErrorCode } from "./schemas";
import { logger } from "@/lib/telemetry/log";

/** How long the first answer to an `Idempotency-Key` is kept. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** A claimed key whose request never answered (its server died) is taken over after this long. */
export const IDEMPOTENCY_ABANDON_MS = 2 * 60_000;
/** The largest body a POST may carry (the largest valid one, 200 instance ids, is far below). */
const MAX_BODY_CHARS = 64 * 1024;

export const REPLAYED_HEADER = "idempotent-replayed";

const HEADERS = { "cache-control": "no-store" } as const;

function apiError(code: ApiErrorCode, message: string, status: number, extra: Record<string, string> = {}): NextResponse {
  return NextResponse.json({ error: { code, message } }, { status, headers: { ...HEADERS, ...extra } });
}

/** An error as the API answers it: a stable code and a user-safe message, never AWS's text. */
export function apiErrorResponse(err: unknown): NextResponse {
  if (isAppError(err)) {
    if ("overrideRequired" in err && err.overrideRequired === true) return apiError("override_required", err.userMessage, 409);
    return apiError(err.code, err.userMessage, ERROR_STATUS[err.code]);
  }
  logger.error("api.failed", { error: err });
  return apiError("internal", "Teal hit an unexpected error. See the server log.", 500);
}

/** What a handler is given: who calls, and checks that also name the capability a refusal is audited under. */
export interface ApiContext {
  caller: ApiCaller;
  /** Throws forbidden unless the caller's role holds `capability`. */
  require(capability: Capability): void;
  /** Throws forbidden unless the caller may act on the application. */
  requireApp(appId: string): void;
}

function contextFor(caller: ApiCaller, audited: { capability: Capability }): ApiContext {
  return {
    caller,
    require(capability) {
      audited.capability = capability;
      requireCapability(caller, capability);
    },
    requireApp(appId) {
      requireApp(caller, appId);
    },
  };
}

/**
 * A GET: authenticate (session or API token), run, answer 200 with the JSON. A token's read is
 * audited (`token.used`, with the path it read) before it is answered, and a read refused to a
 * token or a person is audited as every refusal is: a machine's reads are part of the trail, and
 * a read whose record cannot be written is not answered.
 */
export async function apiGet(req: Request, run: (ctx: ApiContext) => Promise<unknown>): Promise<NextResponse> {
  let caller: ApiCaller | null = null;
  const audited: { capability: Capability } = { capability: "read" };
  try {
    caller = await authenticateApiCaller(req.headers.get("authorization"));
    const body = await run(contextFor(caller, audited));
    if (caller.tokenName !== null) await auditTokenRead(caller, req);
    return NextResponse.json(withoutArns(body), { headers: HEADERS });
  } catch (err) {
    if (caller && isAppError(err)) await auditRefusal(audited.capability, err.code, caller.actor);
    return apiErrorResponse(err);
  }
}

/** The longest path and query a `token.used` record keeps (a query is the caller's, so bounded). */
const AUDITED_PATH_CHARS = 300;

async function auditTokenRead(caller: ApiCaller, req: Request): Promise<void> {
  const url = new URL(req.url);
  const path = `${url.pathname}${url.search}`.slice(0, AUDITED_PATH_CHARS);
  const appId = /^\/api\/v1\/apps\/([^/]+)/.exec(url.pathname)?.[1] ?? null;
  await (
    await getStore()
  ).appendAudit({
    action: "token.used",
    actor: caller.actor,
    // The handler answered, so the application exists and the token may read it.
    appId,
    operationId: null,
    reason: null,
    before: null,
    after: { method: "GET", path },
  });
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/**
 * The deepest nesting a body may have. The deepest valid body is three levels (the body, its
 * intent, an instance id list); a body nested thousands deep parses, but JSON.stringify and the
 * Idempotency-Key's request hash walk it recursively and run out of stack.
 */
const MAX_BODY_DEPTH = 16;

/** How deeply the JSON text's arrays and objects nest (brackets inside strings do not count). */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

async function readJsonBody(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.length > MAX_BODY_CHARS) throw new AppError("invalid", "The request body is too large.");
  if (jsonNestingDepth(text) > MAX_BODY_DEPTH) throw new AppError("invalid", "The request body is nested too deeply.");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("invalid", "The request body is not JSON.");
  }
}

/**
 * Whether a request comes from a page of Teal's own origin. A session cookie rides along on any
 * request the browser sends to Teal, whoever's page made it; a POST that acts with it must carry
 * the Origin of Teal's own pages (browsers always send Origin on POST), so another site's form or
 * script cannot start an operation in a signed-in person's name. API tokens are not sent by
 * browsers on their own and need no such check.
 */
function fromOwnOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  if (origin === null) return false;
  const url = new URL(req.url);
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? url.host;
  const proto = req.headers.get("x-forwarded-proto") ?? url.protocol.replace(/:$/, "");
  return origin === `${proto}://${host}`;
}

/**
 * A POST: authenticate, read the JSON body, honour an `Idempotency-Key` (the same key and request
 * from the same caller answers the first answer again; the same key with another request is
 * refused), run, answer. Only a 2xx answer is kept for the key: after a refusal or a failure the
 * key is free, so a retry runs the request again. Refusals of a known caller are audited as the
 * console's are.
 */
export async function apiPost(req: Request, run: (ctx: ApiContext, body: unknown) => Promise<ApiAnswer>): Promise<NextResponse> {
  let caller: ApiCaller | null = null;
  const audited: { capability: Capability } = { capability: "read" };
  let claimed: { caller: string; key: string } | null = null;
  try {
    caller = await authenticateApiCaller(req.headers.get("authorization"));
    if (caller.tokenName === null && !fromOwnOrigin(req)) {
      throw new AppError(
        "forbidden",
        "A signed-in browser may send the API's POST requests only from Teal's own pages. Pipelines send an API token.",
        `session POST from origin ${req.headers.get("origin") ?? "(none)"}`,
      );
    }
    const keyHeader = req.headers.get("idempotency-key");
    const key = keyHeader === null ? null : idempotencyKeySchema.safeParse(keyHeader);
    if (key && !key.success) throw new AppError("invalid", "Idempotency-Key must be 1 to 200 visible ASCII characters.");
    const body = await readJsonBody(req);
    if (key?.success) {
      const requestHash = createHash("sha256")
        .update(`${req.method} ${new URL(req.url).pathname}\n${canonicalJson(body)}`)
        .digest("hex");
      const store = await getStore();
      const claim = await store.claimIdempotencyKey({
        caller: caller.actor.id,
        key: key.data,
        requestHash,
        ttlMs: IDEMPOTENCY_TTL_MS,
        abandonAfterMs: IDEMPOTENCY_ABANDON_MS,
      });
      if (claim.kind === "replay") {
        return new NextResponse(claim.body, {
          status: claim.status,
          headers: { ...HEADERS, "content-type": "application/json", [REPLAYED_HEADER]: "true" },
        });
      }
      if (claim.kind === "mismatch") {
        return apiError("idempotency_key_reused", "This Idempotency-Key was used for another request. Use a new key for a new request.", 422);
      }
      if (claim.kind === "in_progress") {
        return apiError("idempotency_key_in_use", "The first request with this Idempotency-Key has not answered yet. Retry in a moment.", 409, {
          "retry-after": "1",
        });
      }
      claimed = { caller: caller.actor.id, key: key.data };
    }
    const answer = await run(contextFor(caller, audited), body);
    const text = JSON.stringify(withoutArns(answer.body));
    if (claimed) {
      const { caller: who, key: k } = claimed;
      claimed = null;
      if (answer.status >= 200 && answer.status < 300) await (await getStore()).completeIdempotencyKey(who, k, answer.status, text);
      else await (await getStore()).releaseIdempotencyKey(who, k);
    }
    return new NextResponse(text, { status: answer.status, headers: { ...HEADERS, "content-type": "application/json" } });
  } catch (err) {
    if (claimed) {
      const { caller: who, key: k } = claimed;
      await (await getStore()).releaseIdempotencyKey(who, k).catch((e: unknown) => logger.error("api.idempotency_release_failed", { error: e }));
    }
    if (caller && isAppError(err)) await auditRefusal(audited.capability, err.code, caller.actor);
    return apiErrorResponse(err);
  }
}

/** The input, validated by `schema`; else AppError invalid naming the first problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = "Invalid input"): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const where = first?.path.length ? `${first.path.join(".")}: ` : "";
  throw new AppError("invalid", `${what}: ${where}${first?.message ?? "malformed"}`);
}
