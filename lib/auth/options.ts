import "server-only";
import type { AuthOptions } from "next-auth";
import { buildAuthOptions, type AuthHooks } from "./build-options";

export { SIGN_IN_PATH } from "./build-options";

// Sign-ins and refused sign-ins go to the audit log. The store is loaded on first use, so merely
// importing the options (every page does) does not open the database.
const auditHooks: AuthHooks = {
  async onSignIn(actor, provider) {
    const { getStore } = await import("@/lib/store");
    await (await getStore()).appendAudit({ action: "auth.signed_in", actor, appId: null, operationId: null, reason: null, before: null, after: { provider } });
  },
  async onDenied(email) {
    const { getStore } = await import("@/lib/store");
    await (await getStore()).appendAudit({ action: "auth.denied", actor: null, appId: null, operationId: null, reason: "wrong email or password", before: null, after: { email: email.slice(0, 320) } });
  },
};

/** The app's next-auth options (route handler, getServerSession). Demo users hash their passwords here, once. */
export const authOptions: AuthOptions = buildAuthOptions(process.env, auditHooks);
