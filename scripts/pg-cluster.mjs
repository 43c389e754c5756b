#!/usr/bin/env node
// A throwaway PostgreSQL cluster for tests: initdb into a temp dir, start on a free port bound to
// 127.0.0.1 with trust auth, create one database, and remove everything on stop().
//
// As a library:  const { url, stop } = await startPgCluster();
// As a CLI:      node scripts/pg-cluster.mjs                 prints the URL, stops on Ctrl-C
//                node scripts/pg-cluster.mjs -- <cmd> [...]  runs <cmd> with TEST_PG_URL set, then stops

import { execFile, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Compares "15", "16", "9.6" as versions, highest first. */
function byVersionDesc(a, b) {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Finds the directory holding initdb, pg_ctl and postgres. */
export function findPgBinDir() {
  const candidates = [];
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR);
  try {
    candidates.push(execFileSync("pg_config", ["--bindir"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  } catch {
    // pg_config is not installed (or not on PATH): fall back to the Debian layout below.
  }
  const debianRoot = "/usr/lib/postgresql";
  if (existsSync(debianRoot)) {
    for (const version of readdirSync(debianRoot).sort(byVersionDesc)) candidates.push(join(debianRoot, version, "bin"));
  }
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir) candidates.push(dir);
  const found = candidates.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl")));
  if (!found) {
    throw new Error("PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql or set PG_BINDIR");
  }
  return found;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

function postgresIds() {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

/** initdb and the server refuse to run as root: run them as the postgres user then. */
function asServerUser(file, args) {
  return isRoot() ? { file: "runuser", args: ["-u", "postgres", "--", file, ...args] } : { file, args };
}

async function run(file, args) {
  const cmd = asServerUser(file, args);
  try {
    await execFileAsync(cmd.file, cmd.args, { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const stderr = error && typeof error === "object" && "stderr" in error ? String(error.stderr) : "";
    throw new Error(`${file.split("/").pop()} failed: ${stderr.trim() || String(error)}`);
  }
}

function readLog(logFile) {
  try {
    return readFileSync(logFile, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "";
  }
}

/**
 * Starts a throwaway PostgreSQL cluster and creates `database` in it.
 * @param {{ database?: string }} [options]
 * @returns {Promise<{ url: string; dir: string; port: number; stop: () => Promise<void> }>}
 */
export async function startPgCluster(options = {}) {
  const database = options.database ?? "teal";
  const bin = findPgBinDir();
  const dir = mkdtempSync(join(tmpdir(), "teal-pg-"));
  const dataDir = join(dir, "data");
  const logFile = join(dir, "server.log");
  if (isRoot()) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }

  let stopped = false;
  let started = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    if (started) {
      const cmd = asServerUser(join(bin, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      try {
        execFileSync(cmd.file, cmd.args, { stdio: "ignore" });
      } catch {
        // Already stopped.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // If the caller forgets stop() or the process ends early, do not leave a server behind.
  process.once("exit", stopSync);

  try {
    await run(join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);

    let port = 0;
    let lastError = null;
    for (let attempt = 0; attempt < 5 && !started; attempt++) {
      port = await freePort();
      const serverOptions = [
        `-p ${port}`,
        "-c listen_addresses=127.0.0.1",
        `-c unix_socket_directories=${dir}`,
        "-c fsync=off",
        "-c synchronous_commit=off",
        "-c full_page_writes=off",
        "-c max_connections=200",
      ].join(" ");
      try {
        await run(join(bin, "pg_ctl"), ["-D", dataDir, "-l", logFile, "-w", "-t", "60", "-o", serverOptions, "start"]);
        started = true;
      } catch (error) {
        // Most likely another process took the port between probing and binding: try another.
        lastError = new Error(`${error instanceof Error ? error.message : String(error)}\n${readLog(logFile)}`);
      }
    }
    if (!started) throw lastError ?? new Error("PostgreSQL did not start");

    const createdb = existsSync(join(bin, "createdb")) ? join(bin, "createdb") : "createdb";
    await execFileAsync(createdb, ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", database]);

    const url = `postgresql://postgres@127.0.0.1:${port}/${database}`;
    return {
      url,
      dir,
      port,
      stop: async () => {
        process.removeListener("exit", stopSync);
        if (stopped) return;
        stopped = true;
        try {
          await run(join(bin, "pg_ctl"), ["-D", dataDir, "-m", "fast", "-w", "stop"]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    process.removeListener("exit", stopSync);
    stopSync();
    throw error;
  }
}

async function main(argv) {
  const sep = argv.indexOf("--");
  const command = sep >= 0 ? argv.slice(sep + 1) : [];
  const cluster = await startPgCluster();
  if (command.length === 0) {
    process.stdout.write(`${cluster.url}\n`);
    process.stderr.write("PostgreSQL is running; press Ctrl-C to stop it and remove its data.\n");
    await new Promise((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await cluster.stop();
    return 0;
  }
  const [file, ...args] = command;
  const child = spawn(file, args, { stdio: "inherit", env: { ...process.env, TEST_PG_URL: cluster.url } });
  const forward = (signal) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const code = await new Promise((resolve) => {
    child.on("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    child.on("error", (error) => {
      process.stderr.write(`${String(error)}\n`);
      resolve(127);
    });
  });
  await cluster.stop();
  return code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
