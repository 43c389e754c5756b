/**
 * next-auth options from the environment: JWT sessions carrying the user's id, email, Teal role and
 * the id of a server-side session (checked on every request, so sessions can be revoked); a
 * credentials provider for local users (the demo users on the practice range), throttled by client
 * and by account; a generic OpenID Connect provider when OIDC_ISSUER, OIDC_CLIENT_ID and
 * OIDC_CLIENT_SECRET are set.
 */

import type { AuthOptions, LoggerInstance, Session, User } from "next-auth";
import type { AdapterUser } from "next-auth/adapters";
import type { JWT } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import type { SessionInfo } from "@/lib/domain/session";
import type { Actor } from "@/lib/domain/operation";
import { createDeniedSignInLog, maskedIdentifier, type DeniedSignInLog, type DeniedSignInSummary } from "./denied-sign-ins";
import { DEFAULT_ROLE_CLAIM, parseDefaultRole, parseRoleMap, roleFromClaims } from "./oidc";
import { PasswordChecksBusyError } from "./passwords";
import { isRole } from "./roles";
import { sameOriginRedirect } from "./safe-redirect";
import { createSessionRegistry, type SessionRegistry, type SessionStore } from "./server-sessions";
import { clientAddress, createSignInGuard, type SignInGuard } from "./sign-in-guard";
import { createUserDirectory, demoUsers, normalizeEmail, type UserDirectory } from "./users";
import { logger as log } from "@/lib/telemetry/log";

export type AuthEnv = Readonly<Record<string, string | undefined>>;

export interface AuthHooks {
  /** After a successful sign-in (audit `auth.signed_in`). Errors are logged, never block the sign-in. */
  onSignIn?(actor: Actor, provider: string): Promise<void>;
  /** Refused credentials sign-ins, one summary per account and client per window (audit `auth.denied`). */
  onDenied?(summary: DeniedSignInSummary): Promise<void>;
  /** After a sign-out (audit `auth.signed_out`). Errors are logged, never block the sign-out. */
  onSignedOut?(actor: Actor): Promise<void>;
  /** An identity provider's user refused because their claims map to no role (audit `auth.denied`). */
  onNoRole?(who: { id: string; email: string }, provider: string): Promise<void>;
}

/** What the options are built over; each defaults to an in-process one (tests, a single server). */
export interface AuthDeps {
  /** Local users (default: the demo users when TEAL_DEMO_USERS is set, and nobody otherwise). */
  users?: UserDirectory;
  sessions?: SessionRegistry;
  guard?: SignInGuard;
  denied?: DeniedSignInLog;
}

export const SIGN_IN_PATH = "/signin";
export const SESSION_MAX_AGE_S = 8 * 60 * 60;

/**
 * The `error` next-auth puts on the sign-in page's address when the signIn callback refuses: here,
 * only an identity provider's user whose claims map to no role.
 */
export const NO_ROLE_ERROR = "AccessDenied";

/** The error text next-auth hands the sign-in form for a throttled attempt: `Throttled:<seconds>`. */
export const THROTTLED_ERROR = "Throttled";

/** Thrown by the credentials check to refuse at once; next-auth answers with its message. */
export class SignInThrottledError extends Error {
  constructor(readonly retryAfterS: number) {
    super(`${THROTTLED_ERROR}:${retryAfterS}`);
    this.name = "SignInThrottledError";
  }
}

/** Thrown by the jwt callback when the cookie's server-side session is gone: next-auth then clears the cookie. */
export class SessionEndedError extends Error {
  constructor(detail: string) {
    super(`session ended: ${detail}`);
    this.name = "SessionEndedError";
  }
}

/**
 * Whether Teal is served over https, as NEXTAUTH_URL says: the one switch for Secure cookies (the
 * session's and the kiosk's). Not NODE_ENV: a production build on plain HTTP behind a real host
 * name would otherwise set cookies the browser never sends back.
 */
export function servedOverHttps(env: AuthEnv): boolean {
  return (env.NEXTAUTH_URL ?? "").trim().toLowerCase().startsWith("https://");
}

/**
 * Whether the demo users may sign in: TEAL_DEMO_USERS is set and AWS is an emulator
 * (AWS_ENDPOINT_URL set: the practice range). Their password is published in the README, so
 * against real AWS they never sign in, and the server refuses to start with TEAL_DEMO_USERS there
 * (lib/config/schema.ts, `refineDemoUsers`).
 */
export function demoUsersEnabled(env: AuthEnv): boolean {
  const asked = env.TEAL_DEMO_USERS === "1" || env.TEAL_DEMO_USERS === "true";
  return asked && (env.AWS_ENDPOINT_URL ?? "").trim() !== "";
}

export function oidcEnabled(env: AuthEnv): boolean {
  return Boolean(env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET);
}

/** The identity provider's name on the sign-in button (OIDC_NAME). */
export function oidcDisplayName(env: AuthEnv): string {
  return env.OIDC_NAME?.trim() || "Single sign-on";
}

