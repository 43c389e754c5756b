/**
 * EC2 (API 2016-11-15, EC2 query protocol): the network a team builds its topology in, on the world's
 * network model (range/world/network.ts): VPCs, subnets, security groups and their ingress rules, key
 * pairs, and the Amazon-owned images DescribeImages finds. Validation and error codes follow
 * docs/aws-behaviour.md §16.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import { SimApiError } from "./errors";
import { isoTime, queryInt, queryListItems, queryListValues, xmlList, type XmlFields, type XmlValue } from "./query";
import {
  RANGE_IMAGES,
  cidrContains,
  cidrOverlaps,
  defaultGroup,
  ec2Id,
  internetGatewaysOf,
  mainRouteTable,
  routeTablesOf,
  findSecurityGroup,
  findSubnet,
  findVpc,
  networkOf,
  parseCidr,
  regionZones,
  usableAddresses,
  vpcDefaultGroup,
  wildcardMatch,
  type SimImage,
} from "@/range/world/network";
import type { SimInternetGateway, SimKeyPair, SimRouteTable, SimSecurityGroup, SimSecurityGroupRule, SimSubnet, SimVpc } from "@/range/world/state";
import { drawPrng, type RangeWorld } from "@/range/world/world";

/** Per-Region VPC quota (docs/aws-behaviour.md §16.1). */
const MAX_VPCS = 5;
/** Per-VPC subnet quota (docs/aws-behaviour.md §16.1). */
const MAX_SUBNETS_PER_VPC = 200;
/** Zone ids of the range's three zones, in order (the account's mapping of names to ids). */
const ZONE_ID_SUFFIX = ["az1", "az2", "az4"];

function missing(name: string): SimApiError {
  return new SimApiError("MissingParameter", `The request must contain the parameter ${name}`, 400);
}

function invalidValue(value: string, parameter: string, why = ""): SimApiError {
  return new SimApiError("InvalidParameterValue", `Value (${value}) for parameter ${parameter} is invalid.${why === "" ? "" : ` ${why}`}`, 400);
}

function tagSet(tags: Record<string, string>): XmlValue {
  return xmlList(
    "item",
    Object.entries(tags).map(([key, value]): XmlValue => ({ key, value })),
  );
}

/** Tags of `TagSpecification.N` for one resource type; a specification for another type is refused. */
function specifiedTags(params: URLSearchParams, resourceType: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const spec of queryListItems(params, "TagSpecification")) {
    const type = spec.get("ResourceType") ?? "";
    if (type !== resourceType) throw invalidValue(type, "resourceType", `This operation tags ${resourceType} resources only.`);
    for (const tag of queryListItems(spec, "Tag")) {
      const key = tag.get("Key");
      if (key === null || key === "") throw missing("TagSpecification.N.Tag.N.Key");
      tags[key] = tag.get("Value") ?? "";
    }
  }
  return tags;
}

/** A Describe call's `Filter.N`: every filter must match (AND), any of its values (OR). */
function applyFilters<T>(params: URLSearchParams, items: T[], field: (item: T, name: string) => string[] | undefined): T[] {
  let out = items;
  for (const filter of queryListItems(params, "Filter")) {
    const name = filter.get("Name") ?? "";
    const values = queryListValues(filter, "Value");
    out = out.filter((item) => {
      const have = field(item, name);
      if (have === undefined) throw new SimApiError("InvalidParameterValue", `The filter '${name}' is invalid`, 400);
      return have.some((h) => values.some((v) => wildcardMatch(v, h)));
    });
  }
  return out;
}

