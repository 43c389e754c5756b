import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildAuthOptions } from "@/lib/auth/build-options";
import { API_CONTENT_SECURITY_POLICY, contentSecurityPolicy, STATIC_SECURITY_HEADERS } from "./security-headers";

describe("contentSecurityPolicy", () => {
  it("runs only this request's scripts in production: nonce and strict-dynamic, no eval, no inline", () => {
    const policy = contentSecurityPolicy("bm9uY2U=");
    const script = policy.split("; ").find((d) => d.startsWith("script-src ")) ?? "";
    expect(script).toBe("script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(policy).not.toContain("unsafe-eval");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'self'");
    expect(policy).not.toContain("upgrade-insecure-requests");
  });

  it("allows eval only in development, and upgrades requests only over https", () => {
    expect(contentSecurityPolicy("n", { dev: true })).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy("n", { https: true })).toContain("upgrade-insecure-requests");
  });

  it("lets nothing in an API response run or be framed", () => {
    expect(API_CONTENT_SECURITY_POLICY).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(STATIC_SECURITY_HEADERS["x-content-type-options"]).toBe("nosniff");
  });
});

describe("next-auth cookies", () => {
  it("are Secure (and prefixed) exactly when Teal is served over https", () => {
    expect(buildAuthOptions({ NEXTAUTH_SECRET: "0123456789abcdef0123", NEXTAUTH_URL: "https://teal.example.com" }).useSecureCookies).toBe(true);
    expect(buildAuthOptions({ NEXTAUTH_SECRET: "0123456789abcdef0123", NEXTAUTH_URL: "http://127.0.0.1:3000" }).useSecureCookies).toBe(false);
    expect(buildAuthOptions({ NEXTAUTH_SECRET: "0123456789abcdef0123" }).useSecureCookies).toBe(false);
  });
});

describe("next.config.mjs", () => {
  it("sends the same static headers on every response, and the API policy under /api", async () => {
    const file = new URL("../../next.config.mjs", import.meta.url).href;
    const mod: unknown = await import(/* @vite-ignore */ file);
    const config = z.object({ default: z.object({ headers: z.function() }) }).parse(mod).default;
    const rules = z
      .array(z.object({ source: z.string(), headers: z.array(z.object({ key: z.string(), value: z.string() })) }))
      .parse(await config.headers());
    const all = rules.find((r) => r.source === "/:path*");
    expect(Object.fromEntries((all?.headers ?? []).map((h) => [h.key.toLowerCase(), h.value]))).toEqual(STATIC_SECURITY_HEADERS);
    const api = rules.find((r) => r.source === "/api/:path*");
    expect(api?.headers).toEqual([{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }]);
  });
});
