/**
 * Readiness against a practice range and a SQLite store: ready when both answer, each failure
 * named by its kind only (no Region, no AWS text), every check bounded by its timeout, and the
 * answer cached so that load balancers polling it cost AWS one request per Region per few seconds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTealConfig, parseEnv } from "@/lib/config/load";
import type { TealConfig } from "@/lib/config/schema";
import { openStore, type Store } from "@/lib/store/store";
import { startTestRange, type TestRange } from "@/test/support/range";
import { createReadiness } from "./readiness";

let range: TestRange;
let store: Store;
let dir: string;
let config: TealConfig;

async function readinessRequests(): Promise<number> {
  const stats = (await (await fetch(`${range.url}/_sim/stats`)).json()) as {
    services?: Record<string, { operations?: Record<string, { count: number }> }>;
  };
  return stats.services?.autoscaling?.operations?.DescribeAutoScalingGroups?.count ?? 0;
}

async function setFaults(faults: object | null): Promise<void> {
  const res = await fetch(`${range.url}/_sim/faults`, faults === null ? { method: "DELETE" } : { method: "POST", body: JSON.stringify(faults) });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  range = await startTestRange({}, undefined, "readiness");
  dir = mkdtempSync(join(tmpdir(), "teal-ready-"));
  store = await openStore(`file:${join(dir, "teal.db")}`);
  const demo = loadTealConfig("teal.config.yaml");
  const first = demo.applications[0];
  if (!first) throw new Error("the demo config has no application");
  // Two Regions: one check each.
  config = { ...demo, applications: [...demo.applications, { ...first, id: "far-away", region: "eu-west-1" }] };
});

afterAll(async () => {
  await store?.close();
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("readiness", () => {
  it("is ready when the database and AWS answer, and asks AWS once per Region per cache period", async () => {
    let now = 1_000_000;
    const ready = createReadiness({ rt: { env: parseEnv({ AWS_ENDPOINT_URL: range.url }), config, store }, now: () => now, cacheMs: 5_000 });
    const before = await readinessRequests();
    expect(await ready()).toEqual({ ok: true, checks: { shutdown: "ok", database: "ok", aws: "ok" }, failures: [] });
    expect((await readinessRequests()) - before).toBe(2);
    // Polled many times within the period: no more AWS requests.
    await Promise.all(Array.from({ length: 20 }, () => ready()));
    now += 4_999;
    await ready();
    expect((await readinessRequests()) - before).toBe(2);
    now += 1;
    await ready();
    expect((await readinessRequests()) - before).toBe(4);
  });

  it("fails the aws check within its timeout when AWS is slow, and says nothing more", async () => {
    await setFaults({ rules: [{ service: "autoscaling", operation: "DescribeAutoScalingGroups", latencyMs: 3_000 }] });
    try {
      const ready = createReadiness({ rt: { env: parseEnv({ AWS_ENDPOINT_URL: range.url }), config, store }, timeoutMs: 300 });
      const began = performance.now();
      const answer = await ready();
      expect(performance.now() - began).toBeLessThan(2_000);
      expect(answer).toEqual({
        ok: false,
        checks: { shutdown: "ok", database: "ok", aws: "failed" },
        failures: ["AWS could not be reached from this server."],
      });
    } finally {
      await setFaults(null);
    }
  });

  it("fails the aws check when AWS answers with server errors, or cannot be reached at all", async () => {
    await setFaults({ errorRate: 1 });
    try {
      const answer = await createReadiness({ rt: { env: parseEnv({ AWS_ENDPOINT_URL: range.url }), config, store } })();
      expect(answer.checks.aws).toBe("failed");
      const text = JSON.stringify(answer);
      for (const leak of ["eu-west-1", "us-east-1", "InternalFailure", "arn:", "500"]) expect(text).not.toContain(leak);
    } finally {
      await setFaults(null);
    }
    // Nothing listens on port 9 of the loopback.
    const unreachable = await createReadiness({ rt: { env: parseEnv({ AWS_ENDPOINT_URL: "http://127.0.0.1:9" }), config, store } })();
    expect(unreachable).toMatchObject({ ok: false, checks: { aws: "failed", database: "ok" } });
  });

  it("counts a throttled answer as AWS reachable", async () => {
    await setFaults({ throttleRate: 1 });
    try {
      const answer = await createReadiness({ rt: { env: parseEnv({ AWS_ENDPOINT_URL: range.url }), config, store } })();
      expect(answer.checks.aws).toBe("ok");
    } finally {
      await setFaults(null);
    }
  });

  it("fails the database check when the database does not answer", async () => {
    const closed = await openStore(`file:${join(dir, "closed.db")}`);
    await closed.close();
    const answer = await createReadiness({ rt: { env: parseEnv({ AWS_ENDPOINT_URL: range.url }), config, store: closed } })();
    expect(answer).toEqual({ ok: false, checks: { shutdown: "ok", database: "failed", aws: "ok" }, failures: ["The database did not answer."] });
  });
});
