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
  /** AddTags / DescribeTags (range/protocols/elb.ts). Optional: none until tagged. */
  tags?: Record<string, string>;
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
  /** The subnet it was launched in (range/world/network.ts); absent: the default subnet of its zone. */
  subnetId?: string;
  /** Security groups it was launched with (RunInstances SecurityGroupId.N). */
  securityGroupIds?: string[];
  /** The key pair it was launched with. */
  keyName?: string;
  /** The ECS cluster its agent joins once running (range/world/ecs-container-instances.ts). */
  ecsCluster?: string;
}

/** An EC2 instance registered with an ECS cluster (docs/aws-behaviour.md §5.7). */
export interface SimContainerInstance {
  arn: string;
  clusterArn: string;
  ec2InstanceId: string;
  availabilityZone: string;
  instanceType: string;
  status: "ACTIVE" | "DRAINING" | "INACTIVE";
  /** CPU units (1,024 per vCPU) and MiB the agent registered. */
  registeredCpu: number;
  registeredMemory: number;
  registeredAtMs: number;
}

/**
 * A VPC (range/world/network.ts; docs/aws-behaviour.md §16.1). Its state is "pending" in CreateVpc's
 * own answer only; Describe sees it "available".
 */
export interface SimVpc {
  id: string;
  cidrBlock: string;
  isDefault: boolean;
  createdAtMs: number;
  instanceTenancy: string;
  tags: Record<string, string>;
}

/** A subnet of a VPC, in one Availability Zone (docs/aws-behaviour.md §16.1). */
export interface SimSubnet {
  id: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
  createdAtMs: number;
  tags: Record<string, string>;
}

/** One rule of a security group: a protocol, a port range and its sources (or destinations). */
export interface SimSecurityGroupRule {
  id: string;
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  referencedGroupId?: string;
  description?: string;
}

/** A security group of a VPC (docs/aws-behaviour.md §16.2). */
export interface SimSecurityGroup {
  id: string;
  name: string;
  description: string;
  vpcId: string;
  ingress: SimSecurityGroupRule[];
  egress: SimSecurityGroupRule[];
  tags: Record<string, string>;
}

/** An EC2 key pair; the range keeps only the public facts (the private key is handed out once). */
export interface SimKeyPair {
  id: string;
  name: string;
  keyType: "rsa" | "ed25519";
  fingerprint: string;
  createdAtMs: number;
  tags: Record<string, string>;
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
  /**
   * Refuse CreateLaunchConfiguration as AWS does for accounts created on or after 1 October 2024
   * (docs/aws-behaviour.md §0.4). Optional: false when absent.
   */
  launchConfigurationsDisabled?: boolean;
  /** Virtual ms before an ALB listener/rule action change reaches traffic (default 2,000; docs/aws-behaviour.md §11). */
  albActionDelayMs?: number;
  /** Virtual ms an ALB stays "provisioning" after CreateLoadBalancer (default 30,000). */
  albProvisioningMs?: number;
  /**
   * The roles STS AssumeRole lets Teal assume, by ARN, with the external id each one's trust policy
   * asks for (range/protocols/sts.ts). Absent: every well-formed role ARN can be assumed.
   */
  stsRoles?: Record<string, { externalId?: string }>;
  /** Fargate task start (PROVISIONING → RUNNING) in virtual ms: drawn in [min, max] (default 30–90 s; docs/aws-behaviour.md §11). */
  ecsTaskStartMinMs?: number;
  ecsTaskStartMaxMs?: number;
  /**
   * API token-bucket throttling (docs/aws-behaviour.md §8.1): "off" (default, so demos and tests never see it),
   * "aws" (the documented buckets, Route 53 account bucket 50 / 10 per s) or "legacy" (as "aws" but
   * Route 53 at the old 5 requests/s). Optional: "off" when absent.
   */
  throttling?: "off" | "aws" | "legacy";
  /** Overrides of single buckets by name (see range/control/faults.ts THROTTLE_BUCKETS), e.g. "ecs". */
  throttleBuckets?: Record<string, SimBucketSpec>;
  /** Send `x-amz-retry-after` (ms until a token is back) with throttling errors (docs/aws-behaviour.md §8.2, 2026 retries). */
  retryAfterHeader?: boolean;
}

