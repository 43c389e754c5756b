/** Sign-in sessions: created at sign-in, revoked one by one or all of a user's at once. */
import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { SessionInfo } from "@/lib/domain/session";
import { ROLES, type Role } from "@/lib/domain/basics";
import { isoNow, type StoreCore } from "./core";
import { checkedStatus } from "./rows";
import type { SessionsTable } from "./schema";

export interface CreateSessionInput {
  userId: string;
  email: string;
  role: Role;
  provider: string;
  expiresAt: string;
}

export class Sessions {
  constructor(private readonly core: StoreCore) {}

  private get db() {
    return this.core.db;
  }

  private iso(): string {
    return isoNow(this.core);
  }

  async createSession(input: CreateSessionInput): Promise<SessionInfo> {
    const row: SessionsTable = {
      id: randomUUID(),
      user_id: input.userId,
      email: input.email,
      role: input.role,
      provider: input.provider,
      created_at: this.iso(),
      expires_at: input.expiresAt,
      revoked_at: null,
    };
    await this.db.insertInto("sessions").values(row).execute();
    return toSession(row);
  }

  async getSession(id: string): Promise<SessionInfo | null> {
    const row = await this.db.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toSession(row) : null;
  }

  async listActiveSessions(nowIso: string): Promise<SessionInfo[]> {
    const rows = await this.db
      .selectFrom("sessions")
      .selectAll()
      .where("revoked_at", "is", null)
      .where("expires_at", ">", nowIso)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(500)
      .execute();
    return rows.map(toSession);
  }

  async revokeSession(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable("sessions")
      .set({ revoked_at: this.iso() })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async revokeUserSessions(userId: string): Promise<number> {
    const result = await this.db
      .updateTable("sessions")
      .set({ revoked_at: this.iso() })
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

function toSession(row: Selectable<SessionsTable>): SessionInfo {
  return {
    id: row.id,
    userId: row.user_id,
    email: row.email,
    role: checkedStatus(row.role, ROLES, "session role"),
    provider: row.provider,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
