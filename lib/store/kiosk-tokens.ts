/** Kiosk tokens (the wall's sign-in): recorded by the SHA-256 of their secret, never the secret. */
import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { KioskTokenInfo } from "@/lib/domain/kiosk";
import { AppError } from "@/lib/domain/app-error";
import type { Actor } from "@/lib/domain/operation";
import { isoNow, type StoreCore } from "./core";
import { parseJson, toJsonText } from "./rows";
import type { KioskTokensTable } from "./schema";

export interface CreateKioskTokenInput {
  label: string;
  /** SHA-256 of the secret, 64 lowercase hex characters. */
  tokenHash: string;
  createdBy: Actor;
}

export class KioskTokens {
  constructor(private readonly core: StoreCore) {}

  private get db() {
    return this.core.db;
  }

  private iso(): string {
    return isoNow(this.core);
  }

  private now(): number {
    return this.core.now();
  }

  async createKioskToken(input: CreateKioskTokenInput): Promise<KioskTokenInfo> {
    if (!/^[0-9a-f]{64}$/.test(input.tokenHash)) {
      throw new AppError("internal", "The token could not be recorded.", "kiosk token hash must be 64 lowercase hex characters");
    }
    const row: KioskTokensTable = {
      id: randomUUID(),
      label: input.label,
      token_hash: input.tokenHash,
      created_by: toJsonText({ id: input.createdBy.id, email: input.createdBy.email }),
      created_at: this.iso(),
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.insertInto("kiosk_tokens").values(row).execute();
    return toKioskToken(row);
  }

  async listKioskTokens(): Promise<KioskTokenInfo[]> {
    const rows = await this.db.selectFrom("kiosk_tokens").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").execute();
    return rows.map(toKioskToken);
  }

  async findKioskTokenByHash(tokenHash: string): Promise<KioskTokenInfo | null> {
    const row = await this.db.selectFrom("kiosk_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
    return row ? toKioskToken(row) : null;
  }

  async touchKioskToken(id: string, options: { minIntervalMs?: number } = {}): Promise<void> {
    const nowMs = this.now();
    const threshold = new Date(nowMs - (options.minIntervalMs ?? 60_000)).toISOString();
    await this.db
      .updateTable("kiosk_tokens")
      .set({ last_used_at: new Date(nowMs).toISOString() })
      .where("id", "=", id)
      .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<=", threshold)]))
      .execute();
  }

  async revokeKioskToken(id: string): Promise<KioskTokenInfo | null> {
    await this.db.updateTable("kiosk_tokens").set({ revoked_at: this.iso() }).where("id", "=", id).where("revoked_at", "is", null).execute();
    const row = await this.db.selectFrom("kiosk_tokens").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toKioskToken(row) : null;
  }
}

function toKioskToken(row: Selectable<KioskTokensTable>): KioskTokenInfo {
  const creator = parseJson<{ id: string; email: string }>(row.created_by);
  return {
    id: row.id,
    label: row.label,
    createdBy: { id: creator.id, email: creator.email },
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
