// The command line's pipeline commands (`teal status|plan|shift|promote|rollback|wait|abort|resume|history`), run
// in-process as `npx teal` runs them, against the REST API's real route handlers: the CLI's fetch is
// a small router that hands each Request to the handler module Next would (the real store, engine
// and AWS clients, on the practice range with the demo world). The token is made by the CLI's own
// `teal token create`. `teal wait` pauses through the CLI's sleep, which here moves the range's
// hand-driven clock, so an operation's waits pass without waiting for real minutes.
import { createServer } from "node:net";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runTeal, type CliIo } from "@/scripts/teal-cli";
import { API_TOKEN_REFUSED_MESSAGE } from "@/lib/auth/api-caller";
import * as apps from "@/app/api/v1/apps/route";
import * as app from "@/app/api/v1/apps/[appId]/route";
import * as plans from "@/app/api/v1/apps/[appId]/plans/route";
import * as operations from "@/app/api/v1/apps/[appId]/operations/route";
import * as operation from "@/app/api/v1/operations/[id]/route";
import * as abort from "@/app/api/v1/operations/[id]/abort/route";
import * as resume from "@/app/api/v1/operations/[id]/resume/route";
import * as hold from "@/app/api/v1/operations/[id]/hold/route";
import * as continueRoute from "@/app/api/v1/operations/[id]/continue/route";
import * as approve from "@/app/api/v1/operations/[id]/approve/route";
import * as history from "@/app/api/v1/history/route";
import { startSecurityWorld, type SecurityWorld } from "@/test/security/harness";

vi.mock("next/headers", async () => (await import("@/test/security/fake-request")).fakeNextHeaders);

const BASE = "http://127.0.0.1:3000";

/** The path's one parameter, as Next hands it to the handler. */
function param(match: RegExpExecArray): string {
  return decodeURIComponent(match[1] ?? "");
}

/** The REST API's routes as Next maps them: method, path pattern, and the call of the handler module's export. */
const ROUTES: Array<[string, RegExp, (req: NextRequest, match: RegExpExecArray) => Promise<Response>]> = [
  ["GET", /^\/api\/v1\/apps$/, (req) => apps.GET(req)],
  ["GET", /^\/api\/v1\/apps\/([^/]+)$/, (req, m) => app.GET(req, { params: Promise.resolve({ appId: param(m) }) })],
  ["POST", /^\/api\/v1\/apps\/([^/]+)\/plans$/, (req, m) => plans.POST(req, { params: Promise.resolve({ appId: param(m) }) })],
  ["POST", /^\/api\/v1\/apps\/([^/]+)\/operations$/, (req, m) => operations.POST(req, { params: Promise.resolve({ appId: param(m) }) })],
  ["GET", /^\/api\/v1\/operations\/([^/]+)$/, (req, m) => operation.GET(req, { params: Promise.resolve({ id: param(m) }) })],
  ["POST", /^\/api\/v1\/operations\/([^/]+)\/abort$/, (req, m) => abort.POST(req, { params: Promise.resolve({ id: param(m) }) })],
  ["POST", /^\/api\/v1\/operations\/([^/]+)\/resume$/, (req, m) => resume.POST(req, { params: Promise.resolve({ id: param(m) }) })],
  ["POST", /^\/api\/v1\/operations\/([^/]+)\/hold$/, (req, m) => hold.POST(req, { params: Promise.resolve({ id: param(m) }) })],
  ["POST", /^\/api\/v1\/operations\/([^/]+)\/continue$/, (req, m) => continueRoute.POST(req, { params: Promise.resolve({ id: param(m) }) })],
  ["POST", /^\/api\/v1\/operations\/([^/]+)\/approve$/, (req, m) => approve.POST(req, { params: Promise.resolve({ id: param(m) }) })],
  ["GET", /^\/api\/v1\/history$/, (req) => history.GET(req)],
];

/** Every request the CLI sent, by method and path. */
const sent: string[] = [];

/** The CLI's fetch: the Request handed to the route handler that serves its method and path. */
async function dispatch(request: Request): Promise<Response> {
  const url = new URL(request.url);
  sent.push(`${request.method} ${url.pathname}`);
  for (const [method, pattern, serve] of ROUTES) {
    const match = pattern.exec(url.pathname);
    if (method === request.method && match) return serve(new NextRequest(request), match);
  }
  return new Response("<!doctype html><title>404</title>", { status: 404, headers: { "content-type": "text/html" } });
}

let w: SecurityWorld;
let token = "";

interface Ran {
  code: number;
  out: string[];
  err: string[];
}

/**
 * Runs `teal …` with TEAL_URL and TEAL_TOKEN set. `clock: "moves"` (the default): each pause of
 * the CLI moves the range's clock 10 s and lets the engine poll; "still": the range's clock stands
 * still (an operation's waits do not pass). The CLI's own clock counts its pauses.
 */
