/**
 * How a plan request travels in a plan preview's query string: `intent` names the kind, each other
 * field is one parameter (numbers in decimal, instance ids comma-separated). The browser writes it
 * with `planQuery`; the plan route reads it back with `parsePlanQuery` (./intent), which judges the
 * fields with the intent schema. No zod here, so the browser's bundle stays without it.
 */
import type { PlanRequest } from "./intent";

/** The query of one plan request; an empty list of instances is left out (it means all of them). */
export function planQuery(request: PlanRequest): URLSearchParams {
  const params = new URLSearchParams({ intent: request.kind });
  for (const [key, value] of Object.entries(request)) {
    if (key === "kind" || value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(","));
    } else params.set(key, String(value));
  }
  return params;
}

/** Whole decimal numbers become numbers; any other text stays text, for the schema to refuse. */
function decimal(text: string): unknown {
  return /^\d{1,6}$/.test(text) ? Number(text) : text;
}

/** How a parameter's text becomes a field value (text stays text unless named here). */
const DECODE: Partial<Record<string, (text: string) => unknown>> = {
  greenPercent: decimal,
  capacity: decimal,
  instanceIds: (text) => text.split(","),
  // A progressive delivery's fields (its judge settings come from the application's defaults in a preview).
  steps: (text) => text.split(",").map(decimal),
  gates: (text) => text.split(","),
  bakeSeconds: decimal,
  tolerancePoints: decimal,
  trafficTimeoutSeconds: decimal,
};

/** The named fields present in `params`, decoded, with `kind` from `intent`: what the intent schema then judges. */
export function planQueryFields(params: URLSearchParams, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: params.get("intent") };
  for (const key of fields) {
    const text = key === "kind" ? null : params.get(key);
    if (text !== null) out[key] = (DECODE[key] ?? ((t: string) => t))(text);
  }
  return out;
}
