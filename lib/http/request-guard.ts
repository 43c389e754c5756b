/**
 * Requests no page of Teal's sends are refused here, in proxy.ts, with a 4xx before Next handles
 * them: Next answers them 500 (a path that is not valid percent-encoding fails its route matcher;
 * a server action from another origin, with a body that is not JSON, that refers to parts the
 * request does not have, or that is over the size limit fails its action handler).
 *
 * What Teal's pages send: GET for pages and API routes; server actions as a POST with a
 * `next-action` header, an `Origin` of Teal's own host and a text/plain body, the JSON array of
 * the action's arguments as React encodes plain data. Only the API's own routes (next-auth) take
 * other POST bodies, and they parse their bodies themselves.
 *
 * Web APIs only: proxy.ts may run in either runtime.
 */

/** Next's own default limit for a server action's body (serverActions.bodySizeLimit, "1mb"). */
export const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Strings of React's reply encoding that stand for a value by themselves ("$undefined", "$NaN",
 * "$Infinity", "$-Infinity", "$-0", "$D" + a date, "$$" + an escaped dollar). Every other string
 * starting with "$" refers to another part of the request (a form, a map, a set, a blob, a
 * promise, an outlined object…), which a text body does not have, or encodes a value Teal's
 * arguments never hold (a bigint, a typed array).
 */
const SELF_CONTAINED = /^\$(?:\$|undefined$|NaN$|Infinity$|-Infinity$|-0$|D)/;

export interface Refusal {
  status: 400 | 403 | 405 | 413 | 415;
  message: string;
}

export function refusalResponse(refusal: Refusal): Response {
  return Response.json(
    { error: { code: refusal.status === 403 ? "forbidden" : "invalid", message: refusal.message } },
    { status: refusal.status, headers: { "cache-control": "no-store" } },
  );
}

/** A path whose every segment decodes; `%`, `%ZZ` or a cut UTF-8 sequence does not. */
export function checkPath(url: string): Refusal | null {
  // URL keeps a malformed escape as it was written.
  for (const segment of new URL(url).pathname.split("/")) {
    try {
      decodeURIComponent(segment);
    } catch {
      return { status: 400, message: "The address is not valid percent-encoding." };
    }
  }
  return null;
}

function isApi(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

/** The host the browser reached (a reverse proxy names it in X-Forwarded-Host), as Next compares it. */
function expectedHost(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return forwarded || headers.get("host");
}

function originHost(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" || url.protocol === "https:" ? url.host : null;
  } catch {
    return null;
  }
}

/** Reads at most `limit` + 1 bytes of the body; null when there is more. */
async function readCapped(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}

/** The first string in `value` that refers to another part of the request, if any (iterative: bodies may nest deep). */
function firstReference(value: unknown): string | null {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === "string") {
      if (v.startsWith("$") && !SELF_CONTAINED.test(v)) return v;
    } else if (Array.isArray(v)) {
      pending.push(...v);
    } else if (v !== null && typeof v === "object") {
      // Keys are taken as written; only values are decoded.
      pending.push(...Object.values(v));
    }
  }
  return null;
}

/** The checks on a server-action post: origin, content type, size, and a body of plain JSON arguments. */
export async function checkActionPost(request: Request): Promise<Refusal | null> {
  const origin = request.headers.get("origin");
  const host = expectedHost(request.headers);
  if (origin === null || host === null || originHost(origin) !== host) {
    return { status: 403, message: "A server action must come from one of Teal's own pages." };
  }
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "text/plain") return { status: 415, message: "A server action's body must be text/plain JSON." };
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (!Number.isFinite(declared) || declared > ACTION_BODY_LIMIT_BYTES) return { status: 413, message: "The request body is over 1 MB." };
  const bytes = await readCapped(request.body, ACTION_BODY_LIMIT_BYTES);
  if (bytes === null) return { status: 413, message: "The request body is over 1 MB." };
  let args: unknown;
  try {
    args = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return { status: 400, message: "A server action's body must be JSON." };
  }
  if (!Array.isArray(args)) return { status: 400, message: "A server action's body must be the JSON array of its arguments." };
  const reference = firstReference(args);
  if (reference !== null) return { status: 400, message: "A server action's arguments are plain data; this body refers to parts it does not have." };
  return null;
}

/**
 * The first check of every request: its path decodes; a POST (or other change) to a page is a
 * well-formed server action from Teal's own origin. API routes check their own bodies.
 */
export async function checkRequest(request: Request): Promise<Refusal | null> {
  const pathRefusal = checkPath(request.url);
  if (pathRefusal) return pathRefusal;
  const method = request.method.toUpperCase();
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return null;
  if (isApi(new URL(request.url).pathname)) return null;
  if (!request.headers.has("next-action")) return { status: 405, message: "Teal's pages are read with GET; changes go through its server actions." };
  return checkActionPost(request);
}
