/**
 * The REST API's shapes, as zod schemas: the request bodies the handlers validate with (built from
 * the console's own schemas: the intent schema of lib/domain/intent.ts, the reason and version of
 * lib/actions/schemas.ts) and the answers they send. The OpenAPI document (./openapi.ts) is
 * generated from these same schemas.
 */
import { z } from "zod";
import { APP_ERROR_CODE_LIST } from "@/lib/domain/app-error";
import { ROLES } from "@/lib/domain/basics";
import { intentSchema, INTENT_KINDS } from "@/lib/domain/intent";
import { OPERATION_STATUSES, STEP_STATUSES } from "@/lib/domain/operation-status";
import { appIdSchema, expectedVersionSchema, operationIdSchema, reasonSchema, requiredReasonSchema } from "@/lib/actions/schemas";

export { appIdSchema, operationIdSchema, intentSchema };

// ---- requests ----

/** `POST /api/v1/apps/{appId}/plans`: preview what an intent would run. */
export const planBodySchema = z.strictObject({ intent: intentSchema });

/** `POST /api/v1/apps/{appId}/operations`: start an intent. */
export const operationBodySchema = z.strictObject({
  intent: intentSchema,
  /** Why (it goes in the audit log). */
  reason: requiredReasonSchema,
  /** The `version` of a plan preview or snapshot: refused as `stale` when AWS changed since. Absent: whatever AWS is now. */
  expectedVersion: expectedVersionSchema.optional(),
});

/** `POST /api/v1/operations/{id}/abort`, `/resume`, `/hold`, `/continue` and `/approve`: an optional reason (an empty body is `{}`). */
export const controlBodySchema = z.strictObject({ reason: reasonSchema.optional() });

/** An `Idempotency-Key` header: 1 to 200 visible ASCII characters (a UUID does). */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, "visible ASCII characters only");

/** The history's query parameters, as the document lists them (parsed by lib/history/query.ts). */
export const historyParameters = {
  app: appIdSchema,
  actor: z.string().max(320),
  intent: z.enum(INTENT_KINDS),
  status: z.enum(OPERATION_STATUSES),
  since: z.string().max(40),
  until: z.string().max(40),
  limit: z.number().int().min(1).max(1000),
} as const;

// ---- answers ----

