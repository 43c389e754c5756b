"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { revokeUserSessions } from "@/lib/actions/revoke-sessions";
import { buttonClass } from "@/components/ui/button-styles";
import { ModalDialog } from "@/components/ui/modal-dialog";
import { FailureNotice } from "@/components/controls/failure-notice";
import { useActionRunner } from "@/components/controls/use-action-runner";

/** Signs a user out everywhere after a confirmation. */
export function RevokeSessionsButton({ userId, email, self }: { userId: string; email: string; self: boolean }) {
  const router = useRouter();
  const runner = useActionRunner<{ revoked: number }>();
  const [open, setOpen] = useState(false);

  async function confirm() {
    const result = await runner.run(() => revokeUserSessions({ userId }));
    if (result) {
      setOpen(false);
      router.refresh();
    }
  }

  return (
    <>
      <button type="button" className={buttonClass("danger", "sm")} onClick={() => setOpen(true)} aria-label={`Revoke sessions of ${email}`}>
        Revoke sessions
      </button>
      {open ? (
        <ModalDialog
          title={`Sign ${email} out everywhere?`}
          onClose={() => {
            runner.clearFailure();
            setOpen(false);
          }}
          busy={runner.pending}
          widthClass="max-w-lg"
          footer={
            <>
              <button type="button" className={buttonClass("secondary", "md")} onClick={() => setOpen(false)} disabled={runner.pending}>
                Cancel
              </button>
              <button type="button" className={buttonClass("dangerSolid", "md")} onClick={() => void confirm()} disabled={runner.pending}>
                {runner.pending ? "Revoking…" : "Revoke sessions"}
              </button>
            </>
          }
        >
          <div className="space-y-3 text-sm">
            <p>
              Every session of this user ends at its next request; they must sign in again.{self ? " This includes your own session." : ""} Operations they started keep running.
            </p>
            {runner.failure ? <FailureNotice failure={runner.failure} /> : null}
          </div>
        </ModalDialog>
      ) : null}
    </>
  );
}
