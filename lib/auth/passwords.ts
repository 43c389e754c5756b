/**
 * Password hashing with scrypt (node:crypto): "scrypt$N$r$p$salt$hash", salt and hash in base64.
 * Verification recomputes and compares in constant time.
 *
 * Verifications pass through a gate: at most two derivations at once, a short queue, and a
 * refusal (PasswordChecksBusyError) beyond it. scrypt runs on libuv's thread pool, which also
 * serves every session cookie's key derivation, file reads and DNS: hundreds of sign-in attempts
 * at once would otherwise queue ahead of every signed-in reader's request.
 */

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

const N = 16_384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Thrown by verifyPassword when the gate's queue is full: answer "try again shortly", not "wrong password". */
export class PasswordChecksBusyError extends Error {
  constructor() {
    super("too many password checks at once");
    this.name = "PasswordChecksBusyError";
  }
}

export interface PasswordGateStats {
  running: number;
  queued: number;
  /** Most derivations ever running at once. */
  peakRunning: number;
  /** Checks refused because the queue was full. */
  refused: number;
  /** Derivations run (completed or failed). */
  derived: number;
}

/** Derivations at once: half of libuv's default four threads, so the other half stays free for reads. */
export const MAX_CONCURRENT_CHECKS = 2;
/** Checks waiting for a slot; beyond this a check is refused at once rather than held. */
export const MAX_QUEUED_CHECKS = 16;

const gate = { running: 0, waiting: [] as (() => void)[], peakRunning: 0, refused: 0, derived: 0 };

export function passwordGateStats(): PasswordGateStats {
  return { running: gate.running, queued: gate.waiting.length, peakRunning: gate.peakRunning, refused: gate.refused, derived: gate.derived };
}

async function throughGate<T>(work: () => Promise<T>): Promise<T> {
  if (gate.running >= MAX_CONCURRENT_CHECKS) {
    if (gate.waiting.length >= MAX_QUEUED_CHECKS) {
      gate.refused += 1;
      throw new PasswordChecksBusyError();
    }
    await new Promise<void>((resolve) => gate.waiting.push(resolve));
  } else {
    gate.running += 1;
  }
  // A released slot is handed over directly: `running` already counts this check.
  gate.peakRunning = Math.max(gate.peakRunning, gate.running);
  try {
    return await work();
  } finally {
    gate.derived += 1;
    const next = gate.waiting.shift();
    if (next) next();
    else gate.running -= 1;
  }
}

export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const key = await derive(password, salt, KEY_LENGTH, { N, r: R, p: P });
  return ["scrypt", N, R, P, salt.toString("base64"), key.toString("base64")].join("$");
}

/**
 * False for a wrong password and for a malformed hash (never throws on bad input). Throws
 * PasswordChecksBusyError, without deriving anything, when too many checks are already waiting.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4] ?? "", "base64");
  const expected = Buffer.from(parts[5] ?? "", "base64");
  if (!n || !r || !p || salt.length === 0 || expected.length === 0) return false;
  // Refuse parameters that would let a stored value make us burn memory or CPU.
  if (n > 1 << 20 || r > 32 || p > 16 || expected.length > 128) return false;
  return throughGate(async () => {
    try {
      const actual = await derive(password, salt, expected.length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
      return timingSafeEqual(actual, expected);
    } catch {
      return false;
    }
  });
}
