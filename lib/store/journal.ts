/**
 * The operations journal: each operation and its steps, written with their journal chain entry in
 * the same transaction (see chains.ts). A start's first audit records go into the transaction
 * that writes the operation.
 */
import { randomUUID } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import { ACTIVE_STATUSES, OPERATION_STATUSES, STEP_STATUSES } from "@/lib/domain/operation-status";
import { AppError } from "@/lib/domain/app-error";
import type { Actor, AuditEntryInput, Operation, OperationStep, StepProgress } from "@/lib/domain/operation";
import type { AwsCall, PlanEnds, Step, WaitCondition } from "@/lib/domain/plan";
import type { Intent, IntentKind } from "@/lib/domain/intent";
import type { JsonValue, PatternId } from "@/lib/domain/basics";
import type { OperationStatus, StepStatus } from "@/lib/domain/operation-status";
import { operationWrite, stepWrite, type AuditChains } from "./chains";
import { isoNow, type StoreCore } from "./core";
import { actorOf, canonicalFieldNeedle, checkedStatus, clampLimit, contains, listOf, parseJson, parseNullableJson, toJsonText } from "./rows";
import type { Database, OperationStepsTable, OperationsTable } from "./schema";

export interface CreateOperationInput {
  /** Chosen by the caller so it can take the lock in the operation's name first; random if omitted. */
  id?: string;
  appId: string;
  pattern: PatternId;
  intent: Intent;
  summary: string;
  actor: Actor;
  reason: string;
  steps: Step[];
  /** Defaults to the store's clock. */
  createdAt?: string;
  /** The plan's before/after, kept for the audit of a resumed run. */
  before?: PlanEnds;
  after?: PlanEnds;
  /**
   * The operation's first audit records (`operation.started`, …), appended in the same
   * transaction as the operation: a crash leaves both or neither.
   */
  audit?: readonly AuditEntryInput[];
}

export interface OperationPatch {
  status?: OperationStatus;
  startedAt?: string | null;
  finishedAt?: string | null;
  error?: string | null;
}

export interface StepPatch {
  status?: StepStatus;
  startedAt?: string | null;
  finishedAt?: string | null;
  output?: JsonValue | null;
  error?: string | null;
  progress?: StepProgress | null;
}

/** How `updateOperation` writes: a compare-and-set on the status, and the audit records of the change. */
export interface OperationWriteOptions {
  /** Only when the current status is one of these (a compare-and-set: two writers cannot both finish it). */
  ifStatusIn?: readonly OperationStatus[];
  /** Written in the same transaction, only when the row changed: a crash leaves both or neither. */
  audit?: readonly AuditEntryInput[];
}

/** The audit records of a step's change, written in the same transaction as the step. */
export interface StepWriteOptions {
  audit?: readonly AuditEntryInput[];
}

export interface InterruptOptions {
  /** Operations whose lock lease is still live at this time are left alone (another server's). */
  nowMs?: number;
  /** The audit record of each operation marked interrupted, written in the same transaction. */
  audit?: (op: Operation) => AuditEntryInput;
}

export interface OperationFilter {
  appId?: string;
  status?: OperationStatus | readonly OperationStatus[];
  /** Only operations started by the actor with this email (exact match). */
  actorEmail?: string;
  /** Only these intent kinds (shift, rollback, …). */
  intentKind?: IntentKind | readonly IntentKind[];
  /** Created at or after this ISO time. */
  since?: string;
  /** Created strictly before this ISO time. */
  until?: string;
  /** Default 50, at most 500. */
  limit?: number;
}

function statusList(status: OperationStatus | readonly OperationStatus[]): OperationStatus[] {
  return typeof status === "string" ? [status] : [...status];
}

export class OperationsJournal {
  constructor(
    private readonly core: StoreCore,
    private readonly chains: AuditChains,
  ) {}

  private get db() {
    return this.core.db;
  }

  private iso(): string {
    return isoNow(this.core);
  }