/** The values of the tag filters every taggable resource takes (`tag:Key`, `tag-key`, `tag-value`). */
function tagField(tags: Record<string, string>, name: string): string[] | undefined {
  if (name.startsWith("tag:")) {
    const value = tags[name.slice(4)];
    return value === undefined ? [] : [value];
  }
  if (name === "tag-key") return Object.keys(tags);
  if (name === "tag-value") return Object.values(tags);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// VPCs

function vpcXml(world: RangeWorld, vpc: SimVpc, state: "pending" | "available"): XmlFields {
  return {
    vpcId: vpc.id,
    ownerId: world.config.accountId,
    state,
    cidrBlock: vpc.cidrBlock,
    cidrBlockAssociationSet: xmlList("item", [
      { cidrBlock: vpc.cidrBlock, associationId: `vpc-cidr-assoc-${vpc.id.slice(4)}`, cidrBlockState: { state: "associated" } },
    ]),
    dhcpOptionsId: "dopt-0d3fa017e5c0d0001",
    instanceTenancy: vpc.instanceTenancy,
    isDefault: vpc.isDefault,
    tagSet: tagSet(vpc.tags),
  };
}

export function createVpc(world: RangeWorld, params: URLSearchParams): XmlFields {
  const text = params.get("CidrBlock");
  if (text === null || text === "") throw missing("CidrBlock");
  const cidr = parseCidr(text);
  if (cidr === undefined) throw invalidValue(text, "cidrBlock", "This is not a valid CIDR block.");
  if (cidr.prefix < 16 || cidr.prefix > 28) throw new SimApiError("InvalidVpc.Range", `The CIDR '${text}' is invalid.`, 400);
  const tenancy = params.get("InstanceTenancy") ?? "default";
  if (tenancy !== "default" && tenancy !== "dedicated") throw invalidValue(tenancy, "instanceTenancy");
  const network = networkOf(world);
  if (network.vpcs.size >= MAX_VPCS) throw new SimApiError("VpcLimitExceeded", "The maximum number of VPCs has been reached.", 400);
  const tags = specifiedTags(params, "vpc");
  const prng = drawPrng(world);
  const vpc: SimVpc = { id: ec2Id(prng, "vpc"), cidrBlock: text, isDefault: false, createdAtMs: world.nowMs, instanceTenancy: tenancy, tags };
  network.vpcs.set(vpc.id, vpc);
  // Every VPC comes with its own "default" security group.
  const groupId = ec2Id(prng, "sg");
  network.securityGroups.set(groupId, defaultGroup(groupId, vpc.id, ec2Id(prng, "sgr").slice(0, -1)));
  // … and its main route table, with the local route (§16.8).
  const tableId = ec2Id(prng, "rtb");
  routeTablesOf(world).set(tableId, mainRouteTable(tableId, vpc.id, vpc.cidrBlock));
  return { vpc: vpcXml(world, vpc, "pending") };
}

export function describeVpcs(world: RangeWorld, params: URLSearchParams): XmlFields {
  const ids = queryListValues(params, "VpcId");
  const all = [...networkOf(world).vpcs.values()];
  const selected = ids.length > 0 ? ids.map((id) => findVpc(world, id)) : all;
  const found = applyFilters(params, selected, (vpc, name) => {
    if (name === "vpc-id") return [vpc.id];
    if (name === "cidr" || name === "cidr-block-association.cidr-block") return [vpc.cidrBlock];
    if (name === "is-default") return [String(vpc.isDefault)];
    if (name === "state") return ["available"];
    if (name === "owner-id") return [world.config.accountId];
    return tagField(vpc.tags, name);
  });
  return {
    vpcSet: xmlList(
      "item",
      found.map((vpc) => vpcXml(world, vpc, "available")),
    ),
  };
}

export function deleteVpc(world: RangeWorld, params: URLSearchParams): XmlFields {
  const id = params.get("VpcId");
  if (id === null || id === "") throw missing("VpcId");
  const vpc = findVpc(world, id);
  const network = networkOf(world);
  const dependent =
    [...network.subnets.values()].some((s) => s.vpcId === vpc.id) ||
    [...network.securityGroups.values()].some((g) => g.vpcId === vpc.id && g.name !== "default") ||
    [...internetGatewaysOf(world).values()].some((g) => g.vpcId === vpc.id) ||
    [...routeTablesOf(world).values()].some((t) => t.vpcId === vpc.id && !t.main);
  if (dependent) throw new SimApiError("DependencyViolation", `The vpc '${vpc.id}' has dependencies and cannot be deleted.`, 400);
  for (const [groupId, group] of network.securityGroups) if (group.vpcId === vpc.id) network.securityGroups.delete(groupId);
  for (const [tableId, table] of routeTablesOf(world)) if (table.vpcId === vpc.id) routeTablesOf(world).delete(tableId);
  network.vpcs.delete(vpc.id);
  return { return: true };
}

// ---------------------------------------------------------------------------------------------
// Subnets

/** Instances (not terminated) launched into a subnet. */
function instancesIn(world: RangeWorld, subnetId: string): number {
  let n = 0;
  for (const instance of world.instances.values()) if (instance.subnetId === subnetId && instance.state !== "terminated") n++;
  return n;
}

function zoneId(world: RangeWorld, zone: string): string {
  const index = regionZones(world).indexOf(zone);
  const prefix = world.config.region.replace(/^([a-z]{2})-([a-z])[a-z]*-(\d+)$/, "$1$2$3");
  return `${prefix}-${ZONE_ID_SUFFIX[index] ?? "az1"}`;
}

function subnetXml(world: RangeWorld, subnet: SimSubnet): XmlFields {
  const cidr = parseCidr(subnet.cidrBlock);
  const free = cidr === undefined ? 0 : usableAddresses(cidr) - instancesIn(world, subnet.id);
  return {
    subnetId: subnet.id,
    subnetArn: `arn:aws:ec2:${world.config.region}:${world.config.accountId}:subnet/${subnet.id}`,
    state: "available",
    ownerId: world.config.accountId,
    vpcId: subnet.vpcId,
    cidrBlock: subnet.cidrBlock,
    availableIpAddressCount: free,
    availabilityZone: subnet.availabilityZone,
    availabilityZoneId: zoneId(world, subnet.availabilityZone),
    defaultForAz: subnet.defaultForAz,
    mapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
    assignIpv6AddressOnCreation: false,
    ipv6CidrBlockAssociationSet: xmlList("item", []),
    tagSet: tagSet(subnet.tags),
  };
}

export function createSubnet(world: RangeWorld, params: URLSearchParams): XmlFields {
  const vpcId = params.get("VpcId");
  if (vpcId === null || vpcId === "") throw missing("VpcId");
  const text = params.get("CidrBlock");
  if (text === null || text === "") throw missing("CidrBlock");
  const vpc = findVpc(world, vpcId);
  const cidr = parseCidr(text);
  if (cidr === undefined) throw invalidValue(text, "cidrBlock", "This is not a valid CIDR block.");
  const vpcCidr = parseCidr(vpc.cidrBlock);
  if (cidr.prefix < 16 || cidr.prefix > 28 || vpcCidr === undefined || !cidrContains(vpcCidr, cidr)) {
    throw new SimApiError("InvalidSubnet.Range", `The CIDR '${text}' is invalid.`, 400);
  }
  const network = networkOf(world);
  const siblings = [...network.subnets.values()].filter((s) => s.vpcId === vpc.id);
  const clash = siblings.find((s) => {
    const other = parseCidr(s.cidrBlock);
    return other !== undefined && cidrOverlaps(other, cidr);
  });
  if (clash !== undefined) throw new SimApiError("InvalidSubnet.Conflict", `The CIDR '${text}' conflicts with another subnet`, 400);
  if (siblings.length >= MAX_SUBNETS_PER_VPC) throw new SimApiError("SubnetLimitExceeded", "The maximum number of subnets has been reached.", 400);
  const zones = regionZones(world);
  const requestedZone = params.get("AvailabilityZone");
  const requestedZoneId = params.get("AvailabilityZoneId");
  let zone: string | undefined;
  if (requestedZone !== null && requestedZone !== "") {
    if (!zones.includes(requestedZone)) {
      throw invalidValue(
        requestedZone,
        "availabilityZone",
        `Subnets can currently only be created in the following availability zones: ${zones.join(", ")}.`,
      );
    }
    zone = requestedZone;
  } else if (requestedZoneId !== null && requestedZoneId !== "") {
    zone = zones.find((z) => zoneId(world, z) === requestedZoneId);
    if (zone === undefined) throw invalidValue(requestedZoneId, "availabilityZoneId");
  }
  const tags = specifiedTags(params, "subnet");
  const prng = drawPrng(world);
  const subnet: SimSubnet = {
    id: ec2Id(prng, "subnet"),
    vpcId: vpc.id,
    cidrBlock: text,
    // Without a zone, EC2 picks one for the subnet.
    availabilityZone: zone ?? zones[prng.int(zones.length)] ?? zones[0] ?? world.config.region,
    defaultForAz: false,
    mapPublicIpOnLaunch: false,
    createdAtMs: world.nowMs,
    tags,
  };
  network.subnets.set(subnet.id, subnet);
  return { subnet: subnetXml(world, subnet) };
}

export function describeSubnets(world: RangeWorld, params: URLSearchParams): XmlFields {
  const ids = queryListValues(params, "SubnetId");
  const all = [...networkOf(world).subnets.values()];
  const selected = ids.length > 0 ? ids.map((id) => findSubnet(world, id)) : all;
  const found = applyFilters(params, selected, (subnet, name) => {
    if (name === "vpc-id" || name === "vpcId") return [subnet.vpcId];
    if (name === "subnet-id" || name === "subnetId") return [subnet.id];
    if (name === "availability-zone" || name === "availabilityZone") return [subnet.availabilityZone];
    if (name === "availability-zone-id" || name === "availabilityZoneId") return [zoneId(world, subnet.availabilityZone)];
    if (name === "cidr-block" || name === "cidr" || name === "cidrBlock") return [subnet.cidrBlock];
    if (name === "default-for-az" || name === "defaultForAz") return [String(subnet.defaultForAz)];
    if (name === "state") return ["available"];
    return tagField(subnet.tags, name);
  });
  return {
    subnetSet: xmlList(
      "item",
      found.map((subnet) => subnetXml(world, subnet)),
    ),
  };
}

export function deleteSubnet(world: RangeWorld, params: URLSearchParams): XmlFields {
  const id = params.get("SubnetId");
  if (id === null || id === "") throw missing("SubnetId");
  const subnet = findSubnet(world, id);
  if (instancesIn(world, subnet.id) > 0) {
    throw new SimApiError("DependencyViolation", `The subnet '${subnet.id}' has dependencies and cannot be deleted.`, 400);
  }
  networkOf(world).subnets.delete(subnet.id);
  for (const table of routeTablesOf(world).values()) table.subnetAssociations = table.subnetAssociations.filter((a) => a.subnetId !== subnet.id);
  return { return: true };
}

// ---------------------------------------------------------------------------------------------
// Security groups

function ruleXml(rule: SimSecurityGroupRule): XmlFields {
  return {
    ipProtocol: rule.ipProtocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    groups: xmlList("item", rule.referencedGroupId === undefined ? [] : [{ groupId: rule.referencedGroupId, description: rule.description }]),
    ipRanges: xmlList("item", rule.cidrIpv4 === undefined ? [] : [{ cidrIp: rule.cidrIpv4, description: rule.description }]),
    ipv6Ranges: xmlList("item", []),
    prefixListIds: xmlList("item", []),
  };
}

function securityGroupXml(world: RangeWorld, group: SimSecurityGroup): XmlFields {
  return {
    ownerId: world.config.accountId,
    groupId: group.id,
    groupName: group.name,
    groupDescription: group.description,
    vpcId: group.vpcId,
    securityGroupArn: `arn:aws:ec2:${world.config.region}:${world.config.accountId}:security-group/${group.id}`,
    ipPermissions: xmlList("item", group.ingress.map(ruleXml)),
    ipPermissionsEgress: xmlList("item", group.egress.map(ruleXml)),
    tagSet: tagSet(group.tags),
  };
}

/** Group names and descriptions: at most 255 characters (docs/aws-behaviour.md §16.2). */
function checkGroupText(value: string, parameter: string): void {
  if (value.length > 255) throw invalidValue(value, parameter, "It must be at most 255 characters long.");
}

export function createSecurityGroup(world: RangeWorld, params: URLSearchParams): XmlFields {
  const name = params.get("GroupName");
  if (name === null || name === "") throw missing("GroupName");
  const description = params.get("GroupDescription");
  if (description === null || description === "") throw missing("GroupDescription");
  checkGroupText(name, "GroupName");
  checkGroupText(description, "GroupDescription");
  if (name.toLowerCase().startsWith("sg-")) throw invalidValue(name, "GroupName", "Group names may not start with 'sg-'.");
  const vpcId = params.get("VpcId") ?? "";
  const vpc = vpcId === "" ? [...networkOf(world).vpcs.values()].find((v) => v.isDefault) : findVpc(world, vpcId);
  if (vpc === undefined) throw new SimApiError("VPCIdNotSpecified", "No default VPC for this user.", 400);
  const network = networkOf(world);
  if ([...network.securityGroups.values()].some((g) => g.vpcId === vpc.id && g.name === name)) {
    throw new SimApiError("InvalidGroup.Duplicate", `The security group '${name}' already exists for VPC '${vpc.id}'`, 400);
  }
  const tags = specifiedTags(params, "security-group");
  const prng = drawPrng(world);
  const group: SimSecurityGroup = {
    id: ec2Id(prng, "sg"),
    name,
    description,
    vpcId: vpc.id,
    ingress: [],
    // A new group lets everything out until its egress rules are changed.
    egress: [{ id: ec2Id(prng, "sgr"), ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }],
    tags,
  };
  network.securityGroups.set(group.id, group);
  return { return: true, groupId: group.id, securityGroupArn: securityGroupXml(world, group).securityGroupArn, tagSet: tagSet(tags) };
}

/** The group a request names by `GroupId`, or by `GroupName` in the default VPC. */
function requestedGroup(world: RangeWorld, params: URLSearchParams): SimSecurityGroup {
  const id = params.get("GroupId");
  if (id !== null && id !== "") return findSecurityGroup(world, id);
  const name = params.get("GroupName");
  if (name === null || name === "") throw missing("GroupId");
  const group = [...networkOf(world).securityGroups.values()].find((g) => g.name === name && networkOf(world).vpcs.get(g.vpcId)?.isDefault === true);
  if (group === undefined) throw new SimApiError("InvalidGroup.NotFound", `The security group '${name}' does not exist in default VPC`, 400);
  return group;
}

export function describeSecurityGroups(world: RangeWorld, params: URLSearchParams): XmlFields {
  const ids = queryListValues(params, "GroupId");
  const names = queryListValues(params, "GroupName");
  const all = [...networkOf(world).securityGroups.values()];
  let selected = ids.length > 0 ? ids.map((id) => findSecurityGroup(world, id)) : all;
  if (names.length > 0) {
    selected = names.map((name) => {
      const group = selected.find((g) => g.name === name && networkOf(world).vpcs.get(g.vpcId)?.isDefault === true);
      if (group === undefined) throw new SimApiError("InvalidGroup.NotFound", `The security group '${name}' does not exist in default VPC`, 400);
      return group;
    });
  }
  const found = applyFilters(params, selected, (group, name) => {
    if (name === "vpc-id") return [group.vpcId];
    if (name === "group-id") return [group.id];
    if (name === "group-name") return [group.name];
    if (name === "description") return [group.description];
    if (name === "owner-id") return [world.config.accountId];
    return tagField(group.tags, name);
  });
  return {
    securityGroupInfo: xmlList(
      "item",
      found.map((group) => securityGroupXml(world, group)),
    ),
  };
}

const PROTOCOLS: Readonly<Record<string, string>> = {
  tcp: "tcp",
  "6": "tcp",
  udp: "udp",
  "17": "udp",
  icmp: "icmp",
  "1": "icmp",
  "-1": "-1",
  all: "-1",
};

/** One rule per source of each `IpPermissions.N` (or of the older top-level form). */
function requestedRules(world: RangeWorld, params: URLSearchParams, group: SimSecurityGroup): Omit<SimSecurityGroupRule, "id">[] {
  const permissions = queryListItems(params, "IpPermissions");
  const legacy = params.get("IpProtocol");
  if (permissions.length === 0 && legacy !== null) {
    const flat = new URLSearchParams();
    for (const key of ["IpProtocol", "FromPort", "ToPort"]) {
      const value = params.get(key);
      if (value !== null) flat.set(key, value);
    }
    const cidr = params.get("CidrIp");
    if (cidr !== null) flat.set("IpRanges.1.CidrIp", cidr);
    const source = params.get("SourceSecurityGroupId");
    if (source !== null) flat.set("Groups.1.GroupId", source);
    permissions.push(flat);
  }
  if (permissions.length === 0) throw missing("IpPermissions");
  const rules: Omit<SimSecurityGroupRule, "id">[] = [];
  for (const permission of permissions) {
    const rawProtocol = (permission.get("IpProtocol") ?? "").toLowerCase();
    const ipProtocol = PROTOCOLS[rawProtocol];
    if (ipProtocol === undefined) throw invalidValue(rawProtocol, "ipProtocol", "Valid values: tcp, udp, icmp, -1 or a protocol number.");
    let fromPort: number | undefined;
    let toPort: number | undefined;
    if (ipProtocol === "tcp" || ipProtocol === "udp") {
      const from = queryInt(permission, "FromPort");
      const to = queryInt(permission, "ToPort");
      if (from === undefined || to === undefined)
        throw new SimApiError("InvalidParameterValue", "Invalid value 'null' for portRange. Must specify both from and to ports with TCP/UDP.", 400);
      if (from === "invalid" || to === "invalid" || from < 0 || to > 65535 || from > to) {
        throw new SimApiError("InvalidParameterValue", `Invalid port range (${String(from)}, ${String(to)}).`, 400);
      }
      fromPort = from;
      toPort = to;
    } else if (ipProtocol === "icmp") {
      const from = queryInt(permission, "FromPort");
      const to = queryInt(permission, "ToPort");
      fromPort = typeof from === "number" ? from : -1;
      toPort = typeof to === "number" ? to : -1;
    }
    const sources: Omit<SimSecurityGroupRule, "id">[] = [];
    for (const range of queryListItems(permission, "IpRanges")) {
      const cidr = range.get("CidrIp") ?? "";
      if (parseCidr(cidr) === undefined) throw invalidValue(cidr, "cidrIp", "CIDR block is malformed.");
      sources.push({ ipProtocol, fromPort, toPort, cidrIpv4: cidr, description: range.get("Description") ?? undefined });
    }
    for (const pair of queryListItems(permission, "Groups")) {
      const source = findSecurityGroup(world, pair.get("GroupId") ?? "");
      if (source.vpcId !== group.vpcId) {
        throw new SimApiError("InvalidGroup.NotFound", `You have specified a security group '${source.id}' that is not in VPC '${group.vpcId}'`, 400);
      }
      sources.push({ ipProtocol, fromPort, toPort, referencedGroupId: source.id, description: pair.get("Description") ?? undefined });
    }
    if (sources.length === 0) throw missing("IpPermissions.N.IpRanges or IpPermissions.N.Groups");
    rules.push(...sources);
  }
  return rules;
}

function sameRule(a: Omit<SimSecurityGroupRule, "id">, b: Omit<SimSecurityGroupRule, "id">): boolean {
  return (
    a.ipProtocol === b.ipProtocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    a.cidrIpv4 === b.cidrIpv4 &&
    a.referencedGroupId === b.referencedGroupId
  );
}

export function authorizeSecurityGroupIngress(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requestedGroup(world, params);
  const rules = requestedRules(world, params, group);
  for (const rule of rules) {
    if (group.ingress.some((existing) => sameRule(existing, rule))) {
      const source = rule.cidrIpv4 ?? rule.referencedGroupId ?? "";
      const ports = rule.ipProtocol === "-1" ? "all" : `${String(rule.fromPort)}-${String(rule.toPort)}`;
      throw new SimApiError(
        "InvalidPermission.Duplicate",
        `the specified rule "peer: ${source}, ${rule.ipProtocol.toUpperCase()}, ${ports}, ALLOW" already exists`,
        400,
      );
    }
  }
  const prng = drawPrng(world);
  const added = rules.map((rule): SimSecurityGroupRule => ({ ...rule, id: ec2Id(prng, "sgr") }));
  group.ingress.push(...added);
  return {
    return: true,
    securityGroupRuleSet: xmlList(
      "item",
      added.map((rule): XmlValue => ({
        securityGroupRuleId: rule.id,
        groupId: group.id,
        groupOwnerId: world.config.accountId,
        isEgress: false,
        ipProtocol: rule.ipProtocol,
        fromPort: rule.fromPort ?? -1,
        toPort: rule.toPort ?? -1,
        cidrIpv4: rule.cidrIpv4,
        referencedGroupInfo: rule.referencedGroupId === undefined ? undefined : { groupId: rule.referencedGroupId, userId: world.config.accountId },
        description: rule.description,
      })),
    ),
  };
}

export function deleteSecurityGroup(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requestedGroup(world, params);
  if (group.name === "default")
    throw new SimApiError("CannotDelete", `the specified group: "${group.id}" name: "default" cannot be deleted by a user`, 400);
  const network = networkOf(world);
  const inUse =
    [...world.instances.values()].some((i) => i.state !== "terminated" && (i.securityGroupIds ?? []).includes(group.id)) ||
    [...network.securityGroups.values()].some((g) => g.id !== group.id && g.ingress.some((r) => r.referencedGroupId === group.id)) ||
    [...(world.albs?.values() ?? [])].some((alb) => alb.securityGroups.includes(group.id));
  if (inUse) throw new SimApiError("DependencyViolation", `resource ${group.id} has a dependent object`, 400);
  network.securityGroups.delete(group.id);
  return { return: true, groupId: group.id };
}

/** The default group of a VPC, for launches and load balancers that name none. */
export function defaultGroupIds(world: RangeWorld, vpcId: string): string[] {
  const group = vpcDefaultGroup(world, vpcId);
  return group === undefined ? [] : [group.id];
}

// ---------------------------------------------------------------------------------------------
// Key pairs

function keyPairs(world: RangeWorld): Map<string, SimKeyPair> {
  return networkOf(world).keyPairs;
}

/** Key names: 1–255 ASCII characters (docs/aws-behaviour.md §16.3). */
function checkKeyName(name: string): void {
  if (name.length > 255 || !/^[\x20-\x7e]+$/.test(name)) throw invalidValue(name, "KeyName");
}

function keyPairXml(world: RangeWorld, key: SimKeyPair): XmlFields {
  return {
    keyPairId: key.id,
    keyName: key.name,
    keyType: key.keyType,
    keyFingerprint: key.fingerprint,
    createTime: isoTime(key.createdAtMs),
    tagSet: tagSet(key.tags),
  };
}

export function createKeyPair(world: RangeWorld, params: URLSearchParams): XmlFields {
  const name = params.get("KeyName");
  if (name === null || name === "") throw missing("KeyName");
  checkKeyName(name);
  const keyType = params.get("KeyType") ?? "rsa";
  if (keyType !== "rsa" && keyType !== "ed25519") throw invalidValue(keyType, "KeyType");
  const format = params.get("KeyFormat") ?? "pem";
  if (format !== "pem" && format !== "ppk") throw invalidValue(format, "KeyFormat");
  if (format === "ppk") throw invalidValue(format, "KeyFormat", "The practice range hands out PEM keys only.");
  if (keyPairs(world).has(name)) throw new SimApiError("InvalidKeyPair.Duplicate", `The keypair '${name}' already exists.`, 400);
  const tags = specifiedTags(params, "key-pair");
  // A real key, so a client that parses the material gets one; the range forgets the private half.
  const { privateKey, fingerprint } = newKey(keyType);
  const key: SimKeyPair = { id: ec2Id(drawPrng(world), "key"), name, keyType, fingerprint, createdAtMs: world.nowMs, tags };
  keyPairs(world).set(name, key);
  return { keyName: name, keyFingerprint: fingerprint, keyMaterial: privateKey, keyPairId: key.id, tagSet: tagSet(tags) };
}

/**
 * A new private key in PEM and EC2's fingerprint of a key it created: for RSA the SHA-1 digest of the
 * private key in PKCS#8 DER, as colon-separated hex; for ED25519 the base64 SHA-256 digest of the
 * public key (docs/aws-behaviour.md §16.3).
 */
function newKey(keyType: "rsa" | "ed25519"): { privateKey: string; fingerprint: string } {
  if (keyType === "ed25519") {
    const pair = generateKeyPairSync("ed25519");
    const publicDer = pair.publicKey.export({ type: "spki", format: "der" });
    const privateKey = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    return { privateKey, fingerprint: `${createHash("sha256").update(publicDer).digest("base64").replace(/=+$/, "")}=` };
  }
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const der = pair.privateKey.export({ type: "pkcs8", format: "der" });
  const privateKey = pair.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const hex = createHash("sha1").update(der).digest("hex");
  return { privateKey, fingerprint: hex.match(/../g)?.join(":") ?? hex };
}

export function describeKeyPairs(world: RangeWorld, params: URLSearchParams): XmlFields {
  const names = queryListValues(params, "KeyName");
  const ids = queryListValues(params, "KeyPairId");
  const all = [...keyPairs(world).values()];
  let selected = all;
  if (names.length > 0) {
    selected = names.map((name) => {
      const key = keyPairs(world).get(name);
      if (key === undefined) throw new SimApiError("InvalidKeyPair.NotFound", `The key pair '${name}' does not exist`, 400);
      return key;
    });
  }
  if (ids.length > 0) {
    selected = ids.map((id) => {
      const key = selected.find((k) => k.id === id);
      if (key === undefined) throw new SimApiError("InvalidKeyPair.NotFound", `The key pair '${id}' does not exist`, 400);
      return key;
    });
  }
  const found = applyFilters(params, selected, (key, name) => {
    if (name === "key-name") return [key.name];
    if (name === "key-pair-id") return [key.id];
    if (name === "fingerprint") return [key.fingerprint];
    return tagField(key.tags, name);
  });
  return {
    keySet: xmlList(
      "item",
      found.map((key) => keyPairXml(world, key)),
    ),
  };
}

export function deleteKeyPair(world: RangeWorld, params: URLSearchParams): XmlFields {
  const name = params.get("KeyName") ?? "";
  const id = params.get("KeyPairId") ?? "";
  if (name === "" && id === "") throw missing("KeyName");
  // Deleting a key pair that does not exist succeeds (docs/aws-behaviour.md §16.3).
  const key = name !== "" ? keyPairs(world).get(name) : [...keyPairs(world).values()].find((k) => k.id === id);
  if (key !== undefined) keyPairs(world).delete(key.name);
  return { return: true, keyPairId: key?.id };
}

// ---------------------------------------------------------------------------------------------
// Images

function imageXml(image: SimImage): XmlFields {
  return {
    imageId: image.imageId,
    imageLocation: `${image.ownerAlias === "" ? image.ownerId : image.ownerAlias}/${image.name}`,
    imageState: "available",
    imageOwnerId: image.ownerId,
    creationDate: image.creationDate,
    isPublic: true,
    architecture: image.architecture,
    imageType: "machine",
    imageOwnerAlias: image.ownerAlias === "" ? undefined : image.ownerAlias,
    name: image.name,
    description: image.description,
    rootDeviceType: "ebs",
    rootDeviceName: "/dev/xvda",
    blockDeviceMapping: xmlList("item", [
      {
        deviceName: "/dev/xvda",
        ebs: { snapshotId: `snap-${image.imageId.slice(4)}`, volumeSize: 8, deleteOnTermination: true, volumeType: "gp3", encrypted: false },
      },
    ]),
    virtualizationType: "hvm",
    hypervisor: "xen",
    enaSupport: true,
    platformDetails: image.platformDetails,
    usageOperation: "RunInstances",
    bootMode: image.architecture === "arm64" ? "uefi" : undefined,
    tagSet: xmlList("item", []),
  };
}

export function describeImages(world: RangeWorld, params: URLSearchParams): XmlFields {
  const ids = queryListValues(params, "ImageId");
  for (const id of ids) {
    if (!/^ami-[0-9a-f]{8,17}$/.test(id)) throw new SimApiError("InvalidAMIID.Malformed", `Invalid id: "${id}" (expecting "ami-...")`, 400);
  }
  const missingIds = ids.filter((id) => !RANGE_IMAGES.some((image) => image.imageId === id));
  if (missingIds.length > 0) {
    throw new SimApiError("InvalidAMIID.NotFound", `The image id '[${missingIds.join(", ")}]' does not exist`, 400);
  }
  const owners = queryListValues(params, "Owner");
  let selected = ids.length > 0 ? RANGE_IMAGES.filter((image) => ids.includes(image.imageId)) : [...RANGE_IMAGES];
  if (owners.length > 0) {
    selected = selected.filter((image) =>
      owners.some((owner) => {
        // The range holds no images of the account's own ("self") and none from the Marketplace.
        if (owner === "self") return image.ownerId === world.config.accountId;
        if (owner === "amazon" || owner === "aws-marketplace") return image.ownerAlias === owner;
        return image.ownerId === owner;
      }),
    );
  }
  const found = applyFilters(params, selected, (image, name) => {
    if (name === "name") return [image.name];
    if (name === "image-id") return [image.imageId];
    if (name === "owner-id") return [image.ownerId];
    if (name === "owner-alias") return image.ownerAlias === "" ? [] : [image.ownerAlias];
    if (name === "architecture") return [image.architecture];
    if (name === "state") return ["available"];
    if (name === "description") return [image.description];
    if (name === "is-public") return ["true"];
    if (name === "root-device-type") return ["ebs"];
    if (name === "virtualization-type") return ["hvm"];
    if (name === "platform-details") return [image.platformDetails];
    return tagField({}, name);
  });
  return { imagesSet: xmlList("item", found.map(imageXml)) };
}

// ---------------------------------------------------------------------------------------------
// Tags of EC2 resources, and the small edits topology scripts make

/** The tags of the resource an id names, or EC2's "not found" error for its kind. */
function taggable(world: RangeWorld, id: string): Record<string, string> {
  const network = networkOf(world);
  if (id.startsWith("vpc-")) return findVpc(world, id).tags;
  if (id.startsWith("subnet-")) return findSubnet(world, id).tags;
  if (id.startsWith("sg-")) return findSecurityGroup(world, id).tags;
  if (id.startsWith("key-")) {
    const key = [...network.keyPairs.values()].find((k) => k.id === id);
    if (key === undefined) throw new SimApiError("InvalidKeyPair.NotFound", `The key pair '${id}' does not exist`, 400);
    return key.tags;
  }
  if (id.startsWith("i-")) {
    const instance = world.instances.get(id);
    if (instance === undefined) throw new SimApiError("InvalidInstanceID.NotFound", `The instance ID '${id}' does not exist`, 400);
    return instance.tags;
  }
  if (id.startsWith("igw-")) return findGateway(world, id).tags;
  if (id.startsWith("rtb-")) return findRouteTable(world, id).tags;
  if (id.startsWith("lt-")) {
    const template = world.launchTemplates?.get(id);
    if (template === undefined)
      throw new SimApiError("InvalidLaunchTemplateId.NotFound", `The specified launch template, with template ID ${id}, does not exist.`, 400);
    return template.tags;
  }
  throw new SimApiError("InvalidID", `The ID '${id}' is not valid`, 400);
}

/** At most 50 tags per resource; keys of 1–127 characters not starting with `aws:`, values up to 255 (§16.7). */
const MAX_EC2_TAGS = 50;

export function createTags(world: RangeWorld, params: URLSearchParams): XmlFields {
  const ids = queryListValues(params, "ResourceId");
  if (ids.length === 0) throw missing("ResourceId");
  const tags: Record<string, string> = {};
  for (const tag of queryListItems(params, "Tag")) {
    const key = tag.get("Key") ?? "";
    const value = tag.get("Value") ?? "";
    if (key === "" || key.length > 127) throw invalidValue(key, "Tag.Key", "Tag keys must have 1 to 127 characters.");
    if (key.toLowerCase().startsWith("aws:")) throw invalidValue(key, "Tag.Key", "Tag keys starting with 'aws:' are reserved for internal use.");
    if (value.length > 255) throw invalidValue(value, "Tag.Value", "Tag values must have at most 255 characters.");
    tags[key] = value;
  }
  if (Object.keys(tags).length === 0) throw missing("Tag");
  // Every resource is checked before any is tagged: a refused call tags nothing.
  const targets = ids.map((id) => taggable(world, id));
  for (const target of targets) {
    if (Object.keys({ ...target, ...tags }).length > MAX_EC2_TAGS) {
      throw new SimApiError("TagLimitExceeded", `A resource can have at most ${MAX_EC2_TAGS} tags.`, 400);
    }
  }
  for (const target of targets) Object.assign(target, tags);
  return { return: true };
}

export function deleteTags(world: RangeWorld, params: URLSearchParams): XmlFields {
  const ids = queryListValues(params, "ResourceId");
  if (ids.length === 0) throw missing("ResourceId");
  const targets = ids.map((id) => taggable(world, id));
  const items = queryListItems(params, "Tag");
  for (const target of targets) {
    // Without Tag, every tag of the resources goes.
    if (items.length === 0) for (const key of Object.keys(target)) delete target[key];
    for (const tag of items) {
      const key = tag.get("Key") ?? "";
      const value = tag.get("Value");
      // A tag named with a value is deleted only when the value matches (§16.7).
      if (key in target && (value === null || target[key] === value)) delete target[key];
    }
  }
  return { return: true };
}

export function revokeSecurityGroupIngress(world: RangeWorld, params: URLSearchParams): XmlFields {
  const group = requestedGroup(world, params);
  const ruleIds = queryListValues(params, "SecurityGroupRuleId");
  if (ruleIds.length > 0) {
    const unknown = ruleIds.filter((id) => !group.ingress.some((r) => r.id === id));
    if (unknown.length > 0)
      throw new SimApiError("InvalidSecurityGroupRuleId.NotFound", `The security group rule ID '${unknown.join(", ")}' does not exist`, 400);
    group.ingress = group.ingress.filter((r) => !ruleIds.includes(r.id));
    return { return: true };
  }
  const rules = requestedRules(world, params, group);
  // Rules that match none of the group's are not an error: the answer lists them (§16.2).
  const unknown = rules.filter((rule) => !group.ingress.some((existing) => sameRule(existing, rule)));
  group.ingress = group.ingress.filter((existing) => !rules.some((rule) => sameRule(existing, rule)));
  return {
    return: true,
    unknownIpPermissionSet:
      unknown.length === 0
        ? undefined
        : xmlList(
            "item",
            unknown.map((rule) => ruleXml({ ...rule, id: "" })),
          ),
  };
}

export function modifySubnetAttribute(world: RangeWorld, params: URLSearchParams): XmlFields {
  const id = params.get("SubnetId");
  if (id === null || id === "") throw missing("SubnetId");
  const subnet = findSubnet(world, id);
  const value = params.get("MapPublicIpOnLaunch.Value");
  if (value === null) throw new SimApiError("InvalidParameterCombination", "The practice range changes MapPublicIpOnLaunch only.", 400);
  if (value !== "true" && value !== "false") throw invalidValue(value, "MapPublicIpOnLaunch");
  subnet.mapPublicIpOnLaunch = value === "true";
  return { return: true };
}

// ---------------------------------------------------------------------------------------------
// Internet gateways and route tables (§16.8): stored and described; traffic does not follow them,
// but an internet-facing load balancer needs its VPC to have a gateway.

function findGateway(world: RangeWorld, id: string): SimInternetGateway {
  const gateway = internetGatewaysOf(world).get(id);
  if (gateway === undefined) throw new SimApiError("InvalidInternetGatewayID.NotFound", `The internetGateway ID '${id}' does not exist`, 400);
  return gateway;
}

function findRouteTable(world: RangeWorld, id: string): SimRouteTable {
  const table = routeTablesOf(world).get(id);
  if (table === undefined) throw new SimApiError("InvalidRouteTableID.NotFound", `The routeTable ID '${id}' does not exist`, 400);
  return table;
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === "") throw missing(name);
  return value;
}

