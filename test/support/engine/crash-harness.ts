/**
 * Crash-test harness (tests only): runs the engine in a child process on a SQLite file against a
 * practice range with a hand-driven clock, and the child SIGKILLs itself right after a chosen
 * journal write, so the test can check what a fresh engine on the same database does with what the
 * dead one left behind. Generic over the plan: each pattern adds a `CrashScenario`.
 *
 * Spawning TypeScript through a loader costs seconds of CPU per process, and a crash suite spawns
 * one process per kill point and path; the worker is therefore bundled once per test file into
 * plain JavaScript (AWS SDK included, native and driver packages left external), which starts in
 * a fraction of that.
 */

import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import type { Actor, Operation } from "@/lib/domain/operation";
import type { Plan } from "@/lib/domain/plan";

/** Where the worker kills itself. */
export type KillPoint =
  /**
   * Right after the journal says `steps` steps have succeeded (the step.succeeded audit record of
   * the last of them is written); `steps` = 0: right after the operation was marked running;
   * `steps` = the plan's length: every step done, the outcome not yet recorded.
   */
  | { kind: "after-steps"; steps: number }
  /** Right after step `step`'s call output is journaled, before its wait is polled. */
  | { kind: "after-call"; step: number }
  /**
   * Right after the start journaled the operation (createOperation returned), before anything
   * else: the operation is pending, holds the lock, and its `operation.started` record must exist.
   */
  | { kind: "after-start" }
  /**
   * Inside the start's journal write, right after the `operation.started` record's insert has run
   * and before its transaction commits (the worker's store kills itself from a query plugin).
   * Whatever the start wrote in that transaction must be gone; nothing of the start may be left
   * half written. Not one of `killPointsOf`: there may be no operation left to resume.
   */
  | { kind: "start-uncommitted" };

export interface WorkerConfig {
  databaseUrl: string;
  endpoint: string;
  region: string;
  /** The engine's lease; absent: the product's default. */
  leaseMs?: number;
  plan: Plan;
  actor: Actor;
  reason: string;
  kill: KillPoint;
}

/** What the worker prints, one JSON object per line. */
export type WorkerEvent = { event: "started"; operationId: string } | { event: "finished"; operationId: string; status: string | null };

/**
 * Every kill point of a plan: right after the start was journaled, after each number of steps
 * (none to all), and after each call that has a wait.
 */
export function killPointsOf(plan: Plan): KillPoint[] {
  const points: KillPoint[] = [{ kind: "after-start" }];
  plan.steps.forEach((step, index) => {
    points.push({ kind: "after-steps", steps: index });
    if (step.call && step.wait) points.push({ kind: "after-call", step: index });
  });
  points.push({ kind: "after-steps", steps: plan.steps.length });
  return points;
}

export function describeKillPoint(point: KillPoint, plan: Plan): string {
  if (point.kind === "after-start") return "right after the start was journaled, before the operation was marked running";
  if (point.kind === "start-uncommitted") return "inside the start's journal write, after its started record, before the commit";
  if (point.kind === "after-steps") {
    const next = plan.steps[point.steps];
    return next ? `after ${point.steps} step(s), before "${next.id}"` : `after all ${point.steps} steps, before the outcome`;
  }
  return `after the call of "${plan.steps[point.step]?.id ?? "?"}" (output journaled, wait not polled)`;
}

/** Steps the journal has as succeeded at a kill point. */
export function stepsDoneAt(point: KillPoint): number {
  switch (point.kind) {
    case "after-steps":
      return point.steps;
    case "after-call":
      return point.step;
    case "after-start":
    case "start-uncommitted":
      return 0;
  }
}

/** One pattern's crash scenario: how to plan the operation that crashes, and what "done" looks like. */
export interface CrashScenario {
  name: string;
  /** Observes the range and plans the operation the worker runs (and dies in). */
  plan(): Promise<Plan>;
  /**
   * Observes the range and plans a rollback, with what the journal tells observe (the app's latest
   * operation), exactly as the app plans one.
   */
  rollbackPlan(latest: Operation | null): Promise<Plan>;
  /** After the resumed operation succeeded: the range is where `plan` said it would be (read back through the SDK). */
  expectDone(plan: Plan): Promise<void>;
  /** After the rollback: blue serves everything (read back through the SDK). */
  expectRolledBack(): Promise<void>;
}

/** The bundles this process built, by path: each is built once. */
const bundles = new Map<string, Promise<string>>();

/** Whether process `pid` is alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the bundles of processes that are gone: a vitest worker is stopped without running its
 * exit handlers, so the bundles are not removed by the process that built them.
 */
function removeOrphans(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = Number(/-(\d+)\.cjs$/.exec(name)?.[1] ?? NaN);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) rmSync(join(dir, name), { force: true });
  }
}

/**
 * Bundles the worker (`engine-worker`, or another worker of this folder) into `dir` and returns its
 * path: once per process, shared by the test files of a vitest worker, and removed by the next
 * process that bundles once this one is gone. The bundle lives under the project so that the packages left external resolve from its
 * node_modules.
 *
 * The SDK's ES module builds are preferred (`mainFields`): the bundle can then leave out what the
 * worker never uses (the CommonJS builds export every command and an aggregated client each, all
 * run at load), and a worker starts on about a fifth less CPU.
 */
export function bundleWorker(dir: string, worker = "engine-worker"): Promise<string> {
  const outfile = join(dir, `${worker}-${process.pid}.cjs`);
  let built = bundles.get(outfile);
  if (!built) {
    mkdirSync(dir, { recursive: true });
    if (bundles.size === 0) removeOrphans(dir);
    built = build({
      entryPoints: [join(import.meta.dirname, `${worker}.ts`)],
      outfile,
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      mainFields: ["module", "main"],
      // As Next bundles server code: `server-only` resolves to its no-op.
      conditions: ["react-server"],
      tsconfig: join(process.cwd(), "tsconfig.json"),
      external: ["better-sqlite3", "pg", "pg-native"],
      logLevel: "error",
    }).then(() => outfile);
    // A failed build is not kept: the next file tries again.
    built.catch(() => bundles.delete(outfile));
    bundles.set(outfile, built);
  }
  return built;
}

/**
 * Runs the worker with `config` and resolves with the operation id once the process has killed
 * itself; rejects if it exits any other way (the plan finished or failed before the kill point).
 */
export async function runWorkerUntilKilled(bundle: string, dir: string, config: WorkerConfig): Promise<string> {
  const operationId = await runWorkerUntilDead(bundle, dir, config);
  if (operationId === null) throw new Error("the worker died before its operation was journaled");
  return operationId;
}

/**
 * Like runWorkerUntilKilled, but a worker killed before the start's journal write returned (no
 * operation id was said) resolves with null.
 */
export function runWorkerUntilDead(bundle: string, dir: string, config: WorkerConfig): Promise<string | null> {
  const configPath = join(dir, `worker-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(configPath, JSON.stringify(config));
  const child = spawn(process.execPath, [bundle, configPath], { cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  let out = "";
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  return new Promise<string | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      const events = out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as WorkerEvent);
      const started = events.find((e) => e.event === "started");
      if (signal === "SIGKILL") resolve(started ? started.operationId : null);
      else reject(new Error(`the worker did not die at its kill point (${code ?? signal ?? "?"}): ${out.slice(-1000)} ${err.slice(-2000)}`));
    });
  });
}
