/**
 * EC2 (API 2016-11-15, EC2 query protocol): the instance calls the demo world and Auto Scaling need,
 * launch templates (range/protocols/launch-templates.ts), and the network a topology is built in
 * (range/protocols/ec2-network.ts: VPCs, subnets, security groups, key pairs, images).
 * An instance launched with a SubnetId lands in that subnet's zone and VPC; without one, in the
 * default subnet of the zone it is placed in.
 * RunInstances starts instances `pending`; the world tick makes them `running` after the boot time.
 * The tag `teal:version` names the application version profile an instance runs (default "v1").
 */
import { SimApiError } from "./errors";
import type { SimHttpRequest, SimHttpResponse } from "./http";
import { instanceId, privateIp, requestId, reservationId } from "@/range/world/ids";
import {
  createLaunchTemplate,
  createLaunchTemplateVersion,
  deleteLaunchTemplate,
  describeLaunchTemplates,
  describeLaunchTemplateVersions,
  modifyLaunchTemplate,
} from "./launch-templates";
import {
  associateRouteTable,
  attachInternetGateway,
  authorizeSecurityGroupIngress,
  createInternetGateway,
  createKeyPair,
  createRoute,
  createRouteTable,
  deleteInternetGateway,
  describeInternetGateways,
  describeRouteTables,
  detachInternetGateway,
  createTags,
  deleteTags,
  modifySubnetAttribute,
  revokeSecurityGroupIngress,
  createSecurityGroup,
  createSubnet,
  createVpc,
  defaultGroupIds,
  deleteKeyPair,
  deleteSecurityGroup,
  deleteSubnet,
  deleteVpc,
  describeImages,
  describeKeyPairs,
  describeSecurityGroups,
  describeSubnets,
  describeVpcs,
} from "./ec2-network";
import { createPrng, seedFromString } from "@/range/world/prng";
import {
  escapeXml,
  isoTime,
  queryInt,
  queryListItems,
  queryListValues,
  xmlList,
  xmlResponse,
  type XmlFields,
  type XmlValue,
  handleQueryAction,
} from "./query";
import type { SimInstance, SimSubnet } from "@/range/world/state";
import { drawPrng, launchInstance, terminateInstance, type RangeWorld } from "@/range/world/world";
import { healthyZones, zoneFailed } from "@/range/world/zone-faults";
import {
  addressInSubnet,
  DEFAULT_VPC_ID,
  findSecurityGroup,
  findSubnet,
  networkOf,
  parseCidr,
  subnetById,
  subnetOf,
  usableAddresses,
} from "@/range/world/network";

export const EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
/** Most instances one RunInstances call launches here (AWS's limit is account quota based). */
const MAX_LAUNCH = 50;

const STATE_CODES: Readonly<Record<SimInstance["state"], number>> = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
};

type Handler = (world: RangeWorld, params: URLSearchParams) => XmlFields;

const OPERATIONS: Readonly<Record<string, Handler>> = {
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  TerminateInstances: terminateInstances,
  CreateLaunchTemplate: createLaunchTemplate,
  CreateLaunchTemplateVersion: createLaunchTemplateVersion,
  DescribeLaunchTemplates: describeLaunchTemplates,
  DescribeLaunchTemplateVersions: describeLaunchTemplateVersions,
  ModifyLaunchTemplate: modifyLaunchTemplate,
  DeleteLaunchTemplate: deleteLaunchTemplate,
  CreateVpc: createVpc,
  DescribeVpcs: describeVpcs,
  DeleteVpc: deleteVpc,
  CreateSubnet: createSubnet,
  DescribeSubnets: describeSubnets,
  DeleteSubnet: deleteSubnet,
  CreateSecurityGroup: createSecurityGroup,
  DescribeSecurityGroups: describeSecurityGroups,
  AuthorizeSecurityGroupIngress: authorizeSecurityGroupIngress,
  DeleteSecurityGroup: deleteSecurityGroup,
  CreateKeyPair: createKeyPair,
  DescribeKeyPairs: describeKeyPairs,
  DeleteKeyPair: deleteKeyPair,
  DescribeImages: describeImages,
  CreateTags: createTags,
  DeleteTags: deleteTags,
  RevokeSecurityGroupIngress: revokeSecurityGroupIngress,
  ModifySubnetAttribute: modifySubnetAttribute,
  CreateInternetGateway: createInternetGateway,
  AttachInternetGateway: attachInternetGateway,
  DetachInternetGateway: detachInternetGateway,
  DeleteInternetGateway: deleteInternetGateway,
  DescribeInternetGateways: describeInternetGateways,
  CreateRouteTable: createRouteTable,
  CreateRoute: createRoute,
  AssociateRouteTable: associateRouteTable,
  DescribeRouteTables: describeRouteTables,
};

