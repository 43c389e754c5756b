import { describe, expect, it } from "vitest";
import type { AppState, LaunchSpecView } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import { baseState, CLASSIC_LB, group, inst, LC_NEW, LC_OLD, planOf, sig } from "@/test/support/asg-common";
import { launchSwapConfiguredPercent, launchSwapReachable, planLaunchSwap } from "./launch-swap";
import { ALREADY_ON_BLUE } from "./nothing-to-do";

interface Opts {
  max?: number;
  min?: number;
  attachment?: string | null;
  launches?: Record<"blue" | "green", LaunchSpecView>;
  strays?: string[];
}

function state(desired: number, launch: LaunchSpecView, oldSpecs: string[], newSpecs: string[], opts: Opts = {}): AppState {
  const launches = opts.launches ?? { blue: LC_OLD, green: LC_NEW };
  const key = (l: LaunchSpecView) => (l.kind === "launch-configuration" ? l.name : `${l.id}:${l.resolvedVersion}`);
  const instances = { blue: oldSpecs.map((s) => inst(s, key(launches.blue))), green: newSpecs.map((s) => inst(s, key(launches.green))) };
  const g = group("checkout-web", desired, opts.attachment === undefined ? "InService" : opts.attachment, {
    launch,
    max: opts.max ?? 8,
    min: opts.min ?? 0,
  });
  const asg = {
    loadBalancer: CLASSIC_LB,
    groups: { blue: g, green: g },
    launches,
    strays: (opts.strays ?? []).map((s) => inst(s, "checkout-v40")),
  };
  const s = baseState("checkout", "launch-swap", asg, instances, 0, 25);
  s.configured.greenPercent = launchSwapConfiguredPercent(s);
  return s;
}

const OLD4 = ["i-o1@a", "i-o2@b", "i-o3@a", "i-o4@b"];
const NEW4 = ["i-n1@a", "i-n2@b", "i-n3@a", "i-n4@b"];
const OLD4_STANDBY = OLD4.map((s) => `${s}:Standby`);

const STATES = {
  allOld: state(4, LC_OLD, OLD4, []),
  mid: state(4, LC_NEW, ["i-o1@a", "i-o2@b", "i-o3@a:Standby", "i-o4@b:Standby"], ["i-n1@a", "i-n2@b"]),
  allNew: state(4, LC_NEW, OLD4_STANDBY, NEW4),
  promoted: state(4, LC_NEW, [], NEW4, { max: 6 }),
  // An operator put one new instance into Standby at 50 %.
  standby: state(3, LC_NEW, ["i-o1@a", "i-o2@b", "i-o3@a:Standby", "i-o4@b:Standby"], ["i-n1@a", "i-n2@b:Standby"]),
  // A shift to 50 % failed after the new instances launched: old ones never went to Standby.
  partial: state(6, LC_NEW, OLD4, ["i-n1@a", "i-n2@b"]),
};
type StateName = keyof typeof STATES;

const ctx = { waitScale: 1 };
/** Plans every step even when AWS already is the end state (a rollback preempting an operation). */
const reassert = { waitScale: 1, reassert: true };
const shift = (greenPercent: number): Intent => ({ kind: "shift", greenPercent });

describe("launch-swap share grid", () => {
  it("is the new instances' share of serving ones, in steps of one instance of the desired capacity", () => {
    expect(Object.fromEntries(Object.entries(STATES).map(([n, s]) => [n, s.configured.greenPercent]))).toEqual({
      allOld: 0,
      mid: 50,
      allNew: 100,
      promoted: 100,
      standby: 33.33,
      partial: 33.33,
    });
    expect(launchSwapReachable(STATES.allOld).reachable).toEqual([0, 1, 2, 3, 4]);
    // MaxSize 6 lets at most two new instances launch beside four old ones.
    expect(launchSwapReachable(state(4, LC_OLD, OLD4, [], { max: 6 })).reachable).toEqual([0, 1, 2]);
    // Without old instances in Standby, only roll back goes back.
    expect(launchSwapReachable(STATES.promoted).reachable).toEqual([4]);
  });
});

