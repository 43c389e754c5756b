"use server";

import { z } from "zod";
import { sessionRegistry } from "@/lib/auth/options";
import { getStore } from "@/lib/store";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";

const revokeSessionsSchema = z
  .object({
    userId: z
      .string()
      .trim()
      .min(1, "name the user")
      .max(200, "at most 200 characters")
      .regex(/^[^\u0000-\u001f\u007f]+$/, "no control characters"),
  })
  .strict();

// End every sign-in session of a user (admins only): their next request is signed out, on this
// server at once and on others sharing the database within the session check's cache time.
export async function revokeUserSessions(input: unknown): Promise<ActionResult<{ revoked: number }>> {
  return runAction("admin", revokeSessionsSchema, input, async (actor, data) => {
    const revoked = await sessionRegistry().endAllFor(data.userId);
    await (
      await getStore()
    ).appendAudit({
      action: "auth.sessions_revoked",
      actor,
      appId: null,
      operationId: null,
      reason: null,
      before: null,
      after: { userId: data.userId, revoked },
    });
    return { revoked };
  });
}
