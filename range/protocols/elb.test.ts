import { EC2Client, RunInstancesCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import {
  AccessPointNotFoundException,
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand,
  DeleteLoadBalancerCommand,
  DeregisterInstancesFromLoadBalancerCommand,
  DescribeInstanceHealthCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DuplicateAccessPointNameException,
  ElasticLoadBalancingClient,
  ElasticLoadBalancingServiceException,
  InvalidEndPointException,
  ModifyLoadBalancerAttributesCommand,
  RegisterInstancesWithLoadBalancerCommand,
  type InstanceState,
} from "@aws-sdk/client-elastic-load-balancing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRange, type TestRange } from "@/test/support/range";

let range: TestRange;
let elb: ElasticLoadBalancingClient;
let ec2: EC2Client;

beforeAll(async () => {
  range = await startTestRange({ instanceBootMs: 20_000 });
  elb = new ElasticLoadBalancingClient(range.clientConfig);
  ec2 = new EC2Client(range.clientConfig);
});

afterAll(async () => {
  elb.destroy();
  ec2.destroy();
  await range.close();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

let lbCounter = 0;
async function newLb(): Promise<string> {
  lbCounter += 1;
  const name = `lb-${lbCounter}`;
  await elb.send(
    new CreateLoadBalancerCommand({
      LoadBalancerName: name,
      Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 80 }],
      AvailabilityZones: ["us-east-1a", "us-east-1b"],
    }),
  );
  await elb.send(
    new ConfigureHealthCheckCommand({
      LoadBalancerName: name,
      HealthCheck: { Target: "HTTP:80/health", Interval: 10, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 3 },
    }),
  );
  return name;
}

async function launch(count: number, version = "v41"): Promise<string[]> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: "ami-0abc",
      InstanceType: "t3.micro",
      MinCount: count,
      MaxCount: count,
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: version }] }],
    }),
  );
  return (out.Instances ?? []).map((i) => i.InstanceId ?? "");
}

async function health(name: string, ids?: string[]): Promise<InstanceState[]> {
  const out = await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: name, Instances: ids?.map((InstanceId) => ({ InstanceId })) }));
  return out.InstanceStates ?? [];
}

