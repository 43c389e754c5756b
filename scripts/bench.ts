/**
 * `npm run bench`: Teal's performance figures on the practice range, printed as tables.
 * Not a test: it measures and prints; the README and the issue notes carry the figures.
 *
 *  1. First-load JS per page (gzip), from the production build's route bundle stats.
 *  2. Fan-in: AWS requests per minute reaching the range while 1, 10, 50 and 100 viewers poll an
 *     application's snapshot every 2 s (goal: flat; 50:1 ratio ≤ 1.05).
 *  3. Metric requests per application refresh (goal: 1 GetMetricData) against the naive baseline of
 *     one request per chart series.
 *  4. Snapshot route latency p50/p95/p99 at each viewer count (goal: p95 ≤ 50 ms at 50 viewers).
 *  5. The range's own request handling time and tick cost, so the reader sees it is not the bottleneck.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";

const root = path.resolve(import.meta.dirname, "..");
const APP_PORT = Number(process.env.BENCH_APP_PORT ?? 3400);
const RANGE_PORT = Number(process.env.BENCH_RANGE_PORT ?? 4700);
const APP = `http://127.0.0.1:${APP_PORT}`;
const RANGE = `http://127.0.0.1:${RANGE_PORT}`;
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 30);
const POLL_MS = 2000;
const VIEWERS = (process.env.BENCH_VIEWERS ?? "1,10,50,100").split(",").map(Number);
const APP_ID = process.env.BENCH_APP ?? "shop";

interface OpStats {
  count: number;
  processingMs: number;
}
interface RangeStats {
  total: number;
  processingMs: number;
  services: Record<string, OpStats & { operations: Record<string, OpStats> }>;
  tick?: { count: number; totalMs: number; maxMs: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? Number.NaN;
}

function table(title: string, head: string[], rows: (string | number)[][]): void {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  console.log(`\n${title}`);
  for (const [n, r] of cells.entries()) {
    console.log("  " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  "));
    if (n === 0) console.log("  " + widths.map((w) => "-".repeat(w)).join("  "));
  }
}

function firstLoadJs(): void {
  const file = path.join(root, ".next", "diagnostics", "route-bundle-stats.json");
  if (!existsSync(file)) {
    console.log("\nFirst-load JS: no build diagnostics found (run `npm run build`).");
    return;
  }
  const routes = JSON.parse(readFileSync(file, "utf8")) as { route: string; firstLoadUncompressedJsBytes: number; firstLoadChunkPaths: string[] }[];
  const rows = routes.map((r) => {
    const gz = r.firstLoadChunkPaths.reduce((sum, p) => sum + gzipSync(readFileSync(path.join(root, p))).length, 0);
    return [r.route, (r.firstLoadUncompressedJsBytes / 1024).toFixed(0), (gz / 1024).toFixed(1)];
  });
  table("First-load JS per page (KB; budgets: application page ≤ 220 gzip, wall ≤ 160 gzip)", ["route", "raw", "gzip"], rows);
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(300);
  }
  throw new Error(`${url} did not answer`);
}

/** Signs in through next-auth's credentials endpoint and returns the session cookie header. */
async function signIn(email: string): Promise<string> {
  const csrfRes = await fetch(`${APP}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const csrfCookie = (csrfRes.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${APP}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, email, password: "teal-demo", json: "true" }),
  });
  const session = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).find((c) => c?.includes("session-token"));
  if (!session) throw new Error(`sign-in as ${email} failed (${res.status})`);
  return session;
}

async function rangeStats(): Promise<RangeStats> {
  return (await (await fetch(`${RANGE}/_sim/stats`)).json()) as RangeStats;
}

async function viewers(n: number, cookie: string): Promise<{ latencies: number[]; errors: number; stats: RangeStats; seconds: number }> {
  await fetch(`${RANGE}/_sim/stats/reset`, { method: "POST" });
  const started = Date.now();
  const until = started + WINDOW_S * 1000;
  const latencies: number[] = [];
  let errors = 0;
  const viewer = async (i: number) => {
    await sleep((POLL_MS / n) * i); // spread the viewers over the poll interval, as real tabs are
    while (Date.now() < until) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${APP}/api/apps/${APP_ID}/snapshot?range=60`, { headers: { cookie } });
        await res.arrayBuffer();
        if (res.ok) latencies.push(performance.now() - t0);
        else errors++;
      } catch {
        errors++;
      }
      await sleep(Math.max(0, POLL_MS - (performance.now() - t0)));
    }
  };
  await Promise.all(Array.from({ length: n }, (_, i) => viewer(i)));
  const stats = await rangeStats();
  return { latencies: latencies.sort((a, b) => a - b), errors, stats, seconds: (Date.now() - started) / 1000 };
}

