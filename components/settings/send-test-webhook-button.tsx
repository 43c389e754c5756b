"use client";

import { useRouter } from "next/navigation";
import { sendTestWebhook } from "@/lib/actions/send-test-webhook";
import { buttonClass } from "@/components/ui/button-styles";
import { FailureNotice } from "@/components/controls/failure-notice";
import { useActionRunner } from "@/components/controls/use-action-runner";

/** Queues a test event for one webhook; the page is read again a moment later to show its delivery. */
export function SendTestWebhookButton({ webhookId, name }: { webhookId: string; name: string }) {
  const router = useRouter();
  const runner = useActionRunner<{ deliveryId: string }>();

  async function send() {
    const result = await runner.run(() => sendTestWebhook({ webhookId }));
    if (result) {
      router.refresh();
      // The notifier sends it within a second or two; show its outcome without a manual reload.
      setTimeout(() => router.refresh(), 2_500);
    }
  }

  return (
    <span className="inline-flex flex-col items-end gap-1">
      <button
        type="button"
        aria-label={`Send a test event to webhook ${name}`}
        disabled={runner.pending}
        onClick={() => void send()}
        className={buttonClass("secondary", "sm")}
      >
        {runner.pending ? "Sending…" : "Send test"}
      </button>
      {runner.failure ? <FailureNotice failure={runner.failure} /> : null}
    </span>
  );
}
