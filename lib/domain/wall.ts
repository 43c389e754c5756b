/** What the wall monitor polls besides /api/apps: per-application progress, alarms, health and 5xx. */

import type { Color } from "./basics";
import type { OperationStatus } from "./operation-status";
import type { TrafficSettle } from "./traffic-settle";

export type WallAlarmSeverity = "critical" | "warning";

export interface WallAlarm {
  /** Stable per kind and colour, e.g. "green-down", so the wall keeps its layout between polls. */
  id: string;
  severity: WallAlarmSeverity;
  /** Short, readable from across the room: "Green is down (0 of 2 healthy)". */
  text: string;
}

export interface WallOperation {
  id: string;
  status: OperationStatus;
  summary: string;
  actorEmail: string;
  /** 1-based number of the step in progress (or the last one reached); 0 when the plan has no steps. */
  step: number;
  steps: number;
  stepTitle: string | null;
}

/**
 * One colour's capacity in words, from each instance's (or task's) lifecycle and load-balancer
 * state, so a planned transition reads as one: instances registering during a rollback step are
 * "starting", not "down"; deregistering ones are "draining"; Auto Scaling standby is "standby".
 */
export type WallHealthWord = "healthy" | "degraded" | "down" | "starting" | "draining" | "standby" | "none" | "unknown";

export interface WallColorHealth {
  word: WallHealthWord;
  /** Serving (healthy behind the load balancer) out of every instance or task of the colour. */
  healthy: number;
  total: number;
  /** Registering, launching, or waiting for their first health checks. */
  starting: number;
  /** Deregistering, terminating, detaching or entering standby. */
  leaving: number;
  /** In Auto Scaling standby: kept warm, out of the load balancer. */
  standby: number;
  /** Failing their health checks (not explained by a transition). */
  unhealthy: number;
}

/**
 * Each colour's 5xx rate minute by minute over the last minutes (null: no requests that minute, a
 * gap rather than a zero), or why there is no per-colour reading for this application.
 */
export type WallErrorRates =
  { kind: "per-color"; minutes: number; endMs: number; blue: (number | null)[]; green: (number | null)[] } | { kind: "none"; text: string };

export interface WallAppDetail {
  appId: string;
  /** The running (or interrupted) operation; null when nothing is in flight. */
  operation: WallOperation | null;
  alarms: WallAlarm[];
  /** Whether traffic has followed the last operation since its calls ended (draining / settled); null when it has no such phase. */
  settle?: TrafficSettle | null;
  /** Per colour, from the last good read; null when the application was never read. */
  health?: Record<Color, WallColorHealth> | null;
  /** For the per-colour error sparkline; absent when the application was never read. */
  errors?: WallErrorRates;
  /** CloudWatch could not be read with this state: the tile says so where the 5xx line would be. */
  metricsUnavailable?: true;
}

export interface WallSnapshot {
  apps: WallAppDetail[];
  generatedAt: string;
}
