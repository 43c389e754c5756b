/**
 * Types shared by every layer of Teal. No I/O, no AWS SDK types: lib/aws maps SDK shapes to these.
 */

import type { AppFigures } from "./figures";
import type { GreenVerdict } from "./green-verdict";
import type { TrafficSettle } from "./traffic-settle";

export type Color = "blue" | "green";
export const COLORS: readonly Color[] = ["blue", "green"] as const;

export type PatternId = "dns-weighted" | "asg-swap" | "launch-swap" | "ecs-dns-swap" | "ecs-elb-swap" | "ecs-rolling" | "alb-weighted";

export type Role = "viewer" | "responder" | "operator" | "admin";
export const ROLES: readonly Role[] = ["viewer", "responder", "operator", "admin"] as const;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The AWS services Teal talks to (each maps to one SDK v3 client in lib/aws). */
export type AwsService = "route53" | "elb" | "elbv2" | "autoscaling" | "ecs" | "cloudwatch" | "ec2";

/** One AWS API call as data: previewed in the UI, journaled, executed by lib/aws. */
export interface AwsCall {
  service: AwsService;
  /** The API operation name exactly as AWS spells it, e.g. "ChangeResourceRecordSets". */
  operation: string;
  input: JsonObject;
  /** The application's region; stamped by the action layer (Route 53 ignores it). */
  region?: string;
}

/** A condition the engine polls until it holds or the timeout passes. */
/** A wait condition, stamped with the application's region by the action layer (Route 53 ignores it). */
export type WaitCondition = WaitConditionKind & { region?: string };

export type WaitConditionKind =
  | {
      /** Poll Route 53 GetChange with the ChangeInfo.Id returned by this step's call until INSYNC. */
      kind: "route53-change-insync";
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** Poll classic ELB DescribeInstanceHealth until at least `minInService` instances are InService. */
      kind: "elb-in-service";
      loadBalancerName: string;
      minInService: number;
      /** When given, these instances must be InService (not just a count). */
      instanceIds?: string[];
      /**
       * The Auto Scaling groups the counted instances belong to: each poll aims at no more than
       * their summed desired capacity as it is then (not the count captured at plan time).
       */
      groupNames?: string[];
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /**
       * Auto Scaling group: at least `minInService` instances InService (optionally on a launch
       * config/template), never more than the group's desired capacity read at each poll.
       */
      kind: "asg-in-service";
      groupName: string;
      minInService: number;
      /** Only count instances on this launch configuration name or "lt-id:version". */
      launch?: string;
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** Auto Scaling instances reached a lifecycle state (Standby, InService, Terminated = gone). */
      kind: "asg-instances-state";
      groupName: string;
      instanceIds: string[];
      lifecycleState: string;
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** Traffic source attachment state (DescribeTrafficSources), e.g. InService or Removed. */
      kind: "asg-traffic-source";
      groupName: string;
      identifier: string;
      state: string;
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** ELBv2 target group: at least `minHealthy` healthy targets (or all of `targetIds`). */
      kind: "tg-healthy";
      targetGroupArn: string;
      minHealthy: number;
      targetIds?: string[];
      /** As for elb-in-service: the groups whose current desired capacity caps `minHealthy`. */
      groupNames?: string[];
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** ECS service: PRIMARY deployment COMPLETED, running == desired, optionally on a task definition. */
      kind: "ecs-steady";
      cluster: string;
      service: string;
      taskDefinition?: string;
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** Route 53 weighted records of one name and type carry these weights (by set identifier). */
      kind: "route53-weights";
      hostedZoneId: string;
      recordName: string;
      recordType: string;
      weights: Record<string, number>;
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** An ELBv2 listener's default forward action (or a rule's) weights its target groups so (by ARN). */
      kind: "listener-weights";
      listenerArn: string;
      ruleArn: string | null;
      weights: Record<string, number>;
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /**
       * Run by the engine itself, never by lib/aws: the last step of a rollback that preempted an
       * operation which may still have had an AWS call on the wire. Holds once the engine's clock
       * has passed `untilMs` (the preemption plus `boundMs`, the longest such a call can last)
       * with every `checks[i].holds` true on a look taken after it. Whenever one does not hold, the
       * call of step `checks[i].step` (the rollback's own) is sent again.
       */
      kind: "preempted-calls-settled";
      untilMs: number;
      boundMs: number;
      /** How `boundMs` was reached, in words (journaled with the step). */
      bound: string;
      checks: { step: number; holds: WaitCondition }[];
      timeoutMs: number;
      pollMs: number;
    };

