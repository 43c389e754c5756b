// No AWS account id or ARN from an AWS error ever reaches a browser. A front in front of the
// practice range answers chosen AWS calls with the errors real AWS sends (AccessDenied naming the
// caller's role ARN and account, a 500 quoting a resource ARN), in each service's own wire shape;
// then every route and every action is called, including reads of an operation that failed on
// such an error, and no response or action result may contain the account id or an ARN.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SimApiError } from "@/range/protocols/errors";
import type { SimHttpRequest } from "@/range/protocols/http";
import { operationName, resolveService, serviceError } from "@/range/protocols/server";
import type { TestRange } from "@/test/support/range";
import { ACTIONS, discoverActions, discoverRoutes, ROUTES, type HttpMethod } from "./capabilities";
import { fakeHeaders } from "./fake-request";
import { startSecurityWorld, type SecurityWorld } from "./harness";

vi.mock("next/headers", async () => (await import("./fake-request")).fakeNextHeaders);

const ACCOUNT = "210987654321";
const DENIED = `User: arn:aws:sts::${ACCOUNT}:assumed-role/teal-deployer/session-1 is not authorized to perform this operation on resource: arn:aws:route53:::hostedzone/Z0${ACCOUNT} with an explicit deny in an identity-based policy`;
const BROKEN = `Internal failure while updating arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/shop-green (account ${ACCOUNT})`;

/** Which calls the front fails: none, every call (AccessDenied), or mutations only (500). */
let mode: "off" | "deny-all" | "break-writes" = "off";
let front: Server | undefined;

function isWrite(operation: string): boolean {
  return !/^(Describe|List|Get)/.test(operation);
}

async function startFront(range: TestRange): Promise<string> {
  front = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        let body = Buffer.concat(chunks);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
        if ((headers["content-encoding"] ?? "").includes("gzip") && body.length > 0) {
          body = gunzipSync(body);
          delete headers["content-encoding"];
        }
        const url = new URL(req.url ?? "/", "http://front.local");
        const simReq: SimHttpRequest = {
          method: req.method ?? "GET",
          path: url.pathname,
          query: url.searchParams,
          headers,
          body,
          remoteAddress: "127.0.0.1",
        };
        const service = resolveService(simReq);
        const operation = service ? operationName(service, simReq) : "";
        const fail = service !== undefined && (mode === "deny-all" || (mode === "break-writes" && isWrite(operation)));
        const out = fail
          ? serviceError(
              range.world,
              service,
              simReq,
              mode === "deny-all" ? new SimApiError("AccessDenied", DENIED, 403) : new SimApiError("InternalFailure", BROKEN, 500),
            )
          : await range.handle(simReq);
        const payload = typeof out.body === "string" ? Buffer.from(out.body, "utf8") : out.body;
        res.writeHead(out.status, { ...out.headers, "content-length": String(payload.length) });
        res.end(payload);
      })().catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
  });
  const server = front;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const actions = await discoverActions();
const routes = await discoverRoutes();
let w: SecurityWorld;

beforeAll(async () => {
  w = await startSecurityWorld({ frontFor: startFront });
}, 120_000);

afterAll(async () => {
  mode = "off";
  await w?.close();
  await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
});

/** Fails with the place it leaked when `text` carries the account id or an ARN. */
function expectNoLeak(where: string, text: string): void {
  expect(text.includes(ACCOUNT), `${where} leaks the AWS account id: ${text.slice(0, 400)}`).toBe(false);
  expect(/arn:aws/.test(text), `${where} leaks an ARN: ${text.slice(0, 400)}`).toBe(false);
}

/** Calls every route case as an admin (the widest view) and checks each body. */
async function everyRouteLeaksNothing(): Promise<number> {
  let checked = 0;
  for (const route of routes) {
    const spec = ROUTES[route.file];
    if (!spec || "excluded" in spec) continue;
    for (const [method, cases] of Object.entries(spec.methods)) {
      const handler = route.handlers[method as HttpMethod];
      if (!handler) throw new Error(`${route.file} exports no ${method}`);
      for (const c of cases ?? []) {
        w.as("admin");
        const call = await c.request(w);
        const res = await handler(new NextRequest(new URL(call.url, "http://127.0.0.1:3000"), { method, headers: fakeHeaders() }), {
          params: Promise.resolve(call.params ?? {}),
        });
        expectNoLeak(`${method} ${call.url}`, await res.text());
        checked += 1;
      }
    }
  }
  return checked;
}

describe("AWS errors with account ids and ARNs", () => {
  it("are redacted from every action result when AWS denies every call", async () => {
    for (const action of actions) {
      const spec = ACTIONS[action.name];
      if (!spec) throw new Error(`${action.name} is not in test/security/capabilities.ts`);
      w.as("admin");
      // The scene is set while AWS still answers; then every call is denied.
      const input = await spec.prepare(w);
      await w.settle();
      mode = "deny-all";
      try {
        const result = await action.call(input);
        expectNoLeak(`action ${action.name}`, JSON.stringify(result));
      } finally {
        mode = "off";
      }
      await w.settle();
    }
  }, 120_000);

  it("are redacted from every route when AWS denies every call", async () => {
    mode = "deny-all";
    try {
      expect(await everyRouteLeaksNothing()).toBeGreaterThan(0);
    } finally {
      mode = "off";
    }
  }, 60_000);

  it("are redacted from an operation that failed on one, wherever it is shown", async () => {
    w.as("admin");
    const spec = ACTIONS.shiftTraffic;
    const shift = actions.find((a) => a.name === "shiftTraffic");
    if (!spec || !shift) throw new Error("shiftTraffic is missing");
    const input = await spec.prepare(w);
    mode = "break-writes";
    try {
      const result = await shift.call(input);
      expectNoLeak("action shiftTraffic", JSON.stringify(result));
      expect(result).toMatchObject({ ok: true });
      const operationId = (result as { data: { operationId: string } }).data.operationId;
      expect(await w.runToCompletion(operationId)).toBe("failed");
      // The failure itself is shown (redacted), so the checks below look at text that came from AWS.
      const failed = await w.store.getOperation(operationId);
      expect(failed?.error ?? "").toMatch(/InternalFailure/);
      // Everything that shows the failed operation: snapshot, overview, wall, exports.
      expect(await everyRouteLeaksNothing()).toBeGreaterThan(0);
    } finally {
      mode = "off";
    }
  }, 120_000);
});
