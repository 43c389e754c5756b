/**
 * Delivery outcomes over a window of days, read from the operations journal (the definitions are
 * in lib/domain/outcomes.ts): what the history page's Outcomes view and the exported metrics show.
 */
import { deliveryOutcomes, fleetOutcomes, type AppOutcomes, type OutcomeWindow } from "@/lib/domain/outcomes";
import type { Operation } from "@/lib/domain/operation";
import type { OperationFilter } from "@/lib/store/journal";

/** The windows the page offers, in days; the first is the default. */
export const OUTCOME_WINDOW_DAYS = [30, 7, 90] as const;
export type OutcomeWindowDays = (typeof OUTCOME_WINDOW_DAYS)[number];

/** The journal's list, as the store offers it (newest first, at most 500 a page). */
export interface OperationLister {
  listOperations(filter?: OperationFilter): Promise<Operation[]>;
}

/** The store's largest page. */
const PAGE = 500;
/** A bound on one computation: 40 pages of 500 operations. Past it, the figures say they are partial. */
const MAX_PAGES = 40;

export interface OutcomeReport {
  window: OutcomeWindow;
  days: number;
  perApp: AppOutcomes[];
  fleet: AppOutcomes;
  /** Operations started in the window. */
  operations: number;
  /** True when the window held more operations than one computation reads (the oldest were left out). */
  partial: boolean;
}

/** Parses the page's `days` parameter: one of the offered windows, else the default. */
export function outcomeDaysOf(value: string | string[] | undefined): OutcomeWindowDays {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return (OUTCOME_WINDOW_DAYS as readonly number[]).includes(n) ? (n as OutcomeWindowDays) : OUTCOME_WINDOW_DAYS[0];
}

/**
 * Reads every operation created in the window (a day before it too: one created just before the
 * window may have started inside it), newest first, page by page.
 */
async function operationsIn(store: OperationLister, window: OutcomeWindow, pageSize: number): Promise<{ operations: Operation[]; partial: boolean }> {
  const since = new Date(Date.parse(window.since) - 86_400_000).toISOString();
  const seen = new Set<string>();
  const operations: Operation[] = [];
  let until = window.until;
  let partial = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const rows = await store.listOperations({ since, until, limit: pageSize });
    let added = 0;
    for (const op of rows) {
      if (seen.has(op.id)) continue;
      seen.add(op.id);
      operations.push(op);
      added += 1;
    }
    if (rows.length < pageSize) return { operations, partial };
    // The next page: created before the oldest of this one. Rows created in that same millisecond
    // come again (the bound is moved 1 ms later) and are skipped by id. A page that brought nothing
    // new is a millisecond with more operations than a page holds: the rest of it is left out (the
    // figures say they are partial) and the reading goes on before it.
    const last = rows.at(-1);
    if (!last) return { operations, partial };
    const oldest = Date.parse(last.createdAt);
    if (added === 0) partial = true;
    until = new Date(added === 0 ? oldest : oldest + 1).toISOString();
  }
  return { operations, partial: true };
}

/** The outcomes of the last `days` days before `now`, per configured application and for the fleet. */
export async function outcomeReport(
  store: OperationLister,
  appIds: readonly string[],
  days: number,
  options: { now?: number; pageSize?: number } = {},
): Promise<OutcomeReport> {
  const now = options.now ?? Date.now();
  const window: OutcomeWindow = { since: new Date(now - days * 86_400_000).toISOString(), until: new Date(now).toISOString() };
  const { operations, partial } = await operationsIn(store, window, options.pageSize ?? PAGE);
  return {
    window,
    days,
    perApp: deliveryOutcomes(operations, window, appIds),
    fleet: fleetOutcomes(operations, window),
    operations: operations.filter((op) => op.startedAt !== null && op.startedAt >= window.since && op.startedAt < window.until).length,
    partial,
  };
}
