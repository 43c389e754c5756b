/**
 * The capability table the security suites hold every server action and route handler to: who may
 * call it, and how to build a valid call from the current state (so an allowed call really does
 * its work). Actions and routes are discovered from the source tree; one missing from this table
 * fails the suites, so a new endpoint cannot ship without a decision about who may call it.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Capability } from "@/lib/auth/roles";
import { can } from "@/lib/auth/roles";
import { AppError } from "@/lib/domain/app-error";
import type { AppState } from "@/lib/domain/app-state";
import type { Operation } from "@/lib/domain/operation";
import { ADMIN, APP_ID, personaRole, personaTokenRole, type Persona, type SecurityWorld } from "./harness";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Who may call: a session role holding a capability; any session or a valid kiosk token; a session
 * role or an API token's role holding a capability (the REST API); anyone.
 */
export type Access =
  { kind: "capability"; capability: Capability } | { kind: "reader" } | { kind: "api"; capability: Capability } | { kind: "public" };

export type Outcome = "allow" | "unauthenticated" | "forbidden";

export function expectedOutcome(access: Access, persona: Persona): Outcome {
  if (access.kind === "public") return "allow";
  const role = personaRole(persona);
  if (access.kind === "reader") return role !== null || persona === "kiosk" ? "allow" : "unauthenticated";
  // An API token counts only on the REST API; everywhere else it is no credential at all.
  const effective = access.kind === "api" ? (role ?? personaTokenRole(persona)) : role;
  if (effective === null) return "unauthenticated";
  return can(effective, access.capability) ? "allow" : "forbidden";
}

export interface ActionSpec {
  capability: Capability;
  /** A well-formed input (right keys and types; it need not succeed): what the bad-input suite mutates. */
  example: Record<string, unknown>;
  /** A valid input from the current state; may set the scene (start an operation, create a token). */
  prepare(w: SecurityWorld): Promise<Record<string, unknown>>;
  /** After an allowed call, let what it started finish so the next cell starts quiet. */
  after?(w: SecurityWorld, data: unknown): Promise<void>;
}

export interface RouteCall {
  /** Path and query, e.g. `/api/apps/shop/snapshot?range=60`. */
  url: string;
  params?: Record<string, string | string[]>;
  /** A POST's JSON body. */
  body?: Record<string, unknown>;
}

export interface RouteCase {
  name: string;
  access: Access;
  /** A well-formed call that sets no scene (what the bad-input suite mutates). */
  request(w: SecurityWorld): RouteCall | Promise<RouteCall>;
  /** A valid call from the current state; may set the scene (start an operation). Default: `request`. */
  prepare?(w: SecurityWorld): Promise<RouteCall>;
  /** The status an allowed call answers with (default 200). */
  okStatus?: number;
  /** For a call that changes something when allowed: let it finish, so the next cell starts quiet. */
  after?(w: SecurityWorld, body: unknown): Promise<void>;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";
export const HTTP_METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

export type RouteSpec = { methods: Partial<Record<HttpMethod, RouteCase[]>> } | { excluded: string };

async function currentState(w: SecurityWorld, appId = APP_ID): Promise<AppState> {
  const { observeApp } = await import("@/lib/runtime/observe");
  const app = w.rt.app(appId);
  if (!app) throw new Error(`${appId} is not in the config`);
  return (await observeApp(w.rt, app)).state;
}

/** The asg-swap demo app (payments-api): where standby and scale-green apply. */
const ASG_APP = "payments-api";
/** The ecs-rolling demo app (notifications): revisions 40, 41 (running) and 42 are registered. */
const ROLLING_APP = "notifications";

/** Starts a shift of the demo app through the engine, as an admin (scene setting, not under test). */
async function startShift(w: SecurityWorld): Promise<string> {
  const { planIntent } = await import("@/lib/runtime/plan-service");
  const app = w.rt.app(APP_ID);
  if (!app) throw new Error(`${APP_ID} is not in the config`);
  const state = await currentState(w);
  const target = state.configured.greenPercent >= 60 ? 10 : state.configured.greenPercent + 20;
  const { result } = await planIntent(w.rt, app, { kind: "shift", greenPercent: target });
  if (!result.ok) throw new AppError("invalid", result.reason);
  const { operationId } = await w.rt.engine.start({ plan: result.plan, actor: ADMIN, reason: "security suite scene" });
  return operationId;
}

/** Waits until nothing moves: the operation has made its call and sits in a wait the frozen clock never ends. */
async function untilQuiet(w: SecurityWorld): Promise<void> {
  let last = await w.fingerprint();
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const now = await w.fingerprint();
    if (now === last) return;
    last = now;
  }
  throw new Error("the world never became quiet");
}

