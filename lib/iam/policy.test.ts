import { describe, expect, it } from "vitest";
import { allOperations } from "@/lib/aws/operations";
import { loadDemoConfig } from "@/lib/config/load";
import type { AppConfig } from "@/lib/config/schema";
import { appGrants, iamPolicy, type IamStatement } from "./policy";

const demo = loadDemoConfig();
const ACCOUNT = "111122223333";
const ZONE_ID = "Z0123456789ABCDEFGHIJ";

function statementsWith(statements: IamStatement[], action: string): IamStatement[] {
  return statements.filter((s) => s.Action.includes(action));
}

/** The resources `action` is allowed on, over every statement. */
function resourcesOf(statements: IamStatement[], action: string): string[] {
  return statementsWith(statements, action)
    .flatMap((s) => s.Resource)
    .sort();
}

function app<P extends AppConfig["pattern"]>(pattern: P): Extract<AppConfig, { pattern: P }> {
  const found = demo.applications.find((a): a is Extract<AppConfig, { pattern: P }> => a.pattern === pattern);
  if (!found) throw new Error(`no ${pattern} application in the demo config`);
  return found;
}

describe("iamPolicy for the demo applications", () => {
  const { policy, notes } = iamPolicy(demo.applications, { account: ACCOUNT, zoneIds: { "example.com.": ZONE_ID } });
  const s = policy.Statement;

  it("is a policy document: version, unique Sids, Allow only, read and write apart", () => {
    expect(policy.Version).toBe("2012-10-17");
    expect(new Set(s.map((x) => x.Sid)).size).toBe(s.length);
    for (const st of s) {
      expect(st.Sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(st.Effect).toBe("Allow");
      const access = new Set(st.Action.map((a) => allOperations().find((o) => o.iamAction === a)?.access));
      expect(access.size, st.Sid).toBe(1);
      expect(st.Sid.includes("Read")).toBe(access.has("read"));
    }
    // The zone's id was given; only what a policy cannot say about launch templates is left to say.
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^search-api swaps launch templates/);
  });

  it("grants every operation of the table that a pattern uses, and no other", () => {
    // With weights on a listener rule as well as on a listener's default action.
    const withRule = iamPolicy([...demo.applications, { ...app("alb-weighted"), id: "catalog-rule", rulePriority: 10 }]);
    const granted = new Set(withRule.policy.Statement.flatMap((x) => x.Action));
    const expected = new Set(allOperations().flatMap((o) => (o.notGranted === undefined ? [o.iamAction] : [])));
    expect([...expected].filter((a) => !granted.has(a)).sort()).toEqual([]);
    expect([...granted].filter((a) => !expected.has(a)).sort()).toEqual([]);
    expect(granted.has("elasticloadbalancing:RegisterInstancesWithLoadBalancer")).toBe(false);
  });

  it("scopes each write to the configured resources", () => {
    expect(resourcesOf(s, "route53:ChangeResourceRecordSets")).toEqual([`arn:aws:route53:::hostedzone/${ZONE_ID}`]);
    expect(resourcesOf(s, "route53:ListResourceRecordSets")).toEqual([`arn:aws:route53:::hostedzone/${ZONE_ID}`]);
    expect(resourcesOf(s, "route53:GetChange")).toEqual(["arn:aws:route53:::change/*"]);
    expect(resourcesOf(s, "elasticloadbalancing:ModifyListener")).toEqual([
      `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener/app/catalog-alb/*`,
    ]);
    const group = (name: string) => `arn:aws:autoscaling:us-east-1:${ACCOUNT}:autoScalingGroup:*:autoScalingGroupName/${name}`;
    expect(resourcesOf(s, "autoscaling:SetDesiredCapacity")).toEqual(
      ["checkout-web", "payments-blue", "payments-green", "search-api"].map(group).sort(),
    );
    // Only the launch-swap groups have their launch source changed; only asg-swap detaches.
    expect(resourcesOf(s, "autoscaling:UpdateAutoScalingGroup")).toEqual([group("checkout-web"), group("search-api")].sort());
    expect(resourcesOf(s, "autoscaling:DetachTrafficSources")).toEqual([group("payments-blue"), group("payments-green")].sort());
    const service = (name: string) => `arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/${name}`;
    expect(resourcesOf(s, "ecs:UpdateService")).toEqual(
      ["notifications", "orders-blue", "orders-green", "profile-blue", "profile-green"].map(service).sort(),
    );
    expect(resourcesOf(s, "ecs:DescribeTasks")).toEqual([`arn:aws:ecs:us-east-1:${ACCOUNT}:task/prod/*`]);
  });

  it("allows actions without resource-level permissions on * only, in one statement per service and access", () => {
    for (const action of [
      "elasticloadbalancing:DescribeLoadBalancers",
      "autoscaling:DescribeAutoScalingGroups",
      "ec2:DescribeInstances",
      "cloudwatch:GetMetricData",
    ]) {
      expect(resourcesOf(s, action)).toEqual(["*"]);
    }
    const starRead = s.filter((x) => x.Resource.includes("*") && x.Sid.startsWith("ElasticLoadBalancingRead"));
    expect(starRead).toHaveLength(1);
    expect(starRead[0]?.Resource).toEqual(["*"]);
    // No statement mixes "*" with ARNs.
    for (const st of s) if (st.Resource.includes("*")) expect(st.Resource).toEqual(["*"]);
  });
});

