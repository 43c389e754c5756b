// What the sign-in page says when next-auth sends someone back to it with `?error=<code>` after
// signing in through the identity provider failed or was refused.

/** next-auth's code for a sign-in its signIn callback refused: here, claims that map to no Teal role. */
const NO_ROLE = "AccessDenied";

/** The codes next-auth uses for a failed OAuth/OpenID Connect round trip. */
const PROVIDER_FAILED = new Set(["OAuthSignin", "OAuthCallback", "OAuthCreateAccount", "OAuthAccountNotLinked", "Callback", "Configuration"]);

export interface ProviderErrorMessage {
  title: string;
  detail: string;
}

/** The message for an `error` the sign-in page was opened with, or null when there is none to show. */
export function providerErrorMessage(error: string | string[] | undefined, providerName: string): ProviderErrorMessage | null {
  const code = Array.isArray(error) ? error[0] : error;
  if (!code) return null;
  if (code === NO_ROLE) {
    return {
      title: "Teal has no role for your account.",
      detail: `Your ${providerName} account is in no group that gives a role in Teal. Ask an admin to add you to one, then sign in again.`,
    };
  }
  if (PROVIDER_FAILED.has(code)) {
    return { title: `Signing in with ${providerName} failed.`, detail: "Try again. If it keeps failing, tell an admin." };
  }
  return { title: "Sign-in failed.", detail: "Try again." };
}
