/**
 * How a webhook body is signed: HMAC-SHA256, keyed with the webhook's secret, over
 * `<timestamp>.<body>` (the timestamp in seconds, sent as `X-Teal-Timestamp`), hex-encoded in
 * `X-Teal-Signature: sha256=<hex>`. Signing the timestamp with the body lets a receiver refuse a
 * delivery replayed long after it was sent.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-teal-signature";
export const TIMESTAMP_HEADER = "x-teal-timestamp";
export const EVENT_HEADER = "x-teal-event";
export const DELIVERY_HEADER = "x-teal-delivery";

/** A new signing secret: `whsec_` and 32 random bytes in base64url. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** The `X-Teal-Signature` value of a body sent at `timestamp` (seconds). */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What a receiver does: recompute the signature and compare it in constant time. */
export function verifySignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  const expected = Buffer.from(signatureOf(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