function gatewayXml(gateway: SimInternetGateway): XmlFields {
  return {
    internetGatewayId: gateway.id,
    attachmentSet: xmlList("item", gateway.vpcId === undefined ? [] : [{ vpcId: gateway.vpcId, state: "available" }]),
    tagSet: tagSet(gateway.tags),
  };
}

export function createInternetGateway(world: RangeWorld, params: URLSearchParams): XmlFields {
  const tags = specifiedTags(params, "internet-gateway");
  const gateway: SimInternetGateway = { id: ec2Id(drawPrng(world), "igw"), tags };
  internetGatewaysOf(world).set(gateway.id, gateway);
  return { internetGateway: gatewayXml(gateway) };
}

export function attachInternetGateway(world: RangeWorld, params: URLSearchParams): XmlFields {
  const gateway = findGateway(world, required(params, "InternetGatewayId"));
  const vpc = findVpc(world, required(params, "VpcId"));
  if (gateway.vpcId !== undefined) {
    throw new SimApiError("Resource.AlreadyAssociated", `resource ${gateway.id} is already attached to network ${gateway.vpcId}`, 400);
  }
  if ([...internetGatewaysOf(world).values()].some((g) => g.vpcId === vpc.id)) {
    throw new SimApiError("Resource.AlreadyAssociated", `network ${vpc.id} already has an internet gateway attached`, 400);
  }
  gateway.vpcId = vpc.id;
  return { return: true };
}

