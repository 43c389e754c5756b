/**
 * The history filters, parsed once for the page and both export routes: application, actor,
 * intent, status (outcome), audit action and time range. Empty form fields mean "any".
 */

import { z } from "zod";
import { AppError } from "@/lib/domain/app-error";
import type { AuditAction } from "@/lib/domain/audit-actions";
import type { IntentKind } from "@/lib/domain/intent";
import type { OperationStatus } from "@/lib/domain/operation-status";
import { appIdSchema } from "@/lib/actions/schemas";

import { INTENT_KINDS } from "@/lib/domain/intent";

export { INTENT_KINDS };

import { OPERATION_STATUSES } from "@/lib/domain/operation-status";
import { AUDIT_ACTIONS } from "@/lib/domain/audit-actions";

export { OPERATION_STATUSES };

export { AUDIT_ACTIONS };

// A new intent, status or audit action must be added to the lists above, or this stops compiling.
type Missing =
  | Exclude<IntentKind, (typeof INTENT_KINDS)[number]>
  | Exclude<OperationStatus, (typeof OPERATION_STATUSES)[number]>
  | Exclude<AuditAction, (typeof AUDIT_ACTIONS)[number]>;
export const HISTORY_LISTS_COMPLETE: [Missing] extends [never] ? true : false = true;

const blankIsAbsent = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** ISO 8601 with a zone, or a form's `YYYY-MM-DDTHH:mm[:ss]`, which the page labels and treats as UTC. */
const instant = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text);
    const ms = Date.parse(local ? `${text}Z` : text);
    if (!Number.isFinite(ms) || !(local || /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(text))) {
      ctx.addIssue({ code: "custom", message: "use a date and time like 2025-03-01T10:00 (UTC) or ISO 8601 with a zone" });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

const optional = <S extends z.ZodType>(schema: S) => z.preprocess(blankIsAbsent, schema.optional());

export const historyQuerySchema = z
  .object({
    app: optional(appIdSchema),
    actor: optional(z.string().trim().max(320)),
    intent: optional(z.enum(INTENT_KINDS)),
    status: optional(z.enum(OPERATION_STATUSES)),
    action: optional(z.enum(AUDIT_ACTIONS)),
    since: optional(instant),
    until: optional(instant),
    limit: optional(z.coerce.number().int().min(1).max(1000)),
  })
  .refine((q) => q.since === undefined || q.until === undefined || q.since < q.until, {
    message: "the start must be before the end",
    path: ["until"],
  });

export type HistoryQuery = z.infer<typeof historyQuerySchema>;

export const exportFormatSchema = z.preprocess(blankIsAbsent, z.enum(["csv", "json"]).default("json"));

/** Parses search parameters (repeated keys: the first wins); a user-safe message on failure. */
export function parseHistoryQuery(
  params: URLSearchParams | Record<string, string | string[] | undefined>,
): { ok: true; query: HistoryQuery } | { ok: false; message: string } {
  const record: Record<string, string> = {};
  if (params instanceof URLSearchParams) {
    for (const [key, value] of params) if (!(key in record)) record[key] = value;
  } else {
    for (const [key, value] of Object.entries(params)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (first !== undefined) record[key] = first;
    }
  }
  const parsed = historyQuerySchema.safeParse(record);
  if (parsed.success) return { ok: true, query: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return { ok: false, message: `Invalid filter: ${where}${issue?.message ?? "malformed"}` };
}

/**
 * An export route's request: the format (JSON unless csv is asked for) and the history page's
 * filters, or the AppError a bad query is answered with (400, nothing read).
 */
export function parseExportRequest(params: URLSearchParams): { format: "csv" | "json"; query: HistoryQuery } {
  const format = exportFormatSchema.safeParse(params.get("format") ?? undefined);
  if (!format.success) throw new AppError("invalid", "format must be csv or json.");
  const parsed = parseHistoryQuery(params);
  if (!parsed.ok) throw new AppError("invalid", parsed.message);
  return { format: format.data, query: parsed.query };
}

/** The store filters for operations; `limit` defaults to 100 and is capped at 500 by the store. */
export function operationFilterOf(q: HistoryQuery) {
  return {
    ...(q.app !== undefined ? { appId: q.app } : {}),
    ...(q.actor !== undefined ? { actorEmail: q.actor } : {}),
    ...(q.intent !== undefined ? { intentKind: q.intent } : {}),
    ...(q.status !== undefined ? { status: q.status } : {}),
    ...(q.since !== undefined ? { since: q.since } : {}),
    ...(q.until !== undefined ? { until: q.until } : {}),
    limit: q.limit ?? 100,
  };
}

/** The store filters for the audit log (intent and status do not apply to audit rows). */
export function auditFilterOf(q: HistoryQuery) {
  return {
    ...(q.app !== undefined ? { appId: q.app } : {}),
    ...(q.actor !== undefined ? { actorEmail: q.actor } : {}),
    ...(q.action !== undefined ? { action: q.action } : {}),
    ...(q.since !== undefined ? { since: q.since } : {}),
    ...(q.until !== undefined ? { until: q.until } : {}),
    limit: q.limit ?? 200,
  };
}

/** Search parameters for a filtered link (export, tab switch): only the filters that are set. */
export function historySearch(q: HistoryQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of ["app", "actor", "intent", "status", "action", "since", "until", "limit"] as const) {
    const value = q[key];
    if (value !== undefined) params.set(key, String(value));
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : "";
}
