/**
 * Teal roles from OpenID Connect claims. The claim (OIDC_ROLE_CLAIM, default "roles"; a dotted path
 * reaches nested claims such as "realm_access.roles") holds a string or a list of strings. Each value
 * is mapped through OIDC_ROLE_MAP ("idp-group=role,…") or taken as a Teal role name; the highest
 * wins. A user none of whose values maps to a role gets OIDC_DEFAULT_ROLE when it is set, and is
 * refused at sign-in otherwise: belonging to the identity provider alone opens nothing.
 */

import { AppError } from "@/lib/domain/app-error";
import { ROLES, type Role } from "@/lib/domain/basics";
import { higherRole, isRole } from "./roles";

export const DEFAULT_ROLE_CLAIM = "roles";

/** Parses OIDC_ROLE_MAP, e.g. "teal-admins=admin, deployers=operator". Throws on a malformed entry. */
export function parseRoleMap(text: string | undefined): Record<string, Role> {
  const map: Record<string, Role> = {};
  if (!text || text.trim() === "") return map;
  for (const entry of text.split(",")) {
    const trimmed = entry.trim();
    if (trimmed === "") continue;
    const eq = trimmed.lastIndexOf("=");
    const value = eq > 0 ? trimmed.slice(0, eq).trim() : "";
    const role = eq > 0 ? trimmed.slice(eq + 1).trim() : "";
    if (value === "" || !isRole(role)) {
      throw new AppError("invalid", `OIDC_ROLE_MAP: "${trimmed}" is not "claim-value=role" with role one of ${ROLES.join(", ")}.`);
    }
    map[value] = role;
  }
  return map;
}

function claimAt(profile: Record<string, unknown>, path: string): unknown {
  if (Object.prototype.hasOwnProperty.call(profile, path)) return profile[path];
  let current: unknown = profile;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Parses OIDC_DEFAULT_ROLE: unset or empty means none (unmapped users are refused). Throws on anything but a role. */
export function parseDefaultRole(text: string | undefined): Role | null {
  const value = (text ?? "").trim();
  if (value === "") return null;
  if (!isRole(value)) throw new AppError("invalid", `OIDC_DEFAULT_ROLE: "${value}" is not one of ${ROLES.join(", ")}.`);
  return value;
}

/** The highest role the claim's values map to, else `fallback` (null: the user has no role and is refused). */
export function roleFromClaims(
  profile: Record<string, unknown>,
  claim: string,
  map: Record<string, Role> = {},
  fallback: Role | null = null,
): Role | null {
  const raw = claimAt(profile, claim);
  const values = Array.isArray(raw) ? raw : [raw];
  let role: Role | null = null;
  for (const value of values) {
    if (typeof value !== "string") continue;
    const mapped = Object.prototype.hasOwnProperty.call(map, value) ? map[value] : isRole(value) ? value : undefined;
    if (mapped) role = role === null ? mapped : higherRole(role, mapped);
  }
  return role ?? fallback;
}
