/**
 * Every AWS operation Teal's code can send, in one table: the service (as Teal's clients name it),
 * the IAM action that allows it, whether it reads or writes, and the kind of resource the action
 * can be scoped to where the service supports resource-level permissions (docs/aws-behaviour.md
 * §10.1). `null` means the policy must name `"*"`: the service takes no narrower resource for
 * that action, or we could not confirm that it does (then the entry says so in `why`).
 *
 * `lib/aws/operations.test.ts` scans lib/aws for the SDK commands it imports and fails when one is
 * missing here; `teal iam-policy` (lib/iam/policy.ts) builds its policy from this table only.
 */
import type { AwsService } from "@/lib/domain/basics";

export type IamAccess = "read" | "write";

/**
 * Resource types an action can be scoped to (docs/aws-behaviour.md §10.1), with their ARN forms:
 * - `hostedzone`: `arn:aws:route53:::hostedzone/ZONEID`
 * - `change`: `arn:aws:route53:::change/CHANGEID` (ids are made by each change: Teal uses `change/*`)
 * - `classic-loadbalancer`: `arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/NAME`
 * - `listener`: `arn:aws:elasticloadbalancing:REGION:ACCOUNT:listener/app/LBNAME/LBID/LISTENERID`
 * - `listener-rule`: `arn:aws:elasticloadbalancing:REGION:ACCOUNT:listener-rule/app/LBNAME/LBID/LISTENERID/RULEID`
 * - `autoscaling-group`: `arn:aws:autoscaling:REGION:ACCOUNT:autoScalingGroup:GROUPID:autoScalingGroupName/NAME`
 * - `ecs-service`: `arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME`
 * - `ecs-task`: `arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/TASKID`
 */
export type IamResourceKind =
  "hostedzone" | "change" | "classic-loadbalancer" | "listener" | "listener-rule" | "autoscaling-group" | "ecs-service" | "ecs-task";

export interface AwsOperationSpec {
  service: AwsService;
  /** The operation as AWS names it (the SDK's command name without `Command`). */
  operation: string;
  /** `prefix:Action` as an IAM policy names it. */
  iamAction: string;
  access: IamAccess;
  /** The resource the action can be scoped to; null: `"*"` only. */
  resource: IamResourceKind | null;
  /** Why `"*"` where one might expect a resource, or what else the call needs. */
  why?: string;
  /** Set when no pattern uses the operation, so no generated policy grants it: why. */
  notGranted?: string;
}

/** The IAM service prefix of each of Teal's services: classic ELB and ELBv2 share one. */
export const IAM_PREFIX: Readonly<Record<AwsService, string>> = {
  route53: "route53",
  elb: "elasticloadbalancing",
  elbv2: "elasticloadbalancing",
  autoscaling: "autoscaling",
  ecs: "ecs",
  ec2: "ec2",
  cloudwatch: "cloudwatch",
  sts: "sts",
};

const CLI_ONLY =
  "Only `teal discover` and `teal validate` call it, with the credentials of whoever runs them; the server never does, so no generated policy grants it.";

const DESCRIBE_STAR = "Describe and List actions of this service take no resource-level permissions (docs/aws-behaviour.md §10.1).";

