#!/usr/bin/env node
// `npm start`: builds Teal if needed, starts the practice range (unless AWS_ENDPOINT_URL or
// TEAL_BACKEND=aws points elsewhere) and the dashboard, and prints the URL and demo sign-ins.
// With RANGE_FLEET=N the range also seeds N fleet applications, and Teal reads the config of
// that world (demo and fleet applications), written to data/fleet-N.config.yaml, unless
// TEAL_CONFIG names another file.
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const dev = process.argv.includes("--dev");
const skipBuild = process.argv.includes("--no-build");
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const rangePort = Number(process.env.RANGE_PORT ?? 4580);
const useRange = process.env.TEAL_BACKEND !== "aws" && !process.env.AWS_ENDPOINT_URL;
const bin = (name) => path.join(root, "node_modules", ".bin", name);

/**
 * The practice range compiled into one ES module (its packages stay in node_modules), started
 * with plain node: through tsx's loader, which compiles every file of the range at each start, a
 * start cost about 2 CPU-seconds more (BENCHMARKS.md). Built at every start (under a second), so
 * it is never older than the sources, and removed when this process exits.
 */
async function rangeEntry() {
  const { build } = await import("esbuild");
  const outfile = path.join(root, "node_modules", ".cache", "teal-range", `main-${process.pid}.mjs`);
  await build({
    entryPoints: [path.join(root, "range", "main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "error",
  });
  process.once("exit", () => rmSync(outfile, { force: true }));
  return outfile;
}

function sourceFingerprint() {
  const head = spawnSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).stdout ?? "";
  const dirty =
    spawnSync("git", ["status", "--porcelain", "--", "app", "components", "lib", "next.config.mjs", "package-lock.json"], {
      encoding: "utf8",
    }).stdout ?? "";
  return createHash("sha256")
    .update(head + dirty)
    .digest("hex");
}

function ensureBuilt() {
  const stamp = path.join(root, ".next", "teal-build-stamp");
  const fingerprint = sourceFingerprint();
  if (existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === fingerprint) return;
  console.log("Building Teal (first start or changed sources; about a minute)…");
  const res = spawnSync(bin("next"), ["build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (res.status !== 0) process.exit(res.status ?? 1);
  writeFileSync(stamp, fingerprint);
}

function secret() {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  mkdirSync(path.join(root, "data"), { recursive: true });
  const file = path.join(root, "data", ".nextauth-secret");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

async function waitFor(url, what, child, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs / 1000} s`);
}

const children = [];
/**
 * How long the app may take to stop after SIGTERM: its running operations stop at their next step
 * (an AWS call on the wire is let answer, then cancelled after 15 s, and given 15 s more), are
 * journaled as interrupted and release their locks (lib/runtime/shutdown.ts).
 */
const APP_STOP_MS = 35_000;
let stopping = false;

function stopped(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// The app first, and the range only once the app has stopped: the app's last calls and journal
// writes need the range to answer.
async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of [...children].reverse()) {
    if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
    await stopped(c, c === children.at(-1) ? APP_STOP_MS : 5_000);
  }
  process.exit(code);
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

async function main() {
  if (!dev && !skipBuild) ensureBuilt();
  const env = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    NEXTAUTH_SECRET: secret(),
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://${host}:${port}`,
    // Teal stops itself on SIGTERM (lib/runtime/shutdown.ts); Next's handler would exit first.
    NEXT_MANUAL_SIG_HANDLE: "1",
  };
  if (useRange) {
    const entry = await rangeEntry();
    const fleet = process.env.RANGE_FLEET ?? "";
    if (fleet !== "" && fleet !== "0") {
      mkdirSync(path.join(root, "data"), { recursive: true });
      const file = path.join("data", `fleet-${fleet}.config.yaml`);
      const res = spawnSync(process.execPath, [entry, "--write-config", file], { stdio: "inherit", env });
      if (res.status !== 0) process.exit(res.status ?? 1);
      if (process.env.TEAL_CONFIG) console.log(`TEAL_CONFIG=${process.env.TEAL_CONFIG} is kept: the fleet's config is in ${file}.`);
      else env.TEAL_CONFIG = file;
    }
    const range = spawn(process.execPath, [entry], { stdio: ["ignore", "inherit", "inherit"], env: { ...env, PORT: String(rangePort) } });
    children.push(range);
    range.on("exit", (code) => {
      console.error(`Practice range stopped (code ${code}).`);
      stopAll(code ?? 1);
    });
    await waitFor(`http://127.0.0.1:${rangePort}/_sim/health`, "The practice range", range);
    env.AWS_ENDPOINT_URL = `http://127.0.0.1:${rangePort}`;
    env.TEAL_DEMO_USERS = env.TEAL_DEMO_USERS ?? "1";
  }
  const app = spawn(bin("next"), [dev ? "dev" : "start", "-p", String(port), "-H", host], { stdio: ["ignore", "inherit", "inherit"], env });
  children.push(app);
  app.on("exit", (code) => stopAll(code ?? 1));
  await waitFor(`http://${host}:${port}/api/health`, "Teal", app);
  const url = `http://${host}:${port}`;
  console.log("");
  console.log(`Teal is running: ${url}`);
  if (useRange) {
    console.log(`Backend: the practice range at http://127.0.0.1:${rangePort} (control API under /_sim/)`);
    console.log("Demo sign-ins (password teal-demo):");
    console.log("  viewer@example.com     read only");
    console.log("  responder@example.com  roll back, abort");
    console.log("  operator@example.com   shift traffic, promote, roll back");
    console.log("  admin@example.com      everything");
  } else {
    console.log(`Backend: AWS${process.env.AWS_ENDPOINT_URL ? ` at ${process.env.AWS_ENDPOINT_URL}` : ""}`);
  }
  console.log("Stop with Ctrl+C.");
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  stopAll(1);
});
