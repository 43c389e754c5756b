/**
 * Elastic Load Balancing v2 (API 2015-12-01, query protocol) for Application Load Balancers, as
 * `@aws-sdk/client-elastic-load-balancing-v2` sends and parses it: load balancers (provisioning →
 * active), target groups with health-check settings and attributes, listeners and rules with
 * forward (weighted, sticky), fixed-response and redirect actions, target registration and health
 * (docs/aws-behaviour.md §3). Target state lives in elbv2-targets.ts, which the world tick drives.
 *
 * Action changes (ModifyListener, ModifyRule) are stored at once — Describe shows them — but reach
 * traffic after SimConfig.albActionDelayMs (docs/aws-behaviour.md §11: "a small delay of 1–5 s").
 */
import { DEFAULT_VPC_ID, hasInternetGateway, networkOf, subnetById, vpcDefaultGroup } from "@/range/world/network";
import {
  DEFAULT_ALB_ACTION_DELAY_MS,
  DEFAULT_ALB_PROVISIONING_MS,
  deregisterTargetsByPort,
  loadBalancerArnsOf,
  registerTargets,
  requireTargetGroup,
  rulesForwardingTo,
  TARGET_DESCRIPTIONS,
  targetHealth,
} from "@/range/world/elbv2-targets";
import { SimApiError } from "./errors";
import type { SimHttpRequest, SimHttpResponse } from "./http";
import { elbDnsNumber, requestId } from "@/range/world/ids";
import type { Prng } from "@/range/world/prng";
import {
  isoTime,
  queryBool,
  queryError,
  queryInt,
  queryListItems,
  queryListValues,
  queryStruct,
  xmlList,
  type XmlFields,
  type XmlValue,
  handleQueryAction,
  mergeTags,
  queryTags,
  tagList,
} from "./query";
import { ELB_CANONICAL_ZONE_IDS } from "./route53";
import type { SimApplicationLoadBalancer, SimListener, SimListenerAction, SimRule, SimSubnet, SimTargetGroup, SimWorld } from "@/range/world/state";
import { drawPrng, scaled, type RangeWorld } from "@/range/world/world";

export const ELBV2_NAMESPACE = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
export const ELBV2_VERSION = "2015-12-01";
/** ALB quota: target groups per forward action (docs/aws-behaviour.md §3.2). */
export const MAX_TARGET_GROUPS_PER_ACTION = 5;

type Handler = (world: RangeWorld, params: URLSearchParams) => XmlFields;

const OPERATIONS: Readonly<Record<string, Handler>> = {
  CreateLoadBalancer: createLoadBalancer,
  DeleteLoadBalancer: deleteLoadBalancer,
  DescribeLoadBalancers: describeLoadBalancers,
  CreateTargetGroup: createTargetGroup,
  DeleteTargetGroup: deleteTargetGroup,
  DescribeTargetGroups: describeTargetGroups,
  ModifyTargetGroup: modifyTargetGroup,
  DescribeTargetGroupAttributes: describeTargetGroupAttributes,
  ModifyTargetGroupAttributes: modifyTargetGroupAttributes,
  CreateListener: createListener,
  DeleteListener: deleteListener,
  DescribeListeners: describeListeners,
  ModifyListener: modifyListener,
  CreateRule: createRule,
  DeleteRule: deleteRule,
  DescribeRules: describeRules,
  ModifyRule: modifyRule,
  RegisterTargets: registerTargetsOp,
  DeregisterTargets: deregisterTargetsOp,
  DescribeTargetHealth: describeTargetHealth,
  AddTags: addTags,
  DescribeTags: describeTags,
};

/** Handles one ELBv2 query request: `<Action>Response><Action>Result>` or an `ErrorResponse`. */
export function handleElbv2(world: RangeWorld, req: SimHttpRequest): SimHttpResponse {
  return handleQueryAction({ namespace: ELBV2_NAMESPACE, operations: OPERATIONS }, world, req, requestId(drawPrng(world)));
}

/** An error in the ELBv2 query shape (for the server's throttling and fault injection). */
export function elbv2Error(err: SimApiError, rid: string): SimHttpResponse {
  return queryError(ELBV2_NAMESPACE, err, rid);
}

// ---------------------------------------------------------------------------------------------
// World access and parameter readers

function albsOf(world: SimWorld): Map<string, SimApplicationLoadBalancer> {
  if (world.albs === undefined) world.albs = new Map();
  return world.albs;
}

function targetGroupsOf(world: SimWorld): Map<string, SimTargetGroup> {
  if (world.targetGroups === undefined) world.targetGroups = new Map();
  return world.targetGroups;
}

function validation(message: string): SimApiError {
  return new SimApiError("ValidationError", message, 400);
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function requireString(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === "") {
    throw validation(`1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function checkRange(value: number | "invalid", field: string, min: number, max: number): number {
  if (value === "invalid" || value < min || value > max) {
    throw validation(
      `1 validation error detected: Value '${String(value)}' at '${lowerFirst(field)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return value;
}

function optionalInt(params: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const value = queryInt(params, name);
  return value === undefined ? fallback : checkRange(value, name, min, max);
}

function optionalBool(params: URLSearchParams, name: string): boolean | undefined {
  const value = queryBool(params, name);
  if (value === "invalid") throw validation(`Value for '${lowerFirst(name)}' must be true or false`);
  return value;
}

function hex(prng: Prng, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += "0123456789abcdef"[prng.int(16)];
  return out;
}

function arnPrefix(world: SimWorld): string {
  return `arn:aws:elasticloadbalancing:${world.config.region}:${world.config.accountId}`;
}

/** ALB and target-group names: 1–32 alphanumerics or hyphens, no hyphen at either end. */
function checkName(name: string, what: string): void {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(name)) {
    throw validation(`${what} name '${name}' must be 1-32 alphanumeric characters or hyphens, and must not begin or end with a hyphen`);
  }
}

function tagsOf(params: URLSearchParams): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const item of queryListItems(params, "Tags.member")) {
    const key = item.get("Key");
    if (key !== null && key !== "") tags[key] = item.get("Value") ?? "";
  }
  return tags;
}

