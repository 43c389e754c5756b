"use server";

import type { ApiTokenInfo } from "@/lib/domain/api-token";
import { revokeApiTokenAs, revokeApiTokenSchema } from "@/lib/auth/api-token";
import { getStore } from "@/lib/store";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";

// Revoke an API token (admins only): its next request is refused with 401.
export async function revokeApiToken(input: unknown): Promise<ActionResult<{ token: ApiTokenInfo }>> {
  return runAction("admin", revokeApiTokenSchema, input, async (actor, data) => ({
    token: await revokeApiTokenAs(await getStore(), actor, data.tokenId),
  }));
}
