/**
 * A team builds its own topology on the practice range from nothing, through the real SDK clients
 * over HTTP, as it would against AWS: a VPC, subnets in two zones, security groups, an AMI looked up
 * by name, instances, an ALB with two target groups and a weighted listener, a launch template, two
 * Auto Scaling groups in the subnets, and custom metrics; then reads it all back. The error cases
 * are AWS's (docs/aws-behaviour.md §16, §6.6).
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateKeyPairCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteKeyPairCommand,
  DeleteTagsCommand,
  ModifySubnetAttributeCommand,
  RevokeSecurityGroupIngressCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
} from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand } from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SECURITY_GROUP_ID } from "@/range/world/network";
import { startTestRange, type TestRange } from "@/test/support/range";

let range: TestRange;
let ec2: EC2Client;
let elbv2: ElasticLoadBalancingV2Client;
let autoscaling: AutoScalingClient;
let cloudwatch: CloudWatchClient;
let ecs: ECSClient;

beforeAll(async () => {
  range = await startTestRange({ instanceBootMs: 10_000 });
  ec2 = new EC2Client(range.clientConfig);
  elbv2 = new ElasticLoadBalancingV2Client(range.clientConfig);
  autoscaling = new AutoScalingClient(range.clientConfig);
  cloudwatch = new CloudWatchClient(range.clientConfig);
  ecs = new ECSClient(range.clientConfig);
});

afterAll(async () => {
  ec2.destroy();
  elbv2.destroy();
  autoscaling.destroy();
  cloudwatch.destroy();
  ecs.destroy();
  await range.close();
});

/** The error a call fails with; fails the test when the call succeeds. */
async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error) {
      const meta = (err as Error & { $metadata?: { httpStatusCode?: number } }).$metadata;
      return { name: err.name, message: err.message, status: meta?.httpStatusCode };
    }
    throw err;
  }
  throw new Error("expected the call to fail");
}

/** The network the later sections build on: one VPC, two subnets in two zones, a web group. */
interface Network {
  vpcId: string;
  subnetA: string;
  subnetB: string;
  webGroupId: string;
  imageId: string;
}

async function buildNetwork(): Promise<Network> {
  const vpc = await ec2.send(
    new CreateVpcCommand({ CidrBlock: "10.20.0.0/16", TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: "shop" }] }] }),
  );
  const vpcId = vpc.Vpc?.VpcId ?? "";
  const a = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.20.1.0/24", AvailabilityZone: "us-east-1a" }));
  const b = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.20.2.0/24", AvailabilityZone: "us-east-1b" }));
  // The public route: an internet gateway, a route table with a default route to it, both subnets on it.
  const igw = await ec2.send(new CreateInternetGatewayCommand({}));
  const igwId = igw.InternetGateway?.InternetGatewayId ?? "";
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  const table = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
  const tableId = table.RouteTable?.RouteTableId ?? "";
  await ec2.send(new CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igwId }));
  for (const subnet of [a, b]) await ec2.send(new AssociateRouteTableCommand({ RouteTableId: tableId, SubnetId: subnet.Subnet?.SubnetId }));
  const web = await ec2.send(new CreateSecurityGroupCommand({ GroupName: "shop-web", Description: "web tier", VpcId: vpcId }));
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "name", Values: ["al2023-ami-2023.*-x86_64"] }] }));
  const newest = [...(images.Images ?? [])].sort((x, y) => (y.CreationDate ?? "").localeCompare(x.CreationDate ?? ""))[0];
  return {
    vpcId,
    subnetA: a.Subnet?.SubnetId ?? "",
    subnetB: b.Subnet?.SubnetId ?? "",
    webGroupId: web.GroupId ?? "",
    imageId: newest?.ImageId ?? "",
  };
}

let net: Network;

