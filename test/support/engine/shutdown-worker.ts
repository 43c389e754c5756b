/**
 * Shutdown-test worker (tests only; bundled and run by test/reliability/graceful-shutdown.test.ts
 * in a child process): opens the store, builds the real gateway against the practice range, installs
 * the server's SIGTERM handling (lib/runtime/shutdown.ts, as lib/runtime/start.ts does), starts the
 * plan and waits for the signal. Real time: the engine sleeps between polls as the server does.
 */

import { readFileSync } from "node:fs";
import type { Actor } from "@/lib/domain/operation";
import type { Plan } from "@/lib/domain/plan";
import { createClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import { openStore } from "@/lib/store/store";
import { createEngine } from "@/lib/engine/engine";
import { installShutdown } from "@/lib/runtime/shutdown";

export interface ShutdownWorkerConfig {
  databaseUrl: string;
  endpoint: string;
  region: string;
  plan: Plan;
  actor: Actor;
  reason: string;
  /** How long a run may take to stop after the signal (Engine.shutdown's graceMs). */
  graceMs: number;
}

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error("usage: shutdown-worker <config.json>");
  const config = JSON.parse(readFileSync(path, "utf8")) as ShutdownWorkerConfig;
  const store = await openStore(config.databaseUrl);
  const engine = createEngine({
    store,
    gateway: createAwsGateway(createClients({ region: config.region, endpoint: config.endpoint, maxAttempts: 1 })),
  });
  installShutdown({ engine, store }, { graceMs: config.graceMs });
  const { operationId } = await engine.start({ plan: config.plan, actor: config.actor, reason: config.reason });
  process.stdout.write(`${JSON.stringify({ event: "worker.started", operationId })}\n`);
  // The server stays up until it is told to stop; so does the worker.
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
