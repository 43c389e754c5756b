/**
 * Section 8 of `npm run bench` (`BENCH_SECTIONS=fleet`): what watching a fleet costs AWS, and
 * whether a rollback still goes first. For each fleet size (BENCH_FLEET_SIZES, default 8 and 200
 * applications: the demo world's 8 plus generated ones) and each number of Teal servers
 * (BENCH_FLEET_SERVERS, default 1 and 2, all on one throwaway PostgreSQL database), it starts a
 * practice range on the real clock with AWS's rate limits on (its `aws` throttling) and the
 * servers with their production cadence (a watched application every 5 s, the others every 30 s).
 * One overview per server polls `/api/apps` every 5 s, as the page does. After a warm-up of
 * BENCH_FLEET_WARMUP_S (default 70: every series' first hour is read once), it measures for
 * BENCH_FLEET_WINDOW_S (default 120):
 *
 *  - AWS requests per minute per application, in all and per service (the range's counts);
 *  - CloudWatch metrics requested per minute per application (every MetricStat query of every
 *    GetMetricData, what AWS bills) and the monthly cost it implies at $0.01 per 1,000;
 *  - the highest share of any service's account rate limit used (lib/aws/read-budget.ts's figures),
 *    averaged over the window and over its busiest 5 s;
 *  - the overview's answer time (p95 of `/api/apps`);
 *  - how long a change made outside Teal (an alb-weighted listener's weights set straight on the
 *    range) takes to show on the overview, for an application nobody has open.
 * Then an application page is opened (its snapshot polled every 5 s) and its Route 53 weights are
 * changed outside Teal: how long until the server's answer shows it (the page shows it at its next
 * poll). Then, with all of that still running, a DNS application is shifted to 50 % and rolled
 * back BENCH_FLEET_ROLLBACKS times (default 3): the time from posting the rollback action to its
 * first AWS mutation reaching the range, and how many of the rollback's requests were throttled.
 */
