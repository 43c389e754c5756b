/** Row helpers the store's parts share: JSON columns, checked statuses, limits, field matches. */
import { sql, type Expression, type SqlBool } from "kysely";
import { AppError } from "@/lib/domain/app-error";
import type { Actor } from "@/lib/domain/operation";
import { canonicalJson } from "./audit-hash";
import type { DialectName } from "./core";

export function checkedStatus<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const found = allowed.find((s) => s === value);
  if (found === undefined) throw new AppError("internal", "The journal holds an unreadable record.", `unknown ${what} status ${value}`);
  return found;
}

/** JSON written by this store; the column types guarantee its shape. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function parseNullableJson<T>(text: string | null): T | null {
  return text === null ? null : parseJson<T>(text);
}

export function toJsonText(value: unknown): string {
  return canonicalJson(value);
}

export function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.max(1, Math.min(max, Math.floor(limit)));
}

export function actorOf(actor: Actor): Actor {
  return { id: actor.id, email: actor.email, role: actor.role };
}

export function listOf<T extends string>(value: T | readonly T[]): T[] {
  return typeof value === "string" ? [value] : [...value];
}

/**
 * `"key":"value"` exactly as canonical JSON writes it. JSON columns are stored canonically (sorted
 * keys, no whitespace, quotes inside strings escaped), so this text can only occur as that key
 * holding that value: a substring test on it is an exact field match on both dialects.
 */
export function canonicalFieldNeedle(key: string, value: string): string {
  return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
}

/** Case-sensitive substring test on a text column, in each dialect's own spelling. */
export function contains(dialect: DialectName, column: "actor" | "intent", needle: string): Expression<SqlBool> {
  return dialect === "postgres" ? sql<SqlBool>`strpos(${sql.ref(column)}, ${needle}) > 0` : sql<SqlBool>`instr(${sql.ref(column)}, ${needle}) > 0`;
}