export interface Step {
  /** Stable within the plan, e.g. "change-weights". */
  id: string;
  /** Human title shown in the plan preview and the operation panel. */
  title: string;
  call?: AwsCall;
  wait?: WaitCondition;
  /**
   * Makes a non-idempotent call safe to re-run after a crash: when this condition already holds
   * (e.g. the instances are already in Standby), the engine skips the call and goes on to the wait.
   */
  skipIf?: WaitCondition;
  /**
   * What AWS looks like once the call has been applied (the weights it set). A rollback that
   * preempted an operation with a call still on the wire checks it until that call can no longer
   * land, and sends the call again if AWS moved (see the `preempted-calls-settled` wait).
   */
  holds?: WaitCondition;
}

/** What a person asks of an application: inferred from the one intent schema (./intent). */
export type { Intent, IntentKind } from "./intent";
import type { Intent, IntentKind } from "./intent";

/**
 * Where a plan starts and ends: green's share, and for ecs-rolling the task definition
 * ("family:revision") the service runs, so a later rollback can undo exactly this deploy.
 */
export type PlanEnds = {
  greenPercent: number;
  taskDefinition?: string;
};

export interface Plan {
  appId: string;
  pattern: PatternId;
  intent: Intent;
  /** One line: "Shift green from 0 % to 25 %". */
  summary: string;
  before: PlanEnds;
  after: PlanEnds;
  steps: Step[];
  /**
   * Set when AWS already is the intent's end state (a rollback with all traffic on blue): the plan
   * has no step, and this says so with the figures that show it.
   */
  nothingToDo?: { headline: string; detail: string };
}

/** A plan that cannot be carried out is refused before anything is called. */
export type PlanResult = { ok: true; plan: Plan } | { ok: false; reason: string };

export type HealthState = "healthy" | "unhealthy" | "draining" | "unknown";

export interface InstanceView {
  id: string;
  health: HealthState;
  /** AWS's own state string, e.g. "InService", "OutOfService", "healthy", "RUNNING". */
  state: string;
  description?: string;
  /** Auto Scaling lifecycle state (Pending, InService, Standby, Terminating, …). */
  lifecycle?: string;
  /** Launch configuration name, "lt-…:version", or ECS task definition "family:revision". */
  launch?: string;
  availabilityZone?: string;
  /** "instance" (EC2) or "task" (ECS). Absent means instance. */
  kind?: "instance" | "task";
}

export interface CapacityView {
  desired: number;
  inService: number;
  pending: number;
  standby: number;
  min?: number;
  max?: number;
}

