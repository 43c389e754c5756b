/**
 * Crash-test harness (tests only): runs the engine in a child process on a SQLite file against a
 * practice range, parks it at a chosen point of a plan and kills it with SIGKILL, so the test can
 * check what a fresh engine on the same database does with what the dead one left behind.
 * Generic over the plan: each pattern adds a `CrashScenario`.
 */

import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Actor, Plan } from "@/lib/domain/types";

/** Where the worker stops making progress (and waits to be killed). */
export type KillPoint =
  /** At its first AWS request after `steps` steps have succeeded (before step `steps` does anything). */
  | { kind: "after-steps"; steps: number }
  /** Step `step`'s call has returned and its output is journaled; parked at the first poll of its wait. */
  | { kind: "during-wait"; step: number };

export interface WorkerConfig {
  databaseUrl: string;
  endpoint: string;
  region: string;
  leaseMs: number;
  plan: Plan;
  actor: Actor;
  reason: string;
  park: KillPoint;
}

/** What the worker prints, one JSON object per line. */
export type WorkerEvent = { event: "started"; operationId: string } | { event: "parked"; operationId: string } | { event: "finished"; operationId: string };

/** Every kill point of a plan: before each step, and inside each wait that follows a call. */
export function killPointsOf(plan: Plan): KillPoint[] {
  const points: KillPoint[] = [];
  plan.steps.forEach((step, index) => {
    points.push({ kind: "after-steps", steps: index });
    if (step.call && step.wait) points.push({ kind: "during-wait", step: index });
  });
  return points;
}

export function describeKillPoint(point: KillPoint, plan: Plan): string {
  if (point.kind === "after-steps") {
    const next = plan.steps[point.steps];
    return `after ${point.steps} step(s), before "${next?.id ?? "?"}"`;
  }
  return `inside the wait of "${plan.steps[point.step]?.id ?? "?"}" (call journaled)`;
}

/** One pattern's crash scenario: how to plan the operation that crashes, and what "done" looks like. */
export interface CrashScenario {
  name: string;
  /** Observes the range and plans the operation the worker runs (and is killed in). */
  plan(): Promise<Plan>;
  /** Observes the range and plans a rollback. */
  rollbackPlan(): Promise<Plan>;
  /** After the resumed operation succeeded: the range is where `plan` said it would be. */
  expectDone(plan: Plan): Promise<void>;
  /** After the rollback: blue serves everything. */
  expectRolledBack(): Promise<void>;
}

export interface RunningWorker {
  child: ChildProcess;
  operationId: Promise<string>;
  parked: Promise<void>;
  /** SIGKILL, resolved when the process is gone. */
  kill(): Promise<void>;
  stderr(): string;
}

/** Starts the worker with `config` (written to `dir`), with `server-only` resolved for the server as Next does. */
export function startWorker(dir: string, config: WorkerConfig): RunningWorker {
  const configPath = join(dir, `worker-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(configPath, JSON.stringify(config));
  const script = join(import.meta.dirname, "engine-worker.ts");
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", script, configPath], {
    cwd: process.cwd(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let onStarted: (id: string) => void = () => undefined;
  let onParked: () => void = () => undefined;
  let onFail: (e: Error) => void = () => undefined;
  const operationId = new Promise<string>((resolve, reject) => {
    onStarted = resolve;
    onFail = reject;
  });
  const parked = new Promise<void>((resolve, reject) => {
    onParked = resolve;
    const previous = onFail;
    onFail = (e) => {
      previous(e);
      reject(e);
    };
  });
  // Unhandled-rejection guards: a test awaits only what it needs.
  operationId.catch(() => undefined);
  parked.catch(() => undefined);
  let buffer = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line.startsWith("{")) continue;
      const event = JSON.parse(line) as WorkerEvent;
      if (event.event === "started") onStarted(event.operationId);
      if (event.event === "parked") onParked();
      if (event.event === "finished") onFail(new Error("the worker finished without parking"));
    }
  });
  child.once("exit", (code, signal) => {
    if (signal !== "SIGKILL") onFail(new Error(`the worker exited (${code ?? signal ?? "?"}): ${err.slice(-2000)}`));
  });
  return {
    child,
    operationId,
    parked,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    stderr: () => err,
  };
}
