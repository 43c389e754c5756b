"use client";

import { useState } from "react";
import { abortOperation } from "@/lib/actions/abort-operation";
import { buttonClass } from "@/components/ui/button-styles";
import { FailureNotice } from "@/components/controls/failure-notice";
import { useActionRunner } from "@/components/controls/use-action-runner";

interface AbortControlProps {
  appId: string;
  operationId: string;
  onAborted: () => void;
}

/** Abort asks once more inline (no modal): the running step finishes, later steps are skipped. */
export function AbortControl({ appId, operationId, onAborted }: AbortControlProps) {
  const [asking, setAsking] = useState(false);
  const runner = useActionRunner<{ operationId: string }>();

  async function abort() {
    const data = await runner.run(() => abortOperation({ appId, operationId }));
    setAsking(false);
    if (data) onAborted();
  }

  return (
    <div className="space-y-2">
      {asking ? (
        <div className="flex items-center gap-2">
          <span className="text-xs text-slate-600 dark:text-slate-400">Stop after the current step?</span>
          <button type="button" className={buttonClass("danger", "sm")} onClick={abort} disabled={runner.pending}>
            {runner.pending ? "Aborting…" : "Confirm abort"}
          </button>
          <button type="button" className={buttonClass("ghost", "sm")} onClick={() => setAsking(false)} disabled={runner.pending}>
            Keep running
          </button>
        </div>
      ) : (
        <button type="button" className={buttonClass("secondary", "sm")} onClick={() => setAsking(true)}>
          <span aria-hidden="true">■</span>
          Abort
        </button>
      )}
      {runner.failure ? <FailureNotice failure={runner.failure} /> : null}
    </div>
  );
}
