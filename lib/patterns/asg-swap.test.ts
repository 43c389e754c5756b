import { describe, expect, it } from "vitest";
import type { AppState, AsgGroupView, InstanceView } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import { baseState, CLASSIC_LB, group, inst, planOf, sig } from "@/test/support/asg-common";
import { asgSwapConfiguredPercent, asgSwapReachable, asgSwapTotal, planAsgSwap } from "./asg-swap";
import { ALREADY_ON_BLUE } from "./nothing-to-do";

type GroupSpec = [desired: number, attachment: string | null, instances: string[], opts?: Partial<AsgGroupView>];

function state(blue: GroupSpec, green: GroupSpec, lb = CLASSIC_LB): AppState {
  const instances: Record<"blue" | "green", InstanceView[]> = { blue: blue[2].map((s) => inst(s)), green: green[2].map((s) => inst(s)) };
  const asg = {
    loadBalancer: lb,
    groups: { blue: group("payments-blue", blue[0], blue[1], blue[3]), green: group("payments-green", green[0], green[1], green[3]) },
    greenIdleCapacity: 0,
  };
  const s = baseState("payments", "asg-swap", asg, instances, 0, 25);
  s.configured.greenPercent = asgSwapConfiguredPercent(s);
  return s;
}

const BLUE4 = ["i-b1@a", "i-b2@b", "i-b3@a", "i-b4@b"];
const GREEN4 = ["i-g1@a", "i-g2@b", "i-g3@a", "i-g4@b"];

/** The starting states every intent is planned from. */
const STATES = {
  allBlue: state([4, "InService", BLUE4], [0, null, []]),
  mid: state([2, "InService", ["i-b1@a", "i-b2@b", "i-b3@a:Standby", "i-b4@b:Standby"]], [2, "InService", ["i-g1@a", "i-g2@b"]]),
  allGreen: state([2, "Removed", ["i-b1@a", "i-b2@b", "i-b3@a:Standby", "i-b4@b:Standby"]], [4, "InService", GREEN4]),
  // An operator put one blue instance into Standby by hand.
  standby: state([3, "InService", ["i-b1@a", "i-b2@b", "i-b3@a", "i-b4@b:Standby"]], [0, null, []]),
  // A shift to 50 % failed after green was attached: blue never went to Standby.
  partial: state([4, "InService", BLUE4], [2, "InService", ["i-g1@a", "i-g2@b"]]),
  // Green was scaled ahead of a shift but is not attached.
  prewarmed: state([4, "InService", BLUE4], [4, null, GREEN4]),
};
type StateName = keyof typeof STATES;

const ctx = { waitScale: 1 };
/** Plans every step even when AWS already is the end state (a rollback preempting an operation). */
const reassert = { waitScale: 1, reassert: true };
const shift = (greenPercent: number): Intent => ({ kind: "shift", greenPercent });

describe("asg-swap share grid", () => {
  it("counts blue's full size (desired + Standby) and green's share of serving instances", () => {
    expect(Object.fromEntries(Object.entries(STATES).map(([n, s]) => [n, [asgSwapTotal(s), s.configured.greenPercent]]))).toEqual({
      allBlue: [4, 0],
      mid: [4, 50],
      allGreen: [4, 100],
      standby: [4, 0],
      partial: [4, 33.33],
      prewarmed: [4, 0],
    });
  });

  it("reaches every k of T within the groups' bounds", () => {
    expect(asgSwapReachable(STATES.allBlue).reachable).toEqual([0, 1, 2, 3, 4]);
    const capped = state([4, "InService", BLUE4], [0, null, [], { max: 2 }]);
    expect(asgSwapReachable(capped).reachable).toEqual([0, 1, 2]);
    const blueMin = state([4, "InService", BLUE4, { min: 2 }], [0, null, []]);
    expect(asgSwapReachable(blueMin).reachable).toEqual([0, 1, 2, 4]);
  });
});

