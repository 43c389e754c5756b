/**
 * SIGTERM during an operation: the engine runs in a child process with the server's shutdown
 * handling (lib/runtime/shutdown.ts) against a practice range, and is sent SIGTERM while its Route
 * 53 change is on the wire (the range answers it 1.5 s late). The process must let the call answer
 * and journal its output, mark the operation interrupted with its audit record, release the lock,
 * say so in its log, and exit 0. Then an engine of this process resumes the operation at once (no
 * lease to wait for) and finishes it without sending the change again.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/domain/operation";
import type { Plan } from "@/lib/domain/plan";
import { createClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import { openStore, type Store } from "@/lib/store/store";
import { OUTPUT_KEPT } from "@/lib/engine/engine";
import { SHUTDOWN_MESSAGE } from "@/lib/engine/outcomes";
import { bundleWorker } from "@/test/support/engine/crash-harness";
import type { ShutdownWorkerConfig } from "@/test/support/engine/shutdown-worker";
import { startTestRange, type TestRange } from "@/test/support/range";
import { createRangeEngine } from "./crash-suite";

const operator: Actor = { id: "u-op", email: "operator@example.com", role: "operator" };
const CALL_LATENCY_MS = 1_500;

let range: TestRange;
let bundle: string;
let dir: string;
let store: Store | null = null;

function planFor(zoneId: string): Plan {
  return {
    appId: "shop",
    pattern: "dns-weighted",
    intent: { kind: "shift", greenPercent: 0 },
    summary: "Shift: blue 100 %",
    before: { greenPercent: 0 },
    after: { greenPercent: 0 },
    steps: [
      {
        id: "set-weights",
        title: "Set weights blue 100",
        call: {
          service: "route53",
          operation: "ChangeResourceRecordSets",
          input: {
            HostedZoneId: zoneId,
            ChangeBatch: {
              Changes: [
                {
                  Action: "UPSERT",
                  ResourceRecordSet: {
                    Name: "shop.example.com.",
                    Type: "A",
                    SetIdentifier: "blue",
                    Weight: 100,
                    TTL: 60,
                    ResourceRecords: [{ Value: "10.0.0.1" }],
                  },
                },
              ],
            },
          },
        },
        wait: { kind: "route53-change-insync", timeoutMs: 600_000, pollMs: 100 },
      },
    ],
  };
}

async function changeRequests(): Promise<number> {
  const stats = (await (await fetch(`${range.url}/_sim/stats`)).json()) as {
    services?: Record<string, { operations?: Record<string, { count: number }> }>;
  };
  return stats.services?.route53?.operations?.ChangeResourceRecordSets?.count ?? 0;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "teal-shutdown-"));
  [range, bundle] = await Promise.all([
    startTestRange({}, undefined, "shutdown"),
    bundleWorker(join(process.cwd(), "node_modules", ".cache", "teal-crash"), "shutdown-worker"),
  ]);
}, 60_000);

afterAll(async () => {
  await store?.close();
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("graceful shutdown", () => {
  it("on SIGTERM lets the call on the wire land, journals the operation interrupted, releases the lock and exits 0", async () => {
    const route53 = new Route53Client(range.clientConfig);
    const zone = await route53.send(new CreateHostedZoneCommand({ Name: "example.com", CallerReference: "shutdown-test" }));
    const zoneId = zone.HostedZone?.Id?.replace("/hostedzone/", "") ?? "";
    expect(zoneId).not.toBe("");
    const faults = { rules: [{ service: "route53", operation: "ChangeResourceRecordSets", latencyMs: CALL_LATENCY_MS }] };
    expect((await fetch(`${range.url}/_sim/faults`, { method: "POST", body: JSON.stringify(faults) })).status).toBe(200);

    const databaseUrl = `file:${join(dir, "teal.db")}`;
    const config: ShutdownWorkerConfig = {
      databaseUrl,
      endpoint: range.url,
      region: "us-east-1",
      plan: planFor(zoneId),
      actor: operator,
      reason: "shutdown test",
      graceMs: 10_000,
    };
    const configPath = join(dir, "worker.json");
    writeFileSync(configPath, JSON.stringify(config));
    // Its log at info: the lines that say what the shutdown did.
    const child = spawn(process.execPath, [bundle, configPath], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TEAL_LOG_LEVEL: "info" },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const events = () =>
      out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);

    store = await openStore(databaseUrl);
    const opened = store;
    // The change is on the wire once the step is running (the call follows at once) and the range has it.
    await expect
      .poll(
        async () => {
          const started = events().find((e) => e.event === "worker.started");
          if (!started) return null;
          const op = await opened.getOperation(String(started.operationId));
          return op?.steps[0]?.status ?? null;
        },
        { timeout: 20_000, interval: 20 },
      )
      .toBe("running");
    const operationId = String(events().find((e) => e.event === "worker.started")?.operationId);
    expect(await store.getLock("shop")).toMatchObject({ holder: operationId });
    child.kill("SIGTERM");
    expect(await exited, err.slice(-2000)).toBe(0);

    // The journal: the call's output kept, the step stopped by the shutdown, the operation interrupted.
    const op = await store.getOperation(operationId);
    expect(op).toMatchObject({ status: "interrupted", error: SHUTDOWN_MESSAGE });
    expect(op?.steps[0]).toMatchObject({ status: "failed", error: SHUTDOWN_MESSAGE });
    expect(op?.steps[0]?.output).not.toBeNull();
    const trail = (await store.listAudit({ operationId, limit: 100 })).reverse().map((r) => r.action);
    expect(trail).toEqual(["operation.started", "step.failed", "operation.interrupted"]);
    // Released, though its lease (10 s) has not run out.
    expect(await store.getLock("shop")).toBeNull();
    expect(await changeRequests()).toBe(1);
    const logged = events().map((e) => e.event);
    expect(logged).toEqual(expect.arrayContaining(["server.shutdown_started", "operation.stopped", "server.shutdown_done"]));
    expect(events().find((e) => e.event === "operation.stopped")).toMatchObject({ operationId, outcome: "interrupted" });

    // Another engine takes the application at once and finishes the operation without sending the change again.
    const engine = createRangeEngine(range, store, createAwsGateway(createClients({ region: "us-east-1", endpoint: range.url })));
    const { fromStep } = await engine.resume(operationId, operator, "after the restart");
    expect(fromStep).toBe(0);
    await engine.whenIdle(operationId);
    const resumed = await store.getOperation(operationId);
    expect(resumed?.status).toBe("succeeded");
    expect(resumed?.steps[0]?.progress?.note).toBe(OUTPUT_KEPT);
    expect(await changeRequests()).toBe(1);
  }, 60_000);

  it("takes no new operation once shutting down", async () => {
    const databaseUrl = `file:${join(dir, "refuse.db")}`;
    const own = await openStore(databaseUrl);
    try {
      const engine = createRangeEngine(range, own, createAwsGateway(createClients({ region: "us-east-1", endpoint: range.url })));
      expect(await engine.shutdown()).toEqual({ stopped: [], unfinished: [] });
      expect(engine.closing).toBe(true);
      await expect(engine.start({ plan: planFor("Z0"), actor: operator, reason: "too late" })).rejects.toMatchObject({
        code: "conflict",
        userMessage: expect.stringMatching(/shutting down/),
      });
      expect(await own.getLock("shop")).toBeNull();
      expect(await own.listOperations({ appId: "shop" })).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
