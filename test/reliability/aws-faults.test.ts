/**
 * Operations under AWS API faults. For every pattern's demo application, a shift to 50 % (for
 * ecs-rolling the deploy of notifications:42) and then a rollback run through the real engine and
 * store (SQLite), with the product's SDK clients (standard retries for plan calls, adaptive ones
 * for wait polls, as lib/runtime wires them) over HTTP to a practice range on a manual clock that
 * the engine's pauses move (no real waiting but the SDK's own backoff and the injected latency).
 *
 * 1. While the range throttles 20 % and fails 10 % (HTTP 500) of every AWS request: an operation
 *    either succeeds, and the range read back through the SDK with faults cleared is where it
 *    said it would be, or fails with a message naming the step, the AWS operation and the error,
 *    on both the operation and the step, with the steps before it succeeded and the ones after it
 *    skipped; a rollback with faults cleared then brings blue back to 100 %. The attempts the
 *    journal counts for an operation's calls equal the requests the range received for them
 *    (throttled and failed ones included).
 * 2. While every AWS request is answered 2 s late: operations still complete, with their end state.
 * 3. ecs-rolling: a rollback whose rollout could not be followed (UpdateService went through, every
 *    DescribeServices then fails), then a second rollback planned from the journal, as the app
 *    plans it: it goes to the revision blue ran, not back to the deployed one.
 *
 * Each case gets its own range, seeded with the case's name, so the cases run side by side and
 * each range's fault dice meet one operation's requests at a time, always in the same order: the
 * run is the same every time. Plans are made with faults off for the same reason: observing reads
 * in parallel, and the order in which parallel requests arrive is not fixed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { Actor, Operation } from "@/lib/domain/operation";
import type { AwsCall, Plan } from "@/lib/domain/plan";
import { createClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import type { CrashScenario } from "@/test/support/engine/crash-harness";
import type { Engine } from "@/lib/engine/engine";
import type { SimFaults } from "@/range/world/state";
import type { TestRange } from "@/test/support/range";
import { openStore, type Store } from "@/lib/store/store";
import {
  ALB_WEIGHTED_CRASH,
  ASG_SWAP_CRASH,
  DNS_WEIGHTED_CRASH,
  ECS_DNS_SWAP_CRASH,
  ECS_ELB_SWAP_CRASH,
  ECS_ROLLING_CRASH,
  LAUNCH_SWAP_CRASH,
} from "./crash-scenarios";
import { createRangeEngine, startDemoRange, type CrashSuiteOptions } from "./crash-suite";

const operator: Actor = { id: "u-op", email: "operator@example.com", role: "operator" };
const responder: Actor = { id: "u-resp", email: "responder@example.com", role: "responder" };

type PatternCase = { pattern: string; options: CrashSuiteOptions };

const CASES: readonly PatternCase[] = [
  { pattern: "ecs-rolling", options: ECS_ROLLING_CRASH },
  { pattern: "ecs-elb-swap", options: ECS_ELB_SWAP_CRASH },
  { pattern: "launch-swap", options: LAUNCH_SWAP_CRASH },
  { pattern: "ecs-dns-swap", options: ECS_DNS_SWAP_CRASH },
  { pattern: "dns-weighted", options: DNS_WEIGHTED_CRASH },
  { pattern: "asg-swap", options: ASG_SWAP_CRASH },
  { pattern: "alb-weighted", options: ALB_WEIGHTED_CRASH },
];

const API_FAULTS = { throttleRate: 0.2, errorRate: 0.1 };

/**
 * Latency is paid in real time once per request, while the waits poll against the manual clock:
 * an operation's cost is its number of requests times the latency. The weight-shifting patterns
 * take a handful of requests per operation (a health check and one ModifyListener for
 * alb-weighted; one Route 53 change polled until INSYNC for dns-weighted); ecs-rolling polls its
 * rollout some 25 times and launch-swap makes about 20 requests per operation, which at 2 s each
 * would take close to a minute per operation. So the latency case runs on an ALB listener
 * (alb-weighted) and on Route 53 weighted records (dns-weighted), at 2 s per request.
 */