/** The load balancer or target group an ARN names (the resources Teal tags); its NotFound error otherwise. */
function taggable(world: SimWorld, arn: string): SimApplicationLoadBalancer | SimTargetGroup {
  if (arn.includes(":targetgroup/")) {
    const tg = targetGroupsOf(world).get(arn);
    if (tg === undefined) throw new SimApiError("TargetGroupNotFound", `Target groups '[${arn}]' not found`, 400);
    return tg;
  }
  return findAlb(world, arn);
}

/** AddTags: the same tags on 1 to 20 resources. */
function addTags(world: SimWorld, params: URLSearchParams): XmlFields {
  const arns = queryListValues(params, "ResourceArns.member");
  if (arns.length < 1 || arns.length > 20) throw validation("ResourceArns must name 1 to 20 resources.");
  const tags = queryTags(params);
  if (Object.keys(tags).length === 0) throw validation("Tags must name at least one tag.");
  const resources = arns.map((arn) => taggable(world, arn));
  const merged = resources.map((r) => mergeTags(r.tags, tags));
  resources.forEach((r, i) => {
    r.tags = merged[i] ?? r.tags;
  });
  return {};
}

/** DescribeTags: the tags of 1 to 20 load balancers and target groups. */
function describeTags(world: SimWorld, params: URLSearchParams): XmlFields {
  const arns = queryListValues(params, "ResourceArns.member");
  if (arns.length < 1 || arns.length > 20) throw validation("ResourceArns must name 1 to 20 resources.");
  return {
    TagDescriptions: xmlList(
      "member",
      arns.map((arn): XmlValue => ({ ResourceArn: arn, Tags: tagList(taggable(world, arn).tags) })),
    ),
  };
}

function findAlb(world: SimWorld, arn: string): SimApplicationLoadBalancer {
  const alb = albsOf(world).get(arn);
  if (alb === undefined) throw new SimApiError("LoadBalancerNotFound", `Load balancer '${arn}' not found`, 400);
  return alb;
}

function findListener(world: SimWorld, arn: string): { alb: SimApplicationLoadBalancer; listener: SimListener } {
  for (const alb of albsOf(world).values()) {
    const listener = alb.listeners.find((l) => l.arn === arn);
    if (listener !== undefined) return { alb, listener };
  }
  throw new SimApiError("ListenerNotFound", `Listener '${arn}' not found`, 400);
}

function findRule(world: SimWorld, arn: string): { alb: SimApplicationLoadBalancer; listener: SimListener; rule: SimRule } {
  for (const alb of albsOf(world).values()) {
    for (const listener of alb.listeners) {
      const rule = listener.rules.find((r) => r.arn === arn);
      if (rule !== undefined) return { alb, listener, rule };
    }
  }
  throw new SimApiError("RuleNotFound", `One or more rules not found`, 400);
}

/** Marker paging over an already ordered list (the marker is the index of the next item). */
function page<T>(params: URLSearchParams, items: T[]): { items: T[]; nextMarker?: string } {
  const size = optionalInt(params, "PageSize", 1, 400, 400);
  const marker = params.get("Marker");
  let start = 0;
  if (marker !== null && marker !== "") {
    if (!/^[0-9]+$/.test(marker)) throw validation(`Invalid Marker: ${marker}`);
    start = Number(marker);
  }
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? String(start + size) : undefined;
  return next === undefined ? { items: slice } : { items: slice, nextMarker: next };
}

// ---------------------------------------------------------------------------------------------
// Actions

/** Reads `prefix.member.N` actions (DefaultActions / Actions) and checks them against the world. */
function readActions(world: SimWorld, params: URLSearchParams, prefix: string): SimListenerAction[] {
  const items = queryListItems(params, `${prefix}.member`);
  if (items.length === 0)
    throw validation(`1 validation error detected: Value null at '${lowerFirst(prefix)}' failed to satisfy constraint: Member must not be null`);
  const actions = items.map((item, i) => readAction(world, item, i + 1));
  if (actions.length > 1 && actions.some((a) => a.order === undefined)) {
    throw validation("An action order must be specified when there is more than one action");
  }
  const terminal = actions.filter((a) => a.type === "forward" || a.type === "fixed-response" || a.type === "redirect");
  if (terminal.length !== 1)
    throw new SimApiError("InvalidLoadBalancerAction", "Exactly one terminal action (forward, redirect or fixed-response) must be specified", 400);
  return actions;
}