async function teal(
  argv: string[],
  opts: { env?: Record<string, string | undefined>; clock?: "moves" | "still"; fetch?: CliIo["fetch"] } = {},
): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  let virtualMs = 0;
  const io: CliIo = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { ...process.env, TEAL_URL: BASE, TEAL_TOKEN: token, ...opts.env },
    cwd: process.cwd(),
    fetch: "fetch" in opts ? opts.fetch : dispatch,
    now: () => virtualMs,
    sleep: async (ms) => {
      virtualMs += ms;
      if (opts.clock !== "still") {
        w.range.tick(10_000);
        await fetch(`${w.range.url}/_sim/health`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
  const code = await runTeal(argv, io);
  return { code, out, err };
}

/** An operation id alone on stdout, as `id=$(npx teal shift …)` captures it. */
function operationIdOf(ran: Ran): string {
  expect(ran.code, ran.err.join("\n")).toBe(0);
  expect(ran.out).toHaveLength(1);
  expect(ran.out[0]).toMatch(/^[A-Za-z0-9_-]+$/);
  return ran.out[0] ?? "";
}

async function faults(body: unknown | null): Promise<void> {
  const res = await fetch(`${w.range.url}/_sim/faults`, body === null ? { method: "DELETE" } : { method: "POST", body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

/** Puts shop back on blue (through the CLI) if a test left it elsewhere. */
async function backToBlue(): Promise<void> {
  const rolled = await teal(["rollback", "shop", "--reason", "test cleanup"]);
  expect(rolled.code, rolled.err.join("\n")).toBe(0);
  const [id] = rolled.out;
  if (id !== undefined) expect((await teal(["wait", id])).code).toBe(0);
}

beforeAll(async () => {
  w = await startSecurityWorld();
  w.as("none");
  const created = await teal(["token", "create", "--name", "ci", "--role", "operator"]);
  expect(created.code, created.err.join("\n")).toBe(0);
  token = created.out[0] ?? "";
  expect(token).toMatch(/^teal_api_/);
}, 120_000);

afterAll(async () => {
  await w?.close();
});

describe("teal's pipeline commands against the REST API", () => {
  it("shifts shop to 25 %, waits, shows it at 25 %, rolls back, waits, and lists both in history", async () => {
    const started = await teal(["shift", "shop", "25", "--reason", "release 42"]);
    const id = operationIdOf(started);
    expect(started.err.join("\n")).toContain(`Operation ${id}`);
    const op = await w.store.getOperation(id);
    expect(op?.intent).toEqual({ kind: "shift", greenPercent: 25 });
    expect(op?.actor.email).toBe("token ci");
    expect(op?.reason).toBe("release 42");

    const waited = await teal(["wait", id]);
    expect(waited.code, waited.err.join("\n")).toBe(0);
    expect(waited.out).toEqual([]);
    expect(waited.err.at(-1)).toBe(`Operation ${id} succeeded.`);
    // Each step was reported as it changed: every one of them ends succeeded.
    const steps = (await w.store.getOperation(id))?.steps ?? [];
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) expect(waited.err).toContain(`  succeeded ${step.index + 1}/${steps.length} ${step.title}`);

    await expect
      .poll(async () => (await teal(["status"])).out.find((l) => l.startsWith("shop ")) ?? "", { timeout: 20_000 })
      .toMatch(/^shop\s+dns-weighted\s+green 25 %.*no operation running$/);
    const one = await teal(["status", "shop"]);
    expect(one.code).toBe(0);
    expect(one.out.find((l) => l.startsWith("split:"))).toMatch(/^split:\s+green 25 % configured/);
    expect(one.out.find((l) => l.startsWith("operation:"))).toBe(`operation:     ${id} succeeded: ${op?.summary ?? "?"}`);

    const rolled = await teal(["rollback", "shop", "--reason", "smoke test failed"]);
    const rollbackId = operationIdOf(rolled);
    expect((await w.store.getOperation(rollbackId))?.intent).toEqual({ kind: "rollback" });
    expect((await teal(["wait", rollbackId])).code).toBe(0);
    await expect
      .poll(async () => (await teal(["status", "shop"])).out.find((l) => l.startsWith("split:")) ?? "")
      .toMatch(/^split:\s+green 0 % configured/);

    const hist = await teal(["history", "shop", "--limit", "2"]);
    expect(hist.code).toBe(0);
    expect(hist.out).toHaveLength(2);
    expect(hist.out[0]).toMatch(new RegExp(`${rollbackId}\\s+shop\\s+rollback\\s+succeeded\\s+token ci\\s+smoke test failed$`));
    expect(hist.out[1]).toMatch(new RegExp(`${id}\\s+shop\\s+shift to 25 %\\s+succeeded\\s+token ci\\s+release 42$`));
  }, 120_000);

  it("previews a plan's steps in words and starts nothing", async () => {
    const before = (await w.store.listOperations({ limit: 500 })).length;
    const planned = await teal(["plan", "shop", "40"]);
    expect(planned.code, planned.err.join("\n")).toBe(0);
    expect(planned.out[0]).toMatch(/^Shift shop: .*40 %/);
    expect(planned.out.filter((l) => /^ +\d+\. .+\[route53 ChangeResourceRecordSets\]$/.test(l))).toHaveLength(1);
    expect(planned.out.at(-1)).toMatch(/^State version: \S+/);
    expect((await w.store.listOperations({ limit: 500 })).length).toBe(before);
  });

  it("exits 4 with the API's own message for a token Teal does not know, and with one line when the server cannot be reached", async () => {
    const refused = await teal(["status"], { env: { TEAL_TOKEN: "teal_api_" + "A".repeat(43) } });
    expect(refused.code).toBe(4);
    expect(refused.err).toEqual([`teal: ${API_TOKEN_REFUSED_MESSAGE}`]);
    expect(refused.out).toEqual([]);

    // A port nobody listens on, through the real global fetch.
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    const unreachable = await teal(["wait", "op_123", "--url", `http://127.0.0.1:${port}`], { fetch: undefined });
    expect(unreachable.code).toBe(4);
    expect(unreachable.err.at(-1)).toBe(`teal: could not reach Teal at http://127.0.0.1:${port}: ECONNREFUSED`);
  });

  it("exits 1 when the operation it waits for fails, naming the failure", async () => {
    // Route 53 refuses every weight change: the shift's first call fails for good.
    await faults({ rules: [{ service: "route53", operation: "ChangeResourceRecordSets", errorRate: 1 }] });
    try {
      const id = operationIdOf(await teal(["shift", "shop", "10", "--reason", "doomed"]));
      const waited = await teal(["wait", id]);
      expect(waited.code, waited.err.join("\n")).toBe(1);
      expect(await w.store.getOperationStatus(id)).toBe("failed");
      expect(waited.err.at(-1)).toMatch(new RegExp(`^Operation ${id} failed: .+\\.$`));
      expect(waited.err.some((l) => l.startsWith("  failed "))).toBe(true);
    } finally {
      await faults(null);
    }
    await backToBlue();
  }, 120_000);

  it("aborts a running operation, and resumes a failed one from the step it failed in", async () => {
    // The range's clock stands still, so the shift waits on its first change and is still running.
    const running = operationIdOf(await teal(["shift", "shop", "15", "--reason", "to be stopped"]));
    const aborted = await teal(["abort", running, "--reason", "wrong build"], { clock: "still" });
    expect(operationIdOf(aborted)).toBe(running);
    expect(aborted.err.at(-1)).toMatch(new RegExp(`^Operation ${running} \\w+: .+; it stops at its next check between steps\\.`));
    const waitedOut = await teal(["wait", running]);
    expect(waitedOut.code, waitedOut.err.join("\n")).toBe(1);
    expect(await w.store.getOperationStatus(running)).toBe("aborted");
    await backToBlue();

    await faults({ rules: [{ service: "route53", operation: "ChangeResourceRecordSets", errorRate: 1 }] });
    let failed = "";
    try {
      failed = operationIdOf(await teal(["shift", "shop", "10", "--reason", "flaky route 53"]));
      expect((await teal(["wait", failed])).code).toBe(1);
    } finally {
      await faults(null);
    }
    const resumed = await teal(["resume", failed, "--reason", "route 53 is back"]);
    expect(operationIdOf(resumed)).toBe(failed);
    expect(resumed.err.at(-1)).toContain("it goes on from the step it stopped in");
    const waited = await teal(["wait", failed]);
    expect(waited.code, waited.err.join("\n")).toBe(0);
    expect(await w.store.getOperationStatus(failed)).toBe("succeeded");
    // Nothing to resume or abort any more: Teal's refusal is printed, exit 1.
    const again = await teal(["resume", failed]);
    expect(again.code).toBe(1);
    expect(again.err).toHaveLength(1);
    expect((await teal(["abort", "op_does_not_exist"])).code).toBe(1);
    await backToBlue();
  }, 120_000);

  it("starts a progressive delivery and holds, continues and approves it", async () => {
    const bad = await teal(["deliver", "shop", "--steps", "10,fifty,100", "--reason", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.err.join("\n")).toContain("--steps takes whole percents");
    const refused = await teal(["deliver", "shop", "--steps", "50,10,100", "--reason", "x"]);
    expect(refused.code).toBe(1);
    expect(refused.err.join("\n")).toContain("steps must be strictly increasing");
    // A gate before the first step: the delivery waits there, the range's clock standing still.
    const id = operationIdOf(
      await teal(["deliver", "shop", "--steps", "10,100", "--gates", "manual,auto", "--bake", "60", "--reason", "release 44"], { clock: "still" }),
    );
    const op = await w.store.getOperation(id);
    expect(op?.intent).toEqual({ kind: "progressive", steps: [10, 100], gates: ["manual", "auto"], bakeSeconds: 60 });
    const held = await teal(["hold", id, "--reason", "checking"], { clock: "still" });
    expect(operationIdOf(held)).toBe(id);
    expect(held.err.at(-1)).toContain("until continued");
    expect((await teal(["hold", id], { clock: "still" })).code).toBe(1);
    expect(operationIdOf(await teal(["continue", id], { clock: "still" }))).toBe(id);
    expect(operationIdOf(await teal(["approve", id, "--reason", "go"], { clock: "still" }))).toBe(id);
    const actions = (await w.store.listAudit({ operationId: id })).map((r) => r.action);
    for (const a of ["progressive.held", "progressive.continued", "progressive.approved"] as const) expect(actions).toContain(a);
    expect(operationIdOf(await teal(["abort", id, "--reason", "test over"], { clock: "still" }))).toBe(id);
    await w.rt.engine.whenIdle(id);
    await backToBlue();
  }, 120_000);

  it("prints the same operation id for a replayed --idempotency-key and starts nothing new", async () => {
    const count = async () => (await w.store.listOperations({ appId: "shop", limit: 500 })).length;
    const argv = ["shift", "shop", "30", "--reason", "release 43", "--idempotency-key", "release-43-shift"];
    const first = operationIdOf(await teal(argv));
    const before = await count();
    const again = await teal(argv);
    expect(operationIdOf(again)).toBe(first);
    expect(again.err.join("\n")).toContain("nothing new started");
    expect(await count()).toBe(before);
    // The same key with another request is refused with the API's message, and starts nothing.
    const reused = await teal(["shift", "shop", "35", "--reason", "release 43", "--idempotency-key", "release-43-shift"]);
    expect(reused.code).toBe(1);
    expect(reused.err).toEqual(["teal: This Idempotency-Key was used for another request. Use a new key for a new request."]);
    expect(await count()).toBe(before);
    expect((await teal(["wait", first])).code).toBe(0);
    await backToBlue();
  }, 120_000);

  it("exits 3 when the operation is still going at --timeout, and the operation goes on", async () => {
    const id = operationIdOf(await teal(["shift", "shop", "20", "--reason", "slow one"]));
    const waited = await teal(["wait", id, "--timeout", "5", "--interval", "2"], { clock: "still" });
    expect(waited.code, waited.err.join("\n")).toBe(3);
    expect(waited.err.at(-1)).toMatch(new RegExp(`^teal: gave up waiting after 5 s; operation ${id} is (pending|running) and goes on\\.$`));
    expect((await teal(["wait", id])).code).toBe(0);
    await backToBlue();
  }, 120_000);

  it("exits 2 on usage errors, sending nothing to Teal", async () => {
    sent.length = 0;
    const usage: string[][] = [
      ["launch"],
      ["shift", "shop", "25"],
      ["shift", "shop", "101", "--reason", "too far"],
      ["shift", "shop", "--reason", "no share"],
      ["shift", "Shop!", "25", "--reason", "bad id"],
      ["shift", "shop", "25", "--reason", "x", "--idempotency-key", "has space"],
      ["rollback", "shop", "--reason", "x", "--force"],
      ["wait"],
      ["wait", "op_1", "--timeout", "soon"],
      ["abort"],
      ["resume", "op_1", "op_2"],
      ["abort", "not an id!"],
      ["history", "--limit", "0"],
      ["status", "shop", "extra"],
    ];
    for (const argv of usage) {
      const ran = await teal(argv);
      expect(ran.code, argv.join(" ")).toBe(2);
      expect(ran.out, argv.join(" ")).toEqual([]);
    }
    const noUrl = await teal(["status"], { env: { TEAL_URL: undefined } });
    expect(noUrl.code).toBe(2);
    expect(noUrl.err[0]).toMatch(/^teal: no server: set TEAL_URL/);
    const noToken = await teal(["status"], { env: { TEAL_TOKEN: "" } });
    expect(noToken.code).toBe(2);
    expect(sent).toEqual([]);
    // --help is no usage error: it names the exit codes.
    const help = await teal(["wait", "--help"]);
    expect(help.code).toBe(0);
    expect(help.err.join("\n")).toMatch(/3 +teal wait gave up at --timeout/);
  });
});
