#!/usr/bin/env node
// `npm test`: the whole suite on a fresh machine. Lint, typecheck, unit and integration tests
// (the practice range over HTTP with the real SDK clients; SQLite and a throwaway PostgreSQL
// cluster), then the production build and the Playwright tests in Debian's Chromium.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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
  const res = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env } });
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

function ensureChromium() {
  if (existsSync("/usr/bin/chromium")) return;
  console.log("Chromium is missing: installing Debian's chromium package…");
  const sudo = process.getuid && process.getuid() !== 0 ? ["sudo"] : [];
  const apt = (args) => spawnSync(sudo[0] ?? "apt-get", sudo.length ? ["apt-get", ...args] : args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
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
    return { passed: report.numPassedTests ?? 0, failed: report.numFailedTests ?? 0, skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0) };
  }
  const s = report.stats ?? {};
  return { passed: s.expected ?? 0, failed: (s.unexpected ?? 0) + (s.flaky ?? 0), skipped: s.skipped ?? 0 };
}

const reports = mkdtempSync(path.join(os.tmpdir(), "teal-test-"));
let ok = true;
let pg = null;
try {
  if (wants("lint")) ok = run("lint (eslint)", bin("eslint"), ["--max-warnings=0", "."]) && ok;
  if (wants("typecheck")) ok = run("typecheck (tsc --noEmit)", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]) && ok;
  // The production build needs no test to have run: it runs beside vitest and is awaited before
  // the browser tests.
  let build = null;
  if (wants("e2e")) build = runInBackground("build (next build)", bin("next"), ["build"]);
  if (wants("unit")) {
    pg = await startPgCluster();
    console.log(`\nThrowaway PostgreSQL cluster at ${pg.url}`);
    ok =
      run("unit and integration (vitest: planners, store on SQLite and PostgreSQL, practice range over HTTP)", bin("vitest"), [
        "run",
        // Two test files at a time even on two cores: most integration tests wait on the practice
        // range, a database or a child process, not on the CPU (vitest's default here is one).
        `--maxWorkers=${process.env.TEAL_TEST_WORKERS ?? Math.max(2, os.availableParallelism() - 1)}`,
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${path.join(reports, "vitest.json")}`,
      ], { TEST_PG_URL: pg.url }) && ok;
    await pg.stop();
    pg = null;
  }
  if (wants("e2e")) {
    ensureChromium();
    const built = build ? await build() : false;
    ok = built && ok;
    // The browser tests run even when an earlier suite failed, so one run reports everything.
    if (built) {
      ok = run("e2e (Playwright in Chromium)", bin("playwright"), ["test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reports, "playwright.json") }) && ok;
    }
  }
} finally {
  if (pg) await pg.stop();
}

const v = counts(path.join(reports, "vitest.json"), "vitest");
const p = counts(path.join(reports, "playwright.json"), "playwright");
rmSync(reports, { recursive: true, force: true });
console.log("\nTimings:");
for (const [title, ms] of timings) console.log(`  ${(ms / 1000).toFixed(1).padStart(7)} s  ${title}`);
console.log(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s  total`);
const passed = v.passed + p.passed;
const failed = v.failed + p.failed + (ok ? 0 : v.failed + p.failed === 0 ? 1 : 0);
console.log(`vitest ${v.passed} passed, ${v.failed} failed; playwright ${p.passed} passed, ${p.failed} failed`);
console.log(`${passed} passed, ${failed} failed${v.skipped + p.skipped ? `, ${v.skipped + p.skipped} skipped` : ""}`);
process.exit(ok ? 0 : 1);
