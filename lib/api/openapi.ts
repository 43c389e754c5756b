/**
 * The OpenAPI 3.1 document of the REST API (`GET /api/v1/openapi.json`), generated from the zod
 * schemas the handlers validate with and answer by (./schemas.ts), so the document cannot drift
 * from what the handlers accept.
 */
import { z } from "zod";
import {
  appIdSchema,
  appsAnswerSchema,
  controlBodySchema,
  errorSchema,
  historyAnswerSchema,
  historyParameters,
  idempotencyKeySchema,
  nothingToDoAnswerSchema,
  operationAnswerSchema,
  operationBodySchema,
  operationIdSchema,
  planAnswerSchema,
  planBodySchema,
  snapshotAnswerSchema,
} from "./schemas";

type JsonSchema = Record<string, unknown>;

/** A zod schema as a JSON Schema (2020-12, OpenAPI 3.1's dialect), for a request (`input`) or an answer (`output`). */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" });
  return rest;
}

const COMPONENTS = {
  Error: [errorSchema, "output"],
  AppsAnswer: [appsAnswerSchema, "output"],
  SnapshotAnswer: [snapshotAnswerSchema, "output"],
  PlanBody: [planBodySchema, "input"],
  PlanAnswer: [planAnswerSchema, "output"],
  OperationBody: [operationBodySchema, "input"],
  OperationAnswer: [operationAnswerSchema, "output"],
  NothingToDoAnswer: [nothingToDoAnswerSchema, "output"],
  ControlBody: [controlBodySchema, "input"],
  HistoryAnswer: [historyAnswerSchema, "output"],
} as const satisfies Record<string, readonly [z.ZodType, "input" | "output"]>;

export type ComponentName = keyof typeof COMPONENTS;

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });

function json(name: ComponentName, description: string) {
  return { description, content: { "application/json": { schema: ref(name) } } };
}

const ERRORS = {
  "400": json("Error", "Invalid input (code `invalid`): nothing was changed."),
  "401": json("Error", "No valid session or API token (code `unauthenticated`)."),
  "403": json("Error", "The role lacks the capability, or the token may not act on this application (code `forbidden`)."),
  "404": json("Error", "No such application or operation (code `not_found`)."),
  "500": json("Error", "Teal failed (code `internal`); the message never carries AWS's text."),
  "502": json("Error", "AWS answered with an error (code `aws_error`), in Teal's words."),
  "503": json("Error", "AWS is throttling Teal's reads (code `throttled`); try again."),
};

const POST_ERRORS = {
  ...ERRORS,
  "409": json(
    "Error",
    "Refused now: another operation holds the application (`conflict`), AWS changed since `expectedVersion` (`stale`), green is worse than blue (`override_required`), or the first request with this Idempotency-Key is still running (`idempotency_key_in_use`).",
  ),
  "422": json("Error", "This Idempotency-Key was used for another request (`idempotency_key_reused`)."),
};

const idempotencyKey = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "Any unique text (a UUID). The same key and request from the same caller within 24 h answers the first answer again (with `Idempotent-Replayed: true`) instead of running again; the same key with another request is refused (422). Only 2xx answers are kept: after a refusal a retry runs again.",
  schema: jsonSchema(idempotencyKeySchema, "input"),
};

const appIdParam = { name: "appId", in: "path", required: true, schema: jsonSchema(appIdSchema, "input") };
const operationIdParam = { name: "id", in: "path", required: true, schema: jsonSchema(operationIdSchema, "input") };

function body(name: ComponentName, required = true) {
  return { required, content: { "application/json": { schema: ref(name) } } };
}

