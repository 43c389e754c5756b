// An application configured with `assumeRole` is read and changed with the credentials STS hands out
// for its role, never with the server's own nor another role's, against the practice range's STS
// over HTTP with the real SDK clients.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "@/lib/engine/engine";
import { openStore, type Store } from "@/lib/store/store";
import { runToEnd } from "@/test/support/budget";
import { planIntent } from "./plan-service";
import { isAppError } from "@/lib/domain/app-error";
import { assumedRoleCredentials, REFRESH_MARGIN_MS } from "@/lib/aws/assume-role";
import { loadTealConfig, parseEnv } from "@/lib/config/load";
import type { AlbWeightedAppConfig } from "@/lib/config/schema";
import { planningFor } from "@/lib/patterns/catalog";
import { observeWithPattern } from "@/lib/patterns/registry";
import { seedAlb } from "@/range/demo/seed-alb";
import { startTestRange, type TestRange } from "@/test/support/range";
import { createAwsAccess, type AwsAccess, type Runtime } from "./runtime";
import { createSnapshotService } from "./snapshots";

const ROLE_A = "arn:aws:iam::210987654321:role/teal-a";
const ROLE_B = "arn:aws:iam::310987654321:role/teal-b";

let range: TestRange;
let access: AwsAccess;
let base: AlbWeightedAppConfig;
let viaA: AlbWeightedAppConfig;
let viaB: AlbWeightedAppConfig;
let denied: AlbWeightedAppConfig;
let env: ReturnType<typeof parseEnv>;
let dir = "";
let store: Store | undefined;
let rt: Runtime | undefined;

beforeAll(async () => {
  // On the wall clock: the credentials' expiry is compared with it.
  range = await startTestRange({ stsRoles: { [ROLE_A]: { externalId: "ext-a" }, [ROLE_B]: {} } }, Date.now());
  await seedAlb(range.url);
  const app = loadTealConfig("teal.config.yaml").applications.find((a) => a.pattern === "alb-weighted");
  if (app?.pattern !== "alb-weighted") throw new Error("teal.config.yaml has no alb-weighted application");
  base = app;
  viaA = { ...app, id: "catalog-a", assumeRole: { roleArn: ROLE_A, externalId: "ext-a" } };
  viaB = { ...app, id: "catalog-b", assumeRole: { roleArn: ROLE_B, sessionName: "teal-b" } };
  denied = { ...app, id: "catalog-denied", assumeRole: { roleArn: ROLE_A, externalId: "not-the-one" } };
  const apps = new Map([viaA, viaB, denied].map((a) => [a.id, a]));
  env = parseEnv({ AWS_ENDPOINT_URL: range.url, TEAL_READ_BUDGET: "off", TEAL_WAIT_SCALE: "0.1" });
  access = createAwsAccess(env, { roleOf: (id) => apps.get(id)?.assumeRole });
}, 60_000);

