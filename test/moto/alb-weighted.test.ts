// Proof on moto: Teal's alb-weighted pattern end to end against an AWS emulator the project did not
// write. moto is seeded through the SDK (an ALB in its default VPC, two target groups with two
// instances each, a listener whose default action forwards to blue, and a rule of priority 10 that
// does the same), then Teal observes, plans and runs shift 25 %, promote and roll back through its
// engine, on the listener and on the rule, and every result is read back with DescribeListeners
// and DescribeRules.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type Action,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Runtime } from "@/lib/runtime/runtime";
import {
  appOf,
  configure,
  defaultNetwork,
  describeMotoMissing,
  IMAGE_ID,
  motoAvailable,
  observe,
  runIntentToEnd,
  startTealOnMoto,
  stepOutcomes,
  type TealOnMoto,
} from "./teal-on-moto";

describeMotoMissing("alb-weighted");

describe.runIf(motoAvailable())("alb-weighted on moto", () => {
  let teal: TealOnMoto;
  let rt: Runtime;
  let elbv2: ElasticLoadBalancingV2Client;
  let listenerArn = "";
  let ruleArn = "";
  const tgArns: Record<"blue" | "green", string> = { blue: "", green: "" };

  /** The forward action's weights as `colour:weight`, named by target group. */
  function weightsOf(actions: Action[] | undefined): string[] {
    const forward = (actions ?? []).find((a) => a.Type === "forward");
    return (forward?.ForwardConfig?.TargetGroups ?? [])
      .map((g) => `${g.TargetGroupArn === tgArns.blue ? "blue" : g.TargetGroupArn === tgArns.green ? "green" : "other"}:${g.Weight}`)
      .sort();
  }

  async function listenerWeights(): Promise<string[]> {
    const out = await elbv2.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }));
    return weightsOf(out.Listeners?.[0]?.DefaultActions);
  }

  async function ruleWeights(): Promise<string[]> {
    const out = await elbv2.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }));
    return weightsOf(out.Rules?.[0]?.Actions);
  }

  beforeAll(async () => {
    teal = await startTealOnMoto();
    rt = teal.rt;
    const client = teal.moto.clientConfig;
    elbv2 = new ElasticLoadBalancingV2Client(client);
    const ec2 = new EC2Client(client);
    try {
      const net = await defaultNetwork(client);
      const alb = await elbv2.send(
        new CreateLoadBalancerCommand({ Name: "proof-alb", Subnets: net.subnets.map((s) => s.id), Type: "application", Scheme: "internet-facing" }),
      );
      const albArn = alb.LoadBalancers?.[0]?.LoadBalancerArn ?? "";
      for (const [color, version] of [
        ["blue", "v1"],
        ["green", "v2"],
      ] as const) {
        const tg = await elbv2.send(
          new CreateTargetGroupCommand({ Name: `proof-${color}`, Protocol: "HTTP", Port: 80, VpcId: net.vpcId, TargetType: "instance" }),
        );
        tgArns[color] = tg.TargetGroups?.[0]?.TargetGroupArn ?? "";
        const run = await ec2.send(
          new RunInstancesCommand({
            ImageId: IMAGE_ID,
            InstanceType: "t3.micro",
            MinCount: 2,
            MaxCount: 2,
            SubnetId: net.subnets[0]?.id,
            TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "teal:version", Value: version }] }],
          }),
        );
        await elbv2.send(
          new RegisterTargetsCommand({ TargetGroupArn: tgArns[color], Targets: (run.Instances ?? []).map((i) => ({ Id: i.InstanceId, Port: 80 })) }),
        );
      }
      const forwardToBlue: Action[] = [
        {
          Type: "forward",
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: tgArns.blue, Weight: 100 },
              { TargetGroupArn: tgArns.green, Weight: 0 },
            ],
          },
        },
      ];
      const listener = await elbv2.send(
        new CreateListenerCommand({ LoadBalancerArn: albArn, Protocol: "HTTP", Port: 80, DefaultActions: forwardToBlue }),
      );
      listenerArn = listener.Listeners?.[0]?.ListenerArn ?? "";
      const rule = await elbv2.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: 10,
          Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/api/*"] } }],
          Actions: forwardToBlue,
        }),
      );
      ruleArn = rule.Rules?.[0]?.RuleArn ?? "";
    } finally {
      ec2.destroy();
    }
    configure(rt, [
      {
        id: "web",
        name: "Web",
        pattern: "alb-weighted",
        region: client.region,
        loadBalancer: "proof-alb",
        listenerPort: 80,
        blue: { targetGroup: "proof-blue" },
        green: { targetGroup: "proof-green" },
      },
      {
        id: "api",
        name: "API",
        pattern: "alb-weighted",
        region: client.region,
        loadBalancer: "proof-alb",
        listenerPort: 80,
        rulePriority: 10,
        blue: { targetGroup: "proof-blue" },
        green: { targetGroup: "proof-green" },
      },
    ]);
  });

  afterAll(async () => {
    elbv2?.destroy();
    await teal?.close();
  });

  it("observes the listener's forward action, both target groups, their targets' health and versions", async () => {
    const { state, metricsError } = await observe(rt, appOf(rt, "web"));
    expect(state.alb).toMatchObject({ listenerArn, ruleArn: null, weights: { blue: 100, green: 0 }, targetGroupArns: tgArns });
    expect(state.configured.greenPercent).toBe(0);
    expect(state.environments.blue).toMatchObject({ version: "v1", healthy: 2, unhealthy: 0 });
    expect(state.environments.green).toMatchObject({ version: "v2", healthy: 2, unhealthy: 0 });
    // No data was put: moto answers the target groups' charts (p99 included) with empty series.
    expect(metricsError).toBeNull();

    const api = await observe(rt, appOf(rt, "api"));
    expect(api.state.alb).toMatchObject({ listenerArn, ruleArn, weights: { blue: 100, green: 0 } });
  });

  it("on the listener: shifts green to 25 %, promotes and rolls back, read back with DescribeListeners", async () => {
    const app = appOf(rt, "web");
    const seen = await observe(rt, app);

    const shift = await runIntentToEnd(rt, app, { kind: "shift", greenPercent: 25 }, seen.state.version);
    expect(stepOutcomes(shift.operation)).toEqual(["check-green-healthy: succeeded", "modify-weights: succeeded"]);
    expect(shift.operation.steps[1]?.call?.operation).toBe("ModifyListener");
    expect(await listenerWeights()).toEqual(["blue:75", "green:25"]);

    const promote = await runIntentToEnd(rt, app, { kind: "promote" });
    expect(promote.operation.status).toBe("succeeded");
    expect(promote.before.configured.greenPercent).toBe(25);
    expect(await listenerWeights()).toEqual(["blue:0", "green:100"]);

    const rollback = await runIntentToEnd(rt, app, { kind: "rollback" });
    expect(stepOutcomes(rollback.operation)).toEqual(["modify-weights: succeeded"]);
    expect(await listenerWeights()).toEqual(["blue:100", "green:0"]);
    // The rule was not touched.
    expect(await ruleWeights()).toEqual(["blue:100", "green:0"]);
  });

  it("on the rule of priority 10: shifts green to 25 %, promotes and rolls back, read back with DescribeRules", async () => {
    const app = appOf(rt, "api");
    const seen = await observe(rt, app);

    const shift = await runIntentToEnd(rt, app, { kind: "shift", greenPercent: 25 }, seen.state.version);
    expect(stepOutcomes(shift.operation)).toEqual(["check-green-healthy: succeeded", "modify-weights: succeeded"]);
    expect(shift.operation.steps[1]?.call?.operation).toBe("ModifyRule");
    expect(await ruleWeights()).toEqual(["blue:75", "green:25"]);
    expect(await listenerWeights()).toEqual(["blue:100", "green:0"]);

    await runIntentToEnd(rt, app, { kind: "promote" });
    expect(await ruleWeights()).toEqual(["blue:0", "green:100"]);

    const rollback = await runIntentToEnd(rt, app, { kind: "rollback" });
    expect(rollback.operation.status).toBe("succeeded");
    expect(await ruleWeights()).toEqual(["blue:100", "green:0"]);
    const after = await observe(rt, app);
    expect(after.state.configured.greenPercent).toBe(0);
  });
});