function readAction(world: SimWorld, item: URLSearchParams, index: number): SimListenerAction {
  const type = item.get("Type");
  const orderValue = queryInt(item, "Order");
  const order = orderValue === undefined ? undefined : checkRange(orderValue, `actions.${index}.member.order`, 1, 50000);
  if (type === "forward") {
    const legacy = item.get("TargetGroupArn") ?? undefined;
    const config = queryStruct(item, "ForwardConfig");
    const groups = queryListItems(config, "TargetGroups.member").map((g) => {
      const arn = g.get("TargetGroupArn");
      if (arn === null || arn === "") throw validation("A target group ARN must be specified for each target group of a forward action");
      const weight = queryInt(g, "Weight");
      return { targetGroupArn: arn, weight: weight === undefined ? 1 : checkRange(weight, "Weight", 0, 999) };
    });
    if (legacy === undefined && groups.length === 0) throw validation("A target group ARN must be specified for a forward action");
    if (legacy !== undefined && groups.length > 0 && (groups.length !== 1 || groups[0]?.targetGroupArn !== legacy)) {
      throw validation("You cannot specify a target group ARN in the action and multiple target groups in the forward configuration");
    }
    const targetGroups = groups.length > 0 ? groups : [{ targetGroupArn: legacy ?? "", weight: 1 }];
    if (targetGroups.length > MAX_TARGET_GROUPS_PER_ACTION) {
      // The SDK models no error of its own for this quota; AWS answers a ValidationError.
      throw validation(`A forward action can have at most ${MAX_TARGET_GROUPS_PER_ACTION} target groups`);
    }
    if (new Set(targetGroups.map((g) => g.targetGroupArn)).size !== targetGroups.length) {
      throw validation("A target group can be specified only once in a forward action");
    }
    for (const g of targetGroups) requireTargetGroup(world, g.targetGroupArn);
    const sticky = queryStruct(config, "TargetGroupStickinessConfig");
    const enabled = optionalBool(sticky, "Enabled") ?? false;
    const durationValue = queryInt(sticky, "DurationSeconds");
    if (enabled && durationValue === undefined) throw validation("A stickiness duration must be specified when target group stickiness is enabled");
    const durationS = durationValue === undefined ? 3600 : checkRange(durationValue, "DurationSeconds", 1, 604800);
    const action: SimListenerAction = { type: "forward", targetGroups, stickiness: { enabled, durationS } };
    if (order !== undefined) action.order = order;
    if (legacy !== undefined) action.targetGroupArn = legacy;
    return action;
  }
  if (type === "fixed-response") {
    const config = queryStruct(item, "FixedResponseConfig");
    const statusCode = config.get("StatusCode");
    if (statusCode === null || !/^[245]\d\d$/.test(statusCode)) throw validation("A fixed-response status code must be 2XX, 4XX or 5XX");
    const action: SimListenerAction = { type: "fixed-response", statusCode };
    const contentType = config.get("ContentType");
    const body = config.get("MessageBody");
    if (contentType !== null) action.contentType = contentType;
    if (body !== null) action.messageBody = body;
    if (order !== undefined) action.order = order;
    return action;
  }
  if (type === "redirect") {
    const config = queryStruct(item, "RedirectConfig");
    const statusCode = config.get("StatusCode");
    if (statusCode !== "HTTP_301" && statusCode !== "HTTP_302") throw validation("A redirect status code must be HTTP_301 or HTTP_302");
    const action: SimListenerAction = { type: "redirect", statusCode };
    for (const key of ["Protocol", "Port", "Host", "Path", "Query"] as const) {
      const value = config.get(key);
      if (value !== null) action[lowerFirst(key) as "protocol" | "port" | "host" | "path" | "query"] = value;
    }
    if (order !== undefined) action.order = order;
    return action;
  }
  throw new SimApiError("InvalidLoadBalancerAction", `The action type '${type ?? ""}' is not supported by the practice range`, 400);
}

/** An ALB target group serves one load balancer only (AWS: TargetGroupAssociationLimit). */
function checkAssociation(world: SimWorld, albArn: string, actions: SimListenerAction[]): void {
  for (const action of actions) {
    if (action.type !== "forward") continue;
    for (const g of action.targetGroups) {
      const others = loadBalancerArnsOf(world, g.targetGroupArn).filter((arn) => arn !== albArn);
      if (others.length > 0) {
        throw new SimApiError(
          "TargetGroupAssociationLimit",
          `The following target groups cannot be associated with more than one load balancer: ${g.targetGroupArn}`,
          400,
        );
      }
    }
  }
}

function actionXml(action: SimListenerAction): XmlFields {
  const base: Record<string, XmlValue> = { Type: action.type, Order: action.order };
  if (action.type === "forward") {
    base.TargetGroupArn = action.targetGroupArn ?? (action.targetGroups.length === 1 ? action.targetGroups[0]?.targetGroupArn : undefined);
    base.ForwardConfig = {
      TargetGroups: xmlList(
        "member",
        action.targetGroups.map((g) => ({ TargetGroupArn: g.targetGroupArn, Weight: g.weight })),
      ),
      TargetGroupStickinessConfig: action.stickiness.enabled ? { Enabled: true, DurationSeconds: action.stickiness.durationS } : { Enabled: false },
    };
  } else if (action.type === "fixed-response") {
    base.FixedResponseConfig = { MessageBody: action.messageBody, StatusCode: action.statusCode, ContentType: action.contentType };
  } else {
    base.RedirectConfig = {
      Protocol: action.protocol ?? "#{protocol}",
      Port: action.port ?? "#{port}",
      Host: action.host ?? "#{host}",
      Path: action.path ?? "/#{path}",
      Query: action.query ?? "#{query}",
      StatusCode: action.statusCode,
    };
  }
  return base;
}

function actionsXml(actions: SimListenerAction[]): XmlValue {
  return xmlList("member", actions.map(actionXml));
}

/** Stores new actions on a rule; traffic follows after the configured delay. */
function setRuleActions(world: SimWorld, rule: SimRule, actions: SimListenerAction[]): void {
  rule.actions = actions;
  rule.pendingAtMs = world.nowMs + scaled(world, world.config.albActionDelayMs ?? DEFAULT_ALB_ACTION_DELAY_MS);
}

// ---------------------------------------------------------------------------------------------
// Load balancers

/** The subnets a CreateLoadBalancer names, in the world's network (docs/aws-behaviour.md §16.5). */
function subnetsOf(world: SimWorld, subnetIds: string[]): SimSubnet[] {
  const subnets = subnetIds.map((subnetId) => {
    const subnet = subnetById(world, subnetId);
    if (subnet === undefined) throw new SimApiError("SubnetNotFound", `The subnet ID '${subnetId}' is not valid`, 400);
    return subnet;
  });
  const zones = subnets.map((s) => s.availabilityZone);
  if (new Set(zones).size < zones.length) {
    throw new SimApiError("InvalidConfigurationRequest", "A load balancer cannot be attached to multiple subnets in the same Availability Zone", 400);
  }
  const vpcs = new Set(subnets.map((s) => s.vpcId));
  if (vpcs.size > 1) throw new SimApiError("InvalidConfigurationRequest", "The subnets of a load balancer must all belong to the same VPC", 400);
  return subnets;
}

