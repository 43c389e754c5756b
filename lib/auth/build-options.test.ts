import type { Session, User } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import type { Actor } from "@/lib/domain/types";
import { buildAuthOptions, credentialsAuthorizer, demoUsersEnabled, identityIntoSession, identityIntoToken, oidcProvider } from "./build-options";
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
    expect(await oidc.profile({ sub: "xyz", preferred_username: "ops" }, tokens)).toMatchObject({ email: "ops", role: "viewer" });
  });

  it("refuses a malformed role map at start-up", () => {
    expect(() => buildAuthOptions({ ...oidcEnv, OIDC_ROLE_MAP: "deployers=root" })).toThrow(/OIDC_ROLE_MAP/);
  });

  it("enables demo users only with TEAL_DEMO_USERS", async () => {
    expect(demoUsersEnabled({})).toBe(false);
    expect(demoUsersEnabled({ TEAL_DEMO_USERS: "0" })).toBe(false);
    expect(demoUsersEnabled({ TEAL_DEMO_USERS: "1" })).toBe(true);
    expect(demoUsersEnabled({ TEAL_DEMO_USERS: "true" })).toBe(true);
  });

  it("carries id, email and role from sign-in into the token and the session", async () => {
    const options = buildAuthOptions({});
    expect(options.callbacks?.jwt).toBe(identityIntoToken);
    expect(options.callbacks?.session).toBe(identityIntoSession);

    const user: User = { id: "demo:responder", email: "responder@example.com", name: "responder@example.com", role: "responder" };
    const token = await identityIntoToken({ token: { name: "responder@example.com" }, user });
    expect(token).toMatchObject({ sub: "demo:responder", email: "responder@example.com", role: "responder" });
    // Later requests carry no user: the token stays as it is.
    expect(await identityIntoToken({ token: { ...token } })).toEqual(token);

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
    const denied: string[] = [];
    const authorize = credentialsAuthorizer(createUserDirectory(demoUsers()), { onDenied: async (email) => void denied.push(email) });
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
    expect(denied).toEqual(["viewer@example.com"]);
  });

  it("has no users unless demo users are enabled", async () => {
    const authorize = credentialsAuthorizer(createUserDirectory([]));
    expect(await authorize({ email: "admin@example.com", password: "teal-demo" })).toBeNull();
  });
});
