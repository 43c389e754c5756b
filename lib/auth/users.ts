/**
 * Local users for the credentials sign-in. Today these are the demo users of the practice range
 * (TEAL_DEMO_USERS=1 only); their password hashes are computed when the server starts.
 */

import type { Actor, Role } from "@/lib/domain/types";
import { hashPassword, verifyPassword } from "./passwords";

export interface LocalUser {
  id: string;
  email: string;
  role: Role;
  passwordHash: string;
}

export const DEMO_PASSWORD = "teal-demo";

export const DEMO_USERS: readonly { email: string; role: Role }[] = [
  { email: "viewer@example.com", role: "viewer" },
  { email: "responder@example.com", role: "responder" },
  { email: "operator@example.com", role: "operator" },
  { email: "admin@example.com", role: "admin" },
];

export async function demoUsers(): Promise<LocalUser[]> {
  return Promise.all(
    DEMO_USERS.map(async (u) => ({ id: `demo:${u.role}`, email: u.email, role: u.role, passwordHash: await hashPassword(DEMO_PASSWORD) })),
  );
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface UserDirectory {
  /** The user for this email and password, or null. Takes as long for an unknown email as for a wrong password. */
  authenticate(email: string, password: string): Promise<Actor | null>;
}

export function createUserDirectory(users: Promise<readonly LocalUser[]> | readonly LocalUser[]): UserDirectory {
  // Compared against when the email is unknown, so timing does not reveal which emails exist.
  const decoy = hashPassword("decoy-password-never-matches");
  return {
    async authenticate(email, password) {
      const wanted = normalizeEmail(email);
      const user = (await users).find((u) => normalizeEmail(u.email) === wanted);
      const ok = await verifyPassword(password, user ? user.passwordHash : await decoy);
      return user && ok ? { id: user.id, email: user.email, role: user.role } : null;
    },
  };
}
