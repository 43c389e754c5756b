/**
 * What the engine tells the people running Teal: each operation's start and outcome in the log
 * (a failed one at level error, with the step's user-safe message) and in the metrics (operations
 * by pattern, intent and outcome; how long rollbacks take).
 */
import { logger } from "@/lib/telemetry/log";
import { operationsFinished, operationsStarted, rollbackDuration } from "@/lib/telemetry/teal-metrics";
import type { Job, Run, Stop } from "./context";

export type RunOutcome = "succeeded" | "failed" | "aborted" | "preempted" | "interrupted";

export function outcomeOfStop(stop: Stop): RunOutcome {
  switch (stop.kind) {
    case "abort":
      return "aborted";
    case "preempt":
      return "preempted";
    case "lost-lock":
      return "failed";
    case "shutdown":
      return "interrupted";
    case "external":
      return stop.status === "aborted" ? "aborted" : stop.status === "interrupted" ? "interrupted" : "failed";
  }
}

export function reportStarted(run: Run, job: Job): void {
  operationsStarted.inc({ pattern: job.pattern, intent: job.intent.kind });
  logger.info(job.resumed ? "operation.resumed" : "operation.started", {
    operationId: run.operationId,
    appId: run.appId,
    pattern: job.pattern,
    intent: job.intent.kind,
    fromStep: job.from,
    actor: job.actor.email,
  });
}

/** `detail`: the failure's or the stop's user-safe words; `ms`: from the run's start here to its outcome. */
export function reportOutcome(run: Run, job: Job, outcome: RunOutcome, detail: string | null, ms: number): void {
  const labels = { pattern: job.pattern, intent: job.intent.kind };
  operationsFinished.inc({ ...labels, outcome });
  if (job.intent.kind === "rollback") rollbackDuration.observe({ outcome }, Math.max(0, ms) / 1000);
  const fields = {
    operationId: run.operationId,
    appId: run.appId,
    ...labels,
    outcome,
    durationMs: Math.round(ms),
    ...(detail ? { error: detail } : {}),
  };
  if (outcome === "succeeded") logger.info("operation.succeeded", fields);
  else if (outcome === "failed") logger.error("operation.failed", fields);
  else logger.warn("operation.stopped", fields);
}
