"use client";

import { removeWebhook } from "@/lib/actions/remove-webhook";
import { RevokeButton } from "./revoke-button";

/** Removes one webhook after a confirmation that says what happens to its deliveries. */
export function RemoveWebhookButton({ webhookId, name }: { webhookId: string; name: string }) {
  return (
    <RevokeButton
      label="Remove"
      accessibleName={`Remove webhook ${name}`}
      title={`Remove the webhook “${name}”?`}
      confirmLabel="Remove webhook"
      revoke={() => removeWebhook({ webhookId })}
    >
      <p>Nothing more is sent to it, and its deliveries not yet made are given up. Its past deliveries stay in the log.</p>
    </RevokeButton>
  );
}