/** Every `error.code` the API answers with. */
export const API_ERROR_CODES = [
  ...APP_ERROR_CODE_LIST,
  /** Green is worse than blue: the console's typed override is needed (not offered by the API). */
  "override_required",
  /** The same Idempotency-Key was sent before with another request. */
  "idempotency_key_reused",
  /** The first request with this Idempotency-Key has not answered yet. */
  "idempotency_key_in_use",
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const errorSchema = z.object({ error: z.object({ code: z.enum(API_ERROR_CODES), message: z.string() }) });

const actorSchema = z.object({ id: z.string(), email: z.string(), role: z.enum(ROLES) });

const awsCallSchema = z.object({
  service: z.string(),
  operation: z.string(),
  input: z.record(z.string(), z.unknown()),
  region: z.string().optional(),
});

const waitSchema = z.looseObject({ kind: z.string(), timeoutMs: z.number(), pollMs: z.number(), region: z.string().optional() });

const verdictSchema = z.enum(["pass", "fail", "not-enough-evidence"]);

/** One metric's evidence from the release judge (counts: requests, events and rates per colour, rate ratio; latency: the difference). */
const metricEvidenceSchema = z.looseObject({
  name: z.string(),
  kind: z.enum(["count", "latency"]),
  periods: z.number(),
  verdict: verdictSchema,
  alpha: z.number(),
  pFail: z.number(),
  pPass: z.number(),
});

/** The release judge's evidence after its latest period: every metric's figures and decision, the overall verdict. */
const judgeEvidenceSchema = z.looseObject({
  periods: z.number(),
  alpha: z.number(),
  alphaPerMetric: z.number(),
  metrics: z.array(metricEvidenceSchema),
  verdict: verdictSchema,
});

/** What a progressive delivery's wait journals in its step (docs/progressive.md). */
const progressiveStepStateSchema = z.looseObject({
  kind: z.enum(["traffic-share", "progressive-bake", "progressive-gate"]),
  trafficStep: z.number().int(),
  greenPercent: z.number(),
  signalSeq: z.number(),
  held: z.boolean(),
  sinceMs: z.number().optional(),
  lastShare: z.object({ fromMs: z.number(), greenPercent: z.number(), blueRequests: z.number(), greenRequests: z.number() }).nullable().optional(),
  bakedMs: z.number().optional(),
  bakeMs: z.number().optional(),
  judgedToMs: z.number().optional(),
  judgeState: z.unknown().optional(),
  evidence: judgeEvidenceSchema.nullable().optional(),
  verdict: verdictSchema.optional(),
  endedBy: z.enum(["pass", "baked", "continued", "approved"]).nullable().optional(),
});

const planEndsSchema = z.object({ greenPercent: z.number(), taskDefinition: z.string().optional() });

const operationStepSchema = z.object({
  index: z.number().int(),
  id: z.string(),
  title: z.string(),
  call: awsCallSchema.optional(),
  wait: waitSchema.optional(),
  status: z.enum(STEP_STATUSES),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  output: z.unknown(),
  error: z.string().nullable(),
  skipIf: waitSchema.optional(),
  progress: z
    .object({
      calls: z.number(),
      attempts: z.number(),
      polls: z.number(),
      lastError: z.string().nullable(),
      note: z.string().nullable(),
      progressive: progressiveStepStateSchema.optional(),
    })
    .optional(),
});

export const operationSchema = z.object({
  id: z.string(),
  appId: z.string(),
  pattern: z.string(),
  intent: intentSchema,
  summary: z.string(),
  status: z.enum(OPERATION_STATUSES),
  actor: actorSchema,
  reason: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  steps: z.array(operationStepSchema),
  before: planEndsSchema.optional(),
  after: planEndsSchema.optional(),
  settledAt: z.string().nullable().optional(),
});

export const operationAnswerSchema = z.object({ operation: operationSchema });

/** A rollback asked for while AWS already is blue: nothing runs. */
export const nothingToDoAnswerSchema = z.object({
  operation: z.null(),
  nothingToDo: z.object({ headline: z.string(), detail: z.string() }),
});

const greenVerdictSchema = z.looseObject({
  status: z.string(),
  label: z.string(),
  figures: z.string(),
  detail: z.string(),
  windowMinutes: z.number().nullable(),
});

const healthSchema = z.object({ healthy: z.number(), unhealthy: z.number() });

const appSummarySchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  pattern: z.string(),
  region: z.string(),
  configuredGreenPercent: z.number().nullable(),
  observedGreenPercent: z.number().nullable(),
  health: z.object({ blue: healthSchema, green: healthSchema }).nullable(),
  operation: z
    .object({
      id: z.string(),
      status: z.enum(OPERATION_STATUSES),
      summary: z.string(),
      intent: intentSchema,
      actor: actorSchema,
      createdAt: z.string(),
    })
    .nullable(),
  dataAgeMs: z.number().nullable(),
  /** How old `health` is (ms) when it comes from an earlier read than the rest; absent when it does not. */
  healthAgeMs: z.number().optional(),
  error: z.string().nullable(),
  greenVerdict: greenVerdictSchema.optional(),
});

export const appsAnswerSchema = z.object({ apps: z.array(appSummarySchema) });

/** One application's snapshot, as the console's page reads it (its AWS state described by its main fields). */
export const snapshotAnswerSchema = z.looseObject({
  app: z.object({ id: z.string(), name: z.string(), pattern: z.string(), region: z.string() }),
  pattern: z.looseObject({ id: z.string(), name: z.string(), intents: z.array(z.enum(INTENT_KINDS)) }),
  state: z.looseObject({ version: z.string(), configured: z.object({ greenPercent: z.number() }) }),
  metrics: z.object({ rangeMinutes: z.number(), series: z.array(z.looseObject({ id: z.string(), metric: z.string() })) }),
  markers: z.array(z.looseObject({ id: z.string(), actor: z.string(), status: z.enum(OPERATION_STATUSES) })),
  operation: operationSchema.nullable(),
  generatedAt: z.string(),
  greenVerdict: greenVerdictSchema,
  dataAgeMs: z.number().optional(),
  refreshMs: z.number().optional(),
  readError: z.string().nullable().optional(),
});

const planStepSchema = z.object({
  id: z.string(),
  title: z.string(),
  call: awsCallSchema.optional(),
  wait: waitSchema.optional(),
  skipIf: waitSchema.optional(),
  holds: waitSchema.optional(),
});

const planSchema = z.object({
  appId: z.string(),
  pattern: z.string(),
  intent: intentSchema,
  summary: z.string(),
  before: planEndsSchema,
  after: planEndsSchema,
  steps: z.array(planStepSchema),
  nothingToDo: z.object({ headline: z.string(), detail: z.string() }).optional(),
});

/** The plan an intent would run, and the state `version` to send back as `expectedVersion`; or why it cannot be planned. */
export const planAnswerSchema = z.union([
  z.object({ ok: z.literal(true), plan: planSchema, version: z.string(), greenVerdict: greenVerdictSchema.optional() }),
  z.object({ ok: z.literal(false), reason: z.string(), version: z.string(), greenVerdict: greenVerdictSchema.optional() }),
]);

export const historyAnswerSchema = z.object({ operations: z.array(operationSchema) });
