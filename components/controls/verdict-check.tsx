"use client";

import { useId } from "react";
import { isGreenWorse, windowLabel, type GreenVerdict } from "@/lib/domain/green-verdict";
import { Badge } from "@/components/ui/badge";
import { VERDICT_LOOK } from "@/components/verdict/verdict-look";

interface VerdictCheckProps {
  appId: string;
  verdict: GreenVerdict | undefined;
  /** The intent gives green more traffic (only then does a worse green ask for the override). */
  raising: boolean;
  /** "promote" or "shift", for the wording. */
  action: "promote" | "shift";
  override: string;
  onOverrideChange: (value: string) => void;
}

/** Whether the dialog may confirm: a worse green needs the application id typed. */
export function overrideSatisfied(appId: string, verdict: GreenVerdict | undefined, raising: boolean, override: string): boolean {
  return !(raising && isGreenWorse(verdict)) || override.trim() === appId;
}

/**
 * Green against blue in the shift and promote dialogs, as the server will judge it on confirm; when
 * green is worse and the intent gives it more traffic, the typed override.
 */
export function VerdictCheck({ appId, verdict, raising, action, override, onOverrideChange }: VerdictCheckProps) {
  const inputId = useId();
  const helpId = useId();
  if (!verdict) return null;
  const look = VERDICT_LOOK[verdict.status];
  const window = windowLabel(verdict);
  const worse = isGreenWorse(verdict);
  const box =
    verdict.status === "failing"
      ? "border-rose-300 bg-rose-50 dark:border-rose-800 dark:bg-rose-950/40"
      : verdict.status === "slower"
        ? "border-amber-300 bg-amber-50 dark:border-amber-800 dark:bg-amber-950/40"
        : "border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-900";
  return (
    <section aria-label="Green compared with blue" className={`space-y-2 rounded-md border px-3 py-2.5 text-sm ${box}`}>
      <p className="flex flex-wrap items-center gap-2">
        <Badge tone={look.tone}>
          <span aria-hidden="true">{look.icon}</span>
          {verdict.label}
        </Badge>
        {verdict.figures ? <span className="tabular-nums font-medium text-slate-900 dark:text-slate-100">{verdict.figures}</span> : null}
        {window ? <span className="text-slate-500 dark:text-slate-400">· {window}</span> : null}
      </p>
      <p className="text-xs text-slate-600 dark:text-slate-400">{verdict.detail}</p>
      {worse && raising ? (
        <div className="border-t border-rose-200 pt-2 dark:border-rose-900">
          <p id={helpId} className="text-sm font-medium text-rose-900 dark:text-rose-200">
            Green is worse than blue. {action === "promote" ? "Promoting it" : "Giving it more traffic"} needs an override, recorded in the audit log.
          </p>
          <label htmlFor={inputId} className="mt-2 block text-sm font-medium text-slate-900 dark:text-slate-100">
            Type <span className="font-mono">{appId}</span> to {action} anyway
          </label>
          <input
            id={inputId}
            aria-describedby={helpId}
            autoComplete="off"
            spellCheck={false}
            value={override}
            onChange={(e) => onOverrideChange(e.target.value)}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 font-mono text-sm text-slate-900 shadow-xs focus:border-rose-600 focus:ring-2 focus:ring-rose-600/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
          />
        </div>
      ) : null}
    </section>
  );
}