describe("planLaunchSwap with launch configurations", () => {
  it.each<[StateName, Intent, number, string[]]>([
    [
      "allOld",
      shift(25),
      25,
      [
        "Update checkout-web lc=checkout-v42",
        "SetDesired checkout-web=5",
        "~ in-service checkout-web>=1 on checkout-v42",
        "~ elb healthy>=5",
        "EnterStandby [i-o3] ~ Standby [i-o3]",
      ],
    ],
    [
      "allOld",
      shift(50),
      50,
      [
        "Update checkout-web lc=checkout-v42",
        "SetDesired checkout-web=6",
        "~ in-service checkout-web>=2 on checkout-v42",
        "~ elb healthy>=6",
        "EnterStandby [i-o3,i-o4] ~ Standby [i-o3,i-o4]",
      ],
    ],
    [
      "allOld",
      { kind: "promote" },
      100,
      [
        "Update checkout-web lc=checkout-v42",
        "SetDesired checkout-web=8",
        "~ in-service checkout-web>=4 on checkout-v42",
        "~ elb healthy>=8",
        "Terminate i-o3 -1",
        "Terminate i-o4 -1",
        "Terminate i-o1 -1",
        "Terminate i-o2 -1",
        "~ Terminated [i-o3,i-o4,i-o1,i-o2]",
      ],
    ],
    [
      "allOld",
      { kind: "rollback" },
      0,
      ["Update checkout-web lc=checkout-v41", "~ in-service checkout-web>=4 on checkout-v41", "~ elb healthy [i-o1,i-o2,i-o3,i-o4]"],
    ],
    ["mid", shift(25), 25, ["ExitStandby [i-o3] ~ InService [i-o3]", "~ elb healthy [i-o1,i-o2,i-o3]", "Terminate i-n1 -1", "~ Terminated [i-n1]"]],
    [
      "mid",
      shift(100),
      100,
      [
        "SetDesired checkout-web=6",
        "~ in-service checkout-web>=4 on checkout-v42",
        "~ elb healthy>=6",
        "EnterStandby [i-o1,i-o2] ~ Standby [i-o1,i-o2]",
      ],
    ],
    [
      "mid",
      { kind: "promote" },
      100,
      [
        "SetDesired checkout-web=6",
        "~ in-service checkout-web>=4 on checkout-v42",
        "~ elb healthy>=6",
        "Terminate i-o1 -1",
        "Terminate i-o2 -1",
        "Terminate i-o3",
        "Terminate i-o4",
        "~ Terminated [i-o1,i-o2,i-o3,i-o4]",
      ],
    ],
    [
      "mid",
      { kind: "rollback" },
      0,
      [
        "Update checkout-web lc=checkout-v41",
        "ExitStandby [i-o3,i-o4] ~ InService [i-o3,i-o4]",
        "~ in-service checkout-web>=4 on checkout-v41",
        "~ elb healthy [i-o1,i-o2,i-o3,i-o4]",
        "Terminate i-n1 -1",
        "Terminate i-n2 -1",
        "~ Terminated [i-n1,i-n2]",
      ],
    ],
    [
      "allNew",
      shift(50),
      50,
      [
        "ExitStandby [i-o1,i-o2] ~ InService [i-o1,i-o2]",
        "~ elb healthy [i-o1,i-o2]",
        "Terminate i-n3 -1",
        "Terminate i-n4 -1",
        "~ Terminated [i-n3,i-n4]",
      ],
    ],
    [
      "allNew",
      { kind: "promote" },
      100,
      ["Terminate i-o1", "Terminate i-o2", "Terminate i-o3", "Terminate i-o4", "~ Terminated [i-o1,i-o2,i-o3,i-o4]"],
    ],
    // After promote the old instances are gone: roll back launches them again, above MaxSize in a step of its own.
    [
      "promoted",
      { kind: "rollback" },
      0,
      [
        "Update checkout-web lc=checkout-v41",
        "Update checkout-web max=8",
        "SetDesired checkout-web=8",
        "~ in-service checkout-web>=4 on checkout-v41",
        "Terminate i-n3 -1",
        "Terminate i-n4 -1",
        "Terminate i-n1 -1",
        "Terminate i-n2 -1",
        "~ Terminated [i-n3,i-n4,i-n1,i-n2]",
        "~ elb healthy>=4",
        "Update checkout-web max=6",
      ],
    ],
    // The new instance in Standby comes back before anything launches.
    [
      "standby",
      shift(100),
      100,
      [
        "ExitStandby [i-n2] ~ InService [i-n2]",
        "SetDesired checkout-web=5",
        "~ in-service checkout-web>=3 on checkout-v42",
        "~ elb healthy>=5",
        "EnterStandby [i-o1,i-o2] ~ Standby [i-o1,i-o2]",
      ],
    ],
    [
      "standby",
      { kind: "rollback" },
      0,
      [
        "Update checkout-web lc=checkout-v41",
        "ExitStandby [i-o3] ~ InService [i-o3]",
        "~ in-service checkout-web>=3 on checkout-v41",
        "~ elb healthy [i-o1,i-o2,i-o3]",
        "Terminate i-n1 -1",
        "Terminate i-n2",
        "~ Terminated [i-n1,i-n2]",
      ],
    ],
    // Resuming the failed shift on a grown group: 2 of 6 → 3 of 6.
    [
      "partial",
      shift(50),
      50,
      ["SetDesired checkout-web=7", "~ in-service checkout-web>=3 on checkout-v42", "~ elb healthy>=7", "EnterStandby [i-o3] ~ Standby [i-o3]"],
    ],
    // The group was grown to 6 for the shift: rolling back keeps the four old instances and
    // terminates the new ones with a decrement, back to 4 (not six old ones).
    [
      "partial",
      { kind: "rollback" },
      0,
      [
        "Update checkout-web lc=checkout-v41",
        "~ in-service checkout-web>=4 on checkout-v41",
        "~ elb healthy [i-o1,i-o2,i-o3,i-o4]",
        "Terminate i-n1 -1",
        "Terminate i-n2 -1",
        "~ Terminated [i-n1,i-n2]",
      ],
    ],
  ])("%s + %o → new %i %%", (name, intent, after, expected) => {
    const p = planOf(planLaunchSwap(STATES[name], intent, reassert));
    expect(sig(p)).toEqual(expected);
    expect(p.after.greenPercent).toBe(after);
  });

  // A shift to 100 % stopped (a crash) right after growing the group to 8: rolling back drops the
  // capacity that never launched and terminates what did, so the group ends at its four old instances.
  it.each<[string, AppState, string[]]>([
    [
      "nothing launched yet",
      state(8, LC_NEW, OLD4, []),
      [
        "Update checkout-web lc=checkout-v41",
        "SetDesired checkout-web=4",
        "~ in-service checkout-web>=4 on checkout-v41",
        "~ elb healthy [i-o1,i-o2,i-o3,i-o4]",
      ],
    ],
    [
      "two of four new pending",
      state(8, LC_NEW, OLD4, ["i-n1@a:Pending", "i-n2@b:Pending"]),
      [
        "Update checkout-web lc=checkout-v41",
        "SetDesired checkout-web=6",
        "~ in-service checkout-web>=4 on checkout-v41",
        "~ elb healthy [i-o1,i-o2,i-o3,i-o4]",
        "Terminate i-n1 -1",
        "Terminate i-n2 -1",
        "~ Terminated [i-n1,i-n2]",
      ],
    ],
  ])("rolls back a shift stopped after growing the group (%s) to the old size", (_name, s, expected) => {
    expect(sig(planOf(planLaunchSwap(s, { kind: "rollback" }, ctx)))).toEqual(expected);
  });

  it("every non-idempotent call has a skipIf, step ids are unique", () => {
    for (const [name, s] of Object.entries(STATES)) {
      for (const intent of [shift(50), { kind: "promote" as const }, { kind: "rollback" as const }]) {
        const r = planLaunchSwap(s, intent, ctx);
        if (!r.ok) continue;
        const ids = r.plan.steps.map((x) => x.id);
        expect(new Set(ids).size, `${name} ${intent.kind}`).toBe(ids.length);
        for (const step of r.plan.steps) {
          if (step.call && ["EnterStandby", "ExitStandby", "TerminateInstanceInAutoScalingGroup"].includes(step.call.operation)) {
            expect(step.skipIf, step.id).toBeDefined();
          }
        }
      }
    }
  });
});

