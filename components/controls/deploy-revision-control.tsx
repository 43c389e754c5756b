"use client";

import { useId, useState } from "react";
import { deployRevision } from "@/lib/actions/deploy-revision";
import { buttonClass } from "@/components/ui/button-styles";
import { IntentDialog } from "./intent-dialog";

interface DeployRevisionControlProps {
  appId: string;
  /** ACTIVE revisions of the service's family, newest first ("family:revision"). */
  revisions: readonly string[];
  primary: string;
  busy: boolean;
  onStarted: (operationId: string) => void;
}

/** ecs-rolling: pick an ACTIVE task definition revision, review the UpdateService plan, confirm with a reason. */
export function DeployRevisionControl({ appId, revisions, primary, busy, onStarted }: DeployRevisionControlProps) {
  const choices = revisions.filter((r) => r !== primary);
  const [choice, setChoice] = useState<string>(choices[0] ?? "");
  const [confirming, setConfirming] = useState<string | null>(null);
  const selectId = useId();
  const helpId = useId();
  const value = choices.includes(choice) ? choice : (choices[0] ?? "");

  return (
    <div className="space-y-2">
      <label htmlFor={selectId} className="block text-sm font-medium text-slate-900 dark:text-slate-100">
        Task definition revision
      </label>
      <div className="flex gap-2">
        <select
          id={selectId}
          aria-describedby={helpId}
          value={value}
          disabled={busy || choices.length === 0}
          onChange={(e) => setChoice(e.target.value)}
          className="h-9 min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 font-mono text-sm text-slate-900 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none disabled:opacity-50 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
        >
          {choices.length === 0 ? <option value="">No other ACTIVE revision</option> : null}
          {choices.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="button" className={buttonClass("primary")} disabled={busy || value === ""} onClick={() => setConfirming(value)}>
          Deploy revision…
        </button>
      </div>
      <p id={helpId} className="text-xs text-slate-500 dark:text-slate-400">
        {busy
          ? "An operation is running. Wait for it to finish, or abort it, before deploying."
          : `Replaces ${primary} task by task (rolling update); the circuit breaker stops a revision whose tasks fail.`}
      </p>
      {confirming ? (
        <IntentDialog
          appId={appId}
          intent={{ kind: "deploy-revision", taskDefinition: confirming }}
          title={`Deploy ${confirming}`}
          confirmLabel="Confirm deploy"
          start={({ expectedVersion, reason }) => deployRevision({ appId, taskDefinition: confirming, expectedVersion, reason })}
          onClose={() => setConfirming(null)}
          onStarted={(id) => {
            setConfirming(null);
            onStarted(id);
          }}
        />
      ) : null}
    </div>
  );
}
