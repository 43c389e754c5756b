/**
 * What the engine checks before it takes a lock: a plan it can run, an actor, a reason. Plans come
 * from the pure planners, but they are data, so they are checked like any other input.
 */

import { z } from "zod";
import { INTENT_KINDS } from "@/lib/domain/intent";
import { AppError } from "@/lib/domain/app-error";
import { ROLES } from "@/lib/domain/basics";
import type { Actor } from "@/lib/domain/operation";
import type { Plan } from "@/lib/domain/plan";

const SIX_HOURS_MS = 6 * 60 * 60 * 1000;

const callSchema = z.object({
  service: z.enum(["route53", "elb", "elbv2", "autoscaling", "ecs", "cloudwatch", "ec2"]),
  operation: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  region: z.string().min(1).optional(),
  assumeRoleOf: z.string().min(1).optional(),
});

/** A progressive delivery's bake (up to a day) and gate wait for people: they may last up to this long. */
const PROGRESSIVE_WAIT_MAX_MS = 3 * 24 * 60 * 60 * 1000;
const LONG_WAITS: ReadonlySet<string> = new Set(["progressive-bake", "progressive-gate"]);

const waitSchema = z
  .looseObject({
    kind: z.string().min(1),
    timeoutMs: z.number().int().positive().max(PROGRESSIVE_WAIT_MAX_MS),
    pollMs: z.number().int().positive(),
  })
  .refine((w) => LONG_WAITS.has(w.kind) || w.timeoutMs <= SIX_HOURS_MS, { message: "a wait may last at most 6 hours", path: ["timeoutMs"] });

const stepSchema = z
  .object({
    id: z.string().min(1),
    title: z.string().min(1),
    call: callSchema.optional(),
    wait: waitSchema.optional(),
    skipIf: waitSchema.optional(),
  })
  .refine((s) => s.call !== undefined || s.wait !== undefined, { message: "a step needs a call or a wait" });

const planSchema = z.object({
  appId: z.string().min(1),
  pattern: z.string().min(1),
  intent: z.looseObject({
    kind: z.enum(INTENT_KINDS),
  }),
  summary: z.string().min(1),
  before: z.object({ greenPercent: z.number() }),
  after: z.object({ greenPercent: z.number() }),
  steps: z.array(stepSchema).min(1, { message: "the plan has no steps" }),
});

const actorSchema = z.object({
  id: z.string().min(1),
  email: z.string().min(1),
  role: z.enum(ROLES),
});

export const MAX_REASON_LENGTH = 1000;

function describeIssue(prefix: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? ` (${issue.path.join(".")})` : "";
  return `${prefix}${where}: ${issue?.message ?? "malformed"}`;
}

/** Throws AppError("invalid", …) naming the first problem; returns the trimmed reason. */
export function validateStart(plan: Plan, actor: Actor, reason: string): string {
  const planCheck = planSchema.safeParse(plan);
  if (!planCheck.success) throw new AppError("invalid", describeIssue("The plan cannot be run", planCheck.error));
  const ids = new Set<string>();
  for (const step of plan.steps) {
    if (ids.has(step.id)) throw new AppError("invalid", `The plan cannot be run: step id "${step.id}" appears twice.`);
    ids.add(step.id);
  }
  const actorCheck = actorSchema.safeParse(actor);
  if (!actorCheck.success) throw new AppError("invalid", describeIssue("Unknown caller", actorCheck.error));
  const trimmed = typeof reason === "string" ? reason.trim() : "";
  // A rollback never waits for words: at 3 a.m. its reason is optional, and none is kept as none.
  if (trimmed.length === 0 && plan.intent.kind !== "rollback") throw new AppError("invalid", "Give a reason: it goes into the audit log.");
  if (trimmed.length > MAX_REASON_LENGTH) throw new AppError("invalid", `The reason is too long (at most ${MAX_REASON_LENGTH} characters).`);
  return trimmed;
}
