import { describe, expect, it } from "vitest";
import type { AppState } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import type { JsonObject } from "@/lib/domain/basics";
import type { Plan } from "@/lib/domain/plan";
import { albGreenShare, albWeightsFor, forwardOf, planAlbWeighted, withWeights } from "./alb-weighted";
import { ALREADY_ON_BLUE } from "./nothing-to-do";

const BLUE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/catalog-blue/0123456789abcdef";
const GREEN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/catalog-green/fedcba9876543210";
const CANARY = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/catalog-shadow/00000000000000aa";
const LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/catalog-alb/1111111111111111/2222222222222222";
const RULE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/catalog-alb/1111111111111111/2222222222222222/3333333333333333";

function forward(groups: [string, number][], stickiness?: { Enabled: boolean; DurationSeconds?: number }): JsonObject {
  const config: JsonObject = { TargetGroups: groups.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })) };
  if (stickiness) config.TargetGroupStickinessConfig = stickiness;
  return { Type: "forward", ForwardConfig: config };
}

interface StateOpts {
  actions?: JsonObject[];
  greenHealthy?: number;
  ruleArn?: string | null;
  arns?: { blue: string; green: string };
}

function state(blueWeight: number, greenWeight: number, opts: StateOpts = {}): AppState {
  const actions = opts.actions ?? [
    forward([
      [BLUE, blueWeight],
      [GREEN, greenWeight],
    ]),
  ];
  const fwd = forwardOf(actions);
  const sticky = fwd?.stickiness ?? null;
  const env = (color: "blue" | "green", healthy: number) => ({
    color,
    version: color === "blue" ? "v41" : "v42",
    loadBalancer: { kind: "target-group" as const, name: `catalog-${color}`, arn: color === "blue" ? BLUE : GREEN },
    healthy,
    unhealthy: 0,
    instances: [],
  });
  return {
    appId: "catalog-api",
    pattern: "alb-weighted",
    observedAt: "2026-11-26T00:00:00.000Z",
    environments: { blue: env("blue", 2), green: env("green", opts.greenHealthy ?? 2) },
    configured: { greenPercent: albGreenShare(blueWeight, greenWeight) },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    alb: {
      loadBalancerName: "catalog-alb",
      listenerArn: LISTENER,
      ruleArn: opts.ruleArn ?? null,
      weights: { blue: blueWeight, green: greenWeight },
      targetGroupArns: opts.arns ?? { blue: BLUE, green: GREEN },
      stickiness: sticky,
      actions,
    },
    granularityPercent: 1,
    version: "v",
  };
}

const ctx = { waitScale: 1 };
/** Plans every step even when AWS already is the end state (a rollback preempting an operation). */
const reassert = { waitScale: 1, reassert: true };

function plan(result: ReturnType<typeof planAlbWeighted>): Plan {
  if (!result.ok) throw new Error(`expected a plan, got: ${result.reason}`);
  return result.plan;
}

function sentActions(p: Plan): JsonObject[] {
  const call = p.steps.find((s) => s.id === "modify-weights")?.call;
  if (!call) throw new Error("no modify-weights step");
  return (call.input.DefaultActions ?? call.input.Actions) as JsonObject[];
}

function sentWeights(p: Plan): Record<string, number> {
  const fwd = forwardOf(sentActions(p));
  return Object.fromEntries((fwd?.targetGroups ?? []).map((g) => [g.arn, g.weight]));
}

describe("albWeightsFor / albGreenShare", () => {
  it("gives weights exact to 1 % for every whole percent, never both zero", () => {
    for (let pct = 0; pct <= 100; pct++) {
      const w = albWeightsFor(pct);
      expect(w.blue + w.green).toBe(100);
      expect(albGreenShare(w.blue, w.green)).toBe(pct);
    }
  });

  it("reads any weights as a share, and all-zero as no green", () => {
    expect(albGreenShare(500, 500)).toBe(50);
    expect(albGreenShare(999, 1)).toBeCloseTo(0.1);
    expect(albGreenShare(0, 0)).toBe(0);
  });
});

