/**
 * Crash-test worker (tests only; bundled and run by crash-harness.ts in a child process): opens
 * the store on the given database, builds the real gateway against the practice range, starts the
 * plan and SIGKILLs itself right after the journal write named by the kill point, the way a
 * server dies: no cleanup, no lock released, whatever was in flight lost.
 *
 * Time is the range's manual clock: the engine's clock reads it, and a pause between polls moves
 * it forward instead of sleeping, so waits take no real time and every run sees the same world.
 */

import { readFileSync } from "node:fs";
import { InsertQueryNode, type KyselyPlugin } from "kysely";
import type { JsonValue } from "@/lib/domain/basics";
import { createClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import { openStore, type Store } from "@/lib/store/store";
import { createEngine } from "@/lib/engine/engine";
import type { KillPoint, WorkerConfig, WorkerEvent } from "./crash-harness";

function emit(event: WorkerEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function die(): never {
  process.kill(process.pid, "SIGKILL");
  // SIGKILL is not deliverable to a handler; this line is never reached.
  throw new Error("unreachable");
}

function indexOf(after: JsonValue | null | undefined): number | null {
  if (after === null || after === undefined || typeof after !== "object" || Array.isArray(after)) return null;
  const index = after.index;
  return typeof index === "number" ? index : null;
}

/** The store, but the process dies right after the write the kill point names has been committed. */
function killingStore(store: Store, point: KillPoint): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (prop === "createOperation") {
        return async (...args: Parameters<Store["createOperation"]>) => {
          const op = await target.createOperation(...args);
          // Said before anything can kill the process: the test needs the id of the dead operation.
          emit({ event: "started", operationId: op.id });
          if (point.kind === "after-start") die();
          return op;
        };
      }
      if (prop === "updateOperation") {
        return async (...args: Parameters<Store["updateOperation"]>) => {
          const changed = await target.updateOperation(...args);
          if (point.kind === "after-steps" && point.steps === 0 && args[1].status === "running" && changed) die();
          return changed;
        };
      }
      if (prop === "updateStep") {
        return async (...args: Parameters<Store["updateStep"]>) => {
          await target.updateStep(...args);
          const [, index, patch, options] = args;
          if (point.kind === "after-call" && index === point.step && patch.output !== undefined && patch.output !== null) die();
          // A step's end is committed with its audit record (one transaction): die right after it.
          if (point.kind !== "after-steps" || point.steps === 0 || patch.status !== "succeeded") return;
          if (options?.audit?.some((entry) => entry.action === "step.succeeded" && indexOf(entry.after) === point.steps - 1)) die();
        };
      }
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A query plugin that kills the process right after the first insert of an `operation.started`
 * audit record has run, before its transaction commits (kill point `start-uncommitted`).
 */
function dieAfterStartedInsert(): KyselyPlugin {
  const startedInserts = new WeakSet<object>();
  return {
    transformQuery(args) {
      const node = args.node;
      if (InsertQueryNode.is(node) && node.into?.table.identifier.name === "audit" && JSON.stringify(node).includes("operation.started")) {
        startedInserts.add(args.queryId);
      }
      return node;
    },
    async transformResult(args) {
      if (startedInserts.has(args.queryId)) die();
      return args.result;
    },
  };
}

async function rangeClock(endpoint: string, advanceMs: number): Promise<number> {
  const res =
    advanceMs > 0
      ? await fetch(`${endpoint}/_sim/clock`, { method: "POST", body: JSON.stringify({ advanceSeconds: advanceMs / 1000 }) })
      : await fetch(`${endpoint}/_sim/health`);
  const body = (await res.json()) as { nowMs: number };
  return body.nowMs;
}

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error("usage: engine-worker <config.json>");
  const config = JSON.parse(readFileSync(path, "utf8")) as WorkerConfig;
  let clock = await rangeClock(config.endpoint, 0);
  const plugins = config.kill.kind === "start-uncommitted" ? [dieAfterStartedInsert()] : [];
  const store = killingStore(await openStore(config.databaseUrl, { plugins }), config.kill);
  const clients = createClients({ region: config.region, endpoint: config.endpoint, maxAttempts: 1 });
  const engine = createEngine({
    store,
    gateway: createAwsGateway(clients),
    ...(config.leaseMs !== undefined ? { leaseMs: config.leaseMs } : {}),
    now: () => clock,
    sleep: async (ms) => {
      clock = await rangeClock(config.endpoint, ms);
    },
  });
  const started = await engine.start({ plan: config.plan, actor: config.actor, reason: config.reason });
  await engine.whenIdle(started.operationId);
  emit({ event: "finished", operationId: started.operationId, status: await store.getOperationStatus(started.operationId) });
  await store.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
