// The REST API driven as a pipeline drives it: a token made by the `teal token create` command's
// code, requests sent to the route handlers with only an Authorization header (no session), on
// the practice range with the demo world. Every answer is checked against the OpenAPI document the
// API serves, with a JSON Schema validator, so the document describes what the handlers answer.
import { Ajv2020 } from "ajv/dist/2020.js";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isTerminalStatus, type OperationStatus } from "@/lib/domain/operation-status";
import { runTeal } from "@/scripts/teal-cli";
import * as apps from "@/app/api/v1/apps/route";
import * as app from "@/app/api/v1/apps/[appId]/route";
import * as plans from "@/app/api/v1/apps/[appId]/plans/route";
import * as operations from "@/app/api/v1/apps/[appId]/operations/route";
import * as operation from "@/app/api/v1/operations/[id]/route";
import * as abort from "@/app/api/v1/operations/[id]/abort/route";
import * as hold from "@/app/api/v1/operations/[id]/hold/route";
import * as resume from "@/app/api/v1/operations/[id]/continue/route";
import * as approve from "@/app/api/v1/operations/[id]/approve/route";
import * as history from "@/app/api/v1/history/route";
import * as openapi from "@/app/api/v1/openapi.json/route";
import { ADMIN, startSecurityWorld, type SecurityWorld } from "@/test/security/harness";
import { RELEASE_JUDGE_ACTOR, startJudgeRollback } from "@/lib/runtime/progressive-rollback";
import { fakeHeaders } from "@/test/security/fake-request";

vi.mock("next/headers", async () => (await import("@/test/security/fake-request")).fakeNextHeaders);

let w: SecurityWorld;
let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>> };
const ajv = new Ajv2020({ strict: false, allErrors: true });

/** What the command printed: the secret on stdout, the words on stderr; and its exit code. */
async function teal(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTeal(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: process.env, cwd: process.cwd() });
  return { code, out, err };
}

async function tokenFromCli(...argv: string[]): Promise<string> {
  const { code, out, err } = await teal("token", "create", ...argv);
  expect(code, err.join("\n")).toBe(0);
  expect(out).toHaveLength(1);
  return out[0] ?? "";
}

interface Sent {
  status: number;
  body: unknown;
  headers: Headers;
}

/**
 * Sends one request to a handler as a pipeline would (no cookie), and checks the answer against
 * the schema the document gives for this path, method and status.
 */
