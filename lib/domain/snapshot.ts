/**
 * What the pages read: chart series and markers, the pattern description, the polled snapshot and the overview summary.
 */

import type { AppState, Drift } from "./app-state";
import type { Color, PatternId } from "./basics";
import type { AppFigures } from "./figures";
import type { GreenVerdict } from "./green-verdict";
import type { IntentKind } from "./intent";
import type { Operation } from "./operation";
import type { OperationStatus } from "./operation-status";
import type { TrafficSettle } from "./traffic-settle";

/**
 * How often the console's pages (the overview, the wall, an application page) ask the server for
 * what they show. The server reads an application when a page asks and its data is older than its
 * refresh interval, so a refresh comes up to one poll after its interval.
 */
export const PAGE_POLL_MS = 5_000;

/** Metric series for charts: one per (metric, statistic, colour). */
export interface MetricSeries {
  id: string;
  metric: string;
  stat: string;
  /**
   * The colour the series measures; null when it measures a load balancer both colours share
   * (asg-swap, launch-swap behind one classic ELB): CloudWatch has no per-colour split there.
   */
  color: Color | null;
  unit: "Seconds" | "Count" | "Percent";
  points: { t: number; v: number }[];
  /** With `color: null`: what AWS reports as a whole for both colours (the chart says so). */
  sharedBy?: "load-balancer" | "target-group";
}

export interface OperationMarker {
  id: string;
  at: number;
  actor: string;
  summary: string;
  reason: string;
  status: OperationStatus;
}

export interface RiskReview {
  applicationIssues: string;
  performance: string;
  peopleProcess: string;
  infrastructureFailure: string;
  rollback: string;
  cost: string;
}

/** What a pattern is and what its controls mean (shown beside the controls). */
export interface PatternDescription {
  id: PatternId;
  name: string;
  /** What the traffic slider moves, in the user's words; null when the pattern has no slider (ecs-rolling). */
  slider: string | null;
  /** The slider snaps to multiples of this many percent at best (state.granularityPercent is the live value). */
  granularityPercent: number;
  intents: IntentKind[];
  risks: RiskReview;
}

/** What the polled snapshot route returns for one application. */
export interface AppSnapshot {
  app: { id: string; name: string; pattern: PatternId; region: string };
  pattern: PatternDescription;
  state: AppState;
  metrics: { rangeMinutes: number; series: MetricSeries[] };
  markers: OperationMarker[];
  /** The application's running (or interrupted) operation, if any; else the last one. */
  operation: Operation | null;
  generatedAt: string;
  /** AWS no longer matches the end state of the last successful operation (null: it does, or no verdict). */
  drift?: Drift | null;
  /** Green compared with blue over the last minutes (5xx rate, latency), from the series above. */
  greenVerdict: GreenVerdict;
  /** Whether traffic has followed `operation` since its calls ended (draining / settled); null when it has no such phase. */
  settle?: TrafficSettle | null;
  /** How old the AWS read was when the server answered (ms, on the server's clock). */
  dataAgeMs?: number;
  /** How often the server reads this application now (ms): the fast interval while its page is open. */
  refreshMs?: number;
  /** Why the server could not refresh the AWS read (user-safe), when it answers with an older one. */
  readError?: string | null;
  /**
   * Why CloudWatch could not be read with this state (user-safe): the state and the controls are
   * current, the charts, the observed share and the green verdict are not. Null or absent when it was.
   */
  metricsError?: string | null;
}

/** One application on the overview (GET /api/apps). */
export interface AppSummary {
  id: string;
  name: string;
  pattern: PatternId;
  region: string;
  configuredGreenPercent: number | null;
  observedGreenPercent: number | null;
  health: Record<Color, { healthy: number; unhealthy: number }> | null;
  operation: Pick<Operation, "id" | "status" | "summary" | "intent" | "actor" | "createdAt"> | null;
  /** How old the AWS data above was when this answer was made (ms); null when none could be read. */
  dataAgeMs: number | null;
  /**
   * How old `health` is (ms), when an idle refresh took it from an earlier read than the rest
   * (load balancer health is read every TEAL_IDLE_HEALTH_EVERY idle refreshes). Absent: as old as the rest.
   */
  healthAgeMs?: number;
  /**
   * How often the server reads this application now (ms): the fast interval while its page is open
   * or an operation runs, the idle one otherwise. Its data is late only once older than this.
   */
  refreshMs?: number;
  /** Set when this application's state could not be read (user-safe text); the data above is then the last good read. */
  error: string | null;
  /**
   * With `error`, what kind of failure: "late" when the read was held back by Teal's read budget,
   * throttled by AWS, or not answered in time (its data is late; AWS reported nothing wrong with the
   * application), "failed" when AWS answered it with an error. Absent without an error.
   */
  errorKind?: "late" | "failed";
  /** AWS no longer matches the end state of the last successful operation (null: it does, or no verdict). */
  drift?: Drift | null;
  /** Green compared with blue over the last minutes, from the same read; absent when never read. */
  greenVerdict?: GreenVerdict;
  /** Whether traffic has followed `operation` since its calls ended (draining / settled); null when it has no such phase. */
  settle?: TrafficSettle | null;
  /** The minutes `observedGreenPercent` covers ("last 3 min"). */
  observedWindowMinutes?: number;
  /** The traffic and health figures, derived from the same read as the app page's (lib/domain/figures). */
  figures?: AppFigures;
}
