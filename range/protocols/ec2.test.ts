import { DescribeInstancesCommand, EC2Client, EC2ServiceException, RunInstancesCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRange, type TestRange } from "@/test/support/range";

let range: TestRange;
let ec2: EC2Client;

beforeAll(async () => {
  range = await startTestRange({ instanceBootMs: 30_000 });
  ec2 = new EC2Client(range.clientConfig);
});

afterAll(async () => {
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

describe("EC2 instances", () => {
  it("RunInstances launches MaxCount pending instances with tags; the version tag picks the profile", async () => {
    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: "ami-0123456789abcdef0",
        InstanceType: "t3.small",
        MinCount: 1,
        MaxCount: 3,
        TagSpecifications: [
          {
            ResourceType: "instance",
            Tags: [
              { Key: "teal:version", Value: "v42" },
              { Key: "Name", Value: "green" },
            ],
          },
          { ResourceType: "volume", Tags: [{ Key: "ignored", Value: "yes" }] },
        ],
      }),
    );
    expect(out.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(out.OwnerId).toBe("123456789012");
    expect(out.Instances).toHaveLength(3);
    const first = out.Instances?.[0];
    expect(first?.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(first?.State).toEqual({ Code: 0, Name: "pending" });
    expect(first?.InstanceType).toBe("t3.small");
    expect(first?.ImageId).toBe("ami-0123456789abcdef0");
    expect(first?.LaunchTime).toBeInstanceOf(Date);
    expect(first?.Tags).toEqual([
      { Key: "teal:version", Value: "v42" },
      { Key: "Name", Value: "green" },
    ]);
    expect(new Set(out.Instances?.map((i) => i.Placement?.AvailabilityZone)).size).toBe(3);
    expect(range.world.instances.get(first?.InstanceId ?? "")?.version).toBe("v42");
  });

  it("DescribeInstances groups by reservation, filters by id, state and tag, and shows the boot", async () => {
    const run = await ec2.send(new RunInstancesCommand({ ImageId: "ami-0abc", MinCount: 2, MaxCount: 2 }));
    const ids = (run.Instances ?? []).map((i) => i.InstanceId ?? "");
    const byId = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    expect(byId.Reservations).toHaveLength(1);
    expect(byId.Reservations?.[0]?.ReservationId).toBe(run.ReservationId);
    expect(byId.Reservations?.[0]?.Instances?.map((i) => i.InstanceId)).toEqual(ids);
    expect(byId.Reservations?.[0]?.Instances?.[0]?.PrivateIpAddress).toMatch(/^172\.31\.[0-9]+\.[0-9]+$/);
    const described = byId.Reservations?.[0]?.Instances?.[0];
    expect(described?.VpcId).toMatch(/^vpc-[0-9a-f]+$/);
    expect(described?.SubnetId).toMatch(/^subnet-[0-9a-f]+$/);

    range.tick(30_000);
    const running = await ec2.send(
      new DescribeInstancesCommand({ InstanceIds: ids, Filters: [{ Name: "instance-state-name", Values: ["running"] }] }),
    );
    expect(running.Reservations?.[0]?.Instances?.map((i) => i.State?.Name)).toEqual(["running", "running"]);

    const v1 = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:teal:version", Values: ["v42"] }] }));
    const tagged = (v1.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);
    expect(tagged).not.toContain(ids[0]);
    expect(tagged.length).toBeGreaterThan(0);
  });

  it("TerminateInstances: shutting-down, then terminated; unknown ids are InvalidInstanceID.NotFound", async () => {
    const run = await ec2.send(new RunInstancesCommand({ ImageId: "ami-0abc", MinCount: 1, MaxCount: 1 }));
    const id = run.Instances?.[0]?.InstanceId ?? "";
    range.tick(30_000);
    const out = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(out.TerminatingInstances).toEqual([
      { InstanceId: id, CurrentState: { Code: 32, Name: "shutting-down" }, PreviousState: { Code: 16, Name: "running" } },
    ]);
    range.tick(15_000);
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(described.Reservations?.[0]?.Instances?.[0]?.State).toEqual({ Code: 48, Name: "terminated" });
    expect(described.Reservations?.[0]?.Instances?.[0]?.StateReason?.Code).toBe("Client.UserInitiatedShutdown");

    const err = await rejection(ec2.send(new DescribeInstancesCommand({ InstanceIds: ["i-0123456789abcdef9"] })));
    expect(err).toBeInstanceOf(EC2ServiceException);
    expect((err as Error).name).toBe("InvalidInstanceID.NotFound");
    expect((err as Error).message).toBe("The instance ID 'i-0123456789abcdef9' does not exist");
  });

  it("RunInstances validates its input", async () => {
    const noImage = await rejection(ec2.send(new RunInstancesCommand({ ImageId: "", MinCount: 1, MaxCount: 1 })));
    expect((noImage as Error).name).toBe("MissingParameter");
    const badCount = await rejection(ec2.send(new RunInstancesCommand({ ImageId: "ami-0abc", MinCount: 3, MaxCount: 2 })));
    expect((badCount as Error).name).toBe("InvalidParameterValue");
  });
});
