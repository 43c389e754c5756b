/**
 * Racing operators: two engines over one database, as two Teal servers sharing it would be.
 *   1. Both start a shift on the same application at the same instant, 100 times: exactly one
 *      start wins and runs to completion, the other is refused naming the winner; no lock remains.
 *   2. A rollback from one server always preempts a shift running on the other.
 *   3. A server dies holding the lease: once it lapses the other server takes the application over,
 *      and the periodic recovery marks the dead server's operation interrupted.
 *
 * PostgreSQL: each engine has its own pool, as two servers would. SQLite: both share the one
 * connection a process may have (a second connection in the same process would block the event
 * loop on the file lock); the lock and the journal are exercised the same way.
 * Time is a fake clock and the test never sleeps: the fake gateway's gates hold calls and polls.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/domain/app-error";
import type { Actor } from "@/lib/domain/operation";
import type { AuditAction } from "@/lib/domain/audit-actions";
import type { Plan, Step } from "@/lib/domain/plan";
import { openStore, type Store } from "@/lib/store/store";
import { DIALECTS, openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";
import { createEngine, type Engine } from "@/lib/engine/engine";
import { FakeGateway, type Gate } from "@/test/support/engine/fake-gateway";
import { mortal } from "@/test/support/engine/mortal-store";
import { rollbackToBluePlan } from "@/test/support/engine/plans";

/** SQLite always; PostgreSQL as well when a server is given. */
const dialects = process.env.TEST_PG_URL ? DIALECTS : DIALECTS.filter((d) => d === "sqlite");

const alice: Actor = { id: "u-alice", email: "alice@example.com", role: "operator" };
const bob: Actor = { id: "u-bob", email: "bob@example.com", role: "operator" };
const responder: Actor = { id: "u-resp", email: "responder@example.com", role: "responder" };

const T0 = Date.parse("2025-03-01T10:00:00.000Z");
const LEASE_MS = 30_000;
const APP = "shop";

const SHIFT_STEPS: Step[] = [
  {
    id: "change-weights",
    title: "Set weights blue 75 / green 25",
    call: { service: "route53", operation: "ChangeResourceRecordSets", input: { HostedZoneId: "Z1", Comment: "shift" } },
    wait: { kind: "route53-change-insync", timeoutMs: 3_600_000, pollMs: 2_000 },
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
    id: "deregister-blue",
    title: "Deregister blue instances",
    call: {
      service: "elb",
      operation: "DeregisterInstancesFromLoadBalancer",
      input: { LoadBalancerName: "shop-elb", Instances: [{ InstanceId: "i-b1" }] },
    },
  },
];

function shiftPlan(greenPercent: number): Plan {
  return {
    appId: APP,
    pattern: "dns-weighted",
    intent: { kind: "shift", greenPercent },
    summary: `Shift green from 0 % to ${greenPercent} %`,
    before: { greenPercent: 0 },
    after: { greenPercent },
    steps: SHIFT_STEPS,
  };
}

const rollbackPlan = (): Plan => rollbackToBluePlan(APP);

/** Route 53 of one server: each change's id names its comment; a shift's change never syncs, a rollback's does. */
function route53Gateway(): FakeGateway {
  const gateway = new FakeGateway();
  gateway.respond("ChangeResourceRecordSets", (call) => ({ ChangeInfo: { Id: `/change/${String(call.input.Comment)}`, Status: "PENDING" } }));
  return gateway;
}

function stuckShifts(gateway: FakeGateway): FakeGateway {
  return gateway.checkWith((wait, output) => {
    if (wait.kind !== "route53-change-insync") return { done: true, detail: "ok" };
    const done = JSON.stringify(output).includes("rollback");
    return { done, detail: done ? "INSYNC" : "PENDING" };
  });
}

/** One of the two servers. */
type Side = 0 | 1;
const otherSide = (side: Side): Side => (side === 0 ? 1 : 0);

function conflictNaming(plan: Plan, actor: Actor): string {
  return `Another operation is running on ${APP}: ${plan.summary} (started by ${actor.email}).`;
}

afterAll(async () => {
  await stopTestCluster();
});