/** The generic OpenID Connect provider (id "oidc"); the role comes from a configurable claim. */
export function oidcProvider(env: AuthEnv): OAuthConfig<Record<string, unknown>> {
  const issuer = (env.OIDC_ISSUER ?? "").replace(/\/+$/, "");
  const claim = env.OIDC_ROLE_CLAIM?.trim() || DEFAULT_ROLE_CLAIM;
  const roleMap = parseRoleMap(env.OIDC_ROLE_MAP);
  const defaultRole = parseDefaultRole(env.OIDC_DEFAULT_ROLE);
  return {
    id: "oidc",
    name: oidcDisplayName(env),
    type: "oauth",
    wellKnown: `${issuer}/.well-known/openid-configuration`,
    clientId: env.OIDC_CLIENT_ID ?? "",
    clientSecret: env.OIDC_CLIENT_SECRET ?? "",
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state"],
    profile(profile): User {
      const sub = typeof profile.sub === "string" ? profile.sub : "";
      const email =
        typeof profile.email === "string" ? profile.email : typeof profile.preferred_username === "string" ? profile.preferred_username : sub;
      const name = typeof profile.name === "string" ? profile.name : null;
      return { id: `oidc:${sub}`, email, name, role: roleFromClaims(profile, claim, roleMap, defaultRole) };
    },
  };
}

function report(what: string, error: unknown): void {
  log.error("auth.failed", { what, error });
}

/**
 * jwt callback. At sign-in (`user` present) it copies who they are into the token and starts a
 * server-side session whose id the token carries. On every later request it checks that session
 * (revoked, expired, another user's: the session ends) and takes the user's current role.
 */
export function sessionTokenCallback(sessions: SessionRegistry) {
  return async ({ token, user, account }: { token: JWT; user?: User | AdapterUser | null; account?: { provider: string } | null }): Promise<JWT> => {
    if (user) {
      if (!isRole(user.role)) throw new SessionEndedError("no role at sign-in");
      token.sub = user.id;
      token.email = user.email ?? null;
      token.role = user.role;
      token.sid = await sessions.start({ id: user.id, email: user.email ?? user.id, role: user.role }, account?.provider ?? "credentials");
      return token;
    }
    const sid = token.sid;
    if (typeof sid !== "string" || typeof token.sub !== "string") throw new SessionEndedError("the cookie names no session");
    const live = await sessions.check(sid, token.sub);
    if (!live) throw new SessionEndedError("revoked, expired or unknown");
    token.role = live.role;
    return token;
  };
}

/** session callback: expose id, email and role (a token with an unknown role yields no role). */
export async function identityIntoSession({ session, token }: { session: Session; token: JWT }): Promise<Session> {
  session.user = {
    ...session.user,
    id: token.sub,
    email: typeof token.email === "string" ? token.email : null,
    role: isRole(token.role) ? token.role : undefined,
  };
  return session;
}

export interface CredentialsGuards {
  guard?: SignInGuard;
  denied?: DeniedSignInLog;
  /** Key of the hash that names unknown identifiers in the audit log (NEXTAUTH_SECRET), read when used. */
  maskKey?: () => string | undefined;
}

/**
 * The credentials provider's check: the user for this email and password, or null. Throttled
 * attempts (by client address and by account) and attempts while the password gate is full are
 * refused at once with SignInThrottledError (no password check); refusals are aggregated for the audit.
 */
