/**
 * What the engine needs of the database: the operations journal, the per-application locks and
 * the audit log, and nothing else. The store implements it; tests may hand the engine a store
 * that dies or crawls (test/support/engine) through the same interface.
 */
import type { AuditEntryInput, AuditRecord, Operation } from "@/lib/domain/operation";
import type { OperationStatus } from "@/lib/domain/operation-status";
import type {
  AuditFilter,
  CreateOperationInput,
  InterruptOptions,
  LockInfo,
  OperationFilter,
  OperationPatch,
  OperationWriteOptions,
  StepPatch,
  StepWriteOptions,
} from "@/lib/store/store";

export interface Journal {
  /**
   * Writes the operation (`pending`), all its steps and `input.audit` (its first audit records) in
   * one transaction: a crash leaves both or neither.
   */
  createOperation(input: CreateOperationInput): Promise<Operation>;
  /**
   * Compare-and-set with `ifStatusIn`; whether a row changed. `audit` goes into the same
   * transaction, only when the row changed: a status and its audit record are never apart.
   */
  updateOperation(id: string, patch: OperationPatch, options?: OperationWriteOptions): Promise<boolean>;
  /** `audit` goes into the same transaction as the step. */
  updateStep(operationId: string, index: number, patch: StepPatch, options?: StepWriteOptions): Promise<void>;
  getOperation(id: string): Promise<Operation | null>;
  getOperationStatus(id: string): Promise<OperationStatus | null>;
  /** Newest first. */
  listOperations(filter?: OperationFilter): Promise<Operation[]>;
  /**
   * Active operations whose lease has lapsed at `nowMs` become `interrupted`, each with its audit
   * record (`audit`) in the same transaction; returns them.
   */
  markRunningInterrupted(options?: InterruptOptions): Promise<Operation[]>;

  tryAcquireLock(appId: string, holder: string, leaseMs: number, nowMs: number, options?: { replaceHolder?: string }): Promise<boolean>;
  renewLock(appId: string, holder: string, leaseMs: number, nowMs: number): Promise<boolean>;
  releaseLock(appId: string, holder: string): Promise<boolean>;
  getLock(appId: string): Promise<LockInfo | null>;

  appendAudit(entry: AuditEntryInput): Promise<unknown>;
  /** Newest first; a progressive delivery reads its operators' signals (hold, continue, approve) with it. */
  listAudit(filter?: AuditFilter): Promise<AuditRecord[]>;
}