describe("iamPolicy: what the config does not say", () => {
  it("leaves the account as * when not given", () => {
    const { policy } = iamPolicy([app("asg-swap")]);
    expect(resourcesOf(policy.Statement, "autoscaling:EnterStandby")).toEqual([
      "arn:aws:autoscaling:us-east-1:*:autoScalingGroup:*:autoScalingGroupName/payments-blue",
      "arn:aws:autoscaling:us-east-1:*:autoScalingGroup:*:autoScalingGroupName/payments-green",
    ]);
  });

  it("allows every zone with a note when a zone named by name has no id given; needs no lookup for a zone given by id", () => {
    const byName = iamPolicy([app("dns-weighted")]);
    expect(resourcesOf(byName.policy.Statement, "route53:ChangeResourceRecordSets")).toEqual(["arn:aws:route53:::hostedzone/*"]);
    expect(resourcesOf(byName.policy.Statement, "route53:ListHostedZones")).toEqual(["*"]);
    expect(byName.notes.join("\n")).toMatch(/example\.com\. by name.*--zone example\.com\.=Z/);

    const shop = app("dns-weighted");
    const byId = iamPolicy([{ ...shop, dns: { ...shop.dns, hostedZone: `/hostedzone/${ZONE_ID}` } }]);
    expect(resourcesOf(byId.policy.Statement, "route53:ChangeResourceRecordSets")).toEqual([`arn:aws:route53:::hostedzone/${ZONE_ID}`]);
    expect(resourcesOf(byId.policy.Statement, "route53:ListHostedZones")).toEqual([]);
    expect(byId.notes).toEqual([]);
  });

  it("scopes alb-weighted to ModifyRule when the weights live on a rule", () => {
    const catalog = app("alb-weighted");
    const { policy } = iamPolicy([{ ...catalog, rulePriority: 10 }], { account: ACCOUNT });
    expect(resourcesOf(policy.Statement, "elasticloadbalancing:ModifyRule")).toEqual([
      `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener-rule/app/catalog-alb/*`,
    ]);
    expect(resourcesOf(policy.Statement, "elasticloadbalancing:ModifyListener")).toEqual([]);
  });

  it("says what it cannot generate for launch templates", () => {
    const { notes } = iamPolicy(demo.applications.filter((a) => a.pattern === "launch-swap"));
    expect(notes).toHaveLength(1);
    expect(notes.join("\n")).toMatch(/search-api swaps launch templates: .*ec2:RunInstances/);
    expect(notes.join("\n")).not.toMatch(/checkout-web/);
  });

  it("refuses an account id that is not 12 digits", () => {
    expect(() => iamPolicy(demo.applications, { account: "12345" })).toThrow(/12 digits/);
  });

  it("gives one application only what its pattern uses", () => {
    const ops = (a: AppConfig) => new Set(appGrants(a).map((g) => g.operation));
    expect(ops(app("dns-weighted")).has("autoscaling:DescribeAutoScalingGroups")).toBe(false);
    expect(ops(app("ecs-rolling")).has("ecs:ListTaskDefinitions")).toBe(true);
    expect(ops(app("ecs-elb-swap")).has("ecs:ListTaskDefinitions")).toBe(false);
    expect(ops(app("alb-weighted")).has("route53:ChangeResourceRecordSets")).toBe(false);
  });
});