async function send<P extends Record<string, string>>(
  template: string,
  handler: (req: NextRequest, ctx: { params: Promise<P> }) => Promise<Response>,
  opts: {
    method?: "GET" | "POST";
    token?: string;
    url?: string;
    params?: P;
    body?: unknown;
    rawBody?: string;
    key?: string;
    session?: "operator";
    origin?: string;
  },
): Promise<Sent> {
  w.as(opts.session ?? "none");
  const method = opts.method ?? "GET";
  const headers = fakeHeaders();
  // As a client sends it: the Host it dialled (Next rewrites 127.0.0.1 in the URL to localhost).
  headers.set("host", "127.0.0.1:3000");
  if (opts.origin) headers.set("origin", opts.origin);
  if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  if (opts.key) headers.set("idempotency-key", opts.key);
  const text = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (text !== undefined) headers.set("content-type", "application/json");
  const req = new NextRequest(new URL(opts.url ?? template, "http://127.0.0.1:3000"), {
    method,
    headers,
    ...(text !== undefined ? { body: text } : {}),
  });
  const params = opts.params ?? ({} as P);
  const res = await handler(req, { params: Promise.resolve(params) });
  const body: unknown = await res.json();
  const described = doc.paths[template]?.[method.toLowerCase()]?.responses[String(res.status)];
  expect(described, `${method} ${template} answered ${res.status}, which the document does not describe: ${JSON.stringify(body)}`).toBeDefined();
  const ref = described?.content?.["application/json"]?.schema.$ref;
  if (ref) {
    const validate = ajv.getSchema(`teal-api${ref}`);
    if (!validate) throw new Error(`no schema ${ref}`);
    expect(validate(body), `${method} ${template} ${res.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  }
  return { status: res.status, body, headers: res.headers };
}

interface SentOperation {
  id: string;
  status: OperationStatus;
  actor: { email: string };
  intent: { kind: string };
}

function operationOf(sent: Sent): SentOperation {
  return (sent.body as { operation: SentOperation }).operation;
}

/** Polls the operation through the API while the range's clock moves, until it ends. */
async function follow(token: string, id: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const sent = await send("/api/v1/operations/{id}", operation.GET, { token, url: `/api/v1/operations/${id}`, params: { id } });
    expect(sent.status).toBe(200);
    const { status } = operationOf(sent);
    if (isTerminalStatus(status)) {
      await w.rt.engine.whenIdle(id);
      return status;
    }
    w.range.tick(10_000);
    await fetch(`${w.range.url}/_sim/health`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`operation ${id} did not end`);
}

beforeAll(async () => {
  w = await startSecurityWorld();
  const res = await openapi.GET();
  expect(res.status).toBe(200);
  doc = (await res.json()) as typeof doc;
  // Every component schema compiles (the document is valid JSON Schema 2020-12), under one id.
  ajv.addSchema(doc, "teal-api");
  ajv.compile({ $ref: "teal-api#/components/schemas/OperationAnswer" });
}, 120_000);

afterAll(async () => {
  await w?.close();
});

describe("the REST API, driven by a pipeline's token", () => {
  it("shifts shop to 25 %, follows it, rolls back, and reads both in history under the token's name", async () => {
    const token = await tokenFromCli("--name", "ci", "--role", "operator");
    expect(token).toMatch(/^teal_api_[A-Za-z0-9_-]{43}$/);

    const list = await send("/api/v1/apps", apps.GET, { token });
    expect(list.status).toBe(200);
    expect((list.body as { apps: { id: string }[] }).apps.map((a) => a.id)).toContain("shop");
    const snapshot = await send("/api/v1/apps/{appId}", app.GET, { token, url: "/api/v1/apps/shop", params: { appId: "shop" } });
    expect(snapshot.status).toBe(200);

    const shift = { intent: { kind: "shift", greenPercent: 25 } };
    const plan = await send("/api/v1/apps/{appId}/plans", plans.POST, {
      method: "POST",
      token,
      url: "/api/v1/apps/shop/plans",
      params: { appId: "shop" },
      body: shift,
    });
    expect(plan.body).toMatchObject({ ok: true, plan: { after: { greenPercent: 25 } } });
    const version = (plan.body as { version: string }).version;

    const request = { ...shift, reason: "release 42", expectedVersion: version };
    const post = (body: unknown, key: string) =>
      send("/api/v1/apps/{appId}/operations", operations.POST, {
        method: "POST",
        token,
        url: "/api/v1/apps/shop/operations",
        params: { appId: "shop" },
        body,
        key,
      });
    const started = await post(request, "release-42-shift");
    expect(started.status).toBe(202);
    const op = operationOf(started);
    expect(op.actor.email).toBe("token ci");

    // The same request with the same key (a retried call) answers the first answer and starts nothing.
    const again = await post(request, "release-42-shift");
    expect(again.status).toBe(202);
    expect(operationOf(again).id).toBe(op.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await w.store.listOperations({ appId: "shop" })).filter((o) => o.reason === "release 42")).toHaveLength(1);
    // The same key with another body is refused, and starts nothing either.
    const reused = await post({ ...request, reason: "release 43" }, "release-42-shift");
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ error: { code: "idempotency_key_reused" } });

    expect(await follow(token, op.id)).toBe("succeeded");

    const rolledBack = await post({ intent: { kind: "rollback" }, reason: "smoke test failed" }, "release-42-rollback");
    expect(rolledBack.status).toBe(202);
    const rollbackOp = operationOf(rolledBack);
    expect(await follow(token, rollbackOp.id)).toBe("succeeded");

    const read = await send("/api/v1/history", history.GET, { token, url: "/api/v1/history?app=shop&actor=token%20ci" });
    const ops = (read.body as { operations: { id: string; actor: { email: string }; intent: { kind: string }; status: string }[] }).operations;
    expect(ops.slice(0, 2).map((o) => [o.id, o.intent.kind, o.status, o.actor.email])).toEqual([
      [rollbackOp.id, "rollback", "succeeded", "token ci"],
      [op.id, "shift", "succeeded", "token ci"],
    ]);
    // The journal's audit records name the token too, and the token's last use is kept.
    const audit = await w.store.listAudit({ appId: "shop", action: ["operation.started"], limit: 2 });
    expect(audit.map((a) => a.actor?.email)).toEqual(["token ci", "token ci"]);
    expect((await w.store.listApiTokens()).find((t) => t.name === "ci")?.lastUsedAt).not.toBeNull();
  }, 120_000);

  it("refuses a revoked token and an expired one with 401", async () => {
    const token = await tokenFromCli("--name", "short-lived", "--role", "viewer");
    expect((await send("/api/v1/apps", apps.GET, { token })).status).toBe(200);
    const revoked = await teal("token", "revoke", "short-lived");
    expect(revoked.code, revoked.err.join("\n")).toBe(0);
    const refused = await send("/api/v1/apps", apps.GET, { token });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { code: "unauthenticated" } });

    const { generateApiSecret, hashApiSecret } = await import("@/lib/auth/api-token");
    const expired = generateApiSecret();
    await w.store.createApiToken({
      name: "expired",
      role: "operator",
      apps: null,
      tokenHash: hashApiSecret(expired),
      createdBy: ADMIN,
      expiresAt: new Date(Date.now() - 1_000).toISOString(),
    });
    expect((await send("/api/v1/apps", apps.GET, { token: expired })).status).toBe(401);
    // A token of the right shape that Teal never issued, and a kiosk token, are no API tokens either.
    expect((await send("/api/v1/apps", apps.GET, { token: generateApiSecret() })).status).toBe(401);
    expect((await send("/api/v1/apps", apps.GET, { token: w.kioskSecret })).status).toBe(401);
  });

  it("keeps a token limited to one application off the others (403), and lists only its own", async () => {
    const token = await tokenFromCli("--name", "shop-only", "--role", "operator", "--apps", "shop");
    const other = await send("/api/v1/apps/{appId}", app.GET, { token, url: "/api/v1/apps/payments-api", params: { appId: "payments-api" } });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ error: { code: "forbidden" } });
    const before = await w.store.listOperations({ appId: "payments-api" });
    const start = await send("/api/v1/apps/{appId}/operations", operations.POST, {
      method: "POST",
      token,
      url: "/api/v1/apps/payments-api/operations",
      params: { appId: "payments-api" },
      body: { intent: { kind: "scale-green", capacity: 2 }, reason: "not mine" },
    });
    expect(start.status).toBe(403);
    expect(await w.store.listOperations({ appId: "payments-api" })).toEqual(before);
    const listed = await send("/api/v1/apps", apps.GET, { token });
    expect((listed.body as { apps: { id: string }[] }).apps.map((a) => a.id)).toEqual(["shop"]);
    const hist = await send("/api/v1/history", history.GET, { token, url: "/api/v1/history?app=payments-api" });
    expect(hist.status).toBe(403);
    const own = await send("/api/v1/apps/{appId}", app.GET, { token, url: "/api/v1/apps/shop", params: { appId: "shop" } });
    expect(own.status).toBe(200);

    // Every read the token made is in the audit log under its name, with what it read; its refused
    // reads are there as refusals. A person's reads through the console are not audited.
    const audit = await w.store.listAudit({ actorEmail: "token shop-only", limit: 20 });
    const reads = audit.filter((a) => a.action === "token.used").map((a) => [a.appId, a.after]);
    expect(reads.reverse()).toEqual([
      [null, { method: "GET", path: "/api/v1/apps" }],
      ["shop", { method: "GET", path: "/api/v1/apps/shop" }],
    ]);
    const refusals = audit.filter((a) => a.action === "action.refused").map((a) => a.after);
    expect(refusals).toEqual([
      { capability: "read", code: "forbidden" },
      { capability: "shift", code: "forbidden" },
      { capability: "read", code: "forbidden" },
    ]);
  });

  it("refuses a bad body with 400 and a role above the token's with 403, starting nothing", async () => {
    const token = await tokenFromCli("--name", "reader", "--role", "viewer");
    const operator = await tokenFromCli("--name", "deployer", "--role", "operator");
    const before = (await w.store.listOperations({ limit: 500 })).length;
    const to = (t: string, body: unknown) =>
      send("/api/v1/apps/{appId}/operations", operations.POST, {
        method: "POST",
        token: t,
        url: "/api/v1/apps/shop/operations",
        params: { appId: "shop" },
        body,
      });
    const bad = await to(operator, { intent: { kind: "shift", greenPercent: 101 }, reason: "too far" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: "invalid" } });
    expect((await to(operator, { intent: { kind: "shift", greenPercent: 30 } })).status).toBe(400);
    const viewer = await to(token, { intent: { kind: "shift", greenPercent: 30 }, reason: "not allowed" });
    expect(viewer.status).toBe(403);
    // A body nested deeper than anything recursive on the server could walk (JSON.stringify, the
    // request's hash for its Idempotency-Key) is refused before any of it runs, not answered 500.
    const depth = 8_000;
    const deep = await send("/api/v1/apps/{appId}/operations", operations.POST, {
      method: "POST",
      token: operator,
      url: "/api/v1/apps/shop/operations",
      params: { appId: "shop" },
      key: "deep-body-1",
      rawBody: `{"intent":{"kind":"shift","greenPercent":30},"reason":${"[".repeat(depth)}${"]".repeat(depth)}}`,
    });
    expect(deep.status).toBe(400);
    expect(deep.body).toMatchObject({ error: { code: "invalid" } });
    expect((await w.store.listOperations({ limit: 500 })).length).toBe(before);
  });

  it("starts a progressive delivery, holds it, continues it and approves its gate; refuses bad steps and ecs-rolling", async () => {
    const token = await tokenFromCli("--name", "progressive", "--role", "operator");
    const responder = await tokenFromCli("--name", "progressive-responder", "--role", "responder");
    const start = (appId: string, intent: unknown) =>
      send("/api/v1/apps/{appId}/operations", operations.POST, {
        method: "POST",
        token,
        url: `/api/v1/apps/${appId}/operations`,
        params: { appId },
        body: { intent, reason: "progressive release" },
      });
    const before = (await w.store.listOperations({ limit: 500 })).length;
    const unordered = await start("shop", { kind: "progressive", steps: [50, 10, 100] });
    expect(unordered.status).toBe(400);
    expect(unordered.body).toMatchObject({
      error: { code: "invalid", message: expect.stringMatching(/intent.steps: steps must be strictly increasing/) },
    });
    expect((await start("shop", { kind: "progressive", preset: "canary10Percent5Minutes", bakeSeconds: 90_000 })).status).toBe(400);
    const rolling = await start("notifications", { kind: "progressive" });
    expect(rolling.status).toBe(400);
    expect(rolling.body).toMatchObject({ error: { code: "invalid", message: expect.stringMatching(/no traffic control/) } });
    expect((await w.store.listOperations({ limit: 500 })).length).toBe(before);

    const started = await start("shop", { kind: "progressive", steps: [10, 100], bakeSeconds: 60, gates: ["manual", "auto"] });
    expect(started.status).toBe(202);
    const { id } = operationOf(started);
    const signal = (path: string, handler: typeof hold.POST, as = token) =>
      send(`/api/v1/operations/{id}/${path}`, handler, {
        method: "POST",
        token: as,
        url: `/api/v1/operations/${id}/${path}`,
        params: { id },
        body: {},
      });
    const waitingAtGate = async () => {
      for (let i = 0; i < 100; i++) {
        const op = await w.store.getOperation(id);
        if (op?.steps.find((s) => s.status === "running")?.id === "step1-gate") return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error("the delivery never reached its gate");
    };
    await waitingAtGate();
    // Neither held nor baking: nothing to continue. A responder may not hold (operators and up).
    expect((await signal("continue", resume.POST)).status).toBe(409);
    expect((await signal("hold", hold.POST, responder)).status).toBe(403);
    expect((await signal("hold", hold.POST)).status).toBe(202);
    expect((await signal("hold", hold.POST)).status).toBe(409);
    expect((await signal("continue", resume.POST)).status).toBe(202);
    const approved = await signal("approve", approve.POST);
    expect(approved.status).toBe(202);
    const audit = await w.store.listAudit({ operationId: id, action: ["progressive.held", "progressive.continued", "progressive.approved"] });
    expect(audit.map((r) => [r.action, r.actor?.email, (r.after as { trafficStep?: number } | null)?.trafficStep])).toEqual([
      ["progressive.approved", "token progressive", 0],
      ["progressive.continued", "token progressive", 0],
      ["progressive.held", "token progressive", 0],
    ]);
    expect((await signal("abort", abort.POST)).status).toBe(202);
    await w.rt.engine.whenIdle(id);
    expect((await signal("approve", approve.POST)).status).toBe(409);

    // What the server's engine runs when a bake's judge fails: a rollback by the judge, naming why.
    const shifted = await start("shop", { kind: "shift", greenPercent: 10 });
    expect(await follow(token, operationOf(shifted).id)).toBe("succeeded");
    const halt = {
      operationId: id,
      appId: "shop",
      trafficStep: 0,
      greenPercent: 10,
      evidence: { periods: 3, alpha: 0.01, alphaPerMetric: 0.005, verdict: "fail" as const, metrics: [] },
    };
    const { operationId: rollbackId } = await startJudgeRollback(w.rt, halt);
    const rollback = await w.store.getOperation(rollbackId);
    expect(rollback).toMatchObject({ intent: { kind: "rollback" }, actor: { email: RELEASE_JUDGE_ACTOR.email } });
    expect(rollback?.reason).toContain(`the release judge failed green at 10 % on its metrics (progressive delivery ${id})`);
    expect(await follow(token, rollbackId)).toBe("succeeded");
  }, 120_000);

  it("acts for a signed-in person only from Teal's own pages: another site's POST with the session cookie is refused 403", async () => {
    const before = (await w.store.listOperations({ limit: 500 })).length;
    const start = (origin: string | undefined) =>
      send("/api/v1/apps/{appId}/operations", operations.POST, {
        method: "POST",
        session: "operator",
        ...(origin === undefined ? {} : { origin }),
        url: "/api/v1/apps/shop/operations",
        params: { appId: "shop" },
        body: { intent: { kind: "shift", greenPercent: 10 }, reason: "from elsewhere" },
      });
    for (const origin of [undefined, "https://attacker.example", "null", "http://127.0.0.1:3001"]) {
      const refused = await start(origin);
      expect(refused.status, String(origin)).toBe(403);
      expect(refused.body).toMatchObject({ error: { code: "forbidden" } });
    }
    expect((await w.store.listOperations({ limit: 500 })).length).toBe(before);
    // The same person from Teal's own origin may preview a plan (it starts nothing).
    const own = await send("/api/v1/apps/{appId}/plans", plans.POST, {
      method: "POST",
      session: "operator",
      origin: "http://127.0.0.1:3000",
      url: "/api/v1/apps/shop/plans",
      params: { appId: "shop" },
      body: { intent: { kind: "shift", greenPercent: 10 } },
    });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
  });
});
