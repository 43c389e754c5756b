/**
 * Local users for teams without an identity provider: created by an admin on the settings page or
 * with `teal user create` on the server's host, both through `createLocalUserAs` (same rules, same
 * audit record); signing in looks them up through `storedUserSource`. Only a scrypt hash of the
 * password is kept. No server-only code: the command line imports this outside Next.
 */

import { randomBytes } from "node:crypto";
import { z } from "zod";
import { AppError } from "@/lib/domain/app-error";
import type { CreatedLocalUser, CreateLocalUserInput, LocalUserCredentials, LocalUserInfo } from "@/lib/domain/local-user";
import type { Actor, AuditEntryInput, AuditRecord } from "@/lib/domain/operation";
import { hashPassword } from "./passwords";
import { can } from "./roles";
import { normalizeEmail, type UserSource } from "./users";

export const LOCAL_PASSWORD_MIN = 12;
export const LOCAL_PASSWORD_MAX = 1024;
export const LOCAL_ROLES = ["viewer", "responder", "operator", "admin"] as const;

/** A password Teal makes when none is given: 18 random bytes, 24 base64url characters. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

/** What a new local user is made from (the settings form and the command line). */
export const createLocalUserSchema = z.strictObject({
  email: z.string().trim().max(320, "at most 320 characters").pipe(z.email("not an email address")),
  role: z.enum(LOCAL_ROLES, "one of viewer, responder, operator, admin"),
  /** Absent: Teal makes one and returns it this once. */
  password: z
    .string()
    .min(LOCAL_PASSWORD_MIN, `at least ${LOCAL_PASSWORD_MIN} characters`)
    .max(LOCAL_PASSWORD_MAX, `at most ${LOCAL_PASSWORD_MAX} characters`)
    .optional(),
});

export type CreateLocalUserRequest = z.input<typeof createLocalUserSchema>;

/** The part of the store creating local users and signing them in needs. */
export interface LocalUserStore {
  createLocalUser(input: CreateLocalUserInput): Promise<LocalUserInfo>;
  findLocalUserByEmail(email: string): Promise<LocalUserCredentials | null>;
  getLocalUser(id: string): Promise<LocalUserInfo | null>;
  disableLocalUser(id: string): Promise<LocalUserInfo | null>;
  appendAudit(entry: AuditEntryInput): Promise<AuditRecord>;
}

/** Creates a local user as `creator` (an admin), audited without the password or its hash. */
export async function createLocalUserAs(store: LocalUserStore, creator: Actor, request: unknown): Promise<CreatedLocalUser> {
  if (!can(creator.role, "admin")) throw new AppError("forbidden", "Only an admin creates users.");
  const parsed = createLocalUserSchema.safeParse(request);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? `${first.path.join(".")}: ` : "";
    throw new AppError("invalid", `Invalid input: ${where}${first?.message ?? "malformed"}`);
  }
  const generatedPassword = parsed.data.password === undefined ? generatePassword() : null;
  const user = await store.createLocalUser({
    email: normalizeEmail(parsed.data.email),
    role: parsed.data.role,
    passwordHash: await hashPassword(parsed.data.password ?? generatedPassword ?? ""),
    createdBy: { id: creator.id, email: creator.email },
  });
  await store.appendAudit({
    action: "user.created",
    actor: creator,
    appId: null,
    operationId: null,
    reason: null,
    before: null,
    after: { userId: user.id, email: user.email, role: user.role },
  });
  return { user, generatedPassword };
}

/** Disables the local user with this email (audited once: disabling again changes nothing). */
export async function disableLocalUserAs(store: LocalUserStore, actor: Actor, email: string): Promise<LocalUserInfo> {
  if (!can(actor.role, "admin")) throw new AppError("forbidden", "Only an admin disables users.");
  const before = await store.findLocalUserByEmail(normalizeEmail(email));
  if (!before) throw new AppError("not_found", `There is no local user ${normalizeEmail(email)}.`);
  const user = await store.disableLocalUser(before.id);
  if (!user) throw new AppError("not_found", `There is no local user ${before.email}.`);
  if (before.disabledAt === null) {
    await store.appendAudit({
      action: "user.disabled",
      actor,
      appId: null,
      operationId: null,
      reason: null,
      before: { userId: user.id, email: user.email, disabledAt: null },
      after: { userId: user.id, email: user.email, disabledAt: user.disabledAt },
    });
  }
  return user;
}

/** The store's local users as a source of the sign-in directory; disabled users are unknown to it. */
export function storedUserSource(store: () => Promise<Pick<LocalUserStore, "findLocalUserByEmail" | "getLocalUser">>): UserSource {
  return {
    async byEmail(email) {
      const user = await (await store()).findLocalUserByEmail(email);
      if (!user || user.disabledAt !== null) return undefined;
      return { id: user.id, email: user.email, role: user.role, passwordHash: user.passwordHash };
    },
    async roleById(id) {
      if (!id.startsWith("local:")) return undefined;
      const user = await (await store()).getLocalUser(id);
      return user && user.disabledAt === null ? user.role : undefined;
    },
  };
}
