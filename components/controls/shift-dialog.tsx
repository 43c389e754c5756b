"use client";

import { useId, useState } from "react";
import { shiftTraffic } from "@/lib/actions/shift-traffic";
import { ModalDialog } from "@/components/ui/modal-dialog";
import { buttonClass } from "@/components/ui/button-styles";
import { usePlanPreview } from "@/components/hooks/use-plan-preview";
import { PlanPreviewBody } from "./plan-preview-body";
import { FailureNotice } from "./failure-notice";
import { useActionRunner } from "./use-action-runner";

interface ShiftDialogProps {
  appId: string;
  fromPercent: number;
  toPercent: number;
  onClose: () => void;
  onStarted: (operationId: string) => void;
}

/** Confirms a traffic shift: shows the plan and its AWS calls, asks why, then starts it. */
export function ShiftDialog({ appId, fromPercent, toPercent, onClose, onStarted }: ShiftDialogProps) {
  const preview = usePlanPreview(appId, { kind: "shift", greenPercent: toPercent });
  const [reason, setReason] = useState("");
  const runner = useActionRunner<{ operationId: string }>();
  const reasonId = useId();
  const reasonHelpId = useId();

  const plan = preview.data?.ok ? preview.data : null;
  // The plan knows the real starting point (the page behind may have moved on since the dialog opened).
  const from = plan ? plan.plan.before.greenPercent : fromPercent;
  // After a stale refusal the same plan would be refused again: confirm waits for a reloaded plan.
  const mustReload = runner.failure?.canReloadPlan === true;
  const canConfirm = plan !== null && reason.trim().length > 0 && !runner.pending && !preview.isFetching && !mustReload;

  async function confirm() {
    if (!plan) return;
    const data = await runner.run(() =>
      shiftTraffic({ appId, greenPercent: toPercent, expectedVersion: plan.version, reason: reason.trim() }),
    );
    if (data) onStarted(data.operationId);
  }

  return (
    <ModalDialog
      title={`Shift traffic: green ${from} % → ${toPercent} %`}
      subtitle="Review the exact AWS calls. Nothing has been changed yet."
      onClose={onClose}
      busy={runner.pending}
      footer={
        <>
          <button type="button" className={buttonClass("secondary")} onClick={onClose} disabled={runner.pending}>
            Cancel
          </button>
          <button type="button" className={buttonClass("primary")} onClick={confirm} disabled={!canConfirm}>
            {runner.pending ? "Starting…" : "Confirm shift"}
          </button>
        </>
      }
    >
      <div className="space-y-4">
        <PlanPreviewBody preview={preview} />
        <div>
          <label htmlFor={reasonId} className="block text-sm font-medium text-slate-900 dark:text-slate-100">
            Reason
          </label>
          <p id={reasonHelpId} className="text-xs text-slate-500 dark:text-slate-400">
            Recorded in the audit log and shown on the charts.
          </p>
          <textarea
            id={reasonId}
            aria-describedby={reasonHelpId}
            required
            data-autofocus
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="e.g. Canary for release 2.4.0, ticket REL-1432"
            className="mt-1.5 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-xs placeholder:text-slate-400 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
          />
        </div>
        {runner.failure ? (
          <FailureNotice
            failure={runner.failure}
            actions={
              runner.failure.canReloadPlan ? (
                <button
                  type="button"
                  className={buttonClass("secondary", "sm")}
                  onClick={() => {
                    runner.clearFailure();
                    void preview.refetch();
                  }}
                >
                  Reload plan
                </button>
              ) : undefined
            }
          />
        ) : null}
      </div>
    </ModalDialog>
  );
}
