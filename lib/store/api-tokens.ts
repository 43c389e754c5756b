/** API tokens (the REST API's machine credentials): recorded by the SHA-256 of their secret, never the secret. */
import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import { API_TOKEN_ROLES, type ApiTokenInfo, type CreateApiTokenInput } from "@/lib/domain/api-token";
import { AppError } from "@/lib/domain/app-error";
import { isoNow, type StoreCore } from "./core";
import { checkedStatus, parseJson, parseNullableJson, toJsonText } from "./rows";
import type { ApiTokensTable } from "./schema";

export type { CreateApiTokenInput } from "@/lib/domain/api-token";

export class ApiTokens {
  constructor(private readonly core: StoreCore) {}

  private get db() {
    return this.core.db;
  }

  private iso(): string {
    return isoNow(this.core);
  }

  async createApiToken(input: CreateApiTokenInput): Promise<ApiTokenInfo> {
    if (!/^[0-9a-f]{64}$/.test(input.tokenHash)) {
      throw new AppError("internal", "The token could not be recorded.", "API token hash must be 64 lowercase hex characters");
    }
    const now = this.iso();
    const taken = await this.db
      .selectFrom("api_tokens")
      .select("id")
      .where("name", "=", input.name)
      .where("revoked_at", "is", null)
      .where("expires_at", ">", now)
      .executeTakeFirst();
    if (taken) throw new AppError("conflict", `A live API token is already named "${input.name}". Revoke it first, or choose another name.`);
    const row: ApiTokensTable = {
      id: randomUUID(),
      name: input.name,
      role: input.role,
      apps: input.apps === null ? null : toJsonText([...input.apps]),
      token_hash: input.tokenHash,
      created_by: toJsonText({ id: input.createdBy.id, email: input.createdBy.email }),
      created_at: now,
      expires_at: input.expiresAt,
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.insertInto("api_tokens").values(row).execute();
    return toApiToken(row);
  }

  async listApiTokens(): Promise<ApiTokenInfo[]> {
    const rows = await this.db.selectFrom("api_tokens").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").execute();
    return rows.map(toApiToken);
  }

  async findApiTokenByHash(tokenHash: string): Promise<ApiTokenInfo | null> {
    const row = await this.db.selectFrom("api_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
    return row ? toApiToken(row) : null;
  }

  async touchApiToken(id: string, options: { minIntervalMs?: number } = {}): Promise<void> {
    const nowMs = this.core.now();
    const threshold = new Date(nowMs - (options.minIntervalMs ?? 60_000)).toISOString();
    await this.db
      .updateTable("api_tokens")
      .set({ last_used_at: new Date(nowMs).toISOString() })
      .where("id", "=", id)
      .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<=", threshold)]))
      .execute();
  }

  async revokeApiToken(id: string): Promise<ApiTokenInfo | null> {
    await this.db.updateTable("api_tokens").set({ revoked_at: this.iso() }).where("id", "=", id).where("revoked_at", "is", null).execute();
    const row = await this.db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toApiToken(row) : null;
  }
}

function toApiToken(row: Selectable<ApiTokensTable>): ApiTokenInfo {
  const creator = parseJson<{ id: string; email: string }>(row.created_by);
  return {
    id: row.id,
    name: row.name,
    role: checkedStatus(row.role, API_TOKEN_ROLES, "API token role"),
    apps: parseNullableJson<string[]>(row.apps),
    createdBy: { id: creator.id, email: creator.email },
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