const LATENCY_MS = 2_000;
const LATENCY_CASES: readonly PatternCase[] = CASES.filter((c) => ["dns-weighted", "alb-weighted"].includes(c.pattern));

/**
 * What a clear failure under injected faults says: the AWS operation and the error the range
 * answered with (throttling or 500, in the service's own shape), as the SDK reported it.
 */
const INJECTED_FAULT_ERROR = /^[A-Z][A-Za-z0-9]+ failed: (Throttling|ThrottlingException|RequestLimitExceeded|InternalFailure|InternalError): \S.*$/;

/**
 * Every case at once: their time is spent waiting (the SDK's backoff after throttling, the
 * adaptive clients' rate limiter, injected latency), not computing, so eleven side by side take
 * about as long as the longest one; vitest would run five at a time.
 */
vi.setConfig({ maxConcurrency: 16 });

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "teal-aws-faults-"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** One pattern's world: its range (demo world, settled), a SQLite store and an engine on the range's clock. */
interface Lab {
  range: TestRange;
  store: Store;
  engine: Engine;
  scenario: CrashScenario;
  setFaults(faults: Partial<Pick<SimFaults, "throttleRate" | "errorRate" | "latencyMs" | "rules">> | null): Promise<void>;
  close(): Promise<void>;
}

async function openLab(name: string, options: CrashSuiteOptions): Promise<Lab> {
  // Seeded by name: its ids and fault dice are the same on every run, and differ between ranges.
  const ctx = await startDemoRange(options.rangeConfig ?? {}, options.settleMs, name);
  const { range } = ctx;
  const store = await openStore(`file:${join(dir, `${name}.db`)}`);
  // As lib/runtime wires it: plan calls on standard-retry clients, wait polls on adaptive ones.
  const polling = createClients({ region: "us-east-1", endpoint: range.url, retryMode: "adaptive" });
  const engine = createRangeEngine(range, store, createAwsGateway(ctx.clients, { polling }));
  return {
    range,
    store,
    engine,
    scenario: options.scenario(ctx),
    async setFaults(faults) {
      const res = await fetch(`${range.url}/_sim/faults`, faults === null ? { method: "DELETE" } : { method: "POST", body: JSON.stringify(faults) });
      expect(res.status, await res.text()).toBe(200);
    },
    async close() {
      await engine.whenIdle();
      await store.close();
      await range.close();
    },
  };
}

/** Plans a rollback as the app does: observe with what the app's latest operation in the journal tells it. */
async function rollbackPlanOf(lab: Lab, appId: string): Promise<Plan> {
  const [latest] = await lab.store.listOperations({ appId, limit: 1 });
  return lab.scenario.rollbackPlan(latest ?? null);
}

/** Requests the range has received for the plan's call operations (whatever it answered). */
function callRequests(range: TestRange, plan: Plan): number {
  return Object.values(callRequestsByOperation(range, plan)).reduce((a, b) => a + b, 0);
}

/** The same, per operation (for the message when the journal and the range disagree). */
function callRequestsByOperation(range: TestRange, plan: Plan): Record<string, number> {
  const keys = new Set(
    plan.steps
      .map((s) => s.call)
      .filter((c): c is AwsCall => c !== undefined)
      .map((c) => `${c.service}:${c.operation}`),
  );
  const counts: Record<string, number> = {};
  for (const key of keys) {
    const [service = "", operation = ""] = key.split(":");
    counts[key] = range.stats.services[service]?.operations[operation]?.count ?? 0;
  }
  return counts;
}

interface Run {
  op: Operation;
  calls: number;
  attempts: number;
  polls: number;
  /** Requests the range throttled or failed while the operation ran. */
  faulted: number;
  /** Real time the operation took, ms. */
  elapsedMs: number;
}

