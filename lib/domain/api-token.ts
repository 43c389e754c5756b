/**
 * API tokens: credentials for pipelines and other machines calling the REST API (`/api/v1`). The
 * secret is shown once at creation and never stored; these are the facts Teal keeps about a token.
 */

import type { Role } from "./basics";

/** The roles a token may carry: never admin (tokens cannot manage tokens or sessions). */
export const API_TOKEN_ROLES = ["viewer", "responder", "operator"] as const satisfies readonly Role[];
export type ApiTokenRole = (typeof API_TOKEN_ROLES)[number];

export interface ApiTokenInfo {
  id: string;
  /** Unique among the tokens not revoked; names the token in the audit log ("token ci"). */
  name: string;
  role: ApiTokenRole;
  /** The applications it may act on and read; null: every application. */
  apps: string[] | null;
  /** Who created it: an admin, or `cli` for a token made on the server's host. */
  createdBy: { id: string; email: string };
  createdAt: string;
  /** After this moment the token is refused. */
  expiresAt: string;
  /** Last time a request used it (updated at most once a minute); null if never used. */
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What creating a token returns: the only moment the secret exists. */
export interface CreatedApiToken {
  token: ApiTokenInfo;
  /** `teal_api_` + 43 base64url characters, for `Authorization: Bearer …`. */
  secret: string;
}

/** What the store keeps of a new token (its secret only as a hash). */
export interface CreateApiTokenInput {
  name: string;
  role: ApiTokenInfo["role"];
  /** null: every application. */
  apps: readonly string[] | null;
  /** SHA-256 of the secret, 64 lowercase hex characters. */
  tokenHash: string;
  createdBy: { id: string; email: string };
  expiresAt: string;
}
