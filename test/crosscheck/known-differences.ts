/**
 * Where moto 5.2.1 and the practice range are known to differ, and why the range is the one that
 * behaves like AWS. Each entry names the scenario step, what moto does, what AWS does, the section of
 * the AWS behaviour notes (docs/aws-behaviour.md) that says so, and the exact observation the range must
 * produce. The suite checks both sides: the range must match `range`, and moto must still differ —
 * an entry moto no longer needs is reported as stale, so the table cannot rot into a silent skip.
 */

export interface KnownDifference {
  scenario: string;
  step: string;
  moto: string;
  aws: string;
  /** Section of docs/aws-behaviour.md stating the AWS behaviour. */
  facts: string;
  /** The range's normalised observation (the AWS behaviour). */
  range: unknown;
}

const healthyNow = { State: "InService", ReasonCode: "N/A", Description: "N/A" };

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  // Route 53
  {
    scenario: "route53",
    step: "CREATE weighted pair: ChangeInfo",
    moto: "ChangeInfo.Status is always INSYNC",
    aws: "a change starts PENDING and becomes INSYNC within about 60 s",
    facts: "§1.5, §13",
    range: { Id: "<change>", Status: "PENDING" },
  },
  { scenario: "route53", step: "GetChange at once", moto: "always INSYNC", aws: "PENDING until propagated", facts: "§1.5, §13", range: "PENDING" },
  {
    scenario: "route53",
    step: "UPSERT both weights in one batch",
    moto: "always INSYNC",
    aws: "PENDING until propagated",
    facts: "§1.5, §13",
    range: "PENDING",
  },
  {
    scenario: "route53",
    step: "ListResourceRecordSets paged by 3 (a page ends inside the weighted set)",
    moto: "NextRecordIdentifier missing inside a weighted set, so the next page repeats the last record (blue twice)",
    aws: "NextRecordIdentifier names the next SetIdentifier so paging continues inside one weighted set",
    facts: "§1.1 (ListResourceRecordSets)",
    range: [
      {
        records: ["xcheck.example.com. NS", "xcheck.example.com. SOA", "app.xcheck.example.com. CNAME blue"],
        IsTruncated: true,
        Next: ["app.xcheck.example.com.", "CNAME", "green"],
      },
      { records: ["app.xcheck.example.com. CNAME green"], IsTruncated: false },
    ],
  },
  {
    scenario: "route53",
    step: "DELETE with a non-matching weight",
    moto: "accepts the DELETE and removes the record",
    aws: "a DELETE must match every value exactly: InvalidChangeBatch",
    facts: "§1.2, §13",
    range: "InvalidChangeBatch",
  },
  {
    scenario: "route53",
    step: "CREATE of an existing record set",
    moto: "accepts it and stores a second record set with the same name, type and SetIdentifier",
    aws: "InvalidChangeBatch: Tried to create resource record set … but it already exists",
    facts: "§1.2",
    range: "InvalidChangeBatch",
  },
  {
    scenario: "route53",
    step: "weighted records at the end",
    moto: "follows from the two rows above: green deleted by the mismatched DELETE, blue duplicated by the second CREATE",
    aws: "green untouched, one blue",
    facts: "§1.2",
    range: ["blue:10", "green:100"],
  },
  {
    scenario: "route53",
    step: "GetChange of an unknown id",
    moto: "answers any change id (INSYNC); its change ids are hard-coded",
    aws: "NoSuchChange for an id it never issued",
    facts: "§1.1 (GetChange), §13",
    range: "NoSuchChange",
  },
  // EC2
  {
    scenario: "ec2",
    step: "DescribeInstances by tag at once",
    moto: "instances are running as soon as they are described",
    aws: "pending for the boot time, then running",
    facts: "§11 (Global: asynchronous state machines; Typical durations: EC2 launch)",
    range: {
      Reservations: 1,
      Instances: [0, 1].map(() => ({
        InstanceId: "i-*",
        ImageId: "ami-12c6146b",
        InstanceType: "t3.micro",
        State: "pending",
        Placement: true,
        Tags: ["Name=web", "app=xcheck-ec2"],
      })),
    },
  },
  // Classic ELB
  {
    scenario: "elb",
    step: "DescribeLoadBalancers",
    moto: "no HealthCheck until ConfigureHealthCheck",
    aws: "a load balancer created through the API has the default check TCP:80",
    facts: "§2.2",
    range: {
      LoadBalancerName: "xcheck-blue",
      Scheme: "internet-facing",
      AvailabilityZones: ["us-east-1a"],
      Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstancePort: 80, InstanceProtocol: "HTTP" }],
      HealthCheckTarget: "TCP:80",
    },
  },
  {
    scenario: "elb",
    step: "CanonicalHostedZoneNameID",
    moto: "absent",
    aws: "the region's ELB hosted zone id (alias targets need it)",
    facts: "§13, §1.4",
    range: "Z35SXDOTRQ7X7K",
  },
  {
    scenario: "elb",
    step: "RegisterInstancesWithLoadBalancer returns",
    moto: "an empty list",
    aws: "the full list of registered instances",
    facts: "§2.1, §13",
    range: ["i-*", "i-*"],
  },
  {
    scenario: "elb",
    step: "DescribeInstanceHealth at once",
    moto: "InService at once",
    aws: "OutOfService until HealthyThreshold checks pass",
    facts: "§2.1, §2.2, §13",
    range: [0, 1].map(() => ({ State: "OutOfService", ReasonCode: "ELB", Description: "Instance registration is still in progress." })),
  },
  {
    scenario: "elb",
    step: "DeregisterInstancesFromLoadBalancer returns",
    moto: "an empty list",
    aws: "the instances that remain registered",
    facts: "§2.1",
    range: ["i-*"],
  },
  {
    scenario: "elb",
    step: "DescribeInstanceHealth right after deregistering",
    moto: "the instance is gone at once",
    aws: "with connection draining on, it stays InService 'Instance deregistration currently in progress' until in-flight requests finish or the timeout",
    facts: "§2.3",
    range: [healthyNow, { State: "InService", ReasonCode: "N/A", Description: "Instance deregistration currently in progress." }],
  },
  {
    scenario: "elb",
    step: "DescribeInstanceHealth of the deregistered instance by id",
    moto: "State Unknown, Description N/A",
    aws: "OutOfService 'Instance is not currently registered with the LoadBalancer.'",
    facts: "§2.1, §2.3",
    range: [{ State: "OutOfService", ReasonCode: "N/A", Description: "Instance is not currently registered with the LoadBalancer." }],
  },
  // CloudWatch
  {
    scenario: "cloudwatch",
    step: "DescribeAlarms of a new alarm",
    moto: "a new alarm is OK",
    aws: "a new alarm is INSUFFICIENT_DATA until its first evaluation",
    facts: "§6.3 (states), §11 CloudWatch (alarms evaluate every Period)",
    range: [
      {
        AlarmName: "xcheck-a",
        AlarmArn: "arn:aws:cloudwatch:us-east-1:<account>:alarm:xcheck-a",
        Namespace: "AWS/ELB",
        MetricName: "HTTPCode_Backend_5XX",
        Dimensions: [{ Name: "LoadBalancerName", Value: "xcheck-blue" }],
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: 5,
        ComparisonOperator: "GreaterThanThreshold",
        TreatMissingData: "notBreaching",
        ActionsEnabled: true,
        AlarmActions: ["arn:aws:sns:us-east-1:123456789012:ops"],
        StateValue: "INSUFFICIENT_DATA",
        StateReason: "Unchecked: Initial alarm creation",
        StateUpdatedTimestamp: true,
      },
    ],
  },
  {
    scenario: "cloudwatch",
    step: "DescribeAlarms paged by 2",
    moto: "ignores MaxRecords (one page of three)",
    aws: "MaxRecords 1–100 pages with NextToken",
    facts: "§6.1 (DescribeAlarms)",
    range: [["xcheck-a", "xcheck-b"], ["xcheck-c"]],
  },
  {
    scenario: "cloudwatch",
    step: "DescribeAlarms with AlarmNames and AlarmNamePrefix",
    moto: "accepts both",
    aws: "AlarmNames and AlarmNamePrefix are mutually exclusive",
    facts: "§6.1 (DescribeAlarms)",
    range: "InvalidParameterCombinationException",
  },
  {
    scenario: "cloudwatch",
    step: "DescribeAlarms StateValue=ALARM after SetAlarmState",
    moto: "ignores StateValue when AlarmNamePrefix is given",
    aws: "StateValue filters the alarms",
    facts: "§6.1 (DescribeAlarms)",
    range: [["xcheck-b", "ALARM", "cross-check drill"]],
  },
  // ELBv2
  {
    scenario: "elbv2",
    step: "DescribeTargetHealth at once",
    moto: "every target healthy at once",
    aws: "a new target is initial (Elb.RegistrationInProgress, then Elb.InitialHealthChecking) until it passes its checks",
    facts: "§3.3, §13",
    range: [0, 1].map((i) => ({ Target: `instance-${i}`, Port: 80, State: "initial", Reason: "Elb.RegistrationInProgress" })),
  },
  {
    scenario: "elbv2",
    step: "DescribeTargetHealth right after deregistering",
    moto: "the target is gone at once",
    aws: "draining (Target.DeregistrationInProgress) for the deregistration delay, then gone",
    facts: "§3.3, §11 ALB (deregistration)",
    range: [
      { Target: "instance-0", Port: 80, State: "draining", Reason: "Target.DeregistrationInProgress" },
      { Target: "instance-1", Port: 80, State: "healthy" },
    ],
  },
  {
    scenario: "elbv2",
    step: "ModifyListener with six target groups",
    moto: "accepts a forward action with six target groups",
    aws: "at most 5 target groups per forward action (ALB quota, not adjustable); the range answers ValidationError (the exact code is not documented)",
    facts: "§3.2",
    range: "ValidationError",
  },
  // Auto Scaling
  {
    scenario: "autoscaling",
    step: "DescribeAutoScalingGroups after 10 s",
    moto: "new instances are InService at once",
    aws: "Pending for the EC2 boot (30–120 s), then InService",
    facts: "§4.4, §11 Auto Scaling (launch)",
    range: {
      Name: "xcheck-asg",
      Min: 1,
      Max: 4,
      Desired: 2,
      Zones: ["us-east-1a", "us-east-1b"],
      LaunchTemplateVersion: "1",
      LoadBalancerNames: [],
      Instances: [0, 1].map(() => ({ LifecycleState: "Pending", HealthStatus: "Healthy", LaunchTemplateVersion: "1" })),
    },
  },
  {
    scenario: "autoscaling",
    step: "DescribeLoadBalancers after AttachLoadBalancers",
    moto: "Added at once",
    aws: "Adding → Added → InService",
    facts: "§4.1, §11 Auto Scaling (traffic-source state machine)",
    range: [["xcheck-asg-lb", "Adding"]],
  },
  {
    scenario: "autoscaling",
    step: "DescribeAutoScalingInstances right after ExitStandby",
    moto: "ExitStandby goes straight to InService",
    aws: "Pending → InService (re-registration, grace period)",
    facts: "§4.3, §11 Auto Scaling (standby), §13",
    range: [["Pending", "Healthy"]],
  },
  {
    scenario: "autoscaling",
    step: "DescribeScalingActivities has the launches",
    moto: "DescribeScalingActivities is empty",
    aws: "every launch is recorded as a scaling activity",
    facts: "§13",
    range: true,
  },
  {
    scenario: "autoscaling",
    step: "SetDesiredCapacity above MaxSize",
    moto: "accepts a desired capacity above MaxSize",
    aws: "ValidationError outside Min..Max",
    facts: "§11 Auto Scaling (SetDesiredCapacity)",
    range: "ValidationError",
  },
  // ECS
  {
    scenario: "ecs",
    step: "DescribeServices after tasks start",
    moto: "Fargate tasks never start (runningCount 0) and the deployment stays IN_PROGRESS",
    aws: "tasks reach RUNNING in 30–90 s; at steady state the deployment's rolloutState is COMPLETED",
    facts: "§5.2, §11 ECS (task lifecycle, rolling deployment)",
    range: {
      Name: "web",
      Status: "ACTIVE",
      Desired: 2,
      Running: 2,
      TaskDefinition: "xcheck-web:1",
      Deployments: [{ Status: "PRIMARY", TaskDefinition: "xcheck-web:1", Desired: 2, RolloutState: "COMPLETED" }],
    },
  },
  {
    scenario: "ecs",
    step: "UpdateService to revision 2",
    moto: "UpdateService never updates deployments: one PRIMARY with the old task definition",
    aws: "a new PRIMARY deployment for the new revision; the old one ACTIVE until drained",
    facts: "§5.2, §13",
    range: {
      Name: "web",
      Status: "ACTIVE",
      Desired: 2,
      Running: 2,
      TaskDefinition: "xcheck-web:2",
      Deployments: [
        { Status: "ACTIVE", TaskDefinition: "xcheck-web:1", Desired: 2, RolloutState: "COMPLETED" },
        { Status: "PRIMARY", TaskDefinition: "xcheck-web:2", Desired: 2, RolloutState: "IN_PROGRESS" },
      ],
    },
  },
  {
    scenario: "ecs",
    step: "DescribeServices after the rollout",
    moto: "still one PRIMARY deployment of the old revision, no running tasks, IN_PROGRESS",
    aws: "the new revision's PRIMARY is COMPLETED and the old deployment is gone (INACTIVE)",
    facts: "§5.2, §11 ECS (rolling deployment), §13",
    range: {
      Name: "web",
      Status: "ACTIVE",
      Desired: 2,
      Running: 2,
      TaskDefinition: "xcheck-web:2",
      Deployments: [{ Status: "PRIMARY", TaskDefinition: "xcheck-web:2", Desired: 2, RolloutState: "COMPLETED" }],
    },
  },
  {
    scenario: "ecs",
    step: "DescribeServices events mention steady state",
    moto: "events is always []",
    aws: "events are written, including '(service NAME) has reached a steady state.'",
    facts: "§5.2, §13",
    range: true,
  },
  // EC2 networks
  {
    scenario: "ec2-network",
    step: "DeleteSubnet with an instance in it",
    moto: "deletes the subnet and leaves its instance behind",
    aws: "the instances in a subnet must be terminated before it can be deleted: DependencyViolation",
    facts: "§16.1",
    range: "DependencyViolation",
  },
  {
    scenario: "ec2-network",
    step: "CreateLoadBalancer internet-facing in a VPC without an internet gateway",
    moto: "creates the load balancer",
    aws: "an internet-facing load balancer needs an internet gateway in its VPC",
    facts: "§16.8",
    range: "InvalidSubnetException",
  },
];
