// Authorization matrix: every server action and every route handler, called in-process by each
// persona (no session, the four roles, a kiosk token, a revoked one, an expired and a forged
// session), against the real store and a practice range with the demo world. Only the callers the
// capability table allows succeed (and really do their work); everyone else is refused with
// 401/403 or {ok:false, unauthenticated|forbidden} and changes nothing in the range or the store.
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ACTIONS, discoverActions, discoverRoutes, expectedOutcome, ROUTES, type HttpMethod } from "./capabilities";
import { fakeHeaders } from "./fake-request";
import { PERSONAS, startSecurityWorld, type SecurityWorld } from "./harness";

vi.mock("next/headers", async () => (await import("./fake-request")).fakeNextHeaders);

const actionResult = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), code: z.string(), message: z.string().min(1) }),
]);

/** The practice range's account id (range/world/world.ts), in every ARN it hands out. */
const RANGE_ACCOUNT = "123456789012";

const actions = await discoverActions();
const routes = await discoverRoutes();
let w: SecurityWorld;
let cells = 0;

beforeAll(async () => {
  w = await startSecurityWorld();
}, 120_000);

afterAll(async () => {
  console.log(`authorization matrix: ${cells} cells (${actions.length} actions, ${routes.length} route files, ${PERSONAS.length} personas)`);
  await w?.close();
});

describe("the capability table", () => {
  it("names every server action, and nothing that is not one", () => {
    const names = actions.map((a) => a.name);
    expect(
      names.filter((n) => !(n in ACTIONS)),
      "server actions missing from test/security/capabilities.ts",
    ).toEqual([]);
    expect(
      Object.keys(ACTIONS).filter((n) => !names.includes(n)),
      "table entries with no action",
    ).toEqual([]);
  });

  it("names every route handler and each of its methods", () => {
    const missing: string[] = [];
    for (const r of routes) {
      const spec = ROUTES[r.file];
      if (!spec) {
        missing.push(r.file);
        continue;
      }
      if ("excluded" in spec) continue;
      for (const method of Object.keys(r.handlers)) if (!spec.methods[method as HttpMethod]) missing.push(`${method} ${r.file}`);
    }
    expect(missing, "route handlers missing from test/security/capabilities.ts").toEqual([]);
    expect(
      Object.keys(ROUTES).filter((f) => !routes.some((r) => r.file === f)),
      "table entries with no route file",
    ).toEqual([]);
  });
});

describe("server actions", () => {
  for (const action of actions) {
    const spec = ACTIONS[action.name];
    if (!spec) continue;
    for (const persona of PERSONAS) {
      const outcome = expectedOutcome({ kind: "capability", capability: spec.capability }, persona);
      it(`${action.name} as ${persona}: ${outcome}`, async () => {
        cells += 1;
        w.as("admin");
        const input = await spec.prepare(w);
        const before = await w.fingerprint();
        w.as(persona);
        const result = actionResult.parse(await action.call(input));
        if (outcome === "allow") {
          expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
          if (result.ok) await spec.after?.(w, result.data);
        } else {
          expect(result).toMatchObject({ ok: false, code: outcome });
          expect(await w.fingerprint(), "a refused call changed the range or the store").toBe(before);
        }
        await w.settle();
      }, 60_000);
    }
  }
});

describe("route handlers", () => {
  for (const route of routes) {
    const spec = ROUTES[route.file];
    if (!spec || "excluded" in spec) continue;
    for (const [method, cases] of Object.entries(spec.methods)) {
      const handler = route.handlers[method as HttpMethod];
      for (const c of cases ?? []) {
        for (const persona of PERSONAS) {
          const outcome = expectedOutcome(c.access, persona);
          it(`${method} ${route.file} (${c.name}) as ${persona}: ${outcome}`, async () => {
            cells += 1;
            if (!handler) throw new Error(`${route.file} exports no ${method}`);
            w.as("admin");
            const call = await (c.prepare ?? c.request)(w);
            const before = await w.fingerprint();
            w.as(persona);
            const init = call.body === undefined ? {} : { body: JSON.stringify(call.body) };
            // A POST from a page of Teal's own origin, as a browser sends it (a session's POST from
            // anywhere else is refused: test/api/api-v1.test.ts).
            const headers = fakeHeaders();
            headers.set("host", "127.0.0.1:3000");
            if (method === "POST") headers.set("origin", "http://127.0.0.1:3000");
            const req = new NextRequest(new URL(call.url, "http://127.0.0.1:3000"), { method, headers, ...init });
            const res = await handler(req, { params: Promise.resolve(call.params ?? {}) });
            const body = await res.text();
            if (outcome === "allow") {
              expect(res.status, body.slice(0, 300)).toBe(c.okStatus ?? 200);
              // An answer names AWS resources, never by ARN: an ARN names the account (the signed
              // audit export alone keeps its records as written).
              if (route.file !== "app/api/history/audit/route.ts") {
                expect(body.match(/arn:aws[^"\s]*/)?.[0] ?? null, "an ARN in the answer").toBeNull();
                expect(body.includes(RANGE_ACCOUNT), "the account id in the answer").toBe(false);
              }
            } else {
              expect(res.status, body.slice(0, 300)).toBe(outcome === "unauthenticated" ? 401 : 403);
              expect(JSON.parse(body)).toMatchObject({ error: { code: outcome } });
            }
            if (outcome === "allow" && c.after) {
              await c.after(w, JSON.parse(body));
            } else {
              // Reads, and refused calls, change nothing.
              expect(await w.fingerprint(), "a route call changed the range or the store").toBe(before);
            }
            if (c.prepare) await w.settle();
          }, 60_000);
        }
      }
    }
  }
});
