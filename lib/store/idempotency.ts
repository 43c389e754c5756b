/**
 * The answers to POSTs sent with an `Idempotency-Key`: per caller and key, the request's hash and
 * the first answer, kept until they expire. A key is claimed before the request runs, so two
 * copies of one request sent at once run it once.
 */
import { isoNow, type StoreCore } from "./core";

export interface ClaimIdempotencyKey {
  /** Who sent it (an actor id): keys of different callers never meet. */
  caller: string;
  key: string;
  /** SHA-256 (hex) of what the request asks (method, path, body). */
  requestHash: string;
  /** How long the answer is kept. */
  ttlMs: number;
  /** A claim whose request has not answered after this long is taken over (its server died). */
  abandonAfterMs: number;
}

export type IdempotencyClaim =
  /** The key is this request's: run it, then `completeIdempotencyKey` or `releaseIdempotencyKey`. */
  | { kind: "claimed" }
  /** The same request was answered before: answer this again. */
  | { kind: "replay"; status: number; body: string }
  /** The key was used for another request. */
  | { kind: "mismatch" }
  /** The same request is running now. */
  | { kind: "in_progress" };

export class IdempotencyKeys {
  constructor(private readonly core: StoreCore) {}

  private get db() {
    return this.core.db;
  }

  async claimIdempotencyKey(input: ClaimIdempotencyKey): Promise<IdempotencyClaim> {
    const nowMs = this.core.now();
    const now = isoNow(this.core);
    // Expired answers are forgotten (every caller's: the table stays as small as a day of POSTs).
    await this.db.deleteFrom("idempotency_keys").where("expires_at", "<=", now).execute();
    const inserted = await this.db
      .insertInto("idempotency_keys")
      .values({
        caller: input.caller,
        key: input.key,
        request_hash: input.requestHash,
        status: null,
        response: null,
        created_at: now,
        expires_at: new Date(nowMs + input.ttlMs).toISOString(),
      })
      .onConflict((oc) => oc.columns(["caller", "key"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { kind: "claimed" };
    const row = await this.db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("caller", "=", input.caller)
      .where("key", "=", input.key)
      .executeTakeFirst();
    // Deleted between the insert and the read (it expired, or its request was released): try once more.
    if (!row) return this.claimIdempotencyKey(input);
    if (row.request_hash !== input.requestHash) return { kind: "mismatch" };
    if (row.status !== null && row.response !== null) return { kind: "replay", status: row.status, body: row.response };
    const abandonedBefore = new Date(nowMs - input.abandonAfterMs).toISOString();
    if (row.created_at <= abandonedBefore) {
      const taken = await this.db
        .updateTable("idempotency_keys")
        .set({ created_at: now })
        .where("caller", "=", input.caller)
        .where("key", "=", input.key)
        .where("status", "is", null)
        .where("created_at", "=", row.created_at)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return { kind: "claimed" };
    }
    return { kind: "in_progress" };
  }

  async completeIdempotencyKey(caller: string, key: string, status: number, body: string): Promise<void> {
    await this.db
      .updateTable("idempotency_keys")
      .set({ status, response: body })
      .where("caller", "=", caller)
      .where("key", "=", key)
      .where("status", "is", null)
      .execute();
  }

  async releaseIdempotencyKey(caller: string, key: string): Promise<void> {
    await this.db.deleteFrom("idempotency_keys").where("caller", "=", caller).where("key", "=", key).where("status", "is", null).execute();
  }
}
