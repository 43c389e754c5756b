import {
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  AutoScalingClient,
  SetDesiredCapacityCommand,
} from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand, EC2Client } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRange, type TestRange } from "@/test/support/range";
import { failZone, healthyZones, recoverZone, zoneFailed } from "./zone-faults";

let range: TestRange;
let asg: AutoScalingClient;
let ec2: EC2Client;

beforeAll(async () => {
  range = await startTestRange();
  asg = new AutoScalingClient(range.clientConfig);
  ec2 = new EC2Client(range.clientConfig);
});

afterAll(async () => {
  asg.destroy();
  ec2.destroy();
  await range.close();
});

async function zonesOf(name: string): Promise<Record<string, string[]>> {
  const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const byZone: Record<string, string[]> = {};
  for (const i of out.AutoScalingGroups?.[0]?.Instances ?? [])
    (byZone[i.AvailabilityZone ?? "?"] ??= []).push(`${i.LifecycleState ?? "?"}/${i.HealthStatus ?? "?"}`);
  return byZone;
}

describe("zone failure", () => {
  it("falls back to every zone only when all of them have failed", () => {
    expect(healthyZones(range.world, ["us-east-1a", "us-east-1b"])).toEqual(["us-east-1a", "us-east-1b"]);
    failZone(range.world, "us-east-1a");
    failZone(range.world, "us-east-1b");
    expect(zoneFailed(range.world, "us-east-1a")).toBe(true);
    expect(healthyZones(range.world, ["us-east-1a", "us-east-1b", "us-east-1c"])).toEqual(["us-east-1c"]);
    expect(healthyZones(range.world, ["us-east-1a", "us-east-1b"])).toEqual(["us-east-1a", "us-east-1b"]);
    expect(recoverZone(range.world, "us-east-1a")).toBe(true);
    expect(recoverZone(range.world, "us-east-1b")).toBe(true);
    expect(range.world.faults.failedZones).toEqual({});
  });

  it("makes Auto Scaling launch in the zones that still work, and recovered zones take launches again", async () => {
    const lt = await ec2.send(
      new CreateLaunchTemplateCommand({ LaunchTemplateName: "zones", LaunchTemplateData: { ImageId: "ami-0aaa", InstanceType: "t3.small" } }),
    );
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: "zones",
        LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate?.LaunchTemplateId, Version: "1" },
        MinSize: 0,
        MaxSize: 6,
        DesiredCapacity: 2,
        AvailabilityZones: ["us-east-1a", "us-east-1b"],
      }),
    );
    range.tick(120_000);
    expect(await zonesOf("zones")).toEqual({ "us-east-1a": ["InService/Healthy"], "us-east-1b": ["InService/Healthy"] });

    const res = await fetch(`${range.url}/_sim/zones/us-east-1a/fail`, { method: "POST" });
    expect(res.status).toBe(200);
    const marked = [...range.world.instances.values()].filter((i) => i.availabilityZone === "us-east-1a");
    expect(marked.every((i) => i.failing)).toBe(true);
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "zones", DesiredCapacity: 4 }));
    range.tick(10_000); // the group launches on its next tick
    const during = await zonesOf("zones");
    expect(during["us-east-1a"]).toHaveLength(1);
    expect(during["us-east-1b"]).toHaveLength(3);

    await fetch(`${range.url}/_sim/zones/us-east-1a/recover`, { method: "POST" });
    expect(marked.every((i) => !i.failing)).toBe(true);
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "zones", DesiredCapacity: 5 }));
    range.tick(10_000);
    expect((await zonesOf("zones"))["us-east-1a"]).toHaveLength(2);
  });
});
