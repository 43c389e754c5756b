import { describe, expect, it } from "vitest";
import type { AppState, InstanceView } from "./app-state";
import { baseState, CLASSIC_LB, group, inst, LC_NEW, LC_OLD } from "@/test/support/asg-common";
import { keptWarmOf } from "./kept-warm";

function asgSwap(blue: [number, string | null, string[]], green: [number, string | null, string[]], healthCheck = true): AppState {
  const instances = { blue: blue[2].map((s) => inst(s)), green: green[2].map((s) => inst(s)) };
  return baseState(
    "payments-api",
    "asg-swap",
    {
      loadBalancer: CLASSIC_LB,
      groups: { blue: group("payments-blue", blue[0], blue[1]), green: group("payments-green", green[0], green[1]) },
      ...(healthCheck ? { healthCheck: { intervalS: 10, healthyThreshold: 3 } } : {}),
    },
    instances,
    0,
    25,
  );
}

const BLUE4 = ["i-b1@a", "i-b2@b", "i-b3@a", "i-b4@b"];
const GREEN4 = ["i-g1@a", "i-g2@b", "i-g3@a", "i-g4@b"];

describe("keptWarmOf", () => {
  it("after a promote, blue's detached instances are kept warm and a rollback re-attaches them (~ HealthyThreshold × Interval)", () => {
    // The load balancer no longer registers them: health "unknown", 0 healthy — yet they run.
    const s = asgSwap([4, null, BLUE4], [4, "InService", GREEN4]);
    for (const i of s.environments.blue.instances) i.health = "unknown";
    s.environments.blue.healthy = 0;
    expect(keptWarmOf(s, "blue")).toEqual({
      count: 4,
      how: "detached",
      text: "4 instances running, detached from payments-lb",
      rollback:
        "A rollback re-attaches payments-blue to payments-lb — no launch: they take traffic once they pass 3 health checks 10 s apart (~30 s).",
      backInSeconds: 30,
    });
    expect(keptWarmOf(s, "green")).toBeNull();
  });

  it("counts blue's Standby instances of a detached group; says 'health check' when it was not read", () => {
    const s = asgSwap([2, "Removed", ["i-b1@a", "i-b2@b", "i-b3@a:Standby", "i-b4@b:Standby"]], [4, "InService", GREEN4], false);
    expect(keptWarmOf(s, "blue")).toMatchObject({
      count: 4,
      how: "detached",
      rollback:
        "A rollback re-attaches payments-blue to payments-lb and takes its Standby instances back — no launch: they take traffic once they pass the load balancer's health check.",
      backInSeconds: null,
    });
  });

  it("mid-shift, blue's Standby instances are kept warm; all on blue, nothing is", () => {
    const mid = asgSwap([2, "InService", ["i-b1@a", "i-b2@b", "i-b3@a:Standby", "i-b4@b:Standby"]], [2, "InService", ["i-g1@a", "i-g2@b"]]);
    expect(keptWarmOf(mid, "blue")).toMatchObject({ count: 2, how: "standby", backInSeconds: 30 });
    expect(keptWarmOf(asgSwap([4, "InService", BLUE4], [0, null, []]), "blue")).toBeNull();
    expect(keptWarmOf(asgSwap([4, "InService", BLUE4], [0, null, []]), "green")).toBeNull();
  });

  it("launch-swap: old instances in Standby until promote; none after it", () => {
    const old: InstanceView[] = ["i-o1@a", "i-o2@b", "i-o3@a:Standby", "i-o4@b:Standby"].map((x) => inst(x, "checkout-v41"));
    const neu: InstanceView[] = ["i-n1@a", "i-n2@b"].map((x) => inst(x, "checkout-v42"));
    const g = group("checkout-web", 4, "InService", { launch: LC_NEW });
    const s = baseState(
      "checkout-web",
      "launch-swap",
      { loadBalancer: CLASSIC_LB, groups: { blue: g, green: g }, launches: { blue: LC_OLD, green: LC_NEW } },
      { blue: old, green: neu },
      50,
      25,
    );
    expect(keptWarmOf(s, "blue")).toMatchObject({
      count: 2,
      how: "standby",
      rollback: "A rollback takes them out of Standby — no launch: they take traffic once they pass the load balancer's health check.",
    });
    const promoted = baseState(
      "checkout-web",
      "launch-swap",
      { loadBalancer: CLASSIC_LB, groups: { blue: g, green: g }, launches: { blue: LC_OLD, green: LC_NEW } },
      { blue: [], green: neu },
      100,
      25,
    );
    expect(keptWarmOf(promoted, "blue")).toBeNull();
  });
});
