/**
 * Where the audit chain's key and its exported head come from. The key never lives in the
 * database: it is TEAL_AUDIT_KEY, or (development, tests and the demo on the practice range only)
 * a key generated once into a file beside the SQLite database, announced by a loud warning.
 */

import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { auditEnvSchema, auditKeyRequired } from "@/lib/config/schema";
import { AppError } from "@/lib/domain/app-error";
import { logger } from "@/lib/telemetry/log";
import { AUDIT_KEY_MIN_BYTES, type AuditKey } from "./audit-hash";

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export interface ResolvedAuditKey {
  key: AuditKey;
  /** `env`: TEAL_AUDIT_KEY; `file`: the development key file; `memory`: an in-memory database's throwaway key. */
  origin: "env" | "file" | "memory";
  file?: string;
}

/** The head sink: a file appended one JSON line per export, or a webhook that receives each export as a POST. */
export type HeadSinkTarget = { kind: "file"; path: string } | { kind: "webhook"; url: string };

export interface AuditSettings {
  key: ResolvedAuditKey | null;
  sink: HeadSinkTarget | null;
  exportIntervalMs: number;
  /** True when the sink is the default file beside the database rather than one configured. */
  defaultSink: boolean;
}

function sqlitePath(url: string): string | null {
  if (POSTGRES_URL.test(url)) return null;
  if (url === ":memory:" || url === "file::memory:") return null;
  if (url.startsWith("file://")) return fileURLToPath(url);
  if (url.startsWith("file:")) return url.slice("file:".length);
  return url;
}

/**
 * The development key file for a database: beside a SQLite file (`teal.db.audit-key`), or
 * `data/.teal-audit-key` under the working directory for PostgreSQL. Null for an in-memory database.
 */
export function auditKeyFileFor(databaseUrl: string, cwd = process.cwd()): string | null {
  if (databaseUrl === ":memory:" || databaseUrl === "file::memory:") return null;
  const path = sqlitePath(databaseUrl);
  return path === null ? join(/*turbopackIgnore: true*/ cwd, "data", ".teal-audit-key") : `${resolve(/*turbopackIgnore: true*/ path)}.audit-key`;
}

/**
 * The default head sink: a file beside a SQLite database. None for PostgreSQL (several servers and
 * databases could share a local file): set TEAL_AUDIT_HEAD_SINK.
 */
export function defaultHeadFileFor(databaseUrl: string): string | null {
  const path = sqlitePath(databaseUrl);
  return path === null ? null : `${resolve(/*turbopackIgnore: true*/ path)}.audit-head.jsonl`;
}

export function parseHeadSink(value: string): HeadSinkTarget {
  if (/^https?:\/\//i.test(value)) return { kind: "webhook", url: value };
  if (value.startsWith("file://")) return { kind: "file", path: fileURLToPath(value) };
  return { kind: "file", path: resolve(/*turbopackIgnore: true*/ value.startsWith("file:") ? value.slice("file:".length) : value) };
}

let warned = false;

function warnDevelopmentKey(file: string): void {
  if (warned) return;
  warned = true;
  logger.warn("audit.development_key", {
    file,
    message:
      "The audit log is keyed with a development key kept in this file: whoever can read it can rewrite the audit log undetected. In production set TEAL_AUDIT_KEY (openssl rand -base64 32) and keep it away from the database.",
  });
}

let warnedSink = false;

/** In production, a head kept beside the database (or nowhere) does not protect against its administrators. */
function warnHeadSink(sink: HeadSinkTarget | null): void {
  if (warnedSink) return;
  warnedSink = true;
  const where = sink ? `to ${sink.kind === "file" ? sink.path : sink.url}, the default beside the database` : "nowhere";
  logger.warn("audit.head_sink_weak", {
    message: `The audit chain head is exported ${where}. Set TEAL_AUDIT_HEAD_SINK to a file or webhook the database's administrators cannot rewrite, or deleting the newest audit records goes unnoticed.`,
  });
}

function readKeyFile(file: string): AuditKey | null {
  if (!existsSync(/*turbopackIgnore: true*/ file)) return null;
  const text = readFileSync(/*turbopackIgnore: true*/ file, "utf8").trim();
  if (Buffer.byteLength(text) < AUDIT_KEY_MIN_BYTES) {
    throw new AppError("internal", "The audit key is unusable.", `the audit key file ${file} holds fewer than ${AUDIT_KEY_MIN_BYTES} bytes`);
  }
  return Buffer.from(text, "utf8");
}

/** Creates the key file once, atomically: concurrent processes all end up reading the same key. */
function createKeyFile(file: string): AuditKey {
  mkdirSync(dirname(/*turbopackIgnore: true*/ file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(/*turbopackIgnore: true*/ temp, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
  try {
    linkSync(/*turbopackIgnore: true*/ temp, file);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
  } finally {
    rmSync(/*turbopackIgnore: true*/ temp, { force: true });
  }
  const key = readKeyFile(file);
  if (!key) throw new AppError("internal", "The audit key is unusable.", `the audit key file ${file} vanished`);
  return key;
}

/**
 * The audit settings for a database from the environment. `create: false` (the verifier) never
 * generates a key (without TEAL_AUDIT_KEY or an existing key file the key is null) and leaves
 * the development-key warning to its caller. Throws in production without TEAL_AUDIT_KEY.
 */
export function resolveAuditSettings(
  databaseUrl: string,
  env: Record<string, string | undefined> = process.env,
  options: { create?: boolean } = {},
): AuditSettings {
  const parsed = auditEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("internal", "The audit settings are invalid.", `${issue?.path.join(".") ?? "environment"}: ${issue?.message ?? "invalid"}`);
  }
  const settings = parsed.data;
  const sink = settings.TEAL_AUDIT_HEAD_SINK !== undefined ? parseHeadSink(settings.TEAL_AUDIT_HEAD_SINK) : null;
  const fallbackSinkFile = defaultHeadFileFor(databaseUrl);
  const result = (key: ResolvedAuditKey | null): AuditSettings => ({
    key,
    sink: sink ?? (fallbackSinkFile ? { kind: "file", path: fallbackSinkFile } : null),
    exportIntervalMs: settings.TEAL_AUDIT_EXPORT_MS,
    defaultSink: sink === null,
  });

  if (auditKeyRequired(settings) && sink === null && options.create !== false)
    warnHeadSink(fallbackSinkFile ? { kind: "file", path: fallbackSinkFile } : null);
  if (settings.TEAL_AUDIT_KEY !== undefined) return result({ key: Buffer.from(settings.TEAL_AUDIT_KEY, "utf8"), origin: "env" });
  if (auditKeyRequired(settings)) {
    throw new AppError(
      "internal",
      "The audit key is missing.",
      "TEAL_AUDIT_KEY is required in production: a secret of at least 32 characters kept outside the database",
    );
  }
  const file = auditKeyFileFor(databaseUrl);
  if (file === null) return result(options.create === false ? null : { key: randomBytes(32), origin: "memory" });
  const existing = readKeyFile(file);
  const key = existing ?? (options.create === false ? null : createKeyFile(file));
  if (!key) return result(null);
  if (options.create !== false) warnDevelopmentKey(file);
  return result({ key, origin: "file", file });
}