/** The security groups of a new load balancer: each must exist in its VPC; none named, the VPC's default one. */
function loadBalancerGroups(world: SimWorld, params: URLSearchParams, vpcId: string): string[] {
  const ids = queryListValues(params, "SecurityGroups.member");
  const network = networkOf(world);
  for (const id of ids) {
    const group = network.securityGroups.get(id);
    if (group === undefined || group.vpcId !== vpcId) throw new SimApiError("InvalidSecurityGroup", `Security group '${id}' does not exist`, 400);
  }
  if (ids.length > 0) return ids;
  const fallback = vpcDefaultGroup(world, vpcId);
  return fallback === undefined ? [] : [fallback.id];
}

function loadBalancerXml(alb: SimApplicationLoadBalancer): XmlFields {
  return {
    LoadBalancerArn: alb.arn,
    DNSName: alb.dnsName,
    CanonicalHostedZoneId: alb.canonicalHostedZoneId,
    CreatedTime: isoTime(alb.createdAtMs),
    LoadBalancerName: alb.name,
    Scheme: alb.scheme,
    VpcId: alb.vpcId,
    State: { Code: alb.state },
    Type: "application",
    AvailabilityZones: xmlList(
      "member",
      alb.availabilityZones.map((z) => ({ ZoneName: z.zoneName, SubnetId: z.subnetId })),
    ),
    SecurityGroups: xmlList("member", alb.securityGroups),
    IpAddressType: alb.ipAddressType,
  };
}

function createLoadBalancer(world: RangeWorld, params: URLSearchParams): XmlFields {
  const name = requireString(params, "Name");
  checkName(name, "Load balancer");
  if (name.startsWith("internal-")) throw validation("Load balancer name cannot start with 'internal-'");
  const type = params.get("Type") ?? "application";
  if (type !== "application") throw validation(`The practice range emulates Application Load Balancers only, not type '${type}'`);
  const schemeText = params.get("Scheme") ?? "internet-facing";
  if (schemeText !== "internet-facing" && schemeText !== "internal") throw validation(`Scheme '${schemeText}' is not valid`);
  const subnets = [
    ...queryListValues(params, "Subnets.member"),
    ...queryListItems(params, "SubnetMappings.member")
      .map((m) => m.get("SubnetId"))
      .filter((s): s is string => s !== null),
  ];
  const found = subnetsOf(world, subnets);
  const zones = found.map((subnet) => ({ zoneName: subnet.availabilityZone, subnetId: subnet.id }));
  const vpcId = found[0]?.vpcId ?? DEFAULT_VPC_ID;
  // An internet-facing load balancer needs an internet gateway in its VPC (docs/aws-behaviour.md §16.8).
  if (schemeText === "internet-facing" && !hasInternetGateway(world, vpcId)) {
    throw new SimApiError("InvalidSubnet", `VPC ${vpcId} has no internet gateway`, 400);
  }
  if (new Set(zones.map((z) => z.zoneName)).size < 2) {
    throw validation("At least two subnets in two different Availability Zones must be specified");
  }
  const existing = [...albsOf(world).values()].find((a) => a.name === name);
  if (existing !== undefined) {
    throw new SimApiError("DuplicateLoadBalancerName", "A load balancer with the same name already exists", 400);
  }
  const prng = drawPrng(world);
  const id = hex(prng, 16);
  const dnsName = `${schemeText === "internal" ? "internal-" : ""}${name}-${elbDnsNumber(prng)}.${world.config.region}.elb.amazonaws.com`;
  const alb: SimApplicationLoadBalancer = {
    arn: `${arnPrefix(world)}:loadbalancer/app/${name}/${id}`,
    name,
    dnsName,
    canonicalHostedZoneId: ELB_CANONICAL_ZONE_IDS[world.config.region] ?? "Z35SXDOTRQ7X7K",
    createdAtMs: world.nowMs,
    scheme: schemeText,
    vpcId,
    state: "provisioning",
    activeAtMs: world.nowMs + scaled(world, world.config.albProvisioningMs ?? DEFAULT_ALB_PROVISIONING_MS),
    availabilityZones: zones,
    securityGroups: loadBalancerGroups(world, params, vpcId),
    ipAddressType: params.get("IpAddressType") ?? "ipv4",
    listeners: [],
    tags: tagsOf(params),
  };
  albsOf(world).set(alb.arn, alb);
  return { LoadBalancers: xmlList("member", [loadBalancerXml(alb)]) };
}

function deleteLoadBalancer(world: RangeWorld, params: URLSearchParams): XmlFields {
  // AWS: deleting a load balancer that does not exist (any more) succeeds.
  albsOf(world).delete(requireString(params, "LoadBalancerArn"));
  return {};
}

function describeLoadBalancers(world: RangeWorld, params: URLSearchParams): XmlFields {
  const arns = queryListValues(params, "LoadBalancerArns.member");
  const names = queryListValues(params, "Names.member");
  if (arns.length > 0 && names.length > 0) throw validation("Load balancer names and load balancer ARNs cannot be specified at the same time");
  // "up to 20 load balancers in a single call" (docs/aws-behaviour.md §8.4).
  if (arns.length > 20 || names.length > 20) throw validation("At most 20 load balancers can be described in one call.");
  const all = [...albsOf(world).values()];
  let selected = all;
  if (arns.length > 0) selected = arns.map((arn) => findAlb(world, arn));
  if (names.length > 0) {
    selected = names.map((name) => {
      const alb = all.find((a) => a.name === name);
      if (alb === undefined) throw new SimApiError("LoadBalancerNotFound", `Load balancers '[${name}]' not found`, 400);
      return alb;
    });
  }
  const { items, nextMarker } = page(params, selected);
  return { LoadBalancers: xmlList("member", items.map(loadBalancerXml)), NextMarker: nextMarker };
}

