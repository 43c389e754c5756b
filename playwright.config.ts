import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// The browser tests run the production build on a practice range with a fast clock, a fresh
// SQLite database and fast polling, in Debian's Chromium.
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const rangePort = Number(process.env.E2E_RANGE_PORT ?? 4590);
const dataDir = process.env.E2E_DATA_DIR || mkdtempSync(path.join(os.tmpdir(), "teal-e2e-"));
process.env.E2E_DATA_DIR = dataDir;
process.env.RANGE_URL = `http://127.0.0.1:${rangePort}`;
process.env.APP_URL = `http://127.0.0.1:${appPort}`;

export default defineConfig({
  testDir: "e2e",
  // Only the specs: e2e/ also holds the helpers and the global setup.
  testMatch: "**/*.spec.ts",
  // The 200-application spec needs a range that seeds a fleet: it runs only in such a world
  // (E2E_RANGE_FLEET, as npm test starts one for it), never as a skipped test elsewhere.
  testIgnore: process.env.E2E_RANGE_FLEET ? [] : ["**/fleet-200.spec.ts"],
  // Refuses anything but a local practice range, then signs each demo user in once (e2e/global-setup.ts).
  globalSetup: "./e2e/global-setup.ts",
  // Each world of `npm test` writes its traces and screenshots to a folder of its own: a run clears
  // its output folder when it starts, which must not delete another world's files.
  outputDir: process.env.E2E_OUTPUT_DIR || "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [["list"], ["json"]] : [["list"], ["json"]],
  use: {
    baseURL: `http://127.0.0.1:${appPort}`,
    // A failed test keeps a screenshot and its error context (the page's accessibility tree). The
    // trace (DOM snapshots at every action, network, console) is recorded only with E2E_TRACE=1:
    // recording it for every test cost the browser, the CDP link and the runner 13-20 % more CPU,
    // and the browser specs are CPU-bound on two cores (BENCHMARKS.md, "Test time"). It records no
    // screencast: the frames cost Chromium about half as much CPU again as the test's own pages.
    trace: process.env.E2E_TRACE === "1" ? { mode: "retain-on-failure", screenshots: false, snapshots: true } : "off",
    screenshot: "only-on-failure",
    // One browser context per world, reset between tests (cookies, cache, local storage, extra
    // pages, routes, init scripts, clock; then the configured viewport and emulation), instead of
    // a new one per test. A new context starts a new renderer with nothing compiled: the first load
    // of an application page in it cost 4.5-4.9 CPU-seconds against 2.3 in a reset one
    // (BENCHMARKS.md, "How long `npm test` takes", seventh). Teal keeps its state in cookies and
    // local storage, both reset; e2e/isolation.spec.ts fails if a test ever sees the last one's.
    // Specs that need a context of their own (two operators, a wall, a replayed cookie) still
    // open one with browser.newContext().
    reuseContext: process.env.E2E_FRESH_CONTEXTS !== "1",
    // Spinners and skeletons follow prefers-reduced-motion (motion-safe:): still in the tests, where
    // an endless animation only costs CPU and no test reads it.
    reducedMotion: "reduce",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: "node scripts/start.mjs --no-build",
    url: `http://127.0.0.1:${appPort}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(appPort),
      RANGE_PORT: String(rangePort),
      // Overridable to profile the suite on a slower or faster machine without editing this file.
      RANGE_SPEED: process.env.E2E_RANGE_SPEED ?? "20",
      // One hour of metric history, what the application page's default chart range shows; the
      // default three cost every world's range three times the CPU to build at start.
      RANGE_HISTORY_HOURS: process.env.E2E_RANGE_HISTORY_HOURS ?? "1",
      TEAL_WAIT_SCALE: process.env.E2E_WAIT_SCALE ?? "0.1",
      TEAL_REFRESH_MS: "1000",
      // Applications nobody has open are read less often, as in production, on the fast clock.
      TEAL_IDLE_REFRESH_MS: process.env.E2E_IDLE_REFRESH_MS ?? "3000",
      // A world with a fleet beside the demo world (e2e/fleet-200.spec.ts): the range seeds it and
      // Teal reads its generated config; no metric history for it (backfilling 192 is slow).
      ...(process.env.E2E_RANGE_FLEET ? { RANGE_FLEET: process.env.E2E_RANGE_FLEET, RANGE_FLEET_HISTORY_HOURS: "0" } : {}),
      // The AWS budget on, at account limits ten times AWS's: the specs refresh ten times as often
      // as production (3 s instead of 30 s for an application nobody has open), so AWS's own
      // limits would hold most page reads back. The budget at real limits has its own suite.
      TEAL_READ_BUDGET_LIMITS: "route53=100/500,elb=100/400,elbv2=100/400,autoscaling=100/400,ecs=200/500,ec2=200/1000,cloudwatch=500/500",
      DATABASE_URL: `file:${path.join(dataDir, "teal.db")}`,
      NEXTAUTH_SECRET: "e2e-secret-not-for-production-0123456789",
      TEAL_DEMO_USERS: "1",
    },
  },
});
