// Bad input: every server action and route handler fed random and hostile payloads (wrong types,
// out-of-range and non-numeric numbers, unknown applications, stale versions, oversize strings,
// prototype-pollution keys, extra keys, deep nesting, junk credentials), seeded so every run is
// the same. Each must be answered with a 4xx / a clear {ok:false} (never 5xx or "internal"), and
// the practice range and the store must be unchanged, checked every few hundred inputs and at the end.
// What Next itself would answer before an action or route runs (cross-origin action posts, action
// bodies that are not plain JSON, over 1 MB, paths that do not decode) is sent over the wire to the
// production build by e2e/bad-requests.spec.ts, which counts the 5xx answers (none).
import fc from "fast-check";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ACTIONS, discoverActions, discoverRoutes, ROUTES, type HttpMethod, type RouteCase, type RouteHandler } from "./capabilities";
import { fakeHeaders, setFakeRequest } from "./fake-request";
import { SESSION_COOKIE, startSecurityWorld, type SecurityWorld } from "./harness";

vi.mock("next/headers", async () => (await import("./fake-request")).fakeNextHeaders);

const SEED = 20_260_101;
const CHECK_EVERY = 250;
/** Per action and per route case. Actions refuse in microseconds; routes that read AWS cost more. */
const ACTION_RUNS = 1_050;
const ROUTE_RUNS = 150;
/** Errors that are the caller's fault (4xx); anything else would be Teal failing on bad input. */
const CLIENT_CODES = ["invalid", "not_found", "stale", "conflict", "forbidden", "unauthenticated"];

const refusal = z.object({ ok: z.literal(false), code: z.string(), message: z.string().min(1).max(1000) });

const actions = await discoverActions();
const routes = await discoverRoutes();
let w: SecurityWorld;
let baseline = "";
let total = 0;

beforeAll(async () => {
  w = await startSecurityWorld();
  baseline = await w.fingerprint();
}, 120_000);

afterAll(async () => {
  console.log(`bad-input suite: ${total} hostile inputs, 0 answered 5xx or internal, state unchanged`);
  await w?.close();
});

/** Counts one input; every CHECK_EVERY inputs, the range and the store must still be as they were. */
async function counted(): Promise<void> {
  total += 1;
  if (total % CHECK_EVERY === 0) expect(await w.fingerprint(), `state changed by input ${total}`).toBe(baseline);
}

function nest(depth: number): unknown {
  let v: unknown = "leaf";
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? { a: v } : [v];
  return v;
}

/** Longer than any string field Teal accepts (the longest, a reason, is 500). */
const oversize = fc
  .tuple(fc.integer({ min: 501, max: 100_000 }), fc.constantFrom("a", "\u0000", "é", "💥", "<script>", "' OR 1=1 --"))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

/** Values no field of any action accepts: wrong types, out-of-range or non-integer numbers, oversize strings, deep nesting. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e308, -1e308, 2 ** 53 + 2, -0.5, 0.1),
  fc.integer({ min: 10_001 }),
  fc.integer({ max: -1 }),
  fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d)),
  oversize,
  fc.integer({ min: 20, max: 5_000 }).map(nest),
  fc.array(fc.object(), { minLength: 1, maxLength: 3 }),
  fc.object({ maxDepth: 3 }),
  fc.constant({ __proto__: { polluted: true } }),
);

/** `base` with one more key, parsed from JSON as a request body would be, so `__proto__` is an own key. */
function withExtraKey(base: Record<string, unknown>, key: string, value: unknown): unknown {
  const text = JSON.stringify(base);
  return JSON.parse(`${text.slice(0, -1)}${text.length > 2 ? "," : ""}${JSON.stringify(key)}:${JSON.stringify(value ?? null)}}`);
}

const extraKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "role", "isAdmin", "actor", "operationId "),
  fc.string({ minLength: 1, maxLength: 40 }),
);

