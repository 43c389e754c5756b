"use client";

import { useId, useState } from "react";
import { rollback, type RollbackResult } from "@/lib/actions/rollback";
import { Notice } from "@/components/ui/notice";
import { ModalDialog } from "@/components/ui/modal-dialog";
import { buttonClass } from "@/components/ui/button-styles";
import { usePlanPreview } from "@/components/hooks/use-plan-preview";
import { useNow } from "@/components/hooks/use-now";
import { HttpError } from "@/components/api/http-error";
import { PlanPreviewBody } from "./plan-preview-body";
import { FailureNotice } from "./failure-notice";
import { ReasonField } from "./reason-field";
import { useActionRunner } from "./use-action-runner";
import { rollbackChoices, type RevisionRollback } from "./rollback-label";

interface RollbackDialogProps {
  appId: string;
  /** ecs-rolling: the revision to go back to, or the choice of one when it is unknown. */
  revision?: RevisionRollback;
  /** ecs-rolling before its revisions are read: the server picks the revision that served before. */
  revisionPending?: boolean;
  onClose: () => void;
  onStarted: (operationId: string) => void;
}

/** A plan not read after this long is said to be waiting on AWS, in words, not only a skeleton. */
export const PLAN_SLOW_MS = 3_000;

/**
 * One confirmation, no typing: the rollback must be doable half-awake. The plan is shown, but the
 * button works even if the preview cannot load — the server plans the rollback itself.
 */
export function RollbackDialog({ appId, revision, revisionPending = false, onClose, onStarted }: RollbackDialogProps) {
  const [openedAt] = useState(() => Date.now());
  const [confirmedAt, setConfirmedAt] = useState<number | null>(null);
  const nowMs = useNow(1000);
  const [chosen, setChosen] = useState("");
  // The revision the button named goes to the server as is: the rollback goes where it said.
  const taskDefinition = revision ? (revision.target ?? (chosen || undefined)) : undefined;
  const preview = usePlanPreview(appId, taskDefinition !== undefined ? { kind: "rollback", taskDefinition } : { kind: "rollback" });
  const [reason, setReason] = useState("");
  const runner = useActionRunner<RollbackResult>();
  // Set when the server found nothing to roll back: no operation started; the request was audited.
  const [nothing, setNothing] = useState<{ headline: string; detail: string } | null>(null);
  const selectId = useId();
  const choices = revision ? rollbackChoices(revision) : [];
  const mustChoose = revision !== undefined && revision.target === null;

  async function confirm() {
    setConfirmedAt(Date.now());
    const trimmed = reason.trim();
    const data = await runner.run(() =>
      rollback({ appId, ...(trimmed ? { reason: trimmed } : {}), ...(taskDefinition !== undefined ? { taskDefinition } : {}) }),
    );
    setConfirmedAt(null);
    if (data?.operationId) onStarted(data.operationId);
    else if (data?.nothingToDo) setNothing(data.nothingToDo);
  }

  // AWS silent: the preview is still on its way after a few seconds, or gave up.
  const planLate = preview.isPending && nowMs - openedAt > PLAN_SLOW_MS;
  // Only a server or network failure is AWS's silence; a refusal (4xx) is shown as what it is.
  const planFailed = preview.isError && !(preview.error instanceof HttpError && preview.error.status < 500);
  const startLate = runner.pending && confirmedAt !== null && nowMs - confirmedAt > PLAN_SLOW_MS;

  let title = "Roll back to blue";
  let subtitle = "Sends all traffic back to blue (0 % green).";
  if (revision && revision.target !== null) {
    title = `Roll back to ${revision.target}`;
    subtitle =
      revision.target === revision.primary
        ? `${revision.primary} is the revision to go back to: ECS re-asserts it.`
        : `${revision.target} served before ${revision.primary}: ECS rolls the service back to it, task by task.`;
  } else if (revisionPending) {
    title = "Roll back";
    subtitle = "Goes back to the revision that served before the current deployment; Teal reads which one from AWS.";
  } else if (revision) {
    title = "Roll back to a revision";
    subtitle = `Teal cannot tell which revision served before ${revision.primary}: choose the one to go back to.`;
  }

  return (
    <ModalDialog
      steady
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
        {/* First in the body, so a refusal is seen without scrolling past the plan. */}
        {runner.failure ? <FailureNotice failure={runner.failure} /> : null}
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
        {startLate ? (
          <Notice tone="warning" title="Waiting for AWS to answer" live>
            Your rollback is asked for. Teal reads the application from AWS before it starts, and starts it as soon as AWS answers; keep this dialog
            open.
          </Notice>
        ) : null}
        {planLate || planFailed ? (
          <div className="space-y-2">
            <Notice tone="warning" title="AWS is not answering; the plan will be read when it does" live>
              Roll back now still works: Teal plans the rollback itself when you confirm, from what AWS answers then.
            </Notice>
            {planFailed ? (
              <button type="button" className={buttonClass("secondary", "sm")} onClick={() => void preview.refetch()} disabled={preview.isFetching}>
                {preview.isFetching ? "Reading the plan…" : "Read the plan again"}
              </button>
            ) : (
              <PlanPreviewBody preview={preview} />
            )}
          </div>
        ) : (
          <PlanPreviewBody preview={preview} />
        )}
        <ReasonField value={reason} onChange={setReason} required={false} placeholder="e.g. 5xx on green" />
        {nothing ? (
          <Notice tone="info" title={`Nothing rolled back: ${nothing.headline.charAt(0).toLowerCase()}${nothing.headline.slice(1)}`} live>
            {capitalised(nothing.detail)}. No operation was started and AWS was not called; your request is in the audit log.
          </Notice>
        ) : null}
      </div>
    </ModalDialog>
  );
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
