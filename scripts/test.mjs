#!/usr/bin/env node
// `npm test`: the whole suite on a fresh machine. Lint, typecheck, unit and integration tests
// (the practice range over HTTP with the real SDK clients; SQLite and a throwaway PostgreSQL
// cluster), then the production build and the Playwright tests in Debian's Chromium.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startPgCluster } from "./pg-cluster.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const wants = (suite) => only.length === 0 || only.includes(suite);
const started = Date.now();
const timings = [];

function run(title, cmd, args, env = {}) {
  const t0 = Date.now();
  console.log(`\n=== ${title} ===`);
  const res = spawnSync(cmd, args, {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
  });
  timings.push([title, Date.now() - t0]);
  return res.status === 0;
}

/**
 * Starts a suite in the background with its output kept in memory (printed when it is awaited), so
 * a CPU-bound step such as the production build runs while vitest waits on the network and timers.
 */
function runInBackground(title, cmd, args, env = {}) {
  const t0 = Date.now();
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
  const chunks = [];
  child.stdout.on("data", (c) => chunks.push(c));
  child.stderr.on("data", (c) => chunks.push(c));
  const done = new Promise((resolve) => child.on("close", (code) => resolve(code)));
  return async () => {
    const code = await done;
    console.log(`\n=== ${title} (ran beside the tests above) ===`);
    process.stdout.write(Buffer.concat(chunks));
    timings.push([`${title} (in parallel)`, Date.now() - t0]);
    return code === 0;
  };
}

// Rough seconds each browser spec takes on two cores, to split the specs into two groups of about
// equal length. A spec not listed counts as UNLISTED_SPEC_SECONDS; a wrong guess costs time, not
// coverage (every spec runs in one group or the other). Measured in one world with the demo users
// signed in once per run (e2e/global-setup.ts), on a shared machine at a load average of 14 to 20,
// so about twice the time of a quiet one (sum 2,586 s); what matters here is their ratio.
const SPEC_SECONDS = {
  "bad-requests": 10,
  charts: 92,
  dialogs: 295,
  drift: 119,
  "frozen-range": 75,
  history: 40,
  patterns: 484,
  "racing-operators": 112,
  roles: 99,
  security: 43,
  settle: 328,
  "shift-and-rollback": 157,
  signin: 79,
  soak: 215,
  state: 93,
  "stale-plan": 68,
  verdict: 76,
  wall: 68,
  "wall-readability": 135,
};
const UNLISTED_SPEC_SECONDS = 30;

/** The browser specs in `count` groups of about equal length, each in file-name order. */
function specGroups(count) {
  const files = readdirSync(path.join(root, "e2e"))
    .filter((f) => f.endsWith(".spec.ts"))
    .sort();
  const groups = Array.from({ length: count }, () => ({ files: [], seconds: 0 }));
  const bySize = [...files].sort((a, b) => seconds(b) - seconds(a) || a.localeCompare(b));
  for (const file of bySize) {
    const lightest = groups.reduce((min, g) => (g.seconds < min.seconds ? g : min));
    lightest.files.push(file);
    lightest.seconds += seconds(file);
  }
  return groups.map((g) => g.files.sort()).filter((g) => g.length > 0);
  function seconds(file) {
    return SPEC_SECONDS[file.replace(/\.spec\.ts$/, "")] ?? UNLISTED_SPEC_SECONDS;
  }
}

/**
 * The browser specs, in one world by default. TEAL_E2E_GROUPS=N runs them as N Playwright runs side
 * by side, each with its own app server, practice range, database, output folder and ports, split
 * by their usual length; each group's output is printed as it ends. On two cores three worlds took
 * as long as one (the suite is bound by the CPU there, not by its waits) and timed out the axe
 * checks, so one world is the default; a machine with more cores can use more.
 */
async function runBrowserSuites() {
  const count = Math.max(1, Number(process.env.TEAL_E2E_GROUPS ?? 1) || 1);
  const single = count === 1;
  const groups = single ? [[]] : specGroups(count);
  const t0 = Date.now();
  console.log(`\n=== e2e (Playwright in Chromium${single ? "" : `, ${groups.length} worlds side by side`}) ===`);
  const runs = groups.map((files, i) => {
    const child = spawn(bin("playwright"), ["test", ...files.map((f) => `e2e/${f}`)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        E2E_APP_PORT: String(Number(process.env.E2E_APP_PORT ?? 3100) + i),
        E2E_RANGE_PORT: String(Number(process.env.E2E_RANGE_PORT ?? 4590) + i),
        E2E_DATA_DIR: "",
        E2E_OUTPUT_DIR: single ? "" : path.join("test-results", `world-${i + 1}`),
        PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reports, `playwright-${i}.json`),
      },
    });
    const chunks = [];
    child.stdout.on("data", (c) => chunks.push(c));
    child.stderr.on("data", (c) => chunks.push(c));
    return new Promise((resolve) =>
      child.on("close", (code) => {
        console.log(`\n--- e2e world ${i + 1}${files.length ? `: ${files.join(", ")}` : ""} (${((Date.now() - t0) / 1000).toFixed(1)} s) ---`);
        process.stdout.write(Buffer.concat(chunks));
        resolve(code === 0);
      }),
    );
  });
  const results = await Promise.all(runs);
  timings.push([`e2e (Playwright, ${groups.length} world${groups.length === 1 ? "" : "s"})`, Date.now() - t0]);
  return results.every(Boolean);
}

