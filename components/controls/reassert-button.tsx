"use client";

import { useState } from "react";
import type { Drift } from "@/lib/domain/app-state";
import { reassertDrift } from "@/lib/actions/reassert-drift";
import { buttonClass } from "@/components/ui/button-styles";
import { IntentDialog } from "./intent-dialog";

interface ReassertButtonProps {
  appId: string;
  drift: Drift;
  onStarted: (operationId: string) => void;
}

/** Puts back the end state of Teal's last successful operation, after one confirm with the plan. */
export function ReassertButton({ appId, drift, onStarted }: ReassertButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={buttonClass("secondary", "sm")} onClick={() => setOpen(true)}>
        <span aria-hidden="true">⟲</span>
        Re-assert last state
      </button>
      {open ? (
        <IntentDialog
          appId={appId}
          intent={{ kind: "reassert" }}
          title={`Re-assert last state: ${drift.kind === "share" ? `green back to ${drift.expectedGreenPercent} %` : `back to ${drift.expectedTaskDefinition}`}`}
          confirmLabel="Re-assert now"
          defaultReason={`AWS differed from Teal's last operation: ${drift.text}`}
          start={({ expectedVersion, reason }) => reassertDrift({ appId, referenceId: drift.operation.id, expectedVersion, reason })}
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
