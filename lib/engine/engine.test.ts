import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/domain/app-error";
import type { Actor } from "@/lib/domain/operation";
import type { AuditAction } from "@/lib/domain/audit-actions";
import type { JsonValue } from "@/lib/domain/basics";
import type { Plan, Step } from "@/lib/domain/plan";
import type { Store } from "@/lib/store/store";
import { DIALECTS, openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";
import { createEngine, type Engine, type EngineOptions } from "./engine";
import { FakeGateway } from "@/test/support/engine/fake-gateway";
import { rollbackToBluePlan } from "@/test/support/engine/plans";

const operator: Actor = { id: "u-op", email: "operator@example.com", role: "operator" };
const responder: Actor = { id: "u-resp", email: "responder@example.com", role: "responder" };

const T0 = Date.parse("2025-03-01T10:00:00.000Z");

function shiftSteps(route53TimeoutMs = 3_600_000): Step[] {
  return [
    {
      id: "change-weights",
      title: "Set weights blue 75 / green 25",
      call: { service: "route53", operation: "ChangeResourceRecordSets", input: { HostedZoneId: "Z1", Comment: "shift" } },
      wait: { kind: "route53-change-insync", timeoutMs: route53TimeoutMs, pollMs: 2_000 },
    },
    {
      id: "register-green",
      title: "Register green instances",
      call: {
        service: "elb",
        operation: "RegisterInstancesWithLoadBalancer",
        input: { LoadBalancerName: "shop-elb", Instances: [{ InstanceId: "i-g1" }] },
      },
    },
    {
      id: "wait-green",
      title: "Wait for green in service",
      wait: { kind: "elb-in-service", loadBalancerName: "shop-elb", minInService: 1, timeoutMs: 600_000, pollMs: 5_000 },
    },
    {
      id: "deregister-blue",
      title: "Deregister blue instances",
      call: {
        service: "elb",
        operation: "DeregisterInstancesFromLoadBalancer",
        input: { LoadBalancerName: "shop-elb", Instances: [{ InstanceId: "i-b1" }] },
      },
    },
  ];
}

function shiftPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    appId: "shop",
    pattern: "dns-weighted",
    intent: { kind: "shift", greenPercent: 25 },
    summary: "Shift green from 0 % to 25 %",
    before: { greenPercent: 0 },
    after: { greenPercent: 25 },
    steps: shiftSteps(),
    ...overrides,
  };
}

const rollbackPlan = (): Plan => rollbackToBluePlan("shop");

/** The Route 53 fake: each change gets an id naming its comment; only the rollback's change ever syncs when `stuck`. */
function route53(gateway: FakeGateway, stuck: boolean): void {
  gateway.respond("ChangeResourceRecordSets", (call) => ({ ChangeInfo: { Id: `/change/${String(call.input.Comment)}`, Status: "PENDING" } }));
  gateway.checkWith((wait, output) => {
    if (wait.kind !== "route53-change-insync" || !stuck) return { done: true, detail: "ok" };
    const done = JSON.stringify(output).includes("rollback");
    return { done, detail: done ? "INSYNC" : "PENDING" };
  });
}

afterAll(async () => {
  await stopTestCluster();
});

