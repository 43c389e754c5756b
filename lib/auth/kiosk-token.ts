/**
 * Kiosk token secrets: `teal_kiosk_` + 32 random bytes in base64url. Only the SHA-256 of a secret
 * is stored, so a database leak does not hand out wall access.
 */

import { createHash, randomBytes } from "node:crypto";

export const KIOSK_TOKEN_PREFIX = "teal_kiosk_";
/** The cookie the wall page sets after checking a `?token=` link, so its polls carry the token. */
export const KIOSK_COOKIE = "teal_kiosk";
/** 32 bytes in base64url without padding is 43 characters. */
const KIOSK_TOKEN_PATTERN = /^teal_kiosk_[A-Za-z0-9_-]{43}$/;

/** A fresh secret (shown once to the admin who creates it). */
export function generateKioskSecret(): string {
  return `${KIOSK_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** Whether a string has the shape of a kiosk secret (checked before any database lookup). */
export function isKioskSecret(value: string): boolean {
  return KIOSK_TOKEN_PATTERN.test(value);
}

/** SHA-256 of the secret, hex: what the store keeps and looks tokens up by. */
export function hashKioskSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** The kiosk secret in an `Authorization: Bearer …` header value, or null. */
export function bearerKioskSecret(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const value = match?.[1];
  return value !== undefined && value.startsWith(KIOSK_TOKEN_PREFIX) ? value : null;
}
