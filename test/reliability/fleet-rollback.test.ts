// A rollback at fleet scale: the practice range runs in a process of its own with the demo world and
// 192 generated applications (200 in all) and AWS's own rate limits ("aws" throttling), and Teal's
// snapshot service reads the whole fleet as an overview left open does, with the AWS budget at its
// defaults (half of each service's documented limit). A rollback started while those reads wait
// their turn must be neither throttled by AWS nor queued behind them: the range's request log shows
// none of its calls throttled, and the budget counts its calls as sent at once, past waiting reads.
// The range has a process of its own because at 200 applications its world model costs as much CPU
// as Teal's side of the test; in one process each would slow the other.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { budgetDiff, configuredApp, runToEnd } from "@/test/support/budget";
import { loadTealConfig, parseEnv } from "@/lib/config/load";
import { createEngine } from "@/lib/engine/engine";
import type { Actor } from "@/lib/domain/operation";
import { openStore, type Store } from "@/lib/store/store";
import { planIntent } from "@/lib/runtime/plan-service";
import { createAwsAccess, type Runtime } from "@/lib/runtime/runtime";
import { createSnapshotService, type SnapshotService } from "@/lib/runtime/snapshots";
import { fleetConfigYaml } from "@/range/demo/fleet";
import type { RangeStats, RequestRecord } from "@/range/control/stats";

/** Generated applications beside the demo world's 8. */
const FLEET = 192;
const OPERATOR: Actor = { id: "operator", email: "operator@example.com", role: "operator" };
const RESPONDER: Actor = { id: "responder", email: "responder@example.com", role: "responder" };

let child: ChildProcess | null = null;
let rangeUrl = "";
let dir = "";
let store: Store;
let rt: Runtime;
let snapshots: SnapshotService;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the range's command line on a free port and resolves with its address once it serves. */
function startRangeProcess(): Promise<string> {
  const tsx = path.join(process.cwd(), "node_modules", "tsx", "dist", "cli.mjs");
  const proc = spawn(process.execPath, [tsx, "range/main.ts"], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      PORT: "0",
      RANGE_FLEET: String(FLEET),
      // World durations 20 times shorter (DNS changes, launches); no metric history to build.
      RANGE_SPEED: "20",
      RANGE_HISTORY_HOURS: "0",
      RANGE_FLEET_HISTORY_HOURS: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  return new Promise((resolve, reject) => {
    let out = "";
    let url = "";
    const fail = (why: string) => reject(new Error(`${why}\n${out.slice(-2000)}`));
    proc.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      url ||= /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? "";
      // The range prints its control API's address last, once seeded.
      if (url && out.includes("control API:")) resolve(url);
    });
    proc.stderr?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    proc.once("error", (err) => fail(`the range did not start: ${err.message}`));
    proc.once("exit", (code, signal) => fail(`the range exited (${code ?? signal ?? "?"}) before it served`));
  });
}