import {
  ChangeResourceRecordSetsCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { parse } from "yaml";
import { ACCOUNT_LIMITS, BUDGET_SERVICES } from "../lib/aws/read-budget";
import type { AppSnapshot, AppSummary } from "../lib/domain/snapshot";
import type { RangeStats, RequestRecord } from "../range/control/stats";
import { startPgCluster } from "./pg-cluster.mjs";
import { getJson, median, percentile, rangeStats, resetRangeStats, sleep, table, tealHttp, waitFor, type TealHttp } from "./bench-http";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

/** The demo world's applications; a fleet of N adds N − 8 generated ones. */
const DEMO_APPS = 8;
const SIZES = (process.env.BENCH_FLEET_SIZES ?? "8,200").split(",").map(Number);
const SERVERS = (process.env.BENCH_FLEET_SERVERS ?? "1,2").split(",").map(Number);
const WARMUP_S = Number(process.env.BENCH_FLEET_WARMUP_S ?? 70);
const WINDOW_S = Number(process.env.BENCH_FLEET_WINDOW_S ?? 120);
const ROLLBACKS = Number(process.env.BENCH_FLEET_ROLLBACKS ?? 3);
const APP_PORT = Number(process.env.BENCH_FLEET_APP_PORT ?? 3450);
const RANGE_PORT = Number(process.env.BENCH_FLEET_RANGE_PORT ?? 4750);
const RANGE = `http://127.0.0.1:${RANGE_PORT}`;
/** How often the overview page polls `/api/apps`, and the application page its snapshot (components/hooks/poll-interval.ts). */
const PAGE_POLL_MS = 5_000;
/** How often the stats are sampled for the busiest stretch. */
const SAMPLE_MS = 5_000;
/** CloudWatch's GetMetricData price: $0.01 per 1,000 metrics requested (docs/aws-behaviour.md). */
const DOLLARS_PER_METRIC = 0.01 / 1_000;
const MINUTES_PER_MONTH = 30 * 24 * 60;
const ROLLBACK_GOAL_MS = 300;

interface ConfiguredApp {
  id: string;
  pattern: string;
  /** The weighted records of the DNS patterns. */
  dns?: { hostedZone: string; recordName: string };
  /** The listener and target groups of alb-weighted. */
  alb?: { loadBalancer: string; listenerPort: number; blueTargetGroup: string; greenTargetGroup: string };
}
type AlbApp = ConfiguredApp & { alb: NonNullable<ConfiguredApp["alb"]> };
type DnsApp = ConfiguredApp & { dns: { hostedZone: string; recordName: string } };

interface Scenario {
  apps: number;
  servers: number;
  requestsPerAppMin: number;
  perService: Record<string, number>;
  /** The same per "service operation". */
  perOperation: Record<string, number>;
  metricsPerAppMin: number;
  /** Highest share of an account rate limit: [service, mean over the window, busiest 5 s]. */
  limitShare: { service: string; mean: number; peak: number };
  throttled: number;
  overviewP95Ms: number;
  overviewPolls: number;
  outsideOverviewS: number | null;
  /** The idle interval the outside-changed application was read at, as its summary said (s). */
  outsideIntervalS: number | null;
  /** One figure per change made on the open page's application (s); null: not seen within a minute. */
  outsidePageS: (number | null)[];
  rollbackFirstMs: number[];
  rollbackThrottled: number;
  rollbackError: string;
}

/** The applications of the config the range wrote for this fleet, with the record names of the DNS ones. */
function configuredApps(configFile: string): ConfiguredApp[] {
  const doc = parse(readFileSync(configFile, "utf8")) as { applications?: Record<string, unknown>[] };
  return (doc.applications ?? []).map((a) => {
    const dns = a.dns as { hostedZone?: unknown; recordName?: unknown } | undefined;
    const app: ConfiguredApp = { id: String(a.id), pattern: String(a.pattern) };
    if (typeof dns?.hostedZone === "string" && typeof dns.recordName === "string")
      app.dns = { hostedZone: dns.hostedZone, recordName: dns.recordName };
    const blue = a.blue as { targetGroup?: unknown } | undefined;
    const green = a.green as { targetGroup?: unknown } | undefined;
    if (
      a.pattern === "alb-weighted" &&
      typeof a.loadBalancer === "string" &&
      typeof blue?.targetGroup === "string" &&
      typeof green?.targetGroup === "string"
    ) {
      app.alb = {
        loadBalancer: a.loadBalancer,
        listenerPort: typeof a.listenerPort === "number" ? a.listenerPort : 80,
        blueTargetGroup: blue.targetGroup,
        greenTargetGroup: green.targetGroup,
      };
    }
    return app;
  });
}

/**
 * The SDK settings of the other tool that changes things outside Teal: its own credentials, and
 * its own retries through the account's buckets.
 */
const OUTSIDE_TOOL = {
  region: "us-east-1",
  endpoint: RANGE,
  credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench-secret" },
  maxAttempts: 10,
};

/** Sets an application's weighted records straight on the range, as another tool would; returns the requests it made. */
async function changeWeightsOutside(app: DnsApp, green: number): Promise<number> {
  const route53 = new Route53Client(OUTSIDE_TOOL);
  try {
    const zones = await route53.send(new ListHostedZonesCommand({}));
    const zoneId = zones.HostedZones?.find((z) => z.Name === app.dns.hostedZone)?.Id;
    if (!zoneId) throw new Error(`no ${app.dns.hostedZone} zone on the range`);
    const sets = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: app.dns.recordName, MaxItems: 10 }));
    const records = (sets.ResourceRecordSets ?? []).filter(
      (r): r is ResourceRecordSet & { SetIdentifier: string } => r.Name === app.dns.recordName && r.Weight !== undefined,
    );
    if (records.length !== 2) throw new Error(`${app.dns.recordName}: expected a blue and a green weighted record, found ${records.length}`);
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Comment: "bench: a change made outside Teal",
          Changes: records.map((r) => ({ Action: "UPSERT", ResourceRecordSet: { ...r, Weight: r.SetIdentifier === "green" ? green : 100 - green } })),
        },
      }),
    );
    return 3;
  } finally {
    route53.destroy();
  }
}

