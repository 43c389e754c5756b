/** The per-application locks: one holder at a time, with a lease that lapses when not renewed. */
import type { StoreCore } from "./core";

export interface LockInfo {
  appId: string;
  /** The id of the operation holding the lock. */
  holder: string;
  acquiredAt: string;
  leaseExpiresAt: string;
}

export class LockTable {
  constructor(private readonly core: StoreCore) {}

  private get db() {
    return this.core.db;
  }

  async tryAcquireLock(appId: string, holder: string, leaseMs: number, nowMs: number, options: { replaceHolder?: string } = {}): Promise<boolean> {
    const now = new Date(nowMs).toISOString();
    const expires = new Date(nowMs + leaseMs).toISOString();
    const replaceable = [holder, ...(options.replaceHolder !== undefined ? [options.replaceHolder] : [])];
    // Insert, or take over only when the lease has expired or the holder may be replaced. The
    // conflict check and the update are one statement, so concurrent callers cannot both win;
    // RETURNING yields a row only when this statement wrote it.
    const written = await this.db
      .insertInto("locks")
      .values({ app_id: appId, holder, acquired_at: now, lease_expires_at: expires })
      .onConflict((oc) =>
        oc
          .column("app_id")
          .doUpdateSet({ holder, acquired_at: now, lease_expires_at: expires })
          .where((eb) => eb.or([eb("locks.lease_expires_at", "<=", now), eb("locks.holder", "in", replaceable)])),
      )
      .returning("holder")
      .executeTakeFirst();
    return written?.holder === holder;
  }

  async renewLock(appId: string, holder: string, leaseMs: number, nowMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable("locks")
      .set({ lease_expires_at: new Date(nowMs + leaseMs).toISOString() })
      .where("app_id", "=", appId)
      .where("holder", "=", holder)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async releaseLock(appId: string, holder: string): Promise<boolean> {
    const result = await this.db.deleteFrom("locks").where("app_id", "=", appId).where("holder", "=", holder).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async getLock(appId: string): Promise<LockInfo | null> {
    const row = await this.db.selectFrom("locks").selectAll().where("app_id", "=", appId).executeTakeFirst();
    return row ? { appId: row.app_id, holder: row.holder, acquiredAt: row.acquired_at, leaseExpiresAt: row.lease_expires_at } : null;
  }
}