describe("planAsgSwap: shift, promote, roll back from every starting state", () => {
  it.each<[StateName, Intent, number, string[]]>([
    [
      "allBlue",
      shift(25),
      25,
      [
        "SetDesired payments-green=1",
        "~ in-service payments-green>=1",
        "Attach payments-green ~ source payments-green InService",
        "~ elb healthy>=5",
        "EnterStandby [i-b3] ~ Standby [i-b3]",
      ],
    ],
    [
      "allBlue",
      shift(50),
      50,
      [
        "SetDesired payments-green=2",
        "~ in-service payments-green>=2",
        "Attach payments-green ~ source payments-green InService",
        "~ elb healthy>=6",
        "EnterStandby [i-b3,i-b4] ~ Standby [i-b3,i-b4]",
      ],
    ],
    [
      "allBlue",
      { kind: "promote" },
      100,
      [
        "SetDesired payments-green=4",
        "~ in-service payments-green>=4",
        "Attach payments-green ~ source payments-green InService",
        "~ elb healthy>=8",
        "Detach payments-blue ~ source payments-blue Removed",
      ],
    ],
    [
      "allBlue",
      { kind: "rollback" },
      0,
      [
        "Attach payments-blue ~ source payments-blue InService",
        "~ elb healthy [i-b1,i-b2,i-b3,i-b4]",
        "Detach payments-green ~ source payments-green Removed",
        "SetDesired payments-green=0",
      ],
    ],
    ["mid", shift(25), 25, ["ExitStandby [i-b3] ~ InService [i-b3]", "~ elb healthy [i-b1,i-b2,i-b3]", "Terminate i-g1 -1", "~ Terminated [i-g1]"]],
    [
      "mid",
      shift(75),
      75,
      ["SetDesired payments-green=3", "~ in-service payments-green>=3", "~ elb healthy>=5", "EnterStandby [i-b1] ~ Standby [i-b1]"],
    ],
    [
      "mid",
      { kind: "promote" },
      100,
      ["SetDesired payments-green=4", "~ in-service payments-green>=4", "~ elb healthy>=6", "Detach payments-blue ~ source payments-blue Removed"],
    ],
    [
      "mid",
      { kind: "rollback" },
      0,
      [
        "ExitStandby [i-b3,i-b4] ~ InService [i-b3,i-b4]",
        "Attach payments-blue ~ source payments-blue InService",
        "~ elb healthy [i-b1,i-b2,i-b3,i-b4]",
        "Detach payments-green ~ source payments-green Removed",
        "SetDesired payments-green=0",
      ],
    ],
    [
      "allGreen",
      shift(50),
      50,
      [
        "Attach payments-blue ~ source payments-blue InService",
        "~ elb healthy [i-b1,i-b2]",
        "Terminate i-g3 -1",
        "Terminate i-g4 -1",
        "~ Terminated [i-g3,i-g4]",
      ],
    ],
    [
      "allGreen",
      { kind: "rollback" },
      0,
      [
        "ExitStandby [i-b3,i-b4] ~ InService [i-b3,i-b4]",
        "Attach payments-blue ~ source payments-blue InService",
        "~ elb healthy [i-b1,i-b2,i-b3,i-b4]",
        "Detach payments-green ~ source payments-green Removed",
        "SetDesired payments-green=0",
      ],
    ],
    [
      "standby",
      shift(25),
      25,
      [
        "SetDesired payments-green=1",
        "~ in-service payments-green>=1",
        "Attach payments-green ~ source payments-green InService",
        "~ elb healthy>=4",
      ],
    ],
    ["standby", shift(0), 0, ["ExitStandby [i-b4] ~ InService [i-b4]", "~ elb healthy [i-b1,i-b2,i-b3,i-b4]"]],
    [
      "standby",
      { kind: "rollback" },
      0,
      [
        "ExitStandby [i-b4] ~ InService [i-b4]",
        "Attach payments-blue ~ source payments-blue InService",
        "~ elb healthy [i-b1,i-b2,i-b3,i-b4]",
        "Detach payments-green ~ source payments-green Removed",
        "SetDesired payments-green=0",
      ],
    ],
    // Resuming the failed shift: green is already there, only blue's Standby is missing.
    ["partial", shift(50), 50, ["EnterStandby [i-b3,i-b4] ~ Standby [i-b3,i-b4]"]],
    [
      "partial",
      { kind: "rollback" },
      0,
      [
        "Attach payments-blue ~ source payments-blue InService",
        "~ elb healthy [i-b1,i-b2,i-b3,i-b4]",
        "Detach payments-green ~ source payments-green Removed",
        "SetDesired payments-green=0",
      ],
    ],
    // Extra warm green instances are trimmed before attaching, or all four would register.
    [
      "prewarmed",
      shift(25),
      25,
      [
        "Terminate i-g3 -1",
        "Terminate i-g4 -1",
        "Terminate i-g1 -1",
        "~ Terminated [i-g3,i-g4,i-g1]",
        "~ in-service payments-green>=1",
        "Attach payments-green ~ source payments-green InService",
        "~ elb healthy>=5",
        "EnterStandby [i-b3] ~ Standby [i-b3]",
      ],
    ],
    [
      "prewarmed",
      { kind: "promote" },
      100,
      ["Attach payments-green ~ source payments-green InService", "~ elb healthy>=8", "Detach payments-blue ~ source payments-blue Removed"],
    ],
  ])("%s + %o → green %i %%", (name, intent, after, expected) => {
    const p = planOf(planAsgSwap(STATES[name], intent, reassert));
    expect(sig(p)).toEqual(expected);
    expect(p.after.greenPercent).toBe(after);
    expect(p.before.greenPercent).toBe(STATES[name].configured.greenPercent);
  });

  it("snaps 33 % and 67 % to thirds with three blue instances", () => {
    const three = state([3, "InService", ["i-b1@a", "i-b2@b", "i-b3@c"]], [0, null, []]);
    expect(planOf(planAsgSwap(three, shift(33), ctx)).after.greenPercent).toBe(33.33);
    expect(planOf(planAsgSwap(three, shift(67), ctx)).after.greenPercent).toBe(66.67);
  });

  it("every non-idempotent call can be re-run safely (skipIf) and every wait is scaled", () => {
    const p = planOf(planAsgSwap(STATES.mid, { kind: "rollback" }, { waitScale: 0.01 }));
    for (const step of p.steps) {
      if (step.call && step.call.operation !== "SetDesiredCapacity") expect(step.skipIf, step.id).toBeDefined();
      if (step.wait) expect(step.wait.timeoutMs).toBeLessThanOrEqual(9_000);
    }
    expect(new Set(p.steps.map((s) => s.id)).size).toBe(p.steps.length);
  });

  it("uses the target group ARN as the traffic source and target health for waits", () => {
    const tg = {
      kind: "target-group" as const,
      name: "payments-tg",
      arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/payments-tg/abc",
    };
    const s = state([4, "InService", BLUE4], [0, null, []], tg);
    const p = planOf(planAsgSwap(s, shift(25), ctx));
    const attach = p.steps.find((x) => x.id === "attach-green");
    expect(attach?.call?.input).toEqual({ AutoScalingGroupName: "payments-green", TrafficSources: [{ Identifier: tg.arn, Type: "elbv2" }] });
    expect(p.steps.find((x) => x.id === "green-healthy")?.wait).toMatchObject({ kind: "tg-healthy", targetGroupArn: tg.arn, minHealthy: 5 });
  });

  it("waits for Added, not InService, when the group uses EC2 health checks", () => {
    const s = state([4, "InService", BLUE4], [0, null, [], { healthCheckType: "EC2" }]);
    const p = planOf(planAsgSwap(s, shift(25), ctx));
    expect(p.steps.find((x) => x.id === "attach-green")?.wait).toMatchObject({ kind: "asg-traffic-source", state: "Added" });
  });
});

