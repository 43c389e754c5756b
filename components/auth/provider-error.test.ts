import { describe, expect, it } from "vitest";
import { providerErrorMessage } from "./provider-error";

describe("providerErrorMessage", () => {
  it("says a refused user has no role and what to do, and names the provider when its round trip failed", () => {
    expect(providerErrorMessage("AccessDenied", "Acme SSO")).toEqual({
      title: "Teal has no role for your account.",
      detail: "Your Acme SSO account is in no group that gives a role in Teal. Ask an admin to add you to one, then sign in again.",
    });
    expect(providerErrorMessage(["OAuthCallback", "x"], "Acme SSO")?.title).toBe("Signing in with Acme SSO failed.");
    expect(providerErrorMessage("<script>", "Acme SSO")).toEqual({ title: "Sign-in failed.", detail: "Try again." });
    expect(providerErrorMessage(undefined, "Acme SSO")).toBeNull();
    expect(providerErrorMessage("", "Acme SSO")).toBeNull();
  });
});
