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
/** TypeScript 7's compiler, by its package's path: two installed packages name a `tsc` command. */
const nativeTsc = path.join(root, "node_modules", "typescript-native", "bin", "tsc");
const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const wants = (suite) => only.length === 0 || only.includes(suite);
const started = Date.now();
const timings = [];
/** Steps that ended with a failing exit code, for the list at the end. */
const failedSteps = [];

/**
 * Runs a suite in the foreground with its output on the terminal. It is awaited, not run
 * synchronously, so a browser world started beside it keeps its output flowing meanwhile.
 */
function run(title, cmd, args, env = {}) {
  const t0 = Date.now();
  console.log(`\n=== ${title} ===`);
  const child = spawn(cmd, args, {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
  });
  return new Promise((resolve) =>
    child.on("close", (code) => {
      timings.push([title, Date.now() - t0]);
      if (code !== 0) failedSteps.push(title);
      resolve(code === 0);
    }),
  );
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
  let ended = 0;
  const done = new Promise((resolve) =>
    child.on("close", (code) => {
      ended = Date.now();
      resolve(code);
    }),
  );
  const wait = async () => {
    const code = await done;
    console.log(`\n=== ${title} (ran beside the tests above) ===`);
    process.stdout.write(Buffer.concat(chunks));
    timings.push([`${title} (in parallel)`, ended - t0]);
    if (code !== 0) failedSteps.push(title);
    return code === 0;
  };
  return wait;
}

/**
 * The browser specs run in several worlds, each with its own app server, practice range, database
 * and ports. Most of a browser spec's time is spent waiting (on whole CloudWatch minutes, an
 * operation's waits, a page's polling), but every page load costs Chromium and the app server
 * about a CPU-second, and vitest keeps about one and a half cores busy. So two worlds of the specs
 * that wait most and load fewest pages run beside vitest (vitest takes longer, about 80 s, but the
 * browser specs after it 100 s less), and the rest are split over four worlds that run side by side
 * once vitest is done: with three, the whole run used about one of the two cores, the worlds mostly
 * waiting; the page-heavy specs beside vitest overload the cores (pages then load so slowly that
 * specs time out). Two of the four started as soon as a world beside vitest ended instead: vitest,
 * whose crash tests need the CPU, then took 617 s instead of 432 and the run 940 s instead of 915.
 * A world runs its specs one after another, in file name order; the lists are balanced by each
 * spec's time in the last fresh-clone run (BENCHMARKS.md, "How long `npm test` takes"). A spec named
 * in no list runs in the last world.
 */
const WORLDS = [
  // Beside vitest: a shift and a rollback settling over real CloudWatch minutes, and the wall
  // through a running operation, a failing green and a frozen range.
  // The pipeline's command line too: the README's script against the built server.
  // Two specs that read charts and refuse stale plans, moved here from the worlds after vitest: this
  // world ended 150 s before vitest did, and those worlds are bound by CPU.
  { besideVitest: true, specs: ["settle", "wall-readability", "pipeline-cli", "charts", "stale-plan"] },
  // Beside vitest too: specs that mostly wait on an operation, a verdict's minute or a frozen range
  // (about half a CPU-second per second), so they use the cores vitest leaves idle. Then the OIDC
  // sign-in, which starts its own provider and a second Teal server on this world's range: with it,
  // this world and the fleet world after it still end about 100 s before vitest, where the worlds
  // after vitest had none to spare (BENCHMARKS.md, "How long `npm test` takes").
  // Then a progressive delivery's steps on the application page (its traffic waits on CloudWatch minutes).
  { besideVitest: true, specs: ["verdict", "shift-and-rollback", "frozen-range", "oidc", "progressive"] },
  // Once that world is done, still beside vitest: the overview and the wall with 200 applications,
  // in a world whose range seeds a fleet beside the demo world, read at production's idle cadence.
  { besideVitest: true, after: 1, specs: ["fleet-200"], env: { E2E_RANGE_FLEET: "192", E2E_IDLE_REFRESH_MS: "30000" } },
  // After vitest, four at once (342 to 385 s each in the last fresh-clone run, before the
  // security and isolation specs moved from the slowest world to one of the fastest).
  { besideVitest: false, specs: ["patterns", "fleet", "history", "roles", "signin", "api-tokens"] },
  { besideVitest: false, specs: ["pattern-controls", "drift", "bad-requests", "security", "isolation", "webhooks"] },
  { besideVitest: false, specs: ["dialogs", "racing-operators", "state"] },
  { besideVitest: false, specs: ["soak", "wall"] },
];

