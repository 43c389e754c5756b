/**
 * Server-side sign-in sessions. The session cookie (a next-auth JWT) carries the id of one of
 * these; every request checks it is still live, so signing out, an admin's revocation or a role
 * change take effect on the server instead of when the cookie expires.
 */

import type { Role } from "./basics";

export interface SessionInfo {
  id: string;
  userId: string;
  email: string;
  /** The role at sign-in (OIDC users keep it; local users' role is read again from the directory). */
  role: Role;
  /** "credentials" or "oidc". */
  provider: string;
  createdAt: string;
  expiresAt: string;
  /** Set once revoked (sign-out, an admin); a revoked session is refused at the next check. */
  revokedAt: string | null;
}
