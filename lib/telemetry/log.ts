/**
 * The server's log: one JSON object per line, `{"ts","level","event",...fields}`, so a log
 * collector can index it without parsing prose. Fields a request or an operation carries (its
 * request id, operation id, application) are added from the context the code runs in
 * (`withLogContext`), so an AWS error logged deep in the SDK middleware still names the operation
 * that made the call.
 *
 * Nothing secret goes out: values under keys that name a secret (password, token, cookie, …) are
 * replaced, and long strings are cut. The level is `TEAL_LOG_LEVEL` (debug, info, warn, error;
 * info by default), read on each line so a test or an operator can change it without a restart.
 *
 * Node only (AsyncLocalStorage); it imports nothing from Teal, so every layer may use it.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export type LogLevel = "debug" | "info" | "warn" | "error";
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** A field's value: anything; it is turned into plain JSON (errors by name and message). */
export type LogFields = Record<string, unknown>;

/** What is known about the work in progress: added to every line logged inside it. */
export interface LogContext {
  requestId?: string;
  operationId?: string;
  appId?: string;
}

/** Where lines go: a function given each finished line (without the newline). */
export type LogSink = (line: string, level: LogLevel) => void;

/**
 * Keys whose values are never written: those that end in a secret's name (compared in lower case,
 * without - and _), so `sessionToken` and `client_secret` are hidden and `tokenId` is not.
 */
const SECRET_KEY = /(password|passwd|secret|token|cookie|authorization|credential|apikey|sessionid|privatekey)s?$/;
const MAX_STRING = 2_000;
const MAX_DEPTH = 4;

interface Listener {
  sink: LogSink;
  /** Its own lowest level; absent: TEAL_LOG_LEVEL, as stdout. */
  level?: LogLevel;
}

interface LogState {
  context: AsyncLocalStorage<LogContext>;
  sinks: Set<Listener>;
  /** Whether lines also go to stdout (the default destination); tests may turn it off while they listen. */
  stdout: boolean;
}

// The built server bundles this module more than once (instrumentation, each route): the state
// lives on globalThis so every copy shares one context and one set of listeners.
const KEY = Symbol.for("teal.telemetry.log");
const holder = globalThis as typeof globalThis & { [KEY]?: LogState };
function state(): LogState {
  holder[KEY] ??= { context: new AsyncLocalStorage<LogContext>(), sinks: new Set(), stdout: true };
  return holder[KEY];
}

/** The configured level; an unknown value means the default (the config check reports it at start). */
export function logLevel(env: Record<string, string | undefined> = process.env): LogLevel {
  const raw = env.TEAL_LOG_LEVEL?.trim().toLowerCase();
  return LOG_LEVELS.find((l) => l === raw) ?? "info";
}

function atLeast(level: LogLevel, lowest: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(lowest);
}

/** Plain JSON for any value: errors by name and message (and stack for internal ones), secrets out. */
function plain(value: unknown, key: string, depth: number): unknown {
  if (SECRET_KEY.test(key.toLowerCase().replace(/[-_]/g, "")) && value !== null && value !== undefined && typeof value !== "boolean") {
    return typeof value === "number" ? value : "[redacted]";
  }
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "string") return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (typeof value === "bigint") return value.toString();
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH) return "[…]";
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: plain(value.message, "message", depth + 1) };
    const code = (value as { code?: unknown }).code;
    if (typeof code === "string") out.code = code;
    if (value.stack) out.stack = plain(value.stack.split("\n").slice(0, 8).join("\n"), "stack", depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => plain(v, "", depth + 1));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = plain(v, k, depth + 1);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  return String(value);
}

/** Writes one event at `level`, with the current context's ids and `fields`. */
export function log(level: LogLevel, event: string, fields: LogFields = {}): void {
  const s = state();
  const configured = logLevel();
  const toStdout = s.stdout && atLeast(level, configured);
  const listeners = [...s.sinks].filter((l) => atLeast(level, l.level ?? configured));
  if (!toStdout && listeners.length === 0) return;
  const ctx = s.context.getStore() ?? {};
  const line: Record<string, unknown> = { ts: new Date().toISOString(), level, event };
  for (const [k, v] of Object.entries(ctx)) if (v !== undefined) line[k] = v;
  for (const [k, v] of Object.entries(fields)) {
    // The line's own keys are not overwritten by a field of the same name.
    if (k === "ts" || k === "level" || k === "event") continue;
    const p = plain(v, k, 0);
    if (p !== undefined) line[k] = p;
  }
  let text: string;
  try {
    text = JSON.stringify(line);
  } catch {
    text = JSON.stringify({ ts: line.ts, level, event, note: "fields could not be written" });
  }
  if (toStdout) process.stdout.write(`${text}\n`);
  for (const listener of listeners) listener.sink(text, level);
}

export const logger = {
  debug: (event: string, fields?: LogFields) => log("debug", event, fields),
  info: (event: string, fields?: LogFields) => log("info", event, fields),
  warn: (event: string, fields?: LogFields) => log("warn", event, fields),
  error: (event: string, fields?: LogFields) => log("error", event, fields),
};

/** Runs `fn` with `context` added to (and overriding) the current one for every line it logs. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  const s = state();
  return s.context.run({ ...s.context.getStore(), ...context }, fn);
}

/** The ids of the work in progress (for code that passes them on, e.g. a response header). */
export function currentLogContext(): LogContext {
  return { ...state().context.getStore() };
}

/**
 * Sends every line to `sink` as well, until the returned function is called: the lines at or above
 * `level` (default TEAL_LOG_LEVEL); with `{ quiet: true }` no line goes to stdout meanwhile. For a
 * log shipper in-process, and for tests that read what the server logged.
 */
export function addLogSink(sink: LogSink, options: { quiet?: boolean; level?: LogLevel } = {}): () => void {
  const s = state();
  const listener: Listener = { sink, ...(options.level ? { level: options.level } : {}) };
  s.sinks.add(listener);
  const wasStdout = s.stdout;
  if (options.quiet) s.stdout = false;
  return () => {
    s.sinks.delete(listener);
    if (options.quiet) s.stdout = wasStdout;
  };
}

/** A request id from a caller's header when it is a sane one (a load balancer's), else a new one. */
export function requestIdFrom(header: string | null | undefined): string {
  if (header && /^[A-Za-z0-9._:-]{8,128}$/.test(header)) return header;
  return crypto.randomUUID();
}
