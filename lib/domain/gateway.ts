/**
 * The one port through which the engine makes AWS calls and evaluates waits (lib/aws implements it).
 */

import type { JsonValue } from "./basics";
import type { AwsCall, WaitCondition } from "./plan";
import type { MetricRef } from "./progressive";

/** CloudWatch series to read for the engine (a progressive delivery's traffic and judge), by an id of the caller's. */
export interface MetricRead {
  region?: string;
  assumeRoleOf?: string;
  periodS: number;
  /** [startMs, endMs), on period boundaries. */
  startMs: number;
  endMs: number;
  /** Ids match CloudWatch's rule for query ids: a lowercase letter, then letters, digits, "_". */
  series: Record<string, MetricRef>;
}

/** What the SDK reports about one call: its attempts (1 + retries) and the total retry delay. */
export interface AwsCallInfo {
  attempts: number;
  totalRetryDelayMs: number;
}

/** Executes AWS calls and evaluates wait conditions; implemented by lib/aws, faked in engine unit tests. */
export interface AwsGateway {
  /**
   * `observe` (optional) learns how many HTTP attempts the SDK made, retries included, success or
   * not. `signal` cancels the call: the attempt on the wire is dropped and no retry is sent.
   */
  call(call: AwsCall, observe?: (info: AwsCallInfo) => void, options?: { signal?: AbortSignal }): Promise<JsonValue>;
  /**
   * The longest one `call` can be in flight, every SDK attempt and backoff included (ms), from the
   * clients' configuration; absent when unknown (then a rollback does not wait for one).
   */
  readonly inFlightBoundMs?: number;
  /** How `inFlightBoundMs` is made up, in words. */
  readonly inFlightBound?: string;
  /** One poll of a wait condition; `stepOutput` is the output of the same step's call (if any). */
  check(wait: WaitCondition, stepOutput: JsonValue | null): Promise<{ done: boolean; detail: string }>;
  /**
   * Reads CloudWatch series (oldest point first, by the read's ids); absent where no metrics can
   * be read (then a progressive delivery's waits fail with a plain reason).
   */
  readMetrics?(read: MetricRead): Promise<Record<string, { t: number; v: number }[]>>;
}