describe.each(DIALECTS)("engine on %s", (dialect) => {
  let t: TestStore;
  let store: Store;
  let clock: number;
  let sleeps: number[];
  let errors: string[];
  let gateway: FakeGateway;
  let engine: Engine;

  function makeEngine(overrides: Partial<EngineOptions> = {}): Engine {
    return createEngine({
      store,
      gateway,
      now: () => clock,
      // Fake time passes instantly, but each pause yields to the event loop like a real timer.
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
      leaseMs: 30_000,
      stopWaitMs: 5_000,
      logError: (message) => errors.push(message),
      ...overrides,
    });
  }

  /** Operation-level audit actions, oldest first (step outcomes are checked with `stepActions`). */
  async function auditActions(operationId?: string): Promise<AuditAction[]> {
    const rows = await store.listAudit(operationId ? { operationId } : {});
    return rows
      .reverse()
      .map((r) => r.action)
      .filter((a) => !a.startsWith("step."));
  }

  /** Step-outcome audit entries of one operation, oldest first, as "action step-id". */
  async function stepActions(operationId: string): Promise<string[]> {
    const rows = await store.listAudit({ operationId, action: ["step.succeeded", "step.failed", "step.skipped"] });
    return rows.reverse().map((r) => {
      const after = r.after && typeof r.after === "object" && !Array.isArray(r.after) ? r.after : {};
      return `${r.action} ${String(after.step)}`;
    });
  }

  beforeEach(async () => {
    clock = T0;
    sleeps = [];
    errors = [];
    t = await openTestStore(dialect, { now: () => clock });
    store = t.store;
    gateway = new FakeGateway();
    engine = makeEngine();
  });

  afterEach(async () => {
    await engine.whenIdle();
    await t.cleanup();
  });

  it("journals the operation and every step before running anything, then each step before and after", async () => {
    route53(gateway, false);
    const first = gateway.gate("ChangeResourceRecordSets");
    const journalAtRegister: unknown[] = [];
    gateway.respond("RegisterInstancesWithLoadBalancer", async () => {
      const op = await store.getOperation(operationId);
      journalAtRegister.push(op?.steps.map((s) => [s.status, s.output]));
      return { Instances: [{ InstanceId: "i-g1" }] };
    });

    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await first.reached;
    const early = await store.getOperation(operationId);
    expect(early).toMatchObject({ status: "running", appId: "shop", actor: operator, reason: "release 42", summary: "Shift green from 0 % to 25 %" });
    expect(early?.steps.map((s) => s.status)).toEqual(["running", "pending", "pending", "pending"]);
    expect((await store.getLock("shop"))?.holder).toBe(operationId);
    expect(await auditActions()).toEqual(["operation.started"]);
    expect(engine.isRunningHere(operationId)).toBe(true);

    first.release();
    await engine.whenIdle(operationId);

    expect(journalAtRegister).toEqual([
      [
        ["succeeded", { ChangeInfo: { Id: "/change/shift", Status: "PENDING" } }],
        ["running", null],
        ["pending", null],
        ["pending", null],
      ],
    ]);
    const done = await store.getOperation(operationId);
    expect(done).toMatchObject({ status: "succeeded", error: null, startedAt: new Date(T0).toISOString() });
    expect(done?.finishedAt).not.toBeNull();
    expect(done?.steps.every((s) => s.status === "succeeded" && s.startedAt !== null && s.finishedAt !== null)).toBe(true);
    expect(done?.steps[1]?.output).toEqual({ Instances: [{ InstanceId: "i-g1" }] });
    expect(gateway.operations()).toEqual(["ChangeResourceRecordSets", "RegisterInstancesWithLoadBalancer", "DeregisterInstancesFromLoadBalancer"]);
    // The wait got the output of its own step's call.
    expect(gateway.checks[0]?.output).toEqual({ ChangeInfo: { Id: "/change/shift", Status: "PENDING" } });
    expect(await store.getLock("shop")).toBeNull();
    expect(engine.isRunningHere(operationId)).toBe(false);

    expect(await auditActions()).toEqual(["operation.started", "traffic.shifted", "operation.succeeded"]);
    expect(await stepActions(operationId)).toEqual([
      "step.succeeded change-weights",
      "step.succeeded register-green",
      "step.succeeded wait-green",
      "step.succeeded deregister-blue",
    ]);
    const [succeeded, shifted] = await store.listAudit({ action: ["traffic.shifted", "operation.succeeded"] });
    expect(shifted).toMatchObject({
      actor: operator,
      appId: "shop",
      operationId,
      reason: "release 42",
      before: { greenPercent: 0 },
      after: { greenPercent: 25 },
    });
    expect(succeeded?.operationId).toBe(operationId);
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
  });

  it("records the change an operation made by its kind: a standby, a scale-up or a deploy is not a traffic shift", async () => {
    const cases: { intent: Plan["intent"]; action: AuditAction }[] = [
      { intent: { kind: "promote" }, action: "traffic.promoted" },
      { intent: { kind: "standby-enter", color: "blue" }, action: "standby.entered" },
      { intent: { kind: "standby-exit", color: "blue" }, action: "standby.exited" },
      { intent: { kind: "scale-green", capacity: 4 }, action: "capacity.scaled" },
      { intent: { kind: "deploy-revision", taskDefinition: "web:42" }, action: "revision.deployed" },
    ];
    engine = makeEngine();
    gateway.respond("EnterStandby", () => ({ Activities: [] }));
    for (const { intent, action } of cases) {
      const step: Step = {
        id: "change",
        title: "Change",
        call: { service: "autoscaling", operation: "EnterStandby", input: { AutoScalingGroupName: "shop-blue" } },
      };
      const { operationId } = await engine.start({ plan: shiftPlan({ intent, steps: [step] }), actor: operator, reason: `a ${intent.kind}` });
      await engine.whenIdle(operationId);
      expect(await auditActions(operationId), intent.kind).toEqual(["operation.started", action, "operation.succeeded"]);
    }
    expect(await store.listAudit({ action: "traffic.shifted" })).toEqual([]);
  });

  it("a rollback may start without a reason and keeps none; any other operation must say why", async () => {
    engine = makeEngine();
    route53(gateway, false);
    await expect(engine.start({ plan: shiftPlan(), actor: operator, reason: "  " })).rejects.toMatchObject({ code: "invalid" });
    const { operationId } = await engine.start({ plan: rollbackPlan(), actor: operator, reason: "" });
    await engine.whenIdle(operationId);
    expect(await store.getOperation(operationId)).toMatchObject({ status: "succeeded", reason: "" });
  });

  it("fails the operation on a failing call, skips the rest and releases the lock", async () => {
    route53(gateway, false);
    gateway.fail(
      "RegisterInstancesWithLoadBalancer",
      () =>
        new AppError(
          "throttled",
          "AWS is throttling requests; try again in a minute.",
          "Throttling: Rate exceeded for arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/shop-elb",
        ),
    );
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await engine.whenIdle(operationId);

    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("failed");
    expect(op?.error).toBe("Step 2 (Register green instances) failed: AWS is throttling requests; try again in a minute.");
    expect(op?.steps.map((s) => s.status)).toEqual(["succeeded", "failed", "skipped", "skipped"]);
    expect(op?.steps[1]?.error).toBe("AWS is throttling requests; try again in a minute.");
    expect(gateway.operations()).not.toContain("DeregisterInstancesFromLoadBalancer");
    expect(await store.getLock("shop")).toBeNull();
    expect(await auditActions()).toEqual(["operation.started", "operation.failed"]);
    // The lock is free for the next attempt.
    gateway.fail("RegisterInstancesWithLoadBalancer", () => new AppError("conflict", "still failing"));
    const again = await engine.start({ plan: shiftPlan(), actor: operator, reason: "retry" });
    await engine.whenIdle(again.operationId);
  });

  it("never shows raw error text from an unexpected failure", async () => {
    route53(gateway, false);
    gateway.fail("RegisterInstancesWithLoadBalancer", () => new Error("AccessDenied: User arn:aws:iam::123456789012:user/ci is not authorized"));
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await engine.whenIdle(operationId);
    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("failed");
    expect(JSON.stringify(op)).not.toContain("123456789012");
    expect(op?.error).toMatch(/Unexpected internal error/);
    expect(errors.some((e) => e.includes("register-green"))).toBe(true);
  });

  it("fails a wait that times out, with backoff between polls", async () => {
    route53(gateway, true);
    const { operationId } = await engine.start({ plan: shiftPlan({ steps: shiftSteps(120_000) }), actor: operator, reason: "release 42" });
    await engine.whenIdle(operationId);

    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("failed");
    expect(op?.steps[0]?.error).toBe("Timed out after 120 s waiting for Route 53 to report the change INSYNC (last: PENDING).");
    expect(op?.error).toContain("Timed out after 120 s");
    expect(op?.steps.map((s) => s.status)).toEqual(["failed", "skipped", "skipped", "skipped"]);
    // 2 s, growing by half each time, capped at 4 × the poll interval; the last pause ends at the deadline.
    expect(sleeps.slice(0, 6)).toEqual([2_000, 3_000, 4_500, 6_750, 8_000, 8_000]);
    expect(Math.max(...sleeps)).toBe(8_000);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(120_000);
    expect(gateway.checks.length).toBe(sleeps.length + 1);
    expect(await store.getLock("shop")).toBeNull();
  });

  it("polls until the condition holds and tolerates a throttled poll", async () => {
    gateway.checkWith((wait, _output, attempt) => {
      if (wait.kind !== "route53-change-insync") return { done: true, detail: "ok" };
      if (attempt === 1) throw new AppError("throttled", "AWS is throttling requests.");
      return { done: attempt >= 3, detail: attempt >= 3 ? "INSYNC" : "PENDING" };
    });
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await engine.whenIdle(operationId);
    expect((await store.getOperation(operationId))?.status).toBe("succeeded");
    expect(sleeps.slice(0, 2)).toEqual([2_000, 3_000]);
  });

  it("keeps polling through a 5xx and an endpoint that did not answer, and records the last error", async () => {
    gateway.checkWith((wait, _output, attempt) => {
      if (wait.kind !== "route53-change-insync") return { done: true, detail: "ok" };
      if (attempt === 1)
        throw new AppError("aws_error", "GetChange failed: InternalFailure: oops (AWS service error; safe to retry)", undefined, { transient: true });
      if (attempt === 2)
        throw new AppError(
          "aws_error",
          "GetChange failed: the AWS endpoint did not answer in time (network or endpoint down; safe to retry)",
          undefined,
          { transient: true },
        );
      return { done: true, detail: "INSYNC" };
    });
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await engine.whenIdle(operationId);
    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("succeeded");
    const waited = op?.steps.find((s) => s.wait?.kind === "route53-change-insync");
    expect(waited?.progress).toMatchObject({ polls: 3, lastError: expect.stringContaining("did not answer in time") });
  });

  it("fails a wait that only ever sees transient errors at its timeout, naming the last one", async () => {
    gateway.checkWith((wait) => {
      if (wait.kind !== "route53-change-insync") return { done: true, detail: "ok" };
      throw new AppError("aws_error", "GetChange failed: InternalFailure: oops (AWS service error; safe to retry)", undefined, { transient: true });
    });
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await engine.whenIdle(operationId);
    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("failed");
    expect(op?.error).toMatch(/Timed out after .* \(last: GetChange failed: InternalFailure: oops/);
  });

  it("fails a wait whose poll errors for another reason", async () => {
    gateway.checkWith(() => {
      throw new AppError("not_found", "The Route 53 change no longer exists.");
    });
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await engine.whenIdle(operationId);
    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("failed");
    expect(op?.steps[0]?.error).toBe("The Route 53 change no longer exists.");
  });

  it("renews the lease while a long wait runs", async () => {
    const leases: number[] = [];
    gateway.checkWith(async (wait, _output, attempt) => {
      if (wait.kind !== "route53-change-insync") return { done: true, detail: "ok" };
      const lock = await store.getLock("shop");
      leases.push(Date.parse(lock?.leaseExpiresAt ?? "") - clock);
      return { done: attempt >= 20, detail: "PENDING" };
    });
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await engine.whenIdle(operationId);
    expect((await store.getOperation(operationId))?.status).toBe("succeeded");
    expect(clock - T0).toBeGreaterThan(100_000);
    // The lease never ran out while the operation ran.
    expect(Math.min(...leases)).toBeGreaterThan(0);
  });

  it("stops when another server takes over the lock", async () => {
    gateway.checkWith(async (wait, _output, attempt) => {
      if (attempt === 2 && wait.kind === "route53-change-insync") {
        // Simulates a takeover after a lapsed lease.
        expect(await store.tryAcquireLock("shop", "intruder", 30_000, clock + 60_000)).toBe(true);
      }
      return { done: false, detail: "PENDING" };
    });
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await engine.whenIdle(operationId);
    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("failed");
    expect(op?.error).toMatch(/another server took over/);
    expect(op?.steps.map((s) => s.status)).toEqual(["failed", "skipped", "skipped", "skipped"]);
    expect((await store.getLock("shop"))?.holder).toBe("intruder");
  });

  it("aborts between steps: the running step finishes, the rest never run", async () => {
    route53(gateway, false);
    const register = gateway.gate("RegisterInstancesWithLoadBalancer");
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await register.reached;
    const aborting = engine.abort(operationId, responder, "error rate climbing");
    register.release();
    await aborting;

    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("aborted");
    expect(op?.error).toBe("Aborted by responder@example.com.");
    expect(op?.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded", "skipped", "skipped"]);
    expect(gateway.operations()).toEqual(["ChangeResourceRecordSets", "RegisterInstancesWithLoadBalancer"]);
    expect(await store.getLock("shop")).toBeNull();
    expect(await auditActions()).toEqual(["operation.started", "operation.aborted"]);
    const [aborted] = await store.listAudit();
    expect(aborted).toMatchObject({ actor: responder, reason: "error rate climbing", operationId });
  });

  it("aborts a wait in progress at its next poll", async () => {
    route53(gateway, true);
    const poll = gateway.gate("check:route53-change-insync");
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await poll.reached;
    poll.release();
    await engine.abort(operationId, responder);

    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("aborted");
    expect(op?.steps[0]).toMatchObject({ status: "failed", error: "Aborted by responder@example.com." });
    expect(op?.steps.slice(1).map((s) => s.status)).toEqual(["skipped", "skipped", "skipped"]);
    expect(gateway.operations()).toEqual(["ChangeResourceRecordSets"]);
    expect(await store.getLock("shop")).toBeNull();
    // With no reason given, the audit keeps the operation's own.
    expect((await store.listAudit({ action: "operation.aborted" }))[0]?.reason).toBe("release 42");
  });

  it("refuses to abort an unknown or finished operation", async () => {
    await expect(engine.abort("nope", responder)).rejects.toMatchObject({ code: "not_found" });
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await engine.whenIdle(operationId);
    await expect(engine.abort(operationId, responder)).rejects.toMatchObject({ code: "conflict" });
  });

  it("aborts an operation another server is running: that server stops at its next poll", async () => {
    route53(gateway, true);
    const poll = gateway.gate("check:route53-change-insync");
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await poll.reached;
    poll.release();
    const otherServer = makeEngine({ gateway: new FakeGateway() });
    await otherServer.abort(operationId, responder, "stop it");
    await engine.whenIdle(operationId);

    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("aborted");
    expect(op?.steps[0]?.error).toMatch(/marked aborted elsewhere/);
    expect(await store.getLock("shop")).toBeNull();
    expect(await auditActions()).toEqual(["operation.started", "operation.aborted"]);
  });

  it("refuses a second start while an operation runs, and journals nothing for it", async () => {
    route53(gateway, false);
    const first = gateway.gate("ChangeResourceRecordSets");
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await first.reached;

    const second = engine.start({ plan: shiftPlan({ summary: "Shift green from 0 % to 50 %" }), actor: responder, reason: "me too" });
    await expect(second).rejects.toBeInstanceOf(AppError);
    await expect(second).rejects.toMatchObject({
      code: "conflict",
      userMessage: "Another operation is running on shop: Shift green from 0 % to 25 % (started by operator@example.com).",
    });
    // Another application is not blocked.
    const other = await engine.start({ plan: shiftPlan({ appId: "blog" }), actor: operator, reason: "blog release" });

    first.release();
    await engine.whenIdle();
    expect((await store.listOperations({ appId: "shop" })).map((o) => o.id)).toEqual([operationId]);
    expect((await store.getOperation(other.operationId))?.status).toBe("succeeded");
  });

  it("rollback preempts a running shift and runs at once", async () => {
    route53(gateway, true);
    const poll = gateway.gate("check:route53-change-insync");
    const shift = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await poll.reached;
    poll.release();

    const rollback = await engine.start({ plan: rollbackPlan(), actor: responder, reason: "5xx on green", preempt: true });
    const shiftOp = await store.getOperation(shift.operationId);
    expect(shiftOp?.status).toBe("preempted");
    expect(shiftOp?.error).toBe("Preempted by Roll back: all traffic to blue (started by responder@example.com).");
    expect(engine.isRunningHere(shift.operationId)).toBe(false);
    await engine.whenIdle(rollback.operationId);

    expect((await store.getOperation(shift.operationId))?.steps.map((s) => s.status)).toEqual(["failed", "skipped", "skipped", "skipped"]);
    const rb = await store.getOperation(rollback.operationId);
    expect(rb?.status).toBe("succeeded");
    expect(gateway.calls.map((c) => c.input.Comment ?? c.operation)).toEqual(["shift", "rollback"]);
    expect(await store.getLock("shop")).toBeNull();
    expect(await auditActions()).toEqual([
      "operation.started",
      "operation.preempted",
      "operation.started",
      "rollback.started",
      "rollback.completed",
      "operation.succeeded",
    ]);
    const [preempted] = await store.listAudit({ action: "operation.preempted" });
    expect(preempted).toMatchObject({
      actor: responder,
      operationId: shift.operationId,
      reason: "5xx on green",
      after: { status: "preempted", preemptedBy: rollback.operationId },
    });
  });

  it("rollback cancels the shift's call in flight, answers without waiting for it, and waits out a late landing, setting blue back", async () => {
    // The gateway's calls can be in flight at most 30 s (the real one says so from its clients).
    engine = makeEngine({ inFlightBoundMs: 30_000 });
    route53(gateway, false);
    const held = gateway.gate("ChangeResourceRecordSets");
    const shift = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await held.reached;
    // The rollback's change knows what it establishes; the first look finds a late change landed.
    const plan = rollbackPlan();
    const holds = {
      kind: "route53-weights" as const,
      hostedZoneId: "Z1",
      recordName: "shop.example.com.",
      recordType: "CNAME",
      weights: { blue: 100, green: 0 },
      timeoutMs: 60_000,
      pollMs: 2_000,
    };
    const withHolds: Plan = { ...plan, steps: plan.steps.map((s) => ({ ...s, holds })) };
    let looks = 0;
    gateway.checkWith((wait) => {
      if (wait.kind !== "route53-weights") return { done: true, detail: "ok" };
      looks++;
      return looks === 1
        ? { done: false, detail: "shop.example.com. weights are blue 60 / green 40, not blue 100 / green 0" }
        : { done: true, detail: "blue 100 / green 0" };
    });
    const clicked = Date.now();
    const rollback = await engine.start({ plan: withHolds, actor: responder, reason: "5xx on green", preempt: true });
    // Answered at once: stopWaitMs (5 s here) is not spent on the held call, which is cancelled.
    expect(Date.now() - clicked).toBeLessThan(1_000);
    const preemptedAt = clock;
    expect(gateway.signals[0]?.aborted).toBe(true);
    held.release();
    await engine.whenIdle();

    const shiftOp = await store.getOperation(shift.operationId);
    expect(shiftOp?.status).toBe("preempted");
    expect(shiftOp?.steps[0]?.error).toBe("Preempted by Roll back: all traffic to blue (started by responder@example.com).");
    const rb = await store.getOperation(rollback.operationId);
    expect(rb?.status).toBe("succeeded");
    expect(rb?.steps.map((s) => s.id)).toEqual(["weights-to-blue", "settle-preempted-calls"]);
    const settle = rb?.steps[1];
    expect(settle?.wait).toMatchObject({
      kind: "preempted-calls-settled",
      untilMs: preemptedAt + 30_000,
      boundMs: 30_000,
      checks: [{ step: 0, holds }],
    });
    expect(settle?.progress).toMatchObject({ calls: 1, note: expect.stringMatching(/^Settled at .*; AWS moved and was set back once$/) });
    // Not reported settled before the bound had passed since the preemption.
    expect(Date.parse(rb?.finishedAt ?? "")).toBeGreaterThanOrEqual(preemptedAt + 30_000);
    expect(gateway.calls.map((c) => c.input.Comment)).toEqual(["shift", "rollback", "rollback"]);
    expect(await store.getLock("shop")).toBeNull();
  });

  it("rollback of an operation with no call in flight adds no settle step", async () => {
    engine = makeEngine({ inFlightBoundMs: 30_000 });
    route53(gateway, true);
    const poll = gateway.gate("check:route53-change-insync");
    await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await poll.reached;
    // The shift sleeps between polls of its wait: no call of it is on the wire.
    poll.release();
    const rollback = await engine.start({ plan: rollbackPlan(), actor: responder, reason: "5xx on green", preempt: true });
    await engine.whenIdle();
    const rb = await store.getOperation(rollback.operationId);
    expect(rb?.status).toBe("succeeded");
    expect(rb?.steps.map((s) => s.id)).toEqual(["weights-to-blue"]);
  });

  it("rollback takes over a lock held by an operation of a dead server", async () => {
    route53(gateway, false);
    const ghost = await store.createOperation({ ...shiftPlan(), id: "ghost-op", actor: operator, reason: "release 41" });
    await store.updateOperation(ghost.id, { status: "running" });
    expect(await store.tryAcquireLock("shop", ghost.id, 30_000, clock)).toBe(true);

    await expect(engine.start({ plan: shiftPlan(), actor: operator, reason: "again" })).rejects.toMatchObject({ code: "conflict" });
    const rollback = await engine.start({ plan: rollbackPlan(), actor: responder, reason: "undo", preempt: true });
    expect((await store.getOperation("ghost-op"))?.status).toBe("preempted");
    await engine.whenIdle(rollback.operationId);
    expect((await store.getOperation(rollback.operationId))?.status).toBe("succeeded");
    expect(await store.getLock("shop")).toBeNull();
  });

  it("takes over a lock left behind by an operation that has already ended", async () => {
    const stale = await store.createOperation({ ...shiftPlan(), id: "stale-op", actor: operator, reason: "old" });
    await store.updateOperation(stale.id, { status: "succeeded" });
    await store.tryAcquireLock("shop", stale.id, 30_000, clock);
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await engine.whenIdle(operationId);
    expect((await store.getOperation(operationId))?.status).toBe("succeeded");
  });

  it("recovers operations a crash left running, leaving other servers' live ones alone", async () => {
    const input = { ...shiftPlan(), actor: operator, reason: "release 42" };
    const crashed = await store.createOperation({ ...input, id: "crashed" });
    await store.updateOperation(crashed.id, { status: "running" });
    await store.updateStep(crashed.id, 0, { status: "succeeded", output: { ChangeInfo: { Id: "/change/C1" } } });
    await store.updateStep(crashed.id, 1, { status: "running" });
    await store.tryAcquireLock("shop", crashed.id, 30_000, clock - 120_000);
    await store.createOperation({ ...input, appId: "blog", id: "pending" });
    const live = await store.createOperation({ ...input, appId: "api", id: "live" });
    await store.updateOperation(live.id, { status: "running" });
    await store.tryAcquireLock("api", live.id, 30_000, clock);

    const recovered = await engine.recoverInterrupted();
    expect(recovered.map((o) => o.id).sort()).toEqual(["crashed", "pending"]);
    expect((await store.getOperation("crashed"))?.status).toBe("interrupted");
    expect(await store.getLock("shop")).toBeNull();
    expect((await store.getOperation("live"))?.status).toBe("running");
    expect((await store.getLock("api"))?.holder).toBe("live");
    const audits = await store.listAudit({ action: "operation.interrupted" });
    expect(audits).toHaveLength(2);
    expect(audits.find((a) => a.operationId === "crashed")?.after).toEqual({
      status: "interrupted",
      stepsSucceeded: 1,
      inFlightStep: "register-green",
    });

    // An interrupted operation no longer blocks its application, and can be aborted.
    await engine.abort("crashed", responder, "will roll back instead");
    expect((await store.getOperation("crashed"))?.status).toBe("aborted");
    const next = await engine.start({ plan: shiftPlan(), actor: operator, reason: "retry" });
    await engine.whenIdle(next.operationId);
    expect(await engine.recoverInterrupted()).toEqual([]);
  });

  it("validates before taking the lock or journaling", async () => {
    const bad: [Plan, string, RegExp][] = [
      [shiftPlan({ steps: [] }), "why", /no steps/],
      [shiftPlan(), "   ", /reason/],
      [
        shiftPlan({
          steps: [
            { id: "a", title: "A", call: { service: "elb", operation: "X", input: {} } },
            { id: "a", title: "B", call: { service: "elb", operation: "Y", input: {} } },
          ],
        }),
        "why",
        /appears twice/,
      ],
      [shiftPlan({ steps: [{ id: "a", title: "Nothing" }] }), "why", /call or a wait/],
      [
        shiftPlan({
          steps: [{ id: "a", title: "A", wait: { kind: "elb-in-service", loadBalancerName: "x", minInService: 1, timeoutMs: 0, pollMs: 1_000 } }],
        }),
        "why",
        /timeoutMs/,
      ],
      [shiftPlan({ appId: "" }), "why", /appId/],
    ];
    for (const [plan, reason, message] of bad) {
      const attempt = engine.start({ plan, actor: operator, reason });
      await expect(attempt).rejects.toMatchObject({ code: "invalid" });
      await expect(attempt).rejects.toSatisfy((e: AppError) => message.test(e.userMessage));
    }
    await expect(engine.start({ plan: shiftPlan(), actor: { ...operator, role: "root" as Actor["role"] }, reason: "x" })).rejects.toMatchObject({
      code: "invalid",
    });
    expect(await store.listOperations()).toEqual([]);
    expect(await store.getLock("shop")).toBeNull();
    expect(gateway.calls).toEqual([]);
  });

  describe("skipIf", () => {
    const standbySkip = {
      kind: "asg-instances-state" as const,
      groupName: "shop-asg",
      instanceIds: ["i-b1"],
      lifecycleState: "Standby",
      timeoutMs: 60_000,
      pollMs: 1_000,
    };

    function standbyPlan(): Plan {
      return shiftPlan({
        steps: [
          {
            id: "enter-standby",
            title: "Put blue into Standby",
            call: {
              service: "autoscaling",
              operation: "EnterStandby",
              input: { AutoScalingGroupName: "shop-asg", InstanceIds: ["i-b1"], ShouldDecrementDesiredCapacity: true },
            },
            skipIf: standbySkip,
            wait: { ...standbySkip, timeoutMs: 120_000 },
          },
        ],
      });
    }

    it("skips the call when the condition already holds, journals why, and still waits", async () => {
      gateway.checkWith(() => ({ done: true, detail: "1 of 1 instances Standby in shop-asg" }));
      const { operationId } = await engine.start({ plan: standbyPlan(), actor: operator, reason: "standby" });
      await engine.whenIdle(operationId);
      const op = await store.getOperation(operationId);
      expect(op?.status).toBe("succeeded");
      expect(gateway.calls).toEqual([]);
      // One check of skipIf, one poll of the wait.
      expect(gateway.checks.map((c) => c.wait.kind)).toEqual(["asg-instances-state", "asg-instances-state"]);
      expect(op?.steps[0]).toMatchObject({
        status: "succeeded",
        skipIf: standbySkip,
        progress: { calls: 0, attempts: 0, polls: 2, note: "skipped: already done" },
      });
      expect(await stepActions(operationId)).toEqual(["step.skipped enter-standby", "step.succeeded enter-standby"]);
    });

    it("makes the call when the condition does not hold", async () => {
      gateway.checkWith((_wait, _output, attempt) => ({ done: attempt >= 3, detail: `poll ${attempt}` }));
      const { operationId } = await engine.start({ plan: standbyPlan(), actor: operator, reason: "standby" });
      await engine.whenIdle(operationId);
      const op = await store.getOperation(operationId);
      expect(op?.status).toBe("succeeded");
      expect(gateway.operations()).toEqual(["EnterStandby"]);
      expect(op?.steps[0]?.progress).toEqual({ calls: 1, attempts: 1, polls: 3, lastError: null, note: null });
      expect(await stepActions(operationId)).toEqual(["step.succeeded enter-standby"]);
    });

    it("fails the step without calling when the check itself fails", async () => {
      gateway.checkWith(() => {
        throw new AppError("not_found", "Auto Scaling group shop-asg does not exist");
      });
      const { operationId } = await engine.start({ plan: standbyPlan(), actor: operator, reason: "standby" });
      await engine.whenIdle(operationId);
      const op = await store.getOperation(operationId);
      expect(op?.status).toBe("failed");
      expect(gateway.calls).toEqual([]);
      expect(op?.steps[0]).toMatchObject({ status: "failed", error: "Auto Scaling group shop-asg does not exist" });
      expect(op?.steps[0]?.progress?.lastError).toBe("Auto Scaling group shop-asg does not exist");
    });

    it("checks again after a throttled or 5xx check, then calls; a check that keeps failing fails the step uncalled", async () => {
      gateway.checkWith((_wait, _output, attempt) => {
        if (attempt === 1) throw new AppError("throttled", "DescribeAutoScalingGroups failed: Throttling: Rate exceeded");
        if (attempt === 2)
          throw new AppError("aws_error", "DescribeAutoScalingGroups failed: InternalFailure: x (AWS service error; safe to retry)", undefined, {
            transient: true,
          });
        return { done: attempt >= 4, detail: `poll ${attempt}` };
      });
      const { operationId } = await engine.start({ plan: standbyPlan(), actor: operator, reason: "standby" });
      await engine.whenIdle(operationId);
      const op = await store.getOperation(operationId);
      expect(op?.status).toBe("succeeded");
      expect(gateway.operations()).toEqual(["EnterStandby"]);
      expect(op?.steps[0]?.progress).toMatchObject({ calls: 1, polls: 4 });

      gateway.checkWith(() => {
        throw new AppError("throttled", "DescribeAutoScalingGroups failed: Throttling: Rate exceeded");
      });
      const again = await engine.start({ plan: standbyPlan(), actor: operator, reason: "standby" });
      await engine.whenIdle(again.operationId);
      const failed = await store.getOperation(again.operationId);
      expect(failed?.status).toBe("failed");
      expect(gateway.operations()).toEqual(["EnterStandby"]);
      expect(failed?.steps[0]).toMatchObject({
        status: "failed",
        error: "DescribeAutoScalingGroups failed: Throttling: Rate exceeded",
        progress: { calls: 0, polls: 5 },
      });
    });
  });

  it("sends a call refused as busy or throttled again after a pause; other refusals and the last attempt fail the step", async () => {
    route53(gateway, false);
    let refusals = 2;
    gateway.respond("RegisterInstancesWithLoadBalancer", () => {
      // Decided by the AWS error's name as the SDK reports it (Auto Scaling's modelled `…Fault`), not by the text.
      if (refusals-- > 0)
        throw new AppError("conflict", "RegisterInstancesWithLoadBalancer failed: ResourceContentionFault: busy", undefined, {
          awsName: "ResourceContentionFault",
        });
      return {};
    });
    const ok = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await engine.whenIdle(ok.operationId);
    const done = await store.getOperation(ok.operationId);
    expect(done?.status).toBe("succeeded");
    expect(done?.steps[1]?.progress).toMatchObject({
      calls: 1,
      attempts: 3,
      lastError: "RegisterInstancesWithLoadBalancer failed: ResourceContentionFault: busy",
    });
    expect(sleeps.slice(0, 2)).toEqual([2_000, 4_000]);

    // Throttled every time: five attempts, then the step fails with the reason.
    sleeps = [];
    gateway.fail(
      "DeregisterInstancesFromLoadBalancer",
      () => new AppError("throttled", "DeregisterInstancesFromLoadBalancer failed: Throttling: Rate exceeded"),
    );
    const throttled = await engine.start({ plan: shiftPlan(), actor: operator, reason: "again" });
    await engine.whenIdle(throttled.operationId);
    const failed = await store.getOperation(throttled.operationId);
    expect(failed?.status).toBe("failed");
    expect(failed?.error).toBe("Step 4 (Deregister blue instances) failed: DeregisterInstancesFromLoadBalancer failed: Throttling: Rate exceeded");
    expect(failed?.steps[3]?.progress).toMatchObject({ calls: 1, attempts: 5 });
    expect(sleeps).toEqual([2_000, 4_000, 8_000, 16_000]);
  });

  it("journals per step the calls, the SDK's attempts, the polls and the last error", async () => {
    route53(gateway, false);
    gateway.attempts("ChangeResourceRecordSets", 3).attempts("RegisterInstancesWithLoadBalancer", 2);
    gateway.checkWith((wait, _output, attempt) => {
      if (wait.kind !== "elb-in-service") return { done: true, detail: "INSYNC" };
      if (attempt === 2) throw new AppError("throttled", "DescribeInstanceHealth failed: Throttling: Rate exceeded");
      return { done: attempt >= 4, detail: `${attempt >= 4 ? 1 : 0} of 1 instances InService behind shop-elb` };
    });
    const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await engine.whenIdle(operationId);
    const op = await store.getOperation(operationId);
    expect(op?.status).toBe("succeeded");
    expect(op?.steps.map((s) => s.progress)).toEqual([
      { calls: 1, attempts: 3, polls: 1, lastError: null, note: null },
      { calls: 1, attempts: 2, polls: 0, lastError: null, note: null },
      { calls: 0, attempts: 0, polls: 4, lastError: "DescribeInstanceHealth failed: Throttling: Rate exceeded", note: null },
      { calls: 1, attempts: 1, polls: 0, lastError: null, note: null },
    ]);
    const [first] = await store.listAudit({ action: "step.succeeded", operationId, limit: 1000 }).then((r) => r.reverse());
    expect(first?.after).toMatchObject({ step: "change-weights", calls: 1, attempts: 3, polls: 1 });
  });

  it("names what it waited for and what it last saw when a wait times out", async () => {
    gateway.checkWith(() => ({ done: false, detail: "2 of 4 targets healthy in targetgroup/catalog-green/73e2d6bc24d8a067" }));
    const plan = shiftPlan({
      steps: [
        {
          id: "green-healthy",
          title: "Wait for green's targets",
          wait: {
            kind: "tg-healthy",
            targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/catalog-green/73e2d6bc24d8a067",
            minHealthy: 3,
            timeoutMs: 120_000,
            pollMs: 5_000,
          },
        },
      ],
    });
    const { operationId } = await engine.start({ plan, actor: operator, reason: "release 42" });
    await engine.whenIdle(operationId);
    const op = await store.getOperation(operationId);
    expect(op?.steps[0]?.error).toBe(
      "Timed out after 120 s waiting for 3 targets to be healthy in target group catalog-green (last: 2 of 4 targets healthy in targetgroup/catalog-green/73e2d6bc24d8a067).",
    );
    expect(op?.error).toBe(`Step 1 (Wait for green's targets) failed: ${op?.steps[0]?.error ?? ""}`);
    expect(sleeps.every((ms) => ms <= 20_000)).toBe(true);
  });

  it("wakes a wait sleeping between polls when aborted here, without waiting for the next poll", async () => {
    route53(gateway, true);
    let parked: (() => void) | null = null;
    const slow = makeEngine({
      // A real pause that would last far longer than the test: only a wake-up can end it.
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          sleeps.push(ms);
          parked = resolve;
        }),
    });
    const { operationId } = await slow.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
    await vi.waitFor(() => expect(parked).not.toBeNull());
    await slow.abort(operationId, responder, "stop now");
    expect((await store.getOperation(operationId))?.status).toBe("aborted");
    expect(gateway.checks).toHaveLength(1);
    expect(slow.isRunningHere(operationId)).toBe(false);
  });

  describe("resume", () => {
    /** An operation a crashed server left behind: step 1 done, step 2's call sent (output journaled), lease lapsed. */
    async function crashedShift(id: string, inFlightOutput: JsonValue | null): Promise<void> {
      await store.createOperation({ ...shiftPlan(), id, actor: operator, reason: "release 42" });
      await store.updateOperation(id, { status: "running", startedAt: new Date(clock).toISOString() });
      await store.updateStep(id, 0, { status: "succeeded", output: { ChangeInfo: { Id: "/change/shift", Status: "PENDING" } } });
      await store.updateStep(id, 1, {
        status: "running",
        output: inFlightOutput,
        progress: { calls: 1, attempts: 1, polls: 0, lastError: null, note: null },
      });
      await store.tryAcquireLock("shop", id, 30_000, clock - 120_000);
      expect((await engine.recoverInterrupted()).map((o) => o.id)).toEqual([id]);
    }

    it("continues an interrupted operation from its in-flight step, keeping a journaled output", async () => {
      route53(gateway, false);
      await crashedShift("crashed", { Instances: [{ InstanceId: "i-g1" }] });
      const resumed = await engine.resume("crashed", responder, "carry on");
      expect(resumed).toEqual({ operationId: "crashed", fromStep: 1 });
      await engine.whenIdle("crashed");

      const op = await store.getOperation("crashed");
      expect(op?.status).toBe("succeeded");
      expect(op?.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
      // Step 1 was not repeated; step 2's call completed before the crash, so it was not sent again.
      expect(gateway.operations()).toEqual(["DeregisterInstancesFromLoadBalancer"]);
      expect(op?.steps[1]?.progress).toMatchObject({ calls: 1, note: "call already made before the interruption; its output was kept" });
      expect(await store.getLock("shop")).toBeNull();
      // (The fixture journaled the operation without a start, so its trail begins at the recovery.)
      expect(await auditActions("crashed")).toEqual(["operation.interrupted", "operation.resumed", "traffic.shifted", "operation.succeeded"]);
      expect(await stepActions("crashed")).toEqual(["step.succeeded register-green", "step.succeeded wait-green", "step.succeeded deregister-blue"]);
      const [resumedAudit] = await store.listAudit({ action: "operation.resumed" });
      expect(resumedAudit).toMatchObject({
        actor: responder,
        reason: "carry on",
        before: { greenPercent: 0 },
        after: { greenPercent: 25, resumedFrom: "interrupted", fromStep: "register-green", stepsAlreadyDone: 1 },
      });
      const [shifted] = await store.listAudit({ action: "traffic.shifted" });
      expect(shifted).toMatchObject({ actor: responder, before: { greenPercent: 0 }, after: { greenPercent: 25 } });
      expect(await store.verifyAudit()).toMatchObject({ ok: true });
    });

    it("sends the in-flight call again when its output was never journaled", async () => {
      route53(gateway, false);
      await crashedShift("crashed", null);
      await engine.resume("crashed", responder);
      await engine.whenIdle("crashed");
      expect(gateway.operations()).toEqual(["RegisterInstancesWithLoadBalancer", "DeregisterInstancesFromLoadBalancer"]);
      expect((await store.getOperation("crashed"))?.steps[1]?.progress).toMatchObject({ calls: 2, attempts: 2 });
    });

    it("resumes a failed operation from the failed step, after the cause is fixed", async () => {
      route53(gateway, false);
      gateway.fail(
        "RegisterInstancesWithLoadBalancer",
        () => new AppError("conflict", "RegisterInstancesWithLoadBalancer failed: ResourceInUse", undefined, { awsName: "ResourceInUse" }),
      );
      const { operationId } = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
      await engine.whenIdle(operationId);
      expect((await store.getOperation(operationId))?.status).toBe("failed");

      const fixed = new FakeGateway();
      route53(fixed, false);
      const other = makeEngine({ gateway: fixed });
      await other.resume(operationId, operator);
      await other.whenIdle(operationId);
      const op = await store.getOperation(operationId);
      expect(op).toMatchObject({ status: "succeeded", error: null });
      expect(op?.steps.every((s) => s.status === "succeeded" && s.error === null)).toBe(true);
      expect(fixed.operations()).toEqual(["RegisterInstancesWithLoadBalancer", "DeregisterInstancesFromLoadBalancer"]);
      expect(op?.steps[1]?.progress).toMatchObject({ calls: 2, lastError: "RegisterInstancesWithLoadBalancer failed: ResourceInUse" });
    });

    it("re-checks skipIf on the in-flight step and skips a call that is already done", async () => {
      const skip = {
        kind: "asg-instances-state" as const,
        groupName: "shop-asg",
        instanceIds: ["i-b1"],
        lifecycleState: "Standby",
        timeoutMs: 60_000,
        pollMs: 1_000,
      };
      const plan = shiftPlan({
        steps: [
          {
            id: "enter-standby",
            title: "Put blue into Standby",
            call: { service: "autoscaling", operation: "EnterStandby", input: { AutoScalingGroupName: "shop-asg" } },
            skipIf: skip,
          },
        ],
      });
      await store.createOperation({ ...plan, id: "standby", actor: operator, reason: "standby" });
      await store.updateOperation("standby", { status: "interrupted" });
      await engine.resume("standby", operator);
      await engine.whenIdle("standby");
      expect((await store.getOperation("standby"))?.status).toBe("succeeded");
      expect(gateway.calls).toEqual([]);
      expect(await stepActions("standby")).toEqual(["step.skipped enter-standby", "step.succeeded enter-standby"]);
    });

    it("refuses what cannot be resumed", async () => {
      await expect(engine.resume("nope", operator)).rejects.toMatchObject({ code: "not_found" });
      route53(gateway, false);
      const done = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
      await engine.whenIdle(done.operationId);
      await expect(engine.resume(done.operationId, operator)).rejects.toMatchObject({
        code: "conflict",
        userMessage: expect.stringMatching(/succeeded/),
      });

      // Not the application's latest operation: resuming it would replay an outdated plan.
      clock += 1_000;
      await crashedShift("crashed", null);
      clock += 1_000;
      const later = await engine.start({ plan: shiftPlan({ appId: "shop" }), actor: operator, reason: "newer" });
      await engine.whenIdle(later.operationId);
      await expect(engine.resume("crashed", operator)).rejects.toMatchObject({
        code: "conflict",
        userMessage: expect.stringMatching(/later operation/),
      });
    });

    it("records the outcome of an interrupted operation whose every step had succeeded (the server died before the outcome)", async () => {
      await store.createOperation({ ...shiftPlan(), id: "all-done", actor: operator, reason: "release 42" });
      await store.updateOperation("all-done", { status: "running", startedAt: new Date(clock).toISOString() });
      for (let i = 0; i < shiftSteps().length; i++) await store.updateStep("all-done", i, { status: "succeeded" });
      await store.tryAcquireLock("shop", "all-done", 30_000, clock - 120_000);
      expect((await engine.recoverInterrupted()).map((o) => o.id)).toEqual(["all-done"]);

      expect(await engine.resume("all-done", responder, "record it")).toEqual({ operationId: "all-done", fromStep: shiftSteps().length });
      await engine.whenIdle("all-done");
      expect((await store.getOperation("all-done"))?.status).toBe("succeeded");
      // Nothing was sent again.
      expect(gateway.calls).toEqual([]);
      expect(await auditActions("all-done")).toEqual(["operation.interrupted", "operation.resumed", "traffic.shifted", "operation.succeeded"]);
      expect(await store.getLock("shop")).toBeNull();
    });

    it("takes the lock like a start: refused while another operation holds the application", async () => {
      await crashedShift("crashed", null);
      await store.createOperation({
        ...shiftPlan(),
        id: "holder",
        actor: responder,
        reason: "busy",
        createdAt: new Date(clock - 600_000).toISOString(),
      });
      await store.updateOperation("holder", { status: "running" });
      expect(await store.tryAcquireLock("shop", "holder", 30_000, clock)).toBe(true);
      await expect(engine.resume("crashed", operator)).rejects.toMatchObject({
        code: "conflict",
        userMessage: "Another operation is running on shop: Shift green from 0 % to 25 % (started by responder@example.com).",
      });
      expect((await store.getOperation("crashed"))?.status).toBe("interrupted");
      expect((await store.getLock("shop"))?.holder).toBe("holder");
    });

    it("a rollback preempts an interrupted operation, which can then no longer be resumed", async () => {
      route53(gateway, false);
      await crashedShift("crashed", null);
      const rollback = await engine.start({ plan: rollbackPlan(), actor: responder, reason: "undo", preempt: true });
      await engine.whenIdle(rollback.operationId);
      expect((await store.getOperation("crashed"))?.status).toBe("preempted");
      expect((await store.getOperation(rollback.operationId))?.status).toBe("succeeded");
      const [preempted] = await store.listAudit({ action: "operation.preempted" });
      expect(preempted).toMatchObject({ operationId: "crashed", before: { status: "interrupted" } });
      await expect(engine.resume("crashed", operator)).rejects.toMatchObject({ code: "conflict" });
    });
  });

  describe("concurrency", () => {
    it("two operators start shifts at once: exactly one runs, the other is refused", async () => {
      route53(gateway, false);
      const gate = gateway.gate("ChangeResourceRecordSets");
      const secondServer = makeEngine();
      const attempts = await Promise.allSettled([
        engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" }),
        secondServer.start({
          plan: shiftPlan({ summary: "Shift green from 0 % to 50 %" }),
          actor: { ...responder, role: "operator" },
          reason: "release 42b",
        }),
      ]);
      const won = attempts.filter((a) => a.status === "fulfilled");
      const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toMatchObject({
        code: "conflict",
        userMessage: expect.stringMatching(
          /^Another operation is running on shop: Shift green from 0 % to (25|50) % \(started by (operator|responder)@example\.com\)\.$/,
        ),
      });
      gate.release();
      await Promise.all([engine.whenIdle(), secondServer.whenIdle()]);
      const ops = await store.listOperations({ appId: "shop" });
      expect(ops.map((o) => o.status)).toEqual(["succeeded"]);
      expect(await auditActions()).toEqual(["operation.started", "traffic.shifted", "operation.succeeded"]);
    });

    it("a rollback on another server preempts the running shift; the shift's server stops at its next poll", async () => {
      route53(gateway, true);
      const poll = gateway.gate("check:route53-change-insync");
      const shift = await engine.start({ plan: shiftPlan(), actor: operator, reason: "release 42" });
      await poll.reached;
      const other = new FakeGateway();
      route53(other, false);
      const secondServer = makeEngine({ gateway: other });
      const rollback = await secondServer.start({ plan: rollbackPlan(), actor: responder, reason: "5xx on green", preempt: true });
      poll.release();
      await Promise.all([engine.whenIdle(), secondServer.whenIdle()]);

      const shiftOp = await store.getOperation(shift.operationId);
      expect(shiftOp?.status).toBe("preempted");
      expect(shiftOp?.steps.map((s) => s.status)).toEqual(["failed", "skipped", "skipped", "skipped"]);
      expect(shiftOp?.steps[0]?.error).toMatch(/marked preempted elsewhere/);
      expect((await store.getOperation(rollback.operationId))?.status).toBe("succeeded");
      // The shift never went past its first step.
      expect(gateway.operations()).toEqual(["ChangeResourceRecordSets"]);
      expect(await store.getLock("shop")).toBeNull();
      expect(await store.verifyAudit()).toMatchObject({ ok: true });
    });
  });
});
