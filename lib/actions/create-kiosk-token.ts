"use server";

import { z } from "zod";
import type { CreatedKioskToken } from "@/lib/domain/kiosk";
import { generateKioskSecret, hashKioskSecret } from "@/lib/auth/kiosk-token";
import { getStore } from "@/lib/store";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";

const createKioskTokenSchema = z
  .object({
    label: z
      .string()
      .trim()
      .min(1, "name the screen this token is for")
      .max(80, "at most 80 characters")
      .regex(/^[^\u0000-\u001f\u007f]+$/, "no control characters"),
  })
  .strict();

// Create a read-only kiosk token for a wall monitor (admins only); the secret is returned this once.
export async function createKioskToken(input: unknown): Promise<ActionResult<CreatedKioskToken>> {
  return runAction("admin", createKioskTokenSchema, input, async (actor, data) => {
    const store = await getStore();
    const secret = generateKioskSecret();
    const token = await store.createKioskToken({ label: data.label, tokenHash: hashKioskSecret(secret), createdBy: actor });
    // The audit row names the token, never its secret or hash.
    await store.appendAudit({
      action: "token.created",
      actor,
      appId: null,
      operationId: null,
      reason: null,
      before: null,
      after: { tokenId: token.id, label: token.label },
    });
    return { token, secret, wallPath: `/wall?token=${encodeURIComponent(secret)}` };
  });
}