// ---------------------------------------------------------------------------------------------
// Target groups

function targetGroupXml(world: SimWorld, tg: SimTargetGroup): XmlFields {
  const hc = tg.healthCheck;
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: hc.protocol,
    HealthCheckPort: hc.port,
    HealthCheckEnabled: hc.enabled,
    HealthCheckIntervalSeconds: hc.intervalS,
    HealthCheckTimeoutSeconds: hc.timeoutS,
    HealthyThresholdCount: hc.healthyThreshold,
    UnhealthyThresholdCount: hc.unhealthyThreshold,
    HealthCheckPath: hc.path,
    Matcher: { HttpCode: hc.matcher },
    LoadBalancerArns: xmlList("member", loadBalancerArnsOf(world, tg.arn)),
    TargetType: tg.targetType,
    ProtocolVersion: tg.protocolVersion,
    IpAddressType: tg.ipAddressType,
  };
}

/** Reads the health-check fields of CreateTargetGroup / ModifyTargetGroup over `base`. */
function readHealthCheck(params: URLSearchParams, base: SimTargetGroup["healthCheck"]): SimTargetGroup["healthCheck"] {
  const hc = { ...base };
  hc.enabled = optionalBool(params, "HealthCheckEnabled") ?? hc.enabled;
  const protocol = params.get("HealthCheckProtocol");
  if (protocol !== null) {
    if (protocol !== "HTTP" && protocol !== "HTTPS")
      throw validation(`Health check protocol '${protocol}' is not supported for target groups with the HTTP protocol`);
    hc.protocol = protocol;
  }
  const port = params.get("HealthCheckPort");
  if (port !== null) {
    if (port !== "traffic-port" && !(/^[0-9]+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535))
      throw validation(`Health check port '${port}' is not valid`);
    hc.port = port;
  }
  const path = params.get("HealthCheckPath");
  if (path !== null) {
    if (!path.startsWith("/") || path.length > 1024) throw validation("Health check path must begin with a '/' and be at most 1024 characters");
    hc.path = path;
  }
  hc.intervalS = optionalInt(params, "HealthCheckIntervalSeconds", 5, 300, hc.intervalS);
  hc.timeoutS = optionalInt(params, "HealthCheckTimeoutSeconds", 2, 120, hc.timeoutS);
  hc.healthyThreshold = optionalInt(params, "HealthyThresholdCount", 2, 10, hc.healthyThreshold);
  hc.unhealthyThreshold = optionalInt(params, "UnhealthyThresholdCount", 2, 10, hc.unhealthyThreshold);
  const matcher = params.get("Matcher.HttpCode");
  if (matcher !== null) hc.matcher = matcher;
  if (hc.timeoutS >= hc.intervalS) throw validation("Health check timeout must be smaller than the interval");
  return hc;
}

function createTargetGroup(world: RangeWorld, params: URLSearchParams): XmlFields {
  const name = requireString(params, "Name");
  checkName(name, "Target group");
  const targetType = params.get("TargetType") ?? "instance";
  if (targetType !== "instance" && targetType !== "ip")
    throw validation(`The practice range supports target types 'instance' and 'ip', not '${targetType}'`);
  const protocol = requireString(params, "Protocol");
  if (protocol !== "HTTP" && protocol !== "HTTPS")
    throw validation(`Protocol '${protocol}' is not supported by Application Load Balancer target groups`);
  const port = checkRange(queryInt(params, "Port") ?? "invalid", "Port", 1, 65535);
  const vpcId = requireString(params, "VpcId");
  if (!networkOf(world).vpcs.has(vpcId)) throw validation(`The VPC ID '${vpcId}' is not found`);
  const healthCheck = readHealthCheck(params, {
    enabled: true,
    protocol,
    port: "traffic-port",
    path: "/",
    intervalS: 30,
    timeoutS: 5,
    healthyThreshold: 5,
    unhealthyThreshold: 2,
    matcher: "200",
  });
  const groups = targetGroupsOf(world);
  const existing = [...groups.values()].find((g) => g.name === name);
  if (existing !== undefined) {
    // AWS returns the existing group when every setting matches, else DuplicateTargetGroupName.
    const same = existing.protocol === protocol && existing.port === port && existing.vpcId === vpcId && existing.targetType === targetType;
    if (!same) throw new SimApiError("DuplicateTargetGroupName", "A target group with the same name exists, but with different settings", 400);
    return { TargetGroups: xmlList("member", [targetGroupXml(world, existing)]) };
  }
  const id = hex(drawPrng(world), 16);
  const tg: SimTargetGroup = {
    arn: `${arnPrefix(world)}:targetgroup/${name}/${id}`,
    name,
    protocol,
    port,
    vpcId,
    targetType,
    protocolVersion: params.get("ProtocolVersion") ?? "HTTP1",
    ipAddressType: params.get("IpAddressType") ?? "ipv4",
    createdAtMs: world.nowMs,
    healthCheck,
    attributes: { deregistrationDelayS: 300, stickinessEnabled: false, stickinessType: "lb_cookie", stickinessDurationS: 86400, extra: {} },
    targets: [],
    tags: tagsOf(params),
  };
  groups.set(tg.arn, tg);
  return { TargetGroups: xmlList("member", [targetGroupXml(world, tg)]) };
}

function deleteTargetGroup(world: RangeWorld, params: URLSearchParams): XmlFields {
  const arn = requireString(params, "TargetGroupArn");
  const users = rulesForwardingTo(world, arn);
  const first = users[0];
  if (first !== undefined) {
    throw new SimApiError("ResourceInUse", `Target group '${arn}' is currently in use by a listener or a rule`, 400);
  }
  targetGroupsOf(world).delete(arn);
  return {};
}

