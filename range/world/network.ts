/**
 * The practice range's network: VPCs, subnets, security groups and key pairs
 * (docs/aws-behaviour.md §16), plus the Amazon-owned images DescribeImages finds.
 *
 * Every world starts with the account's default VPC (172.31.0.0/16) and one default subnet per
 * Availability Zone of the Region, created on first use with fixed ids, so the demo world and
 * every client that never creates a network keep the ids they always had. Anything a client
 * creates gets ids from the world's seeded generator.
 */
import { SimApiError } from "@/range/protocols/errors";
import type { Prng } from "./prng";
import type { SimInternetGateway, SimNetwork, SimRouteTable, SimSecurityGroup, SimSubnet, SimVpc, SimWorld } from "./state";

/** The account's default VPC; the demo world's instances and load balancers live in it. */
export const DEFAULT_VPC_ID = "vpc-0d3fa017e5c0a1b2c";
export const DEFAULT_VPC_CIDR = "172.31.0.0/16";
/** The default VPC's "default" security group. */
export const DEFAULT_SECURITY_GROUP_ID = "sg-0d3fa017e5c0d0001";

/** The default subnet of an Availability Zone ("us-east-1b" → "subnet-0d3fa017e5c0000b"). */
export function subnetOf(availabilityZone: string): string {
  return `subnet-0d3fa017e5c0000${availabilityZone.slice(-1)}`;
}

/** The Availability Zones of the range's Region (three, "a" to "c"). */
export function regionZones(world: SimWorld): string[] {
  const region = world.config.region;
  return [`${region}a`, `${region}b`, `${region}c`];
}

/** The network of the world, created with the default VPC, its subnets and its default group. */
export function networkOf(world: SimWorld): SimNetwork {
  if (world.network !== undefined) return world.network;
  const network: SimNetwork = { vpcs: new Map(), subnets: new Map(), securityGroups: new Map(), keyPairs: new Map() };
  network.vpcs.set(DEFAULT_VPC_ID, {
    id: DEFAULT_VPC_ID,
    cidrBlock: DEFAULT_VPC_CIDR,
    isDefault: true,
    createdAtMs: 0,
    instanceTenancy: "default",
    tags: {},
  });
  // AWS gives each default subnet a /20 of 172.31.0.0/16: 172.31.0.0/20, 172.31.16.0/20, …
  regionZones(world).forEach((zone, i) => {
    const id = subnetOf(zone);
    network.subnets.set(id, {
      id,
      vpcId: DEFAULT_VPC_ID,
      cidrBlock: `172.31.${i * 16}.0/20`,
      availabilityZone: zone,
      defaultForAz: true,
      mapPublicIpOnLaunch: true,
      createdAtMs: 0,
      tags: {},
    });
  });
  network.securityGroups.set(DEFAULT_SECURITY_GROUP_ID, defaultGroup(DEFAULT_SECURITY_GROUP_ID, DEFAULT_VPC_ID, "sgr-0d3fa017e5c0d0001"));
  // The default VPC comes with an internet gateway and a main route table that routes to it (§16.8).
  network.internetGateways = new Map([[DEFAULT_IGW_ID, { id: DEFAULT_IGW_ID, vpcId: DEFAULT_VPC_ID, tags: {} }]]);
  const main = mainRouteTable(DEFAULT_ROUTE_TABLE_ID, DEFAULT_VPC_ID, DEFAULT_VPC_CIDR);
  main.routes.push({ destinationCidrBlock: "0.0.0.0/0", gatewayId: DEFAULT_IGW_ID });
  network.routeTables = new Map([[DEFAULT_ROUTE_TABLE_ID, main]]);
  world.network = network;
  return network;
}

const DEFAULT_IGW_ID = "igw-0d3fa017e5c0d0001";
const DEFAULT_ROUTE_TABLE_ID = "rtb-0d3fa017e5c0d0001";

/** A VPC's main route table: the local route to the VPC's own block. */
export function mainRouteTable(id: string, vpcId: string, vpcCidr: string): SimRouteTable {
  return { id, vpcId, main: true, routes: [{ destinationCidrBlock: vpcCidr, gatewayId: "local" }], subnetAssociations: [], tags: {} };
}

export function internetGatewaysOf(world: SimWorld): Map<string, SimInternetGateway> {
  const network = networkOf(world);
  network.internetGateways ??= new Map();
  return network.internetGateways;
}

export function routeTablesOf(world: SimWorld): Map<string, SimRouteTable> {
  const network = networkOf(world);
  network.routeTables ??= new Map();
  return network.routeTables;
}

/** Whether an internet gateway is attached to the VPC (an internet-facing load balancer needs one). */
export function hasInternetGateway(world: SimWorld, vpcId: string): boolean {
  return [...internetGatewaysOf(world).values()].some((g) => g.vpcId === vpcId);
}

/** The "default" group every VPC gets: its members reach each other, everything may leave. */
export function defaultGroup(id: string, vpcId: string, ruleIdBase: string): SimSecurityGroup {
  return {
    id,
    name: "default",
    description: "default VPC security group",
    vpcId,
    ingress: [{ id: `${ruleIdBase}1`, ipProtocol: "-1", referencedGroupId: id }],
    egress: [{ id: `${ruleIdBase}2`, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }],
    tags: {},
  };
}

// ---------------------------------------------------------------------------------------------
// Lookups that answer EC2's own "not found" errors