/** Runs `plan` through the engine to its end and checks the journal's attempts against the range. */
async function runOperation(lab: Lab, plan: Plan, actor: Actor, reason: string, label: string): Promise<Run> {
  const { range, engine, store } = lab;
  const before = callRequests(range, plan);
  const beforeByOperation = callRequestsByOperation(range, plan);
  const faultedBefore = range.stats.throttled + range.stats.injectedErrors;
  const started = performance.now();
  const { operationId } = await engine.start({ plan, actor, reason, preempt: plan.intent.kind === "rollback" });
  await engine.whenIdle(operationId);
  const elapsedMs = performance.now() - started;
  const op = await store.getOperation(operationId);
  if (op === null) throw new Error(`${label}: operation ${operationId} is not in the journal`);
  const sum = (field: "calls" | "attempts" | "polls") => op.steps.reduce((n, s) => n + (s.progress?.[field] ?? 0), 0);
  const run: Run = {
    op,
    calls: sum("calls"),
    attempts: sum("attempts"),
    polls: sum("polls"),
    faulted: range.stats.throttled + range.stats.injectedErrors - faultedBefore,
    elapsedMs,
  };
  // Every request sent for the plan's calls is one journaled attempt, and no more.
  const received = callRequests(range, plan) - before;
  if (run.attempts !== received) {
    // What each side counted, to find which call the two disagree on.
    const after = callRequestsByOperation(range, plan);
    const perOperation = Object.entries(after).map(([op, n]) => `${op} ${n - (beforeByOperation[op] ?? 0)}`);
    const perStep = op.steps.map((s) => `${s.id}: ${s.status} calls ${s.progress?.calls ?? 0} attempts ${s.progress?.attempts ?? 0}`);
    console.log(`${label}: the range received ${perOperation.join(", ")}; the journal: ${perStep.join("; ")}; ${op.status} ${op.error ?? ""}`);
  }
  expect(run.attempts, `${label}: journaled attempts vs requests the range received`).toBe(received);
  expect(run.attempts, label).toBeGreaterThanOrEqual(run.calls);
  expect(["succeeded", "failed"], `${label}: ${op.status} ${op.error ?? ""}`).toContain(op.status);
  expect(await store.getLock(plan.appId), `${label}: the lock is released`).toBeNull();
  return run;
}

/** A failed operation says which step failed and why, and the journal around that step is consistent. */
function expectClearFailure(op: Operation, label: string): string {
  expect(op.status, label).toBe("failed");
  const index = op.steps.findIndex((s) => s.status === "failed");
  const step = op.steps[index];
  if (step === undefined) throw new Error(`${label}: failed with no failed step (${op.error ?? "no error"})`);
  expect(
    op.steps.slice(0, index).map((s) => s.status),
    `${label}: steps before the failed one`,
  ).toEqual(op.steps.slice(0, index).map(() => "succeeded"));
  expect(
    op.steps.slice(index + 1).map((s) => s.status),
    `${label}: steps after the failed one`,
  ).toEqual(op.steps.slice(index + 1).map(() => "skipped"));
  // A call fails on the fault itself; a wait polls through transient faults until its timeout and
  // then names the last one.
  const timedOut = /^Timed out after \d+ s waiting for .+ \(last: (.+)\)\.$/.exec(step.error ?? "");
  expect(timedOut?.[1] ?? step.error, `${label}: the step's error`).toMatch(INJECTED_FAULT_ERROR);
  expect(step.progress?.lastError, label).toBe(step.error);
  expect(op.error, `${label}: the operation's error`).toBe(`Step ${index + 1} (${step.title}) failed: ${step.error ?? ""}`);
  return `step ${index + 1} "${step.id}": ${step.error ?? ""}`;
}

function describeRun(run: Run): string {
  return `${run.op.status} (calls ${run.calls}, attempts ${run.attempts}, polls ${run.polls}, faulted requests ${run.faulted}, ${(run.elapsedMs / 1000).toFixed(1)} s)`;
}