describe("planLaunchSwap with a launch template", () => {
  const OLD_LT: LaunchSpecView = { kind: "launch-template", id: "lt-0abc", name: "search-api", version: "1", resolvedVersion: "1" };
  const NEW_LT: LaunchSpecView = { kind: "launch-template", id: "lt-0abc", name: "search-api", version: "$Latest", resolvedVersion: "2" };
  const launches = { blue: OLD_LT, green: NEW_LT };

  it("sets the template version as configured and waits for instances on the version it resolves to", () => {
    const s = state(2, OLD_LT, ["i-o1@a", "i-o2@b"], [], { launches });
    const p = planOf(planLaunchSwap(s, shift(50), ctx));
    expect(sig(p)).toEqual([
      "Update checkout-web lt=lt-0abc:$Latest",
      "SetDesired checkout-web=3",
      "~ in-service checkout-web>=1 on lt-0abc:2",
      "~ elb healthy>=3",
      "EnterStandby [i-o1] ~ Standby [i-o1]",
    ]);
  });

  it("rolls back to the old version number", () => {
    const s = state(2, NEW_LT, ["i-o1@a:Standby", "i-o2@b:Standby"], ["i-n1@a", "i-n2@b"], { launches });
    const p = planOf(planLaunchSwap(s, { kind: "rollback" }, ctx));
    expect(sig(p).slice(0, 3)).toEqual([
      "Update checkout-web lt=lt-0abc:1",
      "ExitStandby [i-o1,i-o2] ~ InService [i-o1,i-o2]",
      "~ in-service checkout-web>=2 on lt-0abc:1",
    ]);
  });
});