/** The demo app's last successful operation (one is run first when there is none). */
async function lastSucceeded(w: SecurityWorld): Promise<Operation> {
  const [found] = await w.store.listOperations({ appId: APP_ID, status: "succeeded", limit: 1 });
  if (found) return found;
  await w.runToCompletion(await startShift(w));
  const [ran] = await w.store.listOperations({ appId: APP_ID, status: "succeeded", limit: 1 });
  if (!ran) throw new Error("the scene's shift did not succeed");
  return ran;
}

/** Sets the demo app's record weights with the real SDK, not through Teal (a person in the AWS console). */
async function setWeightsBehindTealsBack(w: SecurityWorld, greenPercent: number): Promise<void> {
  const { planDnsWeighted } = await import("@/lib/patterns/dns-weighted");
  const { createAwsGateway } = await import("@/lib/aws/gateway");
  const planned = planDnsWeighted(await currentState(w), { kind: "shift", greenPercent }, { waitScale: 1 });
  const call = planned.ok ? planned.plan.steps.find((s) => s.call)?.call : undefined;
  if (!call) throw new Error(`could not set green to ${greenPercent} %: ${planned.ok ? "no call" : planned.reason}`);
  await createAwsGateway(w.rt.clients("us-east-1")).call(call);
}

/** A failed operation of the demo app, the latest (Route 53 refuses the change while a fault is set). */
async function failedOperation(w: SecurityWorld): Promise<string> {
  const [latest] = await w.store.listOperations({ appId: APP_ID, limit: 1 });
  if (latest?.status === "failed") return latest.id;
  const faults = `${w.range.url}/_sim/faults`;
  const set = await fetch(faults, {
    method: "POST",
    body: JSON.stringify({ rules: [{ service: "route53", operation: "ChangeResourceRecordSets", errorRate: 1 }] }),
  });
  if (!set.ok) throw new Error(`could not set the fault: ${await set.text()}`);
  const operationId = await startShift(w);
  const status = await w.runToCompletion(operationId);
  await fetch(faults, { method: "DELETE" });
  if (status !== "failed") throw new Error(`the scene's operation ended ${status}, not failed`);
  return operationId;
}

/** A shift of the demo app that has something to do from the current state. */
async function shiftTarget(w: SecurityWorld): Promise<{ greenPercent: number; version: string }> {
  const state = await currentState(w);
  return { greenPercent: state.configured.greenPercent >= 60 ? 10 : state.configured.greenPercent + 20, version: state.version };
}

/** Some traffic on green, so a rollback has something to do. */
async function greenHasTraffic(w: SecurityWorld): Promise<void> {
  if ((await currentState(w)).configured.greenPercent === 0) await w.runToCompletion(await startShift(w));
}

/** The operation id in a REST API answer (`{operation: {id}}`). */
function apiOperationIdOf(body: unknown): string {
  const op = body && typeof body === "object" && "operation" in body ? body.operation : null;
  if (op && typeof op === "object" && "id" in op && typeof op.id === "string") return op.id;
  throw new Error("the API answered no operation");
}

function operationIdOf(data: unknown): string {
  if (data && typeof data === "object" && "operationId" in data && typeof data.operationId === "string") return data.operationId;
  throw new Error("the action returned no operation id");
}

const finishOperation = async (w: SecurityWorld, data: unknown): Promise<void> => {
  await w.runToCompletion(operationIdOf(data));
};

