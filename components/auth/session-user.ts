import { ROLES, type Role } from "@/lib/domain/basics";

export interface SessionUser {
  email: string;
  role: Role;
}

/**
 * The signed-in person as the console needs it, or null. Reads the session defensively: a session
 * without a known role is treated as not signed in rather than guessed.
 */
export function readSessionUser(session: { user?: { email?: string | null; role?: unknown } | null } | null): SessionUser | null {
  const user = session?.user;
  if (!user || typeof user.email !== "string" || user.email.length === 0) return null;
  const role = user.role;
  if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) return null;
  return { email: user.email, role: role as Role };
}
