import { describe, expect, it } from "vitest";
import { SimApiError } from "@/range/protocols/errors";
import { deregisterTargets, findTargetGroup, registerTargets, routableTargets, targetHealth, tickTargetGroups } from "./elbv2-targets";
import { DEFAULT_VPC_ID } from "./network";
import type { SimApplicationLoadBalancer, SimTargetGroup } from "./state";
import { createWorld, launchInstance, type RangeWorld } from "./world";

const TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/0123456789abcdef";
const ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/fedcba9876543210";

function group(overrides: Partial<SimTargetGroup> = {}): SimTargetGroup {
  return {
    arn: TG_ARN,
    name: "blue",
    protocol: "HTTP",
    port: 80,
    vpcId: DEFAULT_VPC_ID,
    targetType: "instance",
    protocolVersion: "HTTP1",
    ipAddressType: "ipv4",
    createdAtMs: 0,
    healthCheck: {
      enabled: true,
      protocol: "HTTP",
      port: "traffic-port",
      path: "/",
      intervalS: 30,
      timeoutS: 5,
      healthyThreshold: 5,
      unhealthyThreshold: 2,
      matcher: "200",
    },
    attributes: { deregistrationDelayS: 300, stickinessEnabled: false, stickinessType: "lb_cookie", stickinessDurationS: 86400, extra: {} },
    targets: [],
    tags: {},
    ...overrides,
  };
}

function albForwardingTo(arn: string): SimApplicationLoadBalancer {
  const actions = [{ type: "forward" as const, targetGroups: [{ targetGroupArn: arn, weight: 1 }], stickiness: { enabled: false, durationS: 3600 } }];
  return {
    arn: ALB_ARN,
    name: "shop",
    dnsName: "shop-1.us-east-1.elb.amazonaws.com",
    canonicalHostedZoneId: "Z35SXDOTRQ7X7K",
    createdAtMs: 0,
    scheme: "internet-facing",
    vpcId: DEFAULT_VPC_ID,
    state: "active",
    activeAtMs: 0,
    availabilityZones: [],
    securityGroups: [],
    ipAddressType: "ipv4",
    tags: {},
    listeners: [
      {
        arn: `${ALB_ARN}/l1`,
        loadBalancerArn: ALB_ARN,
        port: 80,
        protocol: "HTTP",
        certificates: [],
        rules: [
          {
            arn: "rule-default",
            listenerArn: `${ALB_ARN}/l1`,
            priority: "default",
            isDefault: true,
            conditions: [],
            actions,
            trafficActions: actions,
          },
        ],
      },
    ],
  };
}

/** A world with one running instance in an in-use target group. */
function setup(tg: Partial<SimTargetGroup> = {}): { world: RangeWorld; id: string } {
  const world = createWorld({}, { now: () => 1_000_000 });
  world.targetGroups = new Map([[TG_ARN, group(tg)]]);
  world.albs = new Map([[ALB_ARN, albForwardingTo(TG_ARN)]]);
  const instance = launchInstance(world, {
    id: "i-0aaaaaaaaaaaaaaa1",
    imageId: "ami-1",
    instanceType: "t3.micro",
    availabilityZone: "us-east-1a",
    tags: {},
    reservationId: "r-1",
  });
  instance.state = "running";
  instance.readyAtMs = world.nowMs;
  return { world, id: instance.id };
}

function run(world: RangeWorld, ms: number): void {
  const from = world.nowMs;
  tickTargetGroups(world, from, from + ms);
  world.nowMs = from + ms;
}

