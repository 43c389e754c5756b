"use server";

import type { CreatedApiToken } from "@/lib/domain/api-token";
import { createApiTokenSchema, issueApiToken } from "@/lib/auth/api-token";
import { getRuntime } from "@/lib/runtime/runtime";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";

// Create an API token for a pipeline (admins only): a name, a role up to operator, optionally the
// applications it may act on, an expiry. The secret is returned this once.
export async function createApiToken(input: unknown): Promise<ActionResult<CreatedApiToken>> {
  return runAction("admin", createApiTokenSchema, input, async (actor, data) => {
    const rt = await getRuntime();
    return issueApiToken(rt.store, actor, data, { knownApps: rt.config.applications.map((a) => a.id) });
  });
}
