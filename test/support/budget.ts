/**
 * Test support for the suites that run operations under the AWS budget: waiting for an operation's
 * end in the journal, an application of the runtime's config by id, and the budget's counters
 * between two readings.
 */
import type { BudgetCounters } from "@/lib/aws/read-budget";
import type { AppConfig } from "@/lib/config/schema";
import { isInFlightStatus } from "@/lib/domain/operation-status";
import type { Runtime } from "@/lib/runtime/runtime";
import type { Store } from "@/lib/store/store";

/** Polls the journal every 50 ms until the operation is no longer in flight; its final status. */
export async function runToEnd(store: Store, operationId: string): Promise<string> {
  for (;;) {
    const op = await store.getOperation(operationId);
    if (op && !isInFlightStatus(op.status)) return op.status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The configured application `id`; throws when the config has none. */
export function configuredApp(rt: Runtime, id: string): AppConfig {
  const found = rt.app(id);
  if (!found) throw new Error(`${id} is not in the config`);
  return found;
}

/** The budget's counters from `before` to `after` (the longest wait is kept as it is, not subtracted). */
export function budgetDiff(after: BudgetCounters, before: BudgetCounters): BudgetCounters {
  const out = { ...after };
  for (const k of Object.keys(out) as (keyof BudgetCounters)[]) if (k !== "maxWaitedMs") out[k] = after[k] - before[k];
  return out;
}
