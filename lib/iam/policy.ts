/**
 * The IAM policy the configured applications need (`teal iam-policy`): for each application, the
 * operations its pattern reads and calls (from the one table, lib/aws/operations.ts), each scoped
 * to the application's own resources where the action takes a resource (docs/aws-behaviour.md
 * §10.1), and `"*"` where it takes none. Pure: no AWS call; what the config cannot tell (the
 * account, a hosted zone's id when the config names the zone) comes from the options, or stays a
 * wildcard with a note saying so.
 */
import type { AppConfig } from "@/lib/config/schema";
import { AWS_OPERATIONS, IAM_PREFIX, type AwsOperationKey, type IamAccess, type IamResourceKind } from "@/lib/aws/operations";

export interface IamStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
}

export interface IamPolicyDocument {
  Version: "2012-10-17";
  Statement: IamStatement[];
}

export interface PolicyOptions {
  /** The 12-digit account id; `*` (any account) when absent. */
  account?: string;
  /** Hosted zone ids by zone name (lower case, trailing dot), for zones the config names. */
  zoneIds?: Readonly<Record<string, string>>;
}

export interface GeneratedPolicy {
  policy: IamPolicyDocument;
  /** What the person should know: wildcards left where the config could not tell, permissions Teal cannot generate. */
  notes: string[];
}

/** One operation an application needs, on these resources (ARNs, or `*`). */
export interface Grant {
  operation: AwsOperationKey;
  resources: string[];
}

/** Where an application's resources live: Region and account (or `*`). */
interface Place {
  region: string;
  account: string;
}

const withDot = (name: string): string => (name.endsWith(".") ? name.toLowerCase() : `${name.toLowerCase()}.`);

