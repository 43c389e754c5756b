"use client";

import { useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import type { ActionResult } from "@/lib/actions/result";
import { buttonClass } from "@/components/ui/button-styles";
import { ModalDialog } from "@/components/ui/modal-dialog";
import { FailureNotice } from "@/components/controls/failure-notice";
import { useActionRunner } from "@/components/controls/use-action-runner";

interface RevokeButtonProps<T> {
  /** The small button's text and accessible name (which row it revokes). */
  label: string;
  accessibleName: string;
  title: string;
  confirmLabel: string;
  /** What happens once confirmed, in words. */
  children: ReactNode;
  revoke: () => Promise<ActionResult<T>>;
}

/**
 * A settings row's revoke button: one confirmation that says what follows, the solid danger button,
 * the refusal shown in the dialog, and the page's data read again once it is done.
 */
export function RevokeButton<T>({ label, accessibleName, title, confirmLabel, children, revoke }: RevokeButtonProps<T>) {
  const router = useRouter();
  const runner = useActionRunner<T>();
  const [open, setOpen] = useState(false);

  async function confirm() {
    const result = await runner.run(revoke);
    if (result) {
      setOpen(false);
      router.refresh();
    }
  }

  return (
    <>
      <button type="button" className={buttonClass("danger", "sm")} onClick={() => setOpen(true)} aria-label={accessibleName}>
        {label}
      </button>
      {open ? (
        <ModalDialog
          title={title}
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
                {runner.pending ? "Revoking…" : confirmLabel}
              </button>
            </>
          }
        >
          <div className="space-y-3 text-sm">
            {children}
            {runner.failure ? <FailureNotice failure={runner.failure} /> : null}
          </div>
        </ModalDialog>
      ) : null}
    </>
  );
}
