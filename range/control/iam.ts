/**
 * The practice range's IAM mode (opt-in): with a policy set (`PUT /_sim/iam`, or RANGE_IAM_POLICY
 * at start), every AWS request is authorized as IAM would authorize an identity holding only that
 * policy. The request's action (`prefix:Operation`) and the resources it names are matched against
 * the policy's statements: an explicit Deny wins, else an Allow must match the action and every
 * resource; anything else is denied. A denied request is answered in its service's own shape
 * (docs/aws-behaviour.md §10.2). Conditions, NotAction, NotResource and principals are refused when
 * the policy is set, not ignored.
 *
 * Each operation's resource is what AWS checks for it (docs/aws-behaviour.md §10.1): the ARN of the
 * hosted zone, change, load balancer, listener, rule, group, service or task it names, or `*` for
 * the actions that take no resource-level permissions. Operations the range does not know a
 * resource for are checked against `*`, which only a `"Resource": "*"` statement allows.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { SimHttpRequest } from "@/range/protocols/http";
import { formParams } from "@/range/protocols/query";
import { SimApiError } from "@/range/protocols/errors";
import type { RangeWorld } from "@/range/world/world";

/**
 * The IAM service prefix of each emulated service (classic ELB and ELBv2 share one). A service the
 * range emulates but this table does not name is its own prefix, its resources `*`.
 */
export const IAM_PREFIXES: Readonly<Record<string, string>> = {
  route53: "route53",
  elb: "elasticloadbalancing",
  elbv2: "elasticloadbalancing",
  ec2: "ec2",
  cloudwatch: "cloudwatch",
  autoscaling: "autoscaling",
  ecs: "ecs",
};