describe("planLaunchSwap standby", () => {
  it.each<[StateName, Intent, number, string[]]>([
    ["mid", { kind: "standby-exit", color: "blue", instanceIds: ["i-o4"] }, 40, ["ExitStandby [i-o4] ~ InService [i-o4]", "~ elb healthy [i-o4]"]],
    ["mid", { kind: "standby-enter", color: "green", instanceIds: ["i-n1"] }, 33.33, ["EnterStandby [i-n1] ~ Standby [i-n1]"]],
    ["allOld", { kind: "standby-enter", color: "blue", instanceIds: ["i-o1", "i-o2"] }, 0, ["EnterStandby [i-o1,i-o2] ~ Standby [i-o1,i-o2]"]],
  ])("%s + %o", (name, intent, after, expected) => {
    const p = planOf(planLaunchSwap(STATES[name], intent, reassert));
    expect(sig(p)).toEqual(expected);
    expect(p.after.greenPercent).toBe(after);
  });
});

describe("planLaunchSwap refusals", () => {
  it.each<[string, AppState, Intent, RegExp]>([
    ["allOld", STATES.allOld, shift(40), /40 % is not reachable.*Nearest reachable: 25 % or 50 %/],
    ["mid", STATES.mid, shift(50), /already serve 50 %/],
    ["allNew", STATES.allNew, shift(100), /already serve 100 %/],
    ["promoted", STATES.promoted, { kind: "promote" }, /already serve 100 %/],
    ["promoted", STATES.promoted, shift(50), /only 0 old instance\(s\) are in Standby.*roll back/],
    ["MaxSize 6", state(4, LC_OLD, OLD4, [], { max: 6 }), shift(75), /needs MaxSize ≥ 7; checkout-web has MaxSize 6.*Reachable now: 0 %, 25 %, 50 %/],
    ["detached", state(4, LC_OLD, OLD4, [], { attachment: null }), shift(25), /not attached.*roll back to re-attach/],
    ["strays", state(4, LC_OLD, OLD4, [], { strays: ["i-x1@a"] }), shift(25), /i-x1.*neither the old nor the new/],
    ["empty", state(0, LC_OLD, [], []), { kind: "rollback" }, /desired capacity of 0/],
    ["allOld", STATES.allOld, { kind: "scale-green", capacity: 2 }, /does not apply/],
    ["allOld", STATES.allOld, { kind: "standby-enter", color: "blue" }, /no instance in service/],
    ["MinSize 4", state(4, LC_OLD, OLD4, [], { min: 4 }), { kind: "standby-enter", color: "blue", instanceIds: ["i-o1"] }, /MinSize 4.*at most 0/],
    ["MaxSize 6", state(4, LC_NEW, OLD4_STANDBY, NEW4, { max: 6 }), { kind: "standby-exit", color: "blue" }, /MaxSize 6 and desired 4: only 2/],
  ])("%s + %o is refused", (_label, s, intent, reason) => {
    const r = planLaunchSwap(s, intent, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it("never refuses a roll back because it looks done", () => {
    for (const s of Object.values(STATES)) expect(planLaunchSwap(s, { kind: "rollback" }, ctx).ok).toBe(true);
  });
});

describe("planLaunchSwap: rollback when every instance already runs the old launch", () => {
  it("plans no step and says so; a preempting rollback still re-asserts the old launch", () => {
    const p = planOf(planLaunchSwap(STATES.allOld, { kind: "rollback" }, ctx));
    expect(p.steps).toEqual([]);
    expect(p.nothingToDo?.headline).toBe(ALREADY_ON_BLUE);
    expect(p.nothingToDo?.detail).toMatch(/all 4 instances of checkout-web run/);
    expect(planOf(planLaunchSwap(STATES.allOld, { kind: "rollback" }, reassert)).steps.length).toBeGreaterThan(0);
  });

  it("is not 'on blue' while the group still launches the new version or new instances run", () => {
    expect(planOf(planLaunchSwap(state(4, LC_NEW, OLD4, []), { kind: "rollback" }, ctx)).nothingToDo).toBeUndefined();
    expect(planOf(planLaunchSwap(STATES.partial, { kind: "rollback" }, ctx)).nothingToDo).toBeUndefined();
  });
});
