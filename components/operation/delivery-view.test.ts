import { describe, expect, it } from "vitest";
import { initialJudgeState, updateJudge, type JudgeConfig, type JudgeEvidence } from "@/lib/domain/judge/judge";
import type { Operation, OperationStep } from "@/lib/domain/operation";
import type { ProgressiveStepState } from "@/lib/domain/progressive";
import { deliveryView, metricFigures } from "./delivery-view";

const CONFIG: JudgeConfig = {
  alpha: 0.01,
  metrics: [
    { name: "errors", kind: "count", tolerance: 0.2, direction: "higher-is-worse" },
    { name: "latency", kind: "latency", toleranceMs: 100, statistic: "mean" },
  ],
};

/** The judge's real evidence after `minutes` minutes of green failing `greenErrorRate` of its requests against blue's 1 %. */
function evidenceAfter(minutes: number, greenErrorRate: number): JudgeEvidence {
  let state = initialJudgeState(CONFIG);
  let evidence: JudgeEvidence | null = null;
  for (let i = 0; i < minutes; i++) {
    const r = updateJudge(CONFIG, state, {
      errors: { greenRequests: 1000, greenEvents: Math.round(1000 * greenErrorRate), blueRequests: 9000, blueEvents: 90 },
      latency: { greenRequests: 1000, greenMs: 120, blueRequests: 9000, blueMs: 100 },
    });
    state = r.state;
    evidence = r.evidence;
  }
  if (!evidence) throw new Error("no minute judged");
  return evidence;
}

function step(
  id: string,
  title: string,
  status: OperationStep["status"],
  wait: OperationStep["wait"],
  progressive?: Partial<ProgressiveStepState>,
): OperationStep {
  return {
    index: 0,
    id,
    title,
    status,
    startedAt: null,
    finishedAt: null,
    output: null,
    error: null,
    ...(wait ? { wait } : {}),
    ...(progressive
      ? {
          progress: {
            calls: 0,
            attempts: 0,
            polls: 1,
            lastError: null,
            note: null,
            progressive: { kind: "traffic-share", trafficStep: 0, greenPercent: 10, signalSeq: 0, held: false, ...progressive },
          },
        }
      : {}),
  };
}

const REF = { namespace: "AWS/ELB", metricName: "RequestCount", dimensions: {}, stat: "Sum" };
const METRICS = { periodS: 60, requests: { blue: REF, green: REF }, errors: null, latency: null };

const trafficWait = (trafficStep: number, greenPercent: number): OperationStep["wait"] => ({
  kind: "traffic-share",
  trafficStep,
  greenPercent,
  tolerancePoints: 5,
  metrics: METRICS,
  timeoutMs: 60_000,
  pollMs: 1_000,
});

const bakeWait = (trafficStep: number, greenPercent: number): OperationStep["wait"] => ({
  kind: "progressive-bake",
  trafficStep,
  greenPercent,
  bakeMs: 300_000,
  judge: CONFIG,
  judgeLagPeriods: 2,
  metrics: METRICS,
  timeoutMs: 400_000,
  pollMs: 1_000,
});

const gateWait = (trafficStep: number, greenPercent: number): OperationStep["wait"] => ({
  kind: "progressive-gate",
  trafficStep,
  greenPercent,
  timeoutMs: 60_000,
  pollMs: 1_000,
});

function delivery(steps: OperationStep[], status: Operation["status"] = "running"): Operation {
  return {
    id: "op-1",
    appId: "shop",
    pattern: "dns-weighted",
    intent: { kind: "progressive", steps: [10, 50, 100], bakeSeconds: 300 } as unknown as Operation["intent"],
    summary: "Deliver green to shop: 10 % → 50 % → 100 %",
    status,
    actor: { id: "demo:operator", email: "operator@example.com", role: "operator" },
    reason: "release",
    createdAt: "2026-12-05T10:00:00.000Z",
    startedAt: "2026-12-05T10:00:00.000Z",
    finishedAt: null,
    error: null,
    steps: steps.map((s, index) => ({ ...s, index })),
  };
}

