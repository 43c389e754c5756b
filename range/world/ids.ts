/**
 * Identifier formats of the emulated AWS resources. Every id comes from a seeded generator so a run is
 * reproducible; the formats follow what AWS hands out so client code that parses them keeps working.
 */
import type { Prng } from "./prng";

const HEX = "0123456789abcdef";
const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const DIGITS = "0123456789";

function pick(prng: Prng, alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[prng.int(alphabet.length)];
  return out;
}

/** "i-" and 17 hex digits, like current EC2 instance ids. */
export function instanceId(prng: Prng): string {
  return `i-0${pick(prng, HEX, 16)}`;
}

/** "r-" and 17 hex digits. */
export function reservationId(prng: Prng): string {
  return `r-0${pick(prng, HEX, 16)}`;
}

/** A hosted zone id without the "/hostedzone/" prefix, e.g. "Z0ABC…" (21 characters). */
export function hostedZoneId(prng: Prng): string {
  return `Z0${pick(prng, UPPER_ALNUM, 19)}`;
}

/** A Route 53 change id without the "/change/" prefix, e.g. "C2682N5HXP0BZ4". */
export function changeId(prng: Prng): string {
  return `C${pick(prng, UPPER_ALNUM, 20)}`;
}

/** The numeric part of a classic ELB DNS name ("shop-blue-1234567890.us-east-1.elb.amazonaws.com"). */
export function elbDnsNumber(prng: Prng): string {
  return `${1 + prng.int(9)}${pick(prng, DIGITS, 9)}`;
}

/** A request id in UUID form (the x-amzn-RequestId header and ResponseMetadata). */
export function requestId(prng: Prng): string {
  const h = pick(prng, HEX, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[prng.int(4)]}${h.slice(17, 20)}-${h.slice(20)}`;
}

/** A private IPv4 address inside the default VPC's 172.31.0.0/16. */
export function privateIp(prng: Prng): string {
  return `172.31.${prng.int(256)}.${1 + prng.int(254)}`;
}
