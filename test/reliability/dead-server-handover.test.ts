/**
 * Handover from a dead server, with the product's defaults (lease, heartbeat, recovery interval):
 *   1. A server dies with an AWS call in flight, at the worst moment (just before its next lease
 *      renewal): the other server's recovery loop reports the operation `interrupted` within 20 s
 *      of the death, and the application is free for the other server from then on.
 *   2. A live but slow server (a 15 s AWS call, every lease renewal and journal write taking 5 s to
 *      reach the database) keeps its operation: the other server's recovery loop never takes it.
 *
 * Two engines on one database, as two servers sharing it; time is a hand-driven clock that also
 * drives the heartbeat and the recovery loop timers, so the test never sleeps.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor, Operation } from "@/lib/domain/operation";
import type { Plan } from "@/lib/domain/plan";
import { openStore, type Store } from "@/lib/store/store";
import { DIALECTS, openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";
import { createEngine, DEFAULT_LEASE_MS, type Engine } from "@/lib/engine/engine";
import { RECOVERY_INTERVAL_MS, startRecoveryLoop } from "@/lib/engine/recovery";
import { FakeGateway, type Gate } from "@/test/support/engine/fake-gateway";
import { HandClock } from "@/test/support/engine/hand-clock";
import { mortal, slowed } from "@/test/support/engine/mortal-store";

const dialects = process.env.TEST_PG_URL ? DIALECTS : DIALECTS.filter((d) => d === "sqlite");

const alice: Actor = { id: "u-alice", email: "alice@example.com", role: "operator" };
const bob: Actor = { id: "u-bob", email: "bob@example.com", role: "operator" };
const T0 = Date.parse("2025-03-01T10:00:00.000Z");
const APP = "shop";
/** What an operator may wait, at most, for a dead server's operation to be shown interrupted. */
const HANDOVER_GOAL_MS = 20_000;

