/**
 * API tokens for machines (pipelines) calling `/api/v1` with `Authorization: Bearer …`: the secret
 * is `teal_api_` + 32 random bytes in base64url, and only its SHA-256 is stored. Creating and
 * revoking go through here from both the settings page's actions and the `teal token` command, so
 * both check the same rules and write the same audit records. No server-only code: the command
 * imports this outside Next.
 */

import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { AppError } from "@/lib/domain/app-error";
import { API_TOKEN_ROLES, type ApiTokenInfo, type CreateApiTokenInput, type CreatedApiToken } from "@/lib/domain/api-token";
import type { Actor, AuditEntryInput, AuditRecord } from "@/lib/domain/operation";
import { appIdSchema } from "@/lib/actions/schemas";
import { ROLE_RANK } from "./roles";

export const API_TOKEN_PREFIX = "teal_api_";
/** 32 bytes in base64url without padding is 43 characters. */
const API_TOKEN_PATTERN = /^teal_api_[A-Za-z0-9_-]{43}$/;

export const API_TOKEN_DEFAULT_DAYS = 90;
export const API_TOKEN_MAX_DAYS = 365;

export function generateApiSecret(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** Whether a string has the shape of an API token secret (checked before any database lookup). */
export function isApiSecret(value: string): boolean {
  return API_TOKEN_PATTERN.test(value);
}

export function hashApiSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** The actor a token acts as: its role, named after the token (what the audit log and history show). */
export function apiTokenActor(token: Pick<ApiTokenInfo, "id" | "name" | "role">): Actor {
  return { id: `token:${token.id}`, email: `token ${token.name}`, role: token.role };
}

/** What a new token is made from (the settings form and the command line). */
export const createApiTokenSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, "name the pipeline this token is for")
    .max(64, "at most 64 characters")
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, dots, dashes and underscores"),
  role: z.enum(API_TOKEN_ROLES),
  /** Absent: every application. */
  apps: z.array(appIdSchema).min(1).max(200).optional(),
  expiresInDays: z.number().int("a whole number of days").min(1).max(API_TOKEN_MAX_DAYS).default(API_TOKEN_DEFAULT_DAYS),
});

export type CreateApiTokenRequest = z.input<typeof createApiTokenSchema>;

export const revokeApiTokenSchema = z.strictObject({ tokenId: z.uuid("not a token id") });

/** The part of the store creating and revoking tokens needs. */
export interface ApiTokenStore {
  createApiToken(input: CreateApiTokenInput): Promise<ApiTokenInfo>;
  listApiTokens(): Promise<ApiTokenInfo[]>;
  revokeApiToken(id: string): Promise<ApiTokenInfo | null>;
  appendAudit(entry: AuditEntryInput): Promise<AuditRecord>;
}

/**
 * Creates a token for `creator`: never with a role above the creator's, only for applications Teal
 * knows (`knownApps`), audited without its secret. Returns the secret this once.
 */
export async function issueApiToken(
  store: ApiTokenStore,
  creator: Actor,
  request: unknown,
  options: { knownApps: readonly string[]; now?: () => number },
): Promise<CreatedApiToken> {
  const parsed = createApiTokenSchema.safeParse(request);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? `${first.path.join(".")}: ` : "";
    throw new AppError("invalid", `Invalid input: ${where}${first?.message ?? "malformed"}`);
  }
  const data = parsed.data;
  if (ROLE_RANK[data.role] > ROLE_RANK[creator.role]) {
    throw new AppError("forbidden", `A token cannot have more than its creator: you are ${creator.role}, the token asks for ${data.role}.`);
  }
  const apps = data.apps ? [...new Set(data.apps)] : null;
  const unknown = (apps ?? []).filter((id) => !options.knownApps.includes(id));
  if (unknown.length > 0) throw new AppError("invalid", `There is no application ${unknown.map((id) => `"${id}"`).join(", ")} in Teal's config.`);
  const secret = generateApiSecret();
  const nowMs = (options.now ?? Date.now)();
  const token = await store.createApiToken({
    name: data.name,
    role: data.role,
    apps,
    tokenHash: hashApiSecret(secret),
    createdBy: { id: creator.id, email: creator.email },
    expiresAt: new Date(nowMs + data.expiresInDays * 86_400_000).toISOString(),
  });
  // The audit row names the token, never its secret or hash.
  await store.appendAudit({
    action: "token.created",
    actor: creator,
    appId: null,
    operationId: null,
    reason: null,
    before: null,
    after: { kind: "api", tokenId: token.id, name: token.name, role: token.role, apps: token.apps, expiresAt: token.expiresAt },
  });
  return { token, secret };
}

/** Revokes a token by id (audited once: revoking again changes nothing). */
export async function revokeApiTokenAs(store: ApiTokenStore, actor: Actor, tokenId: string): Promise<ApiTokenInfo> {
  const before = (await store.listApiTokens()).find((t) => t.id === tokenId);
  if (!before) throw new AppError("not_found", "There is no such API token.");
  const token = await store.revokeApiToken(tokenId);
  if (!token) throw new AppError("not_found", "There is no such API token.");
  if (before.revokedAt === null) {
    await store.appendAudit({
      action: "token.revoked",
      actor,
      appId: null,
      operationId: null,
      reason: null,
      before: { kind: "api", tokenId: token.id, name: token.name, revokedAt: null },
      after: { kind: "api", tokenId: token.id, name: token.name, revokedAt: token.revokedAt },
    });
  }
  return token;
}

/** Whether the token is refused now: revoked, or past its expiry. */
export function apiTokenRefusal(token: ApiTokenInfo, nowMs: number): "revoked" | "expired" | null {
  if (token.revokedAt !== null) return "revoked";
  if (Date.parse(token.expiresAt) <= nowMs) return "expired";
  return null;
}