  async createOperation(input: CreateOperationInput): Promise<Operation> {
    const id = input.id ?? randomUUID();
    const createdAt = input.createdAt ?? this.iso();
    await this.db.transaction().execute(async (trx) => {
      const opRow = await trx
        .insertInto("operations")
        .values({
          id,
          app_id: input.appId,
          pattern: input.pattern,
          intent: toJsonText(input.intent),
          summary: input.summary,
          status: "pending",
          actor: toJsonText(actorOf(input.actor)),
          reason: input.reason,
          created_at: createdAt,
          started_at: null,
          finished_at: null,
          error: null,
          updated_at: createdAt,
          plan_before: input.before ? toJsonText(input.before) : null,
          plan_after: input.after ? toJsonText(input.after) : null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const writes = [operationWrite(opRow)];
      if (input.steps.length > 0) {
        const stepRows = await trx
          .insertInto("operation_steps")
          .values(
            input.steps.map((step, idx) => ({
              operation_id: id,
              idx,
              step_id: step.id,
              title: step.title,
              call: step.call ? toJsonText(step.call) : null,
              wait: step.wait ? toJsonText(step.wait) : null,
              status: "pending",
              started_at: null,
              finished_at: null,
              output: null,
              error: null,
              skip_if: step.skipIf ? toJsonText(step.skipIf) : null,
              progress: null,
            })),
          )
          .returningAll()
          .execute();
        writes.push(...stepRows.map(stepWrite));
      }
      await this.chains.chainJournal(trx, writes);
      // The journal head first, then the audit head: no transaction takes them the other way round.
      for (const entry of input.audit ?? []) await this.chains.appendIn(trx, entry);
    });
    this.chains.afterWrite();
    const created = await this.getOperation(id);
    if (!created) throw new AppError("internal", "The operation could not be recorded.", `operation ${id} vanished after insert`);
    return created;
  }

  async updateOperation(id: string, patch: OperationPatch, options: OperationWriteOptions = {}): Promise<boolean> {
    if (options.ifStatusIn && options.ifStatusIn.length === 0) return false;
    const changed = await this.db.transaction().execute(async (trx) => {
      let query = trx
        .updateTable("operations")
        .set({
          updated_at: this.iso(),
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          ...(patch.startedAt !== undefined ? { started_at: patch.startedAt } : {}),
          ...(patch.finishedAt !== undefined ? { finished_at: patch.finishedAt } : {}),
          ...(patch.error !== undefined ? { error: patch.error } : {}),
        })
        .where("id", "=", id);
      if (options.ifStatusIn) query = query.where("status", "in", [...options.ifStatusIn]);
      const row = await query.returningAll().executeTakeFirst();
      if (!row) return false;
      await this.chains.chainJournal(trx, [operationWrite(row)]);
      // The journal head first, then the audit head, as in createOperation.
      for (const entry of options.audit ?? []) await this.chains.appendIn(trx, entry);
      return true;
    });
    if (changed) this.chains.afterWrite();
    return changed;
  }

  async updateStep(operationId: string, index: number, patch: StepPatch, options: StepWriteOptions = {}): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable("operation_steps")
        .set({
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          ...(patch.startedAt !== undefined ? { started_at: patch.startedAt } : {}),
          ...(patch.finishedAt !== undefined ? { finished_at: patch.finishedAt } : {}),
          ...(patch.output !== undefined ? { output: patch.output === null ? null : toJsonText(patch.output) } : {}),
          ...(patch.error !== undefined ? { error: patch.error } : {}),
          ...(patch.progress !== undefined ? { progress: patch.progress === null ? null : toJsonText(patch.progress) } : {}),
        })
        .where("operation_id", "=", operationId)
        .where("idx", "=", index)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new AppError("not_found", "No such operation step.", `step ${index} of operation ${operationId} not found`);
      await this.chains.chainJournal(trx, [stepWrite(row)]);
      for (const entry of options.audit ?? []) await this.chains.appendIn(trx, entry);
    });
    this.chains.afterWrite();
  }

  async recordSettled(id: string, settledAt: string): Promise<boolean> {
    if (Number.isNaN(Date.parse(settledAt))) throw new AppError("invalid", "Not a time.", `settledAt ${settledAt}`);
    const changed = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable("operations")
        .set({ settled_at: new Date(settledAt).toISOString(), updated_at: this.iso() })
        .where("id", "=", id)
        .where("status", "=", "succeeded")
        .where("settled_at", "is", null)
        .returningAll()
        .executeTakeFirst();
      if (row) await this.chains.chainJournal(trx, [operationWrite(row)]);
      return row !== undefined;
    });
    if (changed) this.chains.afterWrite();
    return changed;
  }

  async getOperation(id: string): Promise<Operation | null> {
    const row = await this.db.selectFrom("operations").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) return null;
    const steps = await this.db.selectFrom("operation_steps").selectAll().where("operation_id", "=", id).orderBy("idx").execute();
    return toOperation(row, steps);
  }

  async getOperationStatus(id: string): Promise<OperationStatus | null> {
    const row = await this.db.selectFrom("operations").select("status").where("id", "=", id).executeTakeFirst();
    return row ? checkedStatus(row.status, OPERATION_STATUSES, "operation") : null;
  }

  async listOperations(filter: OperationFilter = {}): Promise<Operation[]> {
    let query = this.db.selectFrom("operations").selectAll();
    if (filter.appId !== undefined) query = query.where("app_id", "=", filter.appId);
    if (filter.status !== undefined) {
      const statuses = statusList(filter.status);
      if (statuses.length === 0) return [];
      query = query.where("status", "in", statuses);
    }
    if (filter.actorEmail !== undefined) query = query.where(contains(this.core.dialect, "actor", canonicalFieldNeedle("email", filter.actorEmail)));
    if (filter.intentKind !== undefined) {
      const kinds = listOf(filter.intentKind);
      if (kinds.length === 0) return [];
      query = query.where((eb) => eb.or(kinds.map((kind) => contains(this.core.dialect, "intent", canonicalFieldNeedle("kind", kind)))));
    }
    if (filter.since !== undefined) query = query.where("created_at", ">=", filter.since);
    if (filter.until !== undefined) query = query.where("created_at", "<", filter.until);
    const rows = await query
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(clampLimit(filter.limit, 50, 500))
      .execute();
    return this.withSteps(rows);
  }

  /** The operations of `rows` with their steps, read through `db` (a transaction when given one). */
  private async withSteps(rows: Selectable<OperationsTable>[], db: Kysely<Database> = this.db): Promise<Operation[]> {
    if (rows.length === 0) return [];
    const steps = await db
      .selectFrom("operation_steps")
      .selectAll()
      .where(
        "operation_id",
        "in",
        rows.map((r) => r.id),
      )
      .orderBy("operation_id")
      .orderBy("idx")
      .execute();
    const byOperation = new Map<string, Selectable<OperationStepsTable>[]>();
    for (const step of steps) {
      const list = byOperation.get(step.operation_id) ?? [];
      list.push(step);
      byOperation.set(step.operation_id, list);
    }
    return rows.map((row) => toOperation(row, byOperation.get(row.id) ?? []));
  }

  async markRunningInterrupted(options: InterruptOptions = {}): Promise<Operation[]> {
    const liveAt = options.nowMs === undefined ? null : new Date(options.nowMs).toISOString();
    const changed = await this.db.transaction().execute(async (trx) => {
      let query = trx
        .updateTable("operations")
        .set({
          status: "interrupted",
          updated_at: this.iso(),
          error: "The server stopped while this operation was running.",
        })
        .where("status", "in", [...ACTIVE_STATUSES]);
      if (liveAt !== null) {
        query = query.where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("locks").select("locks.app_id").whereRef("locks.holder", "=", "operations.id").where("locks.lease_expires_at", ">", liveAt),
            ),
          ),
        );
      }
      const rows = await query.returningAll().execute();
      await this.chains.chainJournal(trx, rows.map(operationWrite));
      if (options.audit) {
        const auditOf = options.audit;
        for (const op of await this.withSteps(rows, trx)) await this.chains.appendIn(trx, auditOf(op));
      }
      return rows;
    });
    if (changed.length === 0) return [];
    this.chains.afterWrite();
    const rows = await this.db
      .selectFrom("operations")
      .selectAll()
      .where(
        "id",
        "in",
        changed.map((r) => r.id),
      )
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .execute();
    return this.withSteps(rows);
  }
}