/** A token bucket: `burst` tokens at most, `refillPerSecond` tokens back per second. */
export interface SimBucketSpec {
  burst: number;
  refillPerSecond: number;
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
  /** Added latency for every API call, in real ms (or on the range's clock: see `latencyClock`). */
  latencyMs: number;
  /**
   * What the latency is measured on: real time (the default), or the range's own clock, so a test
   * on a hand-driven clock holds a request until it moves the clock past its arrival plus the
   * latency. A held request is applied then, whether or not its client is still waiting for it (as
   * AWS applies a request whose caller gave up). Resolved like `latencyMs`.
   */
  latencyClock?: SimLatencyClock;
  /**
   * Per-operation rules. For each of the three fields the most specific rule that sets it wins
   * (service + operation, then operation, then service), then the global value above. Optional:
   * none when absent.
   */
  rules?: SimFaultRule[];
  /** Availability zones failed through the control API, with what the failure marked (range/world/zone-faults.ts). */
  failedZones?: Record<string, SimZoneFailure>;
}

export interface SimFaultRule {
  /** Service key as the range routes it ("route53", "elb", "elbv2", "ec2", "cloudwatch", "autoscaling", "ecs"). */
  service?: string;
  /** API operation name, e.g. "DescribeTargetHealth". */
  operation?: string;
  throttleRate?: number;
  errorRate?: number;
  latencyMs?: number;
  latencyClock?: SimLatencyClock;
}

export type SimLatencyClock = "real" | "range";

export interface SimZoneFailure {
  sinceMs: number;
  /** Instances and tasks the zone failure made fail (recovery clears exactly these, not individual faults). */
  instanceIds: string[];
  taskArns: string[];
}

/** A metric sample sink and query engine (range/world/metrics.ts implements it). */
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
 * An ECS task as far as load balancers and the traffic model need it (range/protocols/ecs.ts owns tasks and
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
  /** ECS bookkeeping (range/world/ecs-*.ts): the service deployment that started the task. */
  deploymentId?: string;
  /** "service:NAME" for service tasks (Task.group). */
  group?: string;
  startedBy?: string;
  /** Task.stopCode / stoppedReason once a stop was requested. */
  stopCode?: string;
  stoppedReason?: string;
  stoppingAtMs?: number;
  /** Virtual time of the next lifecycle transition (PROVISIONING → PENDING → …, STOPPING → …). */
  nextTransitionAtMs?: number;
  /** When the service scheduler first counted the task healthy (RUNNING and passing its checks). */
  healthyAtMs?: number;
  /** Since when the task has been failing its checks (container checks of a task without load balancer). */
  unhealthySinceMs?: number;
  /** The container the load balancers point at, and its port (target registration). */
  containerName?: string;
  containerPort?: number;
  /** Target groups the task is registered in (deregistered on stop). */
  targetGroupArns?: string[];
  /**
   * Requests per second the traffic model routed to this task in its latest step (set by the ALB
   * traffic model); ECS CPU/memory metrics follow it. Absent: ECS estimates the task's share.
   */
  requestRate?: number;
  /** Task-level cpu units and memory MiB from the task definition. */
  cpu?: string;
  memory?: string;
  /** EC2 launch type: the container instance it was placed on, and the CPU units and MiB it holds there. */
  containerInstanceArn?: string;
  placedCpu?: number;
  placedMemory?: number;
}

/** ECS cluster (range/protocols/ecs.ts). */
export interface SimEcsCluster {
  arn: string;
  name: string;
  status: "ACTIVE" | "INACTIVE";
  createdAtMs: number;
  tags: { key: string; value: string }[];
}

export interface SimContainerDefinition {
  name: string;
  image: string;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  essential: boolean;
  environment: { name: string; value: string }[];
  portMappings: { containerPort: number; hostPort?: number; protocol: string }[];
}

/** ECS task definition revision (docs/aws-behaviour.md §5.1). */
export interface SimTaskDefinition {
  arn: string;
  family: string;
  revision: number;
  status: "ACTIVE" | "INACTIVE";
  containerDefinitions: SimContainerDefinition[];
  cpu?: string;
  memory?: string;
  networkMode: string;
  requiresCompatibilities: string[];
  executionRoleArn?: string;
  taskRoleArn?: string;
  /** The version profile its tasks run: TEAL_VERSION env of a container, else the first image tag. */
  version: string;
  registeredAtMs: number;
  deregisteredAtMs?: number;
}