const oneOrMany = z
  .union([z.string().min(1).max(2048), z.array(z.string().min(1).max(2048)).min(1).max(1000)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

const statementSchema = z.strictObject({
  Sid: z.string().max(128).optional(),
  Effect: z.enum(["Allow", "Deny"]),
  Action: oneOrMany,
  Resource: oneOrMany,
});

/** An identity policy as the range evaluates it (Action and Resource with `*` and `?` wildcards). */
export const rangeIamPolicySchema = z.strictObject({
  Version: z.enum(["2012-10-17", "2008-10-17"]).optional(),
  Id: z.string().max(128).optional(),
  Statement: z.union([statementSchema, z.array(statementSchema).min(1).max(500)]).transform((s) => (Array.isArray(s) ? s : [s])),
});

export type RangeIamPolicy = z.output<typeof rangeIamPolicySchema>;

/**
 * The policy in a JSON file (RANGE_IAM_POLICY), validated; throws an Error that names the file and
 * what is wrong with it.
 */
export function loadIamPolicyFile(file: string): RangeIamPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`RANGE_IAM_POLICY=${file}: not a readable JSON file (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = rangeIamPolicySchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`RANGE_IAM_POLICY=${file}: not a policy the range evaluates (${issues})`);
  }
  return parsed.data;
}

/** What one request asks IAM for: its action and every resource it acts on. */
export interface IamRequest {
  action: string;
  resources: string[];
}

/**
 * IAM's wildcard match: `*` any run of characters (across `:` and `/`), `?` one character. A greedy
 * two-pointer walk that goes back to the last `*` on a mismatch: linear in practice, never the
 * exponential backtracking a regular expression built from a policy could cost.
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  let pi = 0;
  let vi = 0;
  let star = -1;
  let resume = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === "?" || p[pi] === v[vi])) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === "*") {
      star = pi++;
      resume = vi;
    } else if (star >= 0) {
      pi = star + 1;
      vi = ++resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

function statementMatches(s: RangeIamPolicy["Statement"][number], action: string, resource: string): boolean {
  // Actions compare case-insensitively, resources (ARNs) exactly.
  return s.Action.some((a) => wildcardMatch(a, action, true)) && s.Resource.some((r) => wildcardMatch(r, resource));
}

/** Whether the policy allows `action` on `resource`: some Allow matches and no Deny does. */
export function isAllowed(policy: RangeIamPolicy, action: string, resource: string): boolean {
  if (policy.Statement.some((s) => s.Effect === "Deny" && statementMatches(s, action, resource))) return false;
  return policy.Statement.some((s) => s.Effect === "Allow" && statementMatches(s, action, resource));
}

/** The first resource of the request the policy does not allow its action on, or null when all are. */
export function deniedResource(policy: RangeIamPolicy, request: IamRequest): string | null {
  return request.resources.find((r) => !isAllowed(policy, request.action, r)) ?? null;
}

function jsonBody(req: SimHttpRequest): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(req.body.toString("utf8") || "{}");
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** A cluster's name, from its name or ARN ("default" when absent, as ECS takes it). */
function clusterName(value: unknown): string {
  if (typeof value !== "string" || value === "") return "default";
  return value.startsWith("arn:") ? (value.split("/").pop() ?? value) : value;
}

/** Route 53: the zone or change in the path (`/2013-04-01/hostedzone/Z…/rrset`, `/2013-04-01/change/C…`). */
function route53Resources(req: SimHttpRequest): string[] {
  const parts = req.path.split("/").filter((p) => p !== "");
  const [, kind, id] = parts;
  if (kind === "hostedzone" && id !== undefined) return [`arn:aws:route53:::hostedzone/${decodeURIComponent(id)}`];
  if (kind === "change" && id !== undefined) return [`arn:aws:route53:::change/${decodeURIComponent(id)}`];
  return ["*"];
}

/** ELBv2 operations that act on a resource named by ARN in this parameter. */
const ELBV2_ARN_PARAMS: Readonly<Record<string, string>> = {
  ModifyListener: "ListenerArn",
  DeleteListener: "ListenerArn",
  CreateRule: "ListenerArn",
  ModifyRule: "RuleArn",
  DeleteRule: "RuleArn",
  RegisterTargets: "TargetGroupArn",
  DeregisterTargets: "TargetGroupArn",
  ModifyTargetGroup: "TargetGroupArn",
  ModifyTargetGroupAttributes: "TargetGroupArn",
  DeleteTargetGroup: "TargetGroupArn",
  CreateListener: "LoadBalancerArn",
  DeleteLoadBalancer: "LoadBalancerArn",
  ModifyLoadBalancerAttributes: "LoadBalancerArn",
};

/** ECS operations on one service, by the body field naming it. */
const ECS_SERVICE_FIELDS: Readonly<Record<string, string>> = { UpdateService: "service", DeleteService: "service", CreateService: "serviceName" };

/**
 * The action and resources of one request to `service`. Describe*, List* and Get* calls (Route 53's
 * aside) take `*`; see the module comment for the rest.
 */
export function iamRequestOf(world: RangeWorld, service: string, operation: string, req: SimHttpRequest): IamRequest {
  const action = `${IAM_PREFIXES[service] ?? service}:${operation}`;
  const { region, accountId } = world.config;
  const arn = (svc: string, rest: string) => `arn:aws:${svc}:${region}:${accountId}:${rest}`;
  const reads = /^(Describe|List|Get)/.test(operation);
  switch (service) {
    case "route53":
      return { action, resources: route53Resources(req) };
    case "elb": {
      const name = formParams(req).get("LoadBalancerName");
      return { action, resources: reads || name === null ? ["*"] : [arn("elasticloadbalancing", `loadbalancer/${name}`)] };
    }
    case "elbv2": {
      const param = ELBV2_ARN_PARAMS[operation];
      const value = param === undefined ? null : formParams(req).get(param);
      return { action, resources: value === null || value === "" ? ["*"] : [value] };
    }
    case "autoscaling": {
      const params = formParams(req);
      // TerminateInstanceInAutoScalingGroup names the instance only: AWS checks the group it is in.
      const instanceId = params.get("InstanceId");
      const byInstance =
        instanceId === null
          ? undefined
          : [...(world.autoScalingGroups?.values() ?? [])].find((g) => g.instances.some((i) => i.instanceId === instanceId));
      const name = params.get("AutoScalingGroupName") ?? byInstance?.name ?? null;
      if (reads || name === null) return { action, resources: ["*"] };
      const known = world.autoScalingGroups?.get(name)?.arn;
      return {
        action,
        resources: [known ?? arn("autoscaling", `autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/${name}`)],
      };
    }
    case "ecs": {
      const body = jsonBody(req);
      const cluster = clusterName(body.cluster);
      const named = (kind: string, ids: string[]) => ids.map((id) => (id.startsWith("arn:") ? id : arn("ecs", `${kind}/${cluster}/${id}`)));
      if (operation === "DescribeServices") return { action, resources: named("service", stringsOf(body.services)) };
      if (operation === "DescribeTasks") return { action, resources: named("task", stringsOf(body.tasks)) };
      const field = ECS_SERVICE_FIELDS[operation];
      const service = field === undefined ? undefined : body[field];
      return { action, resources: typeof service === "string" ? named("service", [service]) : ["*"] };
    }
    default:
      // EC2's and CloudWatch's calls here take no resource.
      return { action, resources: ["*"] };
  }
}

/** Who the range says made a denied request (it checks no credentials: one identity for all). */
function caller(world: RangeWorld): string {
  return `arn:aws:iam::${world.config.accountId}:user/practice-range`;
}

/** The refusal of `request` on `resource`, with the code, status and wording its service answers. */
export function accessDenied(world: RangeWorld, service: string, request: IamRequest, resource: string): SimApiError {
  const why = `because no identity-based policy allows the ${request.action} action`;
  const onResource = resource === "*" ? "" : ` on resource: ${resource}`;
  const message = `User: ${caller(world)} is not authorized to perform: ${request.action}${onResource} ${why}`;
  if (service === "ec2") return new SimApiError("UnauthorizedOperation", `You are not authorized to perform this operation. ${message}`, 403);
  if (service === "ecs") return new SimApiError("AccessDeniedException", message, 400);
  return new SimApiError("AccessDenied", message, 403);
}
