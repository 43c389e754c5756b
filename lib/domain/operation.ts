/** Operations as the journal keeps them (steps, counters, the actor) and audit records. */

import type { AuditAction } from "./audit-actions";
import type { JsonValue, PatternId, Role } from "./basics";
import type { Intent } from "./intent";
import type { OperationStatus, StepStatus } from "./operation-status";
import type { AwsCall, PlanEnds, WaitCondition } from "./plan";
import type { ProgressiveStepState } from "./progressive";

export interface OperationStep {
  index: number;
  id: string;
  title: string;
  call?: AwsCall;
  wait?: WaitCondition;
  status: StepStatus;
  startedAt: string | null;
  finishedAt: string | null;
  /** The call's output (as JSON), kept so a wait or a resume can use it. */
  output: JsonValue | null;
  error: string | null;
  /** The plan's "already done" condition for the call (journaled so a resume can check it). */
  skipIf?: WaitCondition;
  /** How the step went so far: calls and SDK attempts, polls, the last error; absent on old rows. */
  progress?: StepProgress;
}

/** Per-step counters the engine journals as it goes (and keeps across a resume). */
export interface StepProgress {
  /** Times the step's call was sent (a resume may send it again). */
  calls: number;
  /** HTTP attempts the SDK made for those calls (its own retries of throttling and 5xx included). */
  attempts: number;
  /** Polls of the wait condition (and the one check of `skipIf`). */
  polls: number;
  /** The last error seen (a tolerated throttled poll, or the one that failed the step), user-safe. */
  lastError: string | null;
  /** E.g. "skipped: already done" when `skipIf` held, or "call already made; output kept" on a resume. */
  note: string | null;
  /** A progressive delivery's wait (traffic, bake, gate): its clock, the judge's state and evidence, the operator's signals. */
  progressive?: ProgressiveStepState;
}

export interface Actor {
  id: string;
  email: string;
  role: Role;
}

export interface Operation {
  id: string;
  appId: string;
  pattern: PatternId;
  intent: Intent;
  summary: string;
  status: OperationStatus;
  actor: Actor;
  reason: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  steps: OperationStep[];
  /** The plan's before/after (for the audit of a resumed run); absent on operations journaled before they were kept. */
  before?: PlanEnds;
  after?: PlanEnds;
  /** When the observed split came within tolerance of `after` (journaled once seen; see traffic-settle.ts). */
  settledAt?: string | null;
}

export interface AuditEntryInput {
  action: AuditAction;
  actor: Actor | null;
  appId: string | null;
  operationId: string | null;
  reason: string | null;
  before: JsonValue | null;
  after: JsonValue | null;
}

export interface AuditRecord extends AuditEntryInput {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}