describe("forwardOf / withWeights", () => {
  it("reads a weighted forward with stickiness", () => {
    const fwd = forwardOf([
      forward(
        [
          [BLUE, 90],
          [GREEN, 10],
        ],
        { Enabled: true, DurationSeconds: 300 },
      ),
    ]);
    expect(fwd).toEqual({
      index: 0,
      targetGroups: [
        { arn: BLUE, weight: 90 },
        { arn: GREEN, weight: 10 },
      ],
      stickiness: { enabled: true, durationSeconds: 300 },
      simple: false,
    });
  });

  it("reads a plain TargetGroupArn forward as one group at weight 1, and finds no forward in a redirect", () => {
    expect(forwardOf([{ Type: "forward", TargetGroupArn: BLUE }])?.targetGroups).toEqual([{ arn: BLUE, weight: 1 }]);
    expect(forwardOf([{ Type: "redirect", RedirectConfig: { Protocol: "HTTPS", Port: "443", StatusCode: "HTTP_301" } }])).toBeNull();
  });

  it("changes only the two weights: other actions, other groups and stickiness are carried over exactly", () => {
    const auth: JsonObject = { Type: "authenticate-oidc", Order: 1, AuthenticateOidcConfig: { Issuer: "https://id.example.com" } };
    const fwd = forward(
      [
        [BLUE, 80],
        [CANARY, 5],
        [GREEN, 20],
      ],
      { Enabled: true, DurationSeconds: 600 },
    );
    fwd.Order = 2;
    const out = withWeights([auth, fwd], { blue: BLUE, green: GREEN }, { blue: 50, green: 50 });
    expect(out[0]).toEqual(auth);
    expect(out[1]).toEqual({
      Type: "forward",
      Order: 2,
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: BLUE, Weight: 50 },
          { TargetGroupArn: CANARY, Weight: 5 },
          { TargetGroupArn: GREEN, Weight: 50 },
        ],
        TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 600 },
      },
    });
  });

  it("turns a plain forward to blue into a ForwardConfig with both colours (dropping TargetGroupArn)", () => {
    const out = withWeights([{ Type: "forward", TargetGroupArn: BLUE }], { blue: BLUE, green: GREEN }, { blue: 90, green: 10 });
    expect(out).toEqual([
      {
        Type: "forward",
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE, Weight: 90 },
            { TargetGroupArn: GREEN, Weight: 10 },
          ],
        },
      },
    ]);
  });
});