/** Keyed by the action's exported name. */
export const ACTIONS: Readonly<Record<string, ActionSpec>> = {
  shiftTraffic: {
    capability: "shift",
    example: { appId: APP_ID, greenPercent: 20, expectedVersion: "v0", reason: "fuzz" },
    async prepare(w) {
      const { greenPercent, version } = await shiftTarget(w);
      return { appId: APP_ID, greenPercent, expectedVersion: version, reason: "security suite" };
    },
    after: finishOperation,
  },
  rollback: {
    capability: "rollback",
    example: { appId: APP_ID, reason: "fuzz" },
    async prepare(w) {
      // Rolling back an all-blue app is refused as a no-op, so put some traffic on green first.
      await greenHasTraffic(w);
      return { appId: APP_ID, reason: "security suite" };
    },
    after: finishOperation,
  },
  abortOperation: {
    capability: "abort",
    example: { appId: APP_ID, operationId: "op-none" },
    async prepare(w) {
      const operationId = await startShift(w);
      await untilQuiet(w);
      return { appId: APP_ID, operationId };
    },
    async after(w) {
      await w.rt.engine.whenIdle();
    },
  },
  resumeOperation: {
    capability: "shift",
    example: { appId: APP_ID, operationId: "op-none", reason: "fuzz" },
    async prepare(w) {
      return { appId: APP_ID, operationId: await failedOperation(w), reason: "security suite" };
    },
    after: finishOperation,
  },
  standby: {
    capability: "shift",
    example: { appId: ASG_APP, direction: "enter", color: "blue", instanceIds: ["i-0"], expectedVersion: "v0", reason: "fuzz" },
    async prepare(w) {
      const state = await currentState(w, ASG_APP);
      const blue = state.environments.blue.instances;
      const inStandby = blue.filter((i) => i.lifecycle === "Standby").map((i) => i.id);
      const inService = blue.filter((i) => i.lifecycle === "InService").map((i) => i.id);
      // One blue instance in and out of Standby in turn, so every allowed call has a move to make.
      return inStandby.length > 0
        ? {
            appId: ASG_APP,
            direction: "exit",
            color: "blue",
            instanceIds: inStandby.slice(0, 1),
            expectedVersion: state.version,
            reason: "security suite",
          }
        : {
            appId: ASG_APP,
            direction: "enter",
            color: "blue",
            instanceIds: inService.slice(0, 1),
            expectedVersion: state.version,
            reason: "security suite",
          };
    },
    after: finishOperation,
  },
  scaleGreen: {
    capability: "shift",
    example: { appId: ASG_APP, capacity: 1, expectedVersion: "v0", reason: "fuzz" },
    async prepare(w) {
      const state = await currentState(w, ASG_APP);
      const green = state.asg?.groups.green;
      if (!green) throw new Error(`${ASG_APP} has no green group`);
      const capacity = green.desired < Math.min(green.max, 2) ? green.desired + 1 : green.desired - 1;
      return { appId: ASG_APP, capacity, expectedVersion: state.version, reason: "security suite" };
    },
    after: finishOperation,
  },
  deployRevision: {
    capability: "shift",
    example: { appId: ROLLING_APP, taskDefinition: "notifications:42", expectedVersion: "v0", reason: "fuzz" },
    async prepare(w) {
      const state = await currentState(w, ROLLING_APP);
      const current = state.rollout?.primaryTaskDefinition ?? "";
      return {
        appId: ROLLING_APP,
        taskDefinition: current.endsWith(":42") ? "notifications:41" : "notifications:42",
        expectedVersion: state.version,
        reason: "security suite",
      };
    },
    after: finishOperation,
  },
  reassertDrift: {
    capability: "reassert",
    example: { appId: APP_ID, referenceId: "op-none", expectedVersion: "v0", reason: "fuzz" },
    async prepare(w) {
      // Drift to put back: the weights moved behind Teal's back after its last successful operation.
      const reference = await lastSucceeded(w);
      const expected = reference.after?.greenPercent ?? 0;
      let state = await currentState(w);
      if (Math.abs(state.configured.greenPercent - expected) < 1) {
        await setWeightsBehindTealsBack(w, expected >= 50 ? expected - 30 : expected + 30);
        state = await currentState(w);
      }
      return { appId: APP_ID, referenceId: reference.id, expectedVersion: state.version, reason: "security suite" };
    },
    after: finishOperation,
  },
  createKioskToken: {
    capability: "admin",
    example: { label: "fuzz wall" },
    async prepare() {
      return { label: "security suite wall" };
    },
  },
  revokeKioskToken: {
    capability: "admin",
    example: { tokenId: "00000000-0000-4000-8000-000000000000" },
    async prepare(w) {
      const { hashKioskSecret, generateKioskSecret } = await import("@/lib/auth/kiosk-token");
      const token = await w.store.createKioskToken({ label: "to revoke", tokenHash: hashKioskSecret(generateKioskSecret()), createdBy: ADMIN });
      return { tokenId: token.id };
    },
  },
  createApiToken: {
    capability: "admin",
    example: { name: "fuzz", role: "viewer", apps: [APP_ID], expiresInDays: 30 },
    async prepare() {
      return { name: `suite-${Math.random().toString(36).slice(2, 10)}`, role: "operator", apps: [APP_ID], expiresInDays: 30 };
    },
  },
  revokeApiToken: {
    capability: "admin",
    example: { tokenId: "00000000-0000-4000-8000-000000000000" },
    async prepare(w) {
      const { hashApiSecret, generateApiSecret } = await import("@/lib/auth/api-token");
      const token = await w.store.createApiToken({
        name: `to-revoke-${Math.random().toString(36).slice(2, 10)}`,
        role: "viewer",
        apps: null,
        tokenHash: hashApiSecret(generateApiSecret()),
        createdBy: ADMIN,
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
      return { tokenId: token.id };
    },
  },
  createLocalUser: {
    capability: "admin",
    example: { email: "fuzz@example.com", role: "viewer" },
    async prepare() {
      return { email: `suite-${Math.random().toString(36).slice(2, 10)}@example.com`, role: "operator" };
    },
  },
  revokeUserSessions: {
    capability: "admin",
    example: { userId: "demo:nobody" },
    async prepare(w) {
      // Another user's live session, so an allowed call has one to end.
      await w.store.createSession({
        userId: "demo:someone",
        email: "someone@example.com",
        role: "viewer",
        provider: "credentials",
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      return { userId: "demo:someone" };
    },
  },
  createWebhook: {
    capability: "admin",
    example: { name: "fuzz", url: "https://hooks.example.com/services/T0/B0/x", format: "generic", events: ["started"], apps: [APP_ID] },
    async prepare() {
      return { name: "security suite", url: "http://127.0.0.1:9/hook", format: "slack", events: ["started", "completed"], apps: [APP_ID] };
    },
  },
  removeWebhook: {
    capability: "admin",
    example: { webhookId: "00000000-0000-4000-8000-000000000000" },
    async prepare(w) {
      const webhook = await w.store.webhooks.createWebhook({
        name: "to remove",
        url: "http://127.0.0.1:9/hook",
        format: "generic",
        events: ["started"],
        apps: null,
        secret: "whsec_security-suite",
        createdBy: ADMIN,
      });
      return { webhookId: webhook.id };
    },
  },
  sendTestWebhook: {
    capability: "admin",
    example: { webhookId: "00000000-0000-4000-8000-000000000000" },
    async prepare(w) {
      const [existing] = await w.store.webhooks.listWebhooks();
      const webhook =
        existing ??
        (await w.store.webhooks.createWebhook({
          name: "to test",
          url: "http://127.0.0.1:9/hook",
          format: "generic",
          events: ["started"],
          apps: null,
          secret: "whsec_security-suite",
          createdBy: ADMIN,
        }));
      return { webhookId: webhook.id };
    },
  },
};

const read: Access = { kind: "capability", capability: "read" };
const api = (capability: Capability): Access => ({ kind: "api", capability });
const finishApiOperation = async (w: SecurityWorld, body: unknown): Promise<void> => {
  await w.runToCompletion(apiOperationIdOf(body));
};

/** A progressive delivery of the demo app waiting at its manual gate (optionally held): what hold, continue and approve act on. */
async function gatedDelivery(w: SecurityWorld, held = false): Promise<string> {
  const { planIntent } = await import("@/lib/runtime/plan-service");
  const { signalProgressive } = await import("@/lib/runtime/progressive-signals");
  const app = w.rt.app(APP_ID);
  if (!app) throw new Error(`${APP_ID} is not in the config`);
  if ((await currentState(w)).configured.greenPercent >= 100) await setWeightsBehindTealsBack(w, 50);
  const { result } = await planIntent(w.rt, app, { kind: "progressive", steps: [100], gates: ["manual"] });
  if (!result.ok) throw new AppError("invalid", result.reason);
  const { operationId } = await w.rt.engine.start({ plan: result.plan, actor: ADMIN, reason: "security suite scene" });
  await untilQuiet(w);
  if (held) await signalProgressive(w.store, operationId, "hold", ADMIN);
  return operationId;
}

const abortDelivery = async (w: SecurityWorld, body: unknown): Promise<void> => {
  await w.rt.engine.abort(apiOperationIdOf(body), ADMIN);
  await w.rt.engine.whenIdle();
};

/** A well-formed signal to a progressive delivery, without a scene (the bad-input suite mutates it). */
const signalCase = (path: "hold" | "continue" | "approve", held: boolean): RouteSpec => ({
  methods: {
    POST: [
      {
        name: path,
        access: api("shift"),
        okStatus: 202,
        request: () => ({ url: `/api/v1/operations/op-none/${path}`, params: { id: "op-none" }, body: { reason: "fuzz" } }),
        async prepare(w) {
          const id = await gatedDelivery(w, held);
          return { url: `/api/v1/operations/${id}/${path}`, params: { id }, body: { reason: "security suite" } };
        },
        after: abortDelivery,
      },
    ],
  },
});

/** Keyed by the route file's path from the repository root. */
export const ROUTES: Readonly<Record<string, RouteSpec>> = {
  "app/api/health/route.ts": { methods: { GET: [{ name: "liveness", access: { kind: "public" }, request: () => ({ url: "/api/health" }) }] } },
  // Load balancers call readiness without credentials: it says only ok or failed per kind of check.
  "app/api/ready/route.ts": { methods: { GET: [{ name: "readiness", access: { kind: "public" }, request: () => ({ url: "/api/ready" }) }] } },
  // Scraped without a session; with TEAL_METRICS_TOKEN set it needs that bearer token
  // (lib/http/metrics-route.test.ts), unset (as here) it is open to whoever reaches the server.
  "app/metrics/route.ts": { methods: { GET: [{ name: "metrics", access: { kind: "public" }, request: () => ({ url: "/metrics" }) }] } },
  "app/favicon.ico/route.ts": {
    methods: { GET: [{ name: "favicon", access: { kind: "public" }, okStatus: 308, request: () => ({ url: "/favicon.ico" }) }] },
  },
  "app/api/apps/route.ts": { methods: { GET: [{ name: "overview", access: { kind: "reader" }, request: () => ({ url: "/api/apps" }) }] } },
  "app/api/wall/route.ts": { methods: { GET: [{ name: "wall", access: { kind: "reader" }, request: () => ({ url: "/api/wall" }) }] } },
  "app/api/apps/[appId]/snapshot/route.ts": {
    methods: {
      GET: [{ name: "snapshot", access: read, request: () => ({ url: `/api/apps/${APP_ID}/snapshot?range=60`, params: { appId: APP_ID } }) }],
    },
  },
  "app/api/apps/[appId]/plan/route.ts": {
    methods: {
      GET: [
        {
          name: "rollback preview",
          access: { kind: "capability", capability: "rollback" },
          request: () => ({ url: `/api/apps/${APP_ID}/plan?intent=rollback`, params: { appId: APP_ID } }),
        },
        {
          name: "shift preview",
          access: { kind: "capability", capability: "shift" },
          request: () => ({ url: `/api/apps/${APP_ID}/plan?intent=shift&greenPercent=30`, params: { appId: APP_ID } }),
        },
        {
          name: "re-assert preview",
          access: { kind: "capability", capability: "reassert" },
          request: () => ({ url: `/api/apps/${APP_ID}/plan?intent=reassert`, params: { appId: APP_ID } }),
        },
        {
          name: "standby preview",
          access: { kind: "capability", capability: "shift" },
          request: () => ({ url: `/api/apps/${ASG_APP}/plan?intent=standby-enter&color=blue&instanceIds=i-0`, params: { appId: ASG_APP } }),
        },
        {
          name: "deploy preview",
          access: { kind: "capability", capability: "shift" },
          request: () => ({
            url: `/api/apps/${ROLLING_APP}/plan?intent=deploy-revision&taskDefinition=notifications:42`,
            params: { appId: ROLLING_APP },
          }),
        },
      ],
    },
  },
  "app/api/history/audit/route.ts": {
    methods: { GET: [{ name: "audit export", access: read, request: () => ({ url: "/api/history/audit?format=json" }) }] },
  },
  "app/api/history/operations/route.ts": {
    methods: { GET: [{ name: "operations export", access: read, request: () => ({ url: "/api/history/operations?format=csv" }) }] },
  },
  // The wall link: anyone may present a token; only a valid one gets the cookie (checked in the wall suite).
  "app/wall/session/route.ts": {
    methods: {
      GET: [{ name: "wall link", access: { kind: "public" }, okStatus: 303, request: (w) => ({ url: `/wall/session?token=${w.kioskSecret}` }) }],
    },
  },
  "app/api/webhooks/route.ts": {
    methods: {
      GET: [{ name: "webhooks and deliveries", access: { kind: "capability", capability: "admin" }, request: () => ({ url: "/api/webhooks" }) }],
    },
  },
  "app/api/v1/apps/route.ts": { methods: { GET: [{ name: "apps", access: api("read"), request: () => ({ url: "/api/v1/apps" }) }] } },
  "app/api/v1/apps/[appId]/route.ts": {
    methods: { GET: [{ name: "snapshot", access: api("read"), request: () => ({ url: `/api/v1/apps/${APP_ID}`, params: { appId: APP_ID } }) }] },
  },
  "app/api/v1/apps/[appId]/plans/route.ts": {
    methods: {
      POST: [
        {
          name: "rollback plan",
          access: api("rollback"),
          request: () => ({ url: `/api/v1/apps/${APP_ID}/plans`, params: { appId: APP_ID }, body: { intent: { kind: "rollback" } } }),
        },
        {
          name: "shift plan",
          access: api("shift"),
          request: () => ({ url: `/api/v1/apps/${APP_ID}/plans`, params: { appId: APP_ID }, body: { intent: { kind: "shift", greenPercent: 30 } } }),
        },
      ],
    },
  },
  "app/api/v1/apps/[appId]/operations/route.ts": {
    methods: {
      POST: [
        {
          name: "shift",
          access: api("shift"),
          okStatus: 202,
          request: () => ({
            url: `/api/v1/apps/${APP_ID}/operations`,
            params: { appId: APP_ID },
            body: { intent: { kind: "shift", greenPercent: 20 }, reason: "fuzz", expectedVersion: "v0" },
          }),
          async prepare(w) {
            const { greenPercent, version } = await shiftTarget(w);
            return {
              url: `/api/v1/apps/${APP_ID}/operations`,
              params: { appId: APP_ID },
              body: { intent: { kind: "shift", greenPercent }, reason: "security suite", expectedVersion: version },
            };
          },
          after: finishApiOperation,
        },
        {
          name: "rollback",
          access: api("rollback"),
          okStatus: 202,
          request: () => ({
            url: `/api/v1/apps/${APP_ID}/operations`,
            params: { appId: APP_ID },
            body: { intent: { kind: "rollback" }, reason: "fuzz" },
          }),
          async prepare(w) {
            await greenHasTraffic(w);
            return {
              url: `/api/v1/apps/${APP_ID}/operations`,
              params: { appId: APP_ID },
              body: { intent: { kind: "rollback" }, reason: "security suite" },
            };
          },
          after: finishApiOperation,
        },
      ],
    },
  },
  "app/api/v1/operations/[id]/route.ts": {
    methods: {
      GET: [
        {
          name: "operation",
          access: api("read"),
          request: () => ({ url: "/api/v1/operations/op-none", params: { id: "op-none" } }),
          async prepare(w) {
            const { id } = await lastSucceeded(w);
            return { url: `/api/v1/operations/${id}`, params: { id } };
          },
        },
      ],
    },
  },
  "app/api/v1/operations/[id]/abort/route.ts": {
    methods: {
      POST: [
        {
          name: "abort",
          access: api("abort"),
          okStatus: 202,
          request: () => ({ url: "/api/v1/operations/op-none/abort", params: { id: "op-none" }, body: { reason: "fuzz" } }),
          async prepare(w) {
            const id = await startShift(w);
            await untilQuiet(w);
            return { url: `/api/v1/operations/${id}/abort`, params: { id }, body: {} };
          },
          async after(w) {
            await w.rt.engine.whenIdle();
          },
        },
      ],
    },
  },
  "app/api/v1/operations/[id]/resume/route.ts": {
    methods: {
      POST: [
        {
          name: "resume",
          access: api("shift"),
          okStatus: 202,
          request: () => ({ url: "/api/v1/operations/op-none/resume", params: { id: "op-none" }, body: { reason: "fuzz" } }),
          async prepare(w) {
            const id = await failedOperation(w);
            return { url: `/api/v1/operations/${id}/resume`, params: { id }, body: { reason: "security suite" } };
          },
          after: finishApiOperation,
        },
      ],
    },
  },
  "app/api/v1/operations/[id]/hold/route.ts": signalCase("hold", false),
  "app/api/v1/operations/[id]/continue/route.ts": signalCase("continue", true),
  "app/api/v1/operations/[id]/approve/route.ts": signalCase("approve", false),
  "app/api/v1/history/route.ts": {
    methods: { GET: [{ name: "history", access: api("read"), request: () => ({ url: "/api/v1/history?limit=5" }) }] },
  },
  "app/api/v1/openapi.json/route.ts": {
    methods: { GET: [{ name: "OpenAPI document", access: { kind: "public" }, request: () => ({ url: "/api/v1/openapi.json" }) }] },
  },
  "app/api/auth/[...nextauth]/route.ts": {
    excluded: "next-auth's own sign-in and session endpoints read Next's request scope themselves; the browser tests sign in through them",
  },
};

export interface DiscoveredAction {
  name: string;
  file: string;
  call: (input: unknown) => Promise<unknown>;
}

/** Every function exported by a `"use server"` module of lib/actions. */
export async function discoverActions(): Promise<DiscoveredAction[]> {
  const dir = join(ROOT, "lib", "actions");
  const found: DiscoveredAction[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
    const path = join(dir, file);
    if (!/^\s*["']use server["']/.test(readFileSync(path, "utf8"))) continue;
    const mod: Record<string, unknown> = await import(/* @vite-ignore */ path);
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === "function")
        found.push({ name, file: `lib/actions/${file}`, call: (input) => Promise.resolve(Reflect.apply(value, undefined, [input])) });
    }
  }
  return found;
}

export type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export interface DiscoveredRoute {
  file: string;
  handlers: Partial<Record<HttpMethod, RouteHandler>>;
}

function routeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...routeFiles(path));
    else if (entry === "route.ts" || entry === "route.tsx") out.push(path);
  }
  return out;
}

/** Every route handler file under app/, with its exported HTTP methods. */
export async function discoverRoutes(): Promise<DiscoveredRoute[]> {
  const found: DiscoveredRoute[] = [];
  for (const path of routeFiles(join(ROOT, "app"))) {
    const mod: Record<string, unknown> = await import(/* @vite-ignore */ path);
    const handlers: Partial<Record<HttpMethod, RouteHandler>> = {};
    for (const method of HTTP_METHODS) {
      const value = mod[method];
      if (typeof value === "function") {
        handlers[method] = async (req, ctx) => {
          const res: unknown = await Reflect.apply(value, undefined, [req, ctx]);
          if (!(res instanceof Response)) throw new Error(`${method} ${path} did not return a Response`);
          return res;
        };
      }
    }
    found.push({ file: relative(ROOT, path).split(sep).join("/"), handlers });
  }
  return found;
}
