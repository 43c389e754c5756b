/**
 * Where to go after sign-in: only a place on Teal's own origin, decided by the URL parser rather
 * than by looking at the text. Browsers drop tabs and line breaks and read "\" as "/" before
 * resolving, so "/\t/evil.example" or "/\evil.example" reach another host although they start with
 * one "/": resolving the value against the origin and comparing origins catches every spelling.
 * Safe to import anywhere (no server code): the sign-in form checks again in the browser.
 */

/** Stands in for Teal's origin when the real one is not known (the server page without NEXTAUTH_URL). */
const PLACEHOLDER_ORIGIN = "http://teal.invalid";

/** Path, query and fragment of `value` resolved against `origin`, or null when it leaves that origin. */
export function sameOriginPath(value: string, origin: string): string | null {
  let base: URL;
  let target: URL;
  try {
    base = new URL(origin);
    target = new URL(value, base);
  } catch {
    return null;
  }
  if (target.origin !== base.origin || target.username !== "" || target.password !== "") return null;
  const path = `${target.pathname}${target.search}${target.hash}`;
  // Serialized by the parser, the path starts with one "/" and a non-slash: it can only mean this origin.
  return path.startsWith("/") && !path.startsWith("//") ? path : null;
}

/**
 * The path, query and fragment of `raw` when it resolves to `origin` (by default: any reference
 * that stays on the page's own origin), else "/". Never the sign-in page itself.
 */
export function safeCallbackUrl(raw: string | string[] | undefined | null, origin: string = PLACEHOLDER_ORIGIN): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  const path = value ? sameOriginPath(value, origin) : null;
  if (path === null) return "/";
  const pathname = path.split(/[?#]/, 1)[0] ?? "";
  return pathname === "/signin" || pathname.startsWith("/signin/") ? "/" : path;
}

/**
 * next-auth's `redirect` callback: `url` is where next-auth is about to send the browser,
 * `baseUrl` Teal's own origin. Anything that does not resolve to that origin goes to `baseUrl`.
 */
export function sameOriginRedirect({ url, baseUrl }: { url: string; baseUrl: string }): string {
  let origin: string;
  try {
    origin = new URL(baseUrl).origin;
  } catch {
    return "/";
  }
  const path = sameOriginPath(url, origin);
  return path === null ? baseUrl : `${origin}${path}`;
}