/**
 * The spec files of e2e/ per world, each world's in its list's order. TEAL_E2E_WORLDS=1 runs every
 * spec in one world after vitest (to time the specs one by one, or on a machine short of memory).
 */
function browserWorlds() {
  const files = readdirSync(path.join(root, "e2e"))
    .filter((f) => f.endsWith(".spec.ts"))
    .sort();
  if (process.env.TEAL_E2E_WORLDS === "1") return [{ besideVitest: false, after: null, env: {}, files }];
  const named = new Set(WORLDS.flatMap((w) => w.specs));
  const worlds = WORLDS.map((w) => ({
    besideVitest: w.besideVitest,
    after: w.after ?? null,
    env: w.env ?? {},
    files: w.specs.map((s) => `${s}.spec.ts`).filter((f) => files.includes(f)),
  }));
  worlds[worlds.length - 1].files.push(...files.filter((f) => !named.has(f.replace(/\.spec\.ts$/, ""))));
  // A world with no spec left is kept (as an empty one) so that `after` indexes stay right.
  return worlds;
}

/**
 * Starts one Playwright run over `files` in a world of its own: its own app server, practice range,
 * database, output folder and ports. Its output is kept and printed when it ends.
 */
function startBrowserWorld(index, title, files, env = {}) {
  const t0 = Date.now();
  const child = spawn(bin("playwright"), ["test", ...files.map((f) => `e2e/${f}`)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      ...env,
      NEXT_TELEMETRY_DISABLED: "1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      E2E_APP_PORT: String(Number(process.env.E2E_APP_PORT ?? 3100) + index),
      E2E_RANGE_PORT: String(Number(process.env.E2E_RANGE_PORT ?? 4590) + index),
      E2E_DATA_DIR: "",
      E2E_OUTPUT_DIR: path.join("test-results", `world-${index + 1}`),
      PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reports, `playwright-${index}.json`),
    },
  });
  const chunks = [];
  child.stdout.on("data", (c) => chunks.push(c));
  child.stderr.on("data", (c) => chunks.push(c));
  const done = new Promise((resolve) =>
    child.on("close", (code) => {
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      console.log(`\n=== e2e, ${title}: ${files.join(", ")} (${seconds} s) ===`);
      process.stdout.write(Buffer.concat(chunks));
      timings.push([`e2e, ${title} (Playwright in Chromium, ${files.length} specs)`, Date.now() - t0]);
      if (code !== 0) failedSteps.push(`e2e, ${title}`);
      resolve(code === 0);
    }),
  );
  return () => done;
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

