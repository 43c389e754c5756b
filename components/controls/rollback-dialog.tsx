"use client";

import { useId, useState } from "react";
import { rollback, type RollbackResult } from "@/lib/actions/rollback";
import { Notice } from "@/components/ui/notice";
import { ModalDialog } from "@/components/ui/modal-dialog";
import { buttonClass } from "@/components/ui/button-styles";
import { usePlanPreview } from "@/components/hooks/use-plan-preview";
import { PlanPreviewBody } from "./plan-preview-body";
import { FailureNotice } from "./failure-notice";
import { useActionRunner } from "./use-action-runner";
import { rollbackChoices, type RevisionRollback } from "./rollback-label";

interface RollbackDialogProps {
  appId: string;
  /** ecs-rolling: the revision to go back to, or the choice of one when it is unknown. */
  revision?: RevisionRollback;
  onClose: () => void;
  onStarted: (operationId: string) => void;
}

/**
 * One confirmation, no typing: the rollback must be doable half-awake. The plan is shown, but the
 * button works even if the preview cannot load — the server plans the rollback itself.
 */
export function RollbackDialog({ appId, revision, onClose, onStarted }: RollbackDialogProps) {
  const [chosen, setChosen] = useState("");
  // The revision the button named goes to the server as is: the rollback goes where it said.
  const taskDefinition = revision ? (revision.target ?? (chosen || undefined)) : undefined;
  const preview = usePlanPreview(appId, taskDefinition !== undefined ? { kind: "rollback", taskDefinition } : { kind: "rollback" });
  const [reason, setReason] = useState("");
  const runner = useActionRunner<RollbackResult>();
  // Set when the server found nothing to roll back: no operation started; the request was audited.
  const [nothing, setNothing] = useState<{ headline: string; detail: string } | null>(null);
  const reasonId = useId();
  const selectId = useId();
  const choices = revision ? rollbackChoices(revision) : [];
  const mustChoose = revision !== undefined && revision.target === null;

  async function confirm() {
    const trimmed = reason.trim();
    const data = await runner.run(() =>
      rollback({ appId, ...(trimmed ? { reason: trimmed } : {}), ...(taskDefinition !== undefined ? { taskDefinition } : {}) }),
    );
    if (data?.operationId) onStarted(data.operationId);
    else if (data?.nothingToDo) setNothing(data.nothingToDo);
  }

  let title = "Roll back to blue";
  let subtitle = "Sends all traffic back to blue (0 % green).";
  if (revision && revision.target !== null) {
    title = `Roll back to ${revision.target}`;
    subtitle =
      revision.target === revision.primary
        ? `${revision.primary} is the revision to go back to: ECS re-asserts it.`
        : `${revision.target} served before ${revision.primary}: ECS rolls the service back to it, task by task.`;
  } else if (revision) {
    title = "Roll back to a revision";
    subtitle = `Teal cannot tell which revision served before ${revision.primary}: choose the one to go back to.`;
  }

  return (
    <ModalDialog
      title={title}
      subtitle={subtitle}
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
            disabled={runner.pending || nothing !== null || (mustChoose && taskDefinition === undefined)}
          >
            {runner.pending ? "Rolling back…" : "Roll back now"}
          </button>
        </>
      }
    >
      <div className="space-y-4">
        {mustChoose ? (
          <div>
            <label htmlFor={selectId} className="block text-sm font-medium text-slate-900 dark:text-slate-100">
              Revision to roll back to
            </label>
            <select
              id={selectId}
              value={chosen}
              onChange={(e) => setChosen(e.target.value)}
              className="mt-1.5 h-9 w-full rounded-md border border-slate-300 bg-white px-2 font-mono text-sm text-slate-900 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
            >
              <option value="">{choices.length === 0 ? "No other ACTIVE revision" : "Choose a revision"}</option>
              {choices.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
        ) : null}
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
        {nothing ? (
          <Notice tone="info" title={`Nothing rolled back: ${nothing.headline.charAt(0).toLowerCase()}${nothing.headline.slice(1)}`} live>
            {capitalised(nothing.detail)}. No operation was started and AWS was not called; your request is in the audit log.
          </Notice>
        ) : null}
        {runner.failure ? <FailureNotice failure={runner.failure} /> : null}
      </div>
    </ModalDialog>
  );
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
