/**
 * The application's lock and its lease: taking it (or explaining who holds it), and the heartbeat
 * that renews the lease of every lock this process holds.
 */
import { AppError } from "@/lib/domain/app-error";
import { isActiveStatus } from "@/lib/domain/operation-status";
import { realSleep, type EngineContext } from "./context";

/**
 * The lease of a running operation. Short, so that a dead server's operation is found
 * interrupted within seconds (lease + `RECOVERY_INTERVAL_MS`); the heartbeat renews it every
 * quarter lease from a timer, whatever the run is doing, so a live server loses it only when no
 * renewal reaches the database for about three quarters of a lease (7.5 s) or its event loop
 * stalls that long.
 */
export const DEFAULT_LEASE_MS = 10_000;
/** The heartbeat's period as a share of the lease: three renewals may be lost before it lapses. */
const HEARTBEATS_PER_LEASE = 4;

/**
 * How long (real time) a refused start waits for the lock holder's operation to appear in the
 * journal, and the pause between looks. Only a holder that died between taking the lock and
 * journaling stays unnamed (its lease frees the lock).
 */
const UNJOURNALED_HOLDER_WAIT_MS = 2_000;
const UNJOURNALED_HOLDER_PAUSE_MS = 20;

/** A lease this process holds: its heartbeat, and what to do when it is lost. */
export interface Lease {
  lastRenew: number;
  onLost: (() => void) | null;
  stop: () => void;
}

export interface Locks {
  /** How often a held lease is renewed (ms). */
  readonly renewEveryMs: number;
  /** The lease this process keeps for `holder`, if any. */
  lease(holder: string): Lease | undefined;
  /**
   * Renews `holder`'s lease every quarter lease from a timer, from the moment the lock is taken
   * until `dropLease` (see the implementation).
   */
  keepLease(appId: string, holder: string, renewNow: boolean): void;
  dropLease(holder: string, lease?: Lease): void;
  /** tryAcquireLock, and the lease kept alive from then on. */
  takeLock(appId: string, holder: string, options?: { replaceHolder?: string }): Promise<boolean>;
  /** Takes the application's lock for `holder`, or explains who holds it (AppError `conflict`). */
  acquire(appId: string, holder: string): Promise<void>;
}

export function createLocks(ctx: EngineContext): Locks {
  const { journal, now, leaseMs, every, logError } = ctx;
  /** The heartbeat of every lease this process holds, by holder (operation id). */
  const leases = new Map<string, Lease>();
  const renewEveryMs = Math.max(250, Math.floor(leaseMs / HEARTBEATS_PER_LEASE));

  /**
   * Renews `holder`'s lease every quarter lease from a timer, from the moment the lock is taken
   * (the journal writes before the run starts may be slow too) until `dropLease`, whatever the run
   * is doing: a lapsed lease would let another server's recovery mark a live operation
   * interrupted. Renewals are not chained (one the database is slow to take does not delay the
   * next). It stops itself once the lock is no longer the holder's (released after a failed start,
   * or taken over) and tells the run.
   */
  function keepLease(appId: string, holder: string, renewNow: boolean): void {
    if (leases.has(holder)) return;
    const lease: Lease = { lastRenew: now(), onLost: null, stop: () => undefined };
    const renew = () => {
      journal
        .renewLock(appId, holder, leaseMs, now())
        .then((held) => {
          if (held) {
            lease.lastRenew = now();
            return;
          }
          dropLease(holder, lease);
          lease.onLost?.();
        })
        .catch((error: unknown) => logError(`renewing the lease of ${holder} failed`, error));
    };
    lease.stop = every(renewEveryMs, renew);
    leases.set(holder, lease);
    if (renewNow) renew();
  }

  function dropLease(holder: string, lease = leases.get(holder)): void {
    lease?.stop();
    if (lease && leases.get(holder) === lease) leases.delete(holder);
  }

  async function takeLock(appId: string, holder: string, options: { replaceHolder?: string } = {}): Promise<boolean> {
    const sentAt = now();
    if (!(await journal.tryAcquireLock(appId, holder, leaseMs, sentAt, options))) return false;
    // A slow write of the lock itself has used up part of the lease: renew at once.
    keepLease(appId, holder, now() - sentAt >= renewEveryMs);
    return true;
  }

  async function acquire(appId: string, holder: string): Promise<void> {
    if (await takeLock(appId, holder)) return;
    let lock = await journal.getLock(appId);
    let owner = lock ? await journal.getOperation(lock.holder) : null;
    // A start takes the lock in its operation's name, then journals the operation: losing a race
    // to it can mean finding a lock whose operation is not written yet. Look again for a moment so
    // the refusal names who holds the application.
    const lookUntil = Date.now() + UNJOURNALED_HOLDER_WAIT_MS;
    while (lock && !owner && Date.now() < lookUntil) {
      await realSleep(UNJOURNALED_HOLDER_PAUSE_MS);
      lock = await journal.getLock(appId);
      owner = lock ? await journal.getOperation(lock.holder) : null;
    }
    // A lock whose operation has finished or was interrupted is stale (its server died before
    // releasing it): take it over instead of waiting for the lease to run out.
    if (lock && owner && !isActiveStatus(owner.status)) {
      if (await takeLock(appId, holder, { replaceHolder: lock.holder })) return;
    }
    if (!lock) {
      // Released between our attempt and the look-up: one more try.
      if (await takeLock(appId, holder)) return;
    }
    const what = owner ? `${owner.summary} (started by ${owner.actor.email})` : "an operation is in progress";
    throw new AppError("conflict", `Another operation is running on ${appId}: ${what}.`);
  }

  return { renewEveryMs, lease: (holder) => leases.get(holder), keepLease, dropLease, takeLock, acquire };
}
