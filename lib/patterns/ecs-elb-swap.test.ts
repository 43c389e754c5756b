import { describe, expect, it } from "vitest";
import type { AppState, EcsServiceView, EnvironmentState } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { Intent } from "@/lib/domain/intent";
import type { Plan, Step } from "@/lib/domain/plan";
import { ecsElbGranularity, greenTasksFor, planEcsElbSwap, taskBudget, taskShare } from "./ecs-elb-swap";
import { ALREADY_ON_BLUE } from "./nothing-to-do";

const TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/orders/0123456789abcdef";
const TG_GREEN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/orders-green/fedcba9876543210";

interface Colour {
  desired: number;
  running?: number;
  healthy?: number;
  failed?: boolean;
}

function service(color: Color, c: Colour): EcsServiceView {
  const td = color === "blue" ? "orders:41" : "orders:42";
  const running = c.running ?? c.desired;
  return {
    cluster: "prod",
    service: `orders-${color}`,
    taskDefinition: td,
    desired: c.desired,
    running,
    pending: Math.max(0, c.desired - running),
    deployments: [
      {
        id: `ecs-svc/${color}`,
        status: "PRIMARY",
        taskDefinition: td,
        desired: c.desired,
        pending: 0,
        running,
        failed: c.failed ? 3 : 0,
        rolloutState: c.failed ? "FAILED" : "COMPLETED",
        rolloutStateReason: c.failed ? "ECS deployment circuit breaker: tasks failed to start." : null,
        createdAt: null,
        updatedAt: null,
      },
    ],
    events: [],
    circuitBreaker: { enabled: true, rollback: true },
  };
}

function env(color: Color, c: Colour, budget: number | undefined, tgArn: string): EnvironmentState {
  const ecs = service(color, c);
  return {
    color,
    version: color === "blue" ? "v41" : "v42",
    loadBalancer: { kind: "target-group", name: tgArn === TG ? "orders" : "orders-green", arn: tgArn },
    healthy: c.healthy ?? ecs.running,
    unhealthy: 0,
    instances: [],
    capacity: {
      desired: c.desired,
      inService: ecs.running,
      pending: ecs.pending,
      standby: 0,
      min: 0,
      ...(budget === undefined ? {} : { max: budget }),
    },
    ecs,
  };
}

function state(blue: Colour, green: Colour, opts: { budget?: number | null; greenTg?: string } = {}): AppState {
  const budget = opts.budget === null ? undefined : (opts.budget ?? 4);
  const b = env("blue", blue, budget, TG);
  const g = env("green", green, budget, opts.greenTg ?? TG);
  const running = (b.ecs?.running ?? 0) + (g.ecs?.running ?? 0);
  return {
    appId: "orders-service",
    pattern: "ecs-elb-swap",
    observedAt: "2026-11-26T00:00:00.000Z",
    environments: { blue: b, green: g },
    configured: { greenPercent: taskShare(g.ecs?.running ?? 0, running) },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    granularityPercent: 25,
    version: "v",
  };
}

const ctx = { waitScale: 1 };
/** Plans every step even when AWS already is the end state (a rollback preempting an operation). */
const reassert = { waitScale: 1, reassert: true };

function plan(result: ReturnType<typeof planEcsElbSwap>): Plan {
  if (!result.ok) throw new Error(`expected a plan, got: ${result.reason}`);
  return result.plan;
}

/** The steps as "id:service=desired" / "id:healthy>=n", in order. */
function outline(p: Plan): string[] {
  return p.steps.map((s: Step) => {
    if (s.call) return `${s.id}:${String(s.call.input.service)}=${String(s.call.input.desiredCount)}`;
    if (s.wait?.kind === "tg-healthy") return `${s.id}:healthy>=${s.wait.minHealthy}`;
    return s.id;
  });
}

describe("task shares", () => {
  it.each([
    [25, 4, 1],
    [50, 4, 2],
    [100, 4, 4],
    [0, 4, 0],
    [33, 3, 1],
    [67, 3, 2],
    [10, 10, 1],
  ])("green %i %% of %i tasks is %i tasks", (pct, total, k) => {
    expect(greenTasksFor(pct, total)).toBe(k);
  });

  it.each([
    [10, 4, /not reachable with 4 tasks \(one task = 25 %\): the nearest are 0 % \(0 tasks\) and 25 % \(1 task\)/],
    [30, 4, /nearest are 25 % \(1 task\) and 50 % \(2 tasks\)/],
    [50, 3, /nearest are 33.33 % \(1 task\) and 66.67 % \(2 tasks\)/],
  ])("refuses %i %% with %i tasks, naming the nearest shares", (pct, total, reason) => {
    expect(greenTasksFor(pct, total)).toMatch(reason);
  });

  it("snaps the slider to one task", () => {
    expect(ecsElbGranularity(4)).toBe(25);
    expect(ecsElbGranularity(3)).toBe(33.33);
    expect(ecsElbGranularity(0)).toBe(100);
  });

  it("takes the budget from capacity.max, else from both desired counts", () => {
    expect(taskBudget(state({ desired: 4 }, { desired: 2 }))).toBe(4);
    expect(taskBudget(state({ desired: 4 }, { desired: 2 }, { budget: null }))).toBe(6);
  });
});