/** One deployment of an ECS service (the rolling-update controller; docs/aws-behaviour.md §5.2). */
export interface SimEcsDeployment {
  id: string; // "ecs-svc/1234567890123456789"
  status: "PRIMARY" | "ACTIVE" | "INACTIVE";
  taskDefinitionArn: string;
  desiredCount: number;
  /** Consecutive failed tasks (circuit breaker count). */
  failedTasks: number;
  rolloutState: "IN_PROGRESS" | "COMPLETED" | "FAILED";
  rolloutStateReason: string;
  createdAtMs: number;
  updatedAtMs: number;
  /** When it became INACTIVE (dropped from the service's list a while later). */
  inactiveAtMs?: number;
  /** Started by the circuit breaker or deployment alarms to roll back (never rolled back again). */
  rollback?: boolean;
}

export interface SimEcsLoadBalancer {
  targetGroupArn?: string;
  loadBalancerName?: string;
  containerName: string;
  containerPort: number;
}

export interface SimEcsDeploymentConfiguration {
  minimumHealthyPercent: number;
  maximumPercent: number;
  circuitBreaker: { enable: boolean; rollback: boolean };
  alarms: { alarmNames: string[]; enable: boolean; rollback: boolean };
}

export interface SimEcsService {
  arn: string;
  name: string;
  clusterArn: string;
  status: "ACTIVE" | "DRAINING" | "INACTIVE";
  desiredCount: number;
  taskDefinitionArn: string;
  launchType: string;
  loadBalancers: SimEcsLoadBalancer[];
  networkConfiguration?: { subnets: string[]; securityGroups: string[]; assignPublicIp: string };
  deploymentConfiguration: SimEcsDeploymentConfiguration;
  healthCheckGracePeriodS: number;
  /** PRIMARY first, then ACTIVE ones newest first, then INACTIVE ones not yet dropped. */
  deployments: SimEcsDeployment[];
  /** Newest first, at most 100 (docs/aws-behaviour.md §5.2). */
  events: { id: string; createdAtMs: number; message: string }[];
  createdAtMs: number;
  /** The task definition of the last deployment that COMPLETED (the circuit breaker's rollback target). */
  lastCompletedTaskDefinitionArn?: string;
  lastCompletedDeploymentId?: string;
  /** Whether the service was at steady state at the last scheduler pass, and when that was last reported. */
  steady: boolean;
  lastSteadyEventMs?: number;
  /** When a deleted service became INACTIVE (forgotten a while later). */
  inactiveAtMs?: number;
  /** TagResource / ListTagsForResource (range/protocols/ecs.ts). Optional: none until tagged. */
  tags?: Record<string, string>;
}

/** ALB target health states (docs/aws-behaviour.md §3.3). */
export type SimTargetState = "initial" | "healthy" | "unhealthy" | "draining" | "unused";

/** One registered target of an ALB target group: an instance id or an IP, plus its port. */
export interface SimTarget {
  id: string;
  port: number;
  registeredAtMs: number;
  state: SimTargetState;
  /** TargetHealth.Reason, e.g. "Elb.RegistrationInProgress"; absent while healthy. */
  reason?: string;
  description?: string;
  consecutiveOk: number;
  consecutiveFail: number;
  /** Whether the target has ever passed a health check since registration. */
  everHealthy: boolean;
  /** Virtual time of the next health check. */
  nextCheckAtMs: number;
  /** Set while draining after deregistration: no new requests; removed at this time. */
  drainingUntilMs?: number;
}

