/**
 * The audit log's hash chain: each row's hash is sha256(prev_hash + canonical JSON of the row), so
 * editing or deleting a row breaks every hash after it.
 */

import { createHash } from "node:crypto";
import type { Actor, AuditAction, JsonValue } from "@/lib/domain/types";

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