export interface EcsDeploymentView {
  id: string;
  status: string; // PRIMARY | ACTIVE | INACTIVE
  taskDefinition: string; // family:revision
  desired: number;
  pending: number;
  running: number;
  failed: number;
  rolloutState: string | null; // IN_PROGRESS | COMPLETED | FAILED
  rolloutStateReason: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface EcsEventView {
  id: string;
  at: string;
  message: string;
}

export interface EcsServiceView {
  cluster: string;
  service: string;
  taskDefinition: string;
  desired: number;
  running: number;
  pending: number;
  deployments: EcsDeploymentView[];
  /** Newest first, as ECS returns them. */
  events: EcsEventView[];
  circuitBreaker: { enabled: boolean; rollback: boolean } | null;
  /** ACTIVE task definitions of the service's family, newest first ("family:revision"); absent when not read. */
  revisions?: string[];
}

export interface LoadBalancerView {
  kind: "classic" | "alb" | "target-group" | "none";
  name: string;
  dnsName?: string;
  /** The ARN when the plan needs it (an ELBv2 target group for a `tg-healthy` wait). */
  arn?: string;
  /** ALB only: the AWS/ApplicationELB dimension values (ARN suffixes "app/name/id", "targetgroup/name/id"). */
  cloudWatch?: { loadBalancer: string; targetGroup?: string };
}

export interface EnvironmentState {
  color: Color;
  /** Version label: AMI / launch configuration / template version / task definition revision. */
  version: string;
  loadBalancer: LoadBalancerView;
  healthy: number;
  unhealthy: number;
  instances: InstanceView[];
  capacity?: CapacityView;
  /** ECS patterns: the colour's service. */
  ecs?: EcsServiceView;
}

export interface DnsRecordView {
  color: Color;
  name: string;
  type: string;
  setIdentifier: string;
  weight: number;
  ttl: number | null;
  /** Record value or alias target DNS name. */
  target: string;
  /** The whole record set as Route 53 holds it (planners rewrite it exactly). */
  record: RecordSet;
}

export interface DnsState {
  hostedZoneId: string;
  records: DnsRecordView[];
  /** Status of the last change Teal made (from the journal + GetChange), or null if none known. */
  changeStatus: "PENDING" | "INSYNC" | null;
  /** Heuristic: propagation + TTL × caching layers (docs/aws-behaviour.md §9). */
  reactionSeconds: number;
}

export interface AppState {
  appId: string;
  pattern: PatternId;
  observedAt: string;
  environments: Record<Color, EnvironmentState>;
  /** The share the configuration (weights) asks for. */
  configured: { greenPercent: number };
  /** The share measured from each colour's RequestCount over the last minutes; null when no traffic. */
  observed: {
    greenPercent: number | null;
    blueRequests: number;
    greenRequests: number;
    windowMinutes?: number;
    /**
     * What the share is made of: each colour's request count (the default when absent), the
     * instances in service behind one shared load balancer, or nothing ("none": the pattern has no
     * per-colour request count); request counts are measured only with "requests".
     */
    source?: "requests" | "instances" | "none";
  };
  dns?: DnsState;
  /** alb-weighted / ecs-elb with weights: the forward action as configured now. */
  alb?: {
    loadBalancerName: string;
    listenerArn: string;
    ruleArn: string | null;
    weights: Record<Color, number>;
    targetGroupArns: Record<Color, string>;
    stickiness: { enabled: boolean; durationSeconds: number } | null;
    /**
     * The listener's default actions (or the rule's actions) exactly as ELBv2 holds them, in the
     * API's own JSON shape: ModifyListener / ModifyRule replace the list whole, so a planner
     * rewrites only the forward weights and sends everything else back unchanged.
     */
    actions?: JsonObject[];
  };
  /** asg-swap / launch-swap: the Auto Scaling groups and the load balancer as the planners need them. */
  asg?: AsgView;
  /** ecs-rolling: rollout progress replaces the traffic slider. */
  rollout?: {
    state: "IN_PROGRESS" | "COMPLETED" | "FAILED" | "NONE";
    /** Share of running tasks on the PRIMARY deployment's task definition (0–100). */
    progressPercent: number;
    primaryTaskDefinition: string;
    previousTaskDefinition: string | null;
    /**
     * Set while the FAILED rollout the deployment circuit breaker rolled back is still listed:
     * the revision that failed, why, and the revision ECS went back to.
     */
    circuitBreakerRollback?: { failedTaskDefinition: string; failedDeploymentId: string; reason: string | null; rolledBackTo: string } | null;
  };
  /** What the slider can actually do: the share snaps to multiples of this (e.g. 25 with four instances). */
  granularityPercent: number;
  /** Hash of the traffic-relevant state, for optimistic concurrency. */
  version: string;
}

/** What an Auto Scaling group (or one colour of launch-swap) launches instances from. */
export type LaunchSpecView =
  | { kind: "launch-configuration"; name: string }
  | {
      kind: "launch-template";
      id: string;
      name: string;
      /** As configured: a number, $Latest or $Default. */
      version: string;
      /** The version number it resolves to now (instances record this one). */
      resolvedVersion: string;
    };

export interface AsgGroupView {
  name: string;
  desired: number;
  min: number;
  max: number;
  /** What new instances launch from; null when the group names neither a configuration nor a template. */
  launch: LaunchSpecView | null;
  healthCheckType: string;
  /** The application's load balancer on this group (DescribeTrafficSources state); null when not attached. */
  attachment: string | null;
}

export interface AsgView {
  loadBalancer: { kind: "classic"; name: string } | { kind: "target-group"; name: string; arn: string };
  /** asg-swap: each colour's group; launch-swap: the one group under both colours. */
  groups: Record<Color, AsgGroupView>;
  /** asg-swap: green's size while it carries no traffic (config `idleCapacity`). */
  greenIdleCapacity?: number;
  /** launch-swap: what old (blue) and new (green) instances launch from. */
  launches?: Record<Color, LaunchSpecView>;
  /** launch-swap: instances of the group on neither launch (counted in neither colour). */
  strays?: InstanceView[];
  /**
   * The load balancer's health check (HealthyThreshold × Interval gates traffic to an instance
   * brought back); read when a colour keeps instances warm, absent otherwise.
   */
  healthCheck?: { intervalS: number; healthyThreshold: number };
}

export type { OperationStatus, StepStatus } from "./operation-status";
export { TERMINAL_OPERATION_STATUSES } from "./operation-status";
import type { OperationStatus, StepStatus } from "./operation-status";

export interface OperationStep {
  index: number;
  id: string;
  title: string;
  call?: AwsCall;
  wait?: WaitCondition;
  status: StepStatus;
  startedAt: string | null;
  finishedAt: string | null;
  /** The call's output (as JSON), kept so a wait or a resume can use it. */
  output: JsonValue | null;
  error: string | null;
  /** The plan's "already done" condition for the call (journaled so a resume can check it). */
  skipIf?: WaitCondition;
  /** How the step went so far: calls and SDK attempts, polls, the last error; absent on old rows. */
  progress?: StepProgress;
}

/** Per-step counters the engine journals as it goes (and keeps across a resume). */
export interface StepProgress {
  /** Times the step's call was sent (a resume may send it again). */
  calls: number;
  /** HTTP attempts the SDK made for those calls (its own retries of throttling and 5xx included). */
  attempts: number;
  /** Polls of the wait condition (and the one check of `skipIf`). */
  polls: number;
  /** The last error seen (a tolerated throttled poll, or the one that failed the step), user-safe. */
  lastError: string | null;
  /** E.g. "skipped: already done" when `skipIf` held, or "call already made; output kept" on a resume. */
  note: string | null;
}

export interface Actor {
  id: string;
  email: string;
  role: Role;
}

export interface Operation {
  id: string;
  appId: string;
  pattern: PatternId;
  intent: Intent;
  summary: string;
  status: OperationStatus;
  actor: Actor;
  reason: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  steps: OperationStep[];
  /** The plan's before/after (for the audit of a resumed run); absent on operations journaled before they were kept. */
  before?: PlanEnds;
  after?: PlanEnds;
  /** When the observed split came within tolerance of `after` (journaled once seen; see traffic-settle.ts). */
  settledAt?: string | null;
}

/** Typed audit events (closed list of dotted names). */
export type { AuditAction } from "./audit-actions";
import type { AuditAction } from "./audit-actions";

export interface AuditEntryInput {
  action: AuditAction;
  actor: Actor | null;
  appId: string | null;
  operationId: string | null;
  reason: string | null;
  before: JsonValue | null;
  after: JsonValue | null;
}

export interface AuditRecord extends AuditEntryInput {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
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
}

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
  /** Why the server could not refresh the AWS read (user-safe), when it answers with an older one. */
  readError?: string | null;
}

