// The command line's HTTP client of Teal's REST API (/api/v1): the global fetch (or the one the
// caller gives), an API token as a Bearer header, answers read with the API's own zod schemas
// (lib/api/schemas.ts). An error answer's message is Teal's user-safe text and is passed on as is;
// a connection that fails, or an answer that is not Teal's, becomes one line naming the URL.
import type { z } from "zod";
import { errorSchema } from "../lib/api/schemas";
import { CliFailure, EXIT } from "./teal-command";

export type Fetch = (request: Request) => Promise<Response>;

export interface TealHttpOptions {
  /** The server's base URL (TEAL_URL), e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  token: string;
  fetch: Fetch;
  sleep: (ms: number) => Promise<void>;
}

/** An error answer of the API: its HTTP status, code and message. */
export class ApiFailure extends CliFailure {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    // 401: the token is missing, unknown, revoked or expired. Anything else Teal refused.
    super(message, status === 401 ? EXIT.unreachable : EXIT.failed);
  }
}

/** The request did not reach Teal, or something other than Teal answered (a proxy's 502): worth sending again. */
export class TransportFailure extends CliFailure {
  constructor(message: string) {
    super(message, EXIT.unreachable);
  }
}

export interface Answer<T> {
  status: number;
  body: T;
  /** A POST answered from its Idempotency-Key's first answer (nothing new started). */
  replayed: boolean;
}

/** Why a request did not get through, in a few words (the cause's code when Node gives one). */
function transportReason(err: unknown): string {
  if (err instanceof Error) {
    const cause: unknown = err.cause;
    if (cause instanceof Error && "code" in cause && typeof cause.code === "string") return cause.code;
    if (cause instanceof Error) return cause.message;
    return err.message;
  }
  return String(err);
}

/** A base URL as TEAL_URL or --url give it: http(s), no query; the trailing slash dropped. */
export function parseBaseUrl(text: string): URL | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search !== "" || url.hash !== "") return null;
  url.pathname = url.pathname.replace(/\/+$/, "");
  return url;
}

export class TealHttp {
  private readonly base: URL;

  constructor(private readonly options: TealHttpOptions) {
    const base = parseBaseUrl(options.baseUrl);
    if (!base) throw new CliFailure(`${options.baseUrl} is not an http(s) URL`, EXIT.usage);
    this.base = base;
  }

  get baseUrl(): string {
    return this.base.href.replace(/\/$/, "");
  }

  get<S extends z.ZodType>(path: string, schema: S): Promise<Answer<z.infer<S>>> {
    return this.send("GET", path, schema);
  }

  /**
   * A POST with an Idempotency-Key: a request whose connection failed, or whose key's first
   * request is still being answered, is sent again with the same key, so it runs at most once.
   */
  async post<S extends z.ZodType>(path: string, body: unknown, schema: S, idempotencyKey: string): Promise<Answer<z.infer<S>>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send("POST", path, schema, body, idempotencyKey);
      } catch (err) {
        const inUse = err instanceof ApiFailure && err.code === "idempotency_key_in_use";
        if (!(inUse && attempt < 5) && !(err instanceof TransportFailure && attempt < 3)) throw err;
        await this.options.sleep(1_000 * attempt);
      }
    }
  }

  private async send<S extends z.ZodType>(
    method: "GET" | "POST",
    path: string,
    schema: S,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<Answer<z.infer<S>>> {
    // A server under a path prefix (https://example.com/teal) keeps it; "/" adds nothing.
    const prefix = this.base.pathname.replace(/\/+$/, "");
    const url = new URL(`${prefix}${path}`, this.base.origin);
    const headers = new Headers({ authorization: `Bearer ${this.options.token}`, accept: "application/json", "user-agent": "teal-cli" });
    if (body !== undefined) headers.set("content-type", "application/json");
    if (idempotencyKey !== undefined) headers.set("idempotency-key", idempotencyKey);
    const request = new Request(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    let res: Response;
    let text: string;
    try {
      res = await this.options.fetch(request);
      text = await res.text();
    } catch (err) {
      throw new TransportFailure(`could not reach Teal at ${this.baseUrl}: ${transportReason(err)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const error = errorSchema.safeParse(json);
      if (error.success) throw new ApiFailure(res.status, error.data.error.code, error.data.error.message);
      throw new TransportFailure(`${method} ${url.pathname} answered HTTP ${res.status}, not a Teal answer: is ${this.baseUrl} Teal's address?`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CliFailure(
        `${method} ${url.pathname} answered something this command does not understand (${issue?.path.join(".") || "body"}: ${issue?.message ?? "malformed"}): is ${this.baseUrl} Teal's address, and the same version?`,
        EXIT.unreachable,
      );
    }
    return { status: res.status, body: parsed.data, replayed: res.headers.get("idempotent-replayed") === "true" };
  }
}
