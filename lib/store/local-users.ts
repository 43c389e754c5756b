/** Local users (email and password sign-in kept by Teal): the password only as its scrypt hash. */
import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import { AppError } from "@/lib/domain/app-error";
import { ROLES } from "@/lib/domain/basics";
import type { CreateLocalUserInput, LocalUserCredentials, LocalUserInfo } from "@/lib/domain/local-user";
import { isoNow, type StoreCore } from "./core";
import { checkedStatus, parseJson, toJsonText } from "./rows";
import type { LocalUsersTable } from "./schema";

export const LOCAL_USER_ID_PREFIX = "local:";

export class LocalUsers {
  constructor(private readonly core: StoreCore) {}

  private get db() {
    return this.core.db;
  }

  async createLocalUser(input: CreateLocalUserInput): Promise<LocalUserInfo> {
    if (!input.passwordHash.startsWith("scrypt$")) {
      throw new AppError("internal", "The user could not be recorded.", "a local user's password must be stored as a scrypt hash");
    }
    const taken = await this.db.selectFrom("local_users").select("id").where("email", "=", input.email).executeTakeFirst();
    if (taken) throw new AppError("conflict", `There is already a local user ${input.email}.`);
    const row: LocalUsersTable = {
      id: `${LOCAL_USER_ID_PREFIX}${randomUUID()}`,
      email: input.email,
      role: input.role,
      password_hash: input.passwordHash,
      created_by: toJsonText({ id: input.createdBy.id, email: input.createdBy.email }),
      created_at: isoNow(this.core),
      disabled_at: null,
    };
    try {
      await this.db.insertInto("local_users").values(row).execute();
    } catch (err) {
      // Two creations of one email at once: the unique index refuses the second.
      if (await this.db.selectFrom("local_users").select("id").where("email", "=", input.email).executeTakeFirst()) {
        throw new AppError("conflict", `There is already a local user ${input.email}.`);
      }
      throw err;
    }
    return toInfo(row);
  }

  /** Every local user, disabled ones included, by email; never their password hashes. */
  async listLocalUsers(): Promise<LocalUserInfo[]> {
    const rows = await this.db.selectFrom("local_users").selectAll().orderBy("email").execute();
    return rows.map(toInfo);
  }

  /** The user with this (normalised) email and their password hash, disabled or not (the caller decides), or null. */
  async findLocalUserByEmail(email: string): Promise<LocalUserCredentials | null> {
    const row = await this.db.selectFrom("local_users").selectAll().where("email", "=", email).executeTakeFirst();
    return row ? { ...toInfo(row), passwordHash: row.password_hash } : null;
  }

  async getLocalUser(id: string): Promise<LocalUserInfo | null> {
    const row = await this.db.selectFrom("local_users").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toInfo(row) : null;
  }

  /** Disables the user (idempotent: the first time is kept); null if unknown. */
  async disableLocalUser(id: string): Promise<LocalUserInfo | null> {
    await this.db
      .updateTable("local_users")
      .set({ disabled_at: isoNow(this.core) })
      .where("id", "=", id)
      .where("disabled_at", "is", null)
      .execute();
    return this.getLocalUser(id);
  }
}

function toInfo(row: Selectable<LocalUsersTable>): LocalUserInfo {
  const creator = parseJson<{ id: string; email: string }>(row.created_by);
  return {
    id: row.id,
    email: row.email,
    role: checkedStatus(row.role, ROLES, "local user role"),
    createdBy: { id: creator.id, email: creator.email },
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}