export function detachInternetGateway(world: RangeWorld, params: URLSearchParams): XmlFields {
  const gateway = findGateway(world, required(params, "InternetGatewayId"));
  const vpcId = required(params, "VpcId");
  if (gateway.vpcId !== vpcId) throw new SimApiError("Gateway.NotAttached", `resource ${gateway.id} is not attached to network ${vpcId}`, 400);
  gateway.vpcId = undefined;
  return { return: true };
}

export function deleteInternetGateway(world: RangeWorld, params: URLSearchParams): XmlFields {
  const gateway = findGateway(world, required(params, "InternetGatewayId"));
  if (gateway.vpcId !== undefined) {
    throw new SimApiError("DependencyViolation", `The internetGateway '${gateway.id}' has dependencies and cannot be deleted.`, 400);
  }
  internetGatewaysOf(world).delete(gateway.id);
  return { return: true };
}

export function describeInternetGateways(world: RangeWorld, params: URLSearchParams): XmlFields {
  const ids = queryListValues(params, "InternetGatewayId");
  const selected = ids.length > 0 ? ids.map((id) => findGateway(world, id)) : [...internetGatewaysOf(world).values()];
  const found = applyFilters(params, selected, (gateway, name) => {
    if (name === "internet-gateway-id") return [gateway.id];
    if (name === "attachment.vpc-id") return gateway.vpcId === undefined ? [] : [gateway.vpcId];
    if (name === "attachment.state") return gateway.vpcId === undefined ? [] : ["available"];
    if (name === "owner-id") return [world.config.accountId];
    return tagField(gateway.tags, name);
  });
  return { internetGatewaySet: xmlList("item", found.map(gatewayXml)) };
}

