"use client";

import { revokeUserSessions } from "@/lib/actions/revoke-sessions";
import { RevokeButton } from "./revoke-button";

/** Signs a user out everywhere after a confirmation. */
export function RevokeSessionsButton({ userId, email, self }: { userId: string; email: string; self: boolean }) {
  return (
    <RevokeButton
      label="Revoke sessions"
      accessibleName={`Revoke sessions of ${email}`}
      title={`Sign ${email} out everywhere?`}
      confirmLabel="Revoke sessions"
      revoke={() => revokeUserSessions({ userId })}
    >
      <p>
        Every session of this user ends at its next request; they must sign in again.{self ? " This includes your own session." : ""} Operations they
        started keep running.
      </p>
    </RevokeButton>
  );
}