describe("deliveryView", () => {
  it("is null for an operation that is not a progressive delivery", () => {
    expect(deliveryView({ ...delivery([]), intent: { kind: "shift", greenPercent: 10 } })).toBeNull();
  });

  it("groups the plan's steps by traffic step: verified, baking with its clock and evidence, a gate not reached", () => {
    const evidence = evidenceAfter(3, 0.01);
    const op = delivery([
      step("step1-change-weights", "Step 1 of 3 (10 %): set the weights", "succeeded", undefined),
      step("step1-traffic", "Step 1 of 3 (10 %): verify", "succeeded", trafficWait(0, 10), {
        lastShare: { fromMs: 0, greenPercent: 9.8, blueRequests: 9020, greenRequests: 980 },
      }),
      step("step1-bake", "Step 1 of 3 (10 %): bake 5 min", "running", bakeWait(0, 10), {
        kind: "progressive-bake",
        bakedMs: 120_000,
        bakeMs: 300_000,
        evidence,
        verdict: evidence.verdict,
      }),
      step("step2-gate", "Step 2 of 3 (50 %): wait for an operator's approval", "pending", gateWait(1, 50)),
      step("step2-change-weights", "Step 2 of 3 (50 %): set the weights", "pending", undefined),
      step("step3-change-weights", "Step 3 of 3 (100 %): set the weights", "pending", undefined),
    ]);
    const view = deliveryView(op);
    expect(view?.steps.map((s) => [s.number, s.greenPercent, s.phase, s.manualGate])).toEqual([
      [1, 10, "baking", false],
      [2, 50, "pending", true],
      [3, 100, "pending", false],
    ]);
    expect(view?.steps[0]?.measuredShare?.greenPercent).toBe(9.8);
    expect(view?.steps[0]?.bake).toEqual({ bakedMs: 120_000, bakeMs: 300_000 });
    expect(view?.evidence).toBe(evidence);
    expect(view?.held).toBe(false);
  });

  it("shows a hold, a failed step with its error, and the judge's fail evidence", () => {
    const evidence = evidenceAfter(6, 0.3);
    expect(evidence.verdict).toBe("fail");
    const held = delivery([
      step("step1-change-weights", "Step 1 of 2 (10 %): set", "succeeded", undefined),
      {
        ...step("step1-bake", "Step 1 of 2 (10 %): bake", "running", bakeWait(0, 10), {
          kind: "progressive-bake",
          held: true,
          bakedMs: 30_000,
          bakeMs: 300_000,
        }),
      },
    ]);
    expect(deliveryView(held)?.held).toBe(true);
    const failed = delivery(
      [
        step("step1-change-weights", "Step 1 of 2 (10 %): set", "succeeded", undefined),
        {
          ...step("step1-bake", "Step 1 of 2 (10 %): bake", "failed", bakeWait(0, 10), { kind: "progressive-bake", evidence, verdict: "fail" }),
          error: "The release judge failed green: errors",
        },
        step("step2-change-weights", "Step 2 of 2 (100 %): set", "skipped", undefined),
      ],
      "failed",
    );
    const view = deliveryView(failed);
    expect(view?.steps.map((s) => s.phase)).toEqual(["failed", "skipped"]);
    expect(view?.steps[0]?.error).toMatch(/release judge/);
    expect(view?.evidence?.verdict).toBe("fail");
  });
});

describe("metricFigures", () => {
  it("puts each colour's error rate with its counts, green's ratio and the anytime-valid p-values in words", () => {
    const evidence = evidenceAfter(4, 0.03);
    const errors = evidence.metrics.find((m) => m.name === "errors");
    const latency = evidence.metrics.find((m) => m.name === "latency");
    if (!errors || !latency) throw new Error("both metrics are judged");
    const e = metricFigures(errors);
    expect(e.label).toBe("Errors per request");
    expect(e.blue).toBe("1.00 % (360 of 36000)");
    expect(e.green).toBe("3.00 % (120 of 4000)");
    expect(e.comparison).toBe("green ×3.00");
    expect(e.p).toMatch(/^fail \S+ · pass \S+$/);
    expect(metricFigures(latency).comparison).toBe("green +20 ms");
  });
});