function actionInputs(example: Record<string, unknown>, unknownAppId: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const keys = Object.keys(example);
  const classes: fc.Arbitrary<unknown>[] = [
    // Not an object at all.
    fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.string({ maxLength: 50 }),
      fc.integer(),
      fc.array(fc.jsonValue(), { maxLength: 4 }),
      fc.constant(new FormData()),
    ),
    // One field replaced by a value no field accepts.
    fc.tuple(fc.constantFrom(...keys), hostileValue).map(([k, v]) => ({ ...example, [k]: v })),
    // Every field wrong at once.
    fc.array(hostileValue, { minLength: keys.length, maxLength: keys.length }).map((vs) => Object.fromEntries(keys.map((k, i) => [k, vs[i]]))),
    // A key the schema does not name (prototype pollution among them).
    fc
      .tuple(extraKey, fc.jsonValue({ maxDepth: 2 }))
      .filter(([k]) => !keys.includes(k))
      .map(([k, v]) => withExtraKey(example, k, v)),
    fc
      .constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}')
      .map((extra) => withExtraKey(example, "__proto__", JSON.parse(extra))),
  ];
  const weighted = classes.map((arbitrary) => ({ arbitrary, weight: 6 }));
  if (keys.includes("appId")) weighted.push({ arbitrary: unknownAppId.map((appId) => ({ ...example, appId })), weight: 6 });
  // A version that is not the current one (the state moved on since the caller looked). Rarer:
  // each one observes the application over the wire before it is refused.
  if (keys.includes("expectedVersion")) {
    weighted.push({ arbitrary: fc.string({ minLength: 1, maxLength: 64 }).map((expectedVersion) => ({ ...example, expectedVersion })), weight: 1 });
  }
  return fc.oneof(...weighted);
}

describe("server actions refuse bad input", () => {
  for (const action of actions) {
    it(`${action.name}: ${ACTION_RUNS} hostile inputs, each a clear refusal, nothing changed`, async () => {
      const spec = ACTIONS[action.name];
      if (!spec) throw new Error(`${action.name} is not in test/security/capabilities.ts`);
      const unknownAppId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,40}$/).filter((id) => w.rt.app(id) === undefined);
      w.as("admin");
      await fc.assert(
        fc.asyncProperty(actionInputs(spec.example, unknownAppId), async (input) => {
          const result = refusal.parse(await action.call(input));
          expect(CLIENT_CODES, `${action.name} answered ${result.code}: ${result.message}`).toContain(result.code);
          expect(result.message).not.toMatch(/\n\s+at /);
          await counted();
        }),
        { seed: SEED, numRuns: ACTION_RUNS },
      );
      expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
      expect(await w.fingerprint()).toBe(baseline);
    }, 120_000);
  }
});

const hostileText = fc.oneof(
  oversize.map((s) => s.slice(0, 20_000)),
  fc.constantFrom(
    "",
    "-1",
    "NaN",
    "1e309",
    "0x10",
    "101",
    "60.5",
    "../../etc/passwd",
    "%00",
    "<script>alert(1)</script>",
    "__proto__",
    "constructor",
    "null",
    "[]",
    "{}",
  ),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 30 }),
);
const paramName = fc.oneof(
  fc.constantFrom(
    "range",
    "intent",
    "greenPercent",
    "capacity",
    "color",
    "instanceIds",
    "taskDefinition",
    "format",
    "limit",
    "since",
    "until",
    "appId",
    "actor",
    "action",
    "status",
    "kind",
    "token",
    "beforeSeq",
    "__proto__",
    "constructor",
  ),
  fc.string({ minLength: 1, maxLength: 20 }),
);

/**
 * The JSON text of `value`, written without recursion: a hostile body is nested thousands deep,
 * past what JSON.stringify can write (it throws "Maximum call stack size exceeded"), and a client
 * can still send such a body.
 */
function jsonText(value: unknown): string {
  type Frame = { items: [string | null, unknown][]; i: number; close: string };
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = (v: unknown): void => {
    if (Array.isArray(v)) {
      out.push("[");
      stack.push({ items: v.map((x): [null, unknown] => [null, x]), i: 0, close: "]" });
    } else if (v !== null && typeof v === "object") {
      out.push("{");
      stack.push({ items: Object.entries(v).filter(([, x]) => x !== undefined && typeof x !== "function"), i: 0, close: "}" });
    } else {
      out.push(JSON.stringify(v) ?? "null");
    }
  };
  open(value);
  for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
    const item = top.items[top.i];
    if (item === undefined) {
      out.push(top.close);
      stack.pop();
      continue;
    }
    if (top.i > 0) out.push(",");
    top.i += 1;
    if (item[0] !== null) out.push(`${JSON.stringify(item[0])}:`);
    open(item[1]);
  }
  return out.join("");
}

interface RouteInput {
  params: [string, string][];
  /** A POST's body: a hostile version of the case's example body. */
  body?: unknown;
  /** Replaces each path parameter (e.g. appId) with hostile text when set. */
  pathParam: string | null;
  /** Junk presented instead of the admin's session: a garbage cookie or bearer token. */
  junk: { cookie: string } | { bearer: string } | null;
}

