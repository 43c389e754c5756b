/**
 * The browser-facing security headers. Pages get a Content-Security-Policy with a fresh nonce per
 * request (set in `proxy.ts`; Next puts the nonce on its own scripts); every response gets the
 * static headers (next.config.mjs lists the same values, for API routes and static files).
 */

/**
 * The page policy. Scripts: only those carrying this request's nonce, and what they load
 * ('strict-dynamic'); no 'unsafe-eval' outside development (React uses eval only for dev-mode
 * stack traces). Styles allow 'unsafe-inline': React and the charts write `style` attributes into
 * server-rendered HTML, which a nonce cannot cover; styles cannot run code, so the risk is small.
 */
export function contentSecurityPolicy(nonce: string, options: { dev?: boolean; https?: boolean } = {}): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${options.dev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // Over plain HTTP (the practice range on a laptop) upgrading would break every asset.
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** Policy for API responses (JSON, CSV): nothing in them may run or be framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** Sent with every response. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
  "x-frame-options": "DENY",
};