/** The whole document. */
export function openApiDocument(): Record<string, unknown> {
  const schemas = Object.fromEntries(Object.entries(COMPONENTS).map(([name, [schema, io]]) => [name, jsonSchema(schema, io)]));
  return {
    openapi: "3.1.0",
    info: {
      title: "Teal API",
      version: "1",
      description:
        "Blue/green operations for pipelines: the same authorization, plans, green guard, journal and audit as the console. Authenticate with `Authorization: Bearer <API token>` (created by an admin in Settings, or with `npx teal token create` on the server's host) or a console session. Errors are `{error: {code, message}}`.",
    },
    security: [{ bearerAuth: [] }, { session: [] }],
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "An API token, `teal_api_…`." },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token", description: "A signed-in console session." },
      },
    },
    paths: {
      "/api/v1/apps": {
        get: {
          summary: "Every application the caller may see, with its summary state",
          responses: { "200": json("AppsAnswer", "The applications."), ...ERRORS },
        },
      },
      "/api/v1/apps/{appId}": {
        get: {
          summary: "One application's snapshot",
          parameters: [appIdParam],
          responses: {
            "200": json("SnapshotAnswer", "State, metrics of the last hour, operation; `state.version` is what `expectedVersion` confirms."),
            ...ERRORS,
          },
        },
      },
      "/api/v1/apps/{appId}/plans": {
        post: {
          summary: "Preview the plan of an intent (changes nothing)",
          parameters: [appIdParam, idempotencyKey],
          requestBody: body("PlanBody"),
          responses: { "200": json("PlanAnswer", "The plan (every AWS call), or why the pattern cannot carry the intent out."), ...POST_ERRORS },
        },
      },
      "/api/v1/apps/{appId}/operations": {
        post: {
          summary: "Start an intent: shift, promote, rollback, standby, scale green, deploy a revision, deliver progressively",
          parameters: [appIdParam, idempotencyKey],
          requestBody: body("OperationBody"),
          responses: {
            "202": json(
              "OperationAnswer",
              "Started; poll `GET /api/v1/operations/{id}` until its status is succeeded, failed, aborted or preempted.",
            ),
            "200": json("NothingToDoAnswer", "A rollback while AWS already is blue: nothing was started."),
            ...POST_ERRORS,
          },
        },
      },
      "/api/v1/operations/{id}": {
        get: {
          summary: "One operation and its steps",
          parameters: [operationIdParam],
          responses: { "200": json("OperationAnswer", "The operation."), ...ERRORS },
        },
      },
      "/api/v1/operations/{id}/abort": {
        post: {
          summary: "Abort a running operation between steps",
          parameters: [operationIdParam, idempotencyKey],
          requestBody: body("ControlBody", false),
          responses: { "202": json("OperationAnswer", "Abort asked; the operation stops at its next check."), ...POST_ERRORS },
        },
      },
      "/api/v1/operations/{id}/resume": {
        post: {
          summary: "Resume an interrupted or failed operation from its in-flight step",
          parameters: [operationIdParam, idempotencyKey],
          requestBody: body("ControlBody", false),
          responses: { "202": json("OperationAnswer", "Running again."), ...POST_ERRORS },
        },
      },
      "/api/v1/operations/{id}/hold": {
        post: {
          summary: "Hold a running progressive delivery where it is (its bake's clock stops; the judge keeps watching)",
          parameters: [operationIdParam, idempotencyKey],
          requestBody: body("ControlBody", false),
          responses: { "202": json("OperationAnswer", "Hold asked; the run holds at its next poll."), ...POST_ERRORS },
        },
      },
      "/api/v1/operations/{id}/continue": {
        post: {
          summary: "Continue a held progressive delivery, ending the bake it is in now",
          parameters: [operationIdParam, idempotencyKey],
          requestBody: body("ControlBody", false),
          responses: { "202": json("OperationAnswer", "Continue asked; the run goes on at its next poll."), ...POST_ERRORS },
        },
      },
      "/api/v1/operations/{id}/approve": {
        post: {
          summary: "Approve the manual gate a progressive delivery waits at",
          parameters: [operationIdParam, idempotencyKey],
          requestBody: body("ControlBody", false),
          responses: { "202": json("OperationAnswer", "Approved; the run shifts to the gated step at its next poll."), ...POST_ERRORS },
        },
      },
      "/api/v1/history": {
        get: {
          summary: "The operations journal, newest first",
          parameters: Object.entries(historyParameters).map(([name, schema]) => ({
            name,
            in: "query",
            required: false,
            schema: jsonSchema(schema, "input"),
          })),
          responses: { "200": json("HistoryAnswer", "Operations, with their steps."), ...ERRORS },
        },
      },
      "/api/v1/openapi.json": {
        get: {
          summary: "This document",
          security: [],
          responses: { "200": { description: "The OpenAPI document.", content: { "application/json": { schema: { type: "object" } } } } },
        },
      },
    },
  };
}