export function findVpc(world: SimWorld, id: string): SimVpc {
  const vpc = networkOf(world).vpcs.get(id);
  if (vpc === undefined) throw new SimApiError("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`, 400);
  return vpc;
}

export function findSubnet(world: SimWorld, id: string): SimSubnet {
  const subnet = networkOf(world).subnets.get(id);
  if (subnet === undefined) throw new SimApiError("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`, 400);
  return subnet;
}

/** The subnet, or undefined (for the services that answer "not found" in their own words). */
export function subnetById(world: SimWorld, id: string): SimSubnet | undefined {
  return networkOf(world).subnets.get(id);
}

export function findSecurityGroup(world: SimWorld, id: string): SimSecurityGroup {
  const group = networkOf(world).securityGroups.get(id);
  if (group === undefined) throw new SimApiError("InvalidGroup.NotFound", `The security group '${id}' does not exist`, 400);
  return group;
}

/** The "default" security group of a VPC. */
export function vpcDefaultGroup(world: SimWorld, vpcId: string): SimSecurityGroup | undefined {
  return [...networkOf(world).securityGroups.values()].find((g) => g.vpcId === vpcId && g.name === "default");
}

// ---------------------------------------------------------------------------------------------
// IPv4 CIDR blocks

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

/** Parses "a.b.c.d/n"; undefined when it is not an IPv4 CIDR block with its host bits clear. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (m === null) return undefined;
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (base % blockSize(prefix) !== 0) return undefined;
  return { base, prefix };
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** Whether `inner` lies wholly inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + blockSize(inner.prefix) <= outer.base + blockSize(outer.prefix);
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + blockSize(b.prefix) && b.base < a.base + blockSize(a.prefix);
}

/** Addresses of a subnet an instance can have: AWS keeps the first four and the last (§16.1). */
export function usableAddresses(cidr: Cidr): number {
  return Math.max(0, blockSize(cidr.prefix) - 5);
}

/** The `n`-th usable address of a subnet (0 → the fifth address of the block). */
export function addressInSubnet(cidr: Cidr, n: number): string {
  const usable = usableAddresses(cidr);
  const value = cidr.base + 4 + (usable > 0 ? n % usable : 0);
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

// ---------------------------------------------------------------------------------------------
// Ids

const HEX = "0123456789abcdef";

/** A resource id in EC2's long form: the prefix and 17 hex digits ("vpc-0…", "subnet-0…"). */
export function ec2Id(prng: Prng, prefix: string): string {
  let out = `${prefix}-0`;
  for (let i = 0; i < 16; i++) out += HEX[prng.int(16)];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Images

/** An Amazon-owned image DescribeImages can find (the range launches any well-formed AMI id). */
export interface SimImage {
  imageId: string;
  name: string;
  description: string;
  ownerId: string;
  ownerAlias: string;
  architecture: "x86_64" | "arm64";
  creationDate: string;
  platformDetails: string;
}

const AMAZON_LINUX_OWNER = "137112412989";
const ECS_OWNER = "591542846629";
const CANONICAL_OWNER = "099720109477";

/**
 * A few public images as the owners publish them (names follow each owner's naming scheme, ids are
 * the range's own). Newest of a family last, so "the latest matching name" has something to pick.
 */
export const RANGE_IMAGES: readonly SimImage[] = [
  image(
    "ami-0a1b2c3d4e5f60001",
    "al2023-ami-2023.6.20241111.0-kernel-6.1-x86_64",
    "Amazon Linux 2023 AMI",
    AMAZON_LINUX_OWNER,
    "amazon",
    "x86_64",
    "2024-11-12T19:20:11.000Z",
  ),
  image(
    "ami-0a1b2c3d4e5f60002",
    "al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64",
    "Amazon Linux 2023 AMI",
    AMAZON_LINUX_OWNER,
    "amazon",
    "x86_64",
    "2025-01-16T20:07:41.000Z",
  ),
  image(
    "ami-0a1b2c3d4e5f60003",
    "al2023-ami-2023.6.20250115.0-kernel-6.1-arm64",
    "Amazon Linux 2023 AMI",
    AMAZON_LINUX_OWNER,
    "amazon",
    "arm64",
    "2025-01-16T20:07:45.000Z",
  ),
  image(
    "ami-0a1b2c3d4e5f60004",
    "amzn2-ami-hvm-2.0.20250108.0-x86_64-gp2",
    "Amazon Linux 2 AMI",
    AMAZON_LINUX_OWNER,
    "amazon",
    "x86_64",
    "2025-01-09T01:52:03.000Z",
  ),
  image(
    "ami-0a1b2c3d4e5f60005",
    "al2023-ami-ecs-hvm-2023.0.20250110-kernel-6.1-x86_64",
    "Amazon Linux AMI 2023.0.20250110 x86_64 ECS HVM EBS",
    ECS_OWNER,
    "amazon",
    "x86_64",
    "2025-01-10T22:31:18.000Z",
  ),
  image(
    "ami-0a1b2c3d4e5f60006",
    "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115",
    "Canonical, Ubuntu, 24.04, amd64 noble image",
    CANONICAL_OWNER,
    "",
    "x86_64",
    "2025-01-15T07:41:03.000Z",
  ),
];

function image(
  imageId: string,
  name: string,
  description: string,
  ownerId: string,
  ownerAlias: string,
  architecture: "x86_64" | "arm64",
  creationDate: string,
): SimImage {
  return { imageId, name, description, ownerId, ownerAlias, architecture, creationDate, platformDetails: "Linux/UNIX" };
}

/** EC2's filter wildcards: `*` any run of characters, `?` one character; everything else literal. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "s").test(value);
}