function describeTargetGroups(world: RangeWorld, params: URLSearchParams): XmlFields {
  const arns = queryListValues(params, "TargetGroupArns.member");
  const names = queryListValues(params, "Names.member");
  const lbArn = params.get("LoadBalancerArn");
  const all = [...targetGroupsOf(world).values()];
  let selected = all;
  if (lbArn !== null && lbArn !== "") {
    findAlb(world, lbArn);
    selected = all.filter((g) => loadBalancerArnsOf(world, g.arn).includes(lbArn));
  }
  if (arns.length > 0) {
    const missing = arns.filter((arn) => !targetGroupsOf(world).has(arn));
    if (missing.length > 0) throw new SimApiError("TargetGroupNotFound", `One or more target groups not found`, 400);
    selected = selected.filter((g) => arns.includes(g.arn));
  }
  if (names.length > 0) {
    const missing = names.filter((name) => !all.some((g) => g.name === name));
    if (missing.length > 0) throw new SimApiError("TargetGroupNotFound", `Target groups '[${missing.join(", ")}]' not found`, 400);
    selected = selected.filter((g) => names.includes(g.name));
  }
  const { items, nextMarker } = page(params, selected);
  return {
    TargetGroups: xmlList(
      "member",
      items.map((g) => targetGroupXml(world, g)),
    ),
    NextMarker: nextMarker,
  };
}

function modifyTargetGroup(world: RangeWorld, params: URLSearchParams): XmlFields {
  const tg = requireTargetGroup(world, requireString(params, "TargetGroupArn"));
  tg.healthCheck = readHealthCheck(params, tg.healthCheck);
  return { TargetGroups: xmlList("member", [targetGroupXml(world, tg)]) };
}

/** ALB target-group attributes the range keeps as plain strings, with AWS defaults. */
const PASSIVE_ATTRIBUTES: Readonly<Record<string, string>> = {
  "load_balancing.algorithm.type": "round_robin",
  "load_balancing.algorithm.anomaly_mitigation": "off",
  "load_balancing.cross_zone.enabled": "use_load_balancer_configuration",
  "slow_start.duration_seconds": "0",
  "stickiness.app_cookie.cookie_name": "",
  "stickiness.app_cookie.duration_seconds": "86400",
  "target_group_health.dns_failover.minimum_healthy_targets.count": "1",
  "target_group_health.dns_failover.minimum_healthy_targets.percentage": "off",
  "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count": "1",
  "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": "off",
};

function attributesXml(tg: SimTargetGroup): XmlFields {
  const a = tg.attributes;
  const pairs: [string, string][] = [
    ["deregistration_delay.timeout_seconds", String(a.deregistrationDelayS)],
    ["stickiness.enabled", String(a.stickinessEnabled)],
    ["stickiness.type", a.stickinessType],
    ["stickiness.lb_cookie.duration_seconds", String(a.stickinessDurationS)],
    ...Object.entries({ ...PASSIVE_ATTRIBUTES, ...a.extra }),
  ];
  return {
    Attributes: xmlList(
      "member",
      pairs.map(([Key, Value]) => ({ Key, Value })),
    ),
  };
}

function describeTargetGroupAttributes(world: RangeWorld, params: URLSearchParams): XmlFields {
  return attributesXml(requireTargetGroup(world, requireString(params, "TargetGroupArn")));
}

function intAttribute(key: string, value: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw validation(`'${key}' must be a number between ${min} and ${max}`);
  }
  return Number(value);
}

function modifyTargetGroupAttributes(world: RangeWorld, params: URLSearchParams): XmlFields {
  const tg = requireTargetGroup(world, requireString(params, "TargetGroupArn"));
  const items = queryListItems(params, "Attributes.member");
  if (items.length === 0)
    throw validation("1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null");
  // Validate everything first so a bad attribute changes nothing.
  const next = { ...tg.attributes, extra: { ...tg.attributes.extra } };
  for (const item of items) {
    const key = item.get("Key") ?? "";
    const value = item.get("Value") ?? "";
    switch (key) {
      case "deregistration_delay.timeout_seconds":
        next.deregistrationDelayS = intAttribute(key, value, 0, 3600);
        break;
      case "stickiness.enabled":
        if (value !== "true" && value !== "false") throw validation(`'${key}' must be true or false`);
        next.stickinessEnabled = value === "true";
        break;
      case "stickiness.type":
        if (value !== "lb_cookie" && value !== "app_cookie") throw validation(`'${key}' must be one of [lb_cookie, app_cookie]`);
        next.stickinessType = value;
        break;
      case "stickiness.lb_cookie.duration_seconds":
        next.stickinessDurationS = intAttribute(key, value, 1, 604800);
        break;
      default:
        if (!(key in PASSIVE_ATTRIBUTES))
          throw new SimApiError("InvalidConfigurationRequest", `The attribute '${key}' is not supported for this target group`, 400);
        next.extra[key] = value;
    }
  }
  tg.attributes = next;
  return attributesXml(tg);
}

// ---------------------------------------------------------------------------------------------
// Listeners and rules

function listenerXml(listener: SimListener): XmlFields {
  const defaultRule = listener.rules.find((r) => r.isDefault);
  return {
    ListenerArn: listener.arn,
    LoadBalancerArn: listener.loadBalancerArn,
    Port: listener.port,
    Protocol: listener.protocol,
    Certificates:
      listener.certificates.length > 0
        ? xmlList(
            "member",
            listener.certificates.map((c) => ({ CertificateArn: c })),
          )
        : undefined,
    SslPolicy: listener.sslPolicy,
    DefaultActions: actionsXml(defaultRule?.actions ?? []),
  };
}