/** Error with a code and a user-safe message (never raw AWS text). */
export type AppErrorCode = "unauthenticated" | "forbidden" | "invalid" | "not_found" | "conflict" | "stale" | "throttled" | "aws_error" | "internal";

const APP_ERROR_CODES: ReadonlySet<string> = new Set<AppErrorCode>([
  "unauthenticated",
  "forbidden",
  "invalid",
  "not_found",
  "conflict",
  "stale",
  "throttled",
  "aws_error",
  "internal",
]);

/**
 * The mark every AppError carries. A registered symbol is the same in every bundle of the
 * server (the runtime started from instrumentation.ts and the server actions are bundled apart,
 * each with its own AppError class), so it identifies Teal's errors where `instanceof` cannot.
 */
const APP_ERROR_BRAND: unique symbol = Symbol.for("teal.AppError");

/**
 * Whether `value` is one of Teal's errors, whichever bundle threw it: it carries the brand, a
 * known code and a user-safe message. Use this, never `instanceof AppError` (lint forbids it).
 */
export function isAppError(value: unknown): value is AppError {
  if (typeof value !== "object" || value === null || !(APP_ERROR_BRAND in value) || value[APP_ERROR_BRAND] !== true) return false;
  if (!("code" in value) || typeof value.code !== "string" || !APP_ERROR_CODES.has(value.code)) return false;
  return "userMessage" in value && typeof value.userMessage === "string" && "transient" in value && typeof value.transient === "boolean";
}

