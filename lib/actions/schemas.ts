import { z } from "zod";

export const appIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, "not an application id");

const reason = z.string().trim().max(500, "at most 500 characters");

export const shiftInputSchema = z
  .object({
    appId: appIdSchema,
    greenPercent: z.number().int("a whole number of percent").min(0).max(100),
    expectedVersion: z.string().min(1).max(64),
    reason: reason.min(1, "say why (it goes in the audit log)"),
    /** Typed by the person (the application id) to give a failing or slower green more traffic anyway. */
    override: z.string().max(64).optional(),
  })
  .strict();

/** A task definition as a person names it: family:revision, or its ARN. */
export const taskDefinitionSchema = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[A-Za-z0-9_:/.-]+$/, "family:revision or a task definition ARN");

export const rollbackInputSchema = z
  .object({
    appId: appIdSchema,
    reason: reason.optional(),
    /** ecs-rolling only: the revision to go back to (the planner checks it is one of the service's family). */
    taskDefinition: taskDefinitionSchema.optional(),
  })
  .strict();

export const abortInputSchema = z
  .object({
    appId: appIdSchema,
    operationId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, "not an operation id"),
  })
  .strict();
