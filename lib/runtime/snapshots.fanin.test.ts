// AWS calls must not grow with viewers: 50 dashboards polling one application cost what one costs.
// The snapshot service runs against the practice range with the real SDK clients; the refresh
// interval is driven by an injected clock so the count is exact, not a timing.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import { loadTealConfig, parseEnv } from "@/lib/config/load";
import { createEngine } from "@/lib/engine/engine";
import { seedDemoWorld } from "@/range/demo/seed";
import { resetStats } from "@/range/control/stats";
import { startTestRange, type TestRange } from "@/test/support/range";
import { openStore, type Store } from "@/lib/store/store";
import type { Runtime } from "./runtime";
import { createSnapshotService } from "./snapshots";

let range: TestRange;
let store: Store;
let rt: Runtime;
let dir: string;

beforeAll(async () => {
  range = await startTestRange({});
  await seedDemoWorld(range.url);
  for (let i = 0; i < 12; i++) {
    range.tick(10_000);
    await fetch(`${range.url}/_sim/health`);
  }
  dir = mkdtempSync(path.join(os.tmpdir(), "teal-fanin-"));
  store = await openStore(`file:${path.join(dir, "teal.db")}`);
  const clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  const config = loadTealConfig("teal.config.yaml");
  const apps = new Map(config.applications.map((a) => [a.id, a]));
  rt = {
    env: parseEnv({ TEAL_REFRESH_MS: "5000" }),
    config,
    store,
    engine: createEngine({ store, gateway: createAwsGateway(clients) }),
    clients: () => clients,
    patientClients: () => clients,
    app: (id) => apps.get(id),
  };
  // Warm-up: the hosted zone id is resolved once per process and then cached.
  await createSnapshotService(rt).snapshot("shop", 60);
}, 120_000);

afterAll(async () => {
  await store?.close();
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `viewers` clients poll the snapshot every 2 s for a minute; returns what reached the range. */
async function poll(viewers: number): Promise<{ total: number; getMetricData: number; refreshes: number }> {
  let t = 1_000_000;
  const service = createSnapshotService(rt, { now: () => t });
  resetStats(range.stats, range.nowMs());
  for (let round = 0; round < 30; round++) {
    const snapshots = await Promise.all(Array.from({ length: viewers }, () => service.snapshot("shop", 60)));
    expect(snapshots.every((s) => s.state.appId === "shop")).toBe(true);
    t += 2_000;
  }
  const cw = range.stats.services.cloudwatch?.operations.GetMetricData?.count ?? 0;
  return { total: range.stats.total, getMetricData: cw, refreshes: service.loads() };
}

describe("snapshot fan-in", () => {
  it("costs the same AWS requests for 50 viewers as for one, with one GetMetricData per refresh", async () => {
    const one = await poll(1);
    const fifty = await poll(50);
    // 60 s of polling against a 5 s refresh window: one refresh per window (polls every 2 s land
    // in every window), whatever the number of viewers.
    expect(one.refreshes).toBe(12);
    expect(fifty.refreshes).toBe(one.refreshes);
    expect(fifty.total).toBe(one.total);
    expect(one.getMetricData).toBe(one.refreshes);
    expect(one.total).toBeGreaterThan(0);
  });
});