describe("planAlbWeighted", () => {
  const sticky = [
    forward(
      [
        [BLUE, 100],
        [GREEN, 0],
      ],
      { Enabled: true, DurationSeconds: 300 },
    ),
  ];
  const partialPlain = [{ Type: "forward", TargetGroupArn: BLUE }];
  const greenMissing = [forward([[BLUE, 1]])];
  const bothZero = [
    forward([
      [BLUE, 0],
      [GREEN, 0],
    ]),
  ];
  it.each([
    { name: "all blue → 25 %", from: [100, 0], actions: undefined, intent: { kind: "shift", greenPercent: 25 }, blue: 75, green: 25 },
    { name: "all blue → 1 %", from: [100, 0], actions: undefined, intent: { kind: "shift", greenPercent: 1 }, blue: 99, green: 1 },
    { name: "mid-shift → 50 %", from: [75, 25], actions: undefined, intent: { kind: "shift", greenPercent: 50 }, blue: 50, green: 50 },
    { name: "mid-shift → 0 %", from: [75, 25], actions: undefined, intent: { kind: "shift", greenPercent: 0 }, blue: 100, green: 0 },
    { name: "mid-shift promote", from: [75, 25], actions: undefined, intent: { kind: "promote" }, blue: 0, green: 100 },
    { name: "all green promote (re-asserts)", from: [0, 100], actions: undefined, intent: { kind: "promote" }, blue: 0, green: 100 },
    { name: "all green rollback", from: [0, 100], actions: undefined, intent: { kind: "rollback" }, blue: 100, green: 0 },
    { name: "all blue rollback (re-asserts)", from: [100, 0], actions: undefined, intent: { kind: "rollback" }, blue: 100, green: 0 },
    { name: "non-normalised 500/500 → 30 %", from: [500, 500], actions: undefined, intent: { kind: "shift", greenPercent: 30 }, blue: 70, green: 30 },
    { name: "stickiness on → 10 %", from: [100, 0], actions: sticky, intent: { kind: "shift", greenPercent: 10 }, blue: 90, green: 10 },
    {
      name: "partial: plain forward to blue → 10 %",
      from: [1, 0],
      actions: partialPlain,
      intent: { kind: "shift", greenPercent: 10 },
      blue: 90,
      green: 10,
    },
    { name: "partial: green not listed → 5 %", from: [1, 0], actions: greenMissing, intent: { kind: "shift", greenPercent: 5 }, blue: 95, green: 5 },
    { name: "partial: both zero → rollback", from: [0, 0], actions: bothZero, intent: { kind: "rollback" }, blue: 100, green: 0 },
  ] as { name: string; from: number[]; actions: JsonObject[] | undefined; intent: Intent; blue: number; green: number }[])(
    "$name sets blue $blue / green $green",
    ({ from, actions, intent, blue, green }) => {
      const p = plan(planAlbWeighted(state(from[0] ?? 0, from[1] ?? 0, { actions }), intent, reassert));
      expect(sentWeights(p)).toEqual({ [BLUE]: blue, [GREEN]: green });
      expect(p.after.greenPercent).toBe(green);
      const last = p.steps.at(-1);
      expect(last?.call).toMatchObject({ service: "elbv2", operation: "ModifyListener", input: { ListenerArn: LISTENER } });
      if (green > 0) expect(p.steps[0]?.wait).toMatchObject({ kind: "tg-healthy", targetGroupArn: GREEN, minHealthy: 1 });
      else expect(p.steps.map((s) => s.id)).toEqual(["modify-weights"]);
    },
  );

  it("keeps stickiness on, and says that stuck clients lag", () => {
    const actions = [
      forward(
        [
          [BLUE, 50],
          [GREEN, 50],
        ],
        { Enabled: true, DurationSeconds: 300 },
      ),
    ];
    const p = plan(planAlbWeighted(state(50, 50, { actions }), { kind: "rollback" }, ctx));
    const cfg = sentActions(p)[0]?.ForwardConfig as JsonObject;
    expect(cfg.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 300 });
    expect(p.steps.at(-1)?.title).toMatch(/stickiness stays on \(300 s\).*stuck/);
  });

  it("sends ModifyRule with the rule's actions when the weights live on a rule", () => {
    const p = plan(planAlbWeighted(state(100, 0, { ruleArn: RULE }), { kind: "shift", greenPercent: 20 }, ctx));
    const call = p.steps.at(-1)?.call;
    expect(call?.operation).toBe("ModifyRule");
    expect(call?.input.RuleArn).toBe(RULE);
    expect(call?.input.DefaultActions).toBeUndefined();
    expect(sentWeights(p)).toEqual({ [BLUE]: 80, [GREEN]: 20 });
  });

  it("carries a third target group over with its weight and says so", () => {
    const actions = [
      forward([
        [BLUE, 100],
        [GREEN, 0],
        [CANARY, 3],
      ]),
    ];
    const p = plan(planAlbWeighted(state(100, 0, { actions }), { kind: "shift", greenPercent: 40 }, ctx));
    expect(sentWeights(p)).toEqual({ [BLUE]: 60, [GREEN]: 40, [CANARY]: 3 });
    expect(p.steps.at(-1)?.title).toMatch(/1 other target group keeps its weight/);
  });

  it.each([
    ["a share above 100", state(100, 0), { kind: "shift", greenPercent: 101 }, /whole number of percent/],
    ["a fractional share", state(100, 0), { kind: "shift", greenPercent: 12.5 }, /whole number of percent/],
    ["a share it already has", state(75, 25), { kind: "shift", greenPercent: 25 }, /already receives 25 %/],
    ["traffic to a green without healthy targets", state(100, 0, { greenHealthy: 0 }), { kind: "shift", greenPercent: 10 }, /no healthy target/],
    ["promoting a green without healthy targets", state(50, 50, { greenHealthy: 0 }), { kind: "promote" }, /no healthy target/],
    ["a standby intent", state(100, 0), { kind: "standby-enter", color: "blue" }, /does not apply/],
    ["scale-green", state(100, 0), { kind: "scale-green", capacity: 3 }, /does not apply/],
    [
      "a redirect instead of a forward",
      state(100, 0, { actions: [{ Type: "redirect", RedirectConfig: { StatusCode: "HTTP_301" } }] }),
      { kind: "rollback" },
      /does not forward/,
    ],
    [
      "a plain forward to another group",
      state(0, 0, { actions: [{ Type: "forward", TargetGroupArn: CANARY }] }),
      { kind: "shift", greenPercent: 10 },
      /neither blue's nor green's/,
    ],
    [
      "a sixth target group",
      state(1, 0, {
        actions: [
          forward([
            [BLUE, 1],
            [CANARY, 1],
            [`${CANARY}1`, 1],
            [`${CANARY}2`, 1],
            [`${CANARY}3`, 1],
          ]),
        ],
      }),
      { kind: "shift", greenPercent: 10 },
      /at most 5/,
    ],
    [
      "a missing green target group",
      state(100, 0, { arns: { blue: BLUE, green: "" } }),
      { kind: "shift", greenPercent: 10 },
      /green target group was not found/,
    ],
    ["one group for both colours", state(100, 0, { arns: { blue: BLUE, green: BLUE } }), { kind: "rollback" }, /same target group/],
  ] as [string, AppState, Intent, RegExp][])("refuses %s", (_name, s, intent, reason) => {
    const result = planAlbWeighted(s, intent, ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it("rolls back even when blue has no healthy target (it re-asserts blue)", () => {
    const s = state(0, 100);
    s.environments.blue.healthy = 0;
    expect(planAlbWeighted(s, { kind: "rollback" }, ctx).ok).toBe(true);
  });

  it("scales the health wait for a fast clock", () => {
    const p = plan(planAlbWeighted(state(100, 0), { kind: "shift", greenPercent: 10 }, { waitScale: 0.1 }));
    expect(p.steps[0]?.wait).toMatchObject({ timeoutMs: 6_000, pollMs: 500 });
  });

  it("is pure: same input, same plan, input untouched", () => {
    const s = state(100, 0);
    const copy = JSON.parse(JSON.stringify(s)) as AppState;
    expect(planAlbWeighted(s, { kind: "shift", greenPercent: 40 }, ctx)).toEqual(planAlbWeighted(s, { kind: "shift", greenPercent: 40 }, ctx));
    expect(s).toEqual(copy);
  });
});

describe("planAlbWeighted: rollback with every request already on blue", () => {
  it("plans no step and says so; a preempting rollback still re-asserts the weights", () => {
    const p = plan(planAlbWeighted(state(100, 0), { kind: "rollback" }, ctx));
    expect(p.steps).toEqual([]);
    expect(p.nothingToDo?.headline).toBe(ALREADY_ON_BLUE);
    expect(p.nothingToDo?.detail).toMatch(/blue 100 \/ green 0/);
    expect(plan(planAlbWeighted(state(100, 0), { kind: "rollback" }, reassert)).steps.map((s) => s.id)).toEqual(["modify-weights"]);
  });

  it("plans the call when green still has a weight", () => {
    expect(plan(planAlbWeighted(state(90, 10), { kind: "rollback" }, ctx)).steps.map((s) => s.id)).toEqual(["modify-weights"]);
  });
});
