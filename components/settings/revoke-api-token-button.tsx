"use client";

import { revokeApiToken } from "@/lib/actions/revoke-api-token";
import { RevokeButton } from "./revoke-button";

/** Revokes one API token after a confirmation that says what happens to the pipelines using it. */
export function RevokeApiTokenButton({ tokenId, name }: { tokenId: string; name: string }) {
  return (
    <RevokeButton
      label="Revoke"
      accessibleName={`Revoke API token ${name}`}
      title={`Revoke the API token “${name}”?`}
      confirmLabel="Revoke token"
      revoke={() => revokeApiToken({ tokenId })}
    >
      <p>
        Every pipeline using this token is refused (401) from its next request. This cannot be undone: create a new token to bring a pipeline back.
      </p>
    </RevokeButton>
  );
}
