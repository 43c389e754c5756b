"use client";

import { useState } from "react";
import { signIn } from "next-auth/react";
import { buttonClass } from "@/components/ui/button-styles";
import { safeCallbackUrl } from "./safe-callback";

interface ProviderSignInButtonProps {
  /** next-auth's provider id ("oidc"). */
  providerId: string;
  /** OIDC_NAME: what the button names. */
  name: string;
  callbackUrl: string;
}

/** Starts the identity provider's sign-in; the browser leaves for the provider and comes back signed in. */
export function ProviderSignInButton({ providerId, name, callbackUrl }: ProviderSignInButtonProps) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className={buttonClass("primary", "md", "w-full h-10")}
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn(providerId, { callbackUrl: safeCallbackUrl(callbackUrl, window.location.origin) }).catch(() => setPending(false));
      }}
    >
      {pending ? `Opening ${name}…` : `Sign in with ${name}`}
    </button>
  );
}
