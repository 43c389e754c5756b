/**
 * A late write must not undo a rollback. An operator shifts an application to 40 % while the
 * practice range holds the shift's weight change on the wire (40 s of latency on that one AWS
 * operation, on the range's clock); the fault is cleared and a responder rolls back while the
 * change is still held. The held change then lands, as AWS applies a request whose caller gave up.
 *
 *   - dns-weighted (`shop`): Route 53 ChangeResourceRecordSets.
 *   - alb-weighted (`catalog-api`): ELBv2 ModifyListener.
 *   - `shop` again, the shift running on another server (a second engine on the same database):
 *     the rollback cannot cancel that call, and waits it out just the same.
 *
 * Real engine, real SQLite store, the product's SDK clients (plan calls on standard retries, wait
 * polls on adaptive ones) over HTTP to a range on a hand-driven clock that the engine's pauses
 * move. The engine has the product's stop wait and call bound (from the clients' configuration).
 *
 * What must hold: the rollback's start answers within 1 s although the shift's call is still in
 * flight; the shift's call is cancelled (one attempt, no retry); the rollback is not reported
 * settled before the bound of a call has passed since the preemption, and it ends with AWS at blue
 * 100 / green 0, having set the weights back when the late change landed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor, Operation } from "@/lib/domain/operation";
import type { AppState } from "@/lib/domain/app-state";
import { callBoundMs, createClients, type AwsClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import type { AppConfig } from "@/lib/config/schema";
import { createEngine } from "@/lib/engine/engine";
import { observeWithPattern } from "@/lib/patterns/registry";
import type { TestRange } from "@/test/support/range";
import { openStore } from "@/lib/store/store";
import { advanceRange, CRASH_LEASE_MS, startDemoRange } from "./crash-suite";
import { DEMO_APPS, planFor } from "./crash-scenarios";

const operator: Actor = { id: "u-op", email: "operator@example.com", role: "operator" };
const responder: Actor = { id: "u-resp", email: "responder@example.com", role: "responder" };

/** The held change: 40 s on the range's clock, as in the report of issue #9. */
const LATE_MS = 40_000;
const SETTLE_STEP = "settle-preempted-calls";

interface Case {
  app: AppConfig;
  service: string;
  operation: string;
  /** Blue's and green's weights as AWS has them now. */
  weights(state: AppState): { blue: number; green: number };
}

const CASES: readonly Case[] = [
  {
    app: DEMO_APPS.shop,
    service: "route53",
    operation: "ChangeResourceRecordSets",
    weights: (state) => ({
      blue: state.dns?.records.find((r) => r.color === "blue")?.weight ?? -1,
      green: state.dns?.records.find((r) => r.color === "green")?.weight ?? -1,
    }),
  },
  {
    app: DEMO_APPS.catalog,
    service: "elbv2",
    operation: "ModifyListener",
    weights: (state) => ({ blue: state.alb?.weights.blue ?? -1, green: state.alb?.weights.green ?? -1 }),
  },
];

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "teal-late-write-"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function setFaults(range: TestRange, body: unknown): Promise<void> {
  const res = await fetch(`${range.url}/_sim/faults`, body === null ? { method: "DELETE" } : { method: "POST", body: JSON.stringify(body) });
  expect(res.status, await res.text()).toBe(200);
}

