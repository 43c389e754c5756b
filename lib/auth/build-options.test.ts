import type { Session, User } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import type { Actor } from "@/lib/domain/operation";
import {
  buildAuthOptions,
  credentialsAuthorizer,
  demoUsersEnabled,
  identityIntoSession,
  oidcProvider,
  sessionTokenCallback,
  memorySessionStore,
  currentRoleFrom,
} from "./build-options";
import { createDeniedSignInLog, type DeniedSignInSummary } from "./denied-sign-ins";
import { createSessionRegistry } from "./server-sessions";
import { createUserDirectory, demoUsers } from "./users";

const oidcEnv = {
  OIDC_ISSUER: "https://login.example.com/realms/teal/",
  OIDC_CLIENT_ID: "teal",
  OIDC_CLIENT_SECRET: "s3cret",
  OIDC_ROLE_CLAIM: "groups",
  OIDC_ROLE_MAP: "deployers=operator",
};

describe("buildAuthOptions", () => {
  it("uses JWT sessions, the /signin page and NEXTAUTH_SECRET", () => {
    const options = buildAuthOptions({ NEXTAUTH_SECRET: "0123456789abcdef0123" });
    expect(options.session?.strategy).toBe("jwt");
    expect(options.pages?.signIn).toBe("/signin");
    expect(options.secret).toBe("0123456789abcdef0123");
    expect(options.providers.map((p) => p.id)).toEqual(["credentials"]);
  });

  it("adds the OIDC provider only when issuer, client id and secret are all set", () => {
    expect(buildAuthOptions({ OIDC_ISSUER: oidcEnv.OIDC_ISSUER, OIDC_CLIENT_ID: "teal" }).providers.map((p) => p.id)).toEqual(["credentials"]);
    const options = buildAuthOptions(oidcEnv);
    expect(options.providers.map((p) => p.id)).toEqual(["credentials", "oidc"]);
    const oidc = oidcProvider(oidcEnv);
    expect(oidc).toMatchObject({
      type: "oauth",
      wellKnown: "https://login.example.com/realms/teal/.well-known/openid-configuration",
      clientId: "teal",
      clientSecret: "s3cret",
      idToken: true,
    });
  });

  it("maps the OIDC profile to a user with a role from the configured claim", async () => {
    const oidc = oidcProvider(oidcEnv);
    const tokens = {};
    expect(await oidc.profile({ sub: "abc", email: "dev@example.com", name: "Dev", groups: ["staff", "deployers"] }, tokens)).toEqual({
      id: "oidc:abc",
      email: "dev@example.com",
      name: "Dev",
      role: "operator",
    });
    expect(await oidc.profile({ sub: "xyz", preferred_username: "ops" }, tokens)).toMatchObject({ email: "ops", role: null });
    const everyone = oidcProvider({ ...oidcEnv, OIDC_DEFAULT_ROLE: "viewer" });
    expect(await everyone.profile({ sub: "xyz", groups: ["staff"] }, tokens)).toMatchObject({ role: "viewer" });
  });

  it("refuses at sign-in a user the claims give no role, on the sign-in page, and reports it", async () => {
    const refused: [string, string][] = [];
    const options = buildAuthOptions(oidcEnv, { onNoRole: async (who, provider) => void refused.push([who.email, provider]) });
    expect(options.pages).toEqual({ signIn: "/signin", error: "/signin" });
    const signIn = options.callbacks?.signIn;
    const account = { provider: "oidc", type: "oauth" as const, providerAccountId: "xyz" };
    expect(await signIn?.({ user: { id: "oidc:xyz", email: "carol@example.com", role: null }, account })).toBe(false);
    expect(await signIn?.({ user: { id: "oidc:abc", email: "dev@example.com", role: "operator" }, account })).toBe(true);
    expect(refused).toEqual([["carol@example.com", "oidc"]]);
    expect(() => buildAuthOptions({ ...oidcEnv, OIDC_DEFAULT_ROLE: "root" })).toThrow(/OIDC_DEFAULT_ROLE/);
  });

  it("refuses a malformed role map at start-up", () => {
    expect(() => buildAuthOptions({ ...oidcEnv, OIDC_ROLE_MAP: "deployers=root" })).toThrow(/OIDC_ROLE_MAP/);
  });

  it("enables demo users only with TEAL_DEMO_USERS, and only on an emulator", async () => {
    const range = { AWS_ENDPOINT_URL: "http://127.0.0.1:4580" };
    expect(demoUsersEnabled({ ...range })).toBe(false);
    expect(demoUsersEnabled({ ...range, TEAL_DEMO_USERS: "0" })).toBe(false);
    expect(demoUsersEnabled({ ...range, TEAL_DEMO_USERS: "1" })).toBe(true);
    expect(demoUsersEnabled({ ...range, TEAL_DEMO_USERS: "true" })).toBe(true);
    // Real AWS: the published password never signs in.
    expect(demoUsersEnabled({ TEAL_DEMO_USERS: "1" })).toBe(false);
    expect(demoUsersEnabled({ TEAL_DEMO_USERS: "1", AWS_ENDPOINT_URL: " " })).toBe(false);
  });

  it("carries id, email, role and a session id from sign-in into the token, and checks the session later", async () => {
    const options = buildAuthOptions({});
    expect(options.callbacks?.session).toBe(identityIntoSession);

    const users = createUserDirectory(demoUsers());
    const jwt = sessionTokenCallback(
      createSessionRegistry({ store: async () => memorySessionStore(), currentRole: currentRoleFrom(users), maxAgeMs: 60_000 }),
    );
    const store = memorySessionStore();
    const registry = createSessionRegistry({ store: async () => store, currentRole: currentRoleFrom(users), maxAgeMs: 60_000 });
    const callback = sessionTokenCallback(registry);
    const user: User = { id: "demo:responder", email: "responder@example.com", name: "responder@example.com", role: "responder" };
    const token = await callback({ token: { name: "responder@example.com" }, user });
    expect(token).toMatchObject({ sub: "demo:responder", email: "responder@example.com", role: "responder", sid: expect.any(String) });
    // Later requests carry no user: the session is checked and the token keeps who they are.
    expect(await callback({ token: { ...token } })).toEqual(token);
    // A token naming no session, or a session of another store, is refused.
    await expect(callback({ token: { sub: "demo:responder", role: "responder" } })).rejects.toMatchObject({ name: "SessionEndedError" });
    await expect(jwt({ token: { ...token } })).rejects.toMatchObject({ name: "SessionEndedError" });

    const session: Session = { expires: "2099-01-01T00:00:00.000Z", user: { name: "responder@example.com" } };
    const out = await identityIntoSession({ session, token });
    expect(out.user).toEqual({ name: "responder@example.com", id: "demo:responder", email: "responder@example.com", role: "responder" });

    const forged: JWT = { sub: "x", email: "x@example.com", role: "root" };
    expect((await identityIntoSession({ session: { expires: session.expires }, token: forged })).user?.role).toBeUndefined();
  });

  it("reports sign-ins to the hook, and never fails a sign-in because the hook failed", async () => {
    const seen: [Actor, string][] = [];
    const options = buildAuthOptions({}, { onSignIn: async (actor, provider) => void seen.push([actor, provider]) });
    const user: User = { id: "demo:admin", email: "admin@example.com", role: "admin" };
    await options.events?.signIn?.({ user, account: { provider: "credentials", type: "credentials", providerAccountId: "demo:admin" } });
    expect(seen).toEqual([[{ id: "demo:admin", email: "admin@example.com", role: "admin" }, "credentials"]]);

    const failing = buildAuthOptions({}, { onSignIn: async () => Promise.reject(new Error("database down")) });
    await expect(failing.events?.signIn?.({ user, account: null })).resolves.toBeUndefined();
  });
});