afterAll(async () => {
  await store?.close();
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The access keys of the requests since `seq` to `service`, and the AssumeRole requests among them. */
function keysSince(seq: number, service: string): Set<string> {
  return new Set((range.stats.requests ?? []).filter((r) => r.seq > seq && r.service === service).map((r) => r.accessKeyId ?? ""));
}

function assumeRoleCount(): number {
  return range.stats.services.sts?.operations.AssumeRole?.count ?? 0;
}

function sessionKey(roleArn: string): string[] {
  return [...(range.world.stsSessions?.values() ?? [])].filter((s) => s.roleArn === roleArn).map((s) => s.accessKeyId);
}

describe("an application with assumeRole", () => {
  it("is observed with its role's session, assumed once for every client set, and its plan's calls are signed with it too", async () => {
    const before = range.stats.total;
    const state = await observeWithPattern(access.pageClients(viaA.region, viaA.assumeRole), viaA);
    expect(state.configured.greenPercent).toBe(0);
    await observeWithPattern(access.patientClients(viaA.region, viaA.assumeRole), viaA);
    await observeWithPattern(access.clients(viaA.region, viaA.assumeRole), viaA);
    expect(assumeRoleCount()).toBe(1);
    const [keyA] = sessionKey(ROLE_A);
    expect(keyA).toMatch(/^ASIA/);
    expect(keysSince(before, "elbv2")).toEqual(new Set([keyA]));

    const planning = planningFor("alb-weighted");
    if (!planning) throw new Error("no alb-weighted planner");
    const result = planning.plan(state, { kind: "rollback" }, { waitScale: 1, region: viaA.region, assumeRoleOf: viaA.id, reassert: true });
    if (!result.ok) throw new Error(result.reason);
    const call = result.plan.steps.find((s) => s.call)?.call;
    expect(call?.assumeRoleOf).toBe(viaA.id);
    // The plan names the application, never the role's ARN (plans are shown in the browser).
    expect(JSON.stringify(result.plan)).not.toContain("arn:aws:iam");
    if (!call) throw new Error("the plan makes no call");
    const seq = range.stats.total;
    await access.gateway.call(call);
    const mutation = (range.stats.requests ?? []).filter((r) => r.seq > seq && r.mutating && r.service === "elbv2");
    expect(mutation.length).toBeGreaterThan(0);
    expect(new Set(mutation.map((r) => r.accessKeyId))).toEqual(new Set([keyA]));
    expect(assumeRoleCount()).toBe(1);
  });

  it("never shares credentials with another role's application or with the server's own", async () => {
    const before = range.stats.total;
    await observeWithPattern(access.pageClients(viaB.region, viaB.assumeRole), viaB);
    const [keyB] = sessionKey(ROLE_B);
    const [keyA] = sessionKey(ROLE_A);
    expect(keyB).toMatch(/^ASIA/);
    expect(keyB).not.toBe(keyA);
    expect(keysSince(before, "elbv2")).toEqual(new Set([keyB]));
    expect(range.world.stsSessions?.get(keyB ?? "")?.sessionName).toBe("teal-b");

    const own = range.stats.total;
    await observeWithPattern(access.pageClients(base.region), base);
    const ownKeys = keysSince(own, "elbv2");
    expect(ownKeys.size).toBe(1);
    expect([...ownKeys][0]).not.toMatch(/^ASIA/);
  });

  it("fails as denied, with no ARN or account id in the message, when the role refuses the external id", async () => {
    const err = await observeWithPattern(access.pageClients(denied.region, denied.assumeRole), denied).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect(isAppError(err) && err.code).toBe("forbidden");
    const text = isAppError(err) ? err.userMessage : String(err);
    expect(text).toContain("AssumeRole failed: AccessDenied");
    expect(text).not.toMatch(/arn:aws|\d{12}/);
  });

  it("assumes the role again only shortly before its credentials expire", async () => {
    let now = Date.now();
    const provider = assumedRoleCredentials(
      { roleArn: ROLE_B },
      { region: "us-east-1", endpoint: range.url, source: { accessKeyId: "test", secretAccessKey: "test" }, now: () => now },
    );
    const count = assumeRoleCount();
    const [first, again] = await Promise.all([provider(), provider()]);
    expect(again).toBe(first);
    expect(assumeRoleCount()).toBe(count + 1);
    const expiry = first.expiration?.getTime() ?? 0;
    now = expiry - REFRESH_MARGIN_MS - 1_000;
    expect(await provider()).toBe(first);
    now = expiry - REFRESH_MARGIN_MS + 1_000;
    const renewed = await provider();
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    expect(assumeRoleCount()).toBe(count + 2);
  });

  it("runs an operation through the engine with every call and wait check signed with the role's session", async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "teal-assume-role-"));
    store = await openStore(`file:${path.join(dir, "teal.db")}`);
    const apps = new Map([viaA, viaB, denied].map((a) => [a.id, a]));
    rt = {
      env,
      config: { applications: [viaA, viaB, denied] },
      store,
      engine: createEngine({ store, gateway: access.gateway }),
      ...access,
      app: (id) => apps.get(id),
    };
    // Green's instances boot and pass their health checks on the range's clock.
    for (let i = 0; i < 60; i++) {
      range.tick(10_000);
      await fetch(`${range.url}/_sim/health`);
    }
    const { result } = await planIntent(rt, viaA, { kind: "shift", greenPercent: 10 });
    if (!result.ok) throw new Error(result.reason);
    expect(result.plan.steps.every((s) => (s.call ?? s.wait)?.assumeRoleOf === viaA.id)).toBe(true);
    const before = range.stats.total;
    const started = await rt.engine.start({ plan: result.plan, actor: { id: "op", email: "op@example.com", role: "operator" }, reason: "canary" });
    expect(await runToEnd(store, started.operationId)).toBe("succeeded");
    const [keyA] = sessionKey(ROLE_A);
    const sent = (range.stats.requests ?? []).filter((r) => r.seq > before && r.service === "elbv2");
    expect(sent.map((r) => r.operation)).toEqual(expect.arrayContaining(["DescribeTargetHealth", "ModifyListener"]));
    expect(new Set(sent.map((r) => r.accessKeyId))).toEqual(new Set([keyA]));
    const state = await observeWithPattern(access.clients(viaA.region, viaA.assumeRole), viaA);
    expect(state.configured.greenPercent).toBe(10);
  }, 60_000);

  it("puts neither the role's ARN, its account nor the external id into a page's snapshot or the overview's summaries", async () => {
    if (!rt) throw new Error("the engine test builds the runtime");
    const service = createSnapshotService(rt, { sharedRefresh: false });
    const snapshot = await service.snapshot(viaA.id, 60);
    expect(snapshot.app).toEqual({ id: viaA.id, name: viaA.name, pattern: "alb-weighted", region: viaA.region });
    const summaries = await service.summaries();
    expect(summaries.map((s) => s.id).sort()).toEqual([denied.id, viaA.id, viaB.id].sort());
    // The refused role's application: its error is said, without the ARN STS's message names.
    expect(summaries.find((s) => s.id === denied.id)?.error).toMatch(/AssumeRole failed/);
    const shown = JSON.stringify([snapshot, summaries]);
    for (const secret of ["210987654321", "310987654321", "arn:aws:iam", "assumed-role", "ext-a", "not-the-one"]) expect(shown).not.toContain(secret);
  }, 60_000);
});