interface FaultResult {
  lines: string[];
  calls: number;
  attempts: number;
  faulted: number;
}

describe.concurrent("AWS API faults during operations", () => {
  describe(`${LATENCY_MS / 1000} s of latency on every AWS request`, () => {
    const lines: string[] = [];

    for (const { pattern, options } of LATENCY_CASES) {
      it(`${pattern}: the operation and its rollback complete with their end state`, { timeout: 90_000 }, async () => {
        const lab = await openLab(`latency-${pattern}`, options);
        try {
          const { scenario } = lab;
          const plan = await scenario.plan();
          await lab.setFaults({ latencyMs: LATENCY_MS });
          const shift = await runOperation(lab, plan, operator, "release 42", `${pattern} ${plan.intent.kind}, slow API`);
          await lab.setFaults(null);
          expect(shift.op.status, `${pattern}: ${shift.op.error ?? ""}`).toBe("succeeded");
          await scenario.expectDone(plan);

          const rollbackPlan = await rollbackPlanOf(lab, plan.appId);
          await lab.setFaults({ latencyMs: LATENCY_MS });
          const rollback = await runOperation(lab, rollbackPlan, responder, "back to blue", `${pattern} rollback, slow API`);
          await lab.setFaults(null);
          expect(rollback.op.status, `${pattern}: ${rollback.op.error ?? ""}`).toBe("succeeded");
          await scenario.expectRolledBack();

          // The latency was there: every call attempt and every poll is at least one slow request.
          for (const run of [shift, rollback]) {
            expect(run.elapsedMs, pattern).toBeGreaterThanOrEqual((run.attempts + run.polls) * LATENCY_MS - 50);
            expect(run.faulted, pattern).toBe(0);
          }
          lines.push(`${pattern}: ${plan.intent.kind} ${describeRun(shift)}; rollback ${describeRun(rollback)}`);
        } finally {
          await lab.close();
        }
      });
    }

    afterAll(() => {
      console.info([`[aws-faults] ${LATENCY_MS} ms latency per request:`, ...lines].join("\n"));
    });
  });

  describe("20 % throttling and 10 % 5xx on every AWS request", () => {
    const results = new Map<string, FaultResult>();

    for (const { pattern, options } of CASES) {
      it(
        `${pattern}: the operation and its rollback succeed with their end state, or fail clearly and a clean rollback restores blue`,
        { timeout: 90_000 },
        async () => {
          const lab = await openLab(`faults-${pattern}`, options);
          try {
            const { scenario } = lab;
            const lines: string[] = [];

            const plan = await scenario.plan();
            const kind = plan.intent.kind;
            expect(
              plan.steps.map((s) => s.id),
              `${pattern}: the operation starts from blue`,
            ).toEqual(options.expectedSteps);
            await lab.setFaults(API_FAULTS);
            const shift = await runOperation(lab, plan, operator, "release 42", `${pattern} ${kind}`);
            await lab.setFaults(null);
            if (shift.op.status === "succeeded") {
              expect(
                shift.op.steps.map((s) => s.status),
                pattern,
              ).toEqual(plan.steps.map(() => "succeeded"));
              await scenario.expectDone(plan);
            } else {
              lines.push(`    ${kind} failed at ${expectClearFailure(shift.op, `${pattern} ${kind}`)}`);
            }
            lines.unshift(`  ${kind}: ${describeRun(shift)}`);

            const rollbackPlan = await rollbackPlanOf(lab, plan.appId);
            await lab.setFaults(API_FAULTS);
            const rollback = await runOperation(lab, rollbackPlan, responder, "back to blue", `${pattern} rollback`);
            await lab.setFaults(null);
            lines.push(`  rollback: ${describeRun(rollback)}`);
            const runs = [shift, rollback];
            if (rollback.op.status === "succeeded") {
              await scenario.expectRolledBack();
            } else {
              lines.push(`    rollback failed at ${expectClearFailure(rollback.op, `${pattern} rollback`)}`);
              const again = await runOperation(
                lab,
                await rollbackPlanOf(lab, plan.appId),
                responder,
                "back to blue, faults gone",
                `${pattern} clean rollback`,
              );
              expect(again.op.status, `${pattern} clean rollback: ${again.op.error ?? ""}`).toBe("succeeded");
              await scenario.expectRolledBack();
              lines.push(`  clean rollback: ${describeRun(again)}`);
              runs.push(again);
            }
            const total = (f: (r: Run) => number) => runs.reduce((n, r) => n + f(r), 0);
            results.set(pattern, { lines, calls: total((r) => r.calls), attempts: total((r) => r.attempts), faulted: total((r) => r.faulted) });
          } finally {
            await lab.close();
          }
        },
      );
    }

    afterAll(() => {
      const done = CASES.filter((c) => results.has(c.pattern));
      const total = (f: (r: FaultResult) => number) => [...results.values()].reduce((n, r) => n + f(r), 0);
      console.info(
        [
          `[aws-faults] throttling 20 %, 5xx 10 %: calls ${total((r) => r.calls)}, attempts ${total((r) => r.attempts)}, requests faulted ${total((r) => r.faulted)}`,
          ...done.flatMap((c) => [c.pattern, ...(results.get(c.pattern)?.lines ?? [])]),
        ].join("\n"),
      );
      if (done.length === CASES.length) {
        // The dice landed, and the journal shows the retries they caused.
        expect(total((r) => r.faulted)).toBeGreaterThan(0);
        expect(total((r) => r.attempts)).toBeGreaterThan(total((r) => r.calls));
      }
    });
  });

  describe("ecs-rolling: a rollback whose rollout could not be followed, rolled back again", () => {
    for (const deployFails of [false, true]) {
      const deploy = deployFails ? "a deploy cut short the same way" : "a deploy that completed";
      it(`after ${deploy}, the second rollback goes to the revision blue ran (notifications:41)`, { timeout: 120_000 }, async () => {
        const lab = await openLab(`again-ecs-rolling-${String(deployFails)}`, ECS_ROLLING_CRASH);
        try {
          const { scenario } = lab;
          // UpdateService goes through; every DescribeServices after it answers 500, so the wait fails.
          const blind = { rules: [{ service: "ecs", operation: "DescribeServices", errorRate: 1 }] };
          const plan = await scenario.plan();
          if (deployFails) await lab.setFaults(blind);
          const first = await runOperation(lab, plan, operator, "release 42", "deploy");
          await lab.setFaults(null);
          if (deployFails) {
            expectClearFailure(first.op, "deploy");
          } else {
            expect(first.op.status, first.op.error ?? "").toBe("succeeded");
            await scenario.expectDone(plan);
          }

          const rollbackPlan = await rollbackPlanOf(lab, plan.appId);
          expect(rollbackPlan.after.taskDefinition).toBe("notifications:41");
          await lab.setFaults(blind);
          const rollback = await runOperation(lab, rollbackPlan, responder, "back to blue", "rollback");
          await lab.setFaults(null);
          expect(expectClearFailure(rollback.op, "rollback")).toMatch(/DescribeServices failed: InternalFailure/);
          expect(rollback.op.steps[0]?.progress, "the rollback's UpdateService went through").toMatchObject({ calls: 1, attempts: 1 });

          const again = await rollbackPlanOf(lab, plan.appId);
          expect(again.after.taskDefinition, again.summary).toBe("notifications:41");
          const second = await runOperation(lab, again, responder, "back to blue, again", "second rollback");
          expect(second.op.status, second.op.error ?? "").toBe("succeeded");
          await scenario.expectRolledBack();
        } finally {
          await lab.close();
        }
      });
    }
  });
});
