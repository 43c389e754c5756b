"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import type { Plan } from "@/lib/domain/plan";
import type { ActionResult } from "@/lib/actions/result";
import { ModalDialog } from "@/components/ui/modal-dialog";
import { buttonClass } from "@/components/ui/button-styles";
import { usePlanPreview, type PlanRequest } from "@/components/hooks/use-plan-preview";
import { PlanPreviewBody } from "./plan-preview-body";
import { FailureNotice } from "./failure-notice";
import { ReasonField } from "./reason-field";
import { useActionRunner } from "./use-action-runner";
import { overrideSatisfied, VerdictCheck } from "./verdict-check";
import { confirmBlock, confirmHint, raisesGreen } from "./confirm-gate";

/** What the person confirmed: the plan's state version, their reason, and the override when they typed one. */
export interface ConfirmedIntent {
  expectedVersion: string;
  reason: string;
  override?: string;
}

interface IntentDialogProps {
  appId: string;
  intent: PlanRequest;
  /** The dialog's title (its accessible name); a function of the plan when it names the plan's starting point. */
  title: ReactNode | ((plan: Plan | null) => ReactNode);
  confirmLabel: string;
  /** Starts the operation with what the person confirmed. */
  start: (confirmed: ConfirmedIntent) => Promise<ActionResult<{ operationId: string }>>;
  onClose: () => void;
  onStarted: (operationId: string) => void;
  /** Pre-filled reason (still editable), where the dialog can say why itself. */
  defaultReason?: string;
  reasonPlaceholder?: string;
  /** A sentence above the plan (the promote dialog names both versions). */
  lead?: (plan: Plan | null) => ReactNode;
}

/**
 * Confirms an operator intent (shift, promote, standby, scale green, deploy a revision, re-assert):
 * green against blue when the intent moves traffic, the plan and its exact AWS calls, a reason for
 * the audit log, then the action. A refusal that makes the plan out of date (the state changed,
 * another operation holds the lock, green turned worse) keeps Confirm disabled until the plan is
 * read again, and says so beside it.
 */
export function IntentDialog({
  appId,
  intent,
  title,
  confirmLabel,
  start,
  onClose,
  onStarted,
  defaultReason = "",
  reasonPlaceholder,
  lead,
}: IntentDialogProps) {
  const preview = usePlanPreview(appId, intent);
  const [reason, setReason] = useState(defaultReason);
  const [override, setOverride] = useState("");
  const runner = useActionRunner<{ operationId: string }>();
  const hintId = useId();
  const failureRef = useRef<HTMLDivElement>(null);

  // A plan read again that failed keeps the old data: only a plan read successfully may be confirmed.
  const loaded = preview.isSuccess && preview.data.ok ? preview.data : null;
  const plan = loaded?.plan ?? null;
  const verdict = loaded?.greenVerdict;
  const raising = plan !== null && raisesGreen(intent, plan.before.greenPercent);
  const mustReload = runner.failure?.canReloadPlan === true;
  const block = confirmBlock({
    planReady: loaded !== null,
    planFetching: preview.isFetching,
    starting: runner.pending,
    mustReload,
    reason,
    overrideMissing: !overrideSatisfied(appId, verdict, raising, override),
  });
  const hint = confirmHint(block);

  // A refusal shows first in the body: bring it into view (the person was typing the reason below
  // the plan), and put the keyboard on "Reload plan" when that is the way on.
  useEffect(() => {
    const box = failureRef.current;
    if (!runner.failure || !box) return;
    box.scrollIntoView({ block: "nearest" });
    if (runner.failure.canReloadPlan) box.querySelector<HTMLElement>("button")?.focus();
  }, [runner.failure]);

  async function confirm() {
    if (!loaded || block !== null) return;
    const typed = override.trim();
    const data = await runner.run(() => start({ expectedVersion: loaded.version, reason: reason.trim(), ...(typed ? { override: typed } : {}) }));
    if (data) onStarted(data.operationId);
  }

  function reloadPlan() {
    runner.clearFailure();
    void preview.refetch();
  }

  const promote = intent.kind === "promote";

  return (
    <ModalDialog
      steady
      title={typeof title === "function" ? title(plan) : title}
      subtitle="Review the exact AWS calls. Nothing has been changed yet."
      onClose={onClose}
      busy={runner.pending}
      footer={
        <>
          {hint ? (
            <p id={hintId} className="mr-auto text-xs text-slate-600 dark:text-slate-400">
              {hint}
            </p>
          ) : null}
          <button type="button" className={buttonClass("secondary")} onClick={onClose} disabled={runner.pending}>
            Cancel
          </button>
          <button
            type="button"
            className={buttonClass("primary")}
            onClick={confirm}
            disabled={block !== null}
            aria-describedby={hint ? hintId : undefined}
          >
            {runner.pending ? "Starting…" : confirmLabel}
          </button>
        </>
      }
    >
      <div className="space-y-4">
        {/* First in the body, so a refusal is seen without scrolling past the plan. */}
        {runner.failure ? (
          <div ref={failureRef} className="scroll-mt-4">
            <FailureNotice
              failure={runner.failure}
              actions={
                runner.failure.canReloadPlan ? (
                  <button type="button" className={buttonClass("secondary", "sm")} onClick={reloadPlan}>
                    Reload plan
                  </button>
                ) : undefined
              }
            />
          </div>
        ) : null}
        {lead ? lead(plan) : null}
        {verdict ? (
          <VerdictCheck
            appId={appId}
            verdict={verdict}
            raising={raising}
            action={promote ? "promote" : "shift"}
            override={override}
            onOverrideChange={setOverride}
          />
        ) : null}
        <PlanPreviewBody preview={preview} />
        <ReasonField value={reason} onChange={setReason} required placeholder={reasonPlaceholder} autoFocus />
      </div>
    </ModalDialog>
  );
}