describe("load balancers", () => {
  it("CreateLoadBalancer returns the DNS name; DescribeLoadBalancers shows the description", async () => {
    const out = await elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: "shop-blue",
        Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 8080 }],
        AvailabilityZones: ["us-east-1a", "us-east-1b"],
      }),
    );
    expect(out.DNSName).toMatch(/^shop-blue-[0-9]{10}\.us-east-1\.elb\.amazonaws\.com$/);
    const described = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ["shop-blue"] }));
    const lb = described.LoadBalancerDescriptions?.[0];
    expect(lb).toMatchObject({
      LoadBalancerName: "shop-blue",
      DNSName: out.DNSName,
      CanonicalHostedZoneName: out.DNSName,
      CanonicalHostedZoneNameID: "Z35SXDOTRQ7X7K",
      AvailabilityZones: ["us-east-1a", "us-east-1b"],
      Instances: [],
      Scheme: "internet-facing",
      VPCId: expect.stringMatching(/^vpc-[0-9a-f]+$/),
      // API defaults: TCP on the instance port, 30 s, 5 s, 2 / 10.
      HealthCheck: { Target: "TCP:8080", Interval: 30, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 10 },
    });
    expect(lb?.ListenerDescriptions?.[0]?.Listener).toEqual({ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 8080 });
    expect(lb?.CreatedTime).toBeInstanceOf(Date);

    // Same name, same listeners: idempotent. Different listeners: a clash.
    const again = await elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: "shop-blue",
        Listeners: [{ Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 8080 }],
        AvailabilityZones: ["us-east-1a"],
      }),
    );
    expect(again.DNSName).toBe(out.DNSName);
    const clash = await rejection(
      elb.send(
        new CreateLoadBalancerCommand({
          LoadBalancerName: "shop-blue",
          Listeners: [{ Protocol: "TCP", LoadBalancerPort: 443, InstanceProtocol: "TCP", InstancePort: 443 }],
          AvailabilityZones: ["us-east-1a"],
        }),
      ),
    );
    expect(clash).toBeInstanceOf(DuplicateAccessPointNameException);
  });

  it("unknown names are LoadBalancerNotFound (AccessPointNotFoundException)", async () => {
    const err = await rejection(elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ["nope"] })));
    expect(err).toBeInstanceOf(AccessPointNotFoundException);
    expect((err as Error).message).toContain("nope");
  });

  it("DeleteLoadBalancer removes it and is idempotent", async () => {
    const name = await newLb();
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerName: name }));
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerName: name }));
    const all = await elb.send(new DescribeLoadBalancersCommand({}));
    expect(all.LoadBalancerDescriptions?.map((d) => d.LoadBalancerName)).not.toContain(name);
  });

  it("ConfigureHealthCheck echoes the check and validates the ranges", async () => {
    const name = await newLb();
    const out = await elb.send(
      new ConfigureHealthCheckCommand({
        LoadBalancerName: name,
        HealthCheck: { Target: "HTTP:80/ping", Interval: 30, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 10 },
      }),
    );
    expect(out.HealthCheck).toEqual({ Target: "HTTP:80/ping", Interval: 30, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 10 });
    const bad = [
      { Target: "HTTP:80/ping", Interval: 4, Timeout: 2, UnhealthyThreshold: 2, HealthyThreshold: 2 },
      { Target: "HTTP:80/ping", Interval: 30, Timeout: 61, UnhealthyThreshold: 2, HealthyThreshold: 2 },
      { Target: "HTTP:80/ping", Interval: 30, Timeout: 5, UnhealthyThreshold: 11, HealthyThreshold: 2 },
      { Target: "HTTP:80/ping", Interval: 30, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 1 },
      { Target: "HTTP:80/ping", Interval: 10, Timeout: 10, UnhealthyThreshold: 2, HealthyThreshold: 2 },
      { Target: "HTTP:80", Interval: 30, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 2 },
      { Target: "FTP:21", Interval: 30, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 2 },
    ];
    for (const hc of bad) {
      const err = await rejection(elb.send(new ConfigureHealthCheckCommand({ LoadBalancerName: name, HealthCheck: hc })));
      expect(err).toBeInstanceOf(ElasticLoadBalancingServiceException);
      expect((err as Error).name).toBe("ValidationError");
    }
  });

  it("attributes: defaults, modify draining/cross-zone/idle timeout, validate the draining timeout", async () => {
    const name = await newLb();
    const before = await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerName: name }));
    expect(before.LoadBalancerAttributes).toMatchObject({
      ConnectionDraining: { Enabled: false, Timeout: 300 },
      CrossZoneLoadBalancing: { Enabled: false },
      ConnectionSettings: { IdleTimeout: 60 },
    });
    const out = await elb.send(
      new ModifyLoadBalancerAttributesCommand({
        LoadBalancerName: name,
        LoadBalancerAttributes: {
          ConnectionDraining: { Enabled: true, Timeout: 60 },
          CrossZoneLoadBalancing: { Enabled: true },
          ConnectionSettings: { IdleTimeout: 30 },
        },
      }),
    );
    expect(out.LoadBalancerName).toBe(name);
    const after = await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerName: name }));
    expect(after.LoadBalancerAttributes).toMatchObject({
      ConnectionDraining: { Enabled: true, Timeout: 60 },
      CrossZoneLoadBalancing: { Enabled: true },
      ConnectionSettings: { IdleTimeout: 30 },
    });
    for (const timeout of [0, 3601]) {
      const err = await rejection(
        elb.send(
          new ModifyLoadBalancerAttributesCommand({
            LoadBalancerName: name,
            LoadBalancerAttributes: { ConnectionDraining: { Enabled: true, Timeout: timeout } },
          }),
        ),
      );
      expect((err as Error).name).toBe("ValidationError");
    }
  });
});