export function credentialsAuthorizer(users: UserDirectory, guards: CredentialsGuards = {}) {
  const guard = guards.guard ?? createSignInGuard();
  const denied = guards.denied ?? createDeniedSignInLog({ write: async () => undefined });
  return async (
    input: Partial<Record<"email" | "password", unknown>> | undefined,
    req?: { headers?: Record<string, unknown> },
  ): Promise<User | null> => {
    const email = typeof input?.email === "string" ? input.email : "";
    const password = typeof input?.password === "string" ? input.password : "";
    if (email === "" || password === "" || email.length > 320 || password.length > 1024) return null;
    const account = normalizeEmail(email);
    const client = clientAddress(req?.headers);
    // Only a real user's email is audited as typed; anything else may be a password in the wrong field.
    const label = async () => ((await users.knows(account)) ? account : maskedIdentifier(account, guards.maskKey?.() || "teal-sign-in"));
    const decision = guard.begin(client, account);
    if (!decision.allowed) {
      denied.record(await label(), client, "throttled");
      throw new SignInThrottledError(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
    }
    let actor;
    try {
      actor = await users.authenticate(email, password);
    } catch (error) {
      decision.finish("abandoned");
      if (error instanceof PasswordChecksBusyError) throw new SignInThrottledError(1);
      throw error;
    }
    if (!actor) {
      decision.finish("failure");
      denied.record(await label(), client, "wrong");
      return null;
    }
    decision.finish("success");
    return { id: actor.id, email: actor.email, name: actor.email, role: actor.role };
  };
}

/** A session store in this process's memory: the default for options built without the database. */
export function memorySessionStore(now: () => number = Date.now): SessionStore {
  const rows = new Map<string, SessionInfo>();
  let next = 0;
  return {
    async createSession(input) {
      next += 1;
      const session: SessionInfo = {
        id: `mem-${next}-${Math.random().toString(36).slice(2)}`,
        ...input,
        createdAt: new Date(now()).toISOString(),
        revokedAt: null,
      };
      rows.set(session.id, session);
      return session;
    },
    async getSession(id) {
      return rows.get(id) ?? null;
    },
    async revokeSession(id) {
      const row = rows.get(id);
      if (!row || row.revokedAt !== null) return false;
      row.revokedAt = new Date(now()).toISOString();
      return true;
    },
    async revokeUserSessions(userId) {
      let count = 0;
      for (const row of rows.values()) {
        if (row.userId === userId && row.revokedAt === null) {
          row.revokedAt = new Date(now()).toISOString();
          count += 1;
        }
      }
      return count;
    },
  };
}

/** The role a live session has now: local users as their directory says, OIDC users as at sign-in. */
export function currentRoleFrom(users: UserDirectory) {
  return async (session: SessionInfo) => (session.provider === "credentials" ? users.roleOf(session.userId) : session.role);
}

/**
 * signIn callback: a user without a Teal role (an identity provider's user in no mapped group) is
 * refused, and next-auth sends them to the sign-in page with `error=AccessDenied` (NO_ROLE_ERROR).
 */
export function refuseWithoutRole(hooks: AuthHooks) {
  return async ({ user, account }: { user: User | AdapterUser; account?: { provider: string } | null }): Promise<boolean> => {
    if (isRole(user.role)) return true;
    const provider = account?.provider ?? "unknown";
    await hooks.onNoRole?.({ id: user.id, email: user.email ?? user.id }, provider).catch((e: unknown) => report("recording a refused sign-in", e));
    return false;
  };
}

/** next-auth's logger, without the line it writes each time a revoked session's cookie is presented. */
const logger: LoggerInstance = {
  error(code, metadata) {
    const name = metadata && typeof metadata === "object" && "name" in metadata ? metadata.name : undefined;
    if (code === "JWT_SESSION_ERROR" && name === "SessionEndedError") return;
    log.error("auth.next_auth_error", { code, metadata });
  },
  warn(code) {
    log.warn("auth.next_auth_warning", { code });
  },
  debug() {},
};

/**
 * Builds the options. `directory` replaces the local users (tests); by default they are the demo
 * users when TEAL_DEMO_USERS is set, and nobody otherwise.
 */
export function buildAuthOptions(env: AuthEnv, hooks: AuthHooks = {}, deps: AuthDeps = {}): AuthOptions {
  const users = deps.users ?? createUserDirectory(demoUsersEnabled(env) ? demoUsers() : []);
  const inMemory = memorySessionStore();
  const sessions =
    deps.sessions ?? createSessionRegistry({ store: async () => inMemory, currentRole: currentRoleFrom(users), maxAgeMs: SESSION_MAX_AGE_S * 1000 });
  const denied = deps.denied ?? createDeniedSignInLog({ write: async (summary) => hooks.onDenied?.(summary) });

  const credentials = CredentialsProvider({
    id: "credentials",
    name: "Email and password",
    credentials: {
      email: { label: "Email", type: "email" },
      password: { label: "Password", type: "password" },
    },
    authorize: credentialsAuthorizer(users, { guard: deps.guard, denied, maskKey: () => env.NEXTAUTH_SECRET }),
  });

  return {
    secret: env.NEXTAUTH_SECRET,
    // Served over https (NEXTAUTH_URL says so): Secure, __Secure-/__Host- prefixed cookies. Said
    // here rather than left to next-auth's inference, which follows the request behind a proxy.
    useSecureCookies: servedOverHttps(env),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    // next-auth's errors (a refused sign-in, a provider that failed) come back to the sign-in page, which says what happened.
    pages: { signIn: SIGN_IN_PATH, error: SIGN_IN_PATH },
    providers: oidcEnabled(env) ? [credentials, oidcProvider(env)] : [credentials],
    // Only Teal's own origin after sign-in or sign-out, whatever callbackUrl a link carried.
    callbacks: {
      signIn: refuseWithoutRole(hooks),
      jwt: sessionTokenCallback(sessions),
      session: identityIntoSession,
      redirect: async (params) => sameOriginRedirect(params),
    },
    logger,
    events: {
      async signIn({ user, account }) {
        if (!hooks.onSignIn || !isRole(user.role) || !user.email) return;
        await hooks
          .onSignIn({ id: user.id, email: user.email, role: user.role }, account?.provider ?? "unknown")
          .catch((e: unknown) => report("recording a sign-in", e));
      },
      // The cookie is cleared by next-auth; ending the server-side session makes a copy of it useless too.
      async signOut({ token }) {
        const sid = token?.sid;
        if (typeof sid !== "string") return;
        await sessions.end(sid).catch((e: unknown) => report("ending a session", e));
        if (hooks.onSignedOut && typeof token.sub === "string" && typeof token.email === "string" && isRole(token.role)) {
          await hooks.onSignedOut({ id: token.sub, email: token.email, role: token.role }).catch((e: unknown) => report("recording a sign-out", e));
        }
      },
    },
  };
}
