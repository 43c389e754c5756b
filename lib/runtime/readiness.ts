import "server-only";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { awsUnreachable } from "@/lib/aws/reachability";
import { logger } from "@/lib/telemetry/log";
import { readyChecks } from "@/lib/telemetry/teal-metrics";
import type { Runtime } from "./runtime";
import { isShuttingDown } from "./shutdown";

/**
 * Readiness (`/api/ready`): whether this server can do its work now. Three kinds of check: it is
 * not shutting down, the database answers `select 1`, and AWS (or the practice range) answers one
 * cheap read in every Region the configuration names. Each check is bounded (`READY_CHECK_TIMEOUT_MS`)
 * and the answer is kept `READY_CACHE_MS`, however often load balancers ask, so readiness costs AWS
 * at most one request per Region every few seconds per server.
 *
 * The answer says only which kinds of check failed, in fixed words: no Region, no AWS text, no
 * error detail (those go to the log, `ready.check_failed`). Load balancers call it without
 * credentials.
 */

export const READY_CHECK_TIMEOUT_MS = 2_000;
export const READY_CACHE_MS = 5_000;

export type CheckKind = "shutdown" | "database" | "aws";

export interface Readiness {
  ok: boolean;
  /** Each kind: "ok", "failed", or "not checked" (while shutting down nothing else is asked). */
  checks: Record<CheckKind, "ok" | "failed" | "not checked">;
  /** The failed kinds in words anyone may read. */
  failures: string[];
}

const WORDS: Record<CheckKind, string> = {
  shutdown: "The server is shutting down.",
  database: "The database did not answer.",
  aws: "AWS could not be reached from this server.",
};

interface ReadinessDeps {
  rt: Pick<Runtime, "env" | "config" | "store">;
  /** The clients a Region's check reads through (default: one attempt, short limits, not budgeted). */
  clientsFor?: (region: string) => Pick<AwsClients, "autoscaling">;
  now?: () => number;
  timeoutMs?: number;
  cacheMs?: number;
}

/** Rejects after `ms`, aborting `controller`; resolves with `work`'s value before that. */
async function bounded<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createReadiness(deps: ReadinessDeps): () => Promise<Readiness> {
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.timeoutMs ?? READY_CHECK_TIMEOUT_MS;
  const cacheMs = deps.cacheMs ?? READY_CACHE_MS;
  const clients = new Map<string, Pick<AwsClients, "autoscaling">>();
  const clientsFor =
    deps.clientsFor ??
    ((region: string) => {
      let c = clients.get(region);
      if (!c) {
        // One attempt with limits inside the check's own: a check never outlives its timeout.
        c = createClients({
          region,
          endpoint: deps.rt.env.AWS_ENDPOINT_URL,
          maxAttempts: 1,
          connectionTimeoutMs: timeoutMs,
          requestTimeoutMs: timeoutMs,
          userAgent: "teal/ready",
        });
        clients.set(region, c);
      }
      return c;
    });
  let cached: { at: number; answer: Promise<Readiness> } | null = null;

  async function database(): Promise<boolean> {
    try {
      await bounded(timeoutMs, () => deps.rt.store.ping());
      return true;
    } catch (error) {
      logger.warn("ready.check_failed", { check: "database", error });
      return false;
    }
  }

  async function aws(): Promise<boolean> {
    const regions = [...new Set(deps.rt.config.applications.map((a) => a.region))].sort();
    const results = await Promise.all(
      regions.map(async (region) => {
        try {
          const why = await bounded(timeoutMs, (signal) => awsUnreachable(clientsFor(region), signal));
          if (why !== null) logger.warn("ready.check_failed", { check: "aws", region, why });
          return why === null;
        } catch (error) {
          logger.warn("ready.check_failed", { check: "aws", region, why: "no answer in time", error });
          return false;
        }
      }),
    );
    return results.every(Boolean);
  }

  async function evaluate(): Promise<Readiness> {
    const [db, reachable] = await Promise.all([database(), aws()]);
    const passed: Record<CheckKind, boolean> = { shutdown: !isShuttingDown(), database: db, aws: reachable };
    const kinds = Object.keys(passed) as CheckKind[];
    for (const kind of kinds) readyChecks.set({ check: kind }, passed[kind] ? 1 : 0);
    return {
      ok: kinds.every((k) => passed[k]),
      checks: { shutdown: passed.shutdown ? "ok" : "failed", database: db ? "ok" : "failed", aws: reachable ? "ok" : "failed" },
      failures: kinds.filter((k) => !passed[k]).map((k) => WORDS[k]),
    };
  }

  return async () => {
    // Shutting down is known at once, without waiting for the cached answer to expire.
    if (isShuttingDown()) {
      readyChecks.set({ check: "shutdown" }, 0);
      return { ok: false, checks: { shutdown: "failed", database: "not checked", aws: "not checked" }, failures: [WORDS.shutdown] };
    }
    const at = now();
    if (!cached || at - cached.at >= cacheMs) cached = { at, answer: evaluate() };
    return cached.answer;
  };
}

const holder = globalThis as typeof globalThis & { __tealReadiness?: () => Promise<Readiness> };

/** The process's readiness check, created on first use. */
export function getReadiness(rt: Runtime): () => Promise<Readiness> {
  holder.__tealReadiness ??= createReadiness({ rt });
  return holder.__tealReadiness;
}
