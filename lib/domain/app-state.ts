/**
 * What Teal observes of an application: both colours' environments, DNS, load balancers, Auto Scaling groups and ECS services, and drift.
 */

import type { Color, JsonObject, PatternId } from "./basics";

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
    /**
     * Set when the request counts were not read with this state (CloudWatch failed, or a rollback's
     * read that does not wait for it): the counts above are not a measurement, and no screen may
     * show them as "no traffic".
     */
    unmeasured?: "metrics unavailable" | "not read";
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