export class AppError extends Error {
  readonly [APP_ERROR_BRAND] = true;
  readonly code: AppErrorCode;
  readonly userMessage: string;
  /**
   * AWS answered with a server error (5xx) or did not answer at all: a read may be tried again
   * later. Set by lib/aws; says nothing about whether a mutation was applied.
   */
  readonly transient: boolean;
  /**
   * The name of the AWS error this one wraps (`PriorRequestNotComplete`, `Throttling`, …), as the
   * SDK reported it; null when it does not come from an AWS answer. Set by lib/aws: decisions on
   * what AWS said read it, never the message text.
   */
  readonly awsName: string | null;
  constructor(code: AppErrorCode, userMessage: string, internalMessage?: string, opts: { transient?: boolean; awsName?: string } = {}) {
    super(internalMessage ?? userMessage);
    this.name = "AppError";
    this.code = code;
    this.userMessage = userMessage;
    this.transient = opts.transient ?? false;
    this.awsName = opts.awsName ?? null;
  }
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
  /** Set when this application's state could not be read (user-safe text); the data above is then the last good read. */
  error: string | null;
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

/**
 * How AWS's configuration differs from what the last successful operation left: green's configured
 * share (traffic patterns) or the task definition the service runs (ecs-rolling).
 */
export type DriftFigures =
  | { kind: "share"; actualGreenPercent: number; expectedGreenPercent: number; text: string }
  | { kind: "revision"; actualTaskDefinition: string; expectedTaskDefinition: string; text: string };

export type Drift = DriftFigures & {
  /** The operation whose end state is expected. */
  operation: { id: string; summary: string; finishedAt: string | null };
};

/** Plan preview (GET /api/apps/:appId/plan): the plan plus the state version it was computed from. */
export type PlanPreview = PlanResult & {
  version: string;
  /** Shift and promote: green compared with blue now, as the server will judge it when confirmed. */
  greenVerdict?: GreenVerdict;
};

/** A Route 53 resource record set in Teal's own terms (lib/aws maps the SDK shape to it). */
export interface RecordSet {
  name: string;
  type: string;
  setIdentifier: string | null;
  weight: number | null;
  ttl: number | null;
  values: string[];
  aliasTarget: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean } | null;
  healthCheckId: string | null;
}