function toOperation(row: Selectable<OperationsTable>, steps: Selectable<OperationStepsTable>[]): Operation {
  return {
    id: row.id,
    appId: row.app_id,
    pattern: row.pattern as PatternId,
    intent: parseJson<Intent>(row.intent),
    summary: row.summary,
    status: checkedStatus(row.status, OPERATION_STATUSES, "operation"),
    actor: parseJson<Actor>(row.actor),
    reason: row.reason,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    steps: steps.map(toStep),
    ...(row.plan_before !== null ? { before: parseJson<PlanEnds>(row.plan_before) } : {}),
    ...(row.plan_after !== null ? { after: parseJson<PlanEnds>(row.plan_after) } : {}),
    ...(row.settled_at !== null ? { settledAt: row.settled_at } : {}),
  };
}

function toStep(row: Selectable<OperationStepsTable>): OperationStep {
  return {
    index: row.idx,
    id: row.step_id,
    title: row.title,
    ...(row.call !== null ? { call: parseJson<AwsCall>(row.call) } : {}),
    ...(row.wait !== null ? { wait: parseJson<WaitCondition>(row.wait) } : {}),
    status: checkedStatus(row.status, STEP_STATUSES, "step"),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    output: parseNullableJson<JsonValue>(row.output),
    error: row.error,
    ...(row.skip_if !== null ? { skipIf: parseJson<WaitCondition>(row.skip_if) } : {}),
    ...(row.progress !== null ? { progress: parseJson<StepProgress>(row.progress) } : {}),
  };
}
