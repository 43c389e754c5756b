/**
 * Refused sign-ins, aggregated for the audit log: one entry per account and client per window
 * (default 5 min) with a count, instead of one per attempt, so a guessing run cannot flood the log.
 * The account is named by its email only when such a user exists; anything else a person typed
 * (often a password in the wrong field) is audited as a keyed hash, never as typed.
 */

import { createHmac } from "node:crypto";
import { logger } from "@/lib/telemetry/log";

export interface DeniedSignInSummary {
  /** The known user's email, or `unknown:<keyed hash>` of what was typed. */
  account: string;
  client: string;
  /** Refused attempts in the window: wrong passwords plus throttled ones. */
  count: number;
  /** Of which refused by the throttle without a password check. */
  throttled: number;
  firstAt: string;
  lastAt: string;
}

export interface DeniedSignInLogOptions {
  /** Writes one summary (the audit log). Errors are reported, never thrown to the sign-in. */
  write(summary: DeniedSignInSummary): Promise<void>;
  now?: () => number;
  windowMs?: number;
  /** Pending summaries at most; past it, all are written early (default 1,000). */
  maxPending?: number;
}

export interface DeniedSignInLog {
  record(account: string, client: string, kind: "wrong" | "throttled"): void;
  /** Writes every summary whose window has ended (or all with `everything`). */
  flush(options?: { everything?: boolean }): Promise<void>;
}

interface Pending {
  account: string;
  client: string;
  count: number;
  throttled: number;
  firstAt: number;
  lastAt: number;
}

export const DENIED_WINDOW_MS = 5 * 60_000;

/** How an identifier that is no known user is audited: a keyed hash, the same for the same text. */
export function maskedIdentifier(typed: string, key: string): string {
  return `unknown:${createHmac("sha256", key).update(typed, "utf8").digest("hex").slice(0, 16)}`;
}

export function createDeniedSignInLog(options: DeniedSignInLogOptions): DeniedSignInLog {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? DENIED_WINDOW_MS;
  const maxPending = options.maxPending ?? 1_000;
  const pending = new Map<string, Pending>();

  const write = async (p: Pending): Promise<void> => {
    const summary: DeniedSignInSummary = {
      account: p.account,
      client: p.client,
      count: p.count,
      throttled: p.throttled,
      firstAt: new Date(p.firstAt).toISOString(),
      lastAt: new Date(p.lastAt).toISOString(),
    };
    await options.write(summary).catch((error: unknown) => logger.error("auth.denied_sign_ins_record_failed", { error }));
  };

  const flush = async ({ everything = false }: { everything?: boolean } = {}): Promise<void> => {
    const at = now();
    const due = [...pending.entries()].filter(([, p]) => everything || at - p.firstAt >= windowMs);
    for (const [key] of due) pending.delete(key);
    for (const [, p] of due) await write(p);
  };

  return {
    record(account, client, kind) {
      const at = now();
      const key = JSON.stringify([account, client]);
      let p = pending.get(key);
      if (p && at - p.firstAt >= windowMs) {
        pending.delete(key);
        void write(p);
        p = undefined;
      }
      if (!p) {
        p = { account, client, count: 0, throttled: 0, firstAt: at, lastAt: at };
        pending.set(key, p);
      }
      p.count += 1;
      if (kind === "throttled") p.throttled += 1;
      p.lastAt = at;
      if (pending.size > maxPending) void flush({ everything: true });
    },
    flush,
  };
}