describe("ALB targets", () => {
  it("finds groups by ARN or name", () => {
    const { world } = setup();
    expect(findTargetGroup(world, TG_ARN)?.name).toBe("blue");
    expect(findTargetGroup(world, "blue")?.arn).toBe(TG_ARN);
    expect(findTargetGroup(world, "nope")).toBeUndefined();
  });

  it("rejects an unknown group with TargetGroupNotFound", () => {
    const { world } = setup();
    const call = (): void => registerTargets(world, "arn:nope", [{ id: "i-1" }]);
    expect(call).toThrow(SimApiError);
    try {
      call();
    } catch (err) {
      expect(err instanceof SimApiError && err.code).toBe("TargetGroupNotFound");
    }
  });

  it("starts initial / RegistrationInProgress and turns healthy after one passing check", () => {
    const { world, id } = setup();
    registerTargets(world, TG_ARN, [{ id }]);
    expect(targetHealth(world, TG_ARN)).toEqual([
      { id, port: 80, state: "initial", reason: "Elb.RegistrationInProgress", description: "Target registration is in progress" },
    ]);
    run(world, 29_000);
    expect(targetHealth(world, TG_ARN)[0]?.state).toBe("initial");
    run(world, 2_000);
    expect(targetHealth(world, TG_ARN)).toEqual([{ id, port: 80, state: "healthy" }]);
  });

  it("goes unhealthy after UnhealthyThresholdCount failures and back after HealthyThresholdCount passes", () => {
    const { world, id } = setup();
    registerTargets(world, TG_ARN, [{ id }]);
    run(world, 31_000);
    const instance = world.instances.get(id);
    if (instance === undefined) throw new Error("instance missing");
    instance.failing = true;
    run(world, 30_000);
    expect(targetHealth(world, TG_ARN)[0]?.state).toBe("healthy");
    run(world, 30_000);
    expect(targetHealth(world, TG_ARN)[0]).toMatchObject({ state: "unhealthy", reason: "Target.FailedHealthChecks" });
    instance.failing = false;
    run(world, 4 * 30_000);
    expect(targetHealth(world, TG_ARN)[0]?.state).toBe("unhealthy");
    run(world, 30_000);
    expect(targetHealth(world, TG_ARN)[0]?.state).toBe("healthy");
  });

  it("drains a healthy target for the deregistration delay divided by speed, then removes it", () => {
    const { world, id } = setup();
    world.config.speed = 10;
    registerTargets(world, TG_ARN, [{ id }]);
    run(world, 3_100);
    expect(targetHealth(world, TG_ARN)[0]?.state).toBe("healthy");
    deregisterTargets(world, TG_ARN, [id, "i-0unknown"]);
    expect(targetHealth(world, TG_ARN)[0]).toMatchObject({ state: "draining", reason: "Target.DeregistrationInProgress" });
    run(world, 29_000);
    expect(targetHealth(world, TG_ARN)).toHaveLength(1);
    run(world, 1_500);
    expect(targetHealth(world, TG_ARN)).toEqual([]);
  });

  it("removes a target that never became healthy, or any target with delay 0, at once", () => {
    const { world, id } = setup();
    registerTargets(world, TG_ARN, [{ id }]);
    deregisterTargets(world, TG_ARN, [id]);
    expect(targetHealth(world, TG_ARN)).toEqual([]);
    const zero = setup({
      attributes: { deregistrationDelayS: 0, stickinessEnabled: false, stickinessType: "lb_cookie", stickinessDurationS: 86400, extra: {} },
    });
    registerTargets(zero.world, TG_ARN, [{ id: zero.id }]);
    run(zero.world, 31_000);
    deregisterTargets(zero.world, TG_ARN, [zero.id]);
    expect(targetHealth(zero.world, TG_ARN)).toEqual([]);
  });

  it("shows targets of a group no listener uses as unused / Target.NotInUse and does not check them", () => {
    const { world, id } = setup();
    world.albs = new Map();
    registerTargets(world, TG_ARN, [{ id }]);
    run(world, 120_000);
    expect(targetHealth(world, TG_ARN)[0]).toMatchObject({ state: "unused", reason: "Target.NotInUse" });
    world.albs = new Map([[ALB_ARN, albForwardingTo(TG_ARN)]]);
    run(world, 1_000);
    expect(targetHealth(world, TG_ARN)[0]?.state).toBe("initial");
  });

  it("fails open when every target is unhealthy", () => {
    const { world, id } = setup();
    registerTargets(world, TG_ARN, [{ id }]);
    const tg = findTargetGroup(world, TG_ARN);
    if (tg === undefined) throw new Error("group missing");
    expect(routableTargets(tg)).toEqual([]);
    const instance = world.instances.get(id);
    if (instance === undefined) throw new Error("instance missing");
    instance.failing = true;
    run(world, 61_000);
    expect(targetHealth(world, TG_ARN)[0]?.state).toBe("unhealthy");
    expect(routableTargets(tg).map((t) => t.id)).toEqual([id]);
  });

  it("health-checks ip targets through the ECS task with that ip", () => {
    const { world } = setup({ targetType: "ip" });
    world.tasks = new Map([
      [
        "task-1",
        {
          arn: "task-1",
          clusterArn: "c",
          taskDefinitionArn: "td",
          version: "v1",
          lastStatus: "RUNNING",
          desiredStatus: "RUNNING",
          ip: "172.31.1.5",
          availabilityZone: "us-east-1a",
          failing: false,
          createdAtMs: 0,
          startedAtMs: 0,
        },
      ],
    ]);
    registerTargets(world, TG_ARN, [{ id: "172.31.1.5", port: 8080 }, { id: "172.31.1.6" }]);
    run(world, 61_000);
    expect(targetHealth(world, TG_ARN).map((r) => [r.id, r.port, r.state])).toEqual([
      ["172.31.1.5", 8080, "healthy"],
      ["172.31.1.6", 80, "unhealthy"],
    ]);
  });
});
