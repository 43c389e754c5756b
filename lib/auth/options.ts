import "server-only";
import type { AuthOptions } from "next-auth";
import { buildAuthOptions, currentRoleFrom, demoUsersEnabled, SESSION_MAX_AGE_S, type AuthHooks } from "./build-options";
import { createDeniedSignInLog, DENIED_WINDOW_MS } from "./denied-sign-ins";
import { createSessionRegistry, type SessionRegistry } from "./server-sessions";
import { createSignInGuard } from "./sign-in-guard";
import { storedUserSource } from "./local-users";
import { demoUsers, listUserSource, userDirectoryOver, type LocalUser } from "./users";

export { SIGN_IN_PATH } from "./build-options";

async function store() {
  const { getStore } = await import("@/lib/store");
  return getStore();
}

// Sign-ins, sign-outs and refused sign-ins go to the audit log. The store is loaded on first use, so
// merely importing the options (every page does) does not open the database.
const auditHooks: AuthHooks = {
  async onSignIn(actor, provider) {
    await (
      await store()
    ).appendAudit({ action: "auth.signed_in", actor, appId: null, operationId: null, reason: null, before: null, after: { provider } });
  },
  async onSignedOut(actor) {
    await (await store()).appendAudit({ action: "auth.signed_out", actor, appId: null, operationId: null, reason: null, before: null, after: null });
  },
  async onNoRole(who, provider) {
    await (
      await store()
    ).appendAudit({
      action: "auth.denied",
      actor: null,
      appId: null,
      operationId: null,
      reason: "no Teal role in the identity provider's claims",
      before: null,
      after: { provider, userId: who.id, email: who.email },
    });
  },
  async onDenied(summary) {
    const reason =
      summary.throttled === summary.count
        ? "throttled"
        : summary.throttled > 0
          ? "wrong email or password, then throttled"
          : "wrong email or password";
    await (
      await store()
    ).appendAudit({ action: "auth.denied", actor: null, appId: null, operationId: null, reason, before: null, after: { ...summary } });
  },
};

// Read when used, not when this module loads: TEAL_DEMO_USERS decides at each look-up (hashed once).
// Then the local users in the store (an admin or `teal user create` made them), read at each look-up.
let demo: Promise<LocalUser[]> | null = null;
const users = userDirectoryOver([listUserSource(() => (demoUsersEnabled(process.env) ? (demo ??= demoUsers()) : [])), storedUserSource(store)]);

// One of each per server process (cached on globalThis so dev-mode reloads keep the counts).
const shared = globalThis as typeof globalThis & {
  __tealAuth?: { sessions: SessionRegistry; guard: ReturnType<typeof createSignInGuard>; denied: ReturnType<typeof createDeniedSignInLog> };
};

function serverState() {
  if (!shared.__tealAuth) {
    const denied = createDeniedSignInLog({ write: async (summary) => auditHooks.onDenied?.(summary) });
    // Summaries are written when their window ends; the timer never keeps the process alive.
    setInterval(() => void denied.flush(), Math.min(DENIED_WINDOW_MS, 30_000)).unref();
    shared.__tealAuth = {
      sessions: createSessionRegistry({ store, currentRole: currentRoleFrom(users), maxAgeMs: SESSION_MAX_AGE_S * 1000 }),
      guard: createSignInGuard(),
      denied,
    };
  }
  return shared.__tealAuth;
}

/** This server's session registry: the admin's "revoke sessions" control ends sessions through it. */
export function sessionRegistry(): SessionRegistry {
  return serverState().sessions;
}

/** The app's next-auth options (route handler, getServerSession). Demo users hash their passwords on first use, once. */
export const authOptions: AuthOptions = buildAuthOptions(process.env, auditHooks, { users, ...serverState() });
