"use client";

import { useId, useState, type ReactNode } from "react";
import type { ActionResult } from "@/lib/actions/result";
import { ModalDialog } from "@/components/ui/modal-dialog";
import { buttonClass } from "@/components/ui/button-styles";
import { usePlanPreview, type PlanRequest } from "@/components/hooks/use-plan-preview";
import { PlanPreviewBody } from "./plan-preview-body";
import { FailureNotice } from "./failure-notice";
import { useActionRunner } from "./use-action-runner";

interface IntentDialogProps {
  appId: string;
  intent: PlanRequest;
  title: ReactNode;
  confirmLabel: string;
  /** Starts the operation with the plan's state version and the reason given. */
  start: (expectedVersion: string, reason: string) => Promise<ActionResult<{ operationId: string }>>;
  onClose: () => void;
  onStarted: (operationId: string) => void;
  /** Pre-filled reason (still editable), where the dialog can say why itself. */
  defaultReason?: string;
}

/**
 * Confirms an operator intent other than a shift (standby, scale green, deploy a revision): the plan
 * and its exact AWS calls first, then a reason for the audit log, then the action.
 */
export function IntentDialog({ appId, intent, title, confirmLabel, start, onClose, onStarted, defaultReason = "" }: IntentDialogProps) {
  const preview = usePlanPreview(appId, intent);
  const [reason, setReason] = useState(defaultReason);
  const runner = useActionRunner<{ operationId: string }>();
  const reasonId = useId();
  const reasonHelpId = useId();
  const plan = preview.data?.ok ? preview.data : null;
  const canConfirm = plan !== null && reason.trim().length > 0 && !runner.pending && !preview.isFetching;

  async function confirm() {
    if (!plan) return;
    const data = await runner.run(() => start(plan.version, reason.trim()));
    if (data) onStarted(data.operationId);
  }

  return (
    <ModalDialog
      title={title}
      subtitle="Review the exact AWS calls. Nothing has been changed yet."
      onClose={onClose}
      busy={runner.pending}
      footer={
        <>
          <button type="button" className={buttonClass("secondary")} onClick={onClose} disabled={runner.pending}>
            Cancel
          </button>
          <button type="button" className={buttonClass("primary")} onClick={confirm} disabled={!canConfirm}>
            {runner.pending ? "Starting…" : confirmLabel}
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
