import type { JsonObject, JsonValue } from "@/lib/domain/basics";

/** Converts an SDK output to plain JSON for the journal: drops $metadata and undefined, dates to ISO. */
export function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === "object") {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "$metadata" || v === undefined) continue;
      out[k] = toJson(v);
    }
    return out;
  }
  return null;
}