const CONDITION_CONFIGS: Readonly<Record<string, string>> = {
  "host-header": "HostHeaderConfig",
  "path-pattern": "PathPatternConfig",
  "http-request-method": "HttpRequestMethodConfig",
  "source-ip": "SourceIpConfig",
};

function ruleXml(rule: SimRule): XmlFields {
  return {
    RuleArn: rule.arn,
    Priority: rule.priority,
    Conditions: xmlList(
      "member",
      rule.conditions.map((c) => {
        const config = CONDITION_CONFIGS[c.field];
        const fields: Record<string, XmlValue> = { Field: c.field, Values: xmlList("member", c.values) };
        if (config !== undefined) fields[config] = { Values: xmlList("member", c.values) };
        return fields;
      }),
    ),
    Actions: actionsXml(rule.actions),
    IsDefault: rule.isDefault,
  };
}

function readConditions(params: URLSearchParams): SimRule["conditions"] {
  return queryListItems(params, "Conditions.member").map((item) => {
    const field = item.get("Field");
    if (field === null || field === "") throw validation("A condition field must be specified");
    const config = CONDITION_CONFIGS[field];
    const values = [...queryListValues(item, "Values.member"), ...(config === undefined ? [] : queryListValues(item, `${config}.Values.member`))];
    if (values.length === 0) throw validation(`A value must be specified for the '${field}' condition`);
    return { field, values: [...new Set(values)] };
  });
}

function createListener(world: RangeWorld, params: URLSearchParams): XmlFields {
  const alb = findAlb(world, requireString(params, "LoadBalancerArn"));
  const protocol = params.get("Protocol") ?? "HTTP";
  if (protocol !== "HTTP" && protocol !== "HTTPS") throw validation(`Protocol '${protocol}' is not supported by Application Load Balancers`);
  const port = checkRange(queryInt(params, "Port") ?? (protocol === "HTTPS" ? 443 : 80), "Port", 1, 65535);
  const certificates = queryListItems(params, "Certificates.member")
    .map((c) => c.get("CertificateArn"))
    .filter((c): c is string => c !== null && c !== "");
  if (protocol === "HTTPS" && certificates.length === 0) throw validation("A certificate must be specified for HTTPS listeners");
  const actions = readActions(world, params, "DefaultActions");
  if (alb.listeners.some((l) => l.port === port))
    throw new SimApiError("DuplicateListener", "A listener already exists on this port for this load balancer", 400);
  checkAssociation(world, alb.arn, actions);
  const prng = drawPrng(world);
  const suffix = alb.arn.slice(alb.arn.indexOf(":loadbalancer/") + ":loadbalancer/".length);
  const listenerArn = `${arnPrefix(world)}:listener/${suffix}/${hex(prng, 16)}`;
  const listener: SimListener = {
    arn: listenerArn,
    loadBalancerArn: alb.arn,
    port,
    protocol,
    certificates,
    rules: [
      {
        arn: `${arnPrefix(world)}:listener-rule/${listenerArn.slice(listenerArn.indexOf(":listener/") + ":listener/".length)}/${hex(prng, 16)}`,
        listenerArn,
        priority: "default",
        isDefault: true,
        conditions: [],
        actions,
        trafficActions: actions,
      },
    ],
  };
  const sslPolicy = params.get("SslPolicy") ?? (protocol === "HTTPS" ? "ELBSecurityPolicy-2016-08" : null);
  if (sslPolicy !== null) listener.sslPolicy = sslPolicy;
  alb.listeners.push(listener);
  return { Listeners: xmlList("member", [listenerXml(listener)]) };
}

function deleteListener(world: RangeWorld, params: URLSearchParams): XmlFields {
  const { alb, listener } = findListener(world, requireString(params, "ListenerArn"));
  alb.listeners = alb.listeners.filter((l) => l !== listener);
  return {};
}

function describeListeners(world: RangeWorld, params: URLSearchParams): XmlFields {
  const lbArn = params.get("LoadBalancerArn");
  const arns = queryListValues(params, "ListenerArns.member");
  if ((lbArn === null || lbArn === "") && arns.length === 0) throw validation("You must specify either listener ARNs or a load balancer ARN");
  const listeners = arns.length > 0 ? arns.map((arn) => findListener(world, arn).listener) : findAlb(world, lbArn ?? "").listeners;
  const { items, nextMarker } = page(params, listeners);
  return { Listeners: xmlList("member", items.map(listenerXml)), NextMarker: nextMarker };
}

function modifyListener(world: RangeWorld, params: URLSearchParams): XmlFields {
  const { alb, listener } = findListener(world, requireString(params, "ListenerArn"));
  const portValue = queryInt(params, "Port");
  const port = portValue === undefined ? listener.port : checkRange(portValue, "Port", 1, 65535);
  if (port !== listener.port && alb.listeners.some((l) => l !== listener && l.port === port)) {
    throw new SimApiError("DuplicateListener", "A listener already exists on this port for this load balancer", 400);
  }
  const protocol = params.get("Protocol") ?? listener.protocol;
  if (protocol !== "HTTP" && protocol !== "HTTPS") throw validation(`Protocol '${protocol}' is not supported by Application Load Balancers`);
  const certificates = queryListItems(params, "Certificates.member")
    .map((c) => c.get("CertificateArn"))
    .filter((c): c is string => c !== null && c !== "");
  if (protocol === "HTTPS" && certificates.length === 0 && listener.certificates.length === 0)
    throw validation("A certificate must be specified for HTTPS listeners");
  // DefaultActions, when given, replace the whole list (docs/aws-behaviour.md §3.1); omitted means unchanged.
  const hasActions = queryListItems(params, "DefaultActions.member").length > 0;
  const actions = hasActions ? readActions(world, params, "DefaultActions") : undefined;
  if (actions !== undefined) checkAssociation(world, alb.arn, actions);
  listener.port = port;
  listener.protocol = protocol;
  if (certificates.length > 0) listener.certificates = certificates;
  const sslPolicy = params.get("SslPolicy");
  if (sslPolicy !== null) listener.sslPolicy = sslPolicy;
  const defaultRule = listener.rules.find((r) => r.isDefault);
  if (actions !== undefined && defaultRule !== undefined) setRuleActions(world, defaultRule, actions);
  return { Listeners: xmlList("member", [listenerXml(listener)]) };
}