describe("the network, from nothing", () => {
  it("creates a VPC, subnets in two zones, a security group, and finds an Amazon image by name", async () => {
    net = await buildNetwork();
    expect(net.vpcId).toMatch(/^vpc-0[0-9a-f]{16}$/);
    expect(net.subnetA).toMatch(/^subnet-0[0-9a-f]{16}$/);
    expect(net.webGroupId).toMatch(/^sg-0[0-9a-f]{16}$/);

    const vpcs = await ec2.send(new DescribeVpcsCommand({ VpcIds: [net.vpcId] }));
    expect(vpcs.Vpcs).toEqual([
      expect.objectContaining({
        VpcId: net.vpcId,
        CidrBlock: "10.20.0.0/16",
        State: "available",
        IsDefault: false,
        Tags: [{ Key: "Name", Value: "shop" }],
      }),
    ]);
    // The account's default VPC is there too, and a filter tells them apart.
    const defaults = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
    expect(defaults.Vpcs?.map((v) => v.CidrBlock)).toEqual(["172.31.0.0/16"]);

    const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [net.vpcId] }] }));
    expect(subnets.Subnets?.map((s) => [s.SubnetId, s.CidrBlock, s.AvailabilityZone, s.AvailableIpAddressCount])).toEqual([
      [net.subnetA, "10.20.1.0/24", "us-east-1a", 251],
      [net.subnetB, "10.20.2.0/24", "us-east-1b", 251],
    ]);
    const inB = await ec2.send(
      new DescribeSubnetsCommand({
        Filters: [
          { Name: "vpc-id", Values: [net.vpcId] },
          { Name: "availability-zone", Values: ["us-east-1b"] },
        ],
      }),
    );
    expect(inB.Subnets?.map((s) => s.SubnetId)).toEqual([net.subnetB]);

    // AL2023 x86_64 has two releases in the range's catalogue; the newest was picked.
    const image = await ec2.send(new DescribeImagesCommand({ ImageIds: [net.imageId] }));
    expect(image.Images?.[0]).toEqual(
      expect.objectContaining({
        Name: "al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64",
        ImageOwnerAlias: "amazon",
        Architecture: "x86_64",
        State: "available",
      }),
    );
  });

  it("routes the subnets to an internet gateway", async () => {
    const gateways = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: "attachment.vpc-id", Values: [net.vpcId] }] }));
    expect(gateways.InternetGateways?.[0]?.Attachments).toEqual([{ VpcId: net.vpcId, State: "available" }]);
    const igwId = gateways.InternetGateways?.[0]?.InternetGatewayId ?? "";
    const tables = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [net.vpcId] }] }));
    const main = tables.RouteTables?.find((t) => t.Associations?.some((a) => a.Main === true));
    const pub = tables.RouteTables?.find((t) => t !== main);
    expect(main?.Routes?.map((r) => [r.DestinationCidrBlock, r.GatewayId])).toEqual([["10.20.0.0/16", "local"]]);
    expect(pub?.Routes?.map((r) => [r.DestinationCidrBlock, r.GatewayId])).toEqual([
      ["10.20.0.0/16", "local"],
      ["0.0.0.0/0", igwId],
    ]);
    expect(pub?.Associations?.map((a) => a.SubnetId)).toEqual([net.subnetA, net.subnetB]);
    const again = await rejection(ec2.send(new AssociateRouteTableCommand({ RouteTableId: main?.RouteTableId, SubnetId: net.subnetA })));
    expect(again.name).toBe("Resource.AlreadyAssociated");
  });

  it("opens the web group to HTTP from anywhere, and the VPC's default group is there", async () => {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: net.webGroupId,
        IpPermissions: [{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "http" }] }],
      }),
    );
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [net.vpcId] }] }));
    const byName = new Map(groups.SecurityGroups?.map((g) => [g.GroupName, g]));
    expect([...byName.keys()].sort()).toEqual(["default", "shop-web"]);
    expect(byName.get("shop-web")?.IpPermissions).toEqual([
      expect.objectContaining({ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "http" }] }),
    ]);
    expect(byName.get("shop-web")?.IpPermissionsEgress).toEqual([expect.objectContaining({ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] })]);
    const again = await rejection(
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: net.webGroupId,
          IpPermissions: [{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
        }),
      ),
    );
    expect(again.name).toBe("InvalidPermission.Duplicate");
  });

  it("launches instances into a subnet: its zone, its VPC, an address inside its CIDR", async () => {
    const key = await ec2.send(new CreateKeyPairCommand({ KeyName: "shop-ops", KeyType: "ed25519" }));
    expect(key.KeyMaterial).toContain("BEGIN PRIVATE KEY");
    expect(key.KeyFingerprint).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: net.imageId,
        InstanceType: "t3.micro",
        MinCount: 2,
        MaxCount: 2,
        SubnetId: net.subnetB,
        SecurityGroupIds: [net.webGroupId],
        KeyName: "shop-ops",
      }),
    );
    const ids = run.Instances?.map((i) => i.InstanceId ?? "") ?? [];
    expect(ids).toHaveLength(2);
    const described = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "subnet-id", Values: [net.subnetB] }] }));
    const instances = described.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    expect(instances.map((i) => i.InstanceId).sort()).toEqual([...ids].sort());
    for (const instance of instances) {
      expect(instance.Placement?.AvailabilityZone).toBe("us-east-1b");
      expect(instance.VpcId).toBe(net.vpcId);
      expect(instance.PrivateIpAddress).toMatch(/^10\.20\.2\.\d+$/);
      expect(instance.SecurityGroups).toEqual([{ GroupId: net.webGroupId, GroupName: "shop-web" }]);
      expect(instance.KeyName).toBe("shop-ops");
    }
    const subnet = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [net.subnetB] }));
    expect(subnet.Subnets?.[0]?.AvailableIpAddressCount).toBe(249);

    // A subnet with instances and a group they use cannot go; once they are terminated both can.
    const busy = await rejection(ec2.send(new DeleteSubnetCommand({ SubnetId: net.subnetB })));
    expect(busy.name).toBe("DependencyViolation");
    expect((await rejection(ec2.send(new DeleteSecurityGroupCommand({ GroupId: net.webGroupId })))).name).toBe("DependencyViolation");
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    range.tick(60_000);
    await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    const freed = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [net.subnetB] }));
    expect(freed.Subnets?.[0]?.AvailableIpAddressCount).toBe(251);
  });

  it("shows the network in the control API's state", async () => {
    const state = (await (await fetch(`${range.url}/_sim/state`)).json()) as { vpcs: { id: string }[]; subnets: { id: string; vpcId: string }[] };
    expect(state.vpcs.map((v) => v.id)).toContain(net.vpcId);
    expect(state.subnets.filter((s) => s.vpcId === net.vpcId).map((s) => s.id)).toEqual([net.subnetA, net.subnetB]);
  });

  it("answers AWS's errors for a bad network", async () => {
    const cases: [() => Promise<unknown>, string][] = [
      [() => ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/8" })), "InvalidVpc.Range"],
      [() => ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.300/16" })), "InvalidParameterValue"],
      [() => ec2.send(new CreateSubnetCommand({ VpcId: "vpc-0123456789abcdef0", CidrBlock: "10.20.9.0/24" })), "InvalidVpcID.NotFound"],
      [() => ec2.send(new CreateSubnetCommand({ VpcId: net.vpcId, CidrBlock: "10.99.0.0/24" })), "InvalidSubnet.Range"],
      [() => ec2.send(new CreateSubnetCommand({ VpcId: net.vpcId, CidrBlock: "10.20.0.0/29" })), "InvalidSubnet.Range"],
      [() => ec2.send(new CreateSubnetCommand({ VpcId: net.vpcId, CidrBlock: "10.20.1.128/25" })), "InvalidSubnet.Conflict"],
      [
        () => ec2.send(new CreateSubnetCommand({ VpcId: net.vpcId, CidrBlock: "10.20.9.0/24", AvailabilityZone: "us-east-1z" })),
        "InvalidParameterValue",
      ],
      [() => ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-0123456789abcdef0"] })), "InvalidSubnetID.NotFound"],
      [() => ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0123456789abcdef0"] })), "InvalidVpcID.NotFound"],
      [() => ec2.send(new CreateSecurityGroupCommand({ GroupName: "shop-web", Description: "again", VpcId: net.vpcId })), "InvalidGroup.Duplicate"],
      [() => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ["sg-0123456789abcdef0"] })), "InvalidGroup.NotFound"],
      [() => ec2.send(new DescribeImagesCommand({ ImageIds: ["ami-0123456789abcdef0"] })), "InvalidAMIID.NotFound"],
      [() => ec2.send(new CreateKeyPairCommand({ KeyName: "shop-ops" })), "InvalidKeyPair.Duplicate"],
      [() => ec2.send(new DescribeKeyPairsCommand({ KeyNames: ["nobody"] })), "InvalidKeyPair.NotFound"],
      [() => ec2.send(new DeleteVpcCommand({ VpcId: net.vpcId })), "DependencyViolation"],
      [
        () => ec2.send(new RunInstancesCommand({ ImageId: net.imageId, MinCount: 1, MaxCount: 1, SubnetId: "subnet-0123456789abcdef0" })),
        "InvalidSubnetID.NotFound",
      ],
      [
        // A group of the default VPC cannot guard an instance in this VPC's subnet.
        () =>
          ec2.send(
            new RunInstancesCommand({
              ImageId: net.imageId,
              MinCount: 1,
              MaxCount: 1,
              SubnetId: net.subnetA,
              SecurityGroupIds: [DEFAULT_SECURITY_GROUP_ID],
            }),
          ),
        "InvalidParameter",
      ],
      [
        () => ec2.send(new RunInstancesCommand({ ImageId: net.imageId, MinCount: 1, MaxCount: 1, SubnetId: net.subnetA, KeyName: "nobody" })),
        "InvalidKeyPair.NotFound",
      ],
    ];
    const names = [];
    for (const [call, expected] of cases) {
      const err = await rejection(call());
      expect(err.status).toBe(400);
      names.push([expected, err.name]);
    }
    expect(names.map(([, got]) => got)).toEqual(names.map(([expected]) => expected));
  });

  it("tags resources after creation, changes a subnet's public addressing, and revokes a rule", async () => {
    await ec2.send(new CreateTagsCommand({ Resources: [net.subnetA, net.subnetB], Tags: [{ Key: "tier", Value: "web" }] }));
    const tagged = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "tag:tier", Values: ["web"] }] }));
    expect(tagged.Subnets?.map((s) => s.SubnetId)).toEqual([net.subnetA, net.subnetB]);
    // A value that does not match keeps the tag; the matching one removes it.
    await ec2.send(new DeleteTagsCommand({ Resources: [net.subnetB], Tags: [{ Key: "tier", Value: "app" }] }));
    await ec2.send(new DeleteTagsCommand({ Resources: [net.subnetA], Tags: [{ Key: "tier", Value: "web" }] }));
    const left = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "tag-key", Values: ["tier"] }] }));
    expect(left.Subnets?.map((s) => s.SubnetId)).toEqual([net.subnetB]);
    const refusals = [
      (await rejection(ec2.send(new CreateTagsCommand({ Resources: ["subnet-0123456789abcdef0"], Tags: [{ Key: "a", Value: "b" }] })))).name,
      (await rejection(ec2.send(new CreateTagsCommand({ Resources: [net.vpcId], Tags: [{ Key: "aws:owner", Value: "me" }] })))).name,
    ];
    expect(refusals).toEqual(["InvalidSubnetID.NotFound", "InvalidParameterValue"]);

    await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: net.subnetA, MapPublicIpOnLaunch: { Value: true } }));
    expect((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [net.subnetA] }))).Subnets?.[0]?.MapPublicIpOnLaunch).toBe(true);

    const ssh = { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.0/8" }] };
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: net.webGroupId, IpPermissions: [ssh] }));
    const revoked = await ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: net.webGroupId,
        IpPermissions: [ssh, { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
      }),
    );
    // The 443 rule never existed: not an error, listed as unknown.
    expect(revoked.Return).toBe(true);
    expect(revoked.UnknownIpPermissions?.map((p) => p.FromPort)).toEqual([443]);
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [net.webGroupId] }))).SecurityGroups?.[0];
    expect(group?.IpPermissions?.map((p) => p.FromPort)).toEqual([80]);
  });

  it("deletes what it created, in dependency order", async () => {
    const scratch = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.30.0.0/24" }));
    const vpcId = scratch.Vpc?.VpcId ?? "";
    expect(scratch.Vpc?.State).toBe("pending");
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.30.0.0/28" }));
    const group = await ec2.send(new CreateSecurityGroupCommand({ GroupName: "scratch", Description: "scratch", VpcId: vpcId }));
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: group.GroupId }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnet.Subnet?.SubnetId }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    expect((await rejection(ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })))).name).toBe("InvalidVpcID.NotFound");
    await ec2.send(new DeleteKeyPairCommand({ KeyName: "shop-ops" }));
    // Deleting a key pair that is gone succeeds.
    await ec2.send(new DeleteKeyPairCommand({ KeyName: "shop-ops" }));
    expect((await ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs).toEqual([]);
  });
});

