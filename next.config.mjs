/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Type checking and lint run in `npm test` (tsc, eslint); the build does not repeat them.
  typescript: { ignoreBuildErrors: true },
  serverExternalPackages: ["better-sqlite3", "pg", "kysely"],
  // `npm test` builds from nothing every time (TEAL_BUILD_CACHE=0): Turbopack's cache of a build,
  // written at its end, is then work no later build reads.
  experimental: { turbopackFileSystemCacheForBuild: process.env.TEAL_BUILD_CACHE !== "0" },
  // Security headers on every response (the same values as lib/http/security-headers.ts); pages
  // get their nonce-based Content-Security-Policy from proxy.ts, API responses the fixed one here.
  async headers() {
    const everywhere = [
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
      { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()" },
      { key: "X-Frame-Options", value: "DENY" },
    ];
    return [
      { source: "/:path*", headers: everywhere },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
};
export default nextConfig;