/** Handles one EC2 query request. EC2 answers with `<ActionResponse>` and lower-camel-case fields. */
export function handleEc2(world: RangeWorld, req: SimHttpRequest): SimHttpResponse {
  return handleQueryAction(
    { namespace: EC2_NAMESPACE, operations: OPERATIONS, ec2Style: { error: ec2Error } },
    world,
    req,
    requestId(drawPrng(world)),
  );
}

/** EC2's own error document: `<Response><Errors><Error>…</Error></Errors><RequestID>`. */
export function ec2Error(err: SimApiError, rid: string): SimHttpResponse {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(err.code)}</Code>` +
    `<Message>${escapeXml(err.message)}</Message></Error></Errors><RequestID>${rid}</RequestID></Response>`;
  return xmlResponse(err.status, body);
}

function missing(name: string): SimApiError {
  return new SimApiError("MissingParameter", `The request must contain the parameter ${name}`, 400);
}

function instanceXml(world: RangeWorld, instance: SimInstance, index: number): XmlFields {
  const ip = privateIpOf(world, instance);
  const subnet = instance.subnetId ?? subnetOf(instance.availabilityZone);
  return {
    instanceId: instance.id,
    imageId: instance.imageId,
    instanceState: { code: STATE_CODES[instance.state], name: instance.state },
    privateDnsName: instance.state === "terminated" ? "" : `ip-${ip.replace(/\./g, "-")}.ec2.internal`,
    dnsName: "",
    reason: "",
    amiLaunchIndex: index,
    productCodes: xmlList("item", []),
    instanceType: instance.instanceType,
    launchTime: isoTime(instance.launchedAtMs),
    placement: { availabilityZone: instance.availabilityZone, groupName: "", tenancy: "default" },
    monitoring: { state: "disabled" },
    keyName: instance.keyName,
    privateIpAddress: instance.state === "terminated" ? undefined : ip,
    subnetId: instance.state === "terminated" ? undefined : subnet,
    vpcId: instance.state === "terminated" ? undefined : (subnetById(world, subnet)?.vpcId ?? DEFAULT_VPC_ID),
    stateReason:
      instance.state === "shutting-down" || instance.state === "terminated"
        ? { code: "Client.UserInitiatedShutdown", message: "Client.UserInitiatedShutdown: User initiated shutdown" }
        : undefined,
    groupSet: xmlList(
      "item",
      (instance.securityGroupIds ?? []).map((groupId): XmlValue => ({ groupId, groupName: networkOf(world).securityGroups.get(groupId)?.name })),
    ),
    architecture: "x86_64",
    rootDeviceType: "ebs",
    rootDeviceName: "/dev/xvda",
    virtualizationType: "hvm",
    tagSet: xmlList(
      "item",
      Object.entries(instance.tags).map(([key, value]): XmlValue => ({ key, value })),
    ),
  };
}

/** The default VPC and its subnets live in the world's network (range/world/network.ts). */
export { DEFAULT_VPC_ID, subnetOf };

/**
 * A private IP derived from the world seed and instance id, so it is stable without storing it:
 * inside the instance's subnet when it was launched into one, else in the default VPC.
 */
function privateIpOf(world: RangeWorld, instance: SimInstance): string {
  const prng = createPrng(seedFromString(`${world.seed}:${instance.id}`));
  const cidr = instance.subnetId === undefined ? undefined : parseCidr(subnetById(world, instance.subnetId)?.cidrBlock ?? "");
  if (cidr !== undefined) return addressInSubnet(cidr, prng.int(usableAddresses(cidr)));
  return privateIp(prng);
}

function tagsFromSpecifications(params: URLSearchParams): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const spec of queryListItems(params, "TagSpecification")) {
    // Tags for volumes, network interfaces, … do not describe the instance.
    if ((spec.get("ResourceType") ?? "instance") !== "instance") continue;
    for (const tag of queryListItems(spec, "Tag")) {
      const key = tag.get("Key");
      if (key === null || key === "") throw missing("TagSpecification.N.Tag.N.Key");
      tags[key] = tag.get("Value") ?? "";
    }
  }
  return tags;
}

function runInstances(world: RangeWorld, params: URLSearchParams): XmlFields {
  const imageId = params.get("ImageId");
  if (imageId === null || imageId === "") throw missing("ImageId");
  if (!/^ami-[0-9a-f]+$/.test(imageId)) throw new SimApiError("InvalidAMIID.Malformed", `Invalid id: "${imageId}" (expecting "ami-...")`, 400);
  const minCount = queryInt(params, "MinCount");
  const maxCount = queryInt(params, "MaxCount");
  if (minCount === undefined) throw missing("MinCount");
  if (maxCount === undefined) throw missing("MaxCount");
  if (minCount === "invalid" || maxCount === "invalid" || minCount < 1 || maxCount < minCount) {
    throw new SimApiError("InvalidParameterValue", "MinCount must be at least 1 and MaxCount at least MinCount.", 400);
  }
  if (minCount > MAX_LAUNCH) {
    throw new SimApiError(
      "InstanceLimitExceeded",
      `You have requested more instances (${minCount}) than your current instance limit of ${MAX_LAUNCH} allows.`,
      400,
    );
  }
  const count = Math.min(maxCount, MAX_LAUNCH);
  const instanceType = params.get("InstanceType") ?? "t3.micro";
  const network = launchNetwork(world, params);
  const placedZone = network.subnet?.availabilityZone ?? params.get("Placement.AvailabilityZone");
  const region = world.config.region;
  const zones = [`${region}a`, `${region}b`, `${region}c`];
  if (placedZone !== null && placedZone !== "" && !zones.includes(placedZone)) {
    throw new SimApiError("InvalidParameterValue", `Invalid availability zone: [${placedZone}]`, 400);
  }
  if (placedZone !== null && placedZone !== "" && zoneFailed(world, placedZone)) {
    // A zone failed through the control API cannot launch (EC2 lists this code among its server errors).
    throw new SimApiError(
      "InsufficientInstanceCapacity",
      `We currently do not have sufficient ${instanceType} capacity in the Availability Zone you requested (${placedZone}).`,
      500,
    );
  }
  const tags = tagsFromSpecifications(params);
  const spread = healthyZones(world, zones);
  const prng = drawPrng(world);
  const reservation = reservationId(prng);
  // Spread over the zones like EC2 does for a request without placement.
  const offset = prng.int(spread.length);
  const launched: SimInstance[] = [];
  for (let i = 0; i < count; i++) {
    launched.push(
      launchInstance(world, {
        id: instanceId(prng),
        imageId,
        instanceType,
        availabilityZone: placedZone !== null && placedZone !== "" ? placedZone : (spread[(offset + i) % spread.length] ?? zones[0] ?? region),
        tags,
        reservationId: reservation,
        subnetId: network.subnet?.id,
        securityGroupIds: network.securityGroupIds,
        keyName: network.keyName,
        userData: params.get("UserData") ?? undefined,
      }),
    );
  }
  return {
    reservationId: reservation,
    ownerId: world.config.accountId,
    groupSet: xmlList("item", []),
    instancesSet: xmlList(
      "item",
      launched.map((instance, i) => instanceXml(world, instance, i)),
    ),
  };
}

/**
 * Where RunInstances puts its instances (docs/aws-behaviour.md §16.4): the subnet named by SubnetId
 * (or the first network interface's), the security groups by id (every one in the subnet's VPC;
 * none named: the VPC's default group), and the key pair, which must exist.
 */
function launchNetwork(world: RangeWorld, params: URLSearchParams): { subnet?: SimSubnet; securityGroupIds?: string[]; keyName?: string } {
  const subnetId = params.get("SubnetId") ?? params.get("NetworkInterface.1.SubnetId") ?? "";
  const subnet = subnetId === "" ? undefined : findSubnet(world, subnetId);
  const placedZone = params.get("Placement.AvailabilityZone");
  if (subnet !== undefined && placedZone !== null && placedZone !== "" && placedZone !== subnet.availabilityZone) {
    throw new SimApiError(
      "InvalidParameterValue",
      `Value (${placedZone}) for parameter availabilityZone is invalid. Subnet '${subnet.id}' is in the availability zone ${subnet.availabilityZone}`,
      400,
    );
  }
  const vpcId = subnet?.vpcId ?? DEFAULT_VPC_ID;
  const groupIds = [...queryListValues(params, "SecurityGroupId"), ...queryListValues(params, "NetworkInterface.1.SecurityGroupId")];
  for (const groupId of groupIds) {
    const group = findSecurityGroup(world, groupId);
    if (group.vpcId !== vpcId) {
      throw new SimApiError(
        "InvalidParameter",
        `Security group ${group.id} and subnet ${subnet?.id ?? subnetOf(placedZone ?? `${world.config.region}a`)} belong to different networks.`,
        400,
      );
    }
  }
  const keyName = params.get("KeyName") ?? "";
  if (keyName !== "" && !networkOf(world).keyPairs.has(keyName)) {
    throw new SimApiError("InvalidKeyPair.NotFound", `The key pair '${keyName}' does not exist`, 400);
  }
  return {
    subnet,
    securityGroupIds: groupIds.length > 0 ? groupIds : subnet !== undefined ? defaultGroupIds(world, vpcId) : undefined,
    keyName: keyName === "" ? undefined : keyName,
  };
}

function notFound(ids: string[]): SimApiError {
  const list = ids.map((id) => `'${id}'`).join(", ");
  return new SimApiError(
    "InvalidInstanceID.NotFound",
    `The instance ID${ids.length > 1 ? "s" : ""} ${list} do${ids.length > 1 ? "" : "es"} not exist`,
    400,
  );
}

function requestedInstances(world: RangeWorld, params: URLSearchParams): SimInstance[] | undefined {
  const ids = queryListValues(params, "InstanceId");
  if (ids.length === 0) return undefined;
  const bad = ids.filter((id) => !world.instances.has(id));
  if (bad.length > 0) throw notFound(bad);
  return ids.map((id) => world.instances.get(id)).filter((i): i is SimInstance => i !== undefined);
}

function matchesFilter(world: RangeWorld, instance: SimInstance, name: string, values: string[]): boolean {
  if (name === "instance-state-name") return values.includes(instance.state);
  if (name === "instance-id") return values.includes(instance.id);
  if (name === "image-id") return values.includes(instance.imageId);
  if (name === "instance-type") return values.includes(instance.instanceType);
  if (name === "availability-zone") return values.includes(instance.availabilityZone);
  if (name === "subnet-id") return values.includes(instance.subnetId ?? subnetOf(instance.availabilityZone));
  if (name === "vpc-id") return values.includes(subnetById(world, instance.subnetId ?? subnetOf(instance.availabilityZone))?.vpcId ?? DEFAULT_VPC_ID);
  if (name === "instance.group-id") return (instance.securityGroupIds ?? []).some((g) => values.includes(g));
  if (name === "key-name") return instance.keyName !== undefined && values.includes(instance.keyName);
  if (name === "tag-key") return values.some((v) => v in instance.tags);
  if (name.startsWith("tag:")) {
    const value = instance.tags[name.slice(4)];
    return value !== undefined && values.includes(value);
  }
  throw new SimApiError("InvalidParameterValue", `The filter '${name}' is invalid`, 400);
}

function describeInstances(world: RangeWorld, params: URLSearchParams): XmlFields {
  let instances = requestedInstances(world, params) ?? [...world.instances.values()];
  for (const filter of queryListItems(params, "Filter")) {
    const name = filter.get("Name") ?? "";
    const values = queryListValues(filter, "Value");
    instances = instances.filter((instance) => matchesFilter(world, instance, name, values));
  }
  const reservations = new Map<string, SimInstance[]>();
  for (const instance of instances) {
    const key = instance.reservationId ?? `r-${instance.id.slice(2)}`;
    reservations.set(key, [...(reservations.get(key) ?? []), instance]);
  }
  return {
    reservationSet: xmlList(
      "item",
      [...reservations.entries()].map(([id, members]): XmlValue => ({
        reservationId: id,
        ownerId: world.config.accountId,
        groupSet: xmlList("item", []),
        instancesSet: xmlList(
          "item",
          members.map((instance, i) => instanceXml(world, instance, i)),
        ),
      })),
    ),
  };
}

function terminateInstances(world: RangeWorld, params: URLSearchParams): XmlFields {
  const instances = requestedInstances(world, params);
  if (instances === undefined) throw missing("InstanceId");
  const changes = instances.map((instance): XmlValue => {
    const previous = instance.state;
    terminateInstance(world, instance);
    return {
      instanceId: instance.id,
      currentState: { code: STATE_CODES[instance.state], name: instance.state },
      previousState: { code: STATE_CODES[previous], name: previous },
    };
  });
  return { instancesSet: xmlList("item", changes) };
}
