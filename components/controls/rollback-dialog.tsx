"use client";

import { useId, useState } from "react";
import { rollback } from "@/lib/actions/rollback";
import { ModalDialog } from "@/components/ui/modal-dialog";
import { buttonClass } from "@/components/ui/button-styles";
import { usePlanPreview } from "@/components/hooks/use-plan-preview";
import { PlanPreviewBody } from "./plan-preview-body";
import { FailureNotice } from "./failure-notice";
import { useActionRunner } from "./use-action-runner";

interface RollbackDialogProps {
  appId: string;
  onClose: () => void;
  onStarted: (operationId: string) => void;
}

/**
 * One confirmation, no typing: the rollback must be doable half-awake. The plan is shown, but the
 * button works even if the preview cannot load — the server plans the rollback itself.
 */
export function RollbackDialog({ appId, onClose, onStarted }: RollbackDialogProps) {
  const preview = usePlanPreview(appId, { kind: "rollback" });
  const [reason, setReason] = useState("");
  const runner = useActionRunner<{ operationId: string }>();
  const reasonId = useId();

  async function confirm() {
    const trimmed = reason.trim();
    const data = await runner.run(() => rollback(trimmed ? { appId, reason: trimmed } : { appId }));
    if (data) onStarted(data.operationId);
  }

  return (
    <ModalDialog
      title="Roll back to blue"
      subtitle="Sends all traffic back to blue (0 % green)."
      onClose={onClose}
      busy={runner.pending}
      footer={
        <>
          <button type="button" className={buttonClass("secondary")} onClick={onClose} disabled={runner.pending}>
            Cancel
          </button>
          <button
            type="button"
            data-autofocus
            className={buttonClass("dangerSolid", "md", "px-5 font-semibold")}
            onClick={confirm}
            disabled={runner.pending}
          >
            {runner.pending ? "Rolling back…" : "Roll back now"}
          </button>
        </>
      }
    >
      <div className="space-y-4">
        <PlanPreviewBody preview={preview} />
        <div>
          <label htmlFor={reasonId} className="block text-sm font-medium text-slate-900 dark:text-slate-100">
            Reason <span className="font-normal text-slate-500 dark:text-slate-400">(optional)</span>
          </label>
          <textarea
            id={reasonId}
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="e.g. 5xx on green"
            className="mt-1.5 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-xs placeholder:text-slate-400 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
          />
        </div>
        {runner.failure ? <FailureNotice failure={runner.failure} /> : null}
      </div>
    </ModalDialog>
  );
}
