/**
 * Crash-test worker (tests only; run by crash-harness.ts in a child process): opens the store on
 * the given database, builds the real gateway against the practice range, starts the plan with a
 * short lease, and parks at the configured point (every AWS request from then on hangs) so the
 * test can SIGKILL it there.
 */

import { readFileSync } from "node:fs";
import type { AwsCall, AwsCallInfo, AwsGateway, JsonValue, WaitCondition } from "@/lib/domain/types";
import { createClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import { openStore, type Store } from "@/lib/store/store";
import { createEngine } from "../engine";
import type { KillPoint, WorkerConfig, WorkerEvent } from "./crash-harness";

function emit(event: WorkerEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** Whether the journal has reached the kill point. */
async function reached(store: Store, operationId: string, point: KillPoint): Promise<boolean> {
  const op = await store.getOperation(operationId);
  if (!op) return false;
  if (point.kind === "after-steps") return op.steps.filter((s) => s.status === "succeeded").length >= point.steps;
  return op.steps[point.step]?.output !== null && op.steps[point.step]?.output !== undefined;
}

/** The real gateway, but from the kill point on every request hangs (and the worker says so once). */
function parkingGateway(inner: AwsGateway, store: Store, operationId: Promise<string>, point: KillPoint): AwsGateway {
  let parked = false;
  const gate = async () => {
    const id = await operationId;
    if (parked || (await reached(store, id, point))) {
      if (!parked) emit({ event: "parked", operationId: id });
      parked = true;
      await new Promise<never>(() => undefined);
    }
  };
  return {
    async call(call: AwsCall, observe?: (info: AwsCallInfo) => void) {
      await gate();
      return inner.call(call, observe);
    },
    async check(wait: WaitCondition, output: JsonValue | null) {
      await gate();
      return inner.check(wait, output);
    },
  };
}

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error("usage: engine-worker <config.json>");
  const config = JSON.parse(readFileSync(path, "utf8")) as WorkerConfig;
  const store = await openStore(config.databaseUrl);
  const clients = createClients({ region: config.region, endpoint: config.endpoint, maxAttempts: 1 });
  let resolveId: (id: string) => void = () => undefined;
  const operationId = new Promise<string>((resolve) => {
    resolveId = resolve;
  });
  const gateway = parkingGateway(createAwsGateway(clients), store, operationId, config.park);
  const engine = createEngine({ store, gateway, leaseMs: config.leaseMs });
  const started = await engine.start({ plan: config.plan, actor: config.actor, reason: config.reason });
  resolveId(started.operationId);
  emit({ event: "started", operationId: started.operationId });
  await engine.whenIdle(started.operationId);
  emit({ event: "finished", operationId: started.operationId });
  await store.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