describe("planEcsElbSwap", () => {
  it.each([
    {
      name: "all blue → 50 %: raise green, wait healthy, lower blue",
      blue: { desired: 4 },
      green: { desired: 0 },
      intent: { kind: "shift", greenPercent: 50 },
      steps: ["raise-green:orders-green=2", "check-healthy:healthy>=6", "lower-blue:orders-blue=2"],
      after: 50,
    },
    {
      name: "all blue → 25 %",
      blue: { desired: 4 },
      green: { desired: 0 },
      intent: { kind: "shift", greenPercent: 25 },
      steps: ["raise-green:orders-green=1", "check-healthy:healthy>=5", "lower-blue:orders-blue=3"],
      after: 25,
    },
    {
      name: "mid-shift → 100 % (promote)",
      blue: { desired: 2 },
      green: { desired: 2 },
      intent: { kind: "promote" },
      steps: ["raise-green:orders-green=4", "check-healthy:healthy>=6", "lower-blue:orders-blue=0"],
      after: 100,
    },
    {
      name: "mid-shift → 25 %: raise blue first, then lower green",
      blue: { desired: 2 },
      green: { desired: 2 },
      intent: { kind: "shift", greenPercent: 25 },
      steps: ["raise-blue:orders-blue=3", "check-healthy:healthy>=5", "lower-green:orders-green=1"],
      after: 25,
    },
    {
      name: "mid-shift rollback",
      blue: { desired: 2 },
      green: { desired: 2 },
      intent: { kind: "rollback" },
      steps: ["raise-blue:orders-blue=4", "check-healthy:healthy>=6", "lower-green:orders-green=0"],
      after: 0,
    },
    {
      name: "all green rollback: blue back and healthy, then green to 0",
      blue: { desired: 0 },
      green: { desired: 4 },
      intent: { kind: "rollback" },
      steps: ["raise-blue:orders-blue=4", "check-healthy:healthy>=8", "lower-green:orders-green=0"],
      after: 0,
    },
    {
      name: "all blue rollback re-asserts blue 4 and green 0",
      blue: { desired: 4 },
      green: { desired: 0 },
      intent: { kind: "rollback" },
      steps: ["raise-blue:orders-blue=4", "check-healthy:healthy>=4", "lower-green:orders-green=0"],
      after: 0,
    },
    {
      name: "scale-green 3 of 4 from all blue",
      blue: { desired: 4 },
      green: { desired: 0 },
      intent: { kind: "scale-green", capacity: 3 },
      steps: ["raise-green:orders-green=3", "check-healthy:healthy>=7", "lower-blue:orders-blue=1"],
      after: 75,
    },
    {
      name: "partial (crash after raising green to 2): only lower blue, after checking health",
      blue: { desired: 4 },
      green: { desired: 2 },
      intent: { kind: "shift", greenPercent: 50 },
      steps: ["check-healthy:healthy>=6", "lower-blue:orders-blue=2"],
      after: 50,
    },
    {
      name: "partial (green asked for 2, one still starting): wait for green again before lowering blue",
      blue: { desired: 4 },
      green: { desired: 2, running: 1 },
      intent: { kind: "shift", greenPercent: 50 },
      steps: ["raise-green:orders-green=2", "check-healthy:healthy>=6", "lower-blue:orders-blue=2"],
      after: 50,
    },
    {
      name: "partial rollback (blue 4, green 2 left over)",
      blue: { desired: 4 },
      green: { desired: 2 },
      intent: { kind: "rollback" },
      steps: ["raise-blue:orders-blue=4", "check-healthy:healthy>=6", "lower-green:orders-green=0"],
      after: 0,
    },
    {
      name: "one unhealthy blue task lowers what the health check waits for",
      blue: { desired: 4, healthy: 3 },
      green: { desired: 0 },
      intent: { kind: "shift", greenPercent: 50 },
      steps: ["raise-green:orders-green=2", "check-healthy:healthy>=5", "lower-blue:orders-blue=2"],
      after: 50,
    },
  ] as { name: string; blue: Colour; green: Colour; intent: Intent; steps: string[]; after: number }[])(
    "$name",
    ({ blue, green, intent, steps, after }) => {
      const p = plan(planEcsElbSwap(state(blue, green), intent, reassert));
      expect(outline(p)).toEqual(steps);
      expect(p.after.greenPercent).toBe(after);
      for (const s of p.steps.filter((x) => x.call)) {
        expect(s.call).toMatchObject({ service: "ecs", operation: "UpdateService", input: { cluster: "prod" } });
        expect(s.wait).toMatchObject({ kind: "ecs-steady", cluster: "prod", service: s.call?.input.service });
      }
      const health = p.steps.find((s) => s.id === "check-healthy")?.wait;
      expect(health).toMatchObject({ kind: "tg-healthy", targetGroupArn: TG });
    },
  );

  it("never touches task definitions: only desired counts change", () => {
    const p = plan(planEcsElbSwap(state({ desired: 4 }, { desired: 0 }), { kind: "promote" }, ctx));
    for (const s of p.steps) if (s.call) expect(Object.keys(s.call.input).sort()).toEqual(["cluster", "desiredCount", "service"]);
  });

  it.each([
    ["an unreachable share", state({ desired: 4 }, { desired: 0 }), { kind: "shift", greenPercent: 10 }, /not reachable with 4 tasks/],
    ["a share it already has", state({ desired: 2 }, { desired: 2 }), { kind: "shift", greenPercent: 50 }, /already runs 2 of 4 tasks \(50 %\)/],
    ["promoting what is already promoted", state({ desired: 0 }, { desired: 4 }), { kind: "promote" }, /already runs 4 of 4/],
    ["a share outside 0–100", state({ desired: 4 }, { desired: 0 }), { kind: "shift", greenPercent: 120 }, /whole number of percent/],
    ["more green tasks than the budget", state({ desired: 4 }, { desired: 0 }), { kind: "scale-green", capacity: 5 }, /at most 4 tasks/],
    ["a negative task count", state({ desired: 4 }, { desired: 0 }), { kind: "scale-green", capacity: -1 }, /whole number, 0 or more/],
    ["an empty budget", state({ desired: 0 }, { desired: 0 }, { budget: null }), { kind: "shift", greenPercent: 50 }, /no task budget/],
    [
      "giving tasks to a green whose deployment failed",
      state({ desired: 4 }, { desired: 0, failed: true }),
      { kind: "shift", greenPercent: 25 },
      /deployment of orders:42 failed/,
    ],
    [
      "two target groups (the ALB would split by weights)",
      state({ desired: 4 }, { desired: 0 }, { greenTg: TG_GREEN }),
      { kind: "rollback" },
      /different target groups/,
    ],
    ["a standby intent", state({ desired: 4 }, { desired: 0 }), { kind: "standby-enter", color: "blue" }, /does not apply/],
  ] as [string, AppState, Intent, RegExp][])("refuses %s", (_name, s, intent, reason) => {
    const result = planEcsElbSwap(s, intent, ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it("rolls back even when green's deployment failed", () => {
    const p = plan(planEcsElbSwap(state({ desired: 2 }, { desired: 2, failed: true }), { kind: "rollback" }, ctx));
    expect(outline(p)).toEqual(["raise-blue:orders-blue=4", "check-healthy:healthy>=6", "lower-green:orders-green=0"]);
  });

  it("snaps a 3-task budget: 33 % is one task", () => {
    const p = plan(planEcsElbSwap(state({ desired: 3 }, { desired: 0 }, { budget: 3 }), { kind: "shift", greenPercent: 33 }, ctx));
    expect(outline(p)).toEqual(["raise-green:orders-green=1", "check-healthy:healthy>=4", "lower-blue:orders-blue=2"]);
    expect(p.after.greenPercent).toBe(33.33);
  });

  it("scales waits for a fast clock", () => {
    const p = plan(planEcsElbSwap(state({ desired: 4 }, { desired: 0 }), { kind: "shift", greenPercent: 50 }, { waitScale: 0.01 }));
    expect(p.steps[0]?.wait).toMatchObject({ timeoutMs: 9_000, pollMs: 100 });
  });

  it("is pure: same input, same plan, input untouched", () => {
    const s = state({ desired: 4 }, { desired: 0 });
    const copy = JSON.parse(JSON.stringify(s)) as AppState;
    expect(planEcsElbSwap(s, { kind: "shift", greenPercent: 75 }, ctx)).toEqual(planEcsElbSwap(s, { kind: "shift", greenPercent: 75 }, ctx));
    expect(s).toEqual(copy);
  });
});

describe("planEcsElbSwap: rollback with every task already on blue", () => {
  it("plans no step and says so; a preempting rollback still re-asserts both counts", () => {
    const p = plan(planEcsElbSwap(state({ desired: 4 }, { desired: 0 }), { kind: "rollback" }, ctx));
    expect(p.steps).toEqual([]);
    expect(p.nothingToDo?.headline).toBe(ALREADY_ON_BLUE);
    expect(p.nothingToDo?.detail).toMatch(/runs 4 of 4 tasks, green's .* none/);
    expect(plan(planEcsElbSwap(state({ desired: 4 }, { desired: 0 }), { kind: "rollback" }, reassert)).steps.length).toBeGreaterThan(0);
  });

  it("is not 'on blue' while blue runs fewer tasks than it wants", () => {
    expect(plan(planEcsElbSwap(state({ desired: 4, running: 3 }, { desired: 0 }), { kind: "rollback" }, ctx)).nothingToDo).toBeUndefined();
  });
});