async function control(method: "GET" | "POST", route: string, body?: object): Promise<unknown> {
  const res = await fetch(`${rangeUrl}/_sim/${route}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
  expect(res.ok, `${method} /_sim/${route}: ${res.status}`).toBe(true);
  return res.json();
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "teal-fleet-rollback-"));
  const configFile = path.join(dir, "fleet.config.yaml");
  writeFileSync(configFile, fleetConfigYaml(FLEET));
  rangeUrl = await startRangeProcess();
  store = await openStore(`file:${path.join(dir, "teal.db")}`);
  // The server's settings but the range's address and its compressed waits; the AWS budget and
  // the refresh intervals at their defaults.
  const env = parseEnv({ AWS_ENDPOINT_URL: rangeUrl, TEAL_WAIT_SCALE: "0.25" });
  const config = loadTealConfig(configFile);
  expect(config.applications).toHaveLength(FLEET + 8);
  const apps = new Map(config.applications.map((a) => [a.id, a]));
  const access = createAwsAccess(env);
  rt = { env, config, store, engine: createEngine({ store, gateway: access.gateway }), ...access, app: (id) => apps.get(id) };
  snapshots = createSnapshotService(rt);
  // Shop with half of its traffic on green, before anything else reads: something to roll back.
  const { result } = await planIntent(rt, configuredApp(rt, "shop"), { kind: "shift", greenPercent: 50 });
  if (!result.ok) throw new Error(result.reason);
  const shift = await rt.engine.start({ plan: result.plan, actor: OPERATOR, reason: "canary" });
  expect(await runToEnd(store, shift.operationId)).toBe("succeeded");
  // AWS's rate limits from here on.
  await control("POST", "config", { throttling: "aws" });
}, 120_000);

afterAll(async () => {
  await store?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(5_000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a rollback while the overview reads 200 applications", () => {
  it("is neither throttled by AWS nor queued behind the reads", async () => {
    const budget = rt.readBudget;
    if (!budget) throw new Error("the budget is off");
    await control("POST", "stats/reset", {});
    // The range keeps its latest 500 requests only: collect them every 100 ms so none is lost.
    const seen = new Map<number, RequestRecord>();
    let collecting = true;
    const collect = async () => {
      for (const r of ((await control("GET", "stats")) as RangeStats).requests ?? []) seen.set(r.seq, r);
    };
    const collector = (async () => {
      while (collecting) {
        await collect();
        await sleep(100);
      }
    })();
    const before = budget.totals();

    // The overview (or the wall) polls every 2 s, as the pages do; its first poll asks for every
    // application at once.
    let polling = true;
    let polls = 0;
    const overview = (async () => {
      while (polling) {
        await snapshots.summaries();
        polls++;
        await sleep(2_000);
      }
    })();
    let rollbackStatus = "";
    let rollbackAt = 0;
    let waitingAtRollback = 0;
    try {
      // Until reads wait in the budget's queue (the fleet's first reads need more than it gives at once).
      const waiting = () => budget.buckets().reduce((n, b) => n + b.waiting(), 0);
      for (let i = 0; i < 200 && waiting() === 0; i++) await sleep(50);
      waitingAtRollback = waiting();
      rollbackAt = Date.now();
      const { result } = await planIntent(rt, configuredApp(rt, "shop"), { kind: "rollback" }, { patient: true });
      if (!result.ok) throw new Error(`rollback refused: ${result.reason}`);
      const { operationId } = await rt.engine.start({ plan: result.plan, actor: RESPONDER, reason: "green is failing", preempt: true });
      rollbackStatus = await Promise.race([runToEnd(store, operationId), sleep(60_000).then(() => "not ended within 60 s")]);
      // The overview goes on a moment after it.
      await sleep(1_000);
    } finally {
      polling = false;
      await overview;
      collecting = false;
      await collector;
      await collect();
    }
    const counters = budgetDiff(budget.totals(), before);
    const records = [...seen.values()].sort((a, b) => a.seq - b.seq);
    // No gap in the range's sequence numbers: every request since the reset was seen.
    expect(records.length).toBeGreaterThan(0);
    expect((records[records.length - 1]?.seq ?? 0) - (records[0]?.seq ?? 0) + 1).toBe(records.length);

    const isOperation = (r: RequestRecord) => /teal\/(plan|poll|patient)/.test(r.userAgent);
    const operation = records.filter(isOperation);
    const pages = records.filter((r) => r.userAgent.includes("teal/page"));
    const firstMutation = operation.find((r) => r.mutating && r.status < 400);
    console.info(
      `[fleet-rollback] ${FLEET + 8} applications, ${polls} overview polls; reads waiting when the rollback began: ${waitingAtRollback}; ` +
        `rollback ${rollbackStatus}, ${operation.length} calls, first mutation ${firstMutation ? firstMutation.receivedAtMs - rollbackAt : "none"} ms after its plan began; ` +
        `${pages.length} page requests, ${pages.filter((r) => r.throttled).length} throttled; budget ${JSON.stringify(counters)}`,
    );

    // The fleet was being read: reads were waiting for their turn when the rollback began.
    expect(waitingAtRollback).toBeGreaterThan(0);
    expect(pages.length).toBeGreaterThan(100);
    // The rollback ran, and AWS throttled none of its calls …
    expect(rollbackStatus).toBe("succeeded");
    expect(firstMutation?.operation).toBe("ChangeResourceRecordSets");
    expect(operation.filter((r) => r.throttled).map((r) => `${r.service}:${r.operation}`)).toEqual([]);
    // … nor did the budget hold them: each was counted as an operation call, sent at once, and some
    // went past reads waiting in the queue.
    expect(counters.debited).toBeGreaterThanOrEqual(operation.length);
    expect(counters.overtook).toBeGreaterThan(0);
    // The overview's reads kept within the budget: AWS throttled none of them, or almost none.
    expect(pages.filter((r) => r.throttled).length).toBeLessThanOrEqual(Math.max(2, pages.length * 0.02));
  }, 120_000);
});
