/** Rows of the history exports (CSV and JSON). Pure: the routes feed them what the store returns. */

import type { AuditRecord, Operation } from "@/lib/domain/operation";
import { isDoneStep } from "@/lib/domain/operation-status";
import { toCsv } from "./csv";

export const OPERATION_CSV_HEADER = [
  "id",
  "app_id",
  "pattern",
  "intent",
  "summary",
  "status",
  "actor_email",
  "actor_role",
  "reason",
  "created_at",
  "started_at",
  "finished_at",
  "duration_s",
  "steps",
  "steps_done",
  "failed_step",
  "error",
] as const;

export const AUDIT_CSV_HEADER = [
  "seq",
  "at",
  "action",
  "actor_email",
  "actor_role",
  "app_id",
  "operation_id",
  "reason",
  "before",
  "after",
  "hash",
] as const;

function durationSeconds(startIso: string | null, endIso: string | null): number | null {
  if (!startIso || !endIso) return null;
  const ms = Date.parse(endIso) - Date.parse(startIso);
  return Number.isFinite(ms) ? Math.round(ms / 100) / 10 : null;
}

export function operationsCsv(operations: readonly Operation[]): string {
  return toCsv(
    OPERATION_CSV_HEADER,
    operations.map((op) => [
      op.id,
      op.appId,
      op.pattern,
      op.intent.kind,
      op.summary,
      op.status,
      op.actor.email,
      op.actor.role,
      op.reason,
      op.createdAt,
      op.startedAt,
      op.finishedAt,
      durationSeconds(op.startedAt, op.finishedAt),
      op.steps.length,
      op.steps.filter((s) => isDoneStep(s.status)).length,
      op.steps.find((s) => s.status === "failed")?.title ?? null,
      op.error,
    ]),
  );
}

export function auditCsv(records: readonly AuditRecord[]): string {
  return toCsv(
    AUDIT_CSV_HEADER,
    records.map((r) => [
      r.seq,
      r.at,
      r.action,
      r.actor?.email ?? null,
      r.actor?.role ?? null,
      r.appId,
      r.operationId,
      r.reason,
      r.before === null ? null : JSON.stringify(r.before),
      r.after === null ? null : JSON.stringify(r.after),
      r.hash,
    ]),
  );
}

/** `teal-operations-20250301T100000Z.csv`: the kind and the export time, safe in any file system. */
export function exportFileName(kind: "operations" | "audit", format: "csv" | "json", now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
  return `teal-${kind}-${stamp}.${format}`;
}
