import { z } from "zod";
import {
  deployRevisionIntentSchema,
  rollbackIntentSchema,
  scaleGreenIntentSchema,
  shiftIntentSchema,
  standbyEnterIntentSchema,
} from "@/lib/domain/intent";

export const appIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, "not an application id");

export const operationIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "not an operation id");

/** The state version the person confirmed (a plan preview's `version`). */
export const expectedVersionSchema = z.string().min(1).max(64);

export const reasonSchema = z.string().trim().max(500, "at most 500 characters");
/** Operations that change traffic or capacity need a reason. */
export const requiredReasonSchema = reasonSchema.min(1, "say why (it goes in the audit log)");

// The inputs of the actions that plan an intent take the intent's fields from the one intent schema
// (lib/domain/intent.ts), beside what every such action carries.

export const shiftInputSchema = z.strictObject({
  appId: appIdSchema,
  /** 100 % is a promote. */
  greenPercent: shiftIntentSchema.shape.greenPercent,
  expectedVersion: expectedVersionSchema,
  reason: requiredReasonSchema,
  /** Typed by the person (the application id) to give a failing or slower green more traffic anyway. */
  override: z.string().max(64).optional(),
});

export const rollbackInputSchema = z.strictObject({
  appId: appIdSchema,
  reason: reasonSchema.optional(),
  /** ecs-rolling only: the revision to go back to (the planner checks it is one of the service's family). */
  taskDefinition: rollbackIntentSchema.shape.taskDefinition,
});

export const standbyInputSchema = z.strictObject({
  appId: appIdSchema,
  direction: z.enum(["enter", "exit"]),
  color: standbyEnterIntentSchema.shape.color,
  instanceIds: standbyEnterIntentSchema.shape.instanceIds,
  expectedVersion: expectedVersionSchema,
  reason: requiredReasonSchema,
});

export const scaleGreenInputSchema = z.strictObject({
  appId: appIdSchema,
  capacity: scaleGreenIntentSchema.shape.capacity,
  expectedVersion: expectedVersionSchema,
  reason: requiredReasonSchema,
});

export const deployRevisionInputSchema = z.strictObject({
  appId: appIdSchema,
  taskDefinition: deployRevisionIntentSchema.shape.taskDefinition,
  expectedVersion: expectedVersionSchema,
  reason: requiredReasonSchema,
});

export const abortInputSchema = z.strictObject({
  appId: appIdSchema,
  operationId: operationIdSchema,
});

export const resumeInputSchema = z.strictObject({
  appId: appIdSchema,
  operationId: operationIdSchema,
  reason: reasonSchema.optional(),
});
