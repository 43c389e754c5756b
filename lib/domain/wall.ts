/** What the wall monitor polls besides /api/apps: per-application progress and alarms. */

import type { OperationStatus } from "./types";
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

export interface WallAppDetail {
  appId: string;
  /** The running (or interrupted) operation; null when nothing is in flight. */
  operation: WallOperation | null;
  alarms: WallAlarm[];
  /** Whether traffic has followed the last operation since its calls ended (draining / settled); null when it has no such phase. */
  settle?: TrafficSettle | null;
}

export interface WallSnapshot {
  apps: WallAppDetail[];
  generatedAt: string;
}
