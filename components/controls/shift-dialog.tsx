"use client";

import { useId, useState } from "react";
import type { Color } from "@/lib/domain/types";
import { shiftTraffic } from "@/lib/actions/shift-traffic";
import { ModalDialog } from "@/components/ui/modal-dialog";
import { buttonClass } from "@/components/ui/button-styles";
import { usePlanPreview } from "@/components/hooks/use-plan-preview";
import { PlanPreviewBody } from "./plan-preview-body";
import { FailureNotice } from "./failure-notice";
import { useActionRunner } from "./use-action-runner";
import { overrideSatisfied, VerdictCheck } from "./verdict-check";

interface ShiftDialogProps {
  appId: string;
  fromPercent: number;
  toPercent: number;
  /** Each colour's version label, named in the promote dialog (v41 → v42). */
  versions?: Record<Color, string>;
  onClose: () => void;
  onStarted: (operationId: string) => void;
}

/**
 * Confirms a traffic shift, or a promote when green goes to 100 %: shows green against blue, the
 * plan and its AWS calls, asks why (and for the typed override when green is worse), then starts it.
 */
export function ShiftDialog({ appId, fromPercent, toPercent, versions, onClose, onStarted }: ShiftDialogProps) {
  // The server promotes at 100 %: preview exactly what it will run.
  const promote = toPercent === 100;
  const preview = usePlanPreview(appId, promote ? { kind: "promote" } : { kind: "shift", greenPercent: toPercent });
  const [reason, setReason] = useState("");
  const [override, setOverride] = useState("");
  const runner = useActionRunner<{ operationId: string }>();
  const reasonId = useId();
  const reasonHelpId = useId();

  const plan = preview.data?.ok ? preview.data : null;
  // The plan knows the real starting point (the page behind may have moved on since the dialog opened).
  const from = plan ? plan.plan.before.greenPercent : fromPercent;
  // After a stale refusal the same plan would be refused again: confirm waits for a reloaded plan.
  const mustReload = runner.failure?.canReloadPlan === true;
  const verdict = plan?.greenVerdict;
  const raising = toPercent > from;
  const canConfirm =
    plan !== null &&
    reason.trim().length > 0 &&
    !runner.pending &&
    !preview.isFetching &&
    !mustReload &&
    overrideSatisfied(appId, verdict, raising, override);

  async function confirm() {
    if (!plan) return;
    const data = await runner.run(() =>
      shiftTraffic({
        appId,
        greenPercent: toPercent,
        expectedVersion: plan.version,
        reason: reason.trim(),
        ...(override.trim() ? { override: override.trim() } : {}),
      }),
    );
    if (data) onStarted(data.operationId);
  }

  return (
    <ModalDialog
      title={
        promote
          ? `Promote green: ${versions ? `${versions.blue} → ${versions.green}` : `${from} % → 100 %`}`
          : `Shift traffic: green ${from} % → ${toPercent} %`
      }
      subtitle="Review the exact AWS calls. Nothing has been changed yet."
      onClose={onClose}
      busy={runner.pending}
      footer={
        <>
          <button type="button" className={buttonClass("secondary")} onClick={onClose} disabled={runner.pending}>
            Cancel
          </button>
          <button type="button" className={buttonClass("primary")} onClick={confirm} disabled={!canConfirm}>
            {runner.pending ? "Starting…" : promote ? "Promote" : "Confirm shift"}
          </button>
        </>
      }
    >
      <div className="space-y-4">
        {promote && versions ? (
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Green ({versions.green}) takes all the traffic from blue ({versions.blue}), now at {from} % green.
          </p>
        ) : null}
        <VerdictCheck
          appId={appId}
          verdict={verdict}
          raising={raising}
          action={promote ? "promote" : "shift"}
          override={override}
          onOverrideChange={setOverride}
        />
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
