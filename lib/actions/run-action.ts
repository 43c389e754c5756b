import "server-only";
import type { z } from "zod";
import { isAppError } from "@/lib/domain/app-error";
import type { Actor } from "@/lib/domain/operation";
import type { Capability } from "@/lib/auth/roles";
import { requireRole } from "@/lib/auth/session";
import { auditRefusal } from "./refusal-audit";
import type { ActionResult } from "./result";
import { logger, requestIdFrom, withLogContext } from "@/lib/telemetry/log";

/**
 * The one path every server action takes: authorize first (on the server, from the session),
 * then validate the input, then run. Errors become a code and a user-safe message; nothing
 * internal reaches the browser.
 */
export async function runAction<S extends z.ZodType, T>(
  capability: Capability,
  schema: S,
  input: unknown,
  handler: (actor: Actor, data: z.infer<S>) => Promise<T>,
): Promise<ActionResult<T>> {
  // Each call gets a request id on its log lines, and so does the operation it may start.
  return withLogContext({ requestId: requestIdFrom(null) }, () => run(capability, schema, input, handler));
}

async function run<S extends z.ZodType, T>(
  capability: Capability,
  schema: S,
  input: unknown,
  handler: (actor: Actor, data: z.infer<S>) => Promise<T>,
): Promise<ActionResult<T>> {
  let actor: Actor | null = null;
  try {
    actor = await requireRole(capability);
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      await auditRefusal(capability, "invalid", actor);
      const first = parsed.error.issues[0];
      const where = first?.path.length ? `${first.path.join(".")}: ` : "";
      return { ok: false, code: "invalid", message: `Invalid input: ${where}${first?.message ?? "malformed"}` };
    }
    return { ok: true, data: await handler(actor, parsed.data) };
  } catch (err) {
    if (isAppError(err)) {
      const override = "overrideRequired" in err && err.overrideRequired === true ? { overrideRequired: true as const } : {};
      // A signed-in user's refusal (forbidden, invalid, conflict) is audited, without the input.
      await auditRefusal(capability, err.code, actor);
      return { ok: false, code: err.code, message: err.userMessage, ...override };
    }
    logger.error("action.failed", { capability, error: err });
    return { ok: false, code: "internal", message: "Teal hit an unexpected error; nothing was changed. See the server log." };
  }
}