/** Waits (real time, briefly) until `ready` holds. */
async function until(what: string, ready: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function requestsFor(range: TestRange, c: Case): number {
  return range.stats.services[c.service]?.operations[c.operation]?.count ?? 0;
}

async function weightsNow(clients: AwsClients, c: Case): Promise<{ blue: number; green: number }> {
  return c.weights(await observeWithPattern(clients, c.app));
}

const RUNS: readonly { c: Case; shiftElsewhere: boolean }[] = [
  ...CASES.map((c) => ({ c, shiftElsewhere: false })),
  ...CASES.filter((c) => c.app.id === "shop").map((c) => ({ c, shiftElsewhere: true })),
];

describe.concurrent("a late write of a preempted shift does not undo the rollback", () => {
  for (const { c, shiftElsewhere } of RUNS) {
    const where = shiftElsewhere ? ", the shift on another server" : "";
    it(`${c.app.id} (${c.app.pattern}, ${c.operation} held ${LATE_MS / 1000} s${where})`, { timeout: 60_000 }, async () => {
      const name = `late-write-${c.app.id}${shiftElsewhere ? "-elsewhere" : ""}`;
      const { range, clients } = await startDemoRange({}, 180_000, name);
      const store = await openStore(`file:${join(dir, `${name}.db`)}`);
      try {
        const polling = createClients({ region: "us-east-1", endpoint: range.url, retryMode: "adaptive" });
        // As the product wires it, on the range's clock: default stop wait and call bound.
        const server = () =>
          createEngine({
            store,
            gateway: createAwsGateway(clients, { polling }),
            leaseMs: CRASH_LEASE_MS,
            now: () => range.nowMs(),
            sleep: async (ms) => {
              range.tick(ms);
              await new Promise((resolve) => setImmediate(resolve));
            },
          });
        const engine = server();
        // The operator's server: this one, or another sharing the database.
        const shiftServer = shiftElsewhere ? server() : engine;
        const boundMs = callBoundMs(clients.limits);

        // The operator's shift to 40 %; its weight change is held on the wire.
        const { plan: shiftPlan } = await planFor(clients, c.app, { kind: "shift", greenPercent: 40 });
        await setFaults(range, { rules: [{ service: c.service, operation: c.operation, latencyMs: LATE_MS, latencyClock: "range" }] });
        const before = requestsFor(range, c);
        const shift = await shiftServer.start({ plan: shiftPlan, actor: operator, reason: "release 42" });
        await until("the shift's change to reach the range", () => range.heldRequests() === 1);
        const sentAt = range.nowMs();

        // The fault is cleared (the held change stays held) and a responder rolls back.
        await setFaults(range, null);
        const [latest] = await store.listOperations({ appId: c.app.id, limit: 1 });
        const { plan: rollbackPlan } = await planFor(clients, c.app, { kind: "rollback" }, latest ?? null);
        const clicked = performance.now();
        const rollback = await engine.start({ plan: rollbackPlan, actor: responder, reason: "back to blue", preempt: true });
        const answeredMs = performance.now() - clicked;
        const preemptedAt = range.nowMs();

        // Whatever the rollback does, the held change lands once the clock passes it; then more
        // time passes than any call can take, and everything this process runs has ended.
        let rolledBack: Operation | null = null;
        let landedDuringRollback = false;
        await engine.whenIdle(rollback.operationId);
        rolledBack = await store.getOperation(rollback.operationId);
        landedDuringRollback = range.heldRequests() === 0;
        await advanceRange(range, LATE_MS + boundMs);
        await until("the held change to land", () => range.heldRequests() === 0);
        await Promise.all([engine.whenIdle(), shiftServer.whenIdle()]);

        const after = await weightsNow(clients, c);
        const shiftOp = await store.getOperation(shift.operationId);
        const summary = `${c.app.id}${where}: rollback ${rolledBack?.status ?? "?"} (${rolledBack?.error ?? ""}); weights ${after.blue}/${after.green}`;
        console.info(
          `[late-write] ${summary}; start answered in ${answeredMs.toFixed(0)} ms; held change sent at +0 s, landed ${landedDuringRollback ? "during" : "after"} the rollback; ` +
            `rollback finished ${((Date.parse(rolledBack?.finishedAt ?? "") - preemptedAt) / 1000).toFixed(0)} s after the preemption (bound ${boundMs / 1000} s); ` +
            `settle step: ${rolledBack?.steps.find((s) => s.id === SETTLE_STEP)?.progress?.note ?? "none"}`,
        );

        // AWS ends at blue, and the rollback says it succeeded.
        expect(after, summary).toEqual({ blue: 100, green: 0 });
        expect(rolledBack?.status, summary).toBe("succeeded");
        expect(shiftOp?.status, summary).toBe("preempted");

        // The click was answered at once, although the shift's call was still on the wire.
        expect(answeredMs, summary).toBeLessThan(1_000);

        // The late change did land while the rollback ran (the case is real) ...
        expect(landedDuringRollback, `${summary}: the held change landed while the rollback ran`).toBe(true);
        expect(sentAt + LATE_MS, summary).toBeLessThan(preemptedAt + boundMs);
        // ... and the rollback was not reported settled before no call could land any more.
        expect(Date.parse(rolledBack?.finishedAt ?? ""), summary).toBeGreaterThanOrEqual(preemptedAt + boundMs);
        const settle = rolledBack?.steps.at(-1);
        expect(settle?.id, summary).toBe(SETTLE_STEP);
        expect(settle?.status, summary).toBe("succeeded");
        expect(settle?.title, summary).toContain(`${boundMs / 1000} s`);
        expect(settle?.progress?.note, summary).toMatch(/^Settled at .*AWS moved and was set back once$/);

        // The shift's call was cancelled, not retried: of the requests the range received for the
        // operation, every one but the shift's single attempt is one the rollback journaled (its
        // change, then the same change again once the late one landed; Route 53 refuses a change
        // while the previous one is PENDING, and those refusals are sent again).
        const rollbackAttempts = (rolledBack?.steps ?? []).reduce((n, s) => n + (s.progress?.attempts ?? 0), 0);
        expect(settle?.progress?.calls, summary).toBe(1);
        expect(requestsFor(range, c) - before - rollbackAttempts, `${summary}: the shift's attempts`).toBe(1);
        expect(await store.getLock(c.app.id), summary).toBeNull();
      } finally {
        await store.close();
        await range.close();
      }
    });
  }
});
