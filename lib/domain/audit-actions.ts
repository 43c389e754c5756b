// Every kind of audit record, in one list (the type derives from it), and the one record an
// operation writes for the change it made: a standby, a scale-up or a deploy is not a traffic shift.

import type { IntentKind } from "./intent";

export const AUDIT_ACTIONS = [
  "operation.started",
  "operation.succeeded",
  "operation.failed",
  "operation.aborted",
  "operation.preempted",
  "operation.interrupted",
  "operation.resumed",
  "step.succeeded",
  "step.failed",
  "step.skipped",
  "traffic.shifted",
  "traffic.promoted",
  "rollback.started",
  "rollback.completed",
  /** A rollback was asked for while AWS already was its end state: nothing was called. */
  "rollback.nothing_to_do",
  "standby.entered",
  "standby.exited",
  "capacity.scaled",
  "revision.deployed",
  "auth.signed_in",
  "auth.denied",
  "auth.signed_out",
  "auth.sessions_revoked",
  "token.created",
  "token.revoked",
  /** An API token read something (a GET of the REST API); its writes are the operations' own records. */
  "token.used",
  "user.created",
  "user.disabled",
  "drift.reasserted",
  /** Progressive delivery (docs/progressive.md): a traffic step reached and verified, a bake's end, a judge's verdict. */
  "progressive.step",
  "progressive.judged",
  /** Operator signals, read back by the engine: hold, continue now (the rest of a bake skipped), approve a manual gate. */
  "progressive.held",
  "progressive.continued",
  "progressive.approved",
  /** A manual gate began to wait for an operator's approval (what webhooks announce as "approval needed"). */
  "progressive.approval_needed",
  /** The judge failed green: the run halted (with the evidence) and the automatic rollback started. */
  "progressive.halted",
  "progressive.rollback_started",
  "progressive.completed",
  "action.refused",
  /** An admin added or removed a webhook (the record names it, its URL redacted, never its secret). */
  "webhook.created",
  "webhook.removed",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The record of the change a succeeded operation made, by what it was asked to do. */
export const CHANGE_AUDIT_ACTION = {
  shift: "traffic.shifted",
  promote: "traffic.promoted",
  rollback: "rollback.completed",
  "standby-enter": "standby.entered",
  "standby-exit": "standby.exited",
  "scale-green": "capacity.scaled",
  "deploy-revision": "revision.deployed",
  progressive: "progressive.completed",
} as const satisfies Record<IntentKind, AuditAction>;

export function changeAuditAction(kind: IntentKind): AuditAction {
  return CHANGE_AUDIT_ACTION[kind];
}

export function auditActionOf(value: string): AuditAction | null {
  return AUDIT_ACTIONS.find((a) => a === value) ?? null;
}
