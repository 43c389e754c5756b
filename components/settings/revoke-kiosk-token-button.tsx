"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { revokeKioskToken } from "@/lib/actions/revoke-kiosk-token";
import type { KioskTokenInfo } from "@/lib/domain/kiosk";
import { buttonClass } from "@/components/ui/button-styles";
import { ModalDialog } from "@/components/ui/modal-dialog";
import { FailureNotice } from "@/components/controls/failure-notice";
import { useActionRunner } from "@/components/controls/use-action-runner";

/** Revokes one token after a confirmation that says what happens to the walls using it. */
export function RevokeKioskTokenButton({ tokenId, label }: { tokenId: string; label: string }) {
  const router = useRouter();
  const runner = useActionRunner<{ token: KioskTokenInfo }>();
  const [open, setOpen] = useState(false);

  async function confirm() {
    const result = await runner.run(() => revokeKioskToken({ tokenId }));
    if (result) {
      setOpen(false);
      router.refresh();
    }
  }

  return (
    <>
      <button type="button" className={buttonClass("danger", "sm")} onClick={() => setOpen(true)} aria-label={`Revoke ${label}`}>
        Revoke
      </button>
      {open ? (
        <ModalDialog
          title={`Revoke the token “${label}”?`}
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
                {runner.pending ? "Revoking…" : "Revoke token"}
              </button>
            </>
          }
        >
          <div className="space-y-3 text-sm">
            <p>Every wall using this token stops showing data at its next refresh (within a few seconds) and says it is no longer authorized. This cannot be undone: create a new token to bring a screen back.</p>
            {runner.failure ? <FailureNotice failure={runner.failure} /> : null}
          </div>
        </ModalDialog>
      ) : null}
    </>
  );
}
