/**
 * The practice range's world state: plain data, owned by the simulator.
 * Control-plane modules (Route 53, ELB, EC2, ...) mutate resources; the world tick advances health
 * checks, change propagation and draining; the traffic model turns DNS + load balancers into requests
 * and records samples into the metric store that CloudWatch reads.
 */

/** Route 53 resource record set exactly as the API models it. */
export interface SimRecordSet {
  Name: string; // fully qualified, with trailing dot
  Type: string;
  SetIdentifier?: string;
  Weight?: number;
  TTL?: number;
  ResourceRecords?: { Value: string }[];
  AliasTarget?: { HostedZoneId: string; DNSName: string; EvaluateTargetHealth: boolean };
  HealthCheckId?: string;
}

export interface SimHostedZone {
  id: string; // e.g. "Z0123456789ABCDEFGHIJ" (no /hostedzone/ prefix)
  name: string; // with trailing dot
  callerReference: string;
  comment?: string;
  privateZone: boolean;
  records: SimRecordSet[];
  /** Virtual time until which a ChangeResourceRecordSets for this zone is still "being processed". */
  busyUntilMs: number;
}

export interface SimChange {
  id: string; // e.g. "C2682N5HXP0BZ4" (no /change/ prefix)
  zoneId: string;
  comment?: string;
  submittedAtMs: number;
  insyncAtMs: number; // PENDING until then, INSYNC after
}

export interface SimHealthCheckConfig {
  target: string; // "HTTP:80/health" | "TCP:80"
  intervalS: number;
  timeoutS: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
}

export interface SimRegistration {
  instanceId: string;
  registeredAtMs: number;
  state: "InService" | "OutOfService";
  reasonCode: "ELB" | "Instance" | "N/A";
  description: string;
  consecutiveOk: number;
  consecutiveFail: number;
  /** Virtual time of the next health check for this registration. */
  nextCheckAtMs: number;
  /** Set while draining after deregistration: traffic stops, entry removed at this time. */
  drainingUntilMs?: number;
}

export interface SimClassicLoadBalancer {
  name: string;
  dnsName: string;
  canonicalHostedZoneNameId: string;
  createdAtMs: number;
  scheme: "internet-facing" | "internal";
  availabilityZones: string[];
  listeners: { protocol: string; loadBalancerPort: number; instanceProtocol: string; instancePort: number }[];
  healthCheck: SimHealthCheckConfig;
  connectionDraining: { enabled: boolean; timeoutS: number };
  crossZone: boolean;
  idleTimeoutS: number;
  registrations: SimRegistration[];
}

/** How an application version behaves under traffic (fault injection changes these). */
export interface SimVersionProfile {
  /** Median backend latency in ms at low load. */
  baseLatencyMs: number;
  /** Fraction of requests answered 5xx by the backend (0..1). */
  errorRate: number;
  /** Fraction of backend connection attempts that fail (0..1). */
  connectionErrorRate: number;
  /** Requests per second one instance serves before queueing. */
  capacityRps: number;
  /** When false, health checks fail. */
  healthy: boolean;
}

export interface SimInstance {
  id: string; // "i-0123456789abcdef0"
  imageId: string;
  instanceType: string;
  availabilityZone: string;
  /** Application version this instance runs (its key in versions). */
  version: string;
  state: "pending" | "running" | "shutting-down" | "terminated";
  launchedAtMs: number;
  /** Boot finishes at this time (pending → running). */
  readyAtMs: number;
  /** Instance-level fault: health checks fail while true. */
  failing: boolean;
  tags: Record<string, string>;
  /** The RunInstances call that launched it (DescribeInstances groups by reservation). */
  reservationId?: string;
  /** While shutting-down: the time it becomes terminated. Once terminated: when it was. */
  terminateAtMs?: number;
}

/** The population of DNS clients that resolve a name and cache the answer. */
export interface SimDnsClientConfig {
  /** Number of simulated clients (each caches its own answer). */
  clients: number;
  /** Share (0..1) of clients that ignore TTL and keep their answer for `stickyMs`. */
  ignoreTtlShare: number;
  stickyMs: number;
  /** Requests per second all clients together send to each traffic name. */
  requestsPerSecond: number;
}