/** Sets an alb-weighted application's listener weights straight on the range; returns the requests it made. */
async function changeListenerOutside(app: AlbApp, green: number): Promise<number> {
  const elbv2 = new ElasticLoadBalancingV2Client(OUTSIDE_TOOL);
  try {
    const lbs = await elbv2.send(new DescribeLoadBalancersCommand({ Names: [app.alb.loadBalancer] }));
    const lbArn = lbs.LoadBalancers?.[0]?.LoadBalancerArn;
    if (!lbArn) throw new Error(`no load balancer ${app.alb.loadBalancer}`);
    const listeners = await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
    const listenerArn = listeners.Listeners?.find((l) => l.Port === app.alb.listenerPort)?.ListenerArn;
    if (!listenerArn) throw new Error(`${app.alb.loadBalancer}: no listener on port ${app.alb.listenerPort}`);
    const groups = await elbv2.send(new DescribeTargetGroupsCommand({ Names: [app.alb.blueTargetGroup, app.alb.greenTargetGroup] }));
    const arn = (name: string) => groups.TargetGroups?.find((g) => g.TargetGroupName === name)?.TargetGroupArn;
    await elbv2.send(
      new ModifyListenerCommand({
        ListenerArn: listenerArn,
        DefaultActions: [
          {
            Type: "forward",
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: arn(app.alb.blueTargetGroup), Weight: 100 - green },
                { TargetGroupArn: arn(app.alb.greenTargetGroup), Weight: green },
              ],
            },
          },
        ],
      }),
    );
    return 4;
  } finally {
    elbv2.destroy();
  }
}

/** Polls `read` every `everyMs` until it is true; the seconds it took, or null once `deadline()` (epoch ms, asked at each poll) has passed. */
async function secondsUntilDeadline(deadline: () => number, read: () => Promise<boolean>, everyMs: number): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() < deadline()) {
    if (await read().catch(() => false)) return (Date.now() - t0) / 1000;
    await sleep(everyMs);
  }
  return null;
}

/** Polls `read` every `everyMs` until it is true; the seconds it took, or null after `timeoutMs`. */
/** The open page's outside-change samples: their median and slowest, and how many were never seen. */
function pageFigures(samples: (number | null)[]): string {
  const seen = samples.filter((v): v is number => v !== null);
  const missed = samples.length - seen.length;
  if (seen.length === 0) return "not seen";
  return `${median(seen).toFixed(1)} (max ${Math.max(...seen).toFixed(1)} of ${samples.length}${missed > 0 ? `, ${missed} not seen` : ""})`;
}

async function secondsUntil(read: () => Promise<boolean>, everyMs: number, timeoutMs: number): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await read().catch(() => false)) return (Date.now() - t0) / 1000;
    await sleep(everyMs);
  }
  return null;
}

function spawnLogged(command: string, args: string[], env: NodeJS.ProcessEnv, label: string): ChildProcess {
  const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout?.resume();
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString().trim();
    if (text !== "" && !text.includes("NodeVersionSupportWarning")) console.error(`[${label}] ${text.split("\n")[0]}`);
  });
  return child;
}

