"use server";

import { z } from "zod";
import { AppError } from "@/lib/domain/app-error";
import type { KioskTokenInfo } from "@/lib/domain/kiosk";
import { getStore } from "@/lib/store";
import type { ActionResult } from "./result";
import { runAction } from "./run-action";

const revokeKioskTokenSchema = z.object({ tokenId: z.uuid("not a token id") }).strict();

// Revoke a kiosk token (admins only): walls using it are refused at their next poll.
export async function revokeKioskToken(input: unknown): Promise<ActionResult<{ token: KioskTokenInfo }>> {
  return runAction("admin", revokeKioskTokenSchema, input, async (actor, data) => {
    const store = await getStore();
    const before = (await store.listKioskTokens()).find((t) => t.id === data.tokenId);
    if (!before) throw new AppError("not_found", "There is no such kiosk token.");
    const token = await store.revokeKioskToken(data.tokenId);
    if (!token) throw new AppError("not_found", "There is no such kiosk token.");
    // Revoking twice changes nothing, so only the first revocation is audited.
    if (before.revokedAt === null) {
      await store.appendAudit({
        action: "token.revoked",
        actor,
        appId: null,
        operationId: null,
        reason: null,
        before: { tokenId: token.id, label: token.label, revokedAt: null },
        after: { tokenId: token.id, label: token.label, revokedAt: token.revokedAt },
      });
    }
    return { token };
  });
}
