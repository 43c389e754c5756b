"use client";

import { signOut } from "next-auth/react";
import { buttonClass } from "@/components/ui/button-styles";

export function SignOutButton() {
  return (
    <button type="button" className={buttonClass("ghost", "sm")} onClick={() => void signOut({ callbackUrl: "/signin" })}>
      Sign out
    </button>
  );
}
