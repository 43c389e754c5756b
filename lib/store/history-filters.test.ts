import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor, AuditEntryInput } from "@/lib/domain/operation";
import type { CreateOperationInput, Store } from "./store";
import { DIALECTS, openTestStore, stopTestCluster, type TestStore } from "@/test/support/store";

const operator: Actor = { id: "u-op", email: "operator@example.com", role: "operator" };
const responder: Actor = { id: "u-resp", email: "responder@example.com", role: "responder" };
// An email whose text would match more than itself under LIKE or a case-insensitive search.
const tricky: Actor = { id: "u-x", email: 'Op_%"erator@example.com', role: "operator" };

function op(id: string, createdAt: string, overrides: Partial<CreateOperationInput> = {}): CreateOperationInput {
  return {
    id,
    appId: "shop",
    pattern: "dns-weighted",
    intent: { kind: "shift", greenPercent: 25 },
    summary: `op ${id}`,
    actor: operator,
    reason: "release",
    steps: [],
    createdAt,
    ...overrides,
  };
}

function audit(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return { action: "traffic.shifted", actor: operator, appId: "shop", operationId: null, reason: null, before: null, after: null, ...overrides };
}

afterAll(async () => {
  await stopTestCluster();
});

describe.each(DIALECTS)("history filters on %s", (dialect) => {
  let t: TestStore;
  let store: Store;
  let clock: number;

  beforeEach(async () => {
    clock = Date.parse("2025-03-01T10:00:00.000Z");
    t = await openTestStore(dialect, { now: () => clock });
    store = t.store;
    await store.createOperation(op("a", "2025-03-01T09:00:00.000Z"));
    await store.createOperation(op("b", "2025-03-01T10:00:00.000Z", { actor: responder, intent: { kind: "rollback" } }));
    await store.createOperation(op("c", "2025-03-01T11:00:00.000Z", { appId: "blog", intent: { kind: "promote" } }));
    await store.createOperation(op("d", "2025-03-01T12:00:00.000Z", { actor: tricky, intent: { kind: "standby-enter", color: "blue" } }));
    await store.updateOperation("a", { status: "succeeded" });
    await store.updateOperation("b", { status: "failed" });
  });

  afterEach(async () => {
    await t.cleanup();
  });

  const ids = async (filter: Parameters<Store["listOperations"]>[0]) => (await store.listOperations(filter)).map((o) => o.id);

  it("filters operations by actor email, exactly", async () => {
    expect(await ids({ actorEmail: "operator@example.com" })).toEqual(["c", "a"]);
    expect(await ids({ actorEmail: "responder@example.com" })).toEqual(["b"]);
    expect(await ids({ actorEmail: tricky.email })).toEqual(["d"]);
    expect(await ids({ actorEmail: "OPERATOR@example.com" })).toEqual([]);
    expect(await ids({ actorEmail: "operator@example" })).toEqual([]);
    // The id is not the email, even though both are strings in the same JSON.
    expect(await ids({ actorEmail: "u-op" })).toEqual([]);
  });

  it("filters operations by intent kind, one or several", async () => {
    expect(await ids({ intentKind: "rollback" })).toEqual(["b"]);
    expect(await ids({ intentKind: ["shift", "promote"] })).toEqual(["c", "a"]);
    expect(await ids({ intentKind: "standby-enter" })).toEqual(["d"]);
    expect(await ids({ intentKind: [] })).toEqual([]);
  });

  it("filters operations by time: since inclusive, until exclusive", async () => {
    expect(await ids({ since: "2025-03-01T10:00:00.000Z" })).toEqual(["d", "c", "b"]);
    expect(await ids({ until: "2025-03-01T11:00:00.000Z" })).toEqual(["b", "a"]);
    expect(await ids({ since: "2025-03-01T10:00:00.000Z", until: "2025-03-01T12:00:00.000Z" })).toEqual(["c", "b"]);
  });

  it("combines every filter with the existing ones", async () => {
    expect(
      await ids({ appId: "shop", status: "failed", actorEmail: "responder@example.com", intentKind: "rollback", since: "2025-03-01T09:30:00.000Z" }),
    ).toEqual(["b"]);
    expect(await ids({ appId: "blog", actorEmail: "responder@example.com" })).toEqual([]);
    expect(await ids({ status: ["succeeded", "failed"], limit: 1 })).toEqual(["b"]);
  });

  it("filters the audit log by actor and time", async () => {
    const first = await store.appendAudit(audit());
    clock += 60_000;
    const second = await store.appendAudit(audit({ actor: responder, action: "rollback.started" }));
    clock += 60_000;
    const third = await store.appendAudit(audit({ actor: null, action: "auth.denied", appId: null }));
    expect(await store.listAudit({ actorEmail: "operator@example.com" })).toEqual([first]);
    expect(await store.listAudit({ actorEmail: "responder@example.com", action: "rollback.started" })).toEqual([second]);
    expect(await store.listAudit({ since: "2025-03-01T10:01:00.000Z" })).toEqual([third, second]);
    expect(await store.listAudit({ until: "2025-03-01T10:01:00.000Z" })).toEqual([first]);
    expect(await store.listAudit({ since: "2025-03-01T10:00:30.000Z", until: "2025-03-01T10:01:30.000Z" })).toEqual([second]);
  });
});
