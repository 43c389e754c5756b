/**
 * Local users: people who sign in with an email and a password kept by Teal (a team without an
 * identity provider), created by an admin on the settings page or with `teal user create` on the
 * server's host. Only a hash of the password is kept (lib/auth/passwords.ts).
 */

import type { Role } from "./basics";

export interface LocalUserInfo {
  /** `local:<uuid>`: the session's user id and the audit log's actor id. */
  id: string;
  /** Normalised (trimmed, NFKC, lower case); unique. */
  email: string;
  role: Role;
  /** Who created it: an admin, or the command line on the server's host. */
  createdBy: { id: string; email: string };
  createdAt: string;
  /** Once set, the user cannot sign in and their sessions end at the next check. */
  disabledAt: string | null;
}

/** What the credentials check reads: the user and the hash of their password. */
export interface LocalUserCredentials extends LocalUserInfo {
  passwordHash: string;
}

/** What the store keeps of a new user. */
export interface CreateLocalUserInput {
  /** Normalised by the caller. */
  email: string;
  role: Role;
  passwordHash: string;
  createdBy: { id: string; email: string };
}

/** What creating a local user returns. */
export interface CreatedLocalUser {
  user: LocalUserInfo;
  /** The password Teal made, shown this once; null when the creator gave one. */
  generatedPassword: string | null;
}
