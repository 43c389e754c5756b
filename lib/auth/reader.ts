import "server-only";
import { cookies, headers } from "next/headers";
import { AppError } from "@/lib/domain/app-error";
import type { Actor } from "@/lib/domain/operation";
import type { KioskTokenInfo } from "@/lib/domain/kiosk";
import { bearerKioskSecret, hashKioskSecret, isKioskSecret, KIOSK_COOKIE } from "./kiosk-token";
import { getActor, requireRole, type SessionAuth } from "./session";
import { logger } from "@/lib/telemetry/log";

/** Where the reader check looks tokens up (the store; a fake in tests). */
export interface KioskTokenLookup {
  findKioskTokenByHash(tokenHash: string): Promise<KioskTokenInfo | null>;
  touchKioskToken(id: string): Promise<void>;
}

export interface ReaderAuthDeps {
  session: SessionAuth;
  /** The kiosk secret the request presents (Bearer header first, then the cookie), or null. */
  presentedSecret: () => Promise<string | null>;
  tokens: () => Promise<KioskTokenLookup>;
}

/** The actor a kiosk token reads as: a viewer that names the token, never a person. */
export function kioskActor(token: Pick<KioskTokenInfo, "id" | "label">): Actor {
  return { id: `kiosk:${token.id}`, email: `kiosk ${token.label}`, role: "viewer" };
}

export const KIOSK_REFUSED_MESSAGE = "This wall link is no longer authorized. Ask an admin for a new kiosk token.";

/**
 * Authorization for read-only routes the wall polls: a signed-in session (any role can read) or
 * a valid, unrevoked kiosk token. Actions never use this; `requireRole` knows nothing of tokens.
 */
export function createReaderAuth(deps: ReaderAuthDeps): { requireReader(): Promise<Actor> } {
  return {
    async requireReader() {
      const person = await deps.session.getActor();
      if (person) return deps.session.requireRole("read");
      const secret = await deps.presentedSecret();
      if (secret === null) throw new AppError("unauthenticated", "Sign in to continue.");
      const token = isKioskSecret(secret) ? await (await deps.tokens()).findKioskTokenByHash(hashKioskSecret(secret)) : null;
      if (!token || token.revokedAt !== null) {
        throw new AppError("unauthenticated", KIOSK_REFUSED_MESSAGE, token ? `kiosk token ${token.id} is revoked` : "unknown kiosk token");
      }
      // Bookkeeping only: a failed last-used write must not blank the wall.
      await (
        await deps.tokens()
      )
        .touchKioskToken(token.id)
        .catch((error: unknown) => logger.warn("kiosk.touch_failed", { tokenId: token.id, error }));
      return kioskActor(token);
    },
  };
}

async function secretFromRequest(): Promise<string | null> {
  const bearer = bearerKioskSecret((await headers()).get("authorization"));
  if (bearer) return bearer;
  return (await cookies()).get(KIOSK_COOKIE)?.value ?? null;
}

const fromRequest = createReaderAuth({
  session: { getActor, requireRole },
  presentedSecret: secretFromRequest,
  tokens: async () => {
    const { getStore } = await import("@/lib/store");
    return getStore();
  },
});

/**
 * First line of the read routes the wall polls (`/api/apps`, `/api/wall`) and of the wall page:
 * the signed-in actor, or the kiosk actor of a valid token. Throws AppError unauthenticated otherwise.
 */
export function requireReader(): Promise<Actor> {
  return fromRequest.requireReader();
}