export interface SimTargetGroup {
  arn: string;
  name: string;
  protocol: string;
  port: number;
  vpcId: string;
  targetType: "instance" | "ip";
  protocolVersion: string;
  ipAddressType: string;
  createdAtMs: number;
  healthCheck: {
    enabled: boolean;
    protocol: string;
    /** "traffic-port" or a port number as a string, as the API models it. */
    port: string;
    path: string;
    intervalS: number;
    timeoutS: number;
    healthyThreshold: number;
    unhealthyThreshold: number;
    matcher: string;
  };
  attributes: {
    deregistrationDelayS: number;
    stickinessEnabled: boolean;
    stickinessType: string;
    stickinessDurationS: number;
    /** Any other attribute key a client set (kept and echoed). */
    extra: Record<string, string>;
  };
  targets: SimTarget[];
  tags: Record<string, string>;
}

/** A forward action: weighted target groups (the legacy single TargetGroupArn is one group). */
export interface SimForwardAction {
  type: "forward";
  order?: number;
  targetGroups: { targetGroupArn: string; weight: number }[];
  stickiness: { enabled: boolean; durationS: number };
  /** Set when the client used the legacy `TargetGroupArn` form (Describe echoes it back). */
  targetGroupArn?: string;
}

/** A fixed-response action (answered by the load balancer itself). */
export interface SimFixedResponseAction {
  type: "fixed-response";
  order?: number;
  statusCode: string;
  contentType?: string;
  messageBody?: string;
}

/** A redirect action; fields as the API models them. */
export interface SimRedirectAction {
  type: "redirect";
  order?: number;
  statusCode: string;
  protocol?: string;
  port?: string;
  host?: string;
  path?: string;
  query?: string;
}

export type SimListenerAction = SimForwardAction | SimFixedResponseAction | SimRedirectAction;

/** A listener rule; each listener's default actions are its rule with priority "default". */
export interface SimRule {
  arn: string;
  listenerArn: string;
  /** "default" or a number 1–50000 as a string. */
  priority: string;
  isDefault: boolean;
  conditions: { field: string; values: string[] }[];
  /** The actions as configured (what Describe returns). */
  actions: SimListenerAction[];
  /**
   * The actions traffic follows: configuration changes reach the load balancer nodes after a small
   * delay (docs/aws-behaviour.md §11), so `actions` moves here at `pendingAtMs`.
   */
  trafficActions: SimListenerAction[];
  pendingAtMs?: number;
}

export interface SimListener {
  arn: string;
  loadBalancerArn: string;
  port: number;
  protocol: string;
  sslPolicy?: string;
  certificates: string[];
  /** The default rule first, then the rest in creation order. */
  rules: SimRule[];
}

export interface SimApplicationLoadBalancer {
  arn: string;
  name: string;
  dnsName: string;
  canonicalHostedZoneId: string;
  createdAtMs: number;
  scheme: "internet-facing" | "internal";
  vpcId: string;
  state: "provisioning" | "active" | "failed";
  /** provisioning → active at this time. */
  activeAtMs: number;
  availabilityZones: { zoneName: string; subnetId: string }[];
  securityGroups: string[];
  ipAddressType: string;
  listeners: SimListener[];
  tags: Record<string, string>;
}

/** One version of an EC2 launch template (range/protocols/launch-templates.ts). */
export interface SimLaunchTemplateVersion {
  versionNumber: number;
  description?: string;
  createdAtMs: number;
  imageId?: string;
  instanceType?: string;
  /** Base64, as the API carries it. */
  userData?: string;
  securityGroupIds: string[];
  /** TagSpecifications: tags applied at launch per resource type ("instance", "volume", …). */
  tagSpecifications: { resourceType: string; tags: Record<string, string> }[];
}

export interface SimLaunchTemplate {
  id: string; // "lt-0123456789abcdef0"
  name: string;
  createdAtMs: number;
  defaultVersion: number;
  latestVersion: number;
  versions: SimLaunchTemplateVersion[];
  tags: Record<string, string>;
}

/** A legacy Auto Scaling launch configuration (immutable once created). */
export interface SimLaunchConfiguration {
  name: string;
  arn: string;
  imageId: string;
  instanceType: string;
  /** Base64, as the API carries it. */
  userData?: string;
  securityGroups: string[];
  createdAtMs: number;
}

/**
 * What an Auto Scaling group launches from, or what one instance was launched from. On a group the
 * template version is as configured ("$Latest", "$Default" or a number); on an instance it is the
 * number it was resolved to at launch.
 */
export interface SimAsgLaunchSource {
  launchConfigurationName?: string;
  launchTemplate?: { id: string; name: string; version: string };
}