describe("instances behind a classic load balancer", () => {
  it("register returns the full list; health goes registration → threshold → InService", async () => {
    const name = await newLb();
    const [a, b] = await launch(2);
    if (a === undefined || b === undefined) throw new Error("launch failed");
    range.tick(20_000); // booted
    const first = await elb.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: name, Instances: [{ InstanceId: a }] }));
    expect(first.Instances).toEqual([{ InstanceId: a }]);
    const both = await elb.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: name, Instances: [{ InstanceId: b }] }));
    expect(both.Instances).toEqual([{ InstanceId: a }, { InstanceId: b }]);

    expect(await health(name)).toEqual([
      { InstanceId: a, State: "OutOfService", ReasonCode: "ELB", Description: "Instance registration is still in progress." },
      { InstanceId: b, State: "OutOfService", ReasonCode: "ELB", Description: "Instance registration is still in progress." },
    ]);
    range.tick(10_000);
    expect((await health(name))[0]).toEqual({
      InstanceId: a,
      State: "OutOfService",
      ReasonCode: "Instance",
      Description: "Instance has not passed the configured HealthyThreshold number of health checks consecutively.",
    });
    range.tick(20_000);
    expect((await health(name)).map((s) => s.State)).toEqual(["InService", "InService"]);
    const described = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: [name] }));
    expect(described.LoadBalancerDescriptions?.[0]?.Instances).toEqual([{ InstanceId: a }, { InstanceId: b }]);
  });

  it("an instance failing its checks goes OutOfService after the unhealthy threshold", async () => {
    const name = await newLb();
    const [a] = await launch(1);
    if (a === undefined) throw new Error("launch failed");
    range.tick(20_000);
    await elb.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: name, Instances: [{ InstanceId: a }] }));
    range.tick(30_000);
    expect((await health(name))[0]?.State).toBe("InService");
    const instance = range.world.instances.get(a);
    if (instance === undefined) throw new Error("missing");
    instance.failing = true;
    range.tick(20_000);
    expect((await health(name))[0]).toMatchObject({
      State: "OutOfService",
      Description: "Instance has failed at least the UnhealthyThreshold number of health checks consecutively.",
    });
  });

  it("deregistration drains for the timeout; explicit queries of unregistered instances; never terminated ones", async () => {
    const name = await newLb();
    await elb.send(
      new ModifyLoadBalancerAttributesCommand({
        LoadBalancerName: name,
        LoadBalancerAttributes: { ConnectionDraining: { Enabled: true, Timeout: 60 } },
      }),
    );
    const [a, b, c] = await launch(3);
    if (a === undefined || b === undefined || c === undefined) throw new Error("launch failed");
    range.tick(20_000);
    await elb.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: name, Instances: [{ InstanceId: a }, { InstanceId: b }] }));
    range.tick(30_000);

    const remaining = await elb.send(new DeregisterInstancesFromLoadBalancerCommand({ LoadBalancerName: name, Instances: [{ InstanceId: a }] }));
    expect(remaining.Instances).toEqual([{ InstanceId: b }]);
    expect((await health(name, [a]))[0]).toEqual({
      InstanceId: a,
      State: "InService",
      ReasonCode: "N/A",
      Description: "Instance deregistration currently in progress.",
    });
    range.tick(59_000);
    expect((await health(name, [a]))[0]?.Description).toBe("Instance deregistration currently in progress.");
    range.tick(1_000);
    expect((await health(name, [a]))[0]).toEqual({
      InstanceId: a,
      State: "OutOfService",
      ReasonCode: "N/A",
      Description: "Instance is not currently registered with the LoadBalancer.",
    });
    expect((await health(name)).map((s) => s.InstanceId)).toEqual([b]);

    // Never registered: asked explicitly, it is reported as not registered.
    expect((await health(name, [c]))[0]?.Description).toBe("Instance is not currently registered with the LoadBalancer.");

    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [b] }));
    range.tick(20_000);
    expect(await health(name)).toEqual([]);
    expect(await health(name, [b])).toEqual([]);
  });

  it("unknown instance ids are InvalidInstance (InvalidEndPointException)", async () => {
    const name = await newLb();
    const err = await rejection(
      elb.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: name, Instances: [{ InstanceId: "i-0000000000000dead" }] })),
    );
    expect(err).toBeInstanceOf(InvalidEndPointException);
    const missingLb = await rejection(elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: "missing-lb" })));
    expect(missingLb).toBeInstanceOf(AccessPointNotFoundException);
  });
});
