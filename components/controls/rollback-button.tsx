"use client";

import { useState } from "react";
import { buttonClass } from "@/components/ui/button-styles";
import { RollbackDialog } from "./rollback-dialog";

interface RollbackButtonProps {
  appId: string;
  onStarted: (operationId: string) => void;
  /** What rolling back means for the pattern (a rolling update goes back to a revision, not to blue). */
  label?: string;
}

/** Always in the same place, always enabled: the on-call engineer's one button. */
export function RollbackButton({ appId, onStarted, label = "Roll back to blue" }: RollbackButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={buttonClass("danger", "md", "px-4")} onClick={() => setOpen(true)}>
        <span aria-hidden="true">↺</span>
        {label}
      </button>
      {open ? (
        <RollbackDialog
          appId={appId}
          onClose={() => setOpen(false)}
          onStarted={(id) => {
            setOpen(false);
            onStarted(id);
          }}
        />
      ) : null}
    </>
  );
}