function sortedRules(rules: SimRule[]): SimRule[] {
  return [...rules].sort((a, b) => (a.isDefault ? 1 : 0) - (b.isDefault ? 1 : 0) || Number(a.priority) - Number(b.priority));
}

function createRule(world: RangeWorld, params: URLSearchParams): XmlFields {
  const { alb, listener } = findListener(world, requireString(params, "ListenerArn"));
  const priority = checkRange(queryInt(params, "Priority") ?? "invalid", "Priority", 1, 50000);
  const conditions = readConditions(params);
  if (conditions.length === 0) throw validation("A rule must have at least one condition");
  const actions = readActions(world, params, "Actions");
  if (listener.rules.some((r) => r.priority === String(priority)))
    throw new SimApiError("PriorityInUse", `Priority '${priority}' is currently in use`, 400);
  checkAssociation(world, alb.arn, actions);
  const listenerPart = listener.arn.slice(listener.arn.indexOf(":listener/") + ":listener/".length);
  const rule: SimRule = {
    arn: `${arnPrefix(world)}:listener-rule/${listenerPart}/${hex(drawPrng(world), 16)}`,
    listenerArn: listener.arn,
    priority: String(priority),
    isDefault: false,
    conditions,
    actions,
    trafficActions: actions,
  };
  listener.rules.push(rule);
  return { Rules: xmlList("member", [ruleXml(rule)]) };
}

function deleteRule(world: RangeWorld, params: URLSearchParams): XmlFields {
  const { listener, rule } = findRule(world, requireString(params, "RuleArn"));
  if (rule.isDefault) throw new SimApiError("OperationNotPermitted", "Default rule cannot be deleted", 400);
  listener.rules = listener.rules.filter((r) => r !== rule);
  return {};
}

function describeRules(world: RangeWorld, params: URLSearchParams): XmlFields {
  const listenerArn = params.get("ListenerArn");
  const arns = queryListValues(params, "RuleArns.member");
  if ((listenerArn === null || listenerArn === "") && arns.length === 0) throw validation("You must specify either listener ARN or rule ARNs");
  const rules = arns.length > 0 ? arns.map((arn) => findRule(world, arn).rule) : sortedRules(findListener(world, listenerArn ?? "").listener.rules);
  const { items, nextMarker } = page(params, rules);
  return { Rules: xmlList("member", items.map(ruleXml)), NextMarker: nextMarker };
}

function modifyRule(world: RangeWorld, params: URLSearchParams): XmlFields {
  const { alb, rule } = findRule(world, requireString(params, "RuleArn"));
  const conditions = readConditions(params);
  if (conditions.length > 0 && rule.isDefault)
    throw new SimApiError("OperationNotPermitted", "The conditions of the default rule cannot be modified", 400);
  // Actions and Conditions, when given, replace their whole lists; omitted means unchanged.
  const hasActions = queryListItems(params, "Actions.member").length > 0;
  const actions = hasActions ? readActions(world, params, "Actions") : undefined;
  if (actions !== undefined) checkAssociation(world, alb.arn, actions);
  if (conditions.length > 0) rule.conditions = conditions;
  if (actions !== undefined) setRuleActions(world, rule, actions);
  return { Rules: xmlList("member", [ruleXml(rule)]) };
}

// ---------------------------------------------------------------------------------------------
// Targets

function readTargets(params: URLSearchParams): { id: string; port?: number }[] {
  return queryListItems(params, "Targets.member").map((item) => {
    const id = item.get("Id");
    if (id === null || id === "") throw validation("A target ID must be specified");
    const port = queryInt(item, "Port");
    return port === undefined ? { id } : { id, port: checkRange(port, "Port", 1, 65535) };
  });
}

function registerTargetsOp(world: RangeWorld, params: URLSearchParams): XmlFields {
  const arn = requireString(params, "TargetGroupArn");
  const targets = readTargets(params);
  if (targets.length === 0)
    throw validation("1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null");
  registerTargets(world, arn, targets);
  return {};
}

function deregisterTargetsOp(world: RangeWorld, params: URLSearchParams): XmlFields {
  const arn = requireString(params, "TargetGroupArn");
  const targets = readTargets(params);
  if (targets.length === 0)
    throw validation("1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null");
  deregisterTargetsByPort(world, arn, targets);
  return {};
}

function describeTargetHealth(world: RangeWorld, params: URLSearchParams): XmlFields {
  const tg = requireTargetGroup(world, requireString(params, "TargetGroupArn"));
  const rows = targetHealth(world, tg.arn);
  const asked = readTargets(params);
  const selected =
    asked.length === 0
      ? rows
      : asked.map((t) => {
          const port = t.port ?? tg.port;
          // An explicitly asked target that is not registered is reported, as AWS does.
          return (
            rows.find((r) => r.id === t.id && r.port === port) ?? {
              id: t.id,
              port,
              state: "unused" as const,
              reason: "Target.NotRegistered",
              description: TARGET_DESCRIPTIONS["Target.NotRegistered"],
            }
          );
        });
  return {
    TargetHealthDescriptions: xmlList(
      "member",
      selected.map((r) => ({
        Target: { Id: r.id, Port: r.port },
        HealthCheckPort: tg.healthCheck.port === "traffic-port" ? String(r.port) : tg.healthCheck.port,
        TargetHealth: { State: r.state, Reason: r.reason, Description: r.description },
      })),
    ),
  };
}
