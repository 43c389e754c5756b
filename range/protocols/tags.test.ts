// The tagging operations of the practice range (what `teal discover` reads and the demo seeding
// writes), with the real SDK clients over HTTP: tags merge by key, answer per resource, and a
// missing resource or a bad request gets AWS's error.
import { AutoScalingClient, CreateOrUpdateTagsCommand, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeServicesCommand, ECSClient, ListTagsForResourceCommand, TagResourceCommand } from "@aws-sdk/client-ecs";
import {
  AddTagsCommand as AddClassicTagsCommand,
  DescribeTagsCommand as DescribeClassicTagsCommand,
  ElasticLoadBalancingClient,
} from "@aws-sdk/client-elastic-load-balancing";
import {
  AddTagsCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorld } from "@/range/demo/seed";
import { startTestRange, type TestRange } from "@/test/support/range";

let range: TestRange;
let elb: ElasticLoadBalancingClient;
let elbv2: ElasticLoadBalancingV2Client;
let autoscaling: AutoScalingClient;
let ecs: ECSClient;

beforeAll(async () => {
  range = await startTestRange();
  await seedDemoWorld(range.url);
  elb = new ElasticLoadBalancingClient(range.clientConfig);
  elbv2 = new ElasticLoadBalancingV2Client(range.clientConfig);
  autoscaling = new AutoScalingClient(range.clientConfig);
  ecs = new ECSClient(range.clientConfig);
}, 60_000);

afterAll(async () => {
  for (const c of [elb, elbv2, autoscaling, ecs]) c.destroy();
  await range.close();
});

function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (err: unknown) => err,
  );
}

describe("tags on the practice range", () => {
  it("classic ELB: AddTags merges by key, DescribeTags answers per load balancer; a missing one is LoadBalancerNotFound", async () => {
    await elb.send(
      new AddClassicTagsCommand({
        LoadBalancerNames: ["shop-blue"],
        Tags: [
          { Key: "teal:color", Value: "green" },
          { Key: "owner", Value: "web" },
        ],
      }),
    );
    await elb.send(new AddClassicTagsCommand({ LoadBalancerNames: ["shop-blue"], Tags: [{ Key: "teal:color", Value: "blue" }] }));
    const out = await elb.send(new DescribeClassicTagsCommand({ LoadBalancerNames: ["shop-blue", "shop-green"] }));
    const tags = Object.fromEntries(
      (out.TagDescriptions ?? []).map((d) => [d.LoadBalancerName, Object.fromEntries((d.Tags ?? []).map((t) => [t.Key, t.Value]))]),
    );
    expect(tags["shop-blue"]).toEqual({ "teal:app": "shop", "teal:pattern": "dns-weighted", "teal:color": "blue", owner: "web" });
    expect(tags["shop-green"]).toMatchObject({ "teal:app": "shop", "teal:color": "green" });
    expect(await failure(elb.send(new DescribeClassicTagsCommand({ LoadBalancerNames: ["nope"] })))).toMatchObject({
      name: "AccessPointNotFoundException",
    });
    expect(
      await failure(elb.send(new AddClassicTagsCommand({ LoadBalancerNames: ["shop-blue", "shop-green"], Tags: [{ Key: "a", Value: "b" }] }))),
    ).toMatchObject({
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("ELBv2: tags of load balancers and target groups by ARN; a missing target group is TargetGroupNotFound", async () => {
    const alb = (await elbv2.send(new DescribeLoadBalancersCommand({ Names: ["catalog-alb"] }))).LoadBalancers?.[0]?.LoadBalancerArn ?? "";
    const tg = (await elbv2.send(new DescribeTargetGroupsCommand({ Names: ["catalog-green"] }))).TargetGroups?.[0]?.TargetGroupArn ?? "";
    await elbv2.send(new AddTagsCommand({ ResourceArns: [tg], Tags: [{ Key: "team", Value: "catalog" }] }));
    const out = await elbv2.send(new DescribeTagsCommand({ ResourceArns: [alb, tg] }));
    expect(out.TagDescriptions?.map((d) => [d.ResourceArn, Object.fromEntries((d.Tags ?? []).map((t) => [t.Key, t.Value]))])).toEqual([
      [alb, { "teal:app": "catalog-api", "teal:pattern": "alb-weighted" }],
      [tg, { "teal:app": "catalog-api", "teal:color": "green", team: "catalog" }],
    ]);
    const missing = tg.replace(/\/[0-9a-f]+$/, "/0000000000000000");
    expect(await failure(elbv2.send(new DescribeTagsCommand({ ResourceArns: [missing] })))).toMatchObject({ name: "TargetGroupNotFoundException" });
  });

  it("Auto Scaling: CreateOrUpdateTags adds or replaces a group's tag, seen in DescribeAutoScalingGroups", async () => {
    await autoscaling.send(
      new CreateOrUpdateTagsCommand({
        Tags: [{ ResourceId: "payments-green", ResourceType: "auto-scaling-group", Key: "teal:color", Value: "green", PropagateAtLaunch: false }],
      }),
    );
    await autoscaling.send(
      new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: "payments-green", ResourceType: "auto-scaling-group", Key: "cost", Value: "7" }] }),
    );
    const group = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["payments-green"] })))
      .AutoScalingGroups?.[0];
    const tags = Object.fromEntries((group?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({ "teal:app": "payments-api", "teal:color": "green", cost: "7" });
    expect((group?.Tags ?? []).filter((t) => t.Key === "teal:color")).toHaveLength(1);
    expect(
      await failure(
        autoscaling.send(new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: "nope", ResourceType: "auto-scaling-group", Key: "a", Value: "b" }] })),
      ),
    ).toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });

  it("ECS: TagResource and ListTagsForResource on a service by ARN; an unknown ARN is ResourceNotFoundException", async () => {
    const arn = (await ecs.send(new DescribeServicesCommand({ cluster: "prod", services: ["orders-green"] }))).services?.[0]?.serviceArn ?? "";
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: "team", value: "orders" }] }));
    const out = await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(Object.fromEntries((out.tags ?? []).map((t) => [t.key, t.value]))).toEqual({
      "teal:app": "orders-service",
      "teal:color": "green",
      team: "orders",
    });
    expect(await failure(ecs.send(new ListTagsForResourceCommand({ resourceArn: `${arn}-gone` })))).toMatchObject({
      name: "ResourceNotFoundException",
    });
  });
});