describe("load balancing and Auto Scaling in the new subnets", () => {
  let blueTg = "";
  let greenTg = "";
  let albArn = "";

  it("creates an ALB in both subnets, two target groups in the VPC and a weighted listener", async () => {
    const alb = await elbv2.send(
      new CreateLoadBalancerCommand({ Name: "shop-alb", Subnets: [net.subnetA, net.subnetB], SecurityGroups: [net.webGroupId] }),
    );
    albArn = alb.LoadBalancers?.[0]?.LoadBalancerArn ?? "";
    const created = alb.LoadBalancers?.[0];
    expect(created?.VpcId).toBe(net.vpcId);
    expect(created?.AvailabilityZones?.map((z) => [z.ZoneName, z.SubnetId])).toEqual([
      ["us-east-1a", net.subnetA],
      ["us-east-1b", net.subnetB],
    ]);
    expect(created?.SecurityGroups).toEqual([net.webGroupId]);
    for (const color of ["blue", "green"]) {
      const tg = await elbv2.send(
        new CreateTargetGroupCommand({ Name: `shop-${color}`, Protocol: "HTTP", Port: 80, VpcId: net.vpcId, HealthCheckPath: "/health" }),
      );
      const arn = tg.TargetGroups?.[0]?.TargetGroupArn ?? "";
      if (color === "blue") blueTg = arn;
      else greenTg = arn;
    }
    await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: albArn,
        Protocol: "HTTP",
        Port: 80,
        DefaultActions: [
          {
            Type: "forward",
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blueTg, Weight: 90 },
                { TargetGroupArn: greenTg, Weight: 10 },
              ],
            },
          },
        ],
      }),
    );
    const listeners = await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: albArn }));
    expect(listeners.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups).toEqual([
      expect.objectContaining({ TargetGroupArn: blueTg, Weight: 90 }),
      expect.objectContaining({ TargetGroupArn: greenTg, Weight: 10 }),
    ]);
    const groups = await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: albArn }));
    expect(groups.TargetGroups?.map((g) => [g.TargetGroupName, g.VpcId, g.HealthCheckPath])).toEqual([
      ["shop-blue", net.vpcId, "/health"],
      ["shop-green", net.vpcId, "/health"],
    ]);
    // Without security groups, a load balancer gets its VPC's default group.
    const bare = await elbv2.send(new CreateLoadBalancerCommand({ Name: "shop-internal", Scheme: "internal", Subnets: [net.subnetA, net.subnetB] }));
    const vpcDefault = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: "vpc-id", Values: [net.vpcId] },
          { Name: "group-name", Values: ["default"] },
        ],
      }),
    );
    expect(bare.LoadBalancers?.[0]?.SecurityGroups).toEqual([vpcDefault.SecurityGroups?.[0]?.GroupId]);
  });

  it("launches two Auto Scaling groups from one template into the subnets; their instances land in the subnets' zones and join the target groups", async () => {
    const template = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "shop-web",
        LaunchTemplateData: { ImageId: net.imageId, InstanceType: "t3.small", SecurityGroupIds: [net.webGroupId] },
      }),
    );
    const templateId = template.LaunchTemplate?.LaunchTemplateId ?? "";
    for (const [color, tg] of [
      ["blue", blueTg],
      ["green", greenTg],
    ] as const) {
      await autoscaling.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: `shop-${color}`,
          LaunchTemplate: { LaunchTemplateId: templateId, Version: "$Latest" },
          MinSize: 2,
          MaxSize: 4,
          DesiredCapacity: 2,
          VPCZoneIdentifier: `${net.subnetA},${net.subnetB}`,
          TargetGroupARNs: [tg],
          Tags: [{ Key: "teal:version", Value: color === "blue" ? "v1" : "v2", PropagateAtLaunch: true }],
        }),
      );
    }
    // Boot (10 s here), then InService: step the clock until all four are in service.
    let groups = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["shop-blue", "shop-green"] }));
    for (let step = 0; step < 12; step++) {
      const inService = (groups.AutoScalingGroups ?? []).flatMap((g) => g.Instances ?? []).filter((i) => i.LifecycleState === "InService");
      if (inService.length === 4) break;
      range.tick(5_000);
      groups = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["shop-blue", "shop-green"] }));
    }
    for (const group of groups.AutoScalingGroups ?? []) {
      expect(group.VPCZoneIdentifier).toBe(`${net.subnetA},${net.subnetB}`);
      expect(group.AvailabilityZones?.sort()).toEqual(["us-east-1a", "us-east-1b"]);
      expect(group.Instances?.map((i) => i.AvailabilityZone).sort()).toEqual(["us-east-1a", "us-east-1b"]);
    }
    const ids = (groups.AutoScalingGroups ?? []).flatMap((g) => g.Instances?.map((i) => i.InstanceId ?? "") ?? []);
    expect(ids).toHaveLength(4);
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    const instances = described.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    const subnetOfZone: Record<string, string> = { "us-east-1a": net.subnetA, "us-east-1b": net.subnetB };
    for (const instance of instances) {
      expect(instance.VpcId).toBe(net.vpcId);
      expect(instance.SubnetId).toBe(subnetOfZone[instance.Placement?.AvailabilityZone ?? ""]);
      expect(instance.PrivateIpAddress).toMatch(instance.SubnetId === net.subnetA ? /^10\.20\.1\./ : /^10\.20\.2\./);
      expect(instance.SecurityGroups?.map((g) => g.GroupId)).toEqual([net.webGroupId]);
    }
    // Scaling activities name the subnet each instance went to.
    const activities = await autoscaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "shop-blue" }));
    const details = (activities.Activities ?? []).map((a) => JSON.parse(a.Details ?? "{}") as Record<string, string>);
    expect(details.map((d) => d["Subnet ID"]).sort()).toEqual([net.subnetA, net.subnetB].sort());
    const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: blueTg }));
    expect(health.TargetHealthDescriptions).toHaveLength(2);
    const albs = await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [albArn] }));
    expect(albs.LoadBalancers?.[0]?.State?.Code).toBeDefined();
  });

  it("answers AWS's errors for load balancing and Auto Scaling outside the network", async () => {
    const demoVpcInstance = await ec2.send(new RunInstancesCommand({ ImageId: net.imageId, MinCount: 1, MaxCount: 1 }));
    // A VPC without an internet gateway takes an internal load balancer, not an internet-facing one.
    const privateVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.60.0.0/16" }))).Vpc?.VpcId ?? "";
    const privateSubnets: string[] = [];
    for (const [cidr, zone] of [
      ["10.60.1.0/24", "us-east-1a"],
      ["10.60.2.0/24", "us-east-1b"],
    ] as const) {
      privateSubnets.push(
        (await ec2.send(new CreateSubnetCommand({ VpcId: privateVpc, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet?.SubnetId ?? "",
      );
    }
    await elbv2.send(new CreateLoadBalancerCommand({ Name: "private-internal", Scheme: "internal", Subnets: privateSubnets }));
    range.tick(15_000);
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => elbv2.send(new CreateLoadBalancerCommand({ Name: "bad-subnet", Subnets: [net.subnetA, "subnet-0123456789abcdef0"] })),
        "SubnetNotFoundException",
      ],
      [() => elbv2.send(new CreateLoadBalancerCommand({ Name: "private-public", Subnets: privateSubnets })), "InvalidSubnetException"],
      [
        () => elbv2.send(new CreateLoadBalancerCommand({ Name: "two-vpcs", Subnets: [net.subnetA, "subnet-0d3fa017e5c0000b"] })),
        "InvalidConfigurationRequestException",
      ],
      [
        () =>
          elbv2.send(
            new CreateLoadBalancerCommand({ Name: "bad-group", Subnets: [net.subnetA, net.subnetB], SecurityGroups: [DEFAULT_SECURITY_GROUP_ID] }),
          ),
        "InvalidSecurityGroupException",
      ],
      [
        () => elbv2.send(new CreateTargetGroupCommand({ Name: "nowhere", Protocol: "HTTP", Port: 80, VpcId: "vpc-0123456789abcdef0" })),
        "ValidationError",
      ],
      [
        // An instance of the default VPC cannot join a target group of the new VPC.
        () => elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: blueTg, Targets: [{ Id: demoVpcInstance.Instances?.[0]?.InstanceId ?? "" }] })),
        "InvalidTargetException",
      ],
      [
        () =>
          autoscaling.send(
            new CreateAutoScalingGroupCommand({
              AutoScalingGroupName: "no-subnet",
              LaunchTemplate: { LaunchTemplateName: "shop-web" },
              MinSize: 1,
              MaxSize: 1,
              VPCZoneIdentifier: "subnet-0123456789abcdef0",
            }),
          ),
        "ValidationError",
      ],
      [
        () =>
          autoscaling.send(
            new CreateAutoScalingGroupCommand({
              AutoScalingGroupName: "other-vpc",
              LaunchTemplate: { LaunchTemplateName: "shop-web" },
              MinSize: 1,
              MaxSize: 1,
              VPCZoneIdentifier: "subnet-0d3fa017e5c0000a",
              TargetGroupARNs: [blueTg],
            }),
          ),
        "ValidationError",
      ],
    ];
    const got = [];
    for (const [call, expected] of cases) got.push([expected, (await rejection(call())).name]);
    expect(got.map(([, name]) => name)).toEqual(got.map(([expected]) => expected));
  });
});

