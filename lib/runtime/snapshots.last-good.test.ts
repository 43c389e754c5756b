// The application page's snapshot route answers from `lastGood(appId, range)`: while AWS does not
// answer (or fails), it must answer at once with the last good read of that range and why it is not
// newer, rather than waiting on AWS and ending in a 502. Against the practice range, real SDK clients.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testRuntime } from "@/test/support/runtime";
import { createClients } from "@/lib/aws/clients";
import { loadTealConfig } from "@/lib/config/load";
import { seedDemoWorld } from "@/range/demo/seed";
import { startTestRange, type TestRange } from "@/test/support/range";
import { openStore, type Store } from "@/lib/store/store";
import type { Runtime } from "./runtime";
import { renderMetrics } from "@/lib/telemetry/metrics";
import { refreshDuration } from "@/lib/telemetry/teal-metrics";
import { createSnapshotService } from "./snapshots";

let range: TestRange;
let store: Store;
let rt: Runtime;
let dir: string;

async function faults(body: unknown): Promise<void> {
  const res = await fetch(`${range.url}/_sim/faults`, { method: "POST", body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
}

beforeAll(async () => {
  range = await startTestRange({});
  await seedDemoWorld(range.url);
  dir = mkdtempSync(path.join(os.tmpdir(), "teal-lastgood-"));
  store = await openStore(`file:${path.join(dir, "teal.db")}`);
  const clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1, requestTimeoutMs: 30_000 });
  rt = testRuntime({ config: loadTealConfig("teal.config.yaml"), store, clients, env: { TEAL_REFRESH_MS: "1000" } });
}, 120_000);

afterAll(async () => {
  await fetch(`${range.url}/_sim/faults`, { method: "DELETE" }).catch(() => undefined);
  await store?.close();
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("lastGood for a chosen range", () => {
  it("answers within seconds with the last good read of that range while AWS does not answer, then with the failure beside it", async () => {
    const service = createSnapshotService(rt);
    // The page is open: shop is read at the fast interval (1 s here), not the idle one.
    service.watch("shop");
    const first = await service.lastGood("shop", 180);
    expect(first.readError).toBeNull();
    expect(first.snapshot.metrics.rangeMinutes).toBe(180);

    // AWS holds every answer until the range's hand-driven clock moves 8 s: a refresh is due, and
    // it does not land while the test keeps the clock still. An answer that waited on the refresh
    // would not come at all, and the 5 s limit fails it.
    await faults({ latencyMs: 8_000, latencyClock: "range" });
    await new Promise((r) => setTimeout(r, 1_100));
    const started = Date.now();
    const late = await service.lastGood("shop", 180);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(late.snapshot.generatedAt).toBe(first.snapshot.generatedAt);
    expect(late.snapshot.metrics.rangeMinutes).toBe(180);
    // The refresh that answer set off is under way, its calls held by AWS.
    await expect.poll(() => range.heldRequests(), { timeout: 5_000, interval: 100 }).toBeGreaterThan(0);
    expect((await service.lastGood("shop", 180)).snapshot.generatedAt).toBe(first.snapshot.generatedAt);

    // AWS fails outright: the held calls are let go, the next refresh fails, and the answer is still
    // the last good read, with the user-safe reason the overview and the wall show (the failed call
    // and its code, no ARN or request id).
    await faults({ latencyMs: 0, errorRate: 1 });
    range.tick(8_000);
    await expect.poll(async () => (await service.lastGood("shop", 180)).readError, { timeout: 45_000, interval: 500 }).not.toBeNull();
    const failed = await service.lastGood("shop", 180);
    expect(failed.snapshot.generatedAt).toBe(first.snapshot.generatedAt);
    expect(failed.readError).toMatch(/failed/);
    expect(failed.readError).not.toMatch(/RequestId|arn:|\d{12}/i);
  }, 90_000);

  it("tells the overview a read that came late from one AWS answered with an error, and keeps the error until a read succeeds", async () => {
    await fetch(`${range.url}/_sim/faults`, { method: "DELETE" });
    const service = createSnapshotService(rt);
    const shop = async () => {
      service.watch("shop");
      return (await service.summaries()).find((a) => a.id === "shop");
    };
    const poll = { timeout: 30_000, interval: 1_100 };
    await expect.poll(async () => (await shop())?.error, poll).toBeNull();
    expect((await shop())?.errorKind).toBeUndefined();
    try {
      // Throttled by AWS: late.
      await faults({ throttleRate: 1 });
      await expect.poll(async () => (await shop())?.errorKind, poll).toBe("late");
      // AWS answers with an error: failed, and still failed while the next reads are only throttled.
      await faults({ throttleRate: 0, errorRate: 1 });
      await expect.poll(async () => (await shop())?.errorKind, poll).toBe("failed");
      await faults({ throttleRate: 1, errorRate: 0 });
      await expect.poll(async () => (await shop())?.error, poll).toMatch(/Throttl|Rate exceeded/i);
      expect((await shop())?.errorKind).toBe("failed");
      // A good read clears it; a throttled one after it is late again.
      await faults({ throttleRate: 0, errorRate: 0 });
      await expect.poll(async () => (await shop())?.error, poll).toBeNull();
      expect((await shop())?.errorKind).toBeUndefined();
      await faults({ throttleRate: 1 });
      await expect.poll(async () => (await shop())?.errorKind, poll).toBe("late");
    } finally {
      await fetch(`${range.url}/_sim/faults`, { method: "DELETE" });
    }
  }, 120_000);

  it("times every read for /metrics, failed ones apart, and reports each application's data age", async () => {
    await fetch(`${range.url}/_sim/faults`, { method: "DELETE" });
    const service = createSnapshotService(rt);
    const age = () => {
      const line = renderMetrics()
        .split("\n")
        .find((l) => l.startsWith('teal_snapshot_age_seconds{app="shop"} '));
      return line === undefined ? null : Number(line.split(" ")[1]);
    };
    const ok = refreshDuration.count({ outcome: "ok" });
    await service.lastGood("shop");
    expect(refreshDuration.count({ outcome: "ok" })).toBeGreaterThan(ok);
    const fresh = age() ?? Number.NaN;
    expect(fresh).toBeGreaterThanOrEqual(0);
    expect(fresh).toBeLessThan(5);
    try {
      await faults({ errorRate: 1 });
      const failed = refreshDuration.count({ outcome: "error" });
      await expect
        .poll(
          async () => {
            // Watched: read at the fast interval (1 s here), not the idle one.
            service.watch("shop");
            await service.lastGood("shop");
            return refreshDuration.count({ outcome: "error" });
          },
          { timeout: 30_000, interval: 1_100 },
        )
        .toBeGreaterThan(failed);
      // The age is the last good read's, so it grows while reads fail.
      expect(age()).toBeGreaterThan(fresh);
    } finally {
      await fetch(`${range.url}/_sim/faults`, { method: "DELETE" });
    }
  }, 60_000);

  it("rejects an application that is not configured", async () => {
    await expect(createSnapshotService(rt).lastGood("no-such-app", 60)).rejects.toMatchObject({ code: "not_found" });
  });
});