export interface SimConfig {
  /**
   * Time compression: every simulated duration (boot, health-check interval, propagation, draining,
   * DNS client caching) is divided by it. The clock itself stays the wall clock, so CloudWatch
   * timestamps match what a real client asks for. 1 = realistic durations.
   */
  speed: number;
  /** Route 53 change PENDING duration in virtual ms. */
  route53PropagationMs: number;
  /** How long ChangeResourceRecordSets keeps a zone busy (PriorRequestNotComplete window). */
  route53ProcessingMs: number;
  /** EC2 boot time in virtual ms. */
  instanceBootMs: number;
  dnsClients: SimDnsClientConfig;
  region: string;
  accountId: string;
}

/** One per-minute metric bucket: raw samples for statistics. */
export interface SimMetricKey {
  namespace: string;
  metricName: string;
  /** Dimensions sorted by name. */
  dimensions: { Name: string; Value: string }[];
}

export interface SimFaults {
  /** Probability (0..1) that any API call answers with the service's throttling error. */
  throttleRate: number;
  /** Probability (0..1) that any API call answers HTTP 500 InternalFailure. */
  errorRate: number;
  /** Added latency for every API call, in real ms. */
  latencyMs: number;
}

/** A metric sample sink and query engine (lib/sim/metrics.ts implements it). */
export interface SimMetricSink {
  /** Record `value` for `key` at virtual time `atMs` (bucketed per 60 s). */
  record(key: SimMetricKey, atMs: number, value: number): void;
}

/** CloudWatch metric alarm state: configuration as PutMetricAlarm set it, plus its evaluation state. */
export type SimAlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export interface SimMetricAlarm {
  name: string;
  arn: string;
  description?: string;
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: string }[];
  /** Exactly one of statistic / extendedStatistic is set. */
  statistic?: string;
  extendedStatistic?: string;
  unit?: string;
  periodS: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparisonOperator: "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";
  treatMissingData: "breaching" | "notBreaching" | "ignore" | "missing";
  actionsEnabled: boolean;
  okActions: string[];
  alarmActions: string[];
  insufficientDataActions: string[];
  configurationUpdatedMs: number;
  state: SimAlarmState;
  stateReason: string;
  stateReasonData?: string;
  stateUpdatedMs: number;
  stateTransitionedMs: number;
  /** The newest period boundary this alarm was evaluated at (epoch ms). */
  evaluatedThroughMs: number;
}

/**
 * An ECS task as far as load balancers and the traffic model need it (lib/sim/ecs.ts owns tasks and
 * may add fields). ALB target groups of target type "ip" reach tasks through `ip`.
 */
export interface SimTask {
  arn: string;
  clusterArn: string;
  /** The service that started it, if any. */
  serviceName?: string;
  taskDefinitionArn: string;
  /** Application version profile the task runs (key in SimWorld.versions). */
  version: string;
  /** PROVISIONING | PENDING | ACTIVATING | RUNNING | DEACTIVATING | STOPPING | DEPROVISIONING | STOPPED */
  lastStatus: string;
  desiredStatus: "RUNNING" | "STOPPED";
  ip: string;
  availabilityZone: string;
  /** Task-level fault: health checks fail while true. */
  failing: boolean;
  createdAtMs: number;
  startedAtMs?: number;
  stoppedAtMs?: number;
}

/** The whole simulated world. Owned by lib/sim/world.ts; read by the traffic model and CloudWatch. */
export interface SimWorld {
  nowMs: number;
  config: SimConfig;
  faults: SimFaults;
  zones: Map<string, SimHostedZone>;
  changes: Map<string, SimChange>;
  loadBalancers: Map<string, SimClassicLoadBalancer>;
  instances: Map<string, SimInstance>;
  versions: Map<string, SimVersionProfile>;
  /**
   * CloudWatch metric alarms by name (lib/sim/alarms.ts). Optional so worlds built before alarms
   * existed stay valid; alarms.ts creates the map on first use.
   */
  alarms?: Map<string, SimMetricAlarm>;
  /** ECS tasks by ARN (lib/sim/ecs.ts). Optional like alarms: created on first use. */
  tasks?: Map<string, SimTask>;
}