/** Resolves once the child prints `line` (the range answers health checks while it is still seeding). */
function printed(child: ChildProcess, line: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`no "${line}" within ${timeoutMs / 1000} s`)), timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4_000);
      if (seen.includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before "${line}"`));
    });
  });
}

function stop(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    child.kill("SIGTERM");
  }
}

/** A poller that reads `url` every `everyMs` until stopped, keeping each answer's time. */
function poller(url: string, cookie: string, everyMs: number): { latencies: number[]; errors: number; stop(): Promise<void> } {
  const state = { latencies: [] as number[], errors: 0, running: true };
  const loop = (async () => {
    while (state.running) {
      const t0 = performance.now();
      try {
        const res = await fetch(url, { headers: { cookie } });
        await res.arrayBuffer();
        if (res.ok) state.latencies.push(performance.now() - t0);
        else state.errors += 1;
      } catch {
        state.errors += 1;
      }
      await sleep(Math.max(0, everyMs - (performance.now() - t0)));
    }
  })();
  return {
    get latencies() {
      return state.latencies;
    },
    get errors() {
      return state.errors;
    },
    async stop() {
      state.running = false;
      await loop;
    },
  };
}

/** Shifts `app` to 50 % and rolls it back; the rollback's first mutation time and throttled requests. */
async function rollbackOnce(
  teal: TealHttp,
  app: ConfiguredApp,
  operator: string,
  responder: string,
): Promise<{ firstMs: number; throttled: number }> {
  // Off blue first (the plan preview gives the version the action expects).
  for (let attempt = 0; ; attempt++) {
    const preview = await getJson<{ ok?: boolean; version?: string; reason?: string }>(
      `${teal.base}/api/apps/${app.id}/plan?intent=shift&greenPercent=50`,
      operator,
    );
    if (preview.body.ok === true && preview.body.version !== undefined) {
      const reply = await teal.postAction(
        app.id,
        "shiftTraffic",
        { appId: app.id, greenPercent: 50, expectedVersion: preview.body.version, reason: "bench: off blue" },
        operator,
      );
      if (reply.ok && reply.data?.operationId) {
        const op = await teal.followOperation(app.id, reply.data.operationId, operator);
        if (op.status !== "succeeded") throw new Error(`${app.id}: the shift ended ${op.status}: ${op.error ?? "no error recorded"}`);
        break;
      }
    }
    if (attempt > 40) throw new Error(`${app.id}: could not shift (${preview.body.reason ?? preview.status})`);
    await sleep(500);
  }
  // The range keeps its latest 500 requests only (about 25 s of a 200-application fleet's reads):
  // they are collected every 100 ms while the rollback runs, so none is lost.
  const seen = new Map<number, RequestRecord>();
  let collecting = true;
  const collector = (async () => {
    while (collecting) {
      for (const r of (await rangeStats(RANGE)).requests ?? []) seen.set(r.seq, r);
      await sleep(100);
    }
  })();
  const t0 = Date.now();
  let op: Awaited<ReturnType<TealHttp["followOperation"]>>;
  try {
    const reply = await teal.postAction(app.id, "rollback", { appId: app.id, reason: "bench: rollback under fleet reads" }, responder);
    if (!reply.ok || !reply.data?.operationId) throw new Error(`${app.id}: rollback refused: ${reply.message ?? reply.code}`);
    op = await teal.followOperation(app.id, reply.data.operationId, responder);
  } finally {
    collecting = false;
    await collector;
  }
  for (const r of (await rangeStats(RANGE)).requests ?? []) seen.set(r.seq, r);
  if (op.status !== "succeeded") throw new Error(`${app.id}: the rollback ended ${op.status}: ${op.error ?? "no error recorded"}`);
  const since = [...seen.values()].filter((r) => r.receivedAtMs >= t0).sort((x, y) => x.seq - y.seq);
  // Every request since the post was seen: no gap in the sequence numbers.
  const seqs = since.map((r) => r.seq);
  if (seqs.length > 0 && (seqs[seqs.length - 1] ?? 0) - (seqs[0] ?? 0) + 1 !== seqs.length)
    throw new Error("requests were lost from the range's ring");
  const first = since.find((r) => r.mutating && r.status < 400);
  if (first === undefined) throw new Error(`${app.id}: the rollback made no AWS mutation`);
  // The operation's calls are every request not made by the pages' client set.
  const throttled = since.filter((r) => r.throttled && r.userAgent.includes("teal/") && !r.userAgent.includes("teal/page")).length;
  return { firstMs: first.receivedAtMs - t0, throttled };
}

/** Per-operation request counts of a statistics snapshot, keyed "service Operation". */
function operationCounts(stats: RangeStats): Record<string, number> {
  return Object.fromEntries(
    Object.entries(stats.services).flatMap(([name, s]) => Object.entries(s.operations).map(([op, o]) => [`${name} ${op}`, o.count] as const)),
  );
}

/** Per-service request counts of a statistics snapshot. */
function serviceCounts(stats: RangeStats): Record<string, number> {
  return Object.fromEntries(Object.entries(stats.services).map(([name, s]) => [name, s.count]));
}

async function scenario(size: number, servers: number, configFile: string, databaseUrl: string): Promise<Scenario> {
  const secret = "bench-secret-not-for-production-0123456789";
  const apps: { child: ChildProcess; teal: TealHttp }[] = [];
  try {
    for (let i = 0; i < servers; i++) {
      const port = APP_PORT + i;
      const child = spawnLogged(
        bin("next"),
        ["start", "-p", String(port), "-H", "127.0.0.1"],
        {
          ...process.env,
          NEXT_TELEMETRY_DISABLED: "1",
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          AWS_ENDPOINT_URL: RANGE,
          TEAL_CONFIG: configFile,
          DATABASE_URL: databaseUrl,
          TEAL_DEMO_USERS: "1",
          NEXTAUTH_SECRET: secret,
          NEXTAUTH_URL: `http://127.0.0.1:${port}`,
          // The shift before each rollback waits on DNS: its timeouts compressed to a quarter. The
          // range on the real clock takes Route 53's 30 s to report a change INSYNC, and a tenth
          // (a 30 s timeout) left no room for a read that finds the world a moment behind.
          TEAL_WAIT_SCALE: "0.25",
        },
        `teal ${i + 1}`,
      );
      apps.push({ child, teal: tealHttp(`http://127.0.0.1:${port}`) });
      // One at a time: both migrate the same database on start.
      await waitFor(`http://127.0.0.1:${port}/api/health`, child);
    }
    const first = apps[0];
    if (!first) throw new Error("no server");
    const viewers = await Promise.all(apps.map((a) => a.teal.signIn("viewer@example.com")));
    const operator = await first.teal.signIn("operator@example.com");
    const responder = await first.teal.signIn("responder@example.com");

    const configured = configuredApps(configFile);
    const dns = configured.filter((a): a is DnsApp => a.dns !== undefined);
    // Changed outside Teal: a DNS application whose page is open, and an alb-weighted one nobody
    // opens (not a DNS one: one read of a hosted zone serves every application in it, so a DNS
    // application is refreshed whenever one in its zone is watched). Rolled back: another DNS one.
    const pageApp = dns[0];
    const rollbackApp = dns[dns.length - 1];
    const outsideApp = configured.filter((a): a is AlbApp => a.alb !== undefined).pop();
    if (!pageApp || !rollbackApp || pageApp.id === rollbackApp.id) throw new Error(`the fleet needs two DNS applications (has ${dns.length})`);
    if (!outsideApp) throw new Error("the fleet has no alb-weighted application");
    const overviews = apps.map((a, i) => poller(`${a.teal.base}/api/apps`, viewers[i] ?? "", PAGE_POLL_MS));
    const pollers = [...overviews];
    try {
      await sleep(WARMUP_S * 1000);
      for (const o of overviews) o.latencies.length = 0;
      await resetRangeStats(RANGE);
      const started = Date.now();
      let previous = await rangeStats(RANGE);
      let previousAt = Date.now();
      const peaks: Record<string, number> = {};
      const sampling = (async () => {
        while (Date.now() - started < WINDOW_S * 1000) {
          await sleep(SAMPLE_MS);
          const now = await rangeStats(RANGE);
          const at = Date.now();
          for (const service of BUDGET_SERVICES) {
            const rate = ((now.services[service]?.count ?? 0) - (previous.services[service]?.count ?? 0)) / ((at - previousAt) / 1000);
            peaks[service] = Math.max(peaks[service] ?? 0, rate);
          }
          previous = now;
          previousAt = at;
        }
      })();
      // A change outside Teal on an application nobody has open: how long until the overview shows it.
      await sleep(20_000);
      await changeListenerOutside(outsideApp, 30);
      let lastSeen: AppSummary | undefined;
      let late: { count: number; oldestS: number } = { count: 0, oldestS: 0 };
      // Up to two of its read intervals (the server stretches the idle one while the reads of a
      // cycle ask more than the AWS budget gives; the summary says the interval), at least 60 s.
      const startedWaiting = Date.now();
      const outsideOverviewS = await secondsUntilDeadline(
        () => startedWaiting + Math.max(60_000, 2 * (lastSeen?.refreshMs ?? 0) + 5_000),
        async () => {
          const apps = (await getJson<{ apps: AppSummary[] }>(`${first.teal.base}/api/apps`, viewers[0] ?? "")).body.apps;
          lastSeen = apps.find((a) => a.id === outsideApp.id);
          const stale = apps.filter((a) => (a.dataAgeMs ?? Infinity) > 2 * (a.refreshMs ?? 30_000));
          late = { count: stale.length, oldestS: Math.max(0, ...stale.map((a) => (a.dataAgeMs ?? 0) / 1000)) };
          return lastSeen?.configuredGreenPercent === 30;
        },
        500,
      );
      const outsideIntervalS = lastSeen?.refreshMs === undefined ? null : lastSeen.refreshMs / 1000;
      if (outsideOverviewS === null) {
        // Why not: the application's last answer, and how many of the fleet were late then.
        const s = lastSeen;
        console.error(
          `  ${outsideApp.id}: still ${s?.configuredGreenPercent ?? "?"} % after ${Math.round((Date.now() - startedWaiting) / 1000)} s (read every ${outsideIntervalS ?? "?"} s); data ${s?.dataAgeMs === null || s === undefined ? "none" : `${Math.round((s.dataAgeMs ?? 0) / 1000)} s old`}` +
            `${s?.error ? `, ${s.errorKind ?? "error"}: ${s.error}` : ""}; ${late.count} applications older than two intervals (oldest ${Math.round(late.oldestS)} s)`,
        );
      }
      await sampling;
      const stats = await rangeStats(RANGE);
      const minutes = (Date.now() - started) / 60_000;
      const counts = serviceCounts(stats);
      // Less the outside tool's own requests (four to the ELB API).
      counts.elbv2 = Math.max(0, (counts.elbv2 ?? 0) - 4);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      let limitShare = { service: "", mean: 0, peak: 0 };
      for (const service of BUDGET_SERVICES) {
        const rate = ACCOUNT_LIMITS[service].ratePerSecond;
        const mean = (counts[service] ?? 0) / (minutes * 60) / rate;
        const peak = (peaks[service] ?? 0) / rate;
        if (peak > limitShare.peak) limitShare = { service, mean, peak };
      }
      const latencies = overviews.flatMap((o) => o.latencies).sort((a, b) => a - b);
      const metricsPerAppMin = stats.metricsRequested / size / minutes;

      // An application page opened (its snapshot polled as the page does), and a change outside
      // Teal on it once it is watched: how long until the page's data shows it.
      pollers.push(poller(`${first.teal.base}/api/apps/${pageApp.id}/snapshot?range=60`, viewers[0] ?? "", PAGE_POLL_MS));
      await sleep(3 * PAGE_POLL_MS);
      // Three changes, one after the other: where a change falls in the server's read window
      // decides most of the figure, so one sample says little.
      const outsidePageS: (number | null)[] = [];
      for (const green of [30, 10, 30]) {
        await changeWeightsOutside(pageApp, green);
        outsidePageS.push(
          await secondsUntil(
            async () =>
              (await getJson<AppSnapshot>(`${first.teal.base}/api/apps/${pageApp.id}/snapshot?range=60`, viewers[0] ?? "")).body.state.configured
                .greenPercent === green,
            250,
            60_000,
          ),
        );
      }

      // Rollbacks while the overviews and the page keep polling.
      const firsts: number[] = [];
      let rollbackThrottled = 0;
      let rollbackError = "";
      try {
        for (let i = 0; i < ROLLBACKS; i++) {
          const run = await rollbackOnce(first.teal, rollbackApp, operator, responder);
          firsts.push(run.firstMs);
          rollbackThrottled += run.throttled;
        }
      } catch (err) {
        rollbackError = err instanceof Error ? err.message : String(err);
      }
      // Put the applications changed outside back, for the next scenario on this range.
      await changeListenerOutside(outsideApp, 0);
      await changeWeightsOutside(pageApp, 0);
      return {
        apps: size,
        servers,
        requestsPerAppMin: total / size / minutes,
        perService: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / size / minutes])),
        perOperation: Object.fromEntries(Object.entries(operationCounts(stats)).map(([k, v]) => [k, v / size / minutes])),
        metricsPerAppMin,
        limitShare,
        throttled: stats.throttled,
        overviewP95Ms: percentile(latencies, 95),
        overviewPolls: latencies.length,
        outsideOverviewS,
        outsideIntervalS,
        outsidePageS,
        rollbackFirstMs: firsts,
        rollbackThrottled,
        rollbackError,
      };
    } finally {
      await Promise.all(pollers.map((p) => p.stop()));
    }
  } finally {
    for (const a of apps) stop(a.child);
    await sleep(1_000);
  }
}