describe("planAsgSwap refusals", () => {
  it.each<[string, AppState, Intent, RegExp]>([
    ["allBlue", STATES.allBlue, shift(30), /30 % is not reachable.*steps of 25 %.*Nearest reachable: 25 % or 50 %/],
    ["allBlue", STATES.allBlue, shift(101), /whole number of percent/],
    ["allBlue", STATES.allBlue, shift(12.5), /whole number of percent/],
    ["allBlue", STATES.allBlue, shift(0), /already serves 0 %/],
    ["mid", STATES.mid, shift(50), /already serves 50 % \(2 of 4 instances\)/],
    ["allGreen", STATES.allGreen, { kind: "promote" }, /already serves 100 %/],
    ["allBlue", STATES.allBlue, { kind: "deploy-revision", taskDefinition: "x:1" }, /does not apply/],
    [
      "green MaxSize 2",
      state([4, "InService", BLUE4], [0, null, [], { max: 2 }]),
      shift(75),
      /75 % \(3 of 4 instances\) cannot be reached: green's group payments-green has MaxSize 2.*Reachable now: 0 %, 25 %, 50 %/,
    ],
    ["blue MinSize 2", state([4, "InService", BLUE4, { min: 2 }], [0, null, []]), shift(75), /blue's group payments-blue has MinSize 2/],
    ["blue empty", state([0, "InService", []], [0, null, []]), { kind: "rollback" }, /no instances.*Scale blue first/],
    [
      "blue launching",
      state([4, "InService", ["i-b1@a", "i-b2@b", "i-b3@a:Pending", "i-b4@b:Pending"]], [0, null, []]),
      shift(75),
      /still launching/,
    ],
  ])("%s + %o is refused", (_label, s, intent, reason) => {
    const r = planAsgSwap(s, intent, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it("never refuses a roll back because it looks done", () => {
    for (const s of Object.values(STATES)) expect(planAsgSwap(s, { kind: "rollback" }, ctx).ok).toBe(true);
  });
});

describe("planAsgSwap standby and scale-green", () => {
  it.each<[StateName, Intent, number, string[]]>([
    ["allBlue", { kind: "standby-enter", color: "blue", instanceIds: ["i-b2"] }, 0, ["EnterStandby [i-b2] ~ Standby [i-b2]"]],
    ["mid", { kind: "standby-enter", color: "blue" }, 100, ["EnterStandby [i-b1,i-b2] ~ Standby [i-b1,i-b2]"]],
    ["mid", { kind: "standby-exit", color: "blue" }, 33.33, ["ExitStandby [i-b3,i-b4] ~ InService [i-b3,i-b4]", "~ elb healthy [i-b3,i-b4]"]],
    ["allGreen", { kind: "standby-exit", color: "blue", instanceIds: ["i-b4"] }, 100, ["ExitStandby [i-b4] ~ InService [i-b4]"]],
    ["allBlue", { kind: "scale-green", capacity: 4 }, 0, ["SetDesired payments-green=4", "~ in-service payments-green>=4"]],
  ])("%s + %o", (name, intent, after, expected) => {
    const p = planOf(planAsgSwap(STATES[name], intent, reassert));
    expect(sig(p)).toEqual(expected);
    expect(p.after.greenPercent).toBe(after);
  });

  it.each<[string, AppState, Intent, RegExp]>([
    ["allBlue", STATES.allBlue, { kind: "standby-enter", color: "blue" }, /no instance in service/],
    ["allBlue", STATES.allBlue, { kind: "standby-enter", color: "blue", instanceIds: ["i-g9"] }, /not one of blue's instances/],
    ["mid", STATES.mid, { kind: "standby-enter", color: "blue", instanceIds: ["i-b3"] }, /i-b3 is Standby, not InService/],
    ["allBlue", STATES.allBlue, { kind: "standby-exit", color: "blue" }, /no instance in Standby/],
    [
      "blue MinSize 4",
      state([4, "InService", BLUE4, { min: 4 }], [0, null, []]),
      { kind: "standby-enter", color: "blue", instanceIds: ["i-b1"] },
      /MinSize 4.*at most 0/,
    ],
    [
      "blue MaxSize 2",
      state([2, "InService", ["i-b1@a", "i-b2@b", "i-b3@a:Standby"], { max: 2 }], [0, null, []]),
      { kind: "standby-exit", color: "blue" },
      /MaxSize 2.*only 0/,
    ],
    ["mid", STATES.mid, { kind: "scale-green", capacity: 4 }, /serves traffic.*shift instead/],
    ["allBlue", STATES.allBlue, { kind: "scale-green", capacity: 9 }, /0 to 8 instances.*9 is outside/],
    ["allBlue", STATES.allBlue, { kind: "scale-green", capacity: 0 }, /already has a desired capacity of 0/],
  ])("%s + %o is refused", (_label, s, intent, reason) => {
    const r = planAsgSwap(s, intent, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe("planAsgSwap: rollback when blue already serves everything", () => {
  it("plans no step and says so; a preempting rollback still re-asserts the attachments", () => {
    const p = planOf(planAsgSwap(STATES.allBlue, { kind: "rollback" }, ctx));
    expect(p.steps).toEqual([]);
    expect(p.nothingToDo?.headline).toBe(ALREADY_ON_BLUE);
    expect(p.nothingToDo?.detail).toMatch(/payments-blue serves all 4 instances/);
    expect(planOf(planAsgSwap(STATES.allBlue, { kind: "rollback" }, reassert)).steps.length).toBeGreaterThan(0);
  });

  it("is not 'on blue' with a blue instance in Standby, unhealthy, or green prewarmed", () => {
    for (const s of [
      STATES.standby,
      STATES.prewarmed,
      state([4, "InService", ["i-b1@a", "i-b2@b", "i-b3@a", "i-b4@b:InService:unhealthy"]], [0, null, []]),
    ]) {
      expect(planOf(planAsgSwap(s, { kind: "rollback" }, ctx)).nothingToDo).toBeUndefined();
    }
  });
});