export type SimAsgLifecycleState = "Pending" | "InService" | "Terminating" | "Terminated" | "EnteringStandby" | "Standby";

export interface SimAsgInstance {
  instanceId: string;
  instanceType: string;
  availabilityZone: string;
  lifecycleState: SimAsgLifecycleState;
  healthStatus: "Healthy" | "Unhealthy";
  source: SimAsgLaunchSource;
  protectedFromScaleIn: boolean;
  launchedAtMs: number;
  /** When it last entered InService (health-check grace and instance warmup count from here). */
  inServiceAtMs?: number;
  /** While Pending after ExitStandby: the earliest time it goes back InService. */
  pendingUntilMs?: number;
  /** The activity that launched, terminates or moves it, completed when the transition ends. */
  activityId?: string;
  /** While Terminating: whether the EC2 instance has been told to terminate (after draining). */
  ec2TerminateRequested?: boolean;
}

export interface SimAsgTrafficSource {
  identifier: string; // classic ELB name or target group ARN
  type: "elb" | "elbv2";
  state: "Adding" | "Added" | "InService" | "Removing" | "Removed";
  changedAtMs: number;
}

export interface SimScalingActivity {
  id: string;
  groupName: string;
  groupArn: string;
  description: string;
  cause: string;
  startMs: number;
  endMs?: number;
  statusCode: "PreInService" | "InProgress" | "WaitingForELBConnectionDraining" | "Successful" | "Failed" | "Cancelled";
  statusMessage?: string;
  progress: number;
  details: string;
}

export type SimInstanceRefreshStatus =
  | "Pending"
  | "InProgress"
  | "Successful"
  | "Failed"
  | "Cancelling"
  | "Cancelled"
  | "RollbackInProgress"
  | "RollbackFailed"
  | "RollbackSuccessful"
  | "Baking";

export interface SimInstanceRefreshPreferences {
  minHealthyPercentage: number;
  maxHealthyPercentage: number;
  instanceWarmupS: number;
  checkpointPercentages: number[];
  checkpointDelayS: number;
  skipMatching: boolean;
  autoRollback: boolean;
  scaleInProtectedInstances: "Refresh" | "Ignore" | "Wait";
  standbyInstances: "Terminate" | "Ignore" | "Wait";
  alarms: string[];
  bakeTimeS: number;
}

export interface SimInstanceRefresh {
  id: string;
  groupName: string;
  status: SimInstanceRefreshStatus;
  statusReason?: string;
  startMs: number;
  endMs?: number;
  preferences: SimInstanceRefreshPreferences;
  /** As the request gave it (echoed by DescribeInstanceRefreshes). */
  desiredConfiguration?: SimAsgLaunchSource;
  /** The group's launch source when the refresh started (what a rollback returns to). */
  previousSource: SimAsgLaunchSource;
  /** The source new instances launch from while the refresh (or its rollback) runs. */
  targetSource: SimAsgLaunchSource;
  /** Instances still to replace. */
  toReplace: string[];
  /** How many instances the refresh (or rollback) set out to replace. */
  total: number;
  percentageComplete: number;
  instancesToUpdate: number;
  /** Index into preferences.checkpointPercentages of the next checkpoint. */
  nextCheckpoint: number;
  pausedUntilMs?: number;
  bakeUntilMs?: number;
  rollback?: { reason: string; startMs: number; percentageCompleteOnRollback: number; instancesToUpdateOnRollback: number };
}

/** An EC2 Auto Scaling group (range/world/autoscaling-world.ts runs it). */
export interface SimAutoScalingGroup {
  name: string;
  arn: string;
  createdAtMs: number;
  source: SimAsgLaunchSource;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  defaultCooldownS: number;
  availabilityZones: string[];
  vpcZoneIdentifier?: string;
  trafficSources: SimAsgTrafficSource[];
  healthCheckType: string;
  healthCheckGracePeriodS: number;
  defaultInstanceWarmupS?: number;
  terminationPolicies: string[];
  newInstancesProtectedFromScaleIn: boolean;
  suspendedProcesses: { name: string; reason: string }[];
  tags: { key: string; value: string; propagateAtLaunch: boolean }[];
  instances: SimAsgInstance[];
  /** Set by a forced delete: instances are terminating, then the group disappears. */
  deleting: boolean;
  /** The "At … a user request …" sentence of the last capacity change, quoted by launch/terminate causes. */
  capacityCause: string;
  /** Newest last. */
  activities: SimScalingActivity[];
  /** Newest last. */
  instanceRefreshes: SimInstanceRefresh[];
  /** AZRebalance: one extra instance launched in the smallest zone before the largest loses one. */
  rebalanceExtra: number;
  /** After a failed launch, the next attempt waits until then. */
  launchRetryAtMs?: number;
  /** Counter for the group's own id generator (reproducible ids without the world's generator). */
  idSeq: number;
}