describe("custom metrics", () => {
  const NAMESPACE = "Shop/Checkout";
  const blue = [
    { Name: "Color", Value: "blue" },
    { Name: "App", Value: "shop" },
  ];

  it("takes single values, value and count arrays and statistic sets, and reads them back three ways", async () => {
    const minute = Math.floor(range.nowMs() / 60_000) * 60_000;
    const at = (minutesAgo: number): Date => new Date(minute - minutesAgo * 60_000 + 5_000);
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: NAMESPACE,
        MetricData: [
          { MetricName: "Latency", Dimensions: blue, Timestamp: at(3), Values: [100, 200, 300], Counts: [1, 2, 1], Unit: "Milliseconds" },
          { MetricName: "Latency", Dimensions: blue, Timestamp: at(2), Value: 250, Unit: "Milliseconds" },
          {
            MetricName: "Orders",
            Dimensions: [{ Name: "App", Value: "shop" }],
            Timestamp: at(2),
            StatisticValues: { SampleCount: 10, Sum: 50, Minimum: 1, Maximum: 9 },
          },
        ],
      }),
    );
    const data = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: at(10),
        EndTime: new Date(minute + 60_000),
        ScanBy: "TimestampAscending",
        MetricDataQueries: [
          { Id: "avg", MetricStat: { Metric: { Namespace: NAMESPACE, MetricName: "Latency", Dimensions: blue }, Period: 60, Stat: "Average" } },
          { Id: "p50", MetricStat: { Metric: { Namespace: NAMESPACE, MetricName: "Latency", Dimensions: blue }, Period: 60, Stat: "p50" } },
          {
            Id: "orders",
            MetricStat: {
              Metric: { Namespace: NAMESPACE, MetricName: "Orders", Dimensions: [{ Name: "App", Value: "shop" }] },
              Period: 60,
              Stat: "Sum",
            },
          },
        ],
      }),
    );
    const byId = new Map(data.MetricDataResults?.map((r) => [r.Id, r]));
    expect(byId.get("avg")?.Timestamps).toEqual([new Date(minute - 180_000), new Date(minute - 120_000)]);
    // 100 once, 200 twice, 300 once: average 200 over four samples; then one sample of 250.
    expect(byId.get("avg")?.Values).toEqual([200, 250]);
    expect(byId.get("p50")?.Values?.[0]).toBe(200);
    expect(byId.get("orders")?.Values).toEqual([50]);

    const stats = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: NAMESPACE,
        MetricName: "Latency",
        Dimensions: blue,
        StartTime: at(10),
        EndTime: new Date(minute + 60_000),
        Period: 600,
        Statistics: ["SampleCount", "Sum", "Minimum", "Maximum"],
      }),
    );
    expect(stats.Datapoints).toEqual([expect.objectContaining({ SampleCount: 5, Sum: 1050, Minimum: 100, Maximum: 300, Unit: "Milliseconds" })]);

    const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: NAMESPACE }));
    expect(listed.Metrics?.map((m) => m.MetricName).sort()).toEqual(["Latency", "Orders"]);
    const filtered = await cloudwatch.send(new ListMetricsCommand({ Namespace: NAMESPACE, Dimensions: [{ Name: "Color", Value: "blue" }] }));
    expect(filtered.Metrics).toEqual([
      {
        Namespace: NAMESPACE,
        MetricName: "Latency",
        Dimensions: [
          { Name: "App", Value: "shop" },
          { Name: "Color", Value: "blue" },
        ],
      },
    ]);
  });

  it("refuses what CloudWatch refuses, and a refused call stores none of its data", async () => {
    const now = new Date(range.nowMs());
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => cloudwatch.send(new PutMetricDataCommand({ Namespace: "AWS/EC2", MetricData: [{ MetricName: "CPUUtilization", Value: 1 }] })),
        "InvalidParameterValueException",
      ],
      [
        () => cloudwatch.send(new PutMetricDataCommand({ Namespace: NAMESPACE, MetricData: [{ MetricName: "Both", Value: 1, Values: [1, 2] }] })),
        "InvalidParameterValueException",
      ],
      [
        () => cloudwatch.send(new PutMetricDataCommand({ Namespace: NAMESPACE, MetricData: [{ MetricName: "Nothing" }] })),
        "InvalidParameterCombinationException",
      ],
      [
        () =>
          cloudwatch.send(new PutMetricDataCommand({ Namespace: NAMESPACE, MetricData: [{ MetricName: "Counts", Values: [1, 2], Counts: [1] }] })),
        "InvalidParameterValueException",
      ],
      [
        () =>
          cloudwatch.send(
            new PutMetricDataCommand({
              Namespace: NAMESPACE,
              MetricData: [
                { MetricName: "Stored", Value: 1, Timestamp: now },
                { MetricName: "Old", Value: 1, Timestamp: new Date(range.nowMs() - 15 * 86_400_000) },
              ],
            }),
          ),
        "InvalidParameterValueException",
      ],
      [
        () =>
          cloudwatch.send(
            new PutMetricDataCommand({
              Namespace: NAMESPACE,
              MetricData: [{ MetricName: "Late", Value: 1, Timestamp: new Date(range.nowMs() + 3 * 3_600_000) }],
            }),
          ),
        "InvalidParameterValueException",
      ],
      [
        () =>
          cloudwatch.send(
            new PutMetricDataCommand({ Namespace: NAMESPACE, MetricData: [{ MetricName: "Unit", Value: 1, Unit: "Parsecs" as "Count" }] }),
          ),
        "InvalidParameterValueException",
      ],
    ];
    const got = [];
    for (const [call, expected] of cases) got.push([expected, (await rejection(call())).name]);
    expect(got.map(([, name]) => name)).toEqual(got.map(([expected]) => expected));
    const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: NAMESPACE }));
    expect(listed.Metrics?.map((m) => m.MetricName).sort()).toEqual(["Latency", "Orders"]);
  });
});

