/**
 * Test support (imported only by tests): drives next-auth's App Router handler (what
 * app/api/auth/[...nextauth] runs) with real requests and real cookies: CSRF token, credentials
 * sign-in form, session read, sign-out. Cookies are carried by hand, as a browser would.
 */

/**
 * next-auth's route handler reads the request's cookies and headers with a CommonJS
 * `require("next/headers")`, which needs Next's request scope: point that module, as next-auth
 * resolves it, at the request of the call under way.
 */
function provideRequestScope(): void {
  const fromNextAuth = createRequire(createRequire(import.meta.url).resolve("next-auth"));
  const id = fromNextAuth.resolve("next/headers");
  const fake = new Module(id);
  fake.exports = scopedNextHeaders;
  fake.loaded = true;
  fake.filename = id;
  fromNextAuth.cache[id] = fake;
}

import { AsyncLocalStorage } from "node:async_hooks";
import Module, { createRequire } from "node:module";
import { NextRequest } from "next/server";

interface FakeRequest {
  headers: Record<string, string>;
  cookies: Record<string, string>;
}

/** The request each call runs in: async-local, so concurrent calls never see each other's cookies. */
const scope = new AsyncLocalStorage<FakeRequest>();

const scopedNextHeaders = {
  headers: async (): Promise<Headers> => new Headers(scope.getStore()?.headers ?? {}),
  cookies: async () => {
    const jar = scope.getStore()?.cookies ?? {};
    const all = () => Object.entries(jar).map(([name, value]) => ({ name, value }));
    return { get: (name: string) => all().find((c) => c.name === name), getAll: all, has: (name: string) => Object.hasOwn(jar, name) };
  },
};

export type CookieJar = Record<string, string>;
export type RouteHandler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

export interface SignInAnswer {
  status: number;
  retryAfter: string | null;
  /** The `error` of next-auth's answer (e.g. "CredentialsSignin", "Throttled:4"), or null. */
  error: string | null;
  /** The cookies a browser would hold afterwards. */
  cookies: CookieJar;
}

const ORIGIN = "http://127.0.0.1:3000";

function keep(jar: CookieJar, res: Response): CookieJar {
  const next = { ...jar };
  for (const line of res.headers.getSetCookie()) {
    const [pair = "", ...attributes] = line.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    // Next's cookies() hands values over decoded, as the browser's header carries them encoded.
    const value = decodeURIComponent(pair.slice(eq + 1).trim());
    const gone =
      value === "" ||
      attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split("=")[1] ?? "") <= Date.now()));
    if (gone) delete next[name];
    else next[name] = value;
  }
  return next;
}

/** `handlers.GET` / `handlers.POST` are the route's exports (or `NextAuth(options)` for both). */
export function authClient(handlers: { GET: RouteHandler; POST: RouteHandler }) {
  provideRequestScope();
  async function send(method: "GET" | "POST", path: string[], jar: CookieJar, client: string, form?: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = { host: "127.0.0.1:3000", "x-forwarded-for": client };
    if (form) headers["content-type"] = "application/x-www-form-urlencoded";
    const request: FakeRequest = { headers, cookies: jar };
    const req = new NextRequest(`${ORIGIN}/api/auth/${path.join("/")}`, {
      method,
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    return scope.run(request, () => (method === "GET" ? handlers.GET : handlers.POST)(req, { params: Promise.resolve({ nextauth: path }) }));
  }

  async function csrf(jar: CookieJar, client: string): Promise<{ token: string; jar: CookieJar }> {
    const res = await send("GET", ["csrf"], jar, client);
    const body: unknown = await res.json();
    if (!body || typeof body !== "object" || !("csrfToken" in body) || typeof body.csrfToken !== "string") throw new Error("no CSRF token");
    return { token: body.csrfToken, jar: keep(jar, res) };
  }

  return {
    /** Posts the sign-in form from `client`, as next-auth/react's signIn does. */
    async signIn(email: string, password: string, client = "198.51.100.7", jar: CookieJar = {}): Promise<SignInAnswer> {
      const c = await csrf(jar, client);
      const res = await send("POST", ["callback", "credentials"], c.jar, client, {
        csrfToken: c.token,
        email,
        password,
        json: "true",
        callbackUrl: "/",
      });
      const body: unknown = await res.json();
      const url = body && typeof body === "object" && "url" in body && typeof body.url === "string" ? body.url : "";
      return {
        status: res.status,
        retryAfter: res.headers.get("retry-after"),
        error: new URL(url, ORIGIN).searchParams.get("error"),
        cookies: keep(c.jar, res),
      };
    },

    /** The session body a request with these cookies gets (null when signed out or refused). */
    async session(jar: CookieJar): Promise<{ id: string; email: string; role: string } | null> {
      const res = await send("GET", ["session"], jar, "198.51.100.7");
      const body: unknown = await res.json();
      const user = body && typeof body === "object" && "user" in body ? body.user : null;
      if (!user || typeof user !== "object") return null;
      const field = (key: string): string => (key in user ? String(Reflect.get(user, key) ?? "") : "");
      return { id: field("id"), email: field("email"), role: field("role") };
    },

    /** Signs out with the sign-out form; returns the cookies left. */
    async signOut(jar: CookieJar): Promise<CookieJar> {
      const c = await csrf(jar, "198.51.100.7");
      const res = await send("POST", ["signout"], c.jar, "198.51.100.7", { csrfToken: c.token, json: "true" });
      return keep(c.jar, res);
    },
  };
}