/** The bare id of a zone the config names by id (Z…, or /hostedzone/Z…), or null for a name. */
export function zoneIdOf(hostedZone: string): string | null {
  const id = hostedZone.replace(/^\/hostedzone\//, "");
  return /^Z[A-Z0-9]{4,}$/.test(id) ? id : null;
}

/** The ARN of a resource of `kind` in `place`, named by `name` (a pattern: may end in `*`). */
function arn(kind: IamResourceKind, place: Place, name: string): string {
  const { region, account } = place;
  switch (kind) {
    case "hostedzone":
      return `arn:aws:route53:::hostedzone/${name}`;
    case "change":
      return `arn:aws:route53:::change/${name}`;
    case "classic-loadbalancer":
      return `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/${name}`;
    case "listener":
      // listener/app/LB-NAME/LB-ID/LISTENER-ID: the load balancer's id is AWS's, so any.
      return `arn:aws:elasticloadbalancing:${region}:${account}:listener/app/${name}/*`;
    case "listener-rule":
      return `arn:aws:elasticloadbalancing:${region}:${account}:listener-rule/app/${name}/*`;
    case "autoscaling-group":
      // The group's id (a UUID AWS makes) sits between; the name is what the config knows.
      return `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${name}`;
    case "ecs-service":
      return `arn:aws:ecs:${region}:${account}:service/${name}`;
    case "ecs-task":
      return `arn:aws:ecs:${region}:${account}:task/${name}/*`;
  }
}

/** A grant of `operation` on the resources named (scoped by the table's resource kind), or on `*`. */
function grant(operation: AwsOperationKey, place: Place, names: string[] = []): Grant {
  const kind: IamResourceKind | null = AWS_OPERATIONS[operation].resource;
  if (kind === null) return { operation, resources: ["*"] };
  if (names.length === 0) throw new Error(`${operation} is scoped to a ${kind}: name one`);
  return { operation, resources: names.map((n) => arn(kind, place, n)) };
}

/** Reads and writes of a weighted record in one hosted zone (dns-weighted, ecs-dns-swap). */
function dnsGrants(hostedZone: string, place: Place, opts: PolicyOptions, notes: string[]): Grant[] {
  const byId = zoneIdOf(hostedZone);
  const zone = withDot(hostedZone);
  const id = byId ?? opts.zoneIds?.[zone] ?? null;
  if (id === null)
    notes.push(
      `The config names hosted zone ${zone} by name: its record actions allow every zone (hostedzone/*). Give its id with --zone ${zone}=Z… to scope them.`,
    );
  const zoneName = id ?? "*";
  return [
    // A zone named by name is looked up once (lib/aws/route53.ts resolveHostedZoneId).
    ...(byId === null ? [grant("route53:ListHostedZones", place)] : []),
    grant("route53:ListResourceRecordSets", place, [zoneName]),
    grant("route53:ChangeResourceRecordSets", place, [zoneName]),
    // Change ids are made by each change.
    grant("route53:GetChange", place, ["*"]),
  ];
}

/** Reading an ALB, its target groups and their health (and listeners and rules for alb-weighted). */
function albReadGrants(place: Place, listeners: boolean): Grant[] {
  return [
    grant("elbv2:DescribeLoadBalancers", place),
    grant("elbv2:DescribeTargetGroups", place),
    grant("elbv2:DescribeTargetHealth", place),
    ...(listeners ? [grant("elbv2:DescribeListeners", place), grant("elbv2:DescribeRules", place)] : []),
  ];
}

/** Reading ECS services, their tasks and task definitions, and scaling or redeploying them. */
function ecsGrants(cluster: string, services: string[], place: Place, opts: { revisions: boolean }): Grant[] {
  const clusterName = cluster.startsWith("arn:") ? (cluster.split("/").pop() ?? cluster) : cluster;
  const names = services.map((s) => `${clusterName}/${s}`);
  return [
    grant("ecs:DescribeServices", place, names),
    grant("ecs:UpdateService", place, names),
    grant("ecs:ListTasks", place),
    grant("ecs:DescribeTasks", place, [clusterName]),
    grant("ecs:DescribeTaskDefinition", place),
    ...(opts.revisions ? [grant("ecs:ListTaskDefinitions", place)] : []),
  ];
}

type AsgLoadBalancer = Extract<AppConfig, { pattern: "asg-swap" }>["loadBalancer"];

/** What both Auto Scaling patterns read: groups, attachments, launch templates, instances, the load balancer's health. */
function asgReadGrants(lb: AsgLoadBalancer, place: Place): Grant[] {
  return [
    grant("autoscaling:DescribeAutoScalingGroups", place),
    grant("autoscaling:DescribeTrafficSources", place),
    grant("ec2:DescribeInstances", place),
    // A group's launch template is resolved to its version whatever the config says.
    grant("ec2:DescribeLaunchTemplates", place),
    ...(lb.kind === "classic"
      ? [grant("elb:DescribeLoadBalancers", place), grant("elb:DescribeInstanceHealth", place)]
      : [grant("elbv2:DescribeTargetGroups", place), grant("elbv2:DescribeTargetHealth", place)]),
  ];
}

/** Every operation `app` reads and calls, with its resources. Observers, waits and plans included. */
export function appGrants(app: AppConfig, opts: PolicyOptions = {}, notes: string[] = []): Grant[] {
  const place: Place = { region: app.region, account: opts.account ?? "*" };
  const metrics = grant("cloudwatch:GetMetricData", place);
  switch (app.pattern) {
    case "dns-weighted":
      return [
        ...dnsGrants(app.dns.hostedZone, place, opts, notes),
        grant("elb:DescribeLoadBalancers", place),
        grant("elb:DescribeInstanceHealth", place),
        grant("ec2:DescribeInstances", place),
        metrics,
      ];
    case "ecs-dns-swap":
      return [
        ...dnsGrants(app.dns.hostedZone, place, opts, notes),
        ...albReadGrants(place, false),
        ...ecsGrants(app.cluster, [app.blue.service, app.green.service], place, { revisions: false }),
        metrics,
      ];
    case "ecs-elb-swap":
      return [...albReadGrants(place, false), ...ecsGrants(app.cluster, [app.blue.service, app.green.service], place, { revisions: false }), metrics];
    case "ecs-rolling":
      return [
        ...(app.loadBalancer !== undefined || app.targetGroup !== undefined ? albReadGrants(place, false) : []),
        ...ecsGrants(app.cluster, [app.service], place, { revisions: true }),
        metrics,
      ];
    case "alb-weighted":
      return [
        ...albReadGrants(place, true),
        grant("ec2:DescribeInstances", place),
        // Weights live on a rule when the config names its priority, else on the listener's default action.
        app.rulePriority === undefined
          ? grant("elbv2:ModifyListener", place, [app.loadBalancer])
          : grant("elbv2:ModifyRule", place, [app.loadBalancer]),
        metrics,
      ];
    case "asg-swap": {
      const groups = [app.blue.autoScalingGroup, app.green.autoScalingGroup];
      return [
        ...asgReadGrants(app.loadBalancer, place),
        ...(
          [
            "SetDesiredCapacity",
            "AttachTrafficSources",
            "DetachTrafficSources",
            "EnterStandby",
            "ExitStandby",
            "TerminateInstanceInAutoScalingGroup",
          ] as const
        ).map((op) => grant(`autoscaling:${op}`, place, groups)),
        metrics,
      ];
    }
    case "launch-swap": {
      const groups = [app.autoScalingGroup];
      if ("launchTemplate" in app.blue || "launchTemplate" in app.green) {
        notes.push(
          `${app.id} swaps launch templates: Auto Scaling also checks that Teal may launch from them (ec2:RunInstances, and iam:PassRole for an instance profile's role); add those for your templates.`,
        );
      }
      return [
        ...asgReadGrants(app.loadBalancer, place),
        ...(
          [
            "UpdateAutoScalingGroup",
            "SetDesiredCapacity",
            "AttachTrafficSources",
            "EnterStandby",
            "ExitStandby",
            "TerminateInstanceInAutoScalingGroup",
          ] as const
        ).map((op) => grant(`autoscaling:${op}`, place, groups)),
        metrics,
      ];
    }
  }
}

/** "elasticloadbalancing" → "ElasticLoadBalancing"-ish Sid stem: letters and digits only. */
function sidStem(prefix: string): string {
  const names: Record<string, string> = {
    route53: "Route53",
    elasticloadbalancing: "ElasticLoadBalancing",
    autoscaling: "AutoScaling",
    ecs: "Ecs",
    ec2: "Ec2",
    cloudwatch: "CloudWatch",
  };
  return names[prefix] ?? prefix.replace(/[^A-Za-z0-9]/g, "");
}

/**
 * The policy for `apps`: one statement per IAM service prefix, access (read or write) and set of
 * resources, so an action is allowed only on the resources some application needs it on.
 */
export function iamPolicy(apps: readonly AppConfig[], opts: PolicyOptions = {}): GeneratedPolicy {
  if (opts.account !== undefined && !/^\d{12}$/.test(opts.account)) throw new Error("an account id is 12 digits");
  const notes: string[] = [];
  // action → resources, in the order met.
  const byAction = new Map<string, { prefix: string; access: IamAccess; resources: Set<string> }>();
  for (const app of apps) {
    for (const g of appGrants(app, opts, notes)) {
      const spec = AWS_OPERATIONS[g.operation];
      const entry = byAction.get(spec.iamAction) ?? { prefix: IAM_PREFIX[spec.service], access: spec.access, resources: new Set<string>() };
      for (const r of g.resources) entry.resources.add(r);
      byAction.set(spec.iamAction, entry);
    }
  }
  // A "*" makes every narrower resource of the same action redundant.
  for (const entry of byAction.values()) if (entry.resources.has("*")) entry.resources = new Set(["*"]);

  const groups = new Map<string, { prefix: string; access: IamAccess; actions: string[]; resources: string[] }>();
  for (const [action, entry] of byAction) {
    const resources = [...entry.resources].sort();
    const key = `${entry.prefix}|${entry.access}|${resources.join(",")}`;
    const group = groups.get(key) ?? { prefix: entry.prefix, access: entry.access, actions: [], resources };
    group.actions.push(action);
    groups.set(key, group);
  }
  const ordered = [...groups.values()].sort(
    (a, b) =>
      a.prefix.localeCompare(b.prefix) ||
      (a.access === b.access ? 0 : a.access === "read" ? -1 : 1) ||
      Number(b.resources.includes("*")) - Number(a.resources.includes("*")) ||
      a.resources.join(",").localeCompare(b.resources.join(",")),
  );
  const counts = new Map<string, number>();
  const statements: IamStatement[] = ordered.map((g) => {
    const stem = `${sidStem(g.prefix)}${g.access === "read" ? "Read" : "Write"}`;
    const n = (counts.get(stem) ?? 0) + 1;
    counts.set(stem, n);
    return { Sid: n === 1 ? stem : `${stem}${n}`, Effect: "Allow", Action: [...g.actions].sort(), Resource: g.resources };
  });
  return { policy: { Version: "2012-10-17", Statement: statements }, notes: [...new Set(notes)] };
}
