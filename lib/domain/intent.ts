/**
 * Intents: what a person asks Teal to do to one application, as one zod schema. The `Intent` type
 * is inferred from it; the server actions build their inputs from its fields, the plan route parses
 * its query with `parsePlanQuery`, and the browser's plan preview writes that query (./plan-query)
 * from requests typed by it. Pure.
 */
import { z } from "zod";
import { planQueryFields } from "./plan-query";
import { progressiveIntentSchema } from "./progressive";

/** Green's share of traffic, in whole percent. */
export const greenPercentSchema = z.number().int("a whole number of percent").min(0).max(100);

/** Instances (Auto Scaling) or tasks (ECS) of green. */
export const capacitySchema = z.number().int("a whole number of instances or tasks").min(0).max(10_000);

/** A task definition as a person names it: family:revision, or its ARN. */
export const taskDefinitionSchema = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(/^[A-Za-z0-9_:/.-]+$/, "family:revision or a task definition ARN");

export const colorSchema = z.enum(["blue", "green"]);

/** EC2 instance ids, as a standby move names them. */
export const instanceIdsSchema = z
  .array(
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9-]+$/, "not an instance id"),
  )
  .min(1)
  .max(200);

export const shiftIntentSchema = z.strictObject({ kind: z.literal("shift"), greenPercent: greenPercentSchema });

export const promoteIntentSchema = z.strictObject({ kind: z.literal("promote") });

/**
 * ecs-rolling may name the revision to go back to (family:revision of the service's family);
 * without it the planner goes to the revision that served before the current deployment.
 */
export const rollbackIntentSchema = z.strictObject({ kind: z.literal("rollback"), taskDefinition: taskDefinitionSchema.optional() });

/** ASG patterns: put instances of a colour (all, or the ones named) into Standby / back in service. */
export const standbyEnterIntentSchema = z.strictObject({
  kind: z.literal("standby-enter"),
  color: colorSchema,
  /** Absent: every instance of the colour that can make the move. */
  instanceIds: instanceIdsSchema.optional(),
});

export const standbyExitIntentSchema = z.strictObject({
  kind: z.literal("standby-exit"),
  color: colorSchema,
  instanceIds: instanceIdsSchema.optional(),
});

/** Scale green's capacity (instances or tasks) before a shift. */
export const scaleGreenIntentSchema = z.strictObject({ kind: z.literal("scale-green"), capacity: capacitySchema });

/** ecs-rolling: deploy a task definition (family:revision or ARN). */
export const deployRevisionIntentSchema = z.strictObject({ kind: z.literal("deploy-revision"), taskDefinition: taskDefinitionSchema });

/** Every intent a plan can be made for. */
export const intentSchema = z.discriminatedUnion("kind", [
  shiftIntentSchema,
  promoteIntentSchema,
  rollbackIntentSchema,
  standbyEnterIntentSchema,
  standbyExitIntentSchema,
  scaleGreenIntentSchema,
  deployRevisionIntentSchema,
  /** Green's share raised in verified, judged steps (./progressive). */
  progressiveIntentSchema,
]);

export type Intent = z.infer<typeof intentSchema>;
export type IntentKind = Intent["kind"];

/** Every intent kind, in the schema's order (e.g. the history page's filter). */
export const INTENT_KINDS = intentSchema.options.map((o) => o.shape.kind.value) as [IntentKind, ...IntentKind[]];

/** Back to the end state of the last successful operation when AWS drifted from it (planned on the server). */
export const reassertRequestSchema = z.strictObject({ kind: z.literal("reassert") });

/** What a confirm dialog can preview: any intent, or re-asserting the last operation's end state. */
export const planRequestSchema = z.discriminatedUnion("kind", [...intentSchema.options, reassertRequestSchema]);

export type PlanRequest = z.infer<typeof planRequestSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function parsedWith<T>(schema: z.ZodType<T>, input: unknown): Parsed<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const first = parsed.error.issues[0];
  const where = first?.path.length ? `${first.path.join(".")}: ` : "";
  return { ok: false, message: `${where}${first?.message ?? "malformed"}` };
}

/** The one parser of intents: an `Intent`, or the first thing wrong with the input. */
export function parseIntent(input: unknown): Parsed<Intent> {
  return parsedWith(intentSchema, input);
}

/**
 * Reads a plan preview's query (see ./plan-query) with the intent schema: the fields the named kind
 * has are taken (other parameters are ignored), each must be valid, and the kind's required ones present.
 */
export function parsePlanQuery(params: URLSearchParams): Parsed<PlanRequest> {
  const kind = params.get("intent");
  const option = planRequestSchema.options.find((o) => o.shape.kind.value === kind);
  if (!option) return { ok: false, message: "intent: not an intent Teal plans" };
  return parsedWith(planRequestSchema, planQueryFields(params, Object.keys(option.shape)));
}
