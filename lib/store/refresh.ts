/**
 * The pages' refresh shared by the servers on one database (0007): a lease per scope (an AWS
 * Region) naming the server that reads its applications from AWS, and the latest observation of
 * each application a server read, for the others to serve. Neither is journaled nor audited: both
 * are a cache of AWS, rewritten at every refresh.
 */
import type { StoreCore } from "./core";

/** Who holds a scope's refresh lease, and until when. */
export interface RefreshLease {
  scope: string;
  /** The id of the server process holding it. */
  holder: string;
  /** When it lapses (ms). */
  expiresAtMs: number;
  /** How often the holder reads the scope's idle applications now (ms), as it said when it last took or renewed the lease; null when it did not say. */
  intervalMs: number | null;
}

/** The observation a server stored: its payload (JSON) and, when its latest refresh failed, why (user-safe). */
export interface StoredObservation {
  appId: string;
  /** When the refresh that wrote it began (ms, the writer's clock). */
  refreshedAtMs: number;
  writer: string;
  /** The last good read (JSON), or null when none was stored. */
  payload: string | null;
  /** Why the latest refresh failed (user-safe), or null when it did not. */
  error: string | null;
  /** The interval at which the scope's lease holder reads the application (ms), as of its latest read of it; null before one. */
  holderIntervalMs: number | null;
}

export interface TakeRefreshLease {
  nowMs: number;
  leaseMs: number;
  /** Take it whoever holds it (the taker waited longer than its holder should have needed). */
  force?: boolean;
  /** The taker's idle interval now (ms), for the other servers to judge it by. */
  intervalMs?: number;
}

/** What a refresh stored: its read, or why it failed (the last good read stays beside the failure). */
export type RefreshResult = { payload: string } | { error: string };

const iso = (ms: number): string => new Date(ms).toISOString();

export class RefreshTable {
  constructor(private readonly core: StoreCore) {}

  private get db() {
    return this.core.db;
  }

  /**
   * Takes (or renews) the scope's refresh lease for `holder` when nobody holds it, it has lapsed,
   * `holder` holds it already, or `force`. One atomic statement, like the operation locks: of two
   * servers asking at once, one gets it.
   */
  async tryTakeRefreshLease(scope: string, holder: string, take: TakeRefreshLease): Promise<boolean> {
    const now = iso(take.nowMs);
    const set = { holder, lease_expires_at: iso(take.nowMs + take.leaseMs), interval_ms: take.intervalMs ?? null };
    const written = await this.db
      .insertInto("refresh_leases")
      .values({ scope, ...set })
      .onConflict((oc) => {
        const update = oc.column("scope").doUpdateSet(set);
        return take.force
          ? update
          : update.where((eb) => eb.or([eb("refresh_leases.lease_expires_at", "<=", now), eb("refresh_leases.holder", "=", holder)]));
      })
      .returning("holder")
      .executeTakeFirst();
    return written?.holder === holder;
  }

  async getRefreshLeases(scopes: readonly string[]): Promise<RefreshLease[]> {
    if (scopes.length === 0) return [];
    const rows = await this.db
      .selectFrom("refresh_leases")
      .selectAll()
      .where("scope", "in", [...scopes])
      .execute();
    return rows.map((r) => ({ scope: r.scope, holder: r.holder, expiresAtMs: Date.parse(r.lease_expires_at), intervalMs: r.interval_ms }));
  }

  /** When each stored observation of `appIds` was read (ms), without the payloads. */
  async getObservationTimes(appIds: readonly string[]): Promise<Map<string, number>> {
    if (appIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("observations")
      .select(["app_id", "refreshed_at"])
      .where("app_id", "in", [...appIds])
      .execute();
    return new Map(rows.map((r) => [r.app_id, Date.parse(r.refreshed_at)]));
  }

  async getObservation(appId: string): Promise<StoredObservation | null> {
    const row = await this.db.selectFrom("observations").selectAll().where("app_id", "=", appId).executeTakeFirst();
    return row
      ? {
          appId: row.app_id,
          refreshedAtMs: Date.parse(row.refreshed_at),
          writer: row.writer,
          payload: row.payload,
          error: row.error,
          holderIntervalMs: row.holder_interval_ms,
        }
      : null;
  }

  /**
   * Stores what a refresh read (`payload`) or why it failed (`error`: the payload stored before, the
   * last good read, stays), unless a refresh that began later is stored already: a slow server never
   * overwrites a newer read. `holderIntervalMs` is given by the lease holder only (others keep the
   * holder's). Returns whether it was written.
   */
  async saveObservation(
    appId: string,
    writer: string,
    refreshedAtMs: number,
    result: RefreshResult,
    holderIntervalMs: number | null,
  ): Promise<boolean> {
    const at = iso(refreshedAtMs);
    const update = {
      refreshed_at: at,
      writer,
      ...("payload" in result ? { payload: result.payload, error: null } : { error: result.error }),
      ...(holderIntervalMs !== null ? { holder_interval_ms: holderIntervalMs } : {}),
    };
    const written = await this.db
      .insertInto("observations")
      .values({ app_id: appId, payload: null, holder_interval_ms: null, ...update })
      .onConflict((oc) =>
        oc
          .column("app_id")
          .doUpdateSet(update)
          .where((eb) => eb("observations.refreshed_at", "<", at)),
      )
      .returning("app_id")
      .executeTakeFirst();
    return written !== undefined;
  }
}