export async function fleetSection(): Promise<void> {
  for (const n of SIZES)
    if (!Number.isInteger(n) || n < DEMO_APPS) throw new Error(`BENCH_FLEET_SIZES: ${n} is not a whole number of at least ${DEMO_APPS}.`);
  for (const n of SERVERS) if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_FLEET_SERVERS: ${n} is not a whole number of at least 1.`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "teal-bench-fleet-"));
  const cluster = await startPgCluster({ database: "bench" });
  const results: Scenario[] = [];
  try {
    for (const size of SIZES) {
      const fleet = String(size - DEMO_APPS);
      const configFile = path.join(dir, `fleet-${size}.config.yaml`);
      const env = { ...process.env, RANGE_FLEET: fleet, RANGE_HISTORY_HOURS: "1", RANGE_FLEET_HISTORY_HOURS: "1" };
      const written = spawnSync(bin("tsx"), ["range/main.ts", "--write-config", configFile], { cwd: root, env, stdio: "inherit" });
      if (written.status !== 0) throw new Error("could not write the fleet's config");
      const range = spawnLogged(bin("tsx"), ["range/main.ts"], { ...env, PORT: String(RANGE_PORT) }, "range");
      try {
        // Seeded and backfilled: the range prints its control API's address last.
        await printed(range, "control API:", 600_000);
        // AWS's rate limits on the range's side too: what Teal's polling spends, Teal's rollback cannot.
        const configured = await fetch(`${RANGE}/_sim/config`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ throttling: "aws" }),
        });
        if (!configured.ok) throw new Error(`the range refused its throttling: HTTP ${configured.status}`);
        for (const servers of SERVERS) {
          const database = `fleet_${size}_${servers}`;
          const admin = new pg.Client({ connectionString: cluster.url });
          await admin.connect();
          await admin.query(`CREATE DATABASE ${database}`);
          await admin.end();
          const url = new URL(cluster.url);
          url.pathname = `/${database}`;
          console.log(`fleet: ${size} applications, ${servers} server(s)…`);
          results.push(await scenario(size, servers, configFile, url.toString()));
        }
      } finally {
        stop(range);
        await sleep(1_000);
      }
    }
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  printFleet(results);
}

function printFleet(results: Scenario[]): void {
  const one = (size: number) => results.find((r) => r.apps === size && r.servers === 1);
  table(
    `Fleet: overview open on every server (polled every ${PAGE_POLL_MS / 1000} s) and one application page, ${WINDOW_S} s after ${WARMUP_S} s of warm-up; ` +
      "the range on the real clock with AWS's rate limits on; cadence 5 s watched / 30 s idle; PostgreSQL",
    [
      "apps",
      "servers",
      "AWS req/min per app",
      "vs 1 server",
      "CW metrics/min per app",
      "CW $/app/month",
      "highest limit share (mean / busiest 5 s)",
      "throttled",
      "overview p95 ms",
      "outside change: overview / page s",
      `rollback 1st mutation ms (median, max; goal ≤ ${ROLLBACK_GOAL_MS})`,
      "rollback throttled",
    ],
    results.map((r) => {
      const base = one(r.apps);
      return [
        r.apps,
        r.servers,
        r.requestsPerAppMin.toFixed(1),
        base ? (r.requestsPerAppMin / base.requestsPerAppMin).toFixed(2) : "-",
        r.metricsPerAppMin.toFixed(2),
        `$${(r.metricsPerAppMin * MINUTES_PER_MONTH * DOLLARS_PER_METRIC).toFixed(2)}`,
        `${r.limitShare.service} ${(r.limitShare.mean * 100).toFixed(0)} % / ${(r.limitShare.peak * 100).toFixed(0)} %`,
        r.throttled,
        `${r.overviewP95Ms.toFixed(0)} (${r.overviewPolls} polls)`,
        `${r.outsideOverviewS?.toFixed(1) ?? "not seen"} (read every ${r.outsideIntervalS ?? "?"} s) / ${pageFigures(r.outsidePageS)}`,
        r.rollbackError !== ""
          ? `error: ${r.rollbackError}`
          : `${median(r.rollbackFirstMs).toFixed(0)}, ${Math.max(...r.rollbackFirstMs).toFixed(0)} (${r.rollbackFirstMs.length} runs)`,
        r.rollbackThrottled,
      ];
    }),
  );
  const services = [...new Set(results.flatMap((r) => Object.keys(r.perService)))].sort();
  table(
    "The same per AWS service: requests per minute per application",
    ["apps", "servers", ...services],
    results.map((r) => [r.apps, r.servers, ...services.map((s) => (r.perService[s] ?? 0).toFixed(2))]),
  );
  // Where the requests go: every operation that makes a tenth of a request per minute per application
  // or more in some scenario (the outside tool's few calls included).
  const operations = [
    ...new Set(
      results.flatMap((r) =>
        Object.entries(r.perOperation)
          .filter(([, v]) => v >= 0.1)
          .map(([k]) => k),
      ),
    ),
  ].sort();
  table(
    "The same per operation (those at 0.1 or more in some row)",
    ["operation", ...results.map((r) => `${r.apps} apps, ${r.servers} srv`)],
    operations.map((op) => [op, ...results.map((r) => (r.perOperation[op] ?? 0).toFixed(2))]),
  );
}
