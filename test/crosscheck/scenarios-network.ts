/**
 * Cross-check scenarios for building a topology from nothing: an EC2 network (VPC, subnets,
 * security groups, key pairs, instances in a subnet, image lookups) and custom CloudWatch metrics
 * (PutMetricData read back). docs/aws-behaviour.md §16 and §6.6.
 */
import { CloudWatchClient, GetMetricStatisticsCommand, ListMetricsCommand, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
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
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeImagesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
  type IpPermission,
} from "@aws-sdk/client-ec2";
import { CreateLoadBalancerCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { errorOf, outcome, sortedBy, type Observations, type Scenario, type Target } from "./harness";

/** An AMI id moto ships with (moto refuses unknown AMIs); the range launches any well-formed id. */
const IMAGE_ID = "ami-12c6146b";

function ruleView(p: IpPermission): unknown {
  return { IpProtocol: p.IpProtocol, FromPort: p.FromPort, ToPort: p.ToPort, IpRanges: (p.IpRanges ?? []).map((r) => r.CidrIp) };
}

const network: Scenario = {
  name: "ec2-network",
  async run(t: Target, obs: Observations) {
    const ec2 = new EC2Client(t.clientConfig);
    try {
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.40.0.0/16" }))).Vpc;
      const vpcId = vpc?.VpcId ?? "";
      obs.see("CreateVpc", { CidrBlock: vpc?.CidrBlock, IsDefault: vpc?.IsDefault, id: /^vpc-[0-9a-f]{8,17}$/.test(vpcId) });
      const described = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs ?? [];
      obs.see(
        "DescribeVpcs by id",
        described.map((v) => ({ CidrBlock: v.CidrBlock, State: v.State, IsDefault: v.IsDefault })),
      );
      obs.see("CreateVpc with a /8", errorOf(await outcome(ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/8" })))) ?? "accepted");

      const a = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.40.1.0/24", AvailabilityZone: "us-east-1a" }))).Subnet;
      await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.40.2.0/24", AvailabilityZone: "us-east-1b" }));
      obs.see("CreateSubnet", {
        CidrBlock: a?.CidrBlock,
        AvailabilityZone: a?.AvailabilityZone,
        AvailableIpAddressCount: a?.AvailableIpAddressCount,
        DefaultForAz: a?.DefaultForAz,
        MapPublicIpOnLaunch: a?.MapPublicIpOnLaunch,
        sameVpc: a?.VpcId === vpcId,
      });
      const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).Subnets ?? [];
      obs.see(
        "DescribeSubnets by vpc-id",
        sortedBy(subnets, (s) => s.CidrBlock ?? "").map((s) => [s.CidrBlock, s.AvailabilityZone]),
      );
      const inB =
        (
          await ec2.send(
            new DescribeSubnetsCommand({
              Filters: [
                { Name: "vpc-id", Values: [vpcId] },
                { Name: "availability-zone", Values: ["us-east-1b"] },
              ],
            }),
          )
        ).Subnets ?? [];
      obs.see(
        "DescribeSubnets by vpc-id and availability-zone",
        inB.map((s) => s.CidrBlock),
      );
      await ec2.send(new CreateTagsCommand({ Resources: [a?.SubnetId ?? ""], Tags: [{ Key: "tier", Value: "web" }] }));
      const tagged =
        (
          await ec2.send(
            new DescribeSubnetsCommand({
              Filters: [
                { Name: "vpc-id", Values: [vpcId] },
                { Name: "tag:tier", Values: ["web"] },
              ],
            }),
          )
        ).Subnets ?? [];
      obs.see(
        "DescribeSubnets by tag after CreateTags",
        tagged.map((s) => [s.CidrBlock, s.Tags]),
      );
      const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway?.InternetGatewayId ?? "";
      await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
      const gateways = (await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [igwId] }))).InternetGateways ?? [];
      obs.see(
        "DescribeInternetGateways after AttachInternetGateway",
        gateways.map((g) => (g.Attachments ?? []).map((x) => ({ attached: x.VpcId === vpcId, State: x.State }))),
      );
      const tableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable?.RouteTableId ?? "";
      await ec2.send(new CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igwId }));
      await ec2.send(new AssociateRouteTableCommand({ RouteTableId: tableId, SubnetId: a?.SubnetId }));
      obs.see(
        "CreateRoute to the same destination again",
        errorOf(await outcome(ec2.send(new CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igwId })))) ??
          "accepted",
      );
      const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).RouteTables ?? [];
      obs.see(
        "DescribeRouteTables of the VPC",
        sortedBy(
          tables.map((t) => ({
            main: (t.Associations ?? []).some((x) => x.Main === true),
            routes: (t.Routes ?? []).map((r) => [
              r.DestinationCidrBlock,
              r.GatewayId === "local" ? "local" : r.GatewayId === igwId ? "igw" : r.GatewayId,
            ]),
            subnets: (t.Associations ?? []).filter((x) => x.SubnetId !== undefined).map((x) => x.SubnetId === a?.SubnetId),
          })),
          (t) => String(t.main),
        ),
      );
      const subnetErrors: Record<string, string> = {};
      for (const [label, cidr, vpc2] of [
        ["outside the VPC", "10.41.0.0/24", vpcId],
        ["overlapping", "10.40.1.0/25", vpcId],
        ["unknown VPC", "10.40.9.0/24", "vpc-0123456789abcdef0"],
      ] as const) {
        subnetErrors[label] = errorOf(await outcome(ec2.send(new CreateSubnetCommand({ VpcId: vpc2, CidrBlock: cidr })))) ?? "accepted";
      }
      obs.see("CreateSubnet refusals", subnetErrors);

      const web = await ec2.send(new CreateSecurityGroupCommand({ GroupName: "xcheck-web", Description: "web", VpcId: vpcId }));
      const http = { GroupId: web.GroupId, IpPermissions: [{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] };
      await ec2.send(new AuthorizeSecurityGroupIngressCommand(http));
      obs.see("AuthorizeSecurityGroupIngress again", errorOf(await outcome(ec2.send(new AuthorizeSecurityGroupIngressCommand(http)))) ?? "accepted");
      obs.see(
        "CreateSecurityGroup with a name taken in the VPC",
        errorOf(await outcome(ec2.send(new CreateSecurityGroupCommand({ GroupName: "xcheck-web", Description: "again", VpcId: vpcId })))) ??
          "accepted",
      );
      const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).SecurityGroups ?? [];
      obs.see(
        "DescribeSecurityGroups by vpc-id",
        sortedBy(groups, (g) => g.GroupName ?? "").map((g) => ({
          GroupName: g.GroupName,
          ingress: g.GroupName === "default" ? "(default)" : (g.IpPermissions ?? []).map(ruleView),
          egress: (g.IpPermissionsEgress ?? []).map(ruleView),
        })),
      );

      const key = await ec2.send(new CreateKeyPairCommand({ KeyName: "xcheck-key" }));
      obs.see("CreateKeyPair", { KeyName: key.KeyName, material: (key.KeyMaterial ?? "").includes("PRIVATE KEY") });
      obs.see("CreateKeyPair again", errorOf(await outcome(ec2.send(new CreateKeyPairCommand({ KeyName: "xcheck-key" })))) ?? "accepted");
      obs.see(
        "DescribeKeyPairs of an unknown name",
        errorOf(await outcome(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ["xcheck-none"] })))) ?? "accepted",
      );

      const run = await ec2.send(
        new RunInstancesCommand({
          ImageId: IMAGE_ID,
          MinCount: 1,
          MaxCount: 1,
          SubnetId: a?.SubnetId,
          SecurityGroupIds: [web.GroupId ?? ""],
          KeyName: "xcheck-key",
        }),
      );
      const instance = run.Instances?.[0];
      obs.see("RunInstances into a subnet", {
        AvailabilityZone: instance?.Placement?.AvailabilityZone,
        inVpc: instance?.VpcId === vpcId,
        inSubnet: instance?.SubnetId === a?.SubnetId,
        address: /^10\.40\.1\.\d+$/.test(instance?.PrivateIpAddress ?? ""),
        groups: (instance?.SecurityGroups ?? []).map((g) => g.GroupName),
        KeyName: instance?.KeyName,
      });
      obs.see(
        "RunInstances into an unknown subnet",
        errorOf(
          await outcome(ec2.send(new RunInstancesCommand({ ImageId: IMAGE_ID, MinCount: 1, MaxCount: 1, SubnetId: "subnet-0123456789abcdef0" }))),
        ) ?? "accepted",
      );
      obs.see(
        "DeleteSubnet with an instance in it",
        errorOf(await outcome(ec2.send(new DeleteSubnetCommand({ SubnetId: a?.SubnetId })))) ?? "accepted",
      );
      obs.see("DeleteVpc with subnets", errorOf(await outcome(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })))) ?? "accepted");
      // A VPC without an internet gateway: an internal load balancer, but not an internet-facing one.
      const bare = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.41.0.0/16" }))).Vpc?.VpcId ?? "";
      const bareSubnets: string[] = [];
      for (const [cidr, zone] of [
        ["10.41.1.0/24", "us-east-1a"],
        ["10.41.2.0/24", "us-east-1b"],
      ] as const) {
        bareSubnets.push((await ec2.send(new CreateSubnetCommand({ VpcId: bare, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet?.SubnetId ?? "");
      }
      const elbv2 = new ElasticLoadBalancingV2Client(t.clientConfig);
      try {
        const attempt = async (name: string, scheme: "internal" | "internet-facing"): Promise<string> =>
          errorOf(await outcome(elbv2.send(new CreateLoadBalancerCommand({ Name: name, Scheme: scheme, Subnets: bareSubnets })))) ?? "accepted";
        obs.see("CreateLoadBalancer internal in a VPC without an internet gateway", await attempt("xcheck-internal", "internal"));
        obs.see("CreateLoadBalancer internet-facing in a VPC without an internet gateway", await attempt("xcheck-public", "internet-facing"));
      } finally {
        elbv2.destroy();
      }
      obs.see(
        "DescribeImages of an unknown id",
        errorOf(await outcome(ec2.send(new DescribeImagesCommand({ ImageIds: ["ami-0123456789abcdef0"] })))) ?? "accepted",
      );
      const amazon =
        (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"], Filters: [{ Name: "name", Values: ["amzn2-ami-hvm-*"] }] }))).Images ?? [];
      obs.see("DescribeImages by owner and name pattern", {
        found: amazon.length > 0,
        allMatch: amazon.every((i) => (i.Name ?? "").startsWith("amzn2-ami-hvm-")),
      });
    } finally {
      ec2.destroy();
    }
  },
};

const customMetrics: Scenario = {
  name: "cloudwatch-put",
  async run(t: Target, obs: Observations) {
    // moto 5.2 inflates gzipped PutMetricData bodies twice (docs/aws-behaviour.md §13); no compression anywhere.
    const cw = new CloudWatchClient({ ...t.clientConfig, disableRequestCompression: true });
    try {
      // A whole minute a few minutes back, on each target's own clock: the range's is its manual one.
      // Datapoint timestamps are not compared: moto stamps its buckets differently (docs/aws-behaviour.md §13).
      const now = t.name === "range" ? await rangeNow(t) : Date.now();
      const minute = Math.floor(now / 60_000) * 60_000 - 5 * 60_000;
      const dims = [{ Name: "App", Value: "xcheck" }];
      await cw.send(
        new PutMetricDataCommand({
          Namespace: "XCheck/Custom",
          MetricData: [
            { MetricName: "Latency", Dimensions: dims, Timestamp: new Date(minute + 1_000), Value: 10, Unit: "Milliseconds" },
            { MetricName: "Latency", Dimensions: dims, Timestamp: new Date(minute + 2_000), Value: 30, Unit: "Milliseconds" },
            {
              MetricName: "Orders",
              Dimensions: dims,
              Timestamp: new Date(minute + 3_000),
              StatisticValues: { SampleCount: 4, Sum: 20, Minimum: 2, Maximum: 8 },
              Unit: "Count",
            },
          ],
        }),
      );
      const stats = async (metric: string) =>
        (
          await cw.send(
            new GetMetricStatisticsCommand({
              Namespace: "XCheck/Custom",
              MetricName: metric,
              Dimensions: dims,
              StartTime: new Date(minute),
              EndTime: new Date(minute + 120_000),
              Period: 60,
              Statistics: ["SampleCount", "Sum", "Average", "Minimum", "Maximum"],
            }),
          )
        ).Datapoints?.map((d) => ({
          n: d.SampleCount,
          sum: d.Sum,
          avg: d.Average,
          min: d.Minimum,
          max: d.Maximum,
          unit: d.Unit,
        }));
      obs.see("GetMetricStatistics of put values", await stats("Latency"));
      obs.see("GetMetricStatistics of a put statistic set", await stats("Orders"));
      const listed = (await cw.send(new ListMetricsCommand({ Namespace: "XCheck/Custom" }))).Metrics ?? [];
      obs.see(
        "ListMetrics of the custom namespace",
        sortedBy(listed, (m) => m.MetricName ?? "").map((m) => [m.MetricName, m.Dimensions]),
      );
      obs.see(
        "PutMetricData with Value and Values",
        errorOf(
          await outcome(
            cw.send(new PutMetricDataCommand({ Namespace: "XCheck/Custom", MetricData: [{ MetricName: "Both", Value: 1, Values: [1] }] })),
          ),
        ) ?? "accepted",
      );
    } finally {
      cw.destroy();
    }
  },
};

/** The range's clock (the harness's range runs on a manual clock of its own). */
async function rangeNow(t: Target): Promise<number> {
  const res = await fetch(`${t.clientConfig.endpoint}/_sim/health`);
  const body = (await res.json()) as { nowMs?: number };
  return body.nowMs ?? Date.now();
}

export const NETWORK_SCENARIOS: readonly Scenario[] = [network, customMetrics];
