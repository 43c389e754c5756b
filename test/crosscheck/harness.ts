/**
 * Cross-check harness: runs the same scenario with the same SDK clients against moto (an
 * independent open-source AWS emulator) and against the practice range, and records normalised
 * observations per named step so the suite can compare them.
 *
 * moto has no clock: its `advance` does nothing, while the range's moves its manual clock. Steps that
 * depend on time (PENDING → INSYNC, health checks) are therefore where the two legitimately differ;
 * those are listed in known-differences.ts, never skipped.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { startTestRange, type TestRange } from "../support/range";

export type TargetName = "moto" | "range";

export interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

export interface Target {
  name: TargetName;
  clientConfig: ClientConfig;
  /** Lets `ms` of time pass (the range's clock; moto has none, so a no-op there). */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Records one scenario's observations in order, by step name. */
export class Observations {
  readonly steps = new Map<string, unknown>();

  see(step: string, value: unknown): void {
    if (this.steps.has(step)) throw new Error(`step "${step}" observed twice`);
    this.steps.set(step, value);
  }
}

export interface Scenario {
  /** Service and what it covers, e.g. "route53". Also the key in the known-differences table. */
  name: string;
  run(target: Target, obs: Observations): Promise<void>;
}

/** Whether `moto_server` can be started from the PATH. */
export function motoAvailable(): boolean {
  const probe = spawnSync("moto_server", ["--help"], { stdio: "ignore", timeout: 20_000 });
  return probe.error === undefined && probe.status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error("moto_server exited during start-up");
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return; // any HTTP answer means the server listens
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms`);
}

const STATIC_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

/** Starts `moto_server` on loopback and a free port; resolves once it answers HTTP. */
export async function startMoto(): Promise<Target> {
  const port = await freePort();
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4_000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${endpoint}/moto-api/`, child, 30_000);
  } catch (err) {
    child.kill("SIGTERM");
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  return {
    name: "moto",
    clientConfig: { endpoint, region: "us-east-1", credentials: STATIC_CREDENTIALS, maxAttempts: 1 },
    advance: async () => {},
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A practice range with a manual clock; `advance` moves it in 10 s steps with a request per step. */
export async function startRangeTarget(): Promise<Target & { range: TestRange }> {
  const range = await startTestRange({}, Date.UTC(2026, 10, 26, 10, 0, 0));
  return {
    name: "range",
    range,
    clientConfig: range.clientConfig,
    advance: async (ms: number) => {
      for (let t = 0; t < ms; t += 10_000) {
        range.tick(Math.min(10_000, ms - t));
        // The world follows its clock on the next request, like a polling console drives it.
        await fetch(`${range.url}/_sim/health`);
      }
    },
    close: () => range.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Normalisation: what may differ between two correct emulators is masked.

/** An SDK call's outcome: its value, or the exception class name (what callers branch on). */
export async function outcome<T>(call: Promise<T>): Promise<{ ok: T } | { error: string }> {
  try {
    return { ok: await call };
  } catch (err) {
    return { error: err instanceof Error ? err.name : String(err) };
  }
}

export function errorOf(o: { ok: unknown } | { error: string }): string | undefined {
  return "error" in o ? o.error : undefined;
}

/** Masks generated ids so runs on two emulators compare. */
export function maskId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value
    .replace(/\bi-[0-9a-f]{8,17}\b/g, "i-*")
    .replace(/\br-[0-9a-f]{8,17}\b/g, "r-*")
    .replace(/^\/?(change\/)?C[0-9A-Z]{6,31}$/, "<change>")
    .replace(/^(\/hostedzone\/)?Z[0-9A-Z]{6,31}$/, "<zone>");
}

/** Sorts a list by a key (observations must not depend on an emulator's listing order). */
export function sortedBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
