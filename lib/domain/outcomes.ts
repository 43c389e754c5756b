/**
 * Delivery outcomes as numbers, per application, from the operations journal: how often a change
 * had to be rolled back (change failure rate), how long a bad change took traffic before someone
 * (or something) acted (time to detect), and how long the rollback took (time to roll back).
 * Pure: the history page and the exported metrics compute them the same way.
 *
 * The definitions, written for people who read the numbers at a review:
 * - A **change** is an operation that started and moved traffic or capacity towards the new
 *   version: a shift that raises green's share, a promote, an ECS revision deployed, a progressive
 *   run. Standby, scaling and rollbacks are not changes.
 * - A change **failed** when a rollback of the same application started after it started and
 *   before the next change started. The rollback is counted against the latest change before it.
 * - **Time to detect** is from the failed change's start to that rollback's start.
 * - **Time to roll back** is from a rollback's start to its successful end (rollbacks that did not
 *   succeed are counted, not timed).
 */
import type { Operation } from "./operation";

/** Intent kinds that move traffic or capacity towards green. A shift counts only when it raises green's share. */
export const CHANGE_INTENT_KINDS = ["shift", "promote", "deploy-revision", "progressive"] as const;

export interface AppOutcomes {
  appId: string;
  /** Changes started in the window. */
  changes: number;
  /** Of those, the ones a rollback followed before the next change. */
  failedChanges: number;
  /** failedChanges / changes, or null with no change. */
  changeFailureRate: number | null;
  /** Rollbacks started in the window. */
  rollbacks: number;
  /** Of those, the ones that succeeded. */
  rollbacksSucceeded: number;
  /** Median seconds from a failed change's start to its rollback's start; null with none. */
  medianDetectSeconds: number | null;
  /** Median seconds from a rollback's start to its successful end; null with none. */
  medianRollbackSeconds: number | null;
  /** Start of the newest rollback in the window (ISO), or null. */
  lastRollbackAt: string | null;
}

export interface OutcomeWindow {
  /** ISO time: operations started at or after it count. */
  since: string;
  /** ISO time: operations started before it count. */
  until: string;
}

function ms(iso: string): number {
  return Date.parse(iso);
}

/** Whether an operation is a change (see the definitions above). */
export function isChange(op: Operation): boolean {
  const kind: string = op.intent.kind;
  if (!(CHANGE_INTENT_KINDS as readonly string[]).includes(kind)) return false;
  if (op.intent.kind !== "shift") return true;
  // A shift lowering green's share is a step back, not a change; without the journaled ends (old
  // rows), any shift to a share above zero counts.
  if (op.before && op.after) return op.after.greenPercent > op.before.greenPercent;
  return op.intent.greenPercent > 0;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

type Started = Operation & { startedAt: string };

function startedIn(op: Operation, window: OutcomeWindow): op is Started {
  return op.startedAt !== null && ms(op.startedAt) >= ms(window.since) && ms(op.startedAt) < ms(window.until);
}

/** What one application's operations add up to, before medians and rates. */
interface Tally {
  changes: number;
  failedChanges: number;
  detectSeconds: number[];
  rollbacks: number;
  rollbackSeconds: number[];
  lastRollbackAt: string | null;
}

function tally(ops: readonly Started[]): Tally {
  const byStart = [...ops].sort((a, b) => ms(a.startedAt) - ms(b.startedAt) || a.id.localeCompare(b.id));
  const changes = byStart.filter(isChange);
  const rollbacks = byStart.filter((op) => op.intent.kind === "rollback");
  const detectSeconds: number[] = [];
  changes.forEach((change, i) => {
    const from = ms(change.startedAt);
    const next = changes[i + 1];
    const to = next ? ms(next.startedAt) : Number.POSITIVE_INFINITY;
    const rollback = rollbacks.find((r) => ms(r.startedAt) >= from && ms(r.startedAt) < to);
    if (rollback) detectSeconds.push((ms(rollback.startedAt) - from) / 1000);
  });
  const rollbackSeconds = rollbacks.flatMap((r) =>
    r.status === "succeeded" && r.finishedAt !== null ? [(ms(r.finishedAt) - ms(r.startedAt)) / 1000] : [],
  );
  return {
    changes: changes.length,
    failedChanges: detectSeconds.length,
    detectSeconds,
    rollbacks: rollbacks.length,
    rollbackSeconds,
    lastRollbackAt: rollbacks.at(-1)?.startedAt ?? null,
  };
}

function outcomesOf(appId: string, t: Tally): AppOutcomes {
  return {
    appId,
    changes: t.changes,
    failedChanges: t.failedChanges,
    changeFailureRate: t.changes === 0 ? null : t.failedChanges / t.changes,
    rollbacks: t.rollbacks,
    rollbacksSucceeded: t.rollbackSeconds.length,
    medianDetectSeconds: median(t.detectSeconds),
    medianRollbackSeconds: median(t.rollbackSeconds),
    lastRollbackAt: t.lastRollbackAt,
  };
}

function startedByApp(operations: readonly Operation[], window: OutcomeWindow, appIds: readonly string[]): Map<string, Started[]> {
  const byApp = new Map<string, Started[]>();
  for (const id of appIds) byApp.set(id, []);
  for (const op of operations) {
    if (!startedIn(op, window)) continue;
    const list = byApp.get(op.appId) ?? [];
    list.push(op);
    byApp.set(op.appId, list);
  }
  return byApp;
}

/**
 * The outcomes of each application that has an operation in the window, and of every application
 * named in `appIds` (with zeros), in the order of `appIds` and then by id.
 */
export function deliveryOutcomes(operations: readonly Operation[], window: OutcomeWindow, appIds: readonly string[] = []): AppOutcomes[] {
  const byApp = startedByApp(operations, window, appIds);
  const order = [...appIds, ...[...byApp.keys()].filter((id) => !appIds.includes(id)).sort()];
  return order.map((appId) => outcomesOf(appId, tally(byApp.get(appId) ?? [])));
}

/**
 * The fleet's figures (`appId` "*"): counts added up, medians taken over every application's
 * pairs at once (medians do not add up). A rollback never counts against another application's change.
 */
export function fleetOutcomes(operations: readonly Operation[], window: OutcomeWindow): AppOutcomes {
  const tallies = [...startedByApp(operations, window, []).values()].map(tally);
  const all: Tally = {
    changes: tallies.reduce((s, t) => s + t.changes, 0),
    failedChanges: tallies.reduce((s, t) => s + t.failedChanges, 0),
    detectSeconds: tallies.flatMap((t) => t.detectSeconds),
    rollbacks: tallies.reduce((s, t) => s + t.rollbacks, 0),
    rollbackSeconds: tallies.flatMap((t) => t.rollbackSeconds),
    lastRollbackAt: tallies
      .map((t) => t.lastRollbackAt)
      .reduce<string | null>((newest, at) => (at !== null && (newest === null || ms(at) > ms(newest)) ? at : newest), null),
  };
  return outcomesOf("*", all);
}