describe("credentials sign-in", () => {
  it("accepts a demo user with the demo password and refuses the rest", async () => {
    const denied: DeniedSignInSummary[] = [];
    const log = createDeniedSignInLog({ write: async (summary) => void denied.push(summary) });
    const authorize = credentialsAuthorizer(createUserDirectory(demoUsers()), { denied: log });
    expect(await authorize({ email: "viewer@example.com", password: "teal-demo" })).toEqual({
      id: "demo:viewer",
      email: "viewer@example.com",
      name: "viewer@example.com",
      role: "viewer",
    });
    expect(await authorize({ email: "viewer@example.com", password: "nope" })).toBeNull();
    expect(await authorize({ email: "", password: "teal-demo" })).toBeNull();
    expect(await authorize(undefined)).toBeNull();
    expect(await authorize({ email: ["viewer@example.com"], password: "teal-demo" })).toBeNull();
    await log.flush({ everything: true });
    expect(denied).toMatchObject([{ account: "viewer@example.com", client: "unknown", count: 1, throttled: 0 }]);
  });

  it("has no users unless demo users are enabled", async () => {
    const authorize = credentialsAuthorizer(createUserDirectory([]));
    expect(await authorize({ email: "admin@example.com", password: "teal-demo" })).toBeNull();
  });
});
