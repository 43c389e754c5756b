/**
 * Who may do what. Roles are ranked viewer < responder < operator < admin; each capability needs a
 * minimum role. Safe to import anywhere (no server code), so the UI can hide what the server refuses.
 */

import { ROLES, type Role } from "@/lib/domain/basics";

export type Capability = "read" | "rollback" | "abort" | "reassert" | "shift" | "promote" | "admin";

export const CAPABILITIES: readonly Capability[] = ["read", "rollback", "abort", "reassert", "shift", "promote", "admin"] as const;

export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 0, responder: 1, operator: 2, admin: 3 };

/**
 * The least role that holds each capability: responders can stop and undo (and put back the state
 * Teal's last successful operation left when AWS drifted from it), operators can change.
 */
export const MINIMUM_ROLE: Readonly<Record<Capability, Role>> = {
  read: "viewer",
  rollback: "responder",
  abort: "responder",
  reassert: "responder",
  shift: "operator",
  promote: "operator",
  admin: "admin",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function atLeast(role: Role, minimum: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[minimum];
}

export function can(role: Role, capability: Capability): boolean {
  return atLeast(role, MINIMUM_ROLE[capability]);
}

/** The higher of two roles. */
export function higherRole(a: Role, b: Role): Role {
  return ROLE_RANK[a] >= ROLE_RANK[b] ? a : b;
}
