/**
 * Users of the credentials sign-in: the demo users of the practice range (TEAL_DEMO_USERS=1 only;
 * their password hashes are computed on first use) and the local users kept in the store
 * (./local-users.ts), looked up through one directory.
 */

import type { Actor } from "@/lib/domain/operation";
import type { Role } from "@/lib/domain/basics";
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

/** Local users with one password, hashed (tests, and the demo users below). */
export async function hashPasswordsOf(users: readonly { id: string; email: string; role: Role }[], password: string): Promise<LocalUser[]> {
  return Promise.all(users.map(async (u) => ({ ...u, passwordHash: await hashPassword(password) })));
}

export async function demoUsers(): Promise<LocalUser[]> {
  return Promise.all(
    DEMO_USERS.map(async (u) => ({ id: `demo:${u.role}`, email: u.email, role: u.role, passwordHash: await hashPassword(DEMO_PASSWORD) })),
  );
}

/** How an email is compared and throttled: trimmed, Unicode-normalised (NFKC) and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.normalize("NFKC").trim().toLowerCase();
}

export interface UserDirectory {
  /** The user for this email and password, or null. Takes as long for an unknown email as for a wrong password. */
  authenticate(email: string, password: string): Promise<Actor | null>;
  /** Whether a user has this email (so a refused sign-in may be audited by it; unknown ones are not). */
  knows(email: string): Promise<boolean>;
  /** The user's current role, or null when the user no longer exists (their sessions end). */
  roleOf(userId: string): Promise<Role | null>;
}

/** Where the directory looks users up: a list (the demo users), or the store's local users (./local-users.ts). */
export interface UserSource {
  /** The user who may sign in with this normalised email, with their password hash; undefined when none (or disabled). */
  byEmail(email: string): Promise<LocalUser | undefined>;
  /** The user's current role by id; undefined when the user is unknown here (or disabled). */
  roleById(id: string): Promise<Role | undefined>;
}

/**
 * A source over a list, or over a function read again on every look-up (so a role changed in the
 * source applies to live sessions at their next check).
 */
export function listUserSource(
  users: Promise<readonly LocalUser[]> | readonly LocalUser[] | (() => Promise<readonly LocalUser[]> | readonly LocalUser[]),
): UserSource {
  const current = async (): Promise<readonly LocalUser[]> => (typeof users === "function" ? users() : users);
  return {
    async byEmail(email) {
      return (await current()).find((u) => normalizeEmail(u.email) === email);
    },
    async roleById(id) {
      return (await current()).find((u) => u.id === id)?.role;
    },
  };
}

/** Users from sources, asked in order: the first that knows an email or an id answers. */
export function userDirectoryOver(sources: readonly UserSource[]): UserDirectory {
  // Compared against when the email is unknown, so timing does not reveal which emails exist.
  const decoy = hashPassword("decoy-password-never-matches");
  const byEmail = async (email: string) => {
    const wanted = normalizeEmail(email);
    for (const source of sources) {
      const user = await source.byEmail(wanted);
      if (user) return user;
    }
    return undefined;
  };
  return {
    async authenticate(email, password) {
      const user = await byEmail(email);
      const ok = await verifyPassword(password, user ? user.passwordHash : await decoy);
      return user && ok ? { id: user.id, email: user.email, role: user.role } : null;
    },
    async knows(email) {
      return (await byEmail(email)) !== undefined;
    },
    async roleOf(userId) {
      for (const source of sources) {
        const role = await source.roleById(userId);
        if (role) return role;
      }
      return null;
    },
  };
}

/** Users from a list, or from a function read again on every look-up. */
export function createUserDirectory(
  users: Promise<readonly LocalUser[]> | readonly LocalUser[] | (() => Promise<readonly LocalUser[]> | readonly LocalUser[]),
): UserDirectory {
  return userDirectoryOver([listUserSource(users)]);
}