export const AWS_OPERATIONS = {
  // Route 53 (lib/aws/route53.ts, route53-change.ts, waits.ts, gateway.ts).
  "route53:ListHostedZones": {
    service: "route53",
    operation: "ListHostedZones",
    iamAction: "route53:ListHostedZones",
    access: "read",
    resource: null,
    why: "Finds a zone configured by name; a zone configured by id needs no lookup.",
  },
  "route53:ListResourceRecordSets": {
    service: "route53",
    operation: "ListResourceRecordSets",
    iamAction: "route53:ListResourceRecordSets",
    access: "read",
    resource: "hostedzone",
  },
  "route53:ChangeResourceRecordSets": {
    service: "route53",
    operation: "ChangeResourceRecordSets",
    iamAction: "route53:ChangeResourceRecordSets",
    access: "write",
    resource: "hostedzone",
  },
  "route53:GetChange": { service: "route53", operation: "GetChange", iamAction: "route53:GetChange", access: "read", resource: "change" },

  // Classic ELB (lib/aws/elb.ts, waits.ts, gateway.ts).
  "elb:DescribeLoadBalancers": {
    service: "elb",
    operation: "DescribeLoadBalancers",
    iamAction: "elasticloadbalancing:DescribeLoadBalancers",
    access: "read",
    resource: null,
    why: DESCRIBE_STAR,
  },
  "elb:DescribeInstanceHealth": {
    service: "elb",
    operation: "DescribeInstanceHealth",
    iamAction: "elasticloadbalancing:DescribeInstanceHealth",
    access: "read",
    resource: null,
    why: DESCRIBE_STAR,
  },
  "elb:RegisterInstancesWithLoadBalancer": {
    service: "elb",
    operation: "RegisterInstancesWithLoadBalancer",
    iamAction: "elasticloadbalancing:RegisterInstancesWithLoadBalancer",
    access: "write",
    resource: "classic-loadbalancer",
    notGranted: "In the gateway's table, but no pattern plans it: no generated policy grants it.",
  },
  "elb:DeregisterInstancesFromLoadBalancer": {
    service: "elb",
    operation: "DeregisterInstancesFromLoadBalancer",
    iamAction: "elasticloadbalancing:DeregisterInstancesFromLoadBalancer",
    access: "write",
    resource: "classic-loadbalancer",
    notGranted: "In the gateway's table, but no pattern plans it: no generated policy grants it.",
  },

  // ELBv2 (lib/aws/elbv2.ts, waits.ts, gateway.ts).
  "elbv2:DescribeLoadBalancers": {
    service: "elbv2",
    operation: "DescribeLoadBalancers",
    iamAction: "elasticloadbalancing:DescribeLoadBalancers",
    access: "read",
    resource: null,
    why: DESCRIBE_STAR,
  },
  "elbv2:DescribeTargetGroups": {
    service: "elbv2",
    operation: "DescribeTargetGroups",
    iamAction: "elasticloadbalancing:DescribeTargetGroups",
    access: "read",
    resource: null,
    why: DESCRIBE_STAR,
  },
  "elbv2:DescribeListeners": {
    service: "elbv2",
    operation: "DescribeListeners",
    iamAction: "elasticloadbalancing:DescribeListeners",
    access: "read",
    resource: null,
    why: DESCRIBE_STAR,
  },
  "elbv2:DescribeRules": {
    service: "elbv2",
    operation: "DescribeRules",
    iamAction: "elasticloadbalancing:DescribeRules",
    access: "read",
    resource: null,
    why: DESCRIBE_STAR,
  },
  "elbv2:DescribeTargetHealth": {
    service: "elbv2",
    operation: "DescribeTargetHealth",
    iamAction: "elasticloadbalancing:DescribeTargetHealth",
    access: "read",
    resource: null,
    why: DESCRIBE_STAR,
  },
  "elbv2:ModifyListener": {
    service: "elbv2",
    operation: "ModifyListener",
    iamAction: "elasticloadbalancing:ModifyListener",
    access: "write",
    resource: "listener",
  },
  "elbv2:ModifyRule": {
    service: "elbv2",
    operation: "ModifyRule",
    iamAction: "elasticloadbalancing:ModifyRule",
    access: "write",
    resource: "listener-rule",
  },

  // Auto Scaling (lib/aws/autoscaling.ts, reachability.ts, waits.ts, gateway.ts).
  "autoscaling:DescribeAutoScalingGroups": {
    service: "autoscaling",
    operation: "DescribeAutoScalingGroups",
    iamAction: "autoscaling:DescribeAutoScalingGroups",
    access: "read",
    resource: null,
    why: `${DESCRIBE_STAR} Readiness also sends it once per Region, and counts a refusal as AWS answering.`,
  },
  "autoscaling:DescribeTrafficSources": {
    service: "autoscaling",
    operation: "DescribeTrafficSources",
    iamAction: "autoscaling:DescribeTrafficSources",
    access: "read",
    resource: null,
    why: DESCRIBE_STAR,
  },
  "autoscaling:SetDesiredCapacity": {
    service: "autoscaling",
    operation: "SetDesiredCapacity",
    iamAction: "autoscaling:SetDesiredCapacity",
    access: "write",
    resource: "autoscaling-group",
  },
  "autoscaling:UpdateAutoScalingGroup": {
    service: "autoscaling",
    operation: "UpdateAutoScalingGroup",
    iamAction: "autoscaling:UpdateAutoScalingGroup",
    access: "write",
    resource: "autoscaling-group",
    why: "With a launch template, Auto Scaling also checks that the caller may launch from it (docs/aws-behaviour.md §10.1).",
  },
  "autoscaling:AttachTrafficSources": {
    service: "autoscaling",
    operation: "AttachTrafficSources",
    iamAction: "autoscaling:AttachTrafficSources",
    access: "write",
    resource: "autoscaling-group",
  },
  "autoscaling:DetachTrafficSources": {
    service: "autoscaling",
    operation: "DetachTrafficSources",
    iamAction: "autoscaling:DetachTrafficSources",
    access: "write",
    resource: "autoscaling-group",
  },
  "autoscaling:EnterStandby": {
    service: "autoscaling",
    operation: "EnterStandby",
    iamAction: "autoscaling:EnterStandby",
    access: "write",
    resource: "autoscaling-group",
  },
  "autoscaling:ExitStandby": {
    service: "autoscaling",
    operation: "ExitStandby",
    iamAction: "autoscaling:ExitStandby",
    access: "write",
    resource: "autoscaling-group",
  },
  "autoscaling:TerminateInstanceInAutoScalingGroup": {
    service: "autoscaling",
    operation: "TerminateInstanceInAutoScalingGroup",
    iamAction: "autoscaling:TerminateInstanceInAutoScalingGroup",
    access: "write",
    resource: "autoscaling-group",
  },

  // EC2 (lib/aws/ec2.ts, autoscaling.ts).
  "ec2:DescribeInstances": {
    service: "ec2",
    operation: "DescribeInstances",
    iamAction: "ec2:DescribeInstances",
    access: "read",
    resource: null,
    why: DESCRIBE_STAR,
  },
  "ec2:DescribeLaunchTemplates": {
    service: "ec2",
    operation: "DescribeLaunchTemplates",
    iamAction: "ec2:DescribeLaunchTemplates",
    access: "read",
    resource: null,
    why: DESCRIBE_STAR,
  },

  // ECS (lib/aws/ecs.ts, waits.ts, gateway.ts).
  "ecs:DescribeServices": {
    service: "ecs",
    operation: "DescribeServices",
    iamAction: "ecs:DescribeServices",
    access: "read",
    resource: "ecs-service",
  },
  "ecs:UpdateService": { service: "ecs", operation: "UpdateService", iamAction: "ecs:UpdateService", access: "write", resource: "ecs-service" },
  "ecs:ListTasks": {
    service: "ecs",
    operation: "ListTasks",
    iamAction: "ecs:ListTasks",
    access: "read",
    resource: null,
    why: "Scoped by container instance and cluster condition, not by service; unverified which resource AWS checks, so '*'.",
  },
  "ecs:DescribeTasks": { service: "ecs", operation: "DescribeTasks", iamAction: "ecs:DescribeTasks", access: "read", resource: "ecs-task" },
  "ecs:ListTaskDefinitions": {
    service: "ecs",
    operation: "ListTaskDefinitions",
    iamAction: "ecs:ListTaskDefinitions",
    access: "read",
    resource: null,
    why: DESCRIBE_STAR,
  },
  "ecs:DescribeTaskDefinition": {
    service: "ecs",
    operation: "DescribeTaskDefinition",
    iamAction: "ecs:DescribeTaskDefinition",
    access: "read",
    resource: null,
    why: "Unverified whether AWS takes a task-definition resource for it; '*' works either way.",
  },

  // CloudWatch (lib/aws/cloudwatch.ts).
  "cloudwatch:GetMetricData": {
    service: "cloudwatch",
    operation: "GetMetricData",
    iamAction: "cloudwatch:GetMetricData",
    access: "read",
    resource: null,
    why: DESCRIBE_STAR,
  },
  // Read by `teal discover` and `teal validate` only (lib/accounts, lib/aws/inventory.ts).
  "elb:DescribeTags": {
    service: "elb",
    operation: "DescribeTags",
    iamAction: "elasticloadbalancing:DescribeTags",
    access: "read",
    resource: null,
    notGranted: CLI_ONLY,
  },
  "elbv2:DescribeTags": {
    service: "elbv2",
    operation: "DescribeTags",
    iamAction: "elasticloadbalancing:DescribeTags",
    access: "read",
    resource: null,
    notGranted: CLI_ONLY,
  },
  "ecs:ListClusters": {
    service: "ecs",
    operation: "ListClusters",
    iamAction: "ecs:ListClusters",
    access: "read",
    resource: null,
    notGranted: CLI_ONLY,
  },
  "ecs:ListServices": {
    service: "ecs",
    operation: "ListServices",
    iamAction: "ecs:ListServices",
    access: "read",
    resource: null,
    notGranted: CLI_ONLY,
  },
  "ecs:ListTagsForResource": {
    service: "ecs",
    operation: "ListTagsForResource",
    iamAction: "ecs:ListTagsForResource",
    access: "read",
    resource: null,
    notGranted: CLI_ONLY,
  },
  "autoscaling:DescribeLaunchConfigurations": {
    service: "autoscaling",
    operation: "DescribeLaunchConfigurations",
    iamAction: "autoscaling:DescribeLaunchConfigurations",
    access: "read",
    resource: null,
    notGranted: CLI_ONLY,
  },
  // STS (lib/aws/assume-role.ts): an application with `assumeRole`.
  "sts:AssumeRole": {
    service: "sts",
    operation: "AssumeRole",
    iamAction: "sts:AssumeRole",
    access: "read",
    resource: null,
    notGranted:
      "Needed by the server's own identity on each application's role (and the role's trust policy must name that identity); `teal iam-policy` prints the permissions the role itself needs, not this statement.",
  },
} as const satisfies Record<string, AwsOperationSpec>;

/** `service:Operation` of an operation in the table. */
export type AwsOperationKey = keyof typeof AWS_OPERATIONS;

/** The table's entry of an operation. */
export function operationSpec(key: AwsOperationKey): AwsOperationSpec {
  return AWS_OPERATIONS[key];
}

/** Every entry of the table. */
export function allOperations(): AwsOperationSpec[] {
  return Object.values(AWS_OPERATIONS);
}

/** The entry of `service`/`operation`, or undefined when Teal does not call it. */
export function findOperation(service: string, operation: string): AwsOperationSpec | undefined {
  return allOperations().find((o) => o.service === service && o.operation === operation);
}

/**
 * The IAM action of an operation named without its service (as errors name it), when the name
 * tells: classic ELB's and ELBv2's `DescribeLoadBalancers` share one action. Null for an operation
 * the table does not hold.
 */
export function iamActionOf(operation: string): string | null {
  const actions = new Set(allOperations().flatMap((o) => (o.operation === operation ? [o.iamAction] : [])));
  return actions.size === 1 ? ([...actions][0] ?? null) : null;
}
