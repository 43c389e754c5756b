/**
 * Throttling of password sign-ins, by client address and by account, with growing delays. After a
 * few free failures each further failure blocks the key for twice as long as the last (1 s, 2 s,
 * 4 s … up to 15 min); a key quiet for 30 min is forgotten. Attempts on a blocked key, and
 * attempts beyond two at once per key, are refused at once with the time to wait: nothing is held
 * open and no password is checked. A successful sign-in clears its account's failures (not the
 * client's, so one good account cannot launder guesses at others).
 *
 * In memory and bounded: each of the two maps keeps at most `maxKeys` entries, the least recently
 * used dropped first. Several servers each throttle on their own.
 */

export interface SignInGuardOptions {
  now?: () => number;
  /** Failures an account may have before delays start (default 5). */
  freeAccountFailures?: number;
  /** Failures a client address may have before delays start (default 20: offices share addresses). */
  freeClientFailures?: number;
  /** The first delay (default 1 s); each further failure doubles it. */
  baseDelayMs?: number;
  /** The longest delay (default 15 min). */
  maxDelayMs?: number;
  /** A key with no failure for this long starts again from zero (default 30 min). */
  forgetAfterMs?: number;
  /** Attempts being checked at once per key (default 2). */
  maxInFlightPerKey?: number;
  /** Entries per map (default 10,000). */
  maxKeys?: number;
}

/** How a check ended; "abandoned" (no password was checked) counts neither way. */
export type Outcome = "success" | "failure" | "abandoned";

export type GuardDecision = { allowed: true; finish(outcome: Outcome): void } | { allowed: false; retryAfterMs: number; why: "throttled" | "busy" };

export interface SignInGuard {
  /** Asks to check a password for `account` from `client`; when allowed, call `finish` exactly once. */
  begin(client: string, account: string): GuardDecision;
  /** Failures counted for a key (tests, diagnostics). */
  failures(kind: "client" | "account", key: string): number;
}

interface Entry {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
  inFlight: number;
}

/** How long an "at most N at once" refusal asks the client to wait. */
const BUSY_RETRY_MS = 1_000;

export function createSignInGuard(options: SignInGuardOptions = {}): SignInGuard {
  const now = options.now ?? Date.now;
  const freeAccount = options.freeAccountFailures ?? 5;
  const freeClient = options.freeClientFailures ?? 20;
  const base = options.baseDelayMs ?? 1_000;
  const maxDelay = options.maxDelayMs ?? 15 * 60_000;
  const forgetAfter = options.forgetAfterMs ?? 30 * 60_000;
  const maxInFlight = options.maxInFlightPerKey ?? 2;
  const maxKeys = options.maxKeys ?? 10_000;
  const maps = { client: new Map<string, Entry>(), account: new Map<string, Entry>() };

  /** The entry for a key, refreshed as most recently used (and forgotten if long quiet). */
  const entryFor = (map: Map<string, Entry>, key: string, at: number): Entry => {
    let entry = map.get(key);
    map.delete(key);
    if (!entry || (entry.inFlight === 0 && entry.failures > 0 && at - entry.lastFailureAt >= forgetAfter)) {
      entry = { failures: 0, lastFailureAt: 0, blockedUntil: 0, inFlight: entry?.inFlight ?? 0 };
    }
    map.set(key, entry);
    for (const [oldKey, old] of map) {
      if (map.size <= maxKeys) break;
      if (old.inFlight === 0) map.delete(oldKey);
    }
    return entry;
  };

  const delayAfter = (failures: number, free: number): number =>
    failures <= free ? 0 : Math.min(maxDelay, base * 2 ** Math.min(30, failures - free - 1));

  return {
    begin(client, account) {
      const at = now();
      const c = entryFor(maps.client, client, at);
      const a = entryFor(maps.account, account, at);
      const wait = Math.max(c.blockedUntil, a.blockedUntil) - at;
      if (wait > 0) return { allowed: false, retryAfterMs: wait, why: "throttled" };
      if (c.inFlight >= maxInFlight || a.inFlight >= maxInFlight) return { allowed: false, retryAfterMs: BUSY_RETRY_MS, why: "busy" };
      c.inFlight += 1;
      a.inFlight += 1;
      let finished = false;
      return {
        allowed: true,
        finish(outcome) {
          if (finished) return;
          finished = true;
          c.inFlight -= 1;
          a.inFlight -= 1;
          const end = now();
          if (outcome === "abandoned") return;
          if (outcome === "success") {
            a.failures = 0;
            a.blockedUntil = 0;
            return;
          }
          for (const [entry, free] of [
            [c, freeClient],
            [a, freeAccount],
          ] as const) {
            entry.failures += 1;
            entry.lastFailureAt = end;
            entry.blockedUntil = Math.max(entry.blockedUntil, end + delayAfter(entry.failures, free));
          }
        },
      };
    },
    failures(kind, key) {
      return maps[kind].get(key)?.failures ?? 0;
    },
  };
}

/**
 * The client's address for throttling: the last X-Forwarded-For hop (the one the nearest proxy,
 * or Next itself, wrote), else X-Real-IP, else "unknown". Without a proxy in front a client can
 * choose this value, so per-account throttling and the password gate do not rely on it.
 */
export function clientAddress(headers: Readonly<Record<string, unknown>> | undefined): string {
  const forwarded = headers?.["x-forwarded-for"];
  const hops =
    typeof forwarded === "string"
      ? forwarded
          .split(",")
          .map((h) => h.trim())
          .filter((h) => h !== "")
      : [];
  const last = hops.at(-1);
  if (last) return last.slice(0, 64);
  const real = headers?.["x-real-ip"];
  return typeof real === "string" && real.trim() !== "" ? real.trim().slice(0, 64) : "unknown";
}
