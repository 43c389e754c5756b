/**
 * Classic Elastic Load Balancing (API 2012-06-01, query protocol) as
 * `@aws-sdk/client-elastic-load-balancing` sends and parses it: load balancers, health-check
 * configuration, instance registration with health checks and connection draining run by the world
 * tick, and attributes (docs/aws-behaviour.md §2).
 */
import { DEFAULT_VPC_ID, subnetOf } from "./ec2";
import { SimApiError } from "./errors";
import type { SimHttpRequest, SimHttpResponse } from "./http";
import { elbDnsNumber, requestId } from "@/range/world/ids";
import {
  isoTime,
  queryBool,
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
import type { SimClassicLoadBalancer, SimHealthCheckConfig, SimRegistration } from "@/range/world/state";
import { activeRegistrations, deregisterInstance, drawPrng, ELB_DESCRIPTIONS, registerInstance, type RangeWorld } from "@/range/world/world";

export const ELB_NAMESPACE = "http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/";
export const ELB_VERSION = "2012-06-01";

type Handler = (world: RangeWorld, params: URLSearchParams) => XmlFields;

const OPERATIONS: Readonly<Record<string, Handler>> = {
  CreateLoadBalancer: createLoadBalancer,
  DeleteLoadBalancer: deleteLoadBalancer,
  DescribeLoadBalancers: describeLoadBalancers,
  ConfigureHealthCheck: configureHealthCheck,
  RegisterInstancesWithLoadBalancer: registerInstances,
  DeregisterInstancesFromLoadBalancer: deregisterInstances,
  DescribeInstanceHealth: describeInstanceHealth,
  DescribeLoadBalancerAttributes: describeLoadBalancerAttributes,
  ModifyLoadBalancerAttributes: modifyLoadBalancerAttributes,
  AddTags: addTags,
  DescribeTags: describeTags,
};

/** Handles one classic ELB query request: `<Action>Response><Action>Result>` or an `ErrorResponse`. */
export function handleElb(world: RangeWorld, req: SimHttpRequest): SimHttpResponse {
  return handleQueryAction({ namespace: ELB_NAMESPACE, operations: OPERATIONS }, world, req, requestId(drawPrng(world)));
}

// ---------------------------------------------------------------------------------------------
// Parameter readers

function validation(message: string): SimApiError {
  return new SimApiError("ValidationError", message, 400);
}

function requireString(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === "")
    throw validation(`1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function requireInt(params: URLSearchParams, name: string, min: number, max: number, field = name): number {
  const value = queryInt(params, name);
  if (value === undefined)
    throw validation(`1 validation error detected: Value null at '${lowerFirst(field)}' failed to satisfy constraint: Member must not be null`);
  return checkRange(value, field, min, max);
}

function checkRange(value: number | "invalid", field: string, min: number, max: number): number {
  if (value === "invalid" || value < min || value > max) {
    throw validation(
      `1 validation error detected: Value '${String(value)}' at '${lowerFirst(field)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return value;
}

function findLoadBalancer(world: RangeWorld, name: string): SimClassicLoadBalancer {
  const lb = world.loadBalancers.get(name);
  if (lb === undefined) throw new SimApiError("LoadBalancerNotFound", `There is no ACTIVE Load Balancer named '${name}'`, 400);
  return lb;
}

/** AddTags: one load balancer (the API takes exactly one name), tags merged into its own. */
function addTags(world: RangeWorld, params: URLSearchParams): XmlFields {
  const names = queryListValues(params, "LoadBalancerNames.member");
  if (names.length !== 1) throw validation("LoadBalancerNames must name exactly one load balancer.");
  const tags = queryTags(params);
  if (Object.keys(tags).length === 0) throw validation("Tags must name at least one tag.");
  const lb = findLoadBalancer(world, names[0] ?? "");
  lb.tags = mergeTags(lb.tags, tags);
  return {};
}

/** DescribeTags: the tags of 1 to 20 load balancers. */
function describeTags(world: RangeWorld, params: URLSearchParams): XmlFields {
  const names = queryListValues(params, "LoadBalancerNames.member");
  if (names.length < 1 || names.length > 20) throw validation("LoadBalancerNames must name 1 to 20 load balancers.");
  const lbs = names.map((name) => findLoadBalancer(world, name));
  return {
    TagDescriptions: xmlList(
      "member",
      lbs.map((lb): XmlValue => ({ LoadBalancerName: lb.name, Tags: tagList(lb.tags) })),
    ),
  };
}

function instanceIds(params: URLSearchParams): string[] {
  return queryListItems(params, "Instances.member")
    .map((item) => item.get("InstanceId"))
    .filter((id): id is string => id !== null && id !== "");
}

/** Instances the load balancer can know: launched in this world and not terminated. */
function requireKnownInstances(world: RangeWorld, ids: string[]): void {
  const bad = ids.filter((id) => {
    const instance = world.instances.get(id);
    return instance === undefined || instance.state === "terminated" || instance.state === "shutting-down";
  });
  if (bad.length > 0) {
    throw new SimApiError("InvalidInstance", `The following instances are not valid EC2 instances or are not running: ${bad.join(", ")}`, 400);
  }
}

function instancesXml(regs: SimRegistration[]): XmlValue {
  return xmlList(
    "member",
    regs.map((r): XmlValue => ({ InstanceId: r.instanceId })),
  );
}

// ---------------------------------------------------------------------------------------------
// Load balancers

const LB_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/;
const PROTOCOLS = new Set(["HTTP", "HTTPS", "TCP", "SSL"]);

function parseListeners(params: URLSearchParams): SimClassicLoadBalancer["listeners"] {
  const items = queryListItems(params, "Listeners.member");
  if (items.length === 0)
    throw validation("1 validation error detected: Value null at 'listeners' failed to satisfy constraint: Member must not be null");
  return items.map((item) => {
    const protocol = (item.get("Protocol") ?? "").toUpperCase();
    const instanceProtocol = (item.get("InstanceProtocol") ?? protocol).toUpperCase();
    if (!PROTOCOLS.has(protocol) || !PROTOCOLS.has(instanceProtocol)) {
      throw validation(`Invalid listener protocol: ${protocol}/${instanceProtocol}`);
    }
    return {
      protocol,
      loadBalancerPort: requireInt(item, "LoadBalancerPort", 1, 65535),
      instanceProtocol,
      instancePort: requireInt(item, "InstancePort", 1, 65535),
    };
  });
}

function createLoadBalancer(world: RangeWorld, params: URLSearchParams): XmlFields {
  const name = requireString(params, "LoadBalancerName");
  if (!LB_NAME.test(name)) {
    throw validation(`LoadBalancerName '${name}' must have 1-32 alphanumeric characters or hyphens, and must not begin or end with a hyphen.`);
  }
  const listeners = parseListeners(params);
  const zones = queryListValues(params, "AvailabilityZones.member");
  const subnets = queryListValues(params, "Subnets.member");
  if (zones.length === 0 && subnets.length === 0) throw validation("Either AvailabilityZones or SubnetIds must be specified");
  const scheme = params.get("Scheme") ?? "internet-facing";
  if (scheme !== "internet-facing" && scheme !== "internal") throw new SimApiError("InvalidScheme", `Invalid scheme: ${scheme}`, 400);

  const existing = world.loadBalancers.get(name);
  if (existing !== undefined) {
    // CreateLoadBalancer is idempotent for the same listeners; a different configuration is a clash.
    if (JSON.stringify(existing.listeners) === JSON.stringify(listeners)) return { DNSName: existing.dnsName };
    throw new SimApiError("DuplicateLoadBalancerName", `Load balancer name '${name}' already exists with a different configuration.`, 400);
  }
  const region = world.config.region;
  const prefix = scheme === "internal" ? "internal-" : "";
  const dnsName = `${prefix}${name}-${elbDnsNumber(drawPrng(world))}.${region}.elb.amazonaws.com`;
  const firstPort = listeners[0]?.instancePort ?? 80;
  world.loadBalancers.set(name, {
    name,
    dnsName,
    canonicalHostedZoneNameId: ELB_CANONICAL_ZONE_IDS[region] ?? "Z35SXDOTRQ7X7K",
    createdAtMs: world.nowMs,
    scheme,
    // A subnet-only (VPC) load balancer spans the subnets' zones; the range maps them to the region's first zones.
    availabilityZones: zones.length > 0 ? zones : subnets.map((_, i) => `${region}${"abcdef"[i % 6] ?? "a"}`),
    listeners,
    // The API's defaults (docs/aws-behaviour.md §2.2): TCP on the first instance port, 30 s, 5 s, 2 / 10.
    healthCheck: { target: `TCP:${firstPort}`, intervalS: 30, timeoutS: 5, unhealthyThreshold: 2, healthyThreshold: 10 },
    connectionDraining: { enabled: false, timeoutS: 300 },
    crossZone: false,
    idleTimeoutS: 60,
    registrations: [],
  });
  return { DNSName: dnsName };
}

function deleteLoadBalancer(world: RangeWorld, params: URLSearchParams): XmlFields {
  // Deleting a load balancer that does not exist succeeds, as on AWS.
  world.loadBalancers.delete(requireString(params, "LoadBalancerName"));
  return {};
}

function healthCheckXml(hc: SimHealthCheckConfig): XmlFields {
  return {
    Target: hc.target,
    Interval: hc.intervalS,
    Timeout: hc.timeoutS,
    UnhealthyThreshold: hc.unhealthyThreshold,
    HealthyThreshold: hc.healthyThreshold,
  };
}

function describeXml(world: RangeWorld, lb: SimClassicLoadBalancer): XmlFields {
  return {
    LoadBalancerName: lb.name,
    DNSName: lb.dnsName,
    CanonicalHostedZoneName: lb.scheme === "internal" ? undefined : lb.dnsName,
    CanonicalHostedZoneNameID: lb.canonicalHostedZoneNameId,
    ListenerDescriptions: xmlList(
      "member",
      lb.listeners.map((l): XmlValue => ({
        Listener: {
          Protocol: l.protocol,
          LoadBalancerPort: l.loadBalancerPort,
          InstanceProtocol: l.instanceProtocol,
          InstancePort: l.instancePort,
        },
        PolicyNames: xmlList("member", []),
      })),
    ),
    Policies: {
      AppCookieStickinessPolicies: xmlList("member", []),
      LBCookieStickinessPolicies: xmlList("member", []),
      OtherPolicies: xmlList("member", []),
    },
    BackendServerDescriptions: xmlList("member", []),
    AvailabilityZones: xmlList("member", lb.availabilityZones),
    Subnets: xmlList("member", lb.availabilityZones.map(subnetOf)),
    VPCId: DEFAULT_VPC_ID,
    Instances: instancesXml(activeRegistrations(lb)),
    HealthCheck: healthCheckXml(lb.healthCheck),
    SourceSecurityGroup: { OwnerAlias: world.config.accountId, GroupName: "default" },
    SecurityGroups: xmlList("member", []),
    CreatedTime: isoTime(lb.createdAtMs),
    Scheme: lb.scheme,
  };
}

function describeLoadBalancers(world: RangeWorld, params: URLSearchParams): XmlFields {
  const names = queryListValues(params, "LoadBalancerNames.member");
  let lbs = names.length > 0 ? names.map((n) => findLoadBalancer(world, n)) : [...world.loadBalancers.values()];
  const pageSize = queryInt(params, "PageSize");
  const size = pageSize === undefined ? 400 : checkRange(pageSize, "PageSize", 1, 400);
  const marker = params.get("Marker");
  if (marker !== null && marker !== "") {
    const start = lbs.findIndex((lb) => lb.name === marker);
    if (start === -1) throw validation(`Invalid Marker: ${marker}`);
    lbs = lbs.slice(start);
  }
  const next = lbs[size];
  return {
    LoadBalancerDescriptions: xmlList(
      "member",
      lbs.slice(0, size).map((lb) => describeXml(world, lb)),
    ),
    NextMarker: next?.name,
  };
}

const TARGET = /^(HTTP|HTTPS|TCP|SSL):([0-9]{1,5})(\/.*)?$/;

/** Validates a HealthCheck structure against the ranges of docs/aws-behaviour.md §2.2. */
export function parseHealthCheck(params: URLSearchParams): SimHealthCheckConfig {
  const hc = queryStruct(params, "HealthCheck");
  const target = requireString(hc, "Target");
  const match = TARGET.exec(target);
  const port = match === null ? NaN : Number(match[2]);
  const isHttp = match !== null && (match[1] === "HTTP" || match[1] === "HTTPS");
  if (match === null || port < 1 || port > 65535 || isHttp !== (match[3] !== undefined)) {
    throw validation(`Invalid health check target '${target}': use HTTP:port/path, HTTPS:port/path, TCP:port or SSL:port`);
  }
  const intervalS = requireInt(hc, "Interval", 5, 300, "healthCheck.interval");
  const timeoutS = requireInt(hc, "Timeout", 2, 60, "healthCheck.timeout");
  const unhealthyThreshold = requireInt(hc, "UnhealthyThreshold", 2, 10, "healthCheck.unhealthyThreshold");
  const healthyThreshold = requireInt(hc, "HealthyThreshold", 2, 10, "healthCheck.healthyThreshold");
  if (timeoutS >= intervalS) throw validation("HealthCheck Timeout must be less than Interval.");
  return { target, intervalS, timeoutS, unhealthyThreshold, healthyThreshold };
}

function configureHealthCheck(world: RangeWorld, params: URLSearchParams): XmlFields {
  const lb = findLoadBalancer(world, requireString(params, "LoadBalancerName"));
  lb.healthCheck = parseHealthCheck(params);
  return { HealthCheck: healthCheckXml(lb.healthCheck) };
}

// ---------------------------------------------------------------------------------------------
// Instances

function registerInstances(world: RangeWorld, params: URLSearchParams): XmlFields {
  const lb = findLoadBalancer(world, requireString(params, "LoadBalancerName"));
  const ids = instanceIds(params);
  requireKnownInstances(world, ids);
  for (const id of ids) registerInstance(world, lb, id);
  return { Instances: instancesXml(activeRegistrations(lb)) };
}

function deregisterInstances(world: RangeWorld, params: URLSearchParams): XmlFields {
  const lb = findLoadBalancer(world, requireString(params, "LoadBalancerName"));
  const ids = instanceIds(params);
  const unknown = ids.filter((id) => !world.instances.has(id));
  if (unknown.length > 0) throw new SimApiError("InvalidInstance", `The following instances are not valid EC2 instances: ${unknown.join(", ")}`, 400);
  for (const id of ids) deregisterInstance(world, lb, id);
  return { Instances: instancesXml(activeRegistrations(lb)) };
}

function healthXml(instanceId: string, reg: SimRegistration | undefined): XmlValue {
  if (reg === undefined) {
    return { InstanceId: instanceId, State: "OutOfService", ReasonCode: "N/A", Description: ELB_DESCRIPTIONS.notRegistered };
  }
  return { InstanceId: instanceId, State: reg.state, ReasonCode: reg.reasonCode, Description: reg.description };
}

function describeInstanceHealth(world: RangeWorld, params: URLSearchParams): XmlFields {
  const lb = findLoadBalancer(world, requireString(params, "LoadBalancerName"));
  const ids = instanceIds(params);
  const unknown = ids.filter((id) => !world.instances.has(id));
  if (unknown.length > 0) throw new SimApiError("InvalidInstance", `The following instances are not valid EC2 instances: ${unknown.join(", ")}`, 400);
  const wanted = ids.length > 0 ? ids : lb.registrations.map((r) => r.instanceId);
  const states = wanted
    // Terminated instances are never returned (docs/aws-behaviour.md §2.1).
    .filter((id) => world.instances.get(id)?.state !== "terminated")
    .map((id) =>
      healthXml(
        id,
        lb.registrations.find((r) => r.instanceId === id),
      ),
    );
  return { InstanceStates: xmlList("member", states) };
}

// ---------------------------------------------------------------------------------------------
// Attributes

function attributesXml(lb: SimClassicLoadBalancer): XmlFields {
  return {
    CrossZoneLoadBalancing: { Enabled: lb.crossZone },
    AccessLog: { Enabled: false },
    ConnectionDraining: { Enabled: lb.connectionDraining.enabled, Timeout: lb.connectionDraining.timeoutS },
    ConnectionSettings: { IdleTimeout: lb.idleTimeoutS },
    AdditionalAttributes: xmlList("member", []),
  };
}

function describeLoadBalancerAttributes(world: RangeWorld, params: URLSearchParams): XmlFields {
  const lb = findLoadBalancer(world, requireString(params, "LoadBalancerName"));
  return { LoadBalancerAttributes: attributesXml(lb) };
}

function boolParam(params: URLSearchParams, name: string, field: string): boolean | undefined {
  const value = queryBool(params, name);
  if (value === "invalid") throw validation(`Value at '${field}' must be true or false.`);
  return value;
}

function modifyLoadBalancerAttributes(world: RangeWorld, params: URLSearchParams): XmlFields {
  const lb = findLoadBalancer(world, requireString(params, "LoadBalancerName"));
  const attrs = queryStruct(params, "LoadBalancerAttributes");
  // Validate everything before changing anything.
  const draining = queryStruct(attrs, "ConnectionDraining");
  let drainingEnabled: boolean | undefined;
  let drainingTimeout: number | undefined;
  if ([...draining.keys()].length > 0) {
    drainingEnabled = boolParam(draining, "Enabled", "connectionDraining.enabled");
    if (drainingEnabled === undefined) {
      throw validation(
        "1 validation error detected: Value null at 'loadBalancerAttributes.connectionDraining.enabled' failed to satisfy constraint: Member must not be null",
      );
    }
    const timeout = queryInt(draining, "Timeout");
    drainingTimeout = timeout === undefined ? undefined : checkRange(timeout, "loadBalancerAttributes.connectionDraining.timeout", 1, 3600);
  }
  const crossZone = boolParam(queryStruct(attrs, "CrossZoneLoadBalancing"), "Enabled", "crossZoneLoadBalancing.enabled");
  const idle = queryInt(queryStruct(attrs, "ConnectionSettings"), "IdleTimeout");
  const idleTimeout = idle === undefined ? undefined : checkRange(idle, "loadBalancerAttributes.connectionSettings.idleTimeout", 1, 4000);
  const accessLog = boolParam(queryStruct(attrs, "AccessLog"), "Enabled", "accessLog.enabled");
  if (accessLog === true) {
    throw new SimApiError("InvalidConfigurationRequest", "The practice range does not store access logs.", 409);
  }

  if (drainingEnabled !== undefined) lb.connectionDraining.enabled = drainingEnabled;
  if (drainingTimeout !== undefined) lb.connectionDraining.timeoutS = drainingTimeout;
  if (crossZone !== undefined) lb.crossZone = crossZone;
  if (idleTimeout !== undefined) lb.idleTimeoutS = idleTimeout;
  return { LoadBalancerName: lb.name, LoadBalancerAttributes: attributesXml(lb) };
}
