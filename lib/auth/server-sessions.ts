/**
 * Revocable sign-in sessions. next-auth's JWT cookie carries a session id (`sid`); every request
 * checks that id against the store (sessions table) through a short cache, and reads the user's
 * role again from the user source. So a sign-out or an admin's revocation ends the session on this
 * server at once (on other servers sharing the database within the cache time), and a role change
 * applies within the cache time too, instead of when the 8-hour cookie expires.
 */

import type { SessionInfo } from "@/lib/domain/session";
import type { Actor } from "@/lib/domain/operation";
import type { Role } from "@/lib/domain/basics";

/** The part of the store the registry needs. */
export interface SessionStore {
  createSession(input: { userId: string; email: string; role: Role; provider: string; expiresAt: string }): Promise<SessionInfo>;
  getSession(id: string): Promise<SessionInfo | null>;
  revokeSession(id: string): Promise<boolean>;
  revokeUserSessions(userId: string): Promise<number>;
}

/**
 * The user's current role for a live session, or null when the user no longer exists. Local users
 * are looked up again in their directory; OIDC users keep the role their claims gave at sign-in.
 */
export type CurrentRole = (session: SessionInfo) => Promise<Role | null>;

export interface SessionRegistryOptions {
  store: () => Promise<SessionStore>;
  currentRole: CurrentRole;
  /** How long a check is trusted before the store is asked again (default 15 s; well under a minute). */
  cacheMs?: number;
  /** Session lifetime (the cookie's maxAge). */
  maxAgeMs: number;
  now?: () => number;
  /** Cached checks kept at most (oldest dropped first). */
  maxCached?: number;
}

export interface SessionRegistry {
  /** Records a session for a fresh sign-in; returns its id for the cookie. */
  start(actor: Actor, provider: string): Promise<string>;
  /** The live session's current role, or null when it is unknown, revoked, expired or another user's. */
  check(sessionId: string, userId: string): Promise<{ role: Role } | null>;
  /** Ends one session (sign-out). */
  end(sessionId: string): Promise<boolean>;
  /** Ends every session of a user (an admin's revocation); returns how many were live. */
  endAllFor(userId: string): Promise<number>;
}

interface Cached {
  at: number;
  userId: string;
  result: { role: Role } | null;
}

export const SESSION_CHECK_CACHE_MS = 15_000;

export function createSessionRegistry(options: SessionRegistryOptions): SessionRegistry {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? SESSION_CHECK_CACHE_MS;
  const maxCached = options.maxCached ?? 10_000;
  const cache = new Map<string, Cached>();

  const remember = (sessionId: string, entry: Cached): void => {
    cache.delete(sessionId);
    cache.set(sessionId, entry);
    while (cache.size > maxCached) {
      const oldest = cache.keys().next();
      if (oldest.done) break;
      cache.delete(oldest.value);
    }
  };

  const lookUp = async (sessionId: string): Promise<Cached> => {
    const at = now();
    const session = await (await options.store()).getSession(sessionId);
    if (!session || session.revokedAt !== null || Date.parse(session.expiresAt) <= at) return { at, userId: session?.userId ?? "", result: null };
    const role = await options.currentRole(session);
    return { at, userId: session.userId, result: role === null ? null : { role } };
  };

  return {
    async start(actor, provider) {
      const store = await options.store();
      const session = await store.createSession({
        userId: actor.id,
        email: actor.email,
        role: actor.role,
        provider,
        expiresAt: new Date(now() + options.maxAgeMs).toISOString(),
      });
      remember(session.id, { at: now(), userId: actor.id, result: { role: actor.role } });
      return session.id;
    },

    async check(sessionId, userId) {
      let entry = cache.get(sessionId);
      if (!entry || now() - entry.at >= cacheMs) {
        entry = await lookUp(sessionId);
        remember(sessionId, entry);
      }
      return entry.userId === userId ? entry.result : null;
    },

    async end(sessionId) {
      cache.delete(sessionId);
      return (await options.store()).revokeSession(sessionId);
    },

    async endAllFor(userId) {
      for (const [id, entry] of cache) if (entry.userId === userId) cache.delete(id);
      return (await options.store()).revokeUserSessions(userId);
    },
  };
}