function count(stats: RangeStats, service: string, op?: string): number {
  const s = stats.services[service];
  if (!s) return 0;
  return op ? (s.operations[op]?.count ?? 0) : s.count;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    console.log("Building (no production build found)…");
    const res = spawnSync(path.join(root, "node_modules", ".bin", "next"), ["build"], { stdio: "inherit", cwd: root });
    if (res.status !== 0) process.exit(1);
  }
  firstLoadJs();

  const dataDir = mkdtempSync(path.join(os.tmpdir(), "teal-bench-"));
  const server = spawn(process.execPath, [path.join(root, "scripts", "start.mjs"), "--no-build"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      PORT: String(APP_PORT),
      RANGE_PORT: String(RANGE_PORT),
      DATABASE_URL: `file:${path.join(dataDir, "teal.db")}`,
      NEXTAUTH_SECRET: "bench-secret-not-for-production-0123456789",
      TEAL_REFRESH_MS: "5000",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    detached: true,
  });
  try {
    await waitFor(`${APP}/api/health`, server);
    const cookie = await signIn("viewer@example.com");
    // Warm the server (first requests compile routes and open the store).
    await fetch(`${APP}/api/apps/${APP_ID}/snapshot?range=60`, { headers: { cookie } });

    const rows: (string | number)[][] = [];
    const perMinute: number[] = [];
    let refreshRow: (string | number)[] | null = null;
    for (const n of VIEWERS) {
      const r = await viewers(n, cookie);
      const awsPerMin = (r.stats.total / r.seconds) * 60;
      perMinute.push(awsPerMin);
      const metricCalls = count(r.stats, "cloudwatch", "GetMetricData");
      const refreshes = count(r.stats, "route53", "ListResourceRecordSets");
      if (n === VIEWERS[0]) refreshRow = [refreshes, metricCalls, refreshes ? (metricCalls / refreshes).toFixed(2) : "n/a"];
      rows.push([
        n,
        r.latencies.length + r.errors,
        r.errors,
        awsPerMin.toFixed(1),
        (awsPerMin / (perMinute[0] ?? awsPerMin)).toFixed(3),
        percentile(r.latencies, 50).toFixed(1),
        percentile(r.latencies, 95).toFixed(1),
        percentile(r.latencies, 99).toFixed(1),
        r.stats.total ? (r.stats.processingMs / r.stats.total).toFixed(2) : "0",
      ]);
    }
    table(
      `Fan-in and snapshot latency (${WINDOW_S} s per row, each viewer polls every ${POLL_MS / 1000} s; server refresh 5 s)`,
      ["viewers", "polls", "errors", "AWS req/min", "vs 1 viewer", "p50 ms", "p95 ms", "p99 ms", "range ms/req"],
      rows,
    );
    if (refreshRow) {
      table(
        "Metric requests per application refresh (naive baseline: one request per chart series = 16)",
        ["refreshes", "GetMetricData calls", "per refresh"],
        [refreshRow],
      );
    }
    const stats = await rangeStats();
    if (stats.tick) {
      table("Practice range world tick (background advance)", ["ticks", "mean ms", "max ms"], [
        [stats.tick.count, (stats.tick.totalMs / Math.max(1, stats.tick.count)).toFixed(2), stats.tick.maxMs.toFixed(1)],
      ]);
    }
  } finally {
    if (server.pid) {
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {
        server.kill("SIGTERM");
      }
    }
    await sleep(500);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