/** A session STS AssumeRole handed out (range/protocols/sts.ts), by its access key id. */
export interface SimStsSession {
  accessKeyId: string;
  roleArn: string;
  sessionName: string;
  assumedRoleId: string;
  expiresAtMs: number;
}

/** The whole simulated world. Owned by range/world/world.ts; read by the traffic model and CloudWatch. */
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
   * CloudWatch metric alarms by name (range/world/alarms.ts). Optional so worlds built before alarms
   * existed stay valid; alarms.ts creates the map on first use.
   */
  alarms?: Map<string, SimMetricAlarm>;
  /** ECS tasks by ARN (range/protocols/ecs.ts). Optional like alarms: created on first use. */
  tasks?: Map<string, SimTask>;
  /** ECS clusters, task definitions and services by ARN (range/protocols/ecs.ts). Optional: created on first use. */
  clusters?: Map<string, SimEcsCluster>;
  taskDefinitions?: Map<string, SimTaskDefinition>;
  services?: Map<string, SimEcsService>;
  /** ALB target groups by ARN (range/protocols/elbv2.ts). Optional like alarms: created on first use. */
  targetGroups?: Map<string, SimTargetGroup>;
  /** Application Load Balancers by ARN (range/protocols/elbv2.ts). Optional: created on first use. */
  albs?: Map<string, SimApplicationLoadBalancer>;
  /** EC2 Auto Scaling groups by name (range/world/autoscaling-world.ts). Optional: created on first use. */
  autoScalingGroups?: Map<string, SimAutoScalingGroup>;
  /** Auto Scaling launch configurations by name. Optional: created on first use. */
  launchConfigurations?: Map<string, SimLaunchConfiguration>;
  /** EC2 launch templates by id (range/protocols/launch-templates.ts). Optional: created on first use. */
  launchTemplates?: Map<string, SimLaunchTemplate>;
  /** STS sessions by access key id (range/protocols/sts.ts). Optional: created on first use. */
  stsSessions?: Map<string, SimStsSession>;
  /**
   * The network (range/world/network.ts): VPCs, subnets, security groups and key pairs by id (key
   * pairs by name). Optional: created on first use, with the default VPC and its default subnets.
   */
  network?: SimNetwork;
  /** ECS container instances by ARN (range/world/ecs-container-instances.ts). Optional: created on first use. */
  containerInstances?: Map<string, SimContainerInstance>;
}

/** VPCs, subnets, security groups, key pairs, internet gateways and route tables (range/world/network.ts). */
export interface SimNetwork {
  vpcs: Map<string, SimVpc>;
  subnets: Map<string, SimSubnet>;
  securityGroups: Map<string, SimSecurityGroup>;
  keyPairs: Map<string, SimKeyPair>;
  /** Optional so networks built before they existed stay valid; created on first use. */
  internetGateways?: Map<string, SimInternetGateway>;
  routeTables?: Map<string, SimRouteTable>;
}

/** An internet gateway, attached to at most one VPC (docs/aws-behaviour.md §16.8). */
export interface SimInternetGateway {
  id: string;
  vpcId?: string;
  tags: Record<string, string>;
}

/** A route table of a VPC: its routes and the subnets associated with it (docs/aws-behaviour.md §16.8). */
export interface SimRouteTable {
  id: string;
  vpcId: string;
  main: boolean;
  routes: { destinationCidrBlock: string; gatewayId: string }[];
  subnetAssociations: { id: string; subnetId: string }[];
  tags: Record<string, string>;
}
