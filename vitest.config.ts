import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The test files that need a module graph of their own: they replace modules (`vi.mock`), change
 * the process's environment or clock, use the server's per-process singletons (the runtime,
 * the store, the snapshot service, the session seam, all held on `globalThis`), or listen to the
 * whole process's log. Every other file
 * shares its worker's modules with the files run before it (`isolate: false`): a fresh process and
 * a fresh import of the AWS SDK, zod and the app per file cost more CPU than most of those files'
 * tests. A file added here or there is checked by `scripts/vitest-isolation.test.ts`.
 */
export const ISOLATED_TEST_FILES = [
  "app/wall/session/route.test.ts",
  "components/format/time.test.ts",
  "lib/actions/green-guard.test.ts",
  "lib/actions/kiosk-authorization.test.ts",
  "lib/actions/reassert-drift.test.ts",
  "lib/actions/refusal-audit.test.ts",
  "lib/actions/run-action.test.ts",
  "lib/actions/webhooks.test.ts",
  "lib/auth/reader.test.ts",
  "lib/auth/server-sessions.test.ts",
  "lib/auth/session.test.ts",
  "lib/auth/sign-in-throttle.test.ts",
  "lib/telemetry/log.test.ts",
  "range/protocols/read-lag.test.ts",
  "range/world/world.test.ts",
  "test/api/api-v1.test.ts",
  "test/api/teal-cli.test.ts",
  "test/reliability/aws-log.test.ts",
  "test/reliability/rollback-start.test.ts",
  "test/security/authorization.test.ts",
  "test/security/aws-error-leak.test.ts",
  "test/security/bad-input.test.ts",
];

const include = [
  "lib/**/*.test.ts",
  "range/**/*.test.ts",
  "test/**/*.test.ts",
  "components/**/*.test.ts",
  "app/**/*.test.ts",
  "scripts/**/*.test.ts",
  "eslint/**/*.test.ts",
];
const exclude = ["e2e/**", "node_modules/**", ".next/**"];

export default defineConfig({
  resolve: {
    tsconfigPaths: true,
    // `server-only` throws unless bundled for the server; under test it is the no-op it is there.
    alias: { "server-only": fileURLToPath(new URL("./node_modules/server-only/empty.js", import.meta.url)) },
  },
  test: {
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The server's JSON log at error only, unless asked for more: a run of the suite drives hundreds
    // of operations and AWS faults, whose info and warn lines would bury the report. The tests of
    // the log itself listen at their own level (addLogSink).
    env: { TEAL_LOG_LEVEL: process.env.TEAL_LOG_LEVEL ?? "error" },
    pool: "forks",
    projects: [
      {
        extends: true,
        test: { name: "shared", include, exclude: [...exclude, ...ISOLATED_TEST_FILES], isolate: false },
      },
      {
        extends: true,
        test: { name: "isolated", include: ISOLATED_TEST_FILES, exclude, isolate: true },
      },
    ],
  },
});