/** The failed tests of a report, each with the first line of its error, for the run's last lines. */
function failures(file, kind) {
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, "utf8"));
  const firstLine = (text) =>
    String(text ?? "")
      .replace(/\x1b\[[0-9;]*m/g, "")
      .split("\n")
      .find((l) => l.trim() !== "") ?? "";
  // A browser test's first line says only which matcher failed; the locator, the expected and the
  // received values follow it, and a CI log that keeps only its last lines needs them.
  const detail = (text) =>
    String(text ?? "")
      .replace(/\x1b\[[0-9;]*m/g, "")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("Call log") && !l.startsWith("- "))
      .slice(0, 6)
      .join(" | ");
  if (kind === "vitest") {
    return (report.testResults ?? []).flatMap((f) =>
      (f.assertionResults ?? [])
        .filter((t) => t.status === "failed")
        .map((t) => `${path.relative(process.cwd(), f.name)} › ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`),
    );
  }
  const out = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const bad = (t.results ?? []).filter((r) => r.status !== "passed" && r.status !== "skipped");
        if (bad.length > 0) {
          const error = bad.at(-1)?.error;
          const at = error?.location ? ` (at ${path.basename(error.location.file)}:${error.location.line})` : "";
          out.push(`${spec.file}:${spec.line} › ${spec.title}${at}: ${detail(error?.message)}`);
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  for (const e of report.errors ?? []) out.push(`(${path.basename(file)}) ${firstLine(e.message)}`);
  return out;
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
  // The production build needs no test to have run: it starts first, with the throwaway
  // PostgreSQL cluster beside it; vitest and the first browser world start once it and the static
  // checks are done.
  let build = null;
  if (wants("e2e")) build = runInBackground("build (next build)", bin("next"), ["build"], { TEAL_BUILD_CACHE: "0" });
  // The static checks run in the foreground beside the build. Run at the lowest CPU priority beside
  // vitest instead, they left no core idle and vitest, whose tests mostly wait on round trips to the
  // range and the database, took 40 s longer (BENCHMARKS.md, "How long `npm test` takes").
  const pgStarting = wants("unit") ? startPgCluster() : null;
  // Whatever happens next, the cluster is stopped in the end.
  pgStarting?.then((cluster) => (pg = cluster)).catch(() => undefined);
  if (wants("lint")) ok = (await run("lint (eslint)", bin("eslint"), ["--max-warnings=0", "."])) && ok;
  if (wants("format")) ok = (await run("format (prettier --check)", bin("prettier"), ["--check", "--log-level=warn", "."])) && ok;
  // TypeScript 7, the compiler's native build: the same checks as the 5.9 that eslint and Next load
  // through its JavaScript API (7 has none yet), at about a third of the CPU (BENCHMARKS.md).
  if (wants("typecheck")) ok = (await run("typecheck (tsc --noEmit)", nativeTsc, ["--noEmit", "-p", "tsconfig.json"])) && ok;
  // The browser worlds run even when an earlier suite failed, so one run reports everything.
  const worlds = [];
  const lists = browserWorlds();
  /** Each started world's end (true when it passed), by its index: a world `after` another waits for it. */
  const ends = new Map();
  const startWorlds = (besideVitest) =>
    lists.forEach((w, i) => {
      if (w.besideVitest !== besideVitest || w.files.length === 0) return;
      const title = `world ${i + 1} of ${lists.length}${besideVitest ? ", beside vitest" : ""}${w.after === null ? "" : `, after world ${w.after + 1}`}`;
      const start = () => startBrowserWorld(i, title, w.files, w.env)();
      const before = w.after === null ? undefined : ends.get(w.after);
      const end = before ? before.then(start) : start();
      ends.set(i, end);
      worlds.push(() => end);
    });
  let built = false;
  if (build) {
    ensureChromium();
    built = await build();
    ok = built && ok;
    if (built) startWorlds(true);
  }
  if (wants("unit")) {
    pg = await pgStarting;
    console.log(`\nThrowaway PostgreSQL cluster at ${pg.url}`);
    ok =
      (await run(
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
      )) && ok;
    const stopping = Date.now();
    await pg.stop();
    timings.push(["stop the PostgreSQL cluster", Date.now() - stopping]);
    pg = null;
  }
  if (built) {
    console.log(`\nStarting the browser worlds after vitest, ${((Date.now() - started) / 1000).toFixed(1)} s into the run`);
    startWorlds(false);
  }
  const results = await Promise.all(worlds.map((world) => world()));
  ok = results.every(Boolean) && ok;
} finally {
  if (pg) await pg.stop();
}

const v = counts(path.join(reports, "vitest.json"), "vitest");
const failedTests = failures(path.join(reports, "vitest.json"), "vitest");
const p = { passed: 0, failed: 0, skipped: 0 };
for (const file of existsSync(reports) ? readdirSync(reports).filter((f) => f.startsWith("playwright")) : []) {
  const c = counts(path.join(reports, file), "playwright");
  p.passed += c.passed;
  p.failed += c.failed;
  p.skipped += c.skipped;
  failedTests.push(...failures(path.join(reports, file), "playwright"));
}
rmSync(reports, { recursive: true, force: true });
// Repeated at the end, where a log cut to its last lines still shows them: the failed tests, and
// the steps that failed (a lint or format check fails no test).
if (failedTests.length > 0 || failedSteps.length > 0) {
  console.log("\nFailed:");
  for (const step of failedSteps) console.log(`  ✘ step: ${step}`);
  for (const line of failedTests) console.log(`  ✘ ${line.length > 900 ? `${line.slice(0, 900)}…` : line}`);
}
console.log("\nTimings:");
for (const [title, ms] of timings) console.log(`  ${(ms / 1000).toFixed(1).padStart(7)} s  ${title}`);
console.log(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s  total`);
const passed = v.passed + p.passed;
const failed = v.failed + p.failed + (ok ? 0 : v.failed + p.failed === 0 ? 1 : 0);
console.log(`vitest ${v.passed} passed, ${v.failed} failed; playwright ${p.passed} passed, ${p.failed} failed`);
console.log(`${passed} passed, ${failed} failed${v.skipped + p.skipped ? `, ${v.skipped + p.skipped} skipped` : ""}`);
process.exit(ok ? 0 : 1);
