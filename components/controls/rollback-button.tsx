"use client";

import { useState } from "react";
import { buttonClass } from "@/components/ui/button-styles";
import { RollbackDialog } from "./rollback-dialog";
import { rollbackButtonLabel, type RevisionRollback } from "./rollback-label";

interface RollbackButtonProps {
  appId: string;
  onStarted: (operationId: string) => void;
  /** ecs-rolling: a rollback goes back to a revision, not to blue (named on the button, or asked for). */
  revision?: RevisionRollback;
  /** ecs-rolling before its revisions are read: a generic label, and the server picks the revision. */
  revisionPending?: boolean;
}

/** Always in the same place, always enabled: the on-call engineer's one button. */
export function RollbackButton({ appId, onStarted, revision, revisionPending = false }: RollbackButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={buttonClass("danger", "md", "px-4")} onClick={() => setOpen(true)} title={revision?.target ?? undefined}>
        <span aria-hidden="true">↺</span>
        {rollbackButtonLabel(revision, revisionPending)}
      </button>
      {open ? (
        <RollbackDialog
          appId={appId}
          revision={revision}
          revisionPending={revisionPending}
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
