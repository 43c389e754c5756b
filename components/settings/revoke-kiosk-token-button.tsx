"use client";

import { revokeKioskToken } from "@/lib/actions/revoke-kiosk-token";
import { RevokeButton } from "./revoke-button";

/** Revokes one token after a confirmation that says what happens to the walls using it. */
export function RevokeKioskTokenButton({ tokenId, label }: { tokenId: string; label: string }) {
  return (
    <RevokeButton
      label="Revoke"
      accessibleName={`Revoke ${label}`}
      title={`Revoke the token “${label}”?`}
      confirmLabel="Revoke token"
      revoke={() => revokeKioskToken({ tokenId })}
    >
      <p>
        Every wall using this token stops showing data at its next refresh (within a few seconds) and says it is no longer authorized. This cannot be
        undone: create a new token to bring a screen back.
      </p>
    </RevokeButton>
  );
}
