import "server-only";
import { AppError } from "@/lib/domain/app-error";
import type { ApiTokenInfo } from "@/lib/domain/api-token";
import type { Actor } from "@/lib/domain/operation";
import { apiTokenActor, apiTokenRefusal, hashApiSecret, isApiSecret } from "./api-token";
import { can, MINIMUM_ROLE, type Capability } from "./roles";
import { getActor } from "./session";
import { logger } from "@/lib/telemetry/log";

/** Who calls the REST API: a signed-in person, or a machine with an API token. */
export interface ApiCaller {
  actor: Actor;
  /** The applications the caller may read and act on; null: every one. */
  apps: readonly string[] | null;
  /** The token's name when the caller is a token. */
  tokenName: string | null;
}

/** Where tokens are looked up (the store). */
export interface ApiTokenLookup {
  findApiTokenByHash(tokenHash: string): Promise<ApiTokenInfo | null>;
  touchApiToken(id: string): Promise<void>;
}

export interface ApiAuthDeps {
  /** The signed-in actor of the request's session cookie, or null. */
  sessionActor: () => Promise<Actor | null>;
  tokens: () => Promise<ApiTokenLookup>;
  now?: () => number;
}

export const API_TOKEN_REFUSED_MESSAGE = "This API token is not valid: it is unknown, revoked or expired. Ask an admin for a new one.";

/**
 * Who the request is from: an `Authorization: Bearer teal_api_…` header names a token (valid,
 * unrevoked, unexpired, else 401), and without one the session cookie names a person. Any other
 * bearer value (a kiosk token) is refused: the API is not a wall's.
 */
export function createApiAuth(deps: ApiAuthDeps): { authenticate(authorization: string | null): Promise<ApiCaller> } {
  const now = deps.now ?? Date.now;
  return {
    async authenticate(authorization) {
      if (authorization !== null && authorization.trim() !== "") {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
        const secret = match?.[1] ?? "";
        const lookup = await deps.tokens();
        const token = isApiSecret(secret) ? await lookup.findApiTokenByHash(hashApiSecret(secret)) : null;
        if (!token) throw new AppError("unauthenticated", API_TOKEN_REFUSED_MESSAGE, "unknown API token");
        const refusal = apiTokenRefusal(token, now());
        if (refusal) throw new AppError("unauthenticated", API_TOKEN_REFUSED_MESSAGE, `API token ${token.id} is ${refusal}`);
        // Bookkeeping only: a failed last-used write must not fail the call.
        await lookup.touchApiToken(token.id).catch((err: unknown) => logger.warn("api.token_touch_failed", { error: err }));
        return { actor: apiTokenActor(token), apps: token.apps, tokenName: token.name };
      }
      const person = await deps.sessionActor();
      if (!person) throw new AppError("unauthenticated", "Sign in, or send an API token as Authorization: Bearer <token>.");
      return { actor: person, apps: null, tokenName: null };
    },
  };
}

const fromRequest = createApiAuth({
  sessionActor: getActor,
  tokens: async () => {
    const { getStore } = await import("@/lib/store");
    return getStore();
  },
});

/** The caller of an API request, from its Authorization header or session; throws AppError unauthenticated. */
export function authenticateApiCaller(authorization: string | null): Promise<ApiCaller> {
  return fromRequest.authenticate(authorization);
}

/** Throws forbidden unless the caller's role holds `capability`. */
export function requireCapability(caller: ApiCaller, capability: Capability): void {
  if (!can(caller.actor.role, capability)) {
    throw new AppError(
      "forbidden",
      `Permission denied: this needs the ${MINIMUM_ROLE[capability]} role or higher.`,
      `${caller.actor.email} (${caller.actor.role}) lacks ${capability}`,
    );
  }
}

/** Whether the caller may see and act on the application. */
export function mayUseApp(caller: ApiCaller, appId: string): boolean {
  return caller.apps === null || caller.apps.includes(appId);
}

/** Throws forbidden when the caller is a token limited to other applications. */
export function requireApp(caller: ApiCaller, appId: string): void {
  if (!mayUseApp(caller, appId)) {
    throw new AppError(
      "forbidden",
      `This API token may not act on the application "${appId}".`,
      `${caller.actor.email} is limited to other applications`,
    );
  }
}