function routeTableXml(world: RangeWorld, table: SimRouteTable): XmlFields {
  return {
    routeTableId: table.id,
    vpcId: table.vpcId,
    ownerId: world.config.accountId,
    routeSet: xmlList(
      "item",
      table.routes.map((r): XmlValue => ({
        destinationCidrBlock: r.destinationCidrBlock,
        gatewayId: r.gatewayId,
        state: "active",
        origin: r.gatewayId === "local" ? "CreateRouteTable" : "CreateRoute",
      })),
    ),
    associationSet: xmlList("item", [
      ...(table.main
        ? [
            {
              routeTableAssociationId: `rtbassoc-${table.id.slice(4)}`,
              routeTableId: table.id,
              main: true,
              associationState: { state: "associated" },
            },
          ]
        : []),
      ...table.subnetAssociations.map((a): XmlValue => ({
        routeTableAssociationId: a.id,
        routeTableId: table.id,
        subnetId: a.subnetId,
        main: false,
        associationState: { state: "associated" },
      })),
    ]),
    propagatingVgwSet: xmlList("item", []),
    tagSet: tagSet(table.tags),
  };
}

export function createRouteTable(world: RangeWorld, params: URLSearchParams): XmlFields {
  const vpc = findVpc(world, required(params, "VpcId"));
  const tags = specifiedTags(params, "route-table");
  const table: SimRouteTable = { ...mainRouteTable(ec2Id(drawPrng(world), "rtb"), vpc.id, vpc.cidrBlock), main: false, tags };
  routeTablesOf(world).set(table.id, table);
  return { routeTable: routeTableXml(world, table) };
}

