import type { AppSummary } from "@/lib/domain/snapshot";
import type { PatternId } from "@/lib/domain/basics";
import { isActiveStatus, isUnsuccessfulStatus } from "@/lib/domain/operation-status";

export type AppCondition = "running" | "alarm" | "attention" | "healthy";

export const CONDITION_LABEL: Record<AppCondition, string> = {
  running: "Running operation",
  alarm: "Alarm",
  attention: "Needs attention",
  healthy: "Healthy",
};

/** Observed and configured shares further apart than this read as a split that has not taken. */
const DRIFT_POINTS = 10;

/**
 * What an application's card says about it, for the overview filter:
 * - running: an operation is pending or running;
 * - alarm: its state cannot be read, a colour has unhealthy instances or tasks (or none healthy), or
 *   green is failing (its 5xx rate against blue's);
 * - attention: the last operation failed, was interrupted, aborted or preempted; traffic is left
 *   split between the colours with nothing running; the observed share drifts from the configured one;
 *   or AWS differs from the end state of Teal's last successful operation;
 *   or green is slower than blue;
 * - healthy: none of the above.
 * An application can be in several at once (running and in alarm).
 */
export function appConditions(app: AppSummary): Set<AppCondition> {
  const out = new Set<AppCondition>();
  const status = app.operation?.status;
  const running = isActiveStatus(status);
  if (running) out.add("running");
  const sick =
    app.health !== null &&
    (["blue", "green"] as const).some((c) => {
      const h = app.health?.[c];
      return h !== undefined && (h.unhealthy > 0 || (c === "blue" && h.healthy === 0 && (app.configuredGreenPercent ?? 0) < 100));
    });
  if (app.error !== null || sick) out.add("alarm");
  // A failing green is an alarm though every health check passes; a slower one needs attention.
  if (app.greenVerdict?.status === "failing") out.add("alarm");
  if (app.greenVerdict?.status === "slower") out.add("attention");
  const badLast = isUnsuccessfulStatus(status);
  const split = app.configuredGreenPercent;
  // A rolling update's "split" is its progress: half-way is normal while it runs, and it has no observed share.
  const leftSplit = !running && app.pattern !== "ecs-rolling" && split !== null && split > 0 && split < 100;
  const drift = !running && split !== null && app.observedGreenPercent !== null && Math.abs(app.observedGreenPercent - split) >= DRIFT_POINTS;
  if (badLast || leftSplit || drift || app.drift) out.add("attention");
  if (out.size === 0) out.add("healthy");
  return out;
}

export interface OverviewFilter {
  pattern: PatternId | "all";
  condition: AppCondition | "all";
}

export function filterApps(apps: readonly AppSummary[], filter: OverviewFilter): AppSummary[] {
  return apps.filter(
    (a) => (filter.pattern === "all" || a.pattern === filter.pattern) && (filter.condition === "all" || appConditions(a).has(filter.condition)),
  );
}