function shiftPlan(greenPercent: number): Plan {
  return {
    appId: APP,
    pattern: "dns-weighted",
    intent: { kind: "shift", greenPercent },
    summary: `Shift green from 0 % to ${greenPercent} %`,
    before: { greenPercent: 0 },
    after: { greenPercent },
    steps: [
      {
        id: "change-weights",
        title: `Set weights blue ${100 - greenPercent} / green ${greenPercent}`,
        call: { service: "route53", operation: "ChangeResourceRecordSets", input: { HostedZoneId: "Z1", Comment: "shift" } },
        wait: { kind: "route53-change-insync", timeoutMs: 600_000, pollMs: 2_000 },
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
    ],
  };
}

afterAll(async () => {
  await stopTestCluster();
});

describe.each(dialects)("a dead server hands over fast, a slow one keeps its operation, on %s", (dialect) => {
  let t: TestStore;
  let stores: [Store, Store];
  let clock: HandClock;
  let errors: string[];
  let gates: Gate[];
  let engines: Engine[];
  let stops: (() => void)[];
  /** What the survivor's recovery loop reported, and when. */
  let recovered: { at: number; operations: Operation[] }[];

  function engineOn(store: Store, gateway: FakeGateway): Engine {
    // No lease given: the product's default, with its heartbeat on the hand-driven clock.
    const engine = createEngine({
      store,
      gateway,
      now: clock.now,
      sleep: clock.sleep,
      every: clock.every,
      stopWaitMs: 2_000,
      logError: (message) => errors.push(message),
    });
    engines.push(engine);
    return engine;
  }

  /** The other server: its engine and its recovery loop, at the product's interval. */
  function survivorOn(store: Store): Engine {
    const engine = engineOn(store, new FakeGateway());
    stops.push(
      startRecoveryLoop(engine, {
        every: clock.every,
        onRecovered: (operations) => recovered.push({ at: clock.now(), operations }),
        onError: (error) => errors.push(`recovery: ${String(error)}`),
      }),
    );
    return engine;
  }

  /** Moves the clock in quarter seconds until `promise` settles (at most `maxMs`): it waits on slow writes. */
  async function drive<T>(promise: Promise<T>, maxMs = 60_000): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    for (let elapsed = 0; elapsed < maxMs && !settled; elapsed += 250) await clock.advance(250);
    return watched;
  }

  function hold(gateway: FakeGateway, key: string): Gate {
    const gate = gateway.gate(key);
    gates.push(gate);
    return gate;
  }

  beforeEach(async () => {
    // PostgreSQL answers over a socket: each timer's writes get real time to land before the next fires.
    clock = HandClock.at(T0, { ioPauseMs: dialect === "postgres" ? 15 : 0 });
    errors = [];
    gates = [];
    engines = [];
    stops = [];
    recovered = [];
    t = await openTestStore(dialect, { now: clock.now });
    const second = dialect === "postgres" ? await openStore(t.url, { now: clock.now }) : t.store;
    stores = [t.store, second];
  });

  afterEach(async () => {
    for (const stop of stops) stop();
    for (const gate of gates) gate.release();
    // Whatever still sleeps on the hand-driven clock wakes up and finds its run over.
    await clock.advance(60_000);
    await Promise.all(engines.map((e) => e.whenIdle()));
    if (stores[1] !== stores[0]) await stores[1].close();
    await t.cleanup();
  });

  it("a server killed with a call in flight, just before its lease renewal: the other reports it interrupted within 20 s", async () => {
    const server = mortal(stores[0]);
    const doomedGateway = new FakeGateway();
    const doomed = engineOn(server.store, doomedGateway);
    const survivor = survivorOn(stores[1]);

    const inFlight = hold(doomedGateway, "ChangeResourceRecordSets");
    const { operationId } = await doomed.start({ plan: shiftPlan(25), actor: alice, reason: "release 42" });
    await inFlight.reached;

    // Alive, its call slow: 30 s pass and it keeps the application.
    await clock.advance(30_000);
    expect(recovered).toEqual([]);
    expect(await stores[1].getOperationStatus(operationId)).toBe("running");

    // It dies 1 ms before its heartbeat would renew the lease: the longest a lease can outlive its server.
    // Timers in the order they were set: the survivor's recovery loop, then the run's heartbeat.
    const heartbeatMs = clock.periods().at(1);
    if (heartbeatMs === undefined) throw new Error("the running operation has no lease heartbeat");
    const due = clock.nextDue(heartbeatMs) ?? clock.now();
    await clock.advance(due - 1 - clock.now());
    server.die();
    const diedAt = clock.now();
    await expect(survivor.start({ plan: shiftPlan(50), actor: bob, reason: "too early" })).rejects.toMatchObject({ code: "conflict" });

    // Two minutes at most, in quarter seconds, to see when the survivor reports it.
    let interruptedAfterMs: number | null = null;
    for (let elapsed = 0; elapsed < 120_000 && interruptedAfterMs === null; elapsed += 250) {
      await clock.advance(250);
      const report = recovered.find((r) => r.operations.some((o) => o.id === operationId));
      if (report) interruptedAfterMs = report.at - diedAt;
    }
    expect(
      interruptedAfterMs,
      `interrupted ${interruptedAfterMs === null ? "never" : `after ${interruptedAfterMs} ms`} (lease ${DEFAULT_LEASE_MS} ms, heartbeat ${heartbeatMs} ms, recovery every ${RECOVERY_INTERVAL_MS} ms)`,
    ).not.toBeNull();
    expect(interruptedAfterMs).toBeLessThanOrEqual(HANDOVER_GOAL_MS);
    console.info(
      `[handover] interrupted ${interruptedAfterMs} ms after the server died (lease ${DEFAULT_LEASE_MS} ms, heartbeat ${heartbeatMs} ms, recovery every ${RECOVERY_INTERVAL_MS} ms)`,
    );

    const dead = await stores[1].getOperation(operationId);
    expect(dead).toMatchObject({ status: "interrupted", error: "The server stopped while this operation was running." });
    // The journal keeps the in-flight step as it was when the server died (the console shows it interrupted).
    expect(dead?.steps.map((s) => s.status)).toEqual(["running", "pending"]);
    expect((await stores[1].listAudit({ operationId, action: "operation.interrupted" })).length).toBe(1);
    expect(await stores[1].getLock(APP)).toBeNull();

    // The application is the survivor's now.
    const next = await survivor.start({ plan: shiftPlan(50), actor: bob, reason: "take over" });
    await clock.advance(10_000);
    await survivor.whenIdle(next.operationId);
    expect(await stores[1].getOperationStatus(next.operationId)).toBe("succeeded");
    expect(recovered.flatMap((r) => r.operations.map((o) => o.id))).toEqual([operationId]);
  });

  it("a live server with a 15 s AWS call and 5 s database writes keeps its operation; it finishes, never interrupted", async () => {
    const SLOW_WRITE_MS = 5_000;
    const SLOW_CALL_MS = 15_000;
    const slowStore = slowed(stores[0], ["renewLock", "createOperation", "updateStep", "appendAudit"], () => clock.sleep(SLOW_WRITE_MS));
    const gateway = new FakeGateway();
    const live = engineOn(slowStore, gateway);
    survivorOn(stores[1]);

    const call = hold(gateway, "ChangeResourceRecordSets");
    // Its audit writes are slow too (the start's are part of its createOperation): time moves while the start is answered.
    const { operationId } = await drive(live.start({ plan: shiftPlan(25), actor: alice, reason: "release 42" }));
    let calledAt: number | null = null;
    let answeredAt: number | null = null;
    for (let elapsed = 0; elapsed < 120_000; elapsed += 250) {
      await clock.advance(250);
      if (calledAt === null && call.arrivals > 0) calledAt = clock.now();
      if (calledAt !== null && answeredAt === null && clock.now() - calledAt >= SLOW_CALL_MS) {
        call.release();
        answeredAt = clock.now();
      }
      const status = await stores[1].getOperationStatus(operationId);
      if (status !== "running") break;
      // Its lease never lapses while it runs.
      const lock = await stores[1].getLock(APP);
      expect(lock?.holder).toBe(operationId);
      expect(Date.parse(lock?.leaseExpiresAt ?? "")).toBeGreaterThan(clock.now());
    }
    expect(answeredAt).not.toBeNull();
    await drive(live.whenIdle(operationId));
    expect(recovered).toEqual([]);
    const op = await stores[1].getOperation(operationId);
    expect(op, op?.error ?? "").toMatchObject({ status: "succeeded", error: null });
    expect(op?.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded"]);
    expect(await stores[1].getLock(APP)).toBeNull();
    expect(errors).toEqual([]);
  });
});