const routeInput: fc.Arbitrary<RouteInput> = fc.record({
  params: fc.array(fc.tuple(paramName, hostileText), { minLength: 1, maxLength: 4 }),
  pathParam: fc.option(
    hostileText.filter((s) => s !== "" && !/^[a-z0-9][a-z0-9-]*$/.test(s)),
    { freq: 3 },
  ),
  junk: fc.option(
    fc.oneof(
      fc.string({ maxLength: 300 }).map((cookie) => ({ cookie })),
      fc.string({ minLength: 1, maxLength: 300 }).map((s) => ({ bearer: `teal_kiosk_${s}` })),
    ),
    { freq: 4 },
  ),
});

async function callRoute(
  handler: RouteHandler,
  method: HttpMethod,
  c: RouteCase,
  input: RouteInput,
): Promise<{ status: number; body: string; refusedOnPurpose: boolean }> {
  const call = await c.request(w);
  const url = new URL(call.url, "http://127.0.0.1:3000");
  for (const [k, v] of input.params) url.searchParams.set(k, v);
  const params: Record<string, string | string[]> = { ...(call.params ?? {}) };
  if (input.pathParam !== null) for (const k of Object.keys(params)) params[k] = input.pathParam;
  if (input.junk === null) w.as("admin");
  else if ("cookie" in input.junk) setFakeRequest({ headers: {}, cookies: { [SESSION_COOKIE]: encodeURIComponent(input.junk.cookie) } });
  else setFakeRequest({ headers: { authorization: `Bearer ${input.junk.bearer.replace(/[\r\n]/g, "")}` }, cookies: {} });
  let headers: Headers;
  try {
    headers = fakeHeaders();
  } catch {
    // Text no HTTP client could send as a header value never reaches Teal.
    w.as("admin");
    headers = fakeHeaders();
  }
  const text = call.body === undefined ? undefined : jsonText(input.body);
  // From Teal's own origin, so a session's hostile body reaches the validation it tests.
  headers.set("host", "127.0.0.1:3000");
  if (method === "POST") headers.set("origin", "http://127.0.0.1:3000");
  const res = await handler(new NextRequest(url, { method, headers, ...(text === undefined ? {} : { body: text }) }), {
    params: Promise.resolve(params),
  });
  const refusedOnPurpose =
    (input.pathParam !== null && Object.keys(params).length > 0) || (input.junk !== null && c.access.kind !== "public") || call.body !== undefined;
  return { status: res.status, body: await res.text(), refusedOnPurpose };
}

describe("route handlers refuse bad input", () => {
  for (const route of routes) {
    const spec = ROUTES[route.file];
    if (!spec || "excluded" in spec) continue;
    for (const [method, cases] of Object.entries(spec.methods)) {
      for (const c of cases ?? []) {
        it(`${method} ${route.file} (${c.name}): ${ROUTE_RUNS} hostile requests, none answered 5xx, nothing changed`, async () => {
          const handler = route.handlers[method as HttpMethod];
          if (!handler) throw new Error(`${route.file} exports no ${method}`);
          // A POST's example body is mutated as an action's input is (no field is an application id).
          const example = (await c.request(w)).body;
          const inputs: fc.Arbitrary<RouteInput> =
            example === undefined
              ? routeInput
              : fc.tuple(routeInput, actionInputs(example, fc.constant(""))).map(([input, body]) => ({ ...input, body }));
          await fc.assert(
            fc.asyncProperty(inputs, async (input) => {
              const { status, body, refusedOnPurpose } = await callRoute(handler, method as HttpMethod, c, input);
              expect(status, body.slice(0, 200)).toBeLessThan(500);
              // An error answer never says "internal" (a 2xx may: the API document lists the error codes).
              if (status >= 400) expect(body).not.toContain('"internal"');
              if (refusedOnPurpose) expect(status, body.slice(0, 200)).toBeGreaterThanOrEqual(400);
              await counted();
            }),
            { seed: SEED, numRuns: ROUTE_RUNS },
          );
          expect(await w.fingerprint()).toBe(baseline);
        }, 120_000);
      }
    }
  }
});

describe("the whole run", () => {
  it("fed at least 10,000 hostile inputs", () => {
    expect(total).toBeGreaterThanOrEqual(10_000);
  });
});
