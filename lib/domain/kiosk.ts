/**
 * Kiosk tokens: read-only credentials for wall monitors. The secret itself is shown once at
 * creation and never stored; these are the facts Teal keeps about a token.
 */

export interface KioskTokenInfo {
  id: string;
  label: string;
  /** The admin who created it. */
  createdBy: { id: string; email: string };
  createdAt: string;
  /** Last time a wall read data with it (updated at most once a minute); null if never used. */
  lastUsedAt: string | null;
  /** Set once revoked; a revoked token is refused at the next request. */
  revokedAt: string | null;
}

/** What the create action returns: the only moment the secret exists outside the browser's cookie. */
export interface CreatedKioskToken {
  token: KioskTokenInfo;
  /** The secret, `teal_kiosk_` + 43 base64url characters. */
  secret: string;
  /** Path to open on the wall screen: `/wall?token=…`. */
  wallPath: string;
}
