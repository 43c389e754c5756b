/**
 * The delivery outcomes as Prometheus gauges: computed from the journal when /metrics is scraped,
 * at most once a minute (a scrape every few seconds must not read 30 days of operations each time).
 */
import {
  outcomeChangeFailureRatio,
  outcomeChanges,
  outcomeChangesRolledBack,
  outcomeDetectSeconds,
  outcomeRollbackSeconds,
} from "@/lib/telemetry/teal-metrics";
import type { Gauge } from "@/lib/telemetry/metrics";
import { outcomeReport, type OperationLister } from "./outcomes";

/** The window of the exported figures, in days. */
export const METRIC_WINDOW_DAYS = 30;
const EVERY_MS = 60_000;

let computedAt = 0;
let computing: Promise<void> | null = null;

function setOrDrop(g: Gauge, values: { app: string; value: number | null }[]): void {
  g.collect(() => values.flatMap(({ app, value }) => (value === null ? [] : [{ labels: { app }, value }])));
}

/** Recomputes the gauges when the last computation is a minute old (`force` for tests). */
export async function publishOutcomeMetrics(
  store: OperationLister,
  appIds: readonly string[],
  options: { now?: number; force?: boolean } = {},
): Promise<void> {
  const now = options.now ?? Date.now();
  if (!options.force && now - computedAt < EVERY_MS) return;
  computing ??= (async () => {
    try {
      const report = await outcomeReport(store, appIds, METRIC_WINDOW_DAYS, { now });
      // Configured applications only: label values come from a closed set.
      const per = (pick: (o: (typeof report.perApp)[number]) => number | null) =>
        report.perApp.filter((o) => appIds.includes(o.appId)).map((o) => ({ app: o.appId, value: pick(o) }));
      setOrDrop(
        outcomeChanges,
        per((o) => o.changes),
      );
      setOrDrop(
        outcomeChangesRolledBack,
        per((o) => o.failedChanges),
      );
      setOrDrop(
        outcomeChangeFailureRatio,
        per((o) => o.changeFailureRate),
      );
      setOrDrop(
        outcomeDetectSeconds,
        per((o) => o.medianDetectSeconds),
      );
      setOrDrop(
        outcomeRollbackSeconds,
        per((o) => o.medianRollbackSeconds),
      );
      computedAt = now;
    } finally {
      computing = null;
    }
  })();
  await computing;
}
