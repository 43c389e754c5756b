/**
 * What the benchmarks share: printing tables and percentiles, waiting for a server, and talking to
 * a Teal server the way its browser does (sign-in, JSON reads, server actions, following an
 * operation in the journal). Not a test helper: `npm run bench` only.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { RangeStats } from "../range/control/stats";

const root = path.resolve(import.meta.dirname, "..");

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The p-th percentile of values sorted ascending (nearest rank); NaN when there are none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? Number.NaN;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/** Prints a table: the first column left-aligned, the others right-aligned. */
export function table(title: string, head: string[], rows: (string | number)[][]): void {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  console.log(`\n${title}`);
  for (const [n, r] of cells.entries()) {
    console.log("  " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  "));
    if (n === 0) console.log("  " + widths.map((w) => "-".repeat(w)).join("  "));
  }
}

/** Waits until `url` answers 200, failing early when `child` exits. */
export async function waitFor(url: string, child: ChildProcess, timeoutMs = 180_000): Promise<void> {
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

/** The practice range's request statistics (its control API). */
export async function rangeStats(rangeUrl: string): Promise<RangeStats> {
  return (await (await fetch(`${rangeUrl}/_sim/stats`)).json()) as RangeStats;
}

export async function resetRangeStats(rangeUrl: string): Promise<void> {
  await fetch(`${rangeUrl}/_sim/stats/reset`, { method: "POST" });
}

/** Requests of one service (and operation) in a statistics snapshot. */
export function count(stats: RangeStats, service: string, op?: string): number {
  const s = stats.services[service];
  if (!s) return 0;
  return op ? (s.operations[op]?.count ?? 0) : s.count;
}

export async function getJson<T>(url: string, cookie: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: { cookie } });
  return { status: res.status, body: (await res.json()) as T };
}

/** A server action's return value (lib/actions/result.ts). */
export interface ActionReply {
  ok: boolean;
  data?: { operationId?: string };
  code?: string;
  message?: string;
}

export interface OperationView {
  id: string;
  status: string;
  error: string | null;
  steps: { call?: { service: string; operation: string }; wait?: { kind: string } }[];
}

const FINISHED = new Set(["succeeded", "failed", "aborted", "preempted"]);

let actionIds: Map<string, string> | null = null;

/** The id Next gave a server action in this build (what the browser sends in the next-action header). */
function actionId(exportedName: string): string {
  if (actionIds === null) {
    const manifest = JSON.parse(readFileSync(path.join(root, ".next", "server", "server-reference-manifest.json"), "utf8")) as {
      node: Record<string, { exportedName: string }>;
    };
    actionIds = new Map(Object.entries(manifest.node).map(([id, entry]) => [entry.exportedName, id]));
  }
  const id = actionIds.get(exportedName);
  if (id === undefined) throw new Error(`no server action named ${exportedName} in this build`);
  return id;
}

/** One Teal server, reached the way its browser reaches it. */
export interface TealHttp {
  readonly base: string;
  /** Signs in through next-auth's credentials endpoint and returns the session cookie header. */
  signIn(email: string): Promise<string>;
  /** Posts a server action as the application page's form would, and returns its result. */
  postAction(appId: string, name: string, input: Record<string, unknown>, cookie: string): Promise<ActionReply>;
  /** Polls the operations journal until the operation ends. */
  followOperation(appId: string, operationId: string, cookie: string, timeoutMs?: number): Promise<OperationView>;
}

export function tealHttp(base: string): TealHttp {
  return {
    base,
    async signIn(email) {
      const csrfRes = await fetch(`${base}/api/auth/csrf`);
      const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
      const csrfCookie = (csrfRes.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
      const res = await fetch(`${base}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
        body: new URLSearchParams({ csrfToken, email, password: "teal-demo", json: "true" }),
      });
      const session = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).find((c) => c?.includes("session-token"));
      if (!session) throw new Error(`sign-in as ${email} failed (${res.status})`);
      return session;
    },
    async postAction(appId, name, input, cookie) {
      const res = await fetch(`${base}/apps/${appId}`, {
        method: "POST",
        headers: { "next-action": actionId(name), origin: base, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", cookie },
        body: JSON.stringify([input]),
      });
      const text = await res.text();
      // The reply is a React Server Components stream, one "row:json" a line; the result is the row with "ok".
      for (const line of text.split("\n")) {
        const json = /^[0-9a-f]+:(\{.*\})$/.exec(line)?.[1];
        if (json === undefined) continue;
        const row = JSON.parse(json) as Partial<ActionReply>;
        if (typeof row.ok === "boolean") return row as ActionReply;
      }
      throw new Error(`${name} on ${appId}: no action result in the reply (HTTP ${res.status})`);
    },
    async followOperation(appId, operationId, cookie, timeoutMs = 300_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const { body } = await getJson<{ operations?: OperationView[] }>(`${base}/api/history/operations?format=json&app=${appId}&limit=20`, cookie);
        const op = body.operations?.find((o) => o.id === operationId);
        if (op && FINISHED.has(op.status)) return op;
        await sleep(200);
      }
      throw new Error(`operation ${operationId} on ${appId} did not end within ${timeoutMs / 1000} s`);
    },
  };
}