describe.each(dialects)("racing operators on %s", (dialect) => {
  let t: TestStore;
  /** The database as each server reaches it (two pools on PostgreSQL, one connection on SQLite). */
  let stores: [Store, Store];
  let clock: number;
  let errors: string[];
  let gateways: [FakeGateway, FakeGateway];
  let engines: [Engine, Engine];
  /** Engines made by a case (dead servers included), to be idle before the database closes. */
  let extra: Engine[];
  /** Every gate a case set, released after it (a failed assertion must not leave a run parked). */
  let gates: Gate[];

  function hold(gateway: FakeGateway, key: string): Gate {
    const gate = gateway.gate(key);
    gates.push(gate);
    return gate;
  }

  function makeEngine(store: Store, gateway: FakeGateway): Engine {
    return createEngine({
      store,
      gateway,
      now: () => clock,
      // Fake time passes at once, but each pause yields to the event loop like a real timer.
      sleep: async (ms) => {
        clock += ms;
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
      leaseMs: LEASE_MS,
      stopWaitMs: 5_000,
      logError: (message) => errors.push(message),
    });
  }

  /** Operation-level audit actions of one operation, oldest first. */
  async function auditActions(operationId: string): Promise<AuditAction[]> {
    const rows = await stores[0].listAudit({ operationId, limit: 1000 });
    return rows
      .reverse()
      .map((r) => r.action)
      .filter((a) => !a.startsWith("step."));
  }

  async function allOperations() {
    return stores[0].listOperations({ appId: APP, limit: 500 });
  }

  beforeEach(async () => {
    clock = T0;
    errors = [];
    extra = [];
    gates = [];
    t = await openTestStore(dialect, { now: () => clock });
    const second = dialect === "postgres" ? await openStore(t.url, { now: () => clock }) : t.store;
    stores = [t.store, second];
    gateways = [route53Gateway(), route53Gateway()];
    engines = [makeEngine(stores[0], gateways[0]), makeEngine(stores[1], gateways[1])];
  });

  afterEach(async () => {
    for (const gate of gates) gate.release();
    await Promise.all([...engines, ...extra].map((e) => e.whenIdle()));
    if (stores[1] !== stores[0]) await stores[1].close();
    await t.cleanup();
  });

  it("100 simultaneous starts: exactly one wins each time and runs to completion; the other is refused naming it", async () => {
    const plans = [shiftPlan(25), shiftPlan(50)] as const;
    const actors = [alice, bob] as const;
    const wins: [number, number] = [0, 0];
    for (let round = 0; round < 100; round++) {
      clock += 1_000;
      // Each server holds its first call until both starts have answered: the winner holds the
      // lock for the whole race, so the loser cannot find it free after a finished run.
      const holds: [Gate, Gate] = [hold(gateways[0], "ChangeResourceRecordSets"), hold(gateways[1], "ChangeResourceRecordSets")];
      const callsBefore: [number, number] = [gateways[0].calls.length, gateways[1].calls.length];
      // Alternate who is asked first, so both orders of arrival are raced.
      const order: Side[] = round % 2 === 0 ? [0, 1] : [1, 0];
      const settled = await Promise.allSettled(order.map((i) => engines[i].start({ plan: plans[i], actor: actors[i], reason: `release ${round}` })));
      const results = order[0] === 0 ? settled : [settled[1], settled[0]];
      const won = results.map((r) => r?.status === "fulfilled");
      expect(won.filter(Boolean), `round ${round}`).toHaveLength(1);
      const w: Side = won[0] ? 0 : 1;
      const l = otherSide(w);
      wins[w]++;
      const winner = results[w];
      const loser = results[l];
      if (winner?.status !== "fulfilled" || loser?.status !== "rejected") throw new Error(`round ${round}: unexpected outcome`);
      const operationId = winner.value.operationId;
      expect(loser.reason, `round ${round}`).toBeInstanceOf(AppError);
      expect(loser.reason, `round ${round}`).toMatchObject({ code: "conflict", userMessage: conflictNaming(plans[w], actors[w]) });

      // The winner holds the application while its first call is in flight.
      await holds[w].reached;
      expect((await stores[l].getLock(APP))?.holder).toBe(operationId);
      expect(await stores[l].getOperationStatus(operationId)).toBe("running");
      holds[0].release();
      holds[1].release();
      await Promise.all(engines.map((e) => e.whenIdle()));

      const op = await stores[0].getOperation(operationId);
      expect(op, `round ${round}`).toMatchObject({ status: "succeeded", error: null, actor: actors[w], summary: plans[w].summary });
      expect(op?.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
      // One operation per round: the refused start journaled nothing.
      const ops = await allOperations();
      expect(ops, `round ${round}`).toHaveLength(round + 1);
      expect(ops.every((o) => o.status === "succeeded")).toBe(true);
      expect(ops[0]?.id).toBe(operationId);
      // The winner's server made the plan's three calls; the loser's made none.
      expect(gateways[w].calls.length - callsBefore[w]).toBe(3);
      expect(gateways[l].calls.length - callsBefore[l]).toBe(0);
      expect(await auditActions(operationId)).toEqual(["operation.started", "traffic.shifted", "operation.succeeded"]);
      expect(await stores[0].getLock(APP), `round ${round}: lock left behind`).toBeNull();
    }
    expect((await stores[1].listAudit({ action: "operation.started", limit: 1000 })).length).toBe(100);
    expect(await stores[1].verifyAudit()).toMatchObject({ ok: true });
    expect(errors).toEqual([]);
    // Both servers won races (who is asked first alternates).
    expect(Math.min(...wins)).toBeGreaterThan(0);
    expect(wins[0] + wins[1]).toBe(100);
  });

  it("a rollback from the other server always preempts a running shift (30 rounds)", async () => {
    stuckShifts(gateways[0]);
    stuckShifts(gateways[1]);
    const rounds = 30;
    for (let round = 0; round < rounds; round++) {
      clock += 1_000;
      // The shift runs on one server, the rollback comes from the other; they swap every round.
      const s: Side = round % 2 === 0 ? 0 : 1;
      const r = otherSide(s);
      const shiftCalls = gateways[s].calls.length;
      const rollbackCalls = gateways[r].calls.length;
      // The shift's wait is held inside a poll (its change never syncs anyway).
      const poll = hold(gateways[s], "check:route53-change-insync");
      const shift = await engines[s].start({ plan: shiftPlan(25), actor: alice, reason: `release ${round}` });
      await poll.reached;
      expect(await stores[r].getOperationStatus(shift.operationId)).toBe("running");
      expect((await stores[r].getLock(APP))?.holder).toBe(shift.operationId);

      const rollback = await engines[r].start({ plan: rollbackPlan(), actor: responder, reason: `5xx on green ${round}`, preempt: true });
      // Preempted as soon as the rollback has started, while the shift's server is still inside its poll.
      const preempted = await stores[s].getOperation(shift.operationId);
      expect(preempted, `round ${round}`).toMatchObject({
        status: "preempted",
        error: "Preempted by Roll back: all traffic to blue (started by responder@example.com).",
      });
      poll.release();
      await Promise.all(engines.map((e) => e.whenIdle()));

      const shiftOp = await stores[0].getOperation(shift.operationId);
      expect(shiftOp?.status, `round ${round}`).toBe("preempted");
      expect(shiftOp?.steps.map((st) => st.status)).toEqual(["failed", "skipped", "skipped"]);
      expect(shiftOp?.steps[0]?.error).toBe("Stopped: the operation was marked preempted elsewhere.");
      expect(engines[s].isRunningHere(shift.operationId)).toBe(false);
      const rollbackOp = await stores[0].getOperation(rollback.operationId);
      expect(rollbackOp, `round ${round}`).toMatchObject({ status: "succeeded", error: null, actor: responder });
      expect(rollbackOp?.steps.map((st) => st.status)).toEqual(["succeeded"]);
      // The shift never went past its first call; the rollback made its one.
      expect(gateways[s].calls.slice(shiftCalls).map((c) => c.input.Comment)).toEqual(["shift"]);
      expect(gateways[r].calls.slice(rollbackCalls).map((c) => c.input.Comment)).toEqual(["rollback"]);

      expect(await auditActions(shift.operationId)).toEqual(["operation.started", "operation.preempted"]);
      expect(await auditActions(rollback.operationId)).toEqual([
        "operation.started",
        "rollback.started",
        "rollback.completed",
        "operation.succeeded",
      ]);
      const [preemptedAudit] = await stores[0].listAudit({ operationId: shift.operationId, action: "operation.preempted" });
      expect(preemptedAudit).toMatchObject({
        actor: responder,
        before: { status: "running" },
        after: { status: "preempted", preemptedBy: rollback.operationId },
      });
      expect((await allOperations()).filter((o) => o.status === "running" || o.status === "pending")).toEqual([]);
      expect(await stores[0].getLock(APP), `round ${round}: lock left behind`).toBeNull();
      // Per round: the shift's start, its step's stop and its preemption; the rollback's start,
      // rollback start, step, completion and success.
      expect(await stores[s].verifyAudit(), `round ${round}`).toEqual({ ok: true, count: 8 * (round + 1) });
    }
    expect(await allOperations()).toHaveLength(2 * rounds);
    expect(errors).toEqual([]);
  });

  it("a server that dies holding the lease leaves no lock behind: the other takes over once it lapses", async () => {
    const rounds = 6;
    for (let round = 0; round < rounds; round++) {
      clock += 1_000;
      // The dying server is a fresh one on either side each round; the survivor is the other.
      const d: Side = round % 2 === 0 ? 0 : 1;
      const survivor = engines[otherSide(d)];
      const survivorGateway = gateways[otherSide(d)];
      const survivorStore = stores[otherSide(d)];
      const server = mortal(stores[d]);
      const doomedGateway = route53Gateway();
      const doomed = makeEngine(server.store, doomedGateway);
      extra.push(doomed);
      const errorsBefore = errors.length;

      // The doomed server's first call is in flight when it dies.
      const inFlight = hold(doomedGateway, "ChangeResourceRecordSets");
      const deadPlan = shiftPlan(25);
      const { operationId: deadId } = await doomed.start({ plan: deadPlan, actor: alice, reason: `release ${round}` });
      await inFlight.reached;

      // While its lease is live the application is its: a start is refused naming it, and the
      // periodic recovery leaves it alone.
      await expect(survivor.start({ plan: shiftPlan(50), actor: bob, reason: "too early" })).rejects.toMatchObject({
        code: "conflict",
        userMessage: conflictNaming(deadPlan, alice),
      });
      expect(await survivor.recoverInterrupted()).toEqual([]);
      expect(await survivorStore.getOperationStatus(deadId)).toBe("running");
      expect((await survivorStore.getLock(APP))?.holder).toBe(deadId);

      server.die();
      clock += LEASE_MS + 1_000;

      // Round by round, the survivor either starts first (taking the lapsed lease, with the
      // recovery running while its own operation runs) or recovers first.
      const startFirst = round % 4 < 2;
      const survivorCall = hold(survivorGateway, "ChangeResourceRecordSets");
      let nextId: string;
      if (startFirst) {
        ({ operationId: nextId } = await survivor.start({ plan: shiftPlan(50), actor: bob, reason: `take over ${round}` }));
        await survivorCall.reached;
        expect((await survivorStore.getLock(APP))?.holder).toBe(nextId);
        const recovered = await survivor.recoverInterrupted();
        expect(recovered.map((o) => o.id)).toEqual([deadId]);
        // Its own live operation is left alone, and keeps the lock.
        expect(await survivorStore.getOperationStatus(nextId)).toBe("running");
        expect((await survivorStore.getLock(APP))?.holder).toBe(nextId);
        survivorCall.release();
      } else {
        survivorCall.release();
        const recovered = await survivor.recoverInterrupted();
        expect(recovered.map((o) => o.id)).toEqual([deadId]);
        expect(await survivorStore.getLock(APP)).toBeNull();
        ({ operationId: nextId } = await survivor.start({ plan: shiftPlan(50), actor: bob, reason: `take over ${round}` }));
      }
      await survivor.whenIdle();

      const dead = await stores[0].getOperation(deadId);
      expect(dead, `round ${round}`).toMatchObject({ status: "interrupted", error: "The server stopped while this operation was running." });
      expect(dead?.steps.map((s) => s.status)).toEqual(["running", "pending", "pending"]);
      const [interruptedAudit] = await stores[0].listAudit({ operationId: deadId, action: "operation.interrupted" });
      expect(interruptedAudit).toMatchObject({ actor: null, after: { status: "interrupted", stepsSucceeded: 0, inFlightStep: "change-weights" } });
      expect(await auditActions(deadId)).toEqual(["operation.started", "operation.interrupted"]);
      const next = await stores[0].getOperation(nextId);
      expect(next, `round ${round}`).toMatchObject({ status: "succeeded", actor: bob });
      expect(next?.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
      expect(await auditActions(nextId)).toEqual(["operation.started", "traffic.shifted", "operation.succeeded"]);
      expect(await stores[0].getLock(APP), `round ${round}: lock left behind`).toBeNull();
      expect(await survivor.recoverInterrupted()).toEqual([]);
      // A later operation has run: the dead one cannot be resumed over it.
      await expect(survivor.resume(deadId, alice)).rejects.toMatchObject({ code: "conflict", userMessage: expect.stringMatching(/later operation/) });

      // The dead server's call returns into the void: nothing it tries reaches the database.
      inFlight.release();
      await doomed.whenIdle();
      expect(errors.length).toBeGreaterThan(errorsBefore);
      expect((await stores[0].getOperation(deadId))?.status).toBe("interrupted");
      expect((await stores[0].getOperation(deadId))?.steps.map((s) => s.status)).toEqual(["running", "pending", "pending"]);
      expect(await stores[0].getLock(APP)).toBeNull();
      expect(await stores[0].verifyAudit(), `round ${round}`).toMatchObject({ ok: true });
    }
    const ops = await allOperations();
    expect(ops).toHaveLength(2 * rounds);
    expect(ops.filter((o) => o.status === "interrupted")).toHaveLength(rounds);
    expect(ops.filter((o) => o.status === "succeeded")).toHaveLength(rounds);
  });
});