export function createRoute(world: RangeWorld, params: URLSearchParams): XmlFields {
  const table = findRouteTable(world, required(params, "RouteTableId"));
  const destination = required(params, "DestinationCidrBlock");
  if (parseCidr(destination) === undefined) throw invalidValue(destination, "destinationCidrBlock", "This is not a valid CIDR block.");
  const gatewayId = params.get("GatewayId") ?? "";
  if (gatewayId === "")
    throw new SimApiError("InvalidParameterValue", "The practice range routes to internet gateways only: GatewayId is required.", 400);
  const gateway = findGateway(world, gatewayId);
  if (gateway.vpcId !== table.vpcId) {
    throw new SimApiError("InvalidParameterValue", `route table ${table.id} and network gateway ${gateway.id} belong to different networks`, 400);
  }
  if (table.routes.some((r) => r.destinationCidrBlock === destination)) {
    throw new SimApiError("RouteAlreadyExists", `The route identified by ${destination} already exists.`, 400);
  }
  table.routes.push({ destinationCidrBlock: destination, gatewayId: gateway.id });
  return { return: true };
}

export function associateRouteTable(world: RangeWorld, params: URLSearchParams): XmlFields {
  const table = findRouteTable(world, required(params, "RouteTableId"));
  const subnet = findSubnet(world, required(params, "SubnetId"));
  if (subnet.vpcId !== table.vpcId) {
    throw new SimApiError("InvalidParameterValue", `Route table ${table.id} and subnet ${subnet.id} belong to different networks`, 400);
  }
  const current = [...routeTablesOf(world).values()].find((t) => t.subnetAssociations.some((a) => a.subnetId === subnet.id));
  if (current !== undefined) {
    throw new SimApiError(
      "Resource.AlreadyAssociated",
      `the specified association for route table ${current.id} conflicts with an existing association`,
      400,
    );
  }
  const id = ec2Id(drawPrng(world), "rtbassoc");
  table.subnetAssociations.push({ id, subnetId: subnet.id });
  return { associationId: id, associationState: { state: "associated" } };
}

export function describeRouteTables(world: RangeWorld, params: URLSearchParams): XmlFields {
  const ids = queryListValues(params, "RouteTableId");
  const selected = ids.length > 0 ? ids.map((id) => findRouteTable(world, id)) : [...routeTablesOf(world).values()];
  const found = applyFilters(params, selected, (table, name) => {
    if (name === "route-table-id") return [table.id];
    if (name === "vpc-id") return [table.vpcId];
    if (name === "association.main") return [String(table.main)];
    if (name === "association.subnet-id") return table.subnetAssociations.map((a) => a.subnetId);
    if (name === "route.gateway-id") return table.routes.map((r) => r.gatewayId);
    return tagField(table.tags, name);
  });
  return {
    routeTableSet: xmlList(
      "item",
      found.map((table) => routeTableXml(world, table)),
    ),
  };
}
