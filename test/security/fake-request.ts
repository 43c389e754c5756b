/**
 * Test support: the part of Next's request scope Teal reads (`next/headers`), for driving server
 * actions and route handlers in-process. A suite mocks `next/headers` with `fakeNextHeaders` and
 * sets the "current request" before each call; next-auth reads the same cookies through the session
 * seam (`setSessionSourceForTests`), so sessions are decoded from real signed cookies.
 */

import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { getServerSession, type AuthOptions, type Session } from "next-auth";

export interface FakeRequest {
  headers: Record<string, string>;
  cookies: Record<string, string>;
}

let current: FakeRequest = { headers: {}, cookies: {} };

/** What the next call sees as its request's headers and cookies. */
export function setFakeRequest(request: FakeRequest): void {
  current = request;
}

export function fakeRequest(): FakeRequest {
  return current;
}

/** The current request as a `Headers` object (cookies folded into the `cookie` header, as a browser sends them). */
export function fakeHeaders(): Headers {
  const h = new Headers(current.headers);
  const cookie = Object.entries(current.cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
  if (cookie) h.set("cookie", cookie);
  return h;
}

interface CookieValue {
  name: string;
  value: string;
}

/** A read-only cookie jar shaped like Next's `cookies()` result, over the current request. */
function fakeCookieJar() {
  const all = (): CookieValue[] => Object.entries(current.cookies).map(([name, value]) => ({ name, value }));
  return {
    get: (name: string): CookieValue | undefined => all().find((c) => c.name === name),
    getAll: (): CookieValue[] => all(),
    has: (name: string): boolean => Object.hasOwn(current.cookies, name),
    get size(): number {
      return all().length;
    },
  };
}

/** The replacement module for `vi.mock("next/headers", …)`. */
export const fakeNextHeaders = {
  headers: async (): Promise<Headers> => fakeHeaders(),
  cookies: async () => fakeCookieJar(),
};

/** The suites present expired and forged cookies on purpose; next-auth's log of each is noise there. */
const quietJwtErrors = {
  error(code: string, metadata: unknown) {
    if (code !== "JWT_SESSION_ERROR") console.error(`[next-auth] ${code}`, metadata);
  },
  warn() {},
  debug() {},
};

/**
 * next-auth's own session check (JWT decryption, expiry, callbacks) over the current fake request,
 * through its `(req, res, options)` form: the same AuthHandler its App Router form runs.
 */
export function sessionFromFakeRequest(options: AuthOptions): () => Promise<Session | null> {
  return async () => {
    const req = Object.assign(new IncomingMessage(new Socket()), { cookies: { ...current.cookies } });
    req.headers = Object.fromEntries(fakeHeaders().entries());
    const res = new ServerResponse(req);
    return getServerSession(req, res, { ...options, logger: quietJwtErrors });
  };
}