describe("ECS on EC2 container instances", () => {
  it("registers an Auto Scaling group's ECS-optimised instances and places EC2 tasks by CPU and memory", async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: "shop-ecs" }));
    const images = await ec2.send(
      new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "name", Values: ["al2023-ami-ecs-hvm-*-x86_64"] }] }),
    );
    const ecsImage = images.Images?.[0]?.ImageId ?? "";
    expect(ecsImage).not.toBe("");
    const userData = Buffer.from("#!/bin/bash\necho ECS_CLUSTER=shop-ecs >> /etc/ecs/ecs.config\n").toString("base64");
    await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "shop-ecs-hosts",
        LaunchTemplateData: { ImageId: ecsImage, InstanceType: "t3.small", UserData: userData, SecurityGroupIds: [net.webGroupId] },
      }),
    );
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: "shop-ecs-hosts",
        LaunchTemplate: { LaunchTemplateName: "shop-ecs-hosts" },
        MinSize: 2,
        MaxSize: 2,
        VPCZoneIdentifier: `${net.subnetA},${net.subnetB}`,
      }),
    );
    let arns: string[] = [];
    for (let step = 0; step < 10 && arns.length < 2; step++) {
      range.tick(5_000);
      arns = (await ecs.send(new ListContainerInstancesCommand({ cluster: "shop-ecs" }))).containerInstanceArns ?? [];
    }
    expect(arns).toHaveLength(2);
    const hosts = (await ecs.send(new DescribeContainerInstancesCommand({ cluster: "shop-ecs", containerInstances: arns }))).containerInstances ?? [];
    for (const host of hosts) {
      // A t3.small: 2 vCPUs (2,048 units) and 2 GiB, less what the operating system keeps.
      expect(host.registeredResources?.find((r) => r.name === "CPU")?.integerValue).toBe(2_048);
      expect(host.registeredResources?.find((r) => r.name === "MEMORY")?.integerValue).toBe(1_925);
      expect(host.status).toBe("ACTIVE");
    }
    expect((await ecs.send(new DescribeClustersCommand({ clusters: ["shop-ecs"] }))).clusters?.[0]?.registeredContainerInstancesCount).toBe(2);

    const fargateOnly = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "shop-fargate",
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: "256",
        memory: "512",
        containerDefinitions: [{ name: "web", image: "shop:v1", essential: true }],
      }),
    );
    const refused = await rejection(
      ecs.send(
        new CreateServiceCommand({
          cluster: "shop-ecs",
          serviceName: "wrong-type",
          taskDefinition: fargateOnly.taskDefinition?.taskDefinitionArn,
          launchType: "EC2",
          desiredCount: 1,
          networkConfiguration: { awsvpcConfiguration: { subnets: [net.subnetA], securityGroups: [net.webGroupId] } },
        }),
      ),
    );
    expect(refused.name).toBe("InvalidParameterException");

    const def = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "shop-api",
        requiresCompatibilities: ["EC2"],
        networkMode: "awsvpc",
        cpu: "1024",
        memory: "1024",
        containerDefinitions: [{ name: "api", image: "shop-api:v1", essential: true, portMappings: [{ containerPort: 8080 }] }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: "shop-ecs",
        serviceName: "shop-api",
        taskDefinition: def.taskDefinition?.taskDefinitionArn,
        launchType: "EC2",
        desiredCount: 2,
        networkConfiguration: { awsvpcConfiguration: { subnets: [net.subnetA, net.subnetB], securityGroups: [net.webGroupId] } },
      }),
    );
    const taskArns = (await ecs.send(new ListTasksCommand({ cluster: "shop-ecs", serviceName: "shop-api" }))).taskArns ?? [];
    expect(taskArns).toHaveLength(2);
    const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: "shop-ecs", tasks: taskArns }))).tasks ?? [];
    expect(tasks.map((t) => t.launchType)).toEqual(["EC2", "EC2"]);
    // Spread: one task per zone, each on its own host.
    expect(tasks.map((t) => t.availabilityZone).sort()).toEqual(["us-east-1a", "us-east-1b"]);
    expect(new Set(tasks.map((t) => t.containerInstanceArn)).size).toBe(2);
    const after = (await ecs.send(new DescribeContainerInstancesCommand({ cluster: "shop-ecs", containerInstances: arns }))).containerInstances ?? [];
    for (const host of after) {
      expect(host.remainingResources?.find((r) => r.name === "CPU")?.integerValue).toBe(1_024);
      expect(host.remainingResources?.find((r) => r.name === "MEMORY")?.integerValue).toBe(901);
    }

    // A third task needs 1,024 MiB; every host has 901 left: ECS says why it cannot place it.
    await ecs.send(new UpdateServiceCommand({ cluster: "shop-ecs", service: "shop-api", desiredCount: 3 }));
    range.tick(5_000);
    const service = (await ecs.send(new DescribeServicesCommand({ cluster: "shop-ecs", services: ["shop-api"] }))).services?.[0];
    expect((await ecs.send(new ListTasksCommand({ cluster: "shop-ecs", serviceName: "shop-api" }))).taskArns).toHaveLength(2);
    const unable = (service?.events ?? []).filter((e) => (e.message ?? "").includes("was unable to place a task"));
    expect(unable).toHaveLength(1);
    expect(unable[0]?.message).toMatch(
      /^\(service shop-api\) was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance [0-9a-f]{32}\) has insufficient memory available\.$/,
    );
  });
});
