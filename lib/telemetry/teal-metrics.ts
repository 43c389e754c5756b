/**
 * Teal's metrics, named once here (Prometheus conventions: the `teal_` prefix, `_total` for
 * counters, `_seconds` and base units for durations). Label values come from closed sets (a
 * pattern, an outcome, an AWS service and operation, a configured application), never from a
 * request, so no caller can grow the number of series.
 */
import { counter, gauge, histogram } from "./metrics";

/** Seconds: from a quick AWS read to a slow rollout. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export const operationsStarted = counter("teal_operations_started_total", "Operations started or resumed by this server, by pattern and intent.");

export const operationsFinished = counter(
  "teal_operations_total",
  "Operations this server ran to an end, by pattern, intent and outcome (succeeded, failed, aborted, preempted, interrupted).",
);

export const rollbackDuration = histogram(
  "teal_rollback_duration_seconds",
  "Time from a rollback's start (or resume) on this server to its outcome, by outcome.",
  DURATION_BUCKETS,
);

export const awsRequests = counter(
  "teal_aws_requests_total",
  "HTTP requests to AWS (every SDK attempt, as AWS counts them), by service, operation, Region and outcome (ok, throttled, error).",
);

export const awsThrottles = counter("teal_aws_throttles_total", "AWS requests answered with a throttling error, by service and Region.");

export const refreshDuration = histogram(
  "teal_refresh_duration_seconds",
  "Time to read one application's state (and its metrics) from AWS for the pages, by outcome (ok, error).",
  DURATION_BUCKETS,
);

export const snapshotAge = gauge(
  "teal_snapshot_age_seconds",
  "Age of the last good read of each application this server serves (seconds since it was read).",
);

export const readyChecks = gauge("teal_ready_check", "1 when the readiness check of that kind last passed, 0 when it failed.");

// Delivery outcomes over the last 30 days, per configured application, from the operations journal
// (definitions in lib/domain/outcomes.ts); computed when /metrics is scraped, at most once a minute.
export const outcomeChanges = gauge(
  "teal_changes",
  "Changes (shifts raising green's share, promotes, deploys) started in the last 30 days, by application.",
);
export const outcomeChangesRolledBack = gauge(
  "teal_changes_rolled_back",
  "Of the changes started in the last 30 days, those a rollback followed before the next change, by application.",
);
export const outcomeChangeFailureRatio = gauge(
  "teal_change_failure_ratio",
  "Changes rolled back / changes started in the last 30 days, by application (absent with no change).",
);
export const outcomeDetectSeconds = gauge(
  "teal_time_to_detect_median_seconds",
  "Median time from a rolled-back change's start to its rollback's start, last 30 days, by application.",
);
export const outcomeRollbackSeconds = gauge(
  "teal_time_to_rollback_median_seconds",
  "Median time from a rollback's start to its successful end, last 30 days, by application.",
);

export const webhookAttempts = counter(
  "teal_webhook_attempts_total",
  "Webhook delivery attempts this server made, by outcome (ok, http_error, timeout, connection, error).",
);

export const webhookDeliveries = counter("teal_webhook_deliveries_total", "Webhook deliveries this server ended, by status (delivered, given_up).");