function ensureChromium() {
  if (existsSync("/usr/bin/chromium")) return;
  console.log("Chromium is missing: installing Debian's chromium package…");
  const sudo = process.getuid && process.getuid() !== 0 ? ["sudo"] : [];
  const apt = (args) =>
    spawnSync(sudo[0] ?? "apt-get", sudo.length ? ["apt-get", ...args] : args, {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  apt(["update", "-qq"]);
  const res = apt(["install", "-y", "-qq", "chromium"]);
  if (res.status !== 0 || !existsSync("/usr/bin/chromium")) {
    console.error("Could not install chromium (apt-get install chromium). The browser tests need it.");
    process.exit(1);
  }
}

function counts(file, kind) {
  if (!existsSync(file)) return { passed: 0, failed: 0, skipped: 0 };
  const report = JSON.parse(readFileSync(file, "utf8"));
  if (kind === "vitest") {
    return {
      passed: report.numPassedTests ?? 0,
      failed: report.numFailedTests ?? 0,
      skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    };
  }
  const s = report.stats ?? {};
  return { passed: s.expected ?? 0, failed: (s.unexpected ?? 0) + (s.flaky ?? 0), skipped: s.skipped ?? 0 };
}

const reports = mkdtempSync(path.join(os.tmpdir(), "teal-test-"));
let ok = true;
let pg = null;
try {
  if (wants("lint")) ok = run("lint (eslint)", bin("eslint"), ["--max-warnings=0", "."]) && ok;
  if (wants("format")) ok = run("format (prettier --check)", bin("prettier"), ["--check", "--log-level=warn", "."]) && ok;
  if (wants("typecheck")) ok = run("typecheck (tsc --noEmit)", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]) && ok;
  // The production build needs no test to have run: it runs beside vitest and is awaited before
  // the browser tests.
  let build = null;
  if (wants("e2e")) build = runInBackground("build (next build)", bin("next"), ["build"]);
  if (wants("unit")) {
    pg = await startPgCluster();
    console.log(`\nThrowaway PostgreSQL cluster at ${pg.url}`);
    ok =
      run(
        "unit and integration (vitest: planners, store on SQLite and PostgreSQL, practice range over HTTP)",
        bin("vitest"),
        [
          "run",
          // Two test files at a time even on two cores: most integration tests wait on the practice
          // range, a database or a child process, not on the CPU (vitest's default here is one).
          `--maxWorkers=${process.env.TEAL_TEST_WORKERS ?? Math.max(2, os.availableParallelism() - 1)}`,
          "--reporter=default",
          "--reporter=json",
          `--outputFile.json=${path.join(reports, "vitest.json")}`,
        ],
        { TEST_PG_URL: pg.url },
      ) && ok;
    await pg.stop();
    pg = null;
  }
  if (wants("e2e")) {
    ensureChromium();
    const built = build ? await build() : false;
    ok = built && ok;
    // The browser tests run even when an earlier suite failed, so one run reports everything.
    if (built) ok = (await runBrowserSuites()) && ok;
  }
} finally {
  if (pg) await pg.stop();
}

const v = counts(path.join(reports, "vitest.json"), "vitest");
const p = { passed: 0, failed: 0, skipped: 0 };
for (const file of existsSync(reports) ? readdirSync(reports).filter((f) => f.startsWith("playwright")) : []) {
  const c = counts(path.join(reports, file), "playwright");
  p.passed += c.passed;
  p.failed += c.failed;
  p.skipped += c.skipped;
}
rmSync(reports, { recursive: true, force: true });
console.log("\nTimings:");
for (const [title, ms] of timings) console.log(`  ${(ms / 1000).toFixed(1).padStart(7)} s  ${title}`);
console.log(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s  total`);
const passed = v.passed + p.passed;
const failed = v.failed + p.failed + (ok ? 0 : v.failed + p.failed === 0 ? 1 : 0);
console.log(`vitest ${v.passed} passed, ${v.failed} failed; playwright ${p.passed} passed, ${p.failed} failed`);
console.log(`${passed} passed, ${failed} failed${v.skipped + p.skipped ? `, ${v.skipped + p.skipped} skipped` : ""}`);
process.exit(ok ? 0 : 1);
