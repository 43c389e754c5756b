/**
 * The audit log's hash chain. Rows written since migration 0005 are keyed: each row's hash is
 * HMAC-SHA256(audit key, domain tag + prev_hash + canonical JSON of the row), so nobody without the
 * key can rewrite a row and recompute the hashes after it. Rows written before (the legacy part of
 * the chain, below `audit_head.keyed_from`) keep their unkeyed sha256(prev_hash + canonical JSON).
 * The operations journal has its own keyed chain of digests (one entry per journal write), and
 * the heads of both chains are exported, with a MAC, outside the database.
 */

import { createHash, createHmac } from "node:crypto";
import type { Actor } from "@/lib/domain/operation";
import type { AuditAction } from "@/lib/domain/audit-actions";
import type { JsonValue } from "@/lib/domain/basics";

/** The prev_hash of the first row. */
export const GENESIS_HASH = "0".repeat(64);

/** The hashed content of one audit row (everything except its own hash and prev_hash). */
export interface AuditHashedFields {
  seq: number;
  at: string;
  action: AuditAction;
  actor: Actor | null;
  appId: string | null;
  operationId: string | null;
  reason: string | null;
  before: JsonValue | null;
  after: JsonValue | null;
}

/**
 * JSON with object keys sorted at every level and no whitespace, so equal values always serialise
 * to the same text. Refuses values JSON cannot represent faithfully (non-finite numbers, undefined).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not representable`);
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(",")}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${typeof value} is not representable`);
  }
}

export function auditHash(prevHash: string, fields: AuditHashedFields): string {
  return createHash("sha256").update(prevHash).update(canonicalJson(fields)).digest("hex");
}

/** The audit key: at least 32 bytes (HMAC-SHA256 keys shorter than its output weaken it). */
export type AuditKey = Buffer;

export const AUDIT_KEY_MIN_BYTES = 32;

const AUDIT_TAG = "teal-audit-v2\n";
const JOURNAL_TAG = "teal-journal-v1\n";
const HEAD_TAG = "teal-audit-head-v1\n";

/** The keyed hash of an audit row (rows at or after `keyed_from`). */
export function keyedAuditHash(key: AuditKey, prevHash: string, fields: AuditHashedFields): string {
  return createHmac("sha256", key).update(AUDIT_TAG).update(prevHash).update(canonicalJson(fields)).digest("hex");
}

/**
 * A journal row (an operation, or one of its steps) as the chain sees it: its table, and its
 * columns without the null ones, so a nullable column added by a later migration leaves the
 * digests of existing rows unchanged.
 */
export function journalDigest(table: "operations" | "operation_steps", row: Readonly<Record<string, string | number | null>>): string {
  const present: Record<string, string | number> = {};
  for (const [column, value] of Object.entries(row)) if (value !== null) present[column] = value;
  return createHash("sha256")
    .update(canonicalJson({ table, row: present }))
    .digest("hex");
}

/** The hashed content of one journal chain entry. `idx` is -1 for the operation row itself. */
export interface JournalHashedFields {
  seq: number;
  at: string;
  operationId: string;
  idx: number;
  digest: string;
}

export function journalEntryHash(key: AuditKey, prevHash: string, fields: JournalHashedFields): string {
  return createHmac("sha256", key).update(JOURNAL_TAG).update(prevHash).update(canonicalJson(fields)).digest("hex");
}

/** A chain head exported outside the database. */
export interface ExportedHead {
  /** When it was exported (ISO). */
  at: string;
  audit: { seq: number; hash: string };
  journal: { seq: number; hash: string };
  /** The first audit seq of the keyed chain (rows before it are legacy, unkeyed). */
  keyedFrom: number;
}

/** The MAC of an exported head, so a head written into the sink by someone without the key is refused. */
export function exportedHeadMac(key: AuditKey, head: ExportedHead): string {
  return createHmac("sha256", key).update(HEAD_TAG).update(canonicalJson(head)).digest("hex");
}
