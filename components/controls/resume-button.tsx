"use client";

import { useState } from "react";
import type { Operation } from "@/lib/domain/operation";
import { resumeOperation } from "@/lib/actions/resume-operation";
import { ModalDialog } from "@/components/ui/modal-dialog";
import { buttonClass } from "@/components/ui/button-styles";
import { stepLookIn } from "@/components/operation/operation-status";
import { FailureNotice } from "./failure-notice";
import { useActionRunner } from "./use-action-runner";

interface ResumeButtonProps {
  appId: string;
  operation: Pick<Operation, "id" | "summary" | "status" | "steps">;
  onStarted: (operationId: string) => void;
}

/**
 * Next to Roll back: carry an interrupted or failed operation on from the step it stopped at. The
 * dialog lists the steps still to run, so the operator sees what resuming will do.
 */
export function ResumeButton({ appId, operation, onStarted }: ResumeButtonProps) {
  const [open, setOpen] = useState(false);
  const runner = useActionRunner<{ operationId: string; fromStep: number }>();
  const remaining = operation.steps.filter((s) => s.status !== "succeeded" && s.status !== "skipped");

  async function confirm() {
    const data = await runner.run(() => resumeOperation({ appId, operationId: operation.id }));
    if (data) {
      setOpen(false);
      onStarted(data.operationId);
    }
  }

  return (
    <>
      <button type="button" className={buttonClass("secondary", "md", "px-4")} onClick={() => setOpen(true)}>
        <span aria-hidden="true">⏵</span>
        Resume
      </button>
      {open ? (
        <ModalDialog
          steady
          title={`Resume: ${operation.summary}`}
          subtitle={`This operation is ${operation.status}. Resuming runs the steps below from where it stopped.`}
          onClose={() => setOpen(false)}
          busy={runner.pending}
          footer={
            <>
              <button type="button" className={buttonClass("secondary")} onClick={() => setOpen(false)} disabled={runner.pending}>
                Cancel
              </button>
              <button type="button" data-autofocus className={buttonClass("primary")} onClick={confirm} disabled={runner.pending}>
                {runner.pending ? "Resuming…" : "Resume now"}
              </button>
            </>
          }
        >
          <div className="space-y-3">
            <ol className="space-y-1 text-sm" aria-label="Steps still to run">
              {remaining.map((s) => {
                const { look } = stepLookIn(operation.status, s.status);
                return (
                  <li key={s.id} className="flex gap-2">
                    <span aria-hidden="true">{look.icon}</span>
                    <span>
                      {s.title}
                      <span className="ml-1.5 text-xs text-slate-500 dark:text-slate-400">({look.label.toLowerCase()})</span>
                      {s.call ? (
                        <span className="block font-mono text-[11px] text-slate-500 dark:text-slate-400">
                          {s.call.service} · {s.call.operation}
                        </span>
                      ) : null}
                    </span>
                  </li>
                );
              })}
            </ol>
            {runner.failure ? <FailureNotice failure={runner.failure} /> : null}
          </div>
        </ModalDialog>
      ) : null}
    </>
  );
}
