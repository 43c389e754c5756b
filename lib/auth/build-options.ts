/**
 * next-auth options from the environment: JWT sessions carrying the user's id, email and Teal role;
 * a credentials provider for local users (the demo users on the practice range); a generic OpenID
 * Connect provider when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set.
 */

import type { AuthOptions, Session, User } from "next-auth";
import type { AdapterUser } from "next-auth/adapters";
import type { JWT } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { sameOriginRedirect } from "./safe-redirect";
import type { Actor } from "@/lib/domain/types";
import { DEFAULT_ROLE_CLAIM, parseRoleMap, roleFromClaims } from "./oidc";
import { isRole } from "./roles";
import { createUserDirectory, demoUsers, type UserDirectory } from "./users";

export type AuthEnv = Readonly<Record<string, string | undefined>>;

export interface AuthHooks {
  /** After a successful sign-in (audit `auth.signed_in`). Errors are logged, never block the sign-in. */
  onSignIn?(actor: Actor, provider: string): Promise<void>;
  /** After a refused credentials sign-in (audit `auth.denied`). */
  onDenied?(email: string): Promise<void>;
}

export const SIGN_IN_PATH = "/signin";
const SESSION_MAX_AGE_S = 8 * 60 * 60;

/**
 * Whether Teal is served over https, as NEXTAUTH_URL says: the one switch for Secure cookies (the
 * session's and the kiosk's). Not NODE_ENV: a production build on plain HTTP behind a real host
 * name would otherwise set cookies the browser never sends back.
 */
export function servedOverHttps(env: AuthEnv): boolean {
  return (env.NEXTAUTH_URL ?? "").trim().toLowerCase().startsWith("https://");
}

export function demoUsersEnabled(env: AuthEnv): boolean {
  return env.TEAL_DEMO_USERS === "1" || env.TEAL_DEMO_USERS === "true";
}

export function oidcEnabled(env: AuthEnv): boolean {
  return Boolean(env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET);
}

/** The generic OpenID Connect provider (id "oidc"); the role comes from a configurable claim. */
export function oidcProvider(env: AuthEnv): OAuthConfig<Record<string, unknown>> {
  const issuer = (env.OIDC_ISSUER ?? "").replace(/\/+$/, "");
  const claim = env.OIDC_ROLE_CLAIM?.trim() || DEFAULT_ROLE_CLAIM;
  const roleMap = parseRoleMap(env.OIDC_ROLE_MAP);
  return {
    id: "oidc",
    name: env.OIDC_NAME?.trim() || "Single sign-on",
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
      return { id: `oidc:${sub}`, email, name, role: roleFromClaims(profile, claim, roleMap) };
    },
  };
}

function report(what: string, error: unknown): void {
  console.error(`[auth] ${what} failed:`, error instanceof Error ? error.message : error);
}

/** jwt callback: `user` is present only at sign-in; copy who they are into the token once. */
export async function identityIntoToken({ token, user }: { token: JWT; user?: User | AdapterUser | null }): Promise<JWT> {
  if (user) {
    token.sub = user.id;
    token.email = user.email ?? null;
    token.role = user.role;
  }
  return token;
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

/** The credentials provider's check: the user for this email and password, or null (and a denial hook). */
export function credentialsAuthorizer(users: UserDirectory, hooks: AuthHooks = {}) {
  return async (input: Partial<Record<"email" | "password", unknown>> | undefined): Promise<User | null> => {
    const email = typeof input?.email === "string" ? input.email : "";
    const password = typeof input?.password === "string" ? input.password : "";
    if (email === "" || password === "" || email.length > 320 || password.length > 1024) return null;
    const actor = await users.authenticate(email, password);
    if (!actor) {
      await hooks.onDenied?.(email).catch((e: unknown) => report("recording a refused sign-in", e));
      return null;
    }
    return { id: actor.id, email: actor.email, name: actor.email, role: actor.role };
  };
}

/**
 * Builds the options. `directory` replaces the local users (tests); by default they are the demo
 * users when TEAL_DEMO_USERS is set, and nobody otherwise.
 */
export function buildAuthOptions(env: AuthEnv, hooks: AuthHooks = {}, directory?: UserDirectory): AuthOptions {
  const users = directory ?? createUserDirectory(demoUsersEnabled(env) ? demoUsers() : []);

  const credentials = CredentialsProvider({
    id: "credentials",
    name: "Email and password",
    credentials: {
      email: { label: "Email", type: "email" },
      password: { label: "Password", type: "password" },
    },
    authorize: credentialsAuthorizer(users, hooks),
  });

  return {
    secret: env.NEXTAUTH_SECRET,
    // Served over https (NEXTAUTH_URL says so): Secure, __Secure-/__Host- prefixed cookies. Said
    // here rather than left to next-auth's inference, which follows the request behind a proxy.
    useSecureCookies: servedOverHttps(env),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: SIGN_IN_PATH },
    providers: oidcEnabled(env) ? [credentials, oidcProvider(env)] : [credentials],
    // Only Teal's own origin after sign-in or sign-out, whatever callbackUrl a link carried.
    callbacks: { jwt: identityIntoToken, session: identityIntoSession, redirect: async (params) => sameOriginRedirect(params) },
    events: {
      async signIn({ user, account }) {
        if (!hooks.onSignIn || !isRole(user.role) || !user.email) return;
        await hooks.onSignIn({ id: user.id, email: user.email, role: user.role }, account?.provider ?? "unknown").catch((e: unknown) => report("recording a sign-in", e));
      },
    },
  };
}
